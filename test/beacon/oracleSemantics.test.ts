/**
 * The oracle's reading of the chain against the consensus specs, on a live simulator with
 * chain-like behaviour (finality lag, sweep delay, Electra slashing penalties, skimmed peers).
 * Each scenario fails on the oracle before this change (figures in the test names' comments and
 * the report): (1) a withdrawal paid between the refSlot and the head is not counted twice; (2) an
 * unfinalized refSlot or an optimistic node yields no report; (3) a pruned previous state is
 * never read as "no previous state" (repeated slashing, 32 ETH charges) — the member refuses, or
 * uses its own record checked against the hash agreed on-chain; (4) a slashed validator's later
 * penalties (missed duties, the correlation penalty) are charged to its operator, and its full
 * withdrawal is the amount actually paid; (5) an offline operator is not rated on par because its
 * peers are skimmed — with unswept peers and (6) when every peer is 0x01; (7) skims of every
 * validator (exiting and exited ones included) are attributed to its module exactly, from the
 * execution payloads' withdrawals, and Σ withdrawn is the vault's receipts; (8) an EIP-7002
 * partial withdrawal and an EIP-7251 consolidation are neither a loss nor a reward; (9) a node
 * missing a block of the frame makes the member refuse.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { defaultClasses, deploySystem, ETH, type System } from "../../deploy/system.js";
import { BeaconSimulator, type SimulatorOptions } from "../../sdk/src/beacon/simulator.js";
import { Guardian } from "../../sdk/src/daemons/guardian.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { flattenBatches, makeKeys, uploadedKeySource, type KeyBatch } from "../../sdk/src/daemons/keys.js";
import {
  OracleMember,
  OracleNotReadyError,
  OracleRefusalError,
  type Report,
} from "../../sdk/src/daemons/oracle.js";

const EPOCHS_PER_FRAME = 32n;
const fmt = (wei: bigint) => (Number(wei) / 1e18).toFixed(6);

interface World {
  sys: System;
  sim: BeaconSimulator;
  url: string;
  ethers: Awaited<ReturnType<typeof network.create>>["ethers"];
  provider: Awaited<ReturnType<typeof network.create>>["provider"];
  signers: Awaited<ReturnType<Awaited<ReturnType<typeof network.create>>["ethers"]["getSigners"]>>;
  sleepy: string[];
  aurora: string[];
  bonded: string[];
  addrs: ConstructorParameters<typeof OracleMember>[2];
  /** Moves to `epochs` epochs after the next frame's first slot; returns that refSlot. */
  toFrame: (afterEpochs?: bigint) => Promise<bigint>;
  /** Moves the chain to slot `slot` (and the simulator with it). */
  toSlot: (slot: bigint) => Promise<void>;
  member: (i: number, opts?: ConstructorParameters<typeof OracleMember>[3]) => OracleMember;
  submit: (r: Report) => Promise<void>;
}

async function world(sim: Partial<SimulatorOptions>): Promise<World> {
  const { ethers, provider } = await network.create();
  const signers = await ethers.getSigners();
  const slotsPerFrame = Number(EPOCHS_PER_FRAME * 32n);
  const sys = await deploySystem(ethers, { slotsPerFrame, classes: defaultClasses(12 * slotsPerFrame) });
  const [, , , , g1, g2, opS, opA, opB, d1, d2, d3, feeRec, funder] = signers;
  const params = {
    baseWeight: 100,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient: feeRec.address,
  };
  await (await sys.router.addModule(sys.addresses.curatedModule, params, 9000)).wait();
  await (await sys.router.addModule(sys.addresses.bondedModule, params, 8000)).wait();
  const wc: string = await sys.router.withdrawalCredentials();
  const ks = makeKeys("semantics/sleepy", 0, 2, wc);
  const ka = makeKeys("semantics/aurora", 0, 3, wc);
  const kb = makeKeys("semantics/bonded", 0, 3, wc);
  await (await sys.curated.addOperator("Sleepy", opS.address, opS.address)).wait();
  await (await sys.curated.addOperator("Aurora", opA.address, opA.address)).wait();
  await (await sys.curated.connect(opS).addKeys(0, ks.pubkeys, ks.signatures)).wait();
  await (await sys.curated.connect(opA).addKeys(1, ka.pubkeys, ka.signatures)).wait();
  await (await sys.curated.setVettedLimit(0, 2)).wait();
  await (await sys.curated.setVettedLimit(1, 3)).wait();
  const bond = (24n * ETH) / 10n + 2n * ((13n * ETH) / 10n);
  await (
    await sys.bonded
      .connect(opB)
      .registerOperator("Bonded", opB.address, kb.pubkeys, kb.signatures, { value: bond })
  ).wait();
  const uploaded = new Map<string, KeyBatch[]>([
    ["0:0", [ks]],
    ["0:1", [ka]],
    ["1:0", [kb]],
  ]);
  const [sleepy, aurora, bonded] = [ks, ka, kb].map((b) => flattenBatches([b]).map((k) => "0x" + k.pubkey));
  for (const [who, cls] of [
    [d1, 2],
    [d2, 1],
    [d3, 0],
  ] as const)
    await (await sys.pool.connect(who).deposit(cls, who.address, 0, { value: 100n * ETH })).wait();
  const A = sys.addresses;
  const guardians = [g1, g2].map(
    (g) =>
      new Guardian(g, {
        router: A.router,
        depositContract: A.depositContract,
        depositSecurity: A.depositSecurity,
      }),
  );
  const keeper = new Keeper(
    signers[0],
    { router: A.router, pool: A.pool },
    guardians,
    uploadedKeySource(uploaded),
  );
  await keeper.depositBuffered();
  const [genesisTime] = await sys.oracle.frameConfig();
  await provider.send("hardhat_setBalance", [funder.address, "0x" + (10n ** 24n).toString(16)]);
  const s = new BeaconSimulator({
    provider: ethers.provider,
    depositContract: A.depositContract,
    funder,
    genesisTime,
    activationDelayEpochs: 2,
    aprBps: 400,
    networkValidators: 16,
    modules: [A.curatedModule, A.bondedModule],
    ...sim,
  });
  const url = await s.listen(0);
  const addrs = {
    router: A.router,
    reportOracle: A.reportOracle,
    accounting: A.accounting,
    pool: A.pool,
    withdrawalVault: A.withdrawalVault,
    executionRewardsVault: A.executionRewardsVault,
  };
  const toSlot = async (slot: bigint) => {
    await provider.send("evm_setNextBlockTimestamp", [Number(genesisTime + slot * 12n)]);
    await provider.send("evm_mine", []);
    await s.sync();
  };
  const toFrame = async (afterEpochs = 0n) => {
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const len = EPOCHS_PER_FRAME * 32n;
    const ref = ((now - genesisTime) / 12n / len + 1n) * len;
    await toSlot(ref + afterEpochs * 32n);
    return ref;
  };
  return {
    sys,
    sim: s,
    url,
    ethers,
    provider,
    signers,
    sleepy,
    aurora,
    bonded,
    addrs,
    toFrame,
    toSlot,
    member: (i, opts = {}) => new OracleMember(signers[1 + i], url, addrs, { networkSample: 32, ...opts }),
    submit: async (r) => {
      for (const sgn of signers.slice(1, 3)) await new OracleMember(sgn, url, addrs).vote(r);
      await new OracleMember(signers[1], url, addrs).submitData(r);
    },
  };
}

const sum = (r: Report) => r.modules.reduce((t, m) => t + m.withdrawn, 0n);

/**
 * What the chain paid each module's validators into the vault in the slots (`from`, `to`]: the
 * simulator's own payout log, mapped to modules by validator index (ground truth, never read by
 * the oracle).
 */
async function paidPerModule(w: World, from: bigint, to: bigint): Promise<bigint[]> {
  const api = w.member(0).api;
  const moduleOf = new Map<number, number>();
  for (const [m, keys] of [
    [0, [...w.sleepy, ...w.aurora]],
    [1, w.bonded],
  ] as const)
    for (const v of await api.validators("head", { ids: [...keys] })) moduleOf.set(Number(v.index), m);
  const out = [0n, 0n];
  for (const x of w.sim.withdrawals)
    if (x.slot > from && x.slot <= to && moduleOf.has(x.validatorIndex))
      out[moduleOf.get(x.validatorIndex)!] += x.gwei * 10n ** 9n;
  return out;
}

/** Wraps fetch so requests matching `match` get `answer` (a pruned or optimistic node). */
function tamper(match: (url: string) => boolean, answer: (res: Response) => Promise<Response>): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const res = await real(input, init);
    return match(String(input)) ? answer(res) : res;
  };
  return () => {
    globalThis.fetch = real;
  };
}

describe("oracle semantics against chain-like beacon data", function () {
  this.timeout(600_000);

  describe("vaults at the refSlot's execution block; finalized state only", function () {
    let w: World;
    let ref1: bigint;
    before(async function () {
      w = await world({
        finalityLagEpochs: 2,
        withdrawDelayEpochs: 4,
        sweepDelayEpochs: 1,
        sweepEpochs: 100_000,
      });
      ref1 = await w.toFrame(3n);
      const { report } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      await w.submit(report);
    });
    after(async () => w?.sim.close());

    it("test_buildReport_unfinalizedRefSlot_throwsNotReady", async function () {
      // The next refSlot at the head: not finalized for two more epochs.
      await w.toFrame(0n);
      const e = await w
        .member(0)
        .buildReport()
        .catch((x: unknown) => x);
      expect(e, "no report from an unfinalized refSlot").to.be.instanceOf(OracleNotReadyError);
    });

    it("test_buildReport_optimisticNode_throwsNotReady", async function () {
      await w.toSlot((await w.sys.oracle.currentRefSlot()) + 96n);
      const restore = tamper(
        (u) => u.includes("/validators"),
        async (res) => {
          const body = (await res.json()) as Record<string, unknown>;
          return new Response(JSON.stringify({ ...body, execution_optimistic: true }), {
            status: res.status,
          });
        },
      );
      try {
        const e = await w
          .member(0)
          .buildReport()
          .catch((x: unknown) => x);
        expect(e, "no report from an optimistic node").to.be.instanceOf(OracleNotReadyError);
      } finally {
        restore();
      }
    });

    it("test_buildReport_withdrawalBetweenRefSlotAndHead_countedOnce", async function () {
      // Aurora's first validator exits so that its full withdrawal is paid one epoch after the next
      // refSlot: exit request applied at e, exit e+5, withdrawable e+9, paid e+10 = refEpoch + 1.
      const refEpoch2 = ref1 / 32n + 2n * EPOCHS_PER_FRAME;
      const eReq = refEpoch2 + 1n - 10n;
      await w.toSlot((eReq - 1n) * 32n + 5n);
      await w.sim.requestExit(w.aurora[0]);
      // Frame 2's report (its refSlot is finalized by now), then frame 3 at refSlot + 3 epochs.
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      const ref3 = await w.toFrame(3n);
      expect(ref3 / 32n, "the scenario's refSlot").to.equal(refEpoch2);
      const paid = w.sim.withdrawals.find((x) => x.kind === "full");
      expect(
        paid !== undefined && paid.epoch === refEpoch2 + 1n,
        "paid one epoch after the refSlot",
      ).to.equal(true);
      const latestVault = await w.ethers.provider.getBalance(w.sys.addresses.withdrawalVault);
      const { report, notes } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      const el = await w.sim.executionBlockOf(ref3);
      const atRef = await w.ethers.provider.getBalance(w.sys.addresses.withdrawalVault, el.number);
      expect(notes.executionBlock, "vault read at the refSlot's execution block").to.equal(el.number);
      expect(sum(report), "Σ withdrawn = what the vault held at the refSlot").to.equal(atRef);
      expect(latestVault - atRef, "the later withdrawal is in the vault now").to.equal(
        paid!.gwei * 10n ** 9n,
      );
      console.log(
        `      withdrawal after refSlot: ${fmt(paid!.gwei * 10n ** 9n)} ETH; Σ withdrawn reported ${fmt(sum(report))} ETH (latest-block reading: ${fmt(latestVault)} ETH)`,
      );
      await w.submit(report);
      // Next frame: the withdrawal is booked once, at the amount paid.
      await w.toFrame(3n);
      const next = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      expect(next.notes.fullWithdrawals, "full withdrawal = amount paid").to.equal(paid!.gwei * 10n ** 9n);
      await w.submit(next.report);
    });
  });

  describe("pruned previous state", function () {
    let w: World;
    let dir: string;
    before(async function () {
      w = await world({});
      dir = mkdtempSync(join(tmpdir(), "cascade-oracle-"));
    });
    after(async () => w?.sim.close());

    it("test_buildReport_prunedPreviousState_refusesOrUsesOwnRecord", async function () {
      const file = join(dir, "member.json");
      await w.toFrame(4n);
      await w.submit(
        (await w.member(0, { stateFile: file }).buildReport(await w.ethers.provider.getBlockNumber())).report,
      );
      await w.sim.slash(w.bonded[0]);
      const ref1 = await w.toFrame(1n);
      const r1 = await w.member(0, { stateFile: file }).buildReport(await w.ethers.provider.getBlockNumber());
      expect(r1.report.modules[1].slashedValidators, "the slashing, once").to.equal(1);
      await w.submit(r1.report);
      await w.toFrame(1n);
      const block = await w.ethers.provider.getBlockNumber();
      const archive = await w.member(1).buildReport(block);
      // The node no longer serves the state at the last reported refSlot.
      const restore = tamper(
        (u) => u.includes(`/states/${ref1}/`),
        async () => new Response(JSON.stringify({ code: 404, message: "State not found" }), { status: 404 }),
      );
      try {
        const e = await w
          .member(2)
          .buildReport(block)
          .catch((x: unknown) => x);
        expect(e, "no record: refuse").to.be.instanceOf(OracleRefusalError);
        const fromRecord = await w.member(0, { stateFile: file }).buildReport(block);
        expect(fromRecord.notes.previousState, "read from the member's record").to.equal("record");
        expect(fromRecord.hash, "same report as from an archive node").to.equal(archive.hash);
        expect(fromRecord.report.modules[1].slashedValidators, "no repeated slashing").to.equal(0);
      } finally {
        restore();
      }
    });
  });

  describe("slashed validator until withdrawn", function () {
    let w: World;
    before(async function () {
      w = await world({
        slashedWithdrawDelayEpochs: 64,
        withdrawDelayEpochs: 4,
        sweepDelayEpochs: 1,
        sweepEpochs: 100_000,
      });
    });
    after(async () => w?.sim.close());

    it("test_buildReport_slashedLaterPenalties_chargedToOperator_andExactFullWithdrawal", async function () {
      await w.toFrame(4n);
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      await w.sim.slash(w.bonded[0]);
      const charged: bigint[] = [];
      let full = 0n;
      for (let f = 0; f < 3; f++) {
        await w.toFrame(0n);
        const { report, notes } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
        charged.push(report.losses.filter((l) => l.moduleId === 1).reduce((t, l) => t + l.amount, 0n));
        full += notes.fullWithdrawals;
        await w.submit(report);
      }
      const paid = w.sim.withdrawals.find((x) => x.kind === "full");
      expect(paid, "the slashed validator was withdrawn").to.not.equal(undefined);
      console.log(
        `      charged per frame (ETH): ${charged.map(fmt).join(", ")}; full withdrawal booked ${fmt(full)} ETH, paid ${fmt(paid!.gwei * 10n ** 9n)} ETH`,
      );
      expect(charged[0] > (32n * ETH) / 4096n, "frame of the slashing: initial penalty and more").to.equal(
        true,
      );
      expect(charged[1] > 3n * ETH, "next frame: the correlation penalty (≈4 ETH here) is charged").to.equal(
        true,
      );
      expect(charged[2] > 0n, "until withdrawable: missed-duty penalties").to.equal(true);
      expect(full, "full withdrawal booked = amount paid").to.equal(paid!.gwei * 10n ** 9n);
    });
  });

  describe("network baseline with skimmed peers", function () {
    let w: World;
    before(async function () {
      // Everyone is swept once a frame, mid-frame (the skim estimate's model); 12 of the 16 peers
      // are 0x01 and lose their excess to the sweep, 4 are 0x00.
      w = await world({ networkCredentials: "mixed", sweepEpochs: 32, sweepOffsetEpochs: 16 });
    });
    after(async () => w?.sim.close());

    it("test_buildReport_offlineOperatorWithSkimmingPeers_notOnPar", async function () {
      await w.sim.setPerformance(w.sleepy, 0);
      await w.toFrame(4n);
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      await w.toFrame(0n);
      const { report, notes } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      console.log(
        `      curated perf ${report.modules[0].perfBps} bps, bonded ${report.modules[1].perfBps} bps, network median ${notes.networkMedianProgressGwei} gwei`,
      );
      expect(notes.networkMedianProgressGwei > 0n, "a positive baseline").to.equal(true);
      // Sleepy's validators earned nothing: curated ≈ (its other validators / all of them) × on par.
      const nSleepy = BigInt((await w.member(0).api.validators("head", { ids: w.sleepy })).length);
      const nCur = report.modules[0].clValidators;
      const expected = Number(((nCur - nSleepy) * 10_000n) / nCur);
      expect(nSleepy > 0n && nSleepy < nCur, "Sleepy runs part of the curated validators").to.equal(true);
      expect(report.modules[0].perfBps, "curated dragged by its offline operator").to.be.within(
        expected - 100,
        expected + 100,
      );
      expect(report.modules[1].perfBps, "bonded on par").to.be.at.least(9900);
      await w.submit(report);
    });
  });
  describe("skims attributed per validator (rolling sweep)", function () {
    let w: World;
    before(async function () {
      // The chain's sweep visits validators by index: here one index per epoch, so within a frame
      // each validator is skimmed at its own point (curated and bonded at different phases).
      // Aurora's first validator exits and is skimmed while exiting and exited (withdrawable late).
      w = await world({ sweepPerEpoch: 1, withdrawDelayEpochs: 100_000 });
    });
    after(async () => w?.sim.close());

    it("test_buildReport_skimsPerValidator_exactPerModule_andSumIsVaultReceipts", async function () {
      await w.toFrame(4n);
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      await w.sim.requestExit(w.aurora[0]);
      let last: bigint = await w.sys.oracle.currentRefSlot();
      const misattributed: bigint[] = [];
      for (let f = 0; f < 3; f++) {
        const ref = await w.toFrame(0n);
        const { report, notes } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
        const truth = await paidPerModule(w, last, ref);
        const el = await w.sim.executionBlockOf(ref);
        const vault = await w.ethers.provider.getBalance(w.sys.addresses.withdrawalVault, el.number);
        const off = report.modules.reduce(
          (t, m, i) => t + (m.withdrawn > truth[i] ? m.withdrawn - truth[i] : 0n),
          0n,
        );
        misattributed.push(off);
        console.log(
          `      frame ${f + 1}: paid curated ${fmt(truth[0])} / bonded ${fmt(truth[1])} ETH; reported ${fmt(report.modules[0].withdrawn)} / ${fmt(report.modules[1].withdrawn)} ETH (${notes.frameBlocks} blocks, ${notes.frameWithdrawals} withdrawals read)`,
        );
        expect(truth[0] + truth[1] > 0n, `frame ${f + 1}: skims were paid`).to.equal(true);
        expect(
          report.modules.map((m) => m.withdrawn),
          `frame ${f + 1}: withdrawn per module = what the chain paid each module's validators`,
        ).to.deep.equal(truth);
        expect(sum(report), `frame ${f + 1}: Σ withdrawn = the vault's receipts in the frame`).to.equal(
          vault,
        );
        await w.submit(report);
        last = ref;
      }
      const status = (await w.member(0).api.validators("head", { ids: [w.aurora[0]] }))[0].status;
      expect(status, "the exiting validator left the active set and is still skimmed").to.equal(
        "exited_unslashed",
      );
      expect(misattributed, "no ETH misattributed between modules").to.deep.equal([0n, 0n, 0n]);
    });
  });

  describe("network baseline when every peer is 0x01 (all swept)", function () {
    let w: World;
    before(async function () {
      w = await world({ networkCredentials: "0x01", sweepEpochs: 32, sweepOffsetEpochs: 16 });
    });
    after(async () => w?.sim.close());

    it("test_buildReport_allPeersSwept_offlineOperatorNotOnPar", async function () {
      await w.sim.setPerformance(w.sleepy, 0);
      await w.toFrame(4n);
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      await w.toFrame(0n);
      const { report, notes } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      console.log(
        `      all-0x01 network: curated perf ${report.modules[0].perfBps} bps, bonded ${report.modules[1].perfBps} bps, median ${notes.networkMedianProgressGwei} gwei per 32 ETH`,
      );
      expect(notes.networkMedianProgressGwei > 0n, "a baseline from swept peers").to.equal(true);
      const nSleepy = BigInt((await w.member(0).api.validators("head", { ids: w.sleepy })).length);
      const nCur = report.modules[0].clValidators;
      const expected = Number(((nCur - nSleepy) * 10_000n) / nCur);
      expect(report.modules[0].perfBps, "curated dragged by its offline operator").to.be.within(
        expected - 100,
        expected + 100,
      );
      expect(report.modules[1].perfBps, "bonded on par").to.be.at.least(9900);
    });
  });

  describe("Electra: partial withdrawals and consolidations", function () {
    let w: World;
    before(async function () {
      w = await world({ withdrawDelayEpochs: 4, sweepDelayEpochs: 1, sweepEpochs: 100_000 });
    });
    after(async () => w?.sim.close());

    it("test_buildReport_partialWithdrawalAndConsolidation_noLossNoPhantomReward", async function () {
      await w.toFrame(4n);
      const first = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      await w.submit(first.report);
      const last: bigint = first.report.refSlot;
      // Sleepy goes offline; Aurora switches one validator to compounding, Sleepy's second
      // validator is consolidated into it (same module), then 10 ETH are withdrawn from it (an
      // EIP-7002 partial request).
      const api = w.member(0).api;
      const [target] = (await api.validators("head", { ids: w.aurora })).map((v) => v.pubkey);
      const [, source] = (await api.validators("head", { ids: w.sleepy })).map((v) => v.pubkey);
      expect(target !== undefined && source !== undefined, "both validators were deposited").to.equal(true);
      await w.sim.setPerformance(w.sleepy, 0);
      await w.sim.consolidate(target, target);
      await w.sim.consolidate(source, target);
      const now = BigInt((await w.ethers.provider.getBlock("latest"))!.timestamp);
      const [genesisTime] = await w.sys.oracle.frameConfig();
      await w.toSlot((now - genesisTime) / 12n + 12n * 32n);
      expect(w.sim.consolidations.length, "the consolidation was processed").to.equal(1);
      await w.sim.requestPartialWithdrawal(target, 10n * 10n ** 9n);
      const ref = await w.toFrame(0n);
      const partial = w.sim.withdrawals.find((x) => x.kind === "partial");
      expect(partial?.gwei, "10 ETH partial withdrawal paid in the frame").to.equal(10n * 10n ** 9n);
      expect(partial!.slot <= ref, "paid before the refSlot").to.equal(true);
      const { report } = await w.member(0).buildReport(await w.ethers.provider.getBlockNumber());
      const truth = await paidPerModule(w, last, ref);
      const moved = w.sim.consolidations[0].gwei * 10n ** 9n;
      const [c0, c1] = [first.report.modules[0], report.modules[0]];
      const delta = c1.clBalance + c1.withdrawn - c0.clBalance;
      console.log(
        `      consolidated ${fmt(moved)} ETH, partial 10 ETH: curated withdrawn ${fmt(c1.withdrawn)} ETH (paid ${fmt(truth[0])}), Δ ${fmt(delta)} ETH, perf ${c1.perfBps} bps; bonded withdrawn ${fmt(report.modules[1].withdrawn)} ETH`,
      );
      expect(
        report.modules.map((m) => m.withdrawn),
        "partial + the source's remainder, exactly",
      ).to.deep.equal(truth);
      expect(report.losses, "a consolidation or a partial withdrawal is not a loss").to.deep.equal([]);
      expect(delta > 0n && delta < ETH / 10n, "curated Δ = rewards only (no phantom loss or gain)").to.equal(
        true,
      );
      expect(c1.exited, "the consolidated-away source is exited").to.equal(1n);
      // Sleepy's remaining validator is offline, Aurora's other ones on par: well below on par. The
      // target's +32 ETH from the consolidation is no reward (it would rate curated on par).
      expect(c1.perfBps, "curated rated by rewards, not by the moved balance").to.be.below(9000);
      await w.submit(report);
    });
  });

  describe("blocks the node no longer serves", function () {
    let w: World;
    before(async function () {
      w = await world({});
    });
    after(async () => w?.sim.close());

    it("test_buildReport_missingFrameBlock_refuses", async function () {
      await w.toFrame(4n);
      await w.submit((await w.member(0).buildReport(await w.ethers.provider.getBlockNumber())).report);
      await w.toFrame(0n);
      const block = await w.ethers.provider.getBlockNumber();
      const good = await w.member(0).buildReport(block);
      expect(good.notes.frameBlocks > 1, "the frame has blocks to walk").to.equal(true);
      // A checkpoint-synced node without backfill: blocks by root 404.
      const restore = tamper(
        (u) => /\/eth\/v2\/beacon\/blocks\/0x/.test(u),
        async () => new Response(JSON.stringify({ code: 404, message: "Block not found" }), { status: 404 }),
      );
      try {
        const e = await w
          .member(0)
          .buildReport(block)
          .catch((x: unknown) => x);
        expect(e, "a frame block missing: refuse").to.be.instanceOf(OracleRefusalError);
      } finally {
        restore();
      }
    });
  });
});
