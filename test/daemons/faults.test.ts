/**
 * Fault injection against real processes on 127.0.0.1: a devnet (anvil, the deploy, the beacon
 * simulator) without its daemons, and `cascade oracle|guardian|keeper run` child processes that
 * reach the beacon node and the JSON-RPC node through proxies this test breaks on purpose:
 * - the Beacon API down, slow past the members' timeout, answering malformed JSON, or serving a
 *   head earlier than the frame's refSlot;
 * - the JSON-RPC node gone and back (a node restart as the daemons see it), and a node on
 *   another chain id;
 * - a member killed between its hash vote and the data submission, then started again;
 * - two keepers racing for one deposit.
 * For each: no report other than the one the members' rule builds, no double vote, submission or
 * deposit, and the frame's report applied within one frame after the fault ends.
 */
import { expect } from "chai";
import { Command } from "commander";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Wallet, getAddress } from "ethers";
import { runCli } from "../../sdk/src/cli/main.js";
import { registerDevnetCommands, type DevnetInfo } from "../../scripts/devnet/commands.js";
import { freePort, spawnDaemon, waitListening, type DaemonChild } from "../../scripts/devnet/system.js";
import { OracleMember } from "../../sdk/src/daemons/oracle.js";
import { FaultProxy } from "../helpers/faultProxy.js";

const ORACLE_EVENTS = [
  "event ReportHashSubmitted(uint256 indexed refSlot, address indexed member, bytes32 hash, uint256 support)",
  "event ReportProcessed(uint256 indexed refSlot, bytes32 hash, address submitter)",
  "function currentRefSlot() view returns (uint256)",
  "function consensusHash(uint256) view returns (bytes32)",
];

describe("daemons under faults (real processes on 127.0.0.1)", function () {
  this.timeout(600_000);
  const ac = new AbortController();
  let running: Promise<unknown>;
  let info: DevnetInfo;
  let provider: JsonRpcProvider;
  let oracle: Contract;
  let oracleCfg: Contract;
  let accounting: Contract;
  let beacon: FaultProxy;
  let rpcProxy: FaultProxy;
  const children: DaemonChild[] = [];

  const cli = async (args: string[]) => {
    let out = "";
    const code = await runCli(args, {
      stdout: (s) => (out += s),
      stderr: (s) => (out += s),
      env: { RPC_URL: info.rpcUrl },
      cwd: info.dir,
      isTTY: false,
    });
    expect(code, `${args.join(" ")}: ${out}`).to.equal(0);
    return out;
  };
  const until = async (what: string, ok: () => Promise<boolean>, ms = 90_000) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  const daemon = async (
    name: string,
    role: "oracle" | "guardian" | "keeper",
    args: string[],
    rpc = rpcProxy.url,
  ) => {
    const d = spawnDaemon({
      name,
      role,
      rpcUrl: rpc,
      addressesFile: join(info.dir, "deployments", "31337.json"),
      keyFile: join(info.dir, `${name}.key`),
      address: new Wallet(
        (await import("node:fs")).readFileSync(join(info.dir, `${name}.key`), "utf8").trim(),
      ).address,
      metricsPort: await freePort(),
      logFile: join(info.dir, "logs", `${name}-${children.length}.log`),
      args: ["--interval", "400", "--max-backoff", "2000", ...args],
      cwd: process.cwd(),
    });
    children.push(d);
    await waitListening(d.metricsUrl);
    return d;
  };
  const metric = async (d: DaemonChild, name: string, label = ""): Promise<number> => {
    const text = await (await fetch(d.metricsUrl + "/metrics")).text();
    const line = text.split("\n").find((l) => l.startsWith(name) && l.includes(label) && !l.startsWith("#"));
    return line ? Number(line.split(" ").at(-1)) : 0;
  };
  /** Moves chain time to 2 s into the next frame, so the whole frame (384 s) lies ahead. */
  const nextFrame = async () => {
    const [genesis, sps, spf] = (await oracleCfg.frameConfig()) as bigint[];
    const frame = sps * spf;
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    const next = genesis + ((now - genesis) / frame + 1n) * frame + 2n;
    await provider.send("evm_setNextBlockTimestamp", [Number(next)]);
    await provider.send("evm_mine", []);
    return (await oracle.currentRefSlot()) as bigint;
  };
  const votes = async (refSlot: bigint) =>
    (await oracle.queryFilter(oracle.filters.ReportHashSubmitted(refSlot))).map((l: any) => ({
      member: getAddress(l.args.member),
      hash: l.args.hash as string,
      block: l.blockNumber as number,
    }));
  const processed = async (refSlot: bigint) =>
    (await oracle.queryFilter(oracle.filters.ReportProcessed(refSlot))).map((l: any) => ({
      hash: l.args.hash as string,
      submitter: getAddress(l.args.submitter),
    }));
  /** The applied report is the one the rule builds at the first vote's parent block. */
  const checkApplied = async (refSlot: bigint) => {
    const p = await processed(refSlot);
    expect(p.length, `refSlot ${refSlot} applied exactly once`).to.equal(1);
    const v = await votes(refSlot);
    const perMember = new Map<string, number>();
    for (const x of v) perMember.set(x.member, (perMember.get(x.member) ?? 0) + 1);
    for (const [m, n] of perMember) expect(n, `${m} voted once for refSlot ${refSlot}`).to.equal(1);
    const first = v.filter((x) => x.hash === p[0].hash).sort((a, b) => a.block - b.block)[0];
    const member = new OracleMember(provider, info.beaconUrl, info.addresses as never);
    let match = false;
    for (let d = 1; d <= 8 && !match; d++)
      match = (await member.buildReport(first.block - d)).hash === p[0].hash;
    expect(
      match,
      `the applied report of refSlot ${refSlot} is the one a member builds from the chain and the beacon node`,
    ).to.equal(true);
  };

  before(async function () {
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const program = new Command("cascade").exitOverride().option("--rpc <url>").option("--json");
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerDevnetCommands(program, { signal: ac.signal, onReady: (i) => ((info = i), ready()) });
    running = program.parseAsync(
      ["devnet", "--port", "0", "--beacon-port", "0", "--no-daemons", "--dir", `test-faults-${process.pid}`],
      { from: "user" },
    );
    running.catch(() => ready());
    await up;
    provider = new JsonRpcProvider(info.rpcUrl, undefined, { cacheTimeout: -1 });
    oracle = new Contract(info.addresses.reportOracle, ORACLE_EVENTS, provider);
    oracleCfg = new Contract(
      info.addresses.reportOracle,
      ["function frameConfig() view returns (uint256, uint256, uint256)"],
      provider,
    );
    accounting = new Contract(
      info.addresses.accounting,
      ["function lastReport() view returns (uint256, uint256)"],
      provider,
    );
    beacon = new FaultProxy(info.beaconUrl, "beacon");
    await beacon.start();
    rpcProxy = new FaultProxy(info.rpcUrl, "rpc");
    await rpcProxy.start();
    // Stake: deposits, an operator with keys (the keepers' test deposits them).
    await cli(["--private-key-file", "me.key", "deposit", "2", "100"]);
    await cli(["--private-key-file", "op.key", "operator", "register", "--name", "Solo", "--bond", "2.4"]);
    const dd = readdirSync(info.dir).find((f) => f.startsWith("deposit_data-"))!;
    await cli(["--private-key-file", "op.key", "operator", "add-keys", dd, "--operator", "0"]);
  });

  after(async function () {
    await Promise.all(children.map((d) => d.stop()));
    await beacon?.stop();
    await rpcProxy?.stop();
    provider?.destroy();
    ac.abort();
    await running?.catch(() => {});
    if (info) rmSync(info.dir, { recursive: true, force: true });
  });

  it("test_keeperRun_twoKeepersRaceForOneDeposit_depositsEachKeyOnce", async function () {
    await daemon("guardian1", "guardian", []);
    await daemon("guardian2", "guardian", []);
    const gs = children.filter((c) => c.role === "guardian").map((c) => c.metricsUrl);
    const [k1, k2] = await Promise.all([
      daemon("keeper", "keeper", ["--guardian", ...gs]),
      daemon("any", "keeper", ["--guardian", ...gs]),
    ]);
    const deposits = new Contract(
      info.addresses.depositContract,
      [
        "event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)",
      ],
      provider,
    );
    // 100 ETH buffered: at most 3 validators (the allocation may place fewer: targets floor).
    await until(
      "the keepers' deposits",
      async () => (await deposits.queryFilter("DepositEvent")).length >= 2,
    );
    let n = -1;
    await until("the keepers to settle", async () => {
      const now = (await deposits.queryFilter("DepositEvent")).length;
      const settled = now === n;
      n = now;
      await new Promise((r) => setTimeout(r, 3000));
      return settled;
    });
    const events = await deposits.queryFilter("DepositEvent");
    const pubkeys = events.map((e: any) => e.args.pubkey as string);
    const router = new Contract(
      info.addresses.router,
      [
        "function getModule(uint256) view returns (tuple(address module, uint8 status, uint16 stakeShareLimitBps, uint16 moduleFeeBps, uint16 reputationBps, uint64 baseWeight, address feeRecipient, uint64 deposited, uint64 clValidators, uint64 exited, uint128 clBalance))",
      ],
      provider,
    );
    const booked = (await router.getModule(0)).deposited + (await router.getModule(1)).deposited;
    expect(events.length, "what 100 ETH funds, no more").to.be.at.most(3);
    expect(BigInt(events.length), "every deposit booked once by the router").to.equal(booked);
    expect(new Set(pubkeys).size, "no key deposited twice").to.equal(events.length);
    const byK1 = await metric(k1, "cascade_keeper_validators_deposited");
    const byK2 = await metric(k2, "cascade_keeper_validators_deposited");
    expect(byK1 + byK2, "the keepers' own counts add up to the deposits").to.equal(events.length);
    this.test!.title += ` [keeper1 ${byK1}, keeper2 ${byK2}, races lost ${(await metric(k1, "cascade_keeper_lost_races")) + (await metric(k2, "cascade_keeper_lost_races"))}]`;
  });

  for (const fault of ["down", "slow", "malformed", "earlierHead"] as const) {
    it(`test_oracleRun_beacon${fault[0].toUpperCase() + fault.slice(1)}_noVoteThenReportWithinOneFrame`, async function () {
      let members = children.filter((c) => c.role === "oracle");
      if (members.length === 0)
        members = [
          await daemon("member1", "oracle", ["--beacon", beacon.url, "--beacon-timeout", "3000"]),
          await daemon("member2", "oracle", ["--beacon", beacon.url, "--beacon-timeout", "3000"]),
          await daemon("member3", "oracle", ["--beacon", beacon.url, "--beacon-timeout", "3000"]),
        ];
      const kind = {
        down: "beacon_unreachable",
        slow: "beacon_timeout",
        malformed: "beacon_schema",
        earlierHead: "",
      }[fault];
      const before = await Promise.all(
        members.map((m) => metric(m, "cascade_daemon_errors_total", kind ? `kind="${kind}"` : "__none")),
      );
      const waitsBefore = await Promise.all(
        members.map((m) => metric(m, "cascade_daemon_steps_total", 'outcome="wait"')),
      );
      beacon.fault = fault;
      const refSlot = await nextFrame();
      beacon.earlierSlot = Number(refSlot) - 5;
      await new Promise((r) => setTimeout(r, 5000));
      expect((await votes(refSlot)).length, `no vote while the beacon node is ${fault}`).to.equal(0);
      if (kind) {
        // The Beacon API client retries a timeout twice before the step fails, so a slow node
        // is counted only after (1 + 2 retries) × --beacon-timeout plus backoff.
        await until(
          `errors counted as ${kind}`,
          async () => {
            const after = await Promise.all(
              members.map((m) => metric(m, "cascade_daemon_errors_total", `kind="${kind}"`)),
            );
            return after.some((a, i) => a > before[i]);
          },
          60_000,
        );
        expect((await votes(refSlot)).length, `still no vote while the beacon node is ${fault}`).to.equal(0);
      } else {
        const w = await Promise.all(
          members.map((m) => metric(m, "cascade_daemon_steps_total", 'outcome="wait"')),
        );
        expect(
          w.some((a, i) => a > waitsBefore[i]),
          "members waited (head behind the frame)",
        ).to.equal(true);
      }
      beacon.fault = "none";
      const t0 = Date.now();
      await until(
        `report of refSlot ${refSlot}`,
        async () => (await accounting.lastReport())[0] >= refSlot,
        60_000,
      );
      expect(await oracle.currentRefSlot(), "applied within the same frame").to.equal(refSlot);
      await checkApplied(refSlot);
      this.test!.title += ` [report ${((Date.now() - t0) / 1000).toFixed(1)} s after recovery]`;
    });
  }

  it("test_daemons_rpcRestartedMidFrameAndWrongChain_waitThenReport", async function () {
    const members = children.filter((c) => c.role === "oracle");
    const refSlot = await nextFrame();
    rpcProxy.fault = "wrongChain";
    await new Promise((r) => setTimeout(r, 3000));
    expect((await votes(refSlot)).length, "no vote through a node on another chain").to.equal(0);
    rpcProxy.fault = "none";
    const port = Number(new URL(rpcProxy.url).port);
    await rpcProxy.stop(); // the node goes away mid-frame…
    await new Promise((r) => setTimeout(r, 3000));
    await rpcProxy.start(port); // …and comes back under the same URL
    const errs = await Promise.all(
      members.map((m) => metric(m, "cascade_daemon_errors_total", 'kind="rpc_unreachable"')),
    );
    expect(
      errs.some((e) => e > 0),
      "the outage was counted as rpc_unreachable",
    ).to.equal(true);
    await until(
      `report of refSlot ${refSlot}`,
      async () => (await accounting.lastReport())[0] >= refSlot,
      60_000,
    );
    expect(await oracle.currentRefSlot(), "applied within the same frame").to.equal(refSlot);
    await checkApplied(refSlot);
  });

  it("test_oracleRun_memberKilledBetweenVoteAndSubmit_submitsOnceAfterRestart", async function () {
    for (const m of children.filter((c) => c.role === "oracle")) await m.stop();
    const refSlot = await nextFrame();
    const m1 = await daemon("member1", "oracle", ["--beacon", beacon.url]);
    const me1 = m1.address;
    await until("member1's vote", async () => (await votes(refSlot)).some((v) => v.member === me1), 60_000);
    await m1.stop(); // killed after its vote, before any consensus
    // member2 runs one step: it votes member1's hash (quorum 2 of 3) and exits before submitting.
    const m2 = await daemon("member2", "oracle", ["--beacon", beacon.url, "--once"]);
    await new Promise<void>((r) => (m2.child.exitCode !== null ? r() : m2.child.once("exit", () => r())));
    expect(await oracle.consensusHash(refSlot), "consensus reached").to.not.equal("0x" + "00".repeat(32));
    expect((await accounting.lastReport())[0], "not applied yet").to.be.lessThan(refSlot);
    await daemon("member1", "oracle", ["--beacon", beacon.url]); // restarted
    await until(
      `report of refSlot ${refSlot}`,
      async () => (await accounting.lastReport())[0] >= refSlot,
      60_000,
    );
    const p = await processed(refSlot);
    expect(
      p.map((x) => x.submitter),
      "the restarted member submitted the data, once",
    ).to.deep.equal([me1]);
    await checkApplied(refSlot);
  });
});
