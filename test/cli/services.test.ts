/**
 * `cascade service …`, `cascade keeper force-exit` and `cascade risk --deployed` run in-process
 * (runCli with an injected client on the embedded network): tables by default, --json for
 * machines, and for bad input one `cascade: …` line, exit 1 (2 for usage) and no transaction sent.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";
import type { System } from "../../deploy/system.js";
import { runCli } from "../../sdk/src/cli/main.js";
import { runOracleRound } from "../helpers/protocol.js";
import { stakedSystem, type StakedSystem } from "../helpers/scenario.js";
import { ETH, clientFor, tmp, writeJson } from "../sdk/fixtures.js";

const { ethers, provider } = await network.create();

interface Run {
  code: number;
  out: string;
  err: string;
}

describe("cascade service / keeper / risk --deployed (in-process)", function () {
  let st: StakedSystem;
  let sys: System;
  let deployer: any, m1: any, m2: any, m3: any, opCurated: any, opBonded: any, keeper: any;
  let funder: any, slasher: any, recipient: any, vetoer: any;

  async function cli(args: string[], signer?: Signer): Promise<Run> {
    let out = "";
    let err = "";
    const code = await runCli(
      args,
      { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, cwd: tmp, isTTY: false },
      { makeClient: async () => clientFor(ethers, sys, signer) },
    );
    return { code, out, err };
  }

  /** One clean error line matching `re`, exit `code`, and `signer` sent nothing. */
  async function fails(args: string[], signer: any, re: RegExp, code = 1): Promise<Run> {
    const nonce = signer ? await ethers.provider.getTransactionCount(signer.address) : 0;
    const r = await cli(args, signer);
    expect(r.code, `${args.join(" ")}: exit code (stderr: ${r.err})`).to.equal(code);
    expect(r.err.trimEnd().split("\n"), `${args.join(" ")}: one line`).to.have.length(1);
    expect(r.err, `${args.join(" ")}: reason: ${r.err}`).to.match(/^cascade: /);
    expect(r.err, `${args.join(" ")}: reason: ${r.err}`).to.match(re);
    expect(r.out, `${args.join(" ")}: nothing on stdout`).to.equal("");
    if (signer)
      expect(
        await ethers.provider.getTransactionCount(signer.address),
        `${args.join(" ")}: nothing sent`,
      ).to.equal(nonce);
    return r;
  }

  async function ok(args: string[], signer?: Signer): Promise<Run> {
    const r = await cli(args, signer);
    expect(r.code, `${args.join(" ")}: exit 0 (stderr: ${r.err})`).to.equal(0);
    expect(r.err, `${args.join(" ")}: quiet stderr`).to.equal("");
    return r;
  }
  const json = (r: Run) => JSON.parse(r.out);

  before(async function () {
    st = await stakedSystem(ethers);
    sys = st.sys;
    const s = st.signers;
    [deployer, m1, m2, m3] = s;
    [opCurated, opBonded, keeper] = [s[6], s[7], s[10]];
    [funder, slasher, recipient, vetoer] = [s[12], s[13], s[14], s[15]];
    await (await sys.registry.grantRole(await sys.registry.VETO_ROLE(), vetoer.address)).wait();
  });

  const register = [
    "service",
    "register",
    "--tier",
    "2",
    "--max-slash-bps",
    "2000",
    "--slashing-window",
    "300",
    "--veto-window",
    "300",
    "--min-operators",
    "2",
    "--max-operator-share-bps",
    "8000",
  ];

  it("service register", async function () {
    await fails(
      [...register.slice(0, 3), "0", ...register.slice(4)],
      deployer,
      /registerService: tier: tier must be ≥ 1/,
    );
    await fails(
      [...register.slice(0, 5), "10001", ...register.slice(6)],
      deployer,
      /maxSlashBps must be ≤ 10000/,
    );
    await fails([...register, "--slasher", "0xnope"], deployer, /not an address: 0xnope/);
    await fails(["service", "register", "--tier", "1"], deployer, /required option '--max-slash-bps/, 2);
    const r = await ok(
      [...register, "--slasher", slasher.address, "--recipient", recipient.address],
      deployer,
    );
    expect(r.out, "table").to.match(/service\s.*0 \(pending approval\)/);
    const j = json(
      await ok(
        ["--json", ...register, "--slasher", slasher.address, "--recipient", recipient.address],
        deployer,
      ),
    );
    expect(j.serviceId, "second service").to.equal(1);
  });

  it("service status", async function () {
    await fails(["service", "status", "9", "active"], deployer, /unknown service 9 \(there are 2\)/);
    await fails(["service", "status", "x", "active"], deployer, /service id must be an integer ≥ 0, got x/);
    await fails(["service", "status", "0", "live"], deployer, /status must be active, paused or retired/);
    await fails(
      ["service", "status", "0", "active"],
      opCurated,
      /does not hold SERVICE_MANAGER_ROLE; propose it through the timelock/,
    );
    expect((await ok(["service", "status", "0", "active"], deployer)).out).to.match(/pending → active/);
    await ok(["service", "status", "1", "active"], deployer);
    await fails(["service", "status", "0", "active"], deployer, /reverted: InvalidStatusChange\(2, 2\)/);
    // The same change as a timelock proposal, for governance without the role.
    const d = await ok(["gov", "propose", "set-service-status", "1", "paused", "--dry-run"], deployer);
    expect(d.out, "dry run label").to.match(/registry\.setServiceStatus\(1, paused\)/);
  });

  it("service opt-in / opt-out", async function () {
    await fails(
      ["service", "opt-in", "0", "curated", "0"],
      opBonded,
      /is not the manager of operator 0 of module 0/,
    );
    await fails(
      ["service", "opt-in", "0", "dvt", "0"],
      opCurated,
      /module must be curated, bonded or a module id, got dvt/,
    );
    await fails(["service", "opt-in", "0", "7", "0"], opCurated, /unknown module 7 \(there are 2\)/);
    await fails(["service", "opt-in", "5", "curated", "0"], opCurated, /unknown service 5/);
    for (const id of ["0", "1"]) {
      expect((await ok(["service", "opt-in", id, "curated", "0"], opCurated)).out).to.match(/opted in/);
      await ok(["service", "opt-in", id, "bonded", "0"], opBonded);
    }
    await fails(["service", "opt-in", "0", "curated", "0"], opCurated, /reverted: AlreadyOptedIn\(0, 0, 0\)/);
  });

  it("service allocate / gov set-allocation", async function () {
    await fails(["service", "allocate", "0", "100", "0:0"], deployer, /needs at least 2 operators, got 1/);
    await fails(
      ["service", "allocate", "0", "100", "0-0", "1:0"],
      deployer,
      /operators are moduleId:operatorId/,
    );
    await fails(["service", "allocate", "0", "100", "0:0", "1:0"], opCurated, /does not hold ALLOCATOR_ROLE/);
    await fails(
      ["service", "allocate", "0", "100000", "0:0", "1:0"],
      deployer,
      /reverted: AllocationNotPlaceable|ExposureLimitExceeded/,
    );
    const r = json(await ok(["--json", "service", "allocate", "0", "100", "0:0", "1:0"], deployer));
    expect(BigInt(r.allocation), "placed").to.equal(100n * ETH);
    await ok(["service", "allocate", "1", "50", "0:0", "1:0"], deployer);
    const d = await ok(["gov", "propose", "set-allocation", "0", "80", "0:0", "1:0", "--dry-run"], deployer);
    expect(d.out).to.match(/registry\.setAllocation\(0, 80000000000000000000, \[0:0, 1:0\]\)/);
  });

  it("service pay", async function () {
    await fails(["service", "pay", "0", "0"], funder, /amount must be > 0/);
    await fails(["service", "pay", "0", "abc"], funder, /not an ETH amount: abc/);
    await fails(
      ["service", "pay", "-1", "1"],
      funder,
      /service id must be an integer ≥ 0, got -1|unknown option/,
      1,
    );
    const r = await ok(["service", "pay", "0", "1"], funder);
    expect(r.out, "awaiting report").to.match(/awaiting report \(ETH\)\s*│?\s*1\b/);
  });

  it("service info", async function () {
    await fails(["service", "info", "2"], undefined, /unknown service 2 \(there are 2\)/);
    const r = await ok(["service", "info", "0"]);
    expect(r.out, "status").to.match(/active/);
    expect(r.out, "operators table").to.match(/allocated \(ETH\)/);
    expect(r.out, "exposure table").to.match(/headroom/);
    expect(r.out, "no slashes").to.match(/no pending slashes/);
    const j = json(await ok(["--json", "service", "info", "0"]));
    expect(j.exposedClasses, "tier 2 → C").to.deep.equal([2]);
    expect(j.tierPendingRewards, "paid, not yet booked").to.equal(ETH.toString());
    expect(j.rewardsPaid, "paid by the service").to.equal(ETH.toString());
  });

  it("service slash / execute / veto", async function () {
    // A report first: rewards booked (and nothing else changes for the slash).
    await provider.send("evm_increaseTime", [30 * 24 * 3600]);
    await runOracleRound(sys, [m1, m2, m3], provider, {
      elRewards: 0n,
      modules: [st.moduleReport(0, 0n), st.moduleReport(1, 0n)],
    });
    const slash = ["service", "slash", "1", "bonded", "0"];
    await fails([...slash, "2000", "--evidence", "e"], deployer, /is not service 1's slasher/);
    await fails(
      [...slash, "2001", "--evidence", "e"],
      slasher,
      /bps 2001 is above service 1's maxSlashBps 2000/,
    );
    await fails([...slash, "10001", "--evidence", "e"], slasher, /bps must be ≤ 10000/);
    await fails(
      ["service", "slash", "abc", "bonded", "0", "100", "--evidence", "e"],
      slasher,
      /service id must be an integer/,
    );
    await fails([...slash, "100"], slasher, /required option '--evidence/, 2);
    const r = json(await ok(["--json", ...slash, "2000", "--evidence", "double-sign"], slasher));
    expect(r.slashId, "first slash").to.equal(0);
    // Pending: previewDeposit warns C, and execution waits for the veto window.
    const pd = await ok(["preview-deposit", "2", "1"]);
    expect(pd.out, "warning").to.match(/pending slash 0 on service 1/);
    await fails(["service", "execute", "0"], keeper, /veto window of slash 0 is open until/);
    await fails(["service", "execute", "5"], keeper, /unknown slash 5/);
    await fails(["service", "veto", "0"], keeper, /does not hold VETO_ROLE/);
    const r2 = json(
      await ok(["--json", "service", "slash", "0", "curated", "0", "100", "--evidence", "dispute"], slasher),
    );
    await provider.send("evm_increaseTime", [301]);
    await provider.send("evm_mine", []);
    await fails(["service", "veto", String(r2.slashId)], vetoer, /veto window of slash 1 is over/);
    const ex = await ok(["service", "execute", "0"], keeper);
    expect(ex.out, "executed").to.match(/0 executed/);
    await fails(["service", "execute", "0"], keeper, /slash 0 is executed, not pending/);
    // A fresh request is vetoed in time.
    const r3 = json(
      await ok(["--json", "service", "slash", "0", "curated", "0", "100", "--evidence", "x"], slasher),
    );
    expect((await ok(["service", "veto", String(r3.slashId)], vetoer)).out).to.match(/vetoed/);
    await fails(["service", "veto", String(r3.slashId)], vetoer, /is vetoed, not pending/);
  });

  it("service payout", async function () {
    await fails(["service", "payout"], keeper, /nothing credited to/);
    await provider.send("evm_increaseTime", [30 * 24 * 3600]);
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: 2n * ETH })).wait();
    await runOracleRound(sys, [m1, m2, m3], provider, {
      elRewards: 2n * ETH,
      modules: [st.moduleReport(0, 0n), st.moduleReport(1, 0n)],
    });
    const owed: bigint = await sys.pool.servicePayoutOf(recipient.address);
    expect(owed > 0n, "credited").to.equal(true);
    const j = json(await ok(["--json", "service", "payout"], recipient));
    expect(BigInt(j.amount), "claimed").to.equal(owed);
    await fails(["service", "payout"], recipient, /nothing credited/);
  });

  it("service opt-out", async function () {
    const r = await ok(["service", "opt-out", "0", "0", "0"], opCurated);
    expect(r.out, "leaving").to.match(/opting out, effective/);
    await fails(["service", "opt-out", "0", "0", "0"], opCurated, /reverted: NotOptedIn\(0, 0, 0\)/);
  });

  it("keeper force-exit", async function () {
    await fails(["keeper", "force-exit", "curated", "0"], keeper, /has no overdue exit/);
    await fails(["keeper", "force-exit", "bonded", "9"], keeper, /unknown operator 9 of module 1/);
    await fails(["keeper", "force-exit", "bonded"], keeper, /missing required argument 'operator'/, 2);
    // The executed slash asked the bonded operator to exit everything; its deadline has passed.
    const r = await ok(["keeper", "force-exit", "bonded", "0"], keeper);
    expect(r.out, "requests").to.match(/exit requests\s*│?\s*\d+/);
    expect(r.out, "fee").to.match(/fee per request \(wei\)\s*│?\s*1\b/);
  });

  it("risk --deployed --pfc", async function () {
    const pfc = writeJson("pfc.json", { 0: "1 ETH", 1: "500000000000000000" });
    const r = await ok(["risk", "--deployed", "--pfc", pfc]);
    expect(r.out, "operators table").to.match(/σ_v \(ETH\)/);
    expect(r.out, "verdict").to.match(/SECURE/);
    const j = json(await ok(["--json", "risk", "--deployed", "--pfc", pfc]));
    expect(j.network.verdict).to.equal("secure");
    expect(j.graph.operators.map((o: { id: string }) => o.id).sort()).to.deep.equal(["0:0", "1:0"]);
    // Without --pfc: the registry's own robustness gate (no service declared π here: no load).
    const gate = await ok(["risk", "--deployed"]);
    expect(gate.out, "on-chain γ").to.match(
      /γ on-chain \(certified\):\s+unbounded \(no load\) \(minimum 1000 bps\)/,
    );
    expect(gate.out, "SDK certified γ next to it").to.match(/γ SDK certified:\s+unbounded/);
    await fails(
      ["risk", "--deployed", "--pfc", writeJson("pfc-miss.json", { 0: "1" })],
      undefined,
      /missing for allocated service\(s\) 1/,
    );
    await fails(
      ["risk", "--deployed", "--pfc", writeJson("pfc-bad.json", { 9: "1" })],
      undefined,
      /unknown service 9/,
    );
    await fails(
      ["risk", "--deployed", "--pfc", pfc, "--alpha-bps", "0"],
      undefined,
      /--alpha-bps must be 1…10000/,
    );
    // Huge profit against the stake: insecure, exit 1, tables still printed.
    const big = writeJson("pfc-big.json", { 0: "100000 ETH", 1: "100000 ETH" });
    const bad = await cli(["risk", "--deployed", "--pfc", big]);
    expect(bad.code, "insecure → exit 1").to.equal(1);
    expect(bad.out).to.match(/INSECURE/);
  });
});
