/**
 * `npm run demo` — DESIGN §11, the main job on the embedded network: deploys the whole system
 * through the Ignition module (deploy/ignition/Cascade.ts via deploySystemWithIgnition), registers a
 * curated and a bonded module with operators and BLS-valid keys, takes deposits into classes A/B/C,
 * registers two restaked services (tier 1 and tier 2) that operators opt in to and that pay
 * rewards, starts the beacon simulator (Beacon API on 127.0.0.1, random port), three oracle
 * members, two guardians and a keeper, and runs report frames: rewards, a slashing covered by the
 * operator's bond, a poor performer losing reputation and allocation, a vetoed service slash
 * request, a tier-2 service slash of a curated operator executed by the keeper after the veto
 * window (it lands on class C, never on A), forced exits (EIP-7002) of that operator when it
 * ignores its exit requests, redemptions finalized through exits and claimed. Per frame a table
 * and the frame's events; at the end a summary and a self-contained HTML report
 * (demo-output/report.html).
 *
 *   npm run demo                                   (8 frames, tables, HTML report)
 *   CASCADE_DEMO_ARGS="--frames 4 --json" npm run demo
 *   npx tsx scripts/demo.ts --frames 8 --seed cascade --json --rpc http://127.0.0.1:8545 --beacon URL
 * (`hardhat run` passes no arguments to scripts, hence the variable / direct form.)
 *
 * The scenario is `runDemo` (exported: test/demo/demo.test.ts runs it with fewer frames; the
 * `cascade demo` command runs it too).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import cliProgress from "cli-progress";
import { Interface, Wallet, formatEther, id as keccakId, type Signer } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import { ETH, handOverToTimelock, type System } from "../deploy/system.js";
import { roleTable } from "../deploy/roles.js";
import { createCascadeClient } from "../sdk/src/client.js";
import { governanceCalls } from "../sdk/src/actions/governance.js";
import { safeGovern } from "../sdk/src/governance/safeGov.js";
import { deploySystemWithIgnition } from "../deploy/ignitionSystem.js";
import { serviceRewardDown } from "../sdk/src/model/waterfall.js";
import { BeaconSimulator } from "../sdk/src/beacon/simulator.js";
import { Guardian } from "../sdk/src/daemons/guardian.js";
import { Keeper } from "../sdk/src/daemons/keeper.js";
import { EventKeySource, makeKeys, flattenBatches } from "../sdk/src/daemons/keys.js";
import { OracleMember, type Report } from "../sdk/src/daemons/oracle.js";
import { fixed, percent } from "../sdk/src/cli/format.js";
export { renderFrame, renderHtml, renderSummary } from "./demo/report.js";
import { renderFrame, renderHtml, renderSummary } from "./demo/report.js";

const DAY = 24 * 3600;
const YEAR = 365 * DAY;

// ---------------------------------------------------------------- types

export interface DemoOptions {
  frames: number;
  seed: string;
  /** Seconds of chain time per frame (default 7 days). */
  frameSeconds?: number;
  /** Read the beacon chain from this node instead of starting the simulator. */
  beaconUrl?: string;
  /** Output: called with each line/table; silent when omitted. */
  log?: (s: string) => void;
  /** Called after each frame (progress). */
  onFrame?: (frame: number, total: number) => void;
  /** Where to write the HTML report (none when omitted). */
  htmlPath?: string;
  /** Called once the system is deployed (devnet prints the addresses). */
  onDeployed?: (sys: System) => void | Promise<void>;
}

export interface ServiceRow {
  id: number;
  name: string;
  tier: number;
  /** ETH of stake securing the service now */
  allocation: string;
  operators: number;
  /** cumulative ETH the service paid as rewards */
  rewardsPaid: string;
  /** cumulative ETH slashed through the service (executed slashes) */
  slashed: string;
  slashesExecuted: number;
  slashesVetoed: number;
  /** the network's certified robustness γ (bps) when the row was read; "∞" = no load */
  gammaBps: string;
}

export interface ModuleRow {
  id: number;
  name: string;
  deposited: number;
  active: number;
  exited: number;
  reputationBps: number;
  targetShareBps: number;
  shareBps: number;
  perfBps: number;
}

export interface ClassRow {
  symbol: string;
  nav: string;
  supply: string;
  price: string;
  apyPct: number;
  /**
   * ETH of service rewards this class received at the frame's report: the registry's collected
   * rewards split by the reference model (sdk/src/model `serviceRewardDown`, the contracts' step 6)
   * over the start-of-report NAVs.
   */
  serviceRewards: string;
}

export interface FrameResult {
  frame: number;
  refSlot: string;
  day: number;
  hash: string;
  modules: ModuleRow[];
  classes: ClassRow[];
  services: ServiceRow[];
  pooled: string;
  navSum: string;
  /** accounting.pooled() and Σ nav in wei, for exact checks */
  pooledWei: string;
  navSumWei: string;
  invariantA: boolean;
  events: string[];
}

export interface DemoResult {
  /** State after the initial deposits, before the first frame (frame 0 of the charts). */
  initial: { modules: ModuleRow[]; classes: ClassRow[]; services: ServiceRow[] };
  frames: FrameResult[];
  summary: {
    bondCharged: string;
    slashedPubkey: string;
    poorPerformer: {
      module: string;
      shareStartBps: number;
      shareEndBps: number;
      repStart: number;
      repEnd: number;
    };
    redemptions: { requested: number; claimed: number; paid: string };
    /** The tier-2 service's slash of a curated operator, executed by the keeper after the veto window. */
    serviceSlash?: {
      slashId: string;
      service: string;
      operator: string;
      requestedFrame: number;
      executedFrame: number;
      amount: string;
      bondCharged: string;
      classLoss: string;
      /** token prices (ETH) just before and just after the execution, per class */
      pricesBefore: string[];
      pricesAfter: string[];
      /**
       * At the end, in wei: what the router holds for the service's recipient to claim itself plus
       * what it still owes (debt). Their sum is the slash: nobody (the keeper included) claimed it.
       */
      recipientPayoutWei: string;
      debtWei: string;
      amountWei: string;
    };
    /** The slash request the veto committee cancelled. */
    vetoedSlash?: { slashId: string; service: string; operator: string; executed: boolean; status: string };
    /** Service rewards: paid per service, received per class (Σ over the frames). */
    serviceRewards: { paidByService: string[]; toClasses: string[] };
    /** Validators forced out through EIP-7002 (ExitManager.forceExit by the keeper) and those the simulator exited. */
    forcedExits: { requested: number; honoured: number; failedAttempts: number; error?: string };
    membersAgreed: boolean;
    wallSeconds: number;
  };
  htmlPath?: string;
}

// ---------------------------------------------------------------- scenario

export async function runDemo(connection: NetworkConnection, opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { ethers, provider } = connection as unknown as {
    ethers: HardhatEthers;
    provider: { send(method: string, params: unknown[]): Promise<unknown> };
  };
  const log = opts.log ?? (() => {});
  const frameSeconds = opts.frameSeconds ?? 7 * DAY;
  // One funded key is enough: roles the node has no account for are derived from the seed and
  // funded from the first account (a default anvil has 10, a testnet RPC gives you one).
  const signers = await withDerivedSigners(
    ethers,
    (await ethers.getSigners()) as unknown as Signer[],
    20,
    opts.seed,
  );
  const [
    admin,
    m1,
    m2,
    m3,
    g1,
    g2,
    opA,
    opS,
    opB1,
    opB2,
    d1,
    d2,
    d3,
    d4,
    d5,
    d6,
    funder,
    builder,
    keeperS,
    feeRec,
  ] = signers;
  const addr = (s: Signer) => s.getAddress();

  // Governance runs through Safe multisigs (DESIGN §14): three owners derived from the seed,
  // 2-of-3 on every Safe; the first one submits the signed Safe transactions (funded for gas).
  const owners = [0, 1, 2].map(
    (i) => new Wallet(keccakId(`cascade-demo/${opts.seed}/safe-owner-${i}`), ethers.provider as never),
  );
  await (await admin!.sendTransaction({ to: owners[0]!.address, value: ETH })).wait();
  const board = { owners: owners.map((o) => o.address), threshold: 2 };
  const sys = await deploySystemWithIgnition(connection, {
    oracleMembers: await Promise.all([m1, m2, m3].map(addr)),
    oracleQuorum: 2,
    guardians: await Promise.all([g1, g2].map(addr)),
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
  await opts.onDeployed?.(sys);
  const A = sys.addresses;
  const router = sys.router;

  // Modules: curated (reputation 9,000) and bonded (8,000); same base weight, 5% fee.
  const params = async (w: number) => ({
    baseWeight: w,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient: await addr(feeRec),
  });
  await (await router.addModule(A.curatedModule, await params(100), 9000)).wait();
  await (await router.addModule(A.bondedModule, await params(100), 8000)).wait();
  const moduleNames = ["curated", "bonded"];

  // Operators and keys (real BLS signatures over the router's withdrawal credentials).
  const wc: string = await router.withdrawalCredentials();
  const seed = opts.seed;
  // Sleepy is operator 0 so the curated deposit plan (operator by operator) stakes its keys first.
  const ks = makeKeys(`${seed}/sleepy`, 0, 3, wc);
  const ka = makeKeys(`${seed}/aurora`, 0, 12, wc);
  await (await sys.curated.addOperator("Sleepy", await addr(opS), await addr(opS))).wait();
  await (await sys.curated.addOperator("Aurora", await addr(opA), await addr(opA))).wait();
  await (await sys.curated.connect(opS).addKeys(0, ks.pubkeys, ks.signatures)).wait();
  await (await sys.curated.connect(opA).addKeys(1, ka.pubkeys, ka.signatures)).wait();
  await (await sys.curated.setVettedLimit(0, 3)).wait();
  await (await sys.curated.setVettedLimit(1, 12)).wait();
  // Set-up done: every role goes to its Safe / the timelock / the guardians; the deployer keeps none.
  await handOverToTimelock(sys);
  log("Governance handed over to Safe multisigs (2-of-3) and the timelock; the deployer keeps no role:");
  for (const line of await roleTable(sys)) log(`  ${line}`);
  const gov = createCascadeClient({ provider: ethers.provider as never, addresses: sys.addresses });
  /** One governance call signed by two owners and executed by the `safe` Safe. */
  const viaSafe = async (safe: string, call: ReturnType<typeof governanceCalls.vetoSlash>) =>
    safeGovern(gov, { safe, calls: [call], name: call.label, owners: owners.slice(0, 2) });
  const bondFor = (keys: bigint) => (24n * ETH) / 10n + (keys - 1n) * ((13n * ETH) / 10n);
  const kb1 = makeKeys(`${seed}/bonded-one`, 0, 8, wc);
  const kb2 = makeKeys(`${seed}/bonded-two`, 0, 6, wc);
  await (
    await sys.bonded
      .connect(opB1)
      .registerOperator("Bonded One", await addr(opB1), kb1.pubkeys, kb1.signatures, { value: bondFor(8n) })
  ).wait();
  await (
    await sys.bonded
      .connect(opB2)
      .registerOperator("Bonded Two", await addr(opB2), kb2.pubkeys, kb2.signatures, { value: bondFor(6n) })
  ).wait();
  const sleepyKeys = flattenBatches([ks]).map((k) => "0x" + k.pubkey);
  const bondedOneKeys = flattenBatches([kb1]).map((k) => "0x" + k.pubkey);
  log(
    `Deployed Cascade; modules: curated (Sleepy 3 keys, Aurora 12 keys), bonded (Bonded One 8 keys, Bonded Two 6 keys, bonds ${formatEther(bondFor(8n))} / ${formatEther(bondFor(6n))} ETH).`,
  );

  // Depositors, junior first so the senior class has cover.
  const deposits: [Signer, number, bigint][] = [
    [d1, 2, 100n * ETH],
    [d2, 1, 140n * ETH],
    [d3, 0, 300n * ETH],
    [d4, 0, 100n * ETH],
  ];
  for (const [who, cls, amount] of deposits)
    await (await router.connect(who).deposit(cls, await addr(who), 0, { value: amount })).wait();
  const symbols = sys.config.classes.map((c) => c.symbol);

  // Off-chain actors.
  const [genesisTime] = await sys.oracle.frameConfig();
  let sim: BeaconSimulator | undefined;
  let beaconUrl = opts.beaconUrl;
  if (!beaconUrl) {
    await provider
      .send("hardhat_setBalance", [await addr(funder), "0x" + (10n ** 24n).toString(16)])
      .catch(() => {});
    sim = new BeaconSimulator({
      provider: ethers.provider,
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
    beaconUrl = await sim.listen(0);
    log(`Beacon simulator serving the Beacon API at ${beaconUrl}`);
  }
  try {
    const oracleAddrs = {
      router: A.router,
      reportOracle: A.reportOracle,
      accounting: A.accounting,
      withdrawalQueue: A.withdrawalQueue,
      withdrawalVault: A.withdrawalVault,
      executionRewardsVault: A.executionRewardsVault,
    };
    // With --beacon the node is not on this chain's clock: members read its head (no history).
    const members = [m1, m2, m3].map(
      (m) => new OracleMember(m, beaconUrl!, oracleAddrs, { headState: opts.beaconUrl !== undefined }),
    );
    if (opts.beaconUrl)
      log(
        `Reading the beacon chain from ${opts.beaconUrl} (no simulator: scripted beacon events are skipped).`,
      );
    const gAddrs = {
      router: A.router,
      depositContract: A.depositContract,
      depositSecurity: A.depositSecurity,
    };
    const guardians = [g1, g2].map((g) => new Guardian(g, gAddrs));
    const keeper = new Keeper(
      keeperS,
      {
        router: A.router,
        withdrawalQueue: A.withdrawalQueue,
        serviceRegistry: A.serviceRegistry,
        withdrawalVault: A.withdrawalVault,
        withdrawalRequests: A.withdrawalRequests,
      },
      guardians,
      // The keeper knows no keys itself: it reads them back from the modules' KeysAdded events.
      new EventKeySource(ethers.provider, [A.curatedModule, A.bondedModule]),
      { beaconUrl },
    );

    const k0 = await keeper.depositBuffered();
    log(
      `Depositors put ${formatEther(deposits.reduce((s, [, , a]) => s + a, 0n))} ETH into A/B/C; keeper deposited ${k0.total} validators (curated ${k0.alloc[0]}, bonded ${k0.alloc[1]}) each module with its own 2-of-2 guardian attestation (the guardians checked every depositable key: no earlier deposit, valid BLS signature).`,
    );

    // Restaked services (DESIGN §8). Each one's slashing + veto window fits the redemption delay
    // of every class it exposes (class k is exposed iff tier ≤ k), so no class can flee a slash.
    const reg = sys.registry;
    const service = builder; // the services' own account: pays rewards, requests slashes, receives slashed ETH
    const opSigner = [
      [opS, opA],
      [opB1, opB2],
    ];
    const opName = (m: number, o: number) =>
      [
        ["Sleepy", "Aurora"],
        ["Bonded One", "Bonded Two"],
      ][m][o];
    const defs = [
      {
        name: "Oracle network",
        tier: 1,
        maxSlashBps: 1000,
        ops: [
          [0, 1],
          [1, 0],
          [1, 1],
        ] as [number, number][],
        allocation: 96n * ETH,
        reward: ETH / 5n,
        every: 1,
      },
      {
        name: "Bridge",
        tier: 2,
        maxSlashBps: 2000,
        ops: [
          [0, 0],
          [0, 1],
          [1, 1],
        ] as [number, number][],
        allocation: 64n * ETH,
        reward: (2n * ETH) / 5n,
        every: 2,
      },
    ];
    const svc = defs.map((d) => ({ ...d, paid: 0n, slashed: 0n, executed: 0, vetoed: 0 }));
    for (const [i, d] of defs.entries()) {
      const budget = Math.min(...sys.config.classes.slice(d.tier).map((c) => c.redeemDelay));
      const vetoWindow = Math.floor(budget / 2);
      await (
        await reg.registerService({
          tier: d.tier,
          maxSlashBps: d.maxSlashBps,
          slashingWindow: budget - vetoWindow,
          vetoWindow,
          minOperators: 2,
          maxOperatorShareBps: 8000,
          slasher: await addr(service),
          recipient: await addr(service),
        })
      ).wait();
      await viaSafe(
        "serviceManager",
        governanceCalls.setServiceStatus(gov, { serviceId: i, status: "active" }),
      );
      for (const [m, o] of d.ops) await (await reg.connect(opSigner[m][o]).optIn(i, m, o)).wait();
      await viaSafe(
        "allocator",
        governanceCalls.setAllocation(gov, {
          serviceId: i,
          amount: d.allocation,
          operators: d.ops.map(([m, o]) => `${m}:${o}`),
        }),
      );
    }
    // Each service declares its profit from corruption (π) and attack threshold (α, 2/3): the
    // registry's robustness gate keeps the certified γ of the network above 10 % (DESIGN §8).
    for (const [i, pi] of [ETH, 2n * ETH].entries())
      await (await reg.connect(service).setServiceRisk(i, pi, 6667)).wait();
    const expo = await Promise.all([1, 2].map((t) => reg.exposure(t) as Promise<[bigint, bigint]>));
    log(
      `Services registered and approved: ${defs
        .map(
          (d) =>
            `${d.name} (tier ${d.tier}, max slash ${percent(d.maxSlashBps)}, ${fixed(d.allocation, 0)} ETH allocated over ${d.ops.map(([m, o]) => opName(m, o)).join(", ")})`,
        )
        .join(
          "; ",
        )}. Exposure: tier 1 ${fixed(expo[0][0], 1)} of ${fixed(expo[0][1], 1)} ETH cover, tier 2 ${fixed(expo[1][0], 1)} of ${fixed(expo[1][1], 1)} ETH.`,
    );
    const serviceRows = async (): Promise<ServiceRow[]> => {
      const rows: ServiceRow[] = [];
      const g = BigInt(await reg.certifiedGammaBps());
      const gammaBps = g === 2n ** 256n - 1n ? "∞" : g.toString();
      for (const [i, d] of svc.entries()) {
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
    };
    const toClasses = symbols.map(() => 0n);
    let serviceSlash: DemoResult["summary"]["serviceSlash"];
    let vetoedSlash: DemoResult["summary"]["vetoedSlash"];
    let slashRequest: { id: bigint; frame: number } | undefined;
    let forcedRequested = 0;
    let forcedAttempted = 0;
    let forcedFailed: string | undefined;

    const frames: FrameResult[] = [];
    const requests: { id: bigint; controller: Signer; cls: number; claimed: boolean; paid: bigint }[] = [];
    let bondCharged = 0n;
    let membersAgreed = true;
    let slashedPubkey = "";
    const t0 = Number((await ethers.provider.getBlock("latest"))!.timestamp);
    let prevPrices = await Promise.all(sys.tokens.map((t) => t.price() as Promise<bigint>));
    let prevTime = t0;
    const share0 = await targetShares(sys);
    const initial = {
      modules: await moduleRows(sys, moduleNames, []),
      classes: await Promise.all(
        sys.tokens.map(async (t, i) => {
          const c = await sys.book.getClass(i);
          return {
            symbol: symbols[i],
            nav: formatEther(c.nav),
            supply: formatEther(c.supply),
            price: formatEther(prevPrices[i]),
            apyPct: 0,
            serviceRewards: "0.0",
          };
        }),
      ),
      services: await serviceRows(),
    };
    const rep0 = await reputations(sys);
    const redeemFrame = Math.max(2, opts.frames - 3);
    const ifaces = [
      router.interface,
      sys.accounting.interface,
      sys.curated.interface,
      sys.queue.interface,
      reg.interface,
    ] as Interface[];

    for (let f = 1; f <= opts.frames; f++) {
      const events: string[] = [];
      const say = (s: string) => events.push(s);
      let fromBlock = (await ethers.provider.getBlockNumber()) + 1;

      // Scripted beacon-chain events for this frame.
      if (f === 1 && sim) {
        await sim.setPerformance(sleepyKeys, -2000);
        sim.ignoreExitRequests(A.curatedModule, 0);
        say(
          "Operator Sleepy (curated) goes offline: its validators are penalized instead of rewarded, and it will not act on exit requests.",
        );
      }
      if (f === 2 && sim) {
        const deposited = await depositedPubkeys(sim, bondedOneKeys, beaconUrl);
        slashedPubkey = deposited[0] ?? "";
        if (slashedPubkey) {
          await sim.slash(slashedPubkey);
          say(`Validator ${slashedPubkey.slice(0, 12)}… of Bonded One is slashed on the beacon chain.`);
        }
      }
      // Services pay rewards (booked at the next report, to the classes they expose only).
      for (const [i, d] of svc.entries()) {
        if ((f - 1) % d.every !== 0) continue;
        await (await reg.connect(service).payRewards(i, { value: d.reward })).wait();
        d.paid += d.reward;
        say(
          `Service ${d.name} (tier ${d.tier}) pays ${fixed(d.reward, 2)} ETH of rewards for classes ${symbols.slice(d.tier).join(", ")}.`,
        );
      }
      if (f === 2) {
        // A disputed request: the veto committee cancels it inside the veto window.
        const rc = await (
          await reg.connect(service).requestSlash(0, 1, 0, 500, keccakId("disputed: liveness fault"))
        ).wait();
        const id = reg.interface.parseLog(
          rc.logs.find((l: { address: string }) => l.address === A.serviceRegistry),
        ).args.slashId as bigint;
        await viaSafe("veto", governanceCalls.vetoSlash(gov, { slashId: id.toString() }));
        svc[0].vetoed++;
        vetoedSlash = {
          slashId: id.toString(),
          service: svc[0].name,
          operator: opName(1, 0),
          executed: false,
          status: "Vetoed",
        };
        say(
          `Service ${svc[0].name} requests a 5% slash of ${opName(1, 0)} (request #${id}); the veto committee vetoes it within the veto window.`,
        );
      }
      if (f === 3) {
        // The tier-2 service slashes a curated operator (no bond): the loss lands on class C.
        const rc = await (
          await reg.connect(service).requestSlash(1, 0, 0, 2000, keccakId("equivocation evidence"))
        ).wait();
        const id = reg.interface.parseLog(
          rc.logs.find((l: { address: string }) => l.address === A.serviceRegistry),
        ).args.slashId as bigint;
        slashRequest = { id, frame: f };
        const stake: bigint = await reg.stakeOf(1, 0, 0);
        say(
          `Service ${svc[1].name} (tier 2) requests a 20% slash of Sleepy (curated, ${fixed(stake, 2)} ETH of its stake allocated), request #${id}; executable after the ${(await reg.getService(1)).params.vetoWindow} s veto window.`,
        );
      }
      if (f === 2 || f === 3) {
        const [who, cls] = f === 2 ? [d5, 2] : [d6, 1];
        await (await router.connect(who).deposit(cls, await addr(who), 0, { value: 64n * ETH })).wait();
        say(`A new depositor puts 64 ETH into class ${symbols[cls]}.`);
      }
      if (f === redeemFrame) {
        for (const [who, cls, part] of [
          [d1, 2, 40n],
          [d2, 1, 50n],
          [d3, 0, 30n],
        ] as const) {
          const shares = ((await sys.tokens[cls].balanceOf(await addr(who))) * part) / 100n;
          const tx = await sys.queue
            .connect(who)
            .requestRedeem(cls, shares, await addr(who), await addr(who));
          const rc = await tx.wait();
          const ev = rc.logs
            .map((l: { topics: string[]; data: string }) => sys.queue.interface.parseLog(l))
            .find((e: { name: string } | null) => e?.name === "RedeemRequest");
          requests.push({ id: ev.args.requestId, controller: who, cls, claimed: false, paid: 0n });
          say(
            `A holder requests redemption of ${part}% of its ${symbols[cls]} (${fixed(shares, 4)} shares).`,
          );
        }
      }
      // Execution-layer rewards (priority fees, MEV) reach the fee recipient vault.
      const active = (await moduleRows(sys, moduleNames, [])).reduce((s, m) => s + m.active, 0);
      if (active > 0) {
        const el = BigInt(active) * (ETH / 500n);
        await (await builder.sendTransaction({ to: A.executionRewardsVault, value: el })).wait();
      }

      // Time passes to the next frame's first slot.
      await provider.send("evm_increaseTime", [frameSeconds]);
      await provider.send("evm_mine", []);
      const [g, sps, spf]: bigint[] = await sys.oracle.frameConfig();
      const frameLen = sps * spf;
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      await provider.send("evm_setNextBlockTimestamp", [Number(((now - g) / frameLen + 1n) * frameLen + g)]);
      await provider.send("evm_mine", []);

      // The keeper executes service slashes whose veto window is over (vetoed ones are not pending).
      const pricesPre = await Promise.all(sys.tokens.map((t) => t.price() as Promise<bigint>));
      for (const x of await keeper.executeDueSlashes()) {
        const pricesPost = await Promise.all(sys.tokens.map((t) => t.price() as Promise<bigint>));
        const rc = await ethers.provider.getTransactionReceipt(x.txHash);
        let charged = 0n;
        let classLoss = 0n;
        for (const l of rc!.logs) {
          const e = (() => {
            try {
              return sys.accounting.interface.parseLog(l);
            } catch {
              return null;
            }
          })();
          if (e?.name === "ServiceSlashApplied") {
            charged = e.args.bondCharged as bigint;
            classLoss = e.args.classLoss as bigint;
          }
        }
        const r = await reg.getSlash(x.slashId);
        const d = svc[Number(r.serviceId)];
        d.slashed += x.amount;
        d.executed++;
        const who = opName(Number(r.moduleId), Number(r.operatorId));
        say(
          `Keeper executes slash #${x.slashId} of ${d.name} after its veto window: ${fixed(x.amount, 4)} ETH from ${who} — bond ${fixed(charged, 4)} ETH, classes ${fixed(classLoss, 4)} ETH; price of ${symbols
            .map((sym, i) => `${sym} ${fixed(pricesPre[i], 6)} → ${fixed(pricesPost[i], 6)}`)
            .join(", ")}. ${who}'s validators are asked to exit.`,
        );
        if (slashRequest && x.slashId === slashRequest.id)
          serviceSlash = {
            slashId: x.slashId.toString(),
            service: d.name,
            operator: who,
            requestedFrame: slashRequest.frame,
            executedFrame: f,
            amount: formatEther(x.amount),
            bondCharged: formatEther(charged),
            classLoss: formatEther(classLoss),
            pricesBefore: pricesPre.map((p) => formatEther(p)),
            pricesAfter: pricesPost.map((p) => formatEther(p)),
            recipientPayoutWei: "0",
            debtWei: "0",
            amountWei: x.amount.toString(),
          };
      }

      // Oracle: every member builds the report at the same block; a quorum votes; one submits.
      // The simulator catches up with the chain (and pays due withdrawals) before the block is pinned.
      const forcedBefore = sim?.forcedExits.length ?? 0;
      await sim?.sync();
      if (sim && sim.forcedExits.length > forcedBefore)
        say(
          `Beacon chain: ${sim.forcedExits.length - forcedBefore} validators start exiting on EIP-7002 requests from the withdrawal vault.`,
        );
      // What the report will hand the classes from services (the registry's collected rewards).
      const navs0: bigint[] = [...(await sys.book.navs())];
      const feeBps = BigInt(sys.config.serviceFeeBps);
      const frameServiceRewards = symbols.map(() => 0n);
      for (const [i, d] of svc.entries()) {
        const pending = BigInt((await reg.getService(i)).pendingRewards);
        if (pending === 0n) continue;
        serviceRewardDown(pending, feeBps, navs0, d.tier).parts.forEach((p, k) => {
          frameServiceRewards[k] += p;
          toClasses[k] += p;
        });
      }
      const block = await ethers.provider.getBlockNumber();
      const built = [];
      for (const m of members) built.push(await m.buildReport(block));
      if (new Set(built.map((b) => b.hash)).size !== 1) membersAgreed = false;
      const { report, hash, notes } = built[0];
      const quorum = Number(await sys.oracle.quorum());
      for (const m of members.slice(0, quorum)) await m.vote(report);
      await members[0].submitData(report);
      describeReport(report, notes, moduleNames, say);
      // Events emitted on chain in this frame, as sentences.
      const logs = await ethers.provider.getLogs({ fromBlock, toBlock: "latest" });
      fromBlock = (await ethers.provider.getBlockNumber()) + 1;
      for (const l of logs) {
        for (const iface of ifaces) {
          let e;
          try {
            e = iface.parseLog(l);
          } catch {
            e = null;
          }
          if (!e) continue;
          if (e.name === "BondCoverCharged") {
            bondCharged += e.args.charged as bigint;
            say(
              `Bond of operator ${e.args.operatorId} in module ${moduleNames[Number(e.args.moduleId)]} charged ${fixed(e.args.charged, 4)} ETH of a ${fixed(e.args.requested, 4)} ETH loss: the pool is made whole.`,
            );
          } else if (e.name === "ReputationChanged") {
            say(
              `Reputation of ${moduleNames[Number(e.args.moduleId)]} is now ${Number(e.args.reputationBps) / 100}%.`,
            );
          } else if (e.name === "ServiceRewardsReceived") {
            say(
              `The report books ${fixed(e.args.amount, 4)} ETH of service rewards: ${symbols
                .map((sym, k) => `${sym} +${fixed(frameServiceRewards[k], 4)}`)
                .join(", ")} (service fee to the treasury).`,
            );
          } else if (e.name === "RedeemFinalized") {
            const id = e.args.requestId as bigint;
            say(
              `Redemption #${id & ((1n << 128n) - 1n)} of ${symbols[Number(id >> 128n)]} finalized: ${fixed(e.args.assets, 4)} ETH locked for its claim.`,
            );
          }
          break;
        }
      }

      // After the report: claims of finalized requests, then the keeper stakes the buffer.
      for (const r of requests) {
        if (r.claimed) continue;
        const claimable: bigint = await sys.queue.claimableRedeemRequest(r.id, await addr(r.controller));
        if (claimable === 0n) continue;
        const req = await sys.queue.getRequest(r.id);
        await (await sys.queue.connect(r.controller).claim(r.id, await addr(r.controller))).wait();
        r.claimed = true;
        r.paid = BigInt(req.assets);
        say(
          `Redemption #${r.id & ((1n << 128n) - 1n)} of ${symbols[r.cls]} claimed: ${fixed(r.paid, 4)} ETH paid to its holder.`,
        );
      }
      // Exit requests past their deadline that the operator ignored: the keeper forces them out.
      for (const x of await keeper.forceOverdueExits()) {
        const who = opName(x.moduleId, Number(x.operatorId));
        if (x.error) {
          forcedFailed = x.error;
          forcedAttempted += x.pubkeys.length;
          say(
            `Keeper finds ${who}'s exit requests overdue and tries to force ${x.pubkeys.length} validators out through EIP-7002, but ${x.error}.`,
          );
          continue;
        }
        forcedRequested += x.pubkeys.length;
        say(
          `Keeper forces ${x.pubkeys.length} validators of ${who} out through EIP-7002 (ExitManager.forceExit, fee ${x.fee} wei): its exit requests are overdue.`,
        );
      }
      const k = await keeper.depositBuffered();
      if (k.paused)
        say(
          `Guardian ${k.paused.guardian} refused to attest module ${k.paused.moduleId} (${k.paused.violations.map((v) => v.reason).join(", ")}): deposits paused.`,
        );
      if (k.total > 0n)
        say(
          `Keeper deposited ${k.total} validators: ${k.alloc.map((n, i) => `${moduleNames[i]} ${n}`).join(", ")}.`,
        );

      // Snapshot for the table and the report.
      const ts = Number((await ethers.provider.getBlock("latest"))!.timestamp);
      const prices = await Promise.all(sys.tokens.map((t) => t.price() as Promise<bigint>));
      const classes: ClassRow[] = [];
      const navs: bigint[] = await sys.book.navs();
      for (let i = 0; i < navs.length; i++) {
        const c = await sys.book.getClass(i);
        const growth = Number(prices[i] - prevPrices[i]) / Number(prevPrices[i]);
        classes.push({
          symbol: symbols[i],
          nav: formatEther(c.nav),
          supply: formatEther(c.supply),
          price: formatEther(prices[i]),
          apyPct: (growth * YEAR * 100) / Math.max(1, ts - prevTime),
          serviceRewards: formatEther(frameServiceRewards[i]),
        });
      }
      prevPrices = prices;
      prevTime = ts;
      const pooled: bigint = await sys.accounting.pooled();
      const navSum = navs.reduce((s, n) => s + n, 0n);
      const invariantA = navSum <= pooled && pooled - navSum <= BigInt(navs.length);
      say(`Invariant A: Σ nav ${invariantA ? "≤" : "VIOLATES"} pooled (dust ${pooled - navSum} wei).`);
      frames.push({
        frame: f,
        refSlot: report.refSlot.toString(),
        day: Math.round((ts - t0) / DAY),
        hash,
        modules: await moduleRows(
          sys,
          moduleNames,
          report.modules.map((m) => m.perfBps),
        ),
        classes,
        services: await serviceRows(),
        pooled: formatEther(pooled),
        navSum: formatEther(navSum),
        pooledWei: pooled.toString(),
        navSumWei: navSum.toString(),
        invariantA,
        events,
      });
      log(renderFrame(frames[frames.length - 1]));
      opts.onFrame?.(f, opts.frames);
    }

    if (serviceSlash) {
      serviceSlash.recipientPayoutWei = (await router.servicePayoutOf(await addr(service))).toString();
      serviceSlash.debtWei = (await router.debt()).toString();
    }
    const share1 = await targetShares(sys);
    const rep1 = await reputations(sys);
    const result: DemoResult = {
      initial,
      frames,
      summary: {
        bondCharged: formatEther(bondCharged),
        slashedPubkey,
        poorPerformer: {
          module: "curated",
          shareStartBps: share0[0],
          shareEndBps: share1[0],
          repStart: rep0[0],
          repEnd: rep1[0],
        },
        redemptions: {
          requested: requests.length,
          claimed: requests.filter((r) => r.claimed).length,
          paid: formatEther(requests.reduce((s, r) => s + r.paid, 0n)),
        },
        serviceSlash,
        vetoedSlash: vetoedSlash && {
          ...vetoedSlash,
          status: ["None", "Requested", "Vetoed", "Executed"][
            Number((await reg.getSlash(vetoedSlash.slashId)).status)
          ],
          executed: Number((await reg.getSlash(vetoedSlash.slashId)).status) === 3,
        },
        serviceRewards: {
          paidByService: svc.map((d) => formatEther(d.paid)),
          toClasses: toClasses.map((x) => formatEther(x)),
        },
        forcedExits: {
          requested: forcedRequested,
          honoured: sim?.forcedExits.length ?? 0,
          failedAttempts: forcedAttempted,
          ...(forcedFailed ? { error: forcedFailed } : {}),
        },
        membersAgreed,
        wallSeconds: (Date.now() - started) / 1000,
      },
    };
    if (opts.htmlPath) {
      mkdirSync(dirname(opts.htmlPath), { recursive: true });
      writeFileSync(opts.htmlPath, renderHtml(result, opts));
      result.htmlPath = opts.htmlPath;
    }
    return result;
  } finally {
    await sim?.close();
  }
}

/**
 * A connection whose Ignition deployments leave no journal behind. On a JSON-RPC node Ignition
 * keeps a journal under ignition/deployments/<id>; a devnet node dies with its process, so a
 * journal left as `chain-31337` would make the next fresh node look half-deployed. This wrapper
 * deploys under a one-off id and removes that journal once the deployment returns (the embedded
 * network keeps no journal at all).
 */
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

// ---------------------------------------------------------------- reading state

async function targetShares(sys: System): Promise<number[]> {
  const w: bigint[] = await sys.router.moduleWeights();
  const sum = w.reduce((s, x) => s + x, 0n);
  return w.map((x) => (sum === 0n ? 0 : Number((x * 10_000n) / sum)));
}

async function reputations(sys: System): Promise<number[]> {
  const n = Number(await sys.router.moduleCount());
  const out = [];
  for (let i = 0; i < n; i++) out.push(Number((await sys.router.getModule(i)).reputationBps));
  return out;
}

async function moduleRows(sys: System, names: string[], perf: number[]): Promise<ModuleRow[]> {
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

/** Keys of `candidates` the beacon node already has active (so a slashing lands). */
async function depositedPubkeys(sim: BeaconSimulator, candidates: string[], _url: string): Promise<string[]> {
  const r = await sim.stateValidators("head", candidates, ["active_ongoing"]);
  const body = r.body as { data?: { validator: { pubkey: string } }[] };
  return (body.data ?? []).map((v) => v.validator.pubkey);
}

function describeReport(
  r: Report,
  notes: Awaited<ReturnType<OracleMember["buildReport"]>>["notes"],
  names: string[],
  say: (s: string) => void,
) {
  const parts = r.modules.map(
    (m, i) =>
      `${names[i]} ${m.clValidators} validators, ${fixed(m.clBalance, 4)} ETH on the beacon chain, ${fixed(m.withdrawn, 4)} ETH withdrawn, perf ${(m.perfBps / 100).toFixed(1)}%`,
  );
  say(
    `Oracle report for slot ${r.refSlot} agreed by the quorum: ${parts.join("; ")}; EL rewards ${fixed(r.elRewards, 4)} ETH.`,
  );
  for (const s of notes.newlySlashed)
    say(
      `The oracle attributes a ${fixed(s.lossWei, 4)} ETH slashing loss to operator ${s.operatorId} of ${names[s.moduleId]}.`,
    );
  if (r.exits.length)
    say(
      `Redemption demand exceeds buffered ETH by ${fixed(notes.exitShortfall, 4)} ETH: exit requests for ${r.exits
        .map((e) => `${names[e.moduleId]} operator ${e.operatorId} (${e.count})`)
        .join(", ")}.`,
    );
}

// ---------------------------------------------------------------- CLI

async function main() {
  // `hardhat run` takes no script arguments (Hardhat 3 rejects unknown options), so options come
  // from the command line when the script runs directly (`npx tsx scripts/demo.ts --frames 4`) or
  // from CASCADE_DEMO_ARGS (`CASCADE_DEMO_ARGS="--frames 4 --json" npm run demo`).
  const argv = process.argv;
  const at = argv.findIndex((a) => /scripts[\\/]demo\.ts$/.test(a));
  const args = [
    ...argv.slice(at + 1).filter((a) => a !== "--"),
    ...(process.env.CASCADE_DEMO_ARGS ?? "").split(/\s+/).filter(Boolean),
  ];
  const program = new Command()
    .name("cascade-demo")
    .option("--frames <n>", "report frames to run", (v) => Number.parseInt(v, 10), 8)
    .option("--seed <s>", "seed of the operators' keys", "cascade")
    .option("--json", "print the result as JSON instead of tables", false)
    .option(
      "--rpc <url>",
      "connect to this JSON-RPC node (uses its unlocked accounts) instead of the embedded network",
    )
    .option("--beacon <url>", "read the beacon chain from this Beacon API node instead of the simulator")
    .exitOverride();
  try {
    program.parse(args, { from: "user" });
  } catch {
    process.exitCode = 1;
    return;
  }
  const o = program.opts<{ frames: number; seed: string; json: boolean; rpc?: string; beacon?: string }>();
  if (!Number.isInteger(o.frames) || o.frames < 1 || o.frames > 64) {
    console.error("cascade demo: --frames must be an integer between 1 and 64");
    process.exitCode = 1;
    return;
  }
  const { network } = await import("hardhat");
  const conn = o.rpc
    ? await network.create({ network: "localhost", override: { url: o.rpc } })
    : await network.create();
  const htmlPath = resolve("demo-output/report.html");
  const tty = !o.json && process.stderr.isTTY;
  const multibar = tty
    ? new cliProgress.MultiBar(
        {
          format: "frames {bar} {value}/{total}",
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bar = multibar?.create(o.frames, 0);
  const log = o.json
    ? () => {}
    : multibar
      ? (s: string) => multibar.log(s + "\n")
      : (s: string) => console.log(s);
  try {
    const result = await runDemo(await withEphemeralIgnition(conn), {
      // On a real node the CLI can be pointed at what the demo deployed.
      onDeployed: o.rpc ? async (sys) => void (await writeDeployment(sys)) : undefined,
      frames: o.frames,
      seed: o.seed,
      beaconUrl: o.beacon,
      log,
      onFrame: (f) => bar?.update(f),
      htmlPath,
    });
    multibar?.update(); // flush the last frame's lines before the bar goes away
    multibar?.stop();
    if (o.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(renderSummary(result));
      console.log(`\nHTML report: ${htmlPath}`);
    }
  } catch (e) {
    multibar?.stop();
    const msg = e instanceof Error ? ((e as { shortMessage?: string }).shortMessage ?? e.message) : String(e);
    console.error(`cascade demo: ${msg.split("\n")[0]}`);
    process.exitCode = 1;
  } finally {
    await conn.close?.();
  }
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

// Run only as a script (`hardhat run scripts/demo.ts`), not when a test imports runDemo.
if (process.argv.some((a) => /scripts[\\/]demo\.ts$/.test(a))) await main();
