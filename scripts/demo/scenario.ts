/**
 * The demo's story (DESIGN §11), as a script of steps: `setUp` (deploy, modules and operators,
 * the hand-over to the Safes, bonded operators, the first deposits, the beacon chain and the
 * off-chain actors, two restaked services), then `playFrame` for each report frame (beacon events,
 * service rewards, a vetoed and an executed service slash, new deposits, redemptions, time, the
 * oracle report, claims, forced exits, the keeper's deposits), then `summarize`. How each step
 * talks to the chain, the simulator and the daemons is ./runtime.ts; the tables and the HTML report
 * are ./report.ts; the frame's sentences ./narrate.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Interface, formatEther, id as keccakId, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { ETH, handOverToTimelock, type System } from "../../deploy/system.js";
import { roleTable } from "../../deploy/roles.js";
import { governanceCalls } from "../../sdk/src/actions/governance.js";
import type { CascadeClient } from "../../sdk/src/client.js";
import type { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import type { Keeper } from "../../sdk/src/daemons/keeper.js";
import { flattenBatches, makeKeys } from "../../sdk/src/daemons/keys.js";
import type { OracleMember, Report } from "../../sdk/src/daemons/oracle.js";
import { serviceRewardDown } from "../../sdk/src/model/waterfall.js";
import { fixed, percent } from "../../sdk/src/cli/format.js";
import { describeChainEvent, describeReport, type Say } from "./narrate.js";
import { renderFrame, renderHtml } from "./report.js";
import {
  DAY,
  YEAR,
  advanceToNextFrame,
  activePubkeys,
  chainEvents,
  chainOf,
  demoRoles,
  deployWithSafes,
  latestTimestamp,
  moduleRows,
  offchainActors,
  oracleRound,
  prices,
  reputations,
  safeGovernance,
  serviceRows,
  slashCharges,
  startSimulator,
  targetShares,
  type Chain,
  type Roles,
  type ServiceTally,
  type ViaSafe,
  type ChainEvent,
} from "./runtime.js";
import type { ClassRow, DemoOptions, DemoResult, FrameResult } from "./types.js";

// ---------------------------------------------------------------- the cast

const MODULES = ["curated", "bonded"];
/** Operator names by [module][operator id]. */
const OPERATORS = [
  ["Sleepy", "Aurora"],
  ["Bonded One", "Bonded Two"],
];
const opName = (m: number, o: number) => OPERATORS[m][o];
/** The bonded module's bond for `keys` keys: 2.4 ETH for the first, 1.3 ETH for each further one. */
const bondFor = (keys: bigint) => (24n * ETH) / 10n + (keys - 1n) * ((13n * ETH) / 10n);

/**
 * The two restaked services (DESIGN §8): who they secure ([module, operator]), how much stake is
 * allocated to them, and the rewards they pay every `every` frames.
 */
const SERVICES = [
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
type Service = (typeof SERVICES)[number] & ServiceTally;

interface Redemption {
  id: bigint;
  controller: Signer;
  cls: number;
  claimed: boolean;
  paid: bigint;
}

/** Everything the steps share: the system, the actors and what the story has tallied so far. */
interface World {
  opts: DemoOptions;
  log: (s: string) => void;
  chain: Chain;
  sys: System;
  roles: Roles;
  gov: CascadeClient;
  viaSafe: ViaSafe;
  frameSeconds: number;
  symbols: string[];
  sim?: BeaconSimulator;
  members: OracleMember[];
  keeper: Keeper;
  services: Service[];
  sleepyKeys: string[];
  bondedOneKeys: string[];
  redeemFrame: number;
  ifaces: Interface[];
  frames: FrameResult[];
  requests: Redemption[];
  toClasses: bigint[];
  bondCharged: bigint;
  membersAgreed: boolean;
  slashedPubkey: string;
  slashRequest?: { id: bigint; frame: number };
  serviceSlash?: DemoResult["summary"]["serviceSlash"];
  vetoedSlash?: DemoResult["summary"]["vetoedSlash"];
  forced: { requested: number; attempted: number; error?: string };
  t0: number;
  prevPrices: bigint[];
  prevTime: number;
  share0: number[];
  rep0: number[];
  initial: DemoResult["initial"];
}

// ---------------------------------------------------------------- the story

export async function runDemo(connection: NetworkConnection, opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const w = await setUp(chainOf(connection), opts);
  try {
    for (let f = 1; f <= opts.frames; f++) {
      w.frames.push(await playFrame(w, f));
      w.log(renderFrame(w.frames[w.frames.length - 1]));
      opts.onFrame?.(f, opts.frames);
    }
    const result = await summarize(w, started);
    if (opts.htmlPath) {
      mkdirSync(dirname(opts.htmlPath), { recursive: true });
      writeFileSync(opts.htmlPath, renderHtml(result, opts));
      result.htmlPath = opts.htmlPath;
    }
    return result;
  } finally {
    await w.sim?.close();
  }
}

/** Deploy, modules, operators, hand-over, deposits, beacon chain, actors, services. */
async function setUp(chain: Chain, opts: DemoOptions): Promise<World> {
  const log = opts.log ?? (() => {});
  const roles = await demoRoles(chain.ethers, opts.seed);
  const { sys, owners } = await deployWithSafes(chain, roles, opts.seed);
  await opts.onDeployed?.(sys);
  await addModules(sys, roles);
  const wc: string = await sys.router.withdrawalCredentials();
  const sleepyKeys = await addCuratedOperators(sys, roles, opts.seed, wc);
  // Set-up done: every role goes to its Safe / the timelock / the guardians; the deployer keeps none.
  await handOverToTimelock(sys);
  log("Governance handed over to Safe multisigs (2-of-3) and the timelock; the deployer keeps no role:");
  for (const line of await roleTable(sys)) log(`  ${line}`);
  const { gov, viaSafe } = safeGovernance(chain, sys, owners);
  const bondedOneKeys = await registerBondedOperators(sys, roles, opts.seed, wc, log);
  const deposited = await initialDeposits(sys, roles);
  const frameSeconds = opts.frameSeconds ?? 7 * DAY;
  const beacon = opts.beaconUrl
    ? { url: opts.beaconUrl, sim: undefined }
    : await startSimulator(chain, sys, roles.funder, frameSeconds);
  if (beacon.sim) log(`Beacon simulator serving the Beacon API at ${beacon.url}`);
  try {
    const { members, keeper } = offchainActors(chain, sys, roles, beacon.url, opts.beaconUrl !== undefined);
    if (opts.beaconUrl)
      log(
        `Reading the beacon chain from ${opts.beaconUrl} (no simulator: scripted beacon events are skipped).`,
      );
    const k0 = await keeper.depositBuffered();
    log(
      `Depositors put ${formatEther(deposited)} ETH into A/B/C; keeper deposited ${k0.total} validators (curated ${k0.alloc[0]}, bonded ${k0.alloc[1]}) each module with its own 2-of-2 guardian attestation (the guardians checked every depositable key: no earlier deposit, valid BLS signature).`,
    );
    const services = await registerServices(sys, roles, gov, viaSafe, log);
    const w = {
      ...{ opts, log, chain, sys, roles, gov, viaSafe, frameSeconds, sim: beacon.sim, members, keeper },
      ...{ services, sleepyKeys, bondedOneKeys, symbols: sys.config.classes.map((c) => c.symbol) },
      redeemFrame: Math.max(2, opts.frames - 3),
      ifaces: [sys.router, sys.accounting, sys.curated, sys.queue, sys.registry].map((c) => c.interface),
      ...{ frames: [], requests: [], bondCharged: 0n, membersAgreed: true, slashedPubkey: "" },
      forced: { requested: 0, attempted: 0 },
    } as unknown as World;
    w.toClasses = w.symbols.map(() => 0n);
    await startingPoint(w);
    return w;
  } catch (e) {
    await beacon.sim?.close();
    throw e;
  }
}

/** Modules: curated (reputation 9,000) and bonded (8,000); same base weight, 5% fee. */
async function addModules(sys: System, roles: Roles): Promise<void> {
  const params = async (w: number) => ({
    baseWeight: w,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient: await roles.feeRecipient.getAddress(),
  });
  await (await sys.router.addModule(sys.addresses.curatedModule, await params(100), 9000)).wait();
  await (await sys.router.addModule(sys.addresses.bondedModule, await params(100), 8000)).wait();
}

/**
 * Curated operators with real BLS keys over the router's withdrawal credentials, vetted. Sleepy is
 * operator 0 so the curated deposit plan (operator by operator) stakes its keys first. Returns
 * Sleepy's pubkeys (it goes offline in frame 1).
 */
async function addCuratedOperators(sys: System, roles: Roles, seed: string, wc: string): Promise<string[]> {
  const ks = makeKeys(`${seed}/sleepy`, 0, 3, wc);
  const ka = makeKeys(`${seed}/aurora`, 0, 12, wc);
  const [opS, opA] = [await roles.opS.getAddress(), await roles.opA.getAddress()];
  await (await sys.curated.addOperator("Sleepy", opS, opS)).wait();
  await (await sys.curated.addOperator("Aurora", opA, opA)).wait();
  await (await sys.curated.connect(roles.opS).addKeys(0, ks.pubkeys, ks.signatures)).wait();
  await (await sys.curated.connect(roles.opA).addKeys(1, ka.pubkeys, ka.signatures)).wait();
  await (await sys.curated.setVettedLimit(0, 3)).wait();
  await (await sys.curated.setVettedLimit(1, 12)).wait();
  return flattenBatches([ks]).map((k) => "0x" + k.pubkey);
}

/** Two bonded operators register with their keys and bonds. Returns Bonded One's pubkeys (slashed in frame 2). */
async function registerBondedOperators(
  sys: System,
  roles: Roles,
  seed: string,
  wc: string,
  log: (s: string) => void,
): Promise<string[]> {
  const kb1 = makeKeys(`${seed}/bonded-one`, 0, 8, wc);
  const kb2 = makeKeys(`${seed}/bonded-two`, 0, 6, wc);
  for (const [op, name, kb, n] of [
    [roles.opB1, "Bonded One", kb1, 8n],
    [roles.opB2, "Bonded Two", kb2, 6n],
  ] as const)
    await (
      await sys.bonded
        .connect(op)
        .registerOperator(name, await op.getAddress(), kb.pubkeys, kb.signatures, { value: bondFor(n) })
    ).wait();
  log(
    `Deployed Cascade; modules: curated (Sleepy 3 keys, Aurora 12 keys), bonded (Bonded One 8 keys, Bonded Two 6 keys, bonds ${formatEther(bondFor(8n))} / ${formatEther(bondFor(6n))} ETH).`,
  );
  return flattenBatches([kb1]).map((k) => "0x" + k.pubkey);
}

/** Depositors, junior first so the senior class has cover. Returns the ETH deposited. */
async function initialDeposits(sys: System, roles: Roles): Promise<bigint> {
  const [d1, d2, d3, d4] = roles.depositors;
  const deposits: [Signer, number, bigint][] = [
    [d1, 2, 100n * ETH],
    [d2, 1, 140n * ETH],
    [d3, 0, 300n * ETH],
    [d4, 0, 100n * ETH],
  ];
  for (const [who, cls, amount] of deposits)
    await (await sys.pool.connect(who).deposit(cls, await who.getAddress(), 0, { value: amount })).wait();
  return deposits.reduce((s, [, , a]) => s + a, 0n);
}

/**
 * The services register, governance activates them and allocates stake over the operators that
 * opted in. Each one's slashing + veto window fits the redemption delay of every class it exposes
 * (class k is exposed iff tier ≤ k), so no class can flee a slash. Each declares its profit from
 * corruption (π) and attack threshold (α, 2/3): the registry's robustness gate keeps the
 * certified γ of the network above 10 % (DESIGN §8).
 */
async function registerServices(
  sys: System,
  roles: Roles,
  gov: CascadeClient,
  viaSafe: ViaSafe,
  log: (s: string) => void,
): Promise<Service[]> {
  const reg = sys.registry;
  const service = roles.builder; // the services' own account: pays rewards, requests slashes, receives slashed ETH
  const opSigner = [
    [roles.opS, roles.opA],
    [roles.opB1, roles.opB2],
  ];
  for (const [i, d] of SERVICES.entries()) {
    const budget = Math.min(...sys.config.classes.slice(d.tier).map((c) => c.redeemDelay));
    const vetoWindow = Math.floor(budget / 2);
    const account = await service.getAddress();
    await (
      await reg.registerService({
        ...{ tier: d.tier, maxSlashBps: d.maxSlashBps, slashingWindow: budget - vetoWindow, vetoWindow },
        ...{ minOperators: 2, maxOperatorShareBps: 8000, slasher: account, recipient: account },
      })
    ).wait();
    await viaSafe(
      "serviceManager",
      governanceCalls.setServiceStatus(gov, { serviceId: i, status: "active" }),
    );
    for (const [m, o] of d.ops) await (await reg.connect(opSigner[m][o]).optIn(i, m, o)).wait();
    const operators = d.ops.map(([m, o]) => `${m}:${o}`);
    await viaSafe(
      "allocator",
      governanceCalls.setAllocation(gov, { serviceId: i, amount: d.allocation, operators }),
    );
  }
  for (const [i, pi] of [ETH, 2n * ETH].entries())
    await (await reg.connect(service).setServiceRisk(i, pi, 6667)).wait();
  const expo = await Promise.all([1, 2].map((t) => reg.exposure(t) as Promise<[bigint, bigint]>));
  const what = SERVICES.map(
    (d) =>
      `${d.name} (tier ${d.tier}, max slash ${percent(d.maxSlashBps)}, ${fixed(d.allocation, 0)} ETH allocated over ${d.ops.map(([m, o]) => opName(m, o)).join(", ")})`,
  );
  log(
    `Services registered and approved: ${what.join("; ")}. Exposure: tier 1 ${fixed(expo[0][0], 1)} of ${fixed(expo[0][1], 1)} ETH cover, tier 2 ${fixed(expo[1][0], 1)} of ${fixed(expo[1][1], 1)} ETH.`,
  );
  return SERVICES.map((d) => ({ ...d, paid: 0n, slashed: 0n, executed: 0, vetoed: 0 }));
}

/** The state before the first frame: frame 0 of the charts, and the start of the summary's changes. */
async function startingPoint(w: World): Promise<void> {
  const { sys } = w;
  w.t0 = await latestTimestamp(w.chain);
  w.prevPrices = await prices(sys);
  w.prevTime = w.t0;
  w.share0 = await targetShares(sys);
  w.initial = {
    modules: await moduleRows(sys, MODULES, []),
    classes: await Promise.all(
      sys.tokens.map(async (_t, i) => {
        const c = await sys.book.getClass(i);
        return {
          symbol: w.symbols[i],
          nav: formatEther(c.nav),
          supply: formatEther(c.supply),
          price: formatEther(w.prevPrices[i]),
          apyPct: 0,
          serviceRewards: "0.0",
        };
      }),
    ),
    services: await serviceRows(sys, w.services),
  };
  w.rep0 = await reputations(sys);
}

// ---------------------------------------------------------------- one frame

/** One report frame of the story, in order; returns its row for the tables and the report. */
async function playFrame(w: World, f: number): Promise<FrameResult> {
  const events: string[] = [];
  const say: Say = (s) => events.push(s);
  const fromBlock = (await w.chain.ethers.provider.getBlockNumber()) + 1;
  await beaconEvents(w, f, say);
  await servicesPayRewards(w, f, say);
  if (f === 2) await disputedSlashVetoed(w, say);
  if (f === 3) await tier2SlashRequested(w, f, say);
  if (f === 2 || f === 3) await newDepositor(w, f, say);
  if (f === w.redeemFrame) await holdersRequestRedemption(w, say);
  await executionRewards(w);
  await advanceToNextFrame(w.chain, w.sys, w.frameSeconds);
  await keeperExecutesDueSlashes(w, f, say);
  const round = await oracleReports(w, say);
  // Events emitted on chain in this frame, as sentences.
  for (const e of await chainEvents(w.chain, w.ifaces, fromBlock))
    narrateChainEvent(w, e, round.serviceRewards, say);
  await holdersClaim(w, say);
  await keeperForcesOverdueExits(w, say);
  await keeperDeposits(w, say);
  return snapshot(w, f, round, events, say);
}

/** Scripted beacon-chain events: Sleepy goes offline (frame 1), a Bonded One validator is slashed (frame 2). */
async function beaconEvents(w: World, f: number, say: Say): Promise<void> {
  if (!w.sim) return;
  if (f === 1) {
    await w.sim.setPerformance(w.sleepyKeys, -2000);
    w.sim.ignoreExitRequests(w.sys.addresses.curatedModule, 0);
    say(
      "Operator Sleepy (curated) goes offline: its validators are penalized instead of rewarded, and it will not act on exit requests.",
    );
  }
  if (f === 2) {
    w.slashedPubkey = (await activePubkeys(w.sim, w.bondedOneKeys))[0] ?? "";
    if (w.slashedPubkey) {
      await w.sim.slash(w.slashedPubkey);
      say(`Validator ${w.slashedPubkey.slice(0, 12)}… of Bonded One is slashed on the beacon chain.`);
    }
  }
}

/** Services pay rewards (booked at the next report, to the classes they expose only). */
async function servicesPayRewards(w: World, f: number, say: Say): Promise<void> {
  for (const [i, d] of w.services.entries()) {
    if ((f - 1) % d.every !== 0) continue;
    await (await w.sys.registry.connect(w.roles.builder).payRewards(i, { value: d.reward })).wait();
    d.paid += d.reward;
    say(
      `Service ${d.name} (tier ${d.tier}) pays ${fixed(d.reward, 2)} ETH of rewards for classes ${w.symbols.slice(d.tier).join(", ")}.`,
    );
  }
}

/** `service` requests a slash; returns the request's id. */
async function requestSlash(
  w: World,
  serviceId: number,
  op: [number, number],
  bps: number,
  evidence: string,
) {
  const reg = w.sys.registry;
  const tx = await reg
    .connect(w.roles.builder)
    .requestSlash(serviceId, op[0], op[1], bps, keccakId(evidence));
  const rc = await tx.wait();
  const log = rc.logs.find((l: { address: string }) => l.address === w.sys.addresses.serviceRegistry);
  return reg.interface.parseLog(log).args.slashId as bigint;
}

/** A disputed request: the veto committee cancels it inside the veto window. */
async function disputedSlashVetoed(w: World, say: Say): Promise<void> {
  const id = await requestSlash(w, 0, [1, 0], 500, "disputed: liveness fault");
  await w.viaSafe("veto", governanceCalls.vetoSlash(w.gov, { slashId: id.toString() }));
  const d = w.services[0];
  d.vetoed++;
  w.vetoedSlash = {
    slashId: id.toString(),
    service: d.name,
    operator: opName(1, 0),
    executed: false,
    status: "Vetoed",
  };
  say(
    `Service ${d.name} requests a 5% slash of ${opName(1, 0)} (request #${id}); the veto committee vetoes it within the veto window.`,
  );
}

/** The tier-2 service slashes a curated operator (no bond): the loss will land on class C. */
async function tier2SlashRequested(w: World, f: number, say: Say): Promise<void> {
  const reg = w.sys.registry;
  const id = await requestSlash(w, 1, [0, 0], 2000, "equivocation evidence");
  w.slashRequest = { id, frame: f };
  const stake: bigint = await reg.stakeOf(1, 0, 0);
  say(
    `Service ${w.services[1].name} (tier 2) requests a 20% slash of Sleepy (curated, ${fixed(stake, 2)} ETH of its stake allocated), request #${id}; executable after the ${(await reg.getService(1)).params.vetoWindow} s veto window.`,
  );
}

/** A new depositor puts 64 ETH into C (frame 2) or B (frame 3). */
async function newDepositor(w: World, f: number, say: Say): Promise<void> {
  const [who, cls] = f === 2 ? [w.roles.depositors[4], 2] : [w.roles.depositors[5], 1];
  await (await w.sys.pool.connect(who).deposit(cls, await who.getAddress(), 0, { value: 64n * ETH })).wait();
  say(`A new depositor puts 64 ETH into class ${w.symbols[cls]}.`);
}

/** Three holders request redemption of part of their shares (C 40 %, B 50 %, A 30 %). */
async function holdersRequestRedemption(w: World, say: Say): Promise<void> {
  const { sys } = w;
  const [d1, d2, d3] = w.roles.depositors;
  for (const [who, cls, part] of [
    [d1, 2, 40n],
    [d2, 1, 50n],
    [d3, 0, 30n],
  ] as const) {
    const me = await who.getAddress();
    const shares = ((await sys.tokens[cls].balanceOf(me)) * part) / 100n;
    const rc = await (await sys.queue.connect(who).requestRedeem(cls, shares, me, me)).wait();
    const ev = rc.logs
      .map((l: { topics: string[]; data: string }) => sys.queue.interface.parseLog(l))
      .find((e: { name: string } | null) => e?.name === "RedeemRequest");
    w.requests.push({ id: ev.args.requestId, controller: who, cls, claimed: false, paid: 0n });
    say(`A holder requests redemption of ${part}% of its ${w.symbols[cls]} (${fixed(shares, 4)} shares).`);
  }
}

/** Execution-layer rewards (priority fees, MEV) reach the fee recipient vault: 0.002 ETH per active validator. */
async function executionRewards(w: World): Promise<void> {
  const active = (await moduleRows(w.sys, MODULES, [])).reduce((s, m) => s + m.active, 0);
  if (active > 0) {
    const el = BigInt(active) * (ETH / 500n);
    await (
      await w.roles.builder.sendTransaction({ to: w.sys.addresses.executionRewardsVault, value: el })
    ).wait();
  }
}

/** The keeper executes service slashes whose veto window is over (vetoed ones are not pending). */
async function keeperExecutesDueSlashes(w: World, f: number, say: Say): Promise<void> {
  const pricesPre = await prices(w.sys);
  for (const x of await w.keeper.executeDueSlashes()) {
    const pricesPost = await prices(w.sys);
    const { bondCharged, classLoss } = await slashCharges(w.chain, w.sys, x.txHash);
    const r = await w.sys.registry.getSlash(x.slashId);
    const d = w.services[Number(r.serviceId)];
    d.slashed += x.amount;
    d.executed++;
    const who = opName(Number(r.moduleId), Number(r.operatorId));
    const moves = w.symbols.map((sym, i) => `${sym} ${fixed(pricesPre[i], 6)} → ${fixed(pricesPost[i], 6)}`);
    say(
      `Keeper executes slash #${x.slashId} of ${d.name} after its veto window: ${fixed(x.amount, 4)} ETH from ${who} — bond ${fixed(bondCharged, 4)} ETH, classes ${fixed(classLoss, 4)} ETH; price of ${moves.join(", ")}. ${who}'s validators are asked to exit.`,
    );
    if (w.slashRequest && x.slashId === w.slashRequest.id)
      w.serviceSlash = {
        ...{ slashId: x.slashId.toString(), service: d.name, operator: who },
        ...{ requestedFrame: w.slashRequest.frame, executedFrame: f, amount: formatEther(x.amount) },
        ...{ bondCharged: formatEther(bondCharged), classLoss: formatEther(classLoss) },
        pricesBefore: pricesPre.map((p) => formatEther(p)),
        pricesAfter: pricesPost.map((p) => formatEther(p)),
        ...{ recipientPayoutWei: "0", debtWei: "0", amountWei: x.amount.toString() },
      };
  }
}

/**
 * The beacon chain catches up with the chain (and pays due withdrawals) before the block is
 * pinned; then the oracle members report. `serviceRewards`: what the report hands each class from
 * the services (the registry's collected rewards split by the reference model, the contracts' step 6).
 */
async function oracleReports(w: World, say: Say) {
  const sim = w.sim;
  const forcedBefore = sim?.forcedExits.length ?? 0;
  await sim?.sync();
  if (sim && sim.forcedExits.length > forcedBefore)
    say(
      `Beacon chain: ${sim.forcedExits.length - forcedBefore} validators start exiting on EIP-7002 requests from the withdrawal vault.`,
    );
  const navs0: bigint[] = [...(await w.sys.book.navs())];
  const feeBps = BigInt(w.sys.config.serviceFeeBps);
  const serviceRewards = w.symbols.map(() => 0n);
  // The registry keeps unbooked rewards per tier; a report books each tier's total (tier order).
  for (const tier of [...new Set(w.services.map((d) => d.tier))].sort((a, b) => a - b)) {
    const [pending] = await w.sys.registry.tierTotals(tier);
    if (BigInt(pending) === 0n) continue;
    serviceRewardDown(BigInt(pending), feeBps, navs0, tier).parts.forEach((p, k) => {
      serviceRewards[k] += p;
      w.toClasses[k] += p;
    });
  }
  const { report, hash, notes, agreed } = await oracleRound(w.chain, w.sys, w.members);
  if (!agreed) w.membersAgreed = false;
  describeReport(report, notes, MODULES, say);
  return { report, hash, serviceRewards };
}

function narrateChainEvent(w: World, e: ChainEvent, serviceRewards: bigint[], say: Say): void {
  if (e.name === "BondCoverCharged") w.bondCharged += e.args.charged as bigint;
  const line = describeChainEvent(e, { modules: MODULES, classes: w.symbols }, serviceRewards);
  if (line) say(line);
}

/** Holders claim their finalized redemptions. */
async function holdersClaim(w: World, say: Say): Promise<void> {
  const queue = w.sys.queue;
  for (const r of w.requests) {
    if (r.claimed) continue;
    const me = await r.controller.getAddress();
    if ((await queue.claimableRedeemRequest(r.id, me)) === 0n) continue;
    const req = await queue.getRequest(r.id);
    await (await queue.connect(r.controller).claim(r.id, me)).wait();
    r.claimed = true;
    r.paid = BigInt(req.assets);
    say(
      `Redemption #${r.id & ((1n << 64n) - 1n)} of ${w.symbols[r.cls]} claimed: ${fixed(r.paid, 4)} ETH paid to its holder.`,
    );
  }
}

/** Exit requests past their deadline that the operator ignored: the keeper forces them out. */
async function keeperForcesOverdueExits(w: World, say: Say): Promise<void> {
  for (const x of await w.keeper.forceOverdueExits()) {
    const who = opName(x.moduleId, Number(x.operatorId));
    if (x.error) {
      w.forced.error = x.error;
      w.forced.attempted += x.pubkeys.length;
      say(
        `Keeper finds ${who}'s exit requests overdue and tries to force ${x.pubkeys.length} validators out through EIP-7002, but ${x.error}.`,
      );
      continue;
    }
    w.forced.requested += x.pubkeys.length;
    say(
      `Keeper forces ${x.pubkeys.length} validators of ${who} out through EIP-7002 (ExitManager.forceExit, fee ${x.fee} wei): its exit requests are overdue.`,
    );
  }
}

/** The keeper stakes the buffer, each module with its guardians' attestation. */
async function keeperDeposits(w: World, say: Say): Promise<void> {
  const k = await w.keeper.depositBuffered();
  if (k.paused)
    say(
      `Guardian ${k.paused.guardian} refused to attest module ${k.paused.moduleId} (${k.paused.violations.map((v) => v.reason).join(", ")}): deposits paused.`,
    );
  if (k.total > 0n)
    say(`Keeper deposited ${k.total} validators: ${k.alloc.map((n, i) => `${MODULES[i]} ${n}`).join(", ")}.`);
}

/** The frame's row: modules, classes (price, APY since the last frame), services, Invariant A. */
async function snapshot(
  w: World,
  f: number,
  round: { report: Report; hash: string; serviceRewards: bigint[] },
  events: string[],
  say: Say,
): Promise<FrameResult> {
  const { sys } = w;
  const ts = await latestTimestamp(w.chain);
  const now = await prices(sys);
  const classes: ClassRow[] = [];
  const navs: bigint[] = await sys.book.navs();
  for (let i = 0; i < navs.length; i++) {
    const c = await sys.book.getClass(i);
    const growth = Number(now[i] - w.prevPrices[i]) / Number(w.prevPrices[i]);
    classes.push({
      symbol: w.symbols[i],
      nav: formatEther(c.nav),
      supply: formatEther(c.supply),
      price: formatEther(now[i]),
      apyPct: (growth * YEAR * 100) / Math.max(1, ts - w.prevTime),
      serviceRewards: formatEther(round.serviceRewards[i]),
    });
  }
  w.prevPrices = now;
  w.prevTime = ts;
  const pooled: bigint = await sys.accounting.pooled();
  const navSum = navs.reduce((s, n) => s + n, 0n);
  const invariantA = navSum <= pooled && pooled - navSum <= BigInt(navs.length);
  say(`Invariant A: Σ nav ${invariantA ? "≤" : "VIOLATES"} pooled (dust ${pooled - navSum} wei).`);
  return {
    ...{
      frame: f,
      refSlot: round.report.refSlot.toString(),
      day: Math.round((ts - w.t0) / DAY),
      hash: round.hash,
    },
    modules: await moduleRows(
      sys,
      MODULES,
      round.report.modules.map((m) => m.perfBps),
    ),
    classes,
    services: await serviceRows(sys, w.services),
    ...{ pooled: formatEther(pooled), navSum: formatEther(navSum) },
    ...{ pooledWei: pooled.toString(), navSumWei: navSum.toString(), invariantA, events },
  };
}

// ---------------------------------------------------------------- the end

/** What the story showed: the summary the tests check and the HTML report renders. */
async function summarize(w: World, started: number): Promise<DemoResult> {
  const { sys } = w;
  if (w.serviceSlash) {
    w.serviceSlash.recipientPayoutWei = (
      await sys.pool.servicePayoutOf(await w.roles.builder.getAddress())
    ).toString();
    w.serviceSlash.debtWei = (await sys.pool.debt()).toString();
  }
  const share1 = await targetShares(sys);
  const rep1 = await reputations(sys);
  const vetoed = w.vetoedSlash && Number((await sys.registry.getSlash(w.vetoedSlash.slashId)).status);
  return {
    initial: w.initial,
    frames: w.frames,
    summary: {
      bondCharged: formatEther(w.bondCharged),
      slashedPubkey: w.slashedPubkey,
      poorPerformer: {
        ...{ module: "curated", shareStartBps: w.share0[0], shareEndBps: share1[0] },
        ...{ repStart: w.rep0[0], repEnd: rep1[0] },
      },
      redemptions: {
        requested: w.requests.length,
        claimed: w.requests.filter((r) => r.claimed).length,
        paid: formatEther(w.requests.reduce((s, r) => s + r.paid, 0n)),
      },
      serviceSlash: w.serviceSlash,
      vetoedSlash: w.vetoedSlash && {
        ...w.vetoedSlash,
        status: ["None", "Requested", "Vetoed", "Executed"][vetoed!],
        executed: vetoed === 3,
      },
      serviceRewards: {
        paidByService: w.services.map((d) => formatEther(d.paid)),
        toClasses: w.toClasses.map((x) => formatEther(x)),
      },
      forcedExits: {
        ...{ requested: w.forced.requested, honoured: w.sim?.forcedExits.length ?? 0 },
        failedAttempts: w.forced.attempted,
        ...(w.forced.error ? { error: w.forced.error } : {}),
      },
      membersAgreed: w.membersAgreed,
      wallSeconds: (Date.now() - started) / 1000,
    },
  };
}
