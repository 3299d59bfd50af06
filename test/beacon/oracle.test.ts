/**
 * The oracle member against a recorded Beacon API: the responses in fixtures/oracle-beacon.json
 * were recorded from the simulator (run this file with CASCADE_RECORD_ORACLE_FIXTURE=1 to
 * re-record; blocks are kept with the fields the oracle reads only) and are served back by a replay server, so this test proves the report follows from
 * Beacon API data alone. Two frames: (1) fresh validators with rewards; (2) an offline operator, a
 * slashed bonded validator (loss to its operator), a voluntary exit withdrawn in full, and a
 * sweep of skims. Two members reading the same node and block produce the same hash, equal to the
 * contract's `hashReport`, and the contracts accept both reports.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import Fastify from "fastify";
import { network } from "hardhat";
import { deploySystem, ETH, type System } from "../../deploy/system.js";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { Guardian } from "../../sdk/src/daemons/guardian.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { flattenBatches, makeKeys, uploadedKeySource, type KeyBatch } from "../../sdk/src/daemons/keys.js";
import { OracleMember, hashReport, type Report } from "../../sdk/src/daemons/oracle.js";

const { ethers, provider } = await network.create();
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "oracle-beacon.json");
const RECORD = process.env.CASCADE_RECORD_ORACLE_FIXTURE === "1";
const WEEK = 7 * 24 * 3600;

interface Fixture {
  responses: Record<string, { status: number; body: unknown }>;
  /** Per frame: the withdrawal vault's balance at the refSlot's execution block, and the hash. */
  frames: { vaultBalance: string; hash: string }[];
}

/** A recorded block reduced to the fields the oracle's client reads (still a valid response for it). */
function slimBlock(body: Record<string, unknown>): Record<string, unknown> {
  const data = body.data as {
    message: { body: { execution_payload?: Record<string, unknown> } } & Record<string, unknown>;
    signature: string;
  };
  const { body: blockBody, ...message } = data.message;
  const p = blockBody.execution_payload;
  return {
    ...body,
    data: {
      message: {
        ...message,
        body:
          p === undefined
            ? {}
            : {
                execution_payload: {
                  block_number: p.block_number,
                  block_hash: p.block_hash,
                  withdrawals: p.withdrawals,
                },
              },
      },
      signature: data.signature,
    },
  };
}

const json = (r: Report) =>
  JSON.parse(JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

describe("oracle member: report from a recorded Beacon API", function () {
  let sys: System;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;
  let sleepy: string[];
  let aurora: string[];
  let bonded: string[];
  let url: string;
  let alloc: bigint[];
  let close: () => Promise<void>;
  let sim: BeaconSimulator | undefined;
  const recorded: Fixture = { responses: {}, frames: [] };
  /** Replay: the execution block the recorded refSlot blocks are mapped onto (this chain's numbering). */
  let replayBlock = 0;
  const realFetch = globalThis.fetch;

  before(async function () {
    signers = await ethers.getSigners();
    sys = await deploySystem(ethers);
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
    const uploaded = new Map<string, KeyBatch[]>();
    const ks = makeKeys("oracle-fixture/sleepy", 0, 2, wc);
    const ka = makeKeys("oracle-fixture/aurora", 0, 3, wc);
    const kb = makeKeys("oracle-fixture/bonded", 0, 3, wc);
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
    uploaded.set("0:0", [ks]);
    uploaded.set("0:1", [ka]);
    uploaded.set("1:0", [kb]);
    [sleepy, aurora, bonded] = [ks, ka, kb].map((b) => flattenBatches([b]).map((k) => "0x" + k.pubkey));
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
    const k = await keeper.depositBuffered();
    alloc = k.alloc;
    expect(k.total > 5n, "validators deposited").to.equal(true);

    if (RECORD) {
      const [genesisTime] = await sys.oracle.frameConfig();
      await provider.send("hardhat_setBalance", [funder.address, "0x" + (10n ** 24n).toString(16)]);
      sim = new BeaconSimulator({
        provider: ethers.provider,
        depositContract: A.depositContract,
        funder,
        genesisTime,
        activationDelayEpochs: 4,
        withdrawDelayEpochs: 256,
        sweepEpochs: 2362,
        aprBps: 400,
        networkValidators: 16,
        modules: [A.curatedModule, A.bondedModule],
      });
      url = await sim.listen(0);
      // Record every Beacon API answer the oracle reads.
      globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const res = await realFetch(input, init);
        const u = new URL(String(input));
        let body = (await res.clone().json()) as Record<string, unknown>;
        // Blocks keep only what the oracle reads (slot, roots, execution block, withdrawals): the
        // frame's walk reads every block, and the rest of a block body is padding here.
        if (u.pathname.startsWith("/eth/v2/beacon/blocks/") && res.status === 200) body = slimBlock(body);
        recorded.responses[u.pathname + u.search] = { status: res.status, body };
        return res;
      };
      close = () => sim!.close();
    } else {
      const fixture: Fixture = JSON.parse(readFileSync(FIXTURE, "utf8"));
      const app = Fastify();
      app.get("/*", async (req, reply) => {
        const r = fixture.responses[req.url];
        if (!r) return reply.code(404).send({ code: 404, message: `not recorded: ${req.url}` });
        if (req.url.startsWith("/eth/v2/beacon/blocks/") && r.status === 200) {
          // Block numbers differ between the recording chain (the simulator's payment txs) and this
          // one: the recorded execution block maps onto the block that holds the same vault balance.
          const body = structuredClone(r.body) as {
            data: { message: { body: { execution_payload: { block_number: string } } } };
          };
          body.data.message.body.execution_payload.block_number = String(replayBlock);
          return reply.code(200).send(body);
        }
        return reply.code(r.status).send(r.body);
      });
      await app.listen({ host: "127.0.0.1", port: 0 });
      const addr = app.server.address() as { port: number };
      url = `http://127.0.0.1:${addr.port}`;
      recorded.frames = fixture.frames;
      close = () => app.close();
    }
  });

  after(async function () {
    globalThis.fetch = realFetch;
    await close?.();
    if (RECORD) {
      mkdirSync(dirname(FIXTURE), { recursive: true });
      writeFileSync(FIXTURE, JSON.stringify(recorded, null, 1) + "\n");
    }
  });

  /**
   * Next frame's first slot after `seconds` (the simulator finalizes at once); EL rewards arrive;
   * the vault holds, at the refSlot's execution block, what the node paid.
   */
  async function nextFrame(frame: number, seconds: number) {
    await (
      await signers[15].sendTransaction({ to: sys.addresses.executionRewardsVault, value: ETH / 50n })
    ).wait();
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
    const [g, sps, spf]: bigint[] = await sys.oracle.frameConfig();
    const len = sps * spf;
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    await provider.send("evm_setNextBlockTimestamp", [Number(((now - g) / len + 1n) * len + g)]);
    await provider.send("evm_mine", []);
    const vault = sys.addresses.withdrawalVault;
    if (sim) {
      await sim.sync();
      const refSlot: bigint = await sys.oracle.currentRefSlot();
      const el = await sim.executionBlockOf(refSlot);
      recorded.frames[frame] = {
        vaultBalance: (await ethers.provider.getBalance(vault, el.number)).toString(),
        hash: "",
      };
    } else {
      const want = BigInt(recorded.frames[frame].vaultBalance) - (await ethers.provider.getBalance(vault));
      if (want > 0n) await (await signers[16].sendTransaction({ to: vault, value: want })).wait();
      replayBlock = await ethers.provider.getBlockNumber();
    }
  }

  async function buildTwice(frame: number) {
    const A = sys.addresses;
    const addrs = {
      router: A.router,
      reportOracle: A.reportOracle,
      accounting: A.accounting,
      pool: A.pool,
      withdrawalVault: A.withdrawalVault,
      executionRewardsVault: A.executionRewardsVault,
    };
    const block = await ethers.provider.getBlockNumber();
    const a = await new OracleMember(signers[1], url, addrs, { networkSample: 32 }).buildReport(block);
    const b = await new OracleMember(signers[2], url, addrs, { networkSample: 32 }).buildReport(block);
    expect(b.hash, `frame ${frame}: two members, same inputs, same hash`).to.equal(a.hash);
    expect(json(b.report), `frame ${frame}: same report`).to.deep.equal(json(a.report));
    expect(await sys.oracle.hashReport(a.report), "sdk hash = ReportOracle.hashReport").to.equal(a.hash);
    expect(hashReport(a.report), "hashReport is pure").to.equal(a.hash);
    if (RECORD) recorded.frames[frame].hash = a.hash;
    else expect(a.hash, `frame ${frame}: same report as when recorded`).to.equal(recorded.frames[frame].hash);
    const vault = await ethers.provider.getBalance(A.withdrawalVault);
    const withdrawn = a.report.modules.reduce((s, m) => s + m.withdrawn, 0n);
    expect(withdrawn <= vault, "Σ withdrawn ≤ withdrawal vault balance").to.equal(true);
    return a;
  }

  async function submit(report: Report) {
    const A = sys.addresses;
    const addrs = {
      router: A.router,
      reportOracle: A.reportOracle,
      accounting: A.accounting,
      pool: A.pool,
      withdrawalVault: A.withdrawalVault,
      executionRewardsVault: A.executionRewardsVault,
    };
    for (const s of signers.slice(1, 3)) await new OracleMember(s, url, addrs).vote(report);
    await new OracleMember(signers[1], url, addrs).submitData(report);
  }

  it("frame 1: counts and balances of fresh validators", async function () {
    if (sim) await sim.setPerformance(sleepy, -2000);
    await nextFrame(0, WEEK);
    const { report } = await buildTwice(0);
    const [cur, bon] = report.modules;
    expect(cur.clValidators, "curated validators seen").to.equal(alloc[0]);
    expect(bon.clValidators, "bonded validators seen").to.equal(alloc[1]);
    expect(cur.clBalance > alloc[0] * 32n * ETH, "curated balance grew with rewards").to.equal(true);
    expect(
      report.modules.map((m) => m.perfBps),
      "no previous state: on par",
    ).to.deep.equal([10_000, 10_000]);
    expect(report.elRewards, "EL vault balance").to.equal(ETH / 50n);
    expect(report.losses, "no loss").to.deep.equal([]);
    await submit(report);
  });

  it("frame 2: offline operator, slashing loss to its operator, full withdrawal, skims", async function () {
    if (sim) {
      await sim.slash(bonded[0]);
      await sim.requestExit(aurora[0]);
    }
    await nextFrame(1, WEEK);
    const { report, notes } = await buildTwice(1);
    const [cur, bon] = report.modules;
    expect(bon.slashedValidators, "one bonded validator slashed").to.equal(1);
    expect(report.losses.length, "one operator loss").to.equal(1);
    expect(report.losses[0].moduleId, "bonded module").to.equal(1);
    expect(report.losses[0].operatorId, "its operator").to.equal(0);
    // Electra: effective / 4096 at once, then the missed-duty penalties until the report.
    expect(report.losses[0].amount > (32n * ETH) / 4096n, "at least the initial slashing penalty").to.equal(
      true,
    );
    expect(report.losses[0].amount < ETH / 10n, "not the phase0 1 ETH penalty").to.equal(true);
    expect(cur.exited, "Aurora's exited validator").to.equal(1n);
    expect(notes.fullWithdrawals > 32n * ETH, "the exit paid its whole balance").to.equal(true);
    expect(notes.skims > 0n, "a sweep of skims happened in the frame").to.equal(true);
    expect(cur.perfBps < 9000, `offline operator drags curated perf (${cur.perfBps})`).to.equal(true);
    expect(bon.perfBps, "bonded on par").to.equal(10_000);
    const [bondBefore] = await sys.bonded.bondOf(0);
    await submit(report);
    const [bondAfter] = await sys.bonded.bondOf(0);
    expect(bondBefore - bondAfter, "bond charged the reported loss").to.equal(report.losses[0].amount);
  });
});
