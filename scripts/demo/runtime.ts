/**
 * The runtime the demo's scenario (./scenario.ts) drives: the network and its signers, the deploy
 * through the Ignition module with Safe governance, time travel to the next report frame, the
 * beacon simulator, the off-chain actors (oracle members, guardians, keeper) and reading state for
 * the tables (modules, classes, services) and the chain's events of a frame. No step of the
 * story is decided here: the scenario says what happens, this says how.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Interface, Wallet, formatEther, id as keccakId, type Signer } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import { ETH, type System } from "../../deploy/system.js";
import { deploySystemWithIgnition } from "../../deploy/ignitionSystem.js";
import { createCascadeClient } from "../../sdk/src/client.js";
import type { governanceCalls } from "../../sdk/src/actions/governance.js";
import { safeGovern } from "../../sdk/src/governance/safeGov.js";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { Guardian } from "../../sdk/src/daemons/guardian.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { EventKeySource } from "../../sdk/src/daemons/keys.js";
import { OracleMember } from "../../sdk/src/daemons/oracle.js";
import type { ModuleRow, ServiceRow } from "./types.js";

export const DAY = 24 * 3600;
export const YEAR = 365 * DAY;

/** The network the demo runs on: ethers plus the raw JSON-RPC for time travel. */
export interface Chain {
  connection: NetworkConnection;
  ethers: HardhatEthers;
  send(method: string, params: unknown[]): Promise<unknown>;
}

export function chainOf(connection: NetworkConnection): Chain {
  const { ethers, provider } = connection as unknown as {
    ethers: HardhatEthers;
    provider: { send(method: string, params: unknown[]): Promise<unknown> };
  };
  return { connection, ethers, send: (m, p) => provider.send(m, p) };
}

// ---------------------------------------------------------------- signers

/** The demo's 20 roles by name (the node's accounts first, the rest derived from the seed). */
export interface Roles {
  admin: Signer;
  members: Signer[];
  guardians: Signer[];
  /** Curated operators Aurora and Sleepy, bonded operators One and Two. */
  opA: Signer;
  opS: Signer;
  opB1: Signer;
  opB2: Signer;
  depositors: Signer[];
  /** Pays the simulator's withdrawals. */
  funder: Signer;
  /** Block builder (EL rewards) and, in the scenario, the services' own account. */
  builder: Signer;
  keeper: Signer;
  feeRecipient: Signer;
}

export async function demoRoles(ethers: HardhatEthers, seed: string): Promise<Roles> {
  // One funded key is enough: roles the node has no account for are derived from the seed and
  // funded from the first account (a default anvil has 10, a testnet RPC gives you one).
  const s = await withDerivedSigners(ethers, (await ethers.getSigners()) as unknown as Signer[], 20, seed);
  return {
    admin: s[0],
    members: s.slice(1, 4),
    guardians: s.slice(4, 6),
    opA: s[6],
    opS: s[7],
    opB1: s[8],
    opB2: s[9],
    depositors: s.slice(10, 16),
    funder: s[16],
    builder: s[17],
    keeper: s[18],
    feeRecipient: s[19],
  };
}

/**
 * ETH each demo role needs when it has to be funded (index in the demo's 20 roles): members and
 * guardians pay gas, operators bonds, depositors their deposits, the simulator's funder the
 * withdrawals it pays (the rest of the funded key's balance, up to 5,000 ETH).
 */
function roleFunding(i: number): bigint {
  if (i >= 1 && i <= 5) return 10n * ETH;
  if (i >= 6 && i <= 9) return 40n * ETH;
  if (i >= 10 && i <= 15) return 400n * ETH;
  if (i === 17) return 20n * ETH; // builder: EL rewards
  if (i === 18) return 20n * ETH; // keeper: gas and EIP-7002 fees
  if (i === 19) return ETH; // fee recipient
  return 0n;
}

/**
 * `signers` extended to `n`: the missing ones are wallets derived from `seed` (demo/devnet only),
 * funded from `signers[0]` with what their role needs. Refuses, in one line, when the funded key
 * cannot cover it.
 */
export async function withDerivedSigners(
  ethers: HardhatEthers,
  signers: Signer[],
  n: number,
  seed: string,
): Promise<Signer[]> {
  if (signers.length >= n) return signers;
  if (signers.length === 0) throw new Error("the node has no funded account to run the demo from");
  const funder = signers[0];
  const out = [...signers];
  const missing: { i: number; w: Wallet; fund: bigint }[] = [];
  for (let i = signers.length; i < n; i++) {
    const w = new Wallet(keccakId(`cascade-demo/${seed}/${i}`), ethers.provider as never);
    missing.push({ i, w, fund: roleFunding(i) });
    out.push(w);
  }
  const have = await ethers.provider.getBalance(await funder.getAddress());
  const need = missing.reduce((s, m) => s + m.fund, 0n) + 1_000n * ETH; // + deploy, deposits, gas
  if (have < need)
    throw new Error(
      `the funded key ${await funder.getAddress()} holds ${formatEther(have)} ETH; the demo needs about ${formatEther(need)} ETH to fund ${missing.length} derived accounts`,
    );
  const sim = missing.find((m) => m.i === 16);
  if (sim) {
    const rest = have - need;
    sim.fund = rest / 2n > 5_000n * ETH ? 5_000n * ETH : rest / 2n;
  }
  for (const m of missing)
    if (m.fund > 0n) await (await funder.sendTransaction({ to: m.w.address, value: m.fund })).wait();
  return out;
}

// ---------------------------------------------------------------- deploy and governance

/** A governance call signed by two Safe owners and executed by the named Safe. */
export type ViaSafe = (safe: string, call: ReturnType<typeof governanceCalls.vetoSlash>) => Promise<unknown>;

/**
 * Deploys through the Ignition module with the demo's oracle members and guardians; every Safe is
 * 2-of-3 of three owners derived from the seed (DESIGN §14), the first funded to submit.
 */
export async function deployWithSafes(
  chain: Chain,
  roles: Roles,
  seed: string,
): Promise<{ sys: System; owners: Wallet[] }> {
  const { ethers } = chain;
  const owners = [0, 1, 2].map(
    (i) => new Wallet(keccakId(`cascade-demo/${seed}/safe-owner-${i}`), ethers.provider as never),
  );
  await (await roles.admin.sendTransaction({ to: owners[0]!.address, value: ETH })).wait();
  const board = { owners: owners.map((o) => o.address), threshold: 2 };
  const addrs = (s: Signer[]) => Promise.all(s.map((x) => x.getAddress()));
  const sys = await deploySystemWithIgnition(chain.connection, {
    oracleMembers: await addrs(roles.members),
    oracleQuorum: 2,
    guardians: await addrs(roles.guardians),
    guardianQuorum: 2,
    safes: {
      governance: board,
      moduleManager: board,
      classManager: board,
      operatorManager: board,
      serviceManager: board,
      allocator: board,
      veto: board,
    },
  });
  return { sys, owners };
}

/** After the hand-over: governance calls through the Safes, signed by the first two owners. */
export function safeGovernance(chain: Chain, sys: System, owners: Wallet[]) {
  const gov = createCascadeClient({ provider: chain.ethers.provider as never, addresses: sys.addresses });
  const viaSafe: ViaSafe = async (safe, call) =>
    safeGovern(gov, { safe, calls: [call], name: call.label, owners: owners.slice(0, 2) });
  return { gov, viaSafe };
}

/**
 * A connection whose Ignition deployments leave no journal behind. On a JSON-RPC node Ignition
 * keeps a journal under ignition/deployments/<id>; a devnet node dies with its process, so a
 * journal left as `chain-31337` would make the next fresh node look half-deployed. This wrapper
 * deploys under a one-off id and removes that journal once the deployment returns (the embedded
 * network keeps no journal at all).
 */
export async function withEphemeralIgnition(connection: NetworkConnection): Promise<NetworkConnection> {
  const c = connection as unknown as {
    networkConfig: { type: string };
    ignition: { deploy: (m: unknown, o?: Record<string, unknown>) => Promise<unknown> };
  };
  if (c.networkConfig.type === "edr-simulated") return connection;
  const hre = (await import("hardhat")).default as unknown as { config: { paths: { ignition: string } } };
  const id = `ephemeral-${process.pid}-${Date.now()}`;
  const dir = join(hre.config.paths.ignition, "deployments", id);
  const ignition = {
    deploy: async (m: unknown, o: Record<string, unknown> = {}) => {
      try {
        return await c.ignition.deploy(m, { ...o, deploymentId: id });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return new Proxy(connection, {
    // The connection keeps private fields: read them on the target, bind its methods to it.
    get: (t, k) => {
      if (k === "ignition") return ignition;
      const v = Reflect.get(t, k, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  }) as NetworkConnection;
}

/** Writes deployments/<chainId>.json for the CLI (`cascade --rpc URL status`). */
export async function writeDeployment(sys: System, dir = "deployments"): Promise<string> {
  const chainId = (await sys.deployer.provider!.getNetwork()).chainId;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${chainId}.json`);
  writeFileSync(
    file,
    JSON.stringify({ chainId: chainId.toString(), addresses: sys.addresses }, null, 2) + "\n",
  );
  console.error(`Addresses of this run: ${file}`);
  return file;
}

// ---------------------------------------------------------------- time, beacon chain, actors

/** `seconds` of chain time pass, then the chain moves to the next report frame's first slot. */
export async function advanceToNextFrame(chain: Chain, sys: System, seconds: number): Promise<void> {
  await chain.send("evm_increaseTime", [seconds]);
  await chain.send("evm_mine", []);
  const [g, sps, spf]: bigint[] = await sys.oracle.frameConfig();
  const frameLen = sps * spf;
  const now = BigInt(await latestTimestamp(chain));
  await chain.send("evm_setNextBlockTimestamp", [Number(((now - g) / frameLen + 1n) * frameLen + g)]);
  await chain.send("evm_mine", []);
}

export async function latestTimestamp(chain: Chain): Promise<number> {
  return Number((await chain.ethers.provider.getBlock("latest"))!.timestamp);
}

/** The beacon simulator on a random 127.0.0.1 port, paying withdrawals from `funder`. */
export async function startSimulator(
  chain: Chain,
  sys: System,
  funder: Signer,
  frameSeconds: number,
): Promise<{ sim: BeaconSimulator; url: string }> {
  const A = sys.addresses;
  await chain
    .send("hardhat_setBalance", [await funder.getAddress(), "0x" + (10n ** 24n).toString(16)])
    .catch(() => {});
  const [genesisTime] = await sys.oracle.frameConfig();
  const sim = new BeaconSimulator({
    provider: chain.ethers.provider,
    depositContract: A.depositContract,
    funder,
    genesisTime,
    activationDelayEpochs: 4,
    withdrawDelayEpochs: 256,
    slashedWithdrawDelayEpochs: 2048,
    sweepEpochs: Math.max(1, Math.round((2 * frameSeconds) / 384)),
    aprBps: 400,
    networkValidators: 32,
    modules: [A.curatedModule, A.bondedModule],
    withdrawalRequests: A.withdrawalRequests,
  });
  return { sim, url: await sim.listen(0) };
}

/** Three oracle members, two guardians and a keeper (in-process) reading `beaconUrl`. */
export function offchainActors(
  chain: Chain,
  sys: System,
  roles: Roles,
  beaconUrl: string,
  headState: boolean,
) {
  const A = sys.addresses;
  const oracleAddrs = {
    router: A.router,
    reportOracle: A.reportOracle,
    accounting: A.accounting,
    pool: A.pool,
    withdrawalVault: A.withdrawalVault,
    executionRewardsVault: A.executionRewardsVault,
  };
  // With --beacon the node is not on this chain's clock: members read its head (no history).
  const members = roles.members.map((m) => new OracleMember(m, beaconUrl, oracleAddrs, { headState }));
  const gAddrs = { router: A.router, depositContract: A.depositContract, depositSecurity: A.depositSecurity };
  const guardians = roles.guardians.map((g) => new Guardian(g, gAddrs));
  const keeper = new Keeper(
    roles.keeper,
    {
      router: A.router,
      pool: A.pool,
      serviceRegistry: A.serviceRegistry,
      withdrawalVault: A.withdrawalVault,
      withdrawalRequests: A.withdrawalRequests,
    },
    guardians,
    // The keeper knows no keys itself: it reads them back from the modules' KeysAdded events.
    new EventKeySource(chain.ethers.provider, [A.curatedModule, A.bondedModule]),
    { beaconUrl },
  );
  return { members, guardians, keeper };
}

/**
 * One oracle round: every member builds the report at the same block, a quorum votes, the first
 * submits the data. `agreed` says whether all members built the same hash.
 */
export async function oracleRound(chain: Chain, sys: System, members: OracleMember[]) {
  const block = await chain.ethers.provider.getBlockNumber();
  const built = [];
  for (const m of members) built.push(await m.buildReport(block));
  const agreed = new Set(built.map((b) => b.hash)).size === 1;
  const { report, hash, notes } = built[0];
  const quorum = Number(await sys.oracle.quorum());
  for (const m of members.slice(0, quorum)) await m.vote(report);
  await members[0].submitData(report);
  return { report, hash, notes, agreed };
}

// ---------------------------------------------------------------- reading state

/** Class token prices (wei per token). */
export function prices(sys: System): Promise<bigint[]> {
  return Promise.all(sys.tokens.map((t) => t.price() as Promise<bigint>));
}

export async function targetShares(sys: System): Promise<number[]> {
  const w: bigint[] = await sys.router.moduleWeights();
  const sum = w.reduce((s, x) => s + x, 0n);
  return w.map((x) => (sum === 0n ? 0 : Number((x * 10_000n) / sum)));
}

export async function reputations(sys: System): Promise<number[]> {
  const n = Number(await sys.router.moduleCount());
  const out = [];
  for (let i = 0; i < n; i++) out.push(Number((await sys.router.getModule(i)).reputationBps));
  return out;
}

export async function moduleRows(sys: System, names: string[], perf: number[]): Promise<ModuleRow[]> {
  const shares = await targetShares(sys);
  const n = Number(await sys.router.moduleCount());
  const rows: ModuleRow[] = [];
  for (let i = 0; i < n; i++) {
    const m = await sys.router.getModule(i);
    rows.push({
      id: i,
      name: names[i] ?? `module ${i}`,
      deposited: Number(m.deposited),
      active: Number(m.deposited) - Number(m.exited),
      exited: Number(m.exited),
      reputationBps: Number(m.reputationBps),
      targetShareBps: shares[i],
      shareBps: 0,
      perfBps: perf[i] ?? 10_000,
    });
  }
  const total = rows.reduce((s, r) => s + r.active, 0);
  for (const r of rows) r.shareBps = total ? Math.round((r.active * 10_000) / total) : 0;
  return rows;
}

/** What the scenario tracks per service besides the chain (paid, slashed, counts). */
export interface ServiceTally {
  name: string;
  tier: number;
  paid: bigint;
  slashed: bigint;
  executed: number;
  vetoed: number;
}

export async function serviceRows(sys: System, tallies: ServiceTally[]): Promise<ServiceRow[]> {
  const reg = sys.registry;
  const rows: ServiceRow[] = [];
  const g = BigInt(await reg.certifiedGammaBps());
  const gammaBps = g === 2n ** 256n - 1n ? "∞" : g.toString();
  for (const [i, d] of tallies.entries()) {
    const s = await reg.getService(i);
    const [keys] = await reg.allocationOf(i);
    rows.push({
      id: i,
      name: d.name,
      tier: d.tier,
      allocation: formatEther(s.allocation),
      operators: keys.length,
      rewardsPaid: formatEther(d.paid),
      slashed: formatEther(d.slashed),
      slashesExecuted: d.executed,
      slashesVetoed: d.vetoed,
      gammaBps,
    });
  }
  return rows;
}

/** Keys of `candidates` the beacon node already has active (so a slashing lands). */
export async function activePubkeys(sim: BeaconSimulator, candidates: string[]): Promise<string[]> {
  const r = await sim.stateValidators("head", candidates, ["active_ongoing"]);
  const body = r.body as { data?: { validator: { pubkey: string } }[] };
  return (body.data ?? []).map((v) => v.validator.pubkey);
}

/** A decoded log: the first of `ifaces` that knows it. */
export interface ChainEvent {
  name: string;
  args: Record<string, unknown> & unknown[];
}

/** Logs of `ifaces`' contracts from `fromBlock` to the head, decoded, in chain order. */
export async function chainEvents(
  chain: Chain,
  ifaces: Interface[],
  fromBlock: number,
): Promise<ChainEvent[]> {
  const logs = await chain.ethers.provider.getLogs({ fromBlock, toBlock: "latest" });
  const out: ChainEvent[] = [];
  for (const l of logs)
    for (const iface of ifaces) {
      const e = tryParse(iface, l);
      if (!e) continue;
      out.push(e);
      break;
    }
  return out;
}

function tryParse(iface: Interface, l: { topics: readonly string[]; data: string }): ChainEvent | null {
  try {
    return iface.parseLog(l) as ChainEvent | null;
  } catch {
    return null;
  }
}

/** What an executed service slash charged: the operator's bond and the classes (wei). */
export async function slashCharges(chain: Chain, sys: System, txHash: string) {
  const rc = await chain.ethers.provider.getTransactionReceipt(txHash);
  let bondCharged = 0n;
  let classLoss = 0n;
  for (const l of rc!.logs) {
    const e = tryParse(sys.registry.interface as Interface, l);
    if (e?.name === "SlashExecuted") {
      bondCharged = e.args.bondCharged as bigint;
      classLoss = e.args.classLoss as bigint;
    }
  }
  return { bondCharged, classLoss };
}
