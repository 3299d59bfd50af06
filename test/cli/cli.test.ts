/**
 * Every `cascade` command run in-process (runCli with an injected client on the embedded
 * network, captured stdout/stderr and exit code): the output, and for bad input one
 * `cascade: …` line, exit 1 (2 for usage errors), no stack trace and no transaction sent.
 */
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";
import type { System } from "../../deploy/system.js";
import { NETWORK_FORK_VERSIONS } from "../../sdk/src/beacon/depositData.js";
import { runCli } from "../../sdk/src/cli/main.js";
import { ETH, clientFor, depositData, reportRound, setup, tamper, tmp, writeJson } from "../sdk/fixtures.js";

const { ethers, provider } = await network.create();

interface Run {
  code: number;
  out: string;
  err: string;
}

describe("cascade CLI (in-process)", function () {
  let sys: System;
  let signers: any[];
  let members: any[];
  let deployer: any, op: any, d1: any, d2: any, d3: any;

  /** Runs the CLI with a client bound to `signer` (read-only without one). */
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

  /** Asserts one clean error line matching `re`, exit `code`, and that `signer` sent nothing. */
  async function fails(args: string[], signer: any, re: RegExp, code = 1): Promise<Run> {
    const nonce = signer ? await ethers.provider.getTransactionCount(signer.address) : 0;
    const r = await cli(args, signer);
    expect(r.code, `${args.join(" ")}: exit code (stderr: ${r.err})`).to.equal(code);
    expect(r.err.trimEnd().split("\n"), `${args.join(" ")}: one line`).to.have.length(1);
    expect(r.err, `${args.join(" ")}: message`).to.match(/^cascade: /);
    expect(r.err, `${args.join(" ")}: reason: ${r.err}`).to.match(re);
    expect(r.err, "no stack trace").to.not.match(/\n\s+at /);
    if (signer) {
      expect(
        await ethers.provider.getTransactionCount(signer.address),
        `${args.join(" ")}: nothing sent`,
      ).to.equal(nonce);
    }
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
    ({ sys, signers } = await setup(ethers));
    [deployer] = signers;
    members = signers.slice(1, 4);
    op = signers[7];
    [d1, d2, d3] = signers.slice(8, 11);
  });

  describe("usage", function () {
    it("--help everywhere, exit 0", async function () {
      for (const args of [
        ["--help"],
        ["operator", "--help"],
        ["gov", "propose", "--help"],
        ["keys", "check", "--help"],
      ]) {
        const r = await cli(args);
        expect(r.code, args.join(" ")).to.equal(0);
        expect(r.out, args.join(" ")).to.match(/^Usage: cascade/);
      }
    });
    it("usage errors exit 2 with one line", async function () {
      await fails(["depositx"], undefined, /unknown command 'depositx'.*deposit/, 2);
      await fails(["deposit", "1"], undefined, /missing required argument 'eth'/, 2);
      await fails(["operator", "status", "0", "--module", "dvt"], undefined, /--module.*dvt.*invalid/i, 2);
      await fails(["status", "--bogus"], undefined, /unknown option '--bogus'/, 2);
    });
    it("without --rpc or RPC_URL the default client says what to pass", async function () {
      let err = "";
      const code = await runCli(["status"], {
        stdout: () => {},
        stderr: (s) => (err += s),
        env: {},
        cwd: tmp,
      });
      expect(code).to.equal(1);
      expect(err).to.equal("cascade: no RPC endpoint: pass --rpc URL or set RPC_URL\n");
    });
  });

  describe("depositor", function () {
    it("deposit <class> <eth>", async function () {
      let r = await ok(["deposit", "2", "60"], d1);
      expect(r.out).to.match(/shares minted/);
      r = await ok(["--json", "deposit", "1", "60"], d2);
      expect(BigInt(json(r).shares), "json shares").to.equal(await sys.tokens[1].balanceOf(d2.address));
      await ok(["deposit", "0", "200"], d3);
    });
    it("deposit: bad input sends nothing", async function () {
      await fails(["deposit", "2", "abc"], d1, /deposit: amount: not an ETH amount: abc/);
      await fails(["deposit", "2", "0"], d1, /amount must be > 0/);
      await fails(["deposit", "2", "-1"], d1, /not an ETH amount|must be > 0/);
      await fails(["deposit", "x", "1"], d1, /class id must be a number|classId/);
      await fails(["deposit", "2", "1", "--receiver", "0xnope"], d1, /not an address: 0xnope/);
      await fails(["deposit", "5", "1"], d1, /reverted: UnknownClass\(5\)/);
      await fails(["deposit", "0", "1000"], d3, /reverted: CoverTooLow\(0, /);
      await fails(["deposit", "1", "1"], undefined, /no signer/);
    });
    it("preview-deposit <class> <eth>", async function () {
      let r = await ok(["preview-deposit", "0", "1"]);
      expect(r.out).to.match(/would revert\s*│\s*no/);
      r = await cli(["preview-deposit", "0", "1000"]);
      expect(r.code, "a deposit that would revert exits 1").to.equal(1);
      expect(r.out).to.match(/CoverTooLow\(0, /);
      await fails(["preview-deposit", "0", "1.2.3"], undefined, /not an ETH amount/);
    });
    it("status", async function () {
      const r = await ok(["status"]);
      expect(r.out)
        .to.match(/pooled \(ETH\)/)
        .and.to.match(/cA/)
        .and.to.match(/Active/);
      const j = json(await ok(["status", "--json"]));
      expect(j.classes).to.have.length(3);
      expect(BigInt(j.pooled), "pooled").to.equal(320n * ETH);
    });
    it("class <id>", async function () {
      const r = await ok(["class", "0"]);
      expect(r.out)
        .to.match(/price \(ETH\/token\)/)
        .and.to.match(/min cover\s*│\s*25\.00%/);
      const j = json(await ok(["class", "2", "--json"]));
      expect(j.serviceExposure.tiers).to.deep.equal([1, 2]);
      await fails(["class", "9"], undefined, /class id must be < 8/);
      await fails(["class", "4"], undefined, /unknown class 4 \(there are 3\)/);
      await fails(["class", "0", "--points", "1"], undefined, /points must be ≥ 2/);
      await fails(["class", "0", "--from-block", "soon"], undefined, /fromBlock must be a block number/);
      const late = json(await ok(["class", "0", "--json", "--from-block", "1000000"]));
      expect(late.history, "no events after --from-block").to.deep.equal([]);
    });
    it("allocation <n>", async function () {
      const r = await ok(["allocation", "4"]);
      expect(r.out).to.match(/total 0 of 4/); // no keys uploaded yet
      await fails(["allocation", "0"], undefined, /count must be > 0/);
      await fails(["allocation", "many"], undefined, /count/);
    });
    it("redeem <class> <shares>, position, claim <requestId>", async function () {
      await fails(["redeem", "1", "100000"], d2, /holds .* shares of class 1, asked/);
      await fails(["redeem", "1", "0"], d2, /shares must be > 0/);
      const r = await ok(["--json", "redeem", "1", "10"], d2);
      const id = json(r).requestId as string;
      expect((await ok(["position", d2.address])).out, "short id in the table").to.match(/│ 1:0 /);
      expect(BigInt(id)).to.equal(requestIdOf(d2.address, 1, 0));

      let p = await ok(["position", d2.address]);
      expect(p.out).to.match(/pending/);
      p = await ok(["position"], d2);
      expect(p.out, "defaults to the signer").to.include(d2.address);
      await fails(["position", "0xnope"], undefined, /not an address: 0xnope/);
      await fails(["position", d2.address, "--from-block", "-5"], undefined, /fromBlock must be ≥ 0/);

      await fails(["claim", "1:0"], d2, /reverted: NotFinalized\(/);
      await fails(["claim", "abc"], d2, /not a non-negative integer: abc/);
      await reportRound(sys, members, provider, { days: 30 });
      expect((await ok(["position", d2.address])).out).to.match(/claimable/);
      await fails(["claim", id], d1, /reverted: NotController\(/);
      const c = json(await ok(["claim", id, "--json"], d2));
      expect(BigInt(c.assets) > 9n * ETH, "about 10 ETH paid").to.equal(true);
      expect((await ok(["position", d2.address, "--json"])).out).to.include('"status": "claimed"');
    });
  });

  describe("operator", function () {
    let wc: string;
    before(async function () {
      wc = await sys.router.withdrawalCredentials();
    });
    it("operator register", async function () {
      const r = await ok(["operator", "register", "--name", "CLI Solo", "--bond", "2.4"], op);
      expect(r.out).to.match(/operator\s*│\s*0/);
      await fails(["operator", "register", "--name", "x", "--bond", "lots"], op, /not an ETH amount: lots/);
      await fails(["operator", "register", "--name", "x", "--reward-address", "0x12"], op, /not an address/);
    });
    it("operator add-keys <file>: refuses bad files whole", async function () {
      const good = depositData("cli-operator", 0, 3, wc);
      await fails(
        [
          "operator",
          "add-keys",
          writeJson("t.json", [good[0], tamper(good[1]!), good[2]]),
          "--operator",
          "0",
        ],
        op,
        /deposit data refused: 1 of 3 entries invalid; entry #1 0x[0-9a-f]{12}…: DepositDataRootMismatch, InvalidSignature$/m,
      );
      await fails(
        [
          "operator",
          "add-keys",
          writeJson("h.json", depositData("cli-operator", 0, 2, wc, NETWORK_FORK_VERSIONS.holesky)),
          "--operator",
          "0",
        ],
        op,
        /2 of 2 entries invalid.*ForkVersionMismatch/,
      );
      await fails(
        ["operator", "add-keys", writeJson("d.json", [good[0], good[0]]), "--operator", "0"],
        op,
        /entry #1 .*DuplicatePubkey/,
      );
      await fails(
        ["operator", "add-keys", "missing.json", "--operator", "0"],
        op,
        /cannot read .*missing\.json: ENOENT/,
      );
      await fails(
        ["operator", "add-keys", writeJson("obj.json", { a: 1 }), "--operator", "0"],
        op,
        /must hold a JSON array/,
      );
      await fails(
        ["operator", "add-keys", writeJson("g0.json", good), "--operator", "7"],
        op,
        /reverted: UnknownOperator\(7\)/,
      );
      await fails(
        ["operator", "add-keys", writeJson("g1.json", good), "--operator", "0"],
        d1,
        /reverted: NotOperatorManager\(0, /,
      );
    });
    it("operator add-keys <file>, top-up, withdraw-bond, status", async function () {
      const good = depositData("cli-operator", 0, 3, wc);
      const r = await ok(
        ["operator", "add-keys", writeJson("good.json", good), "--operator", "0", "--network", "mainnet"],
        op,
      );
      expect(r.out)
        .to.match(/keys uploaded\s*│\s*3/)
        .and.to.match(/bond sent \(ETH\)\s*│\s*2\.6/);
      // Same file again: a resume, every key is already this operator's, nothing is sent.
      const again = await ok(["operator", "add-keys", writeJson("good2.json", good), "--operator", "0"], op);
      expect(again.out, "nothing left to upload")
        .to.match(/keys uploaded\s*│\s*0/)
        .and.to.match(/already uploaded \(skipped\)\s*│\s*3/)
        .and.to.match(/transactions\s*│\s*0/);

      await ok(["operator", "top-up", "0", "1"], op);
      await fails(["operator", "top-up", "0", "0"], op, /amount must be > 0/);
      await fails(["operator", "withdraw-bond", "0", "100"], op, /only .* withdrawable, asked/);
      await fails(["operator", "withdraw-bond", "0", "1", "--to", "0xzz"], op, /not an address/);
      await ok(["operator", "withdraw-bond", "0", "1"], op);

      const s = json(await ok(["operator", "status", "0", "--json"]));
      expect(s.keys).to.deep.equal({ total: 3, deposited: 0, exited: 0, depositable: 3 });
      expect(BigInt(s.bond.amount)).to.equal(5n * ETH);
      expect((await ok(["operator", "status", "0"])).out).to.match(/depositable keys\s*│\s*3/);
      await fails(["operator", "status", "9"], undefined, /reverted: UnknownOperator\(9\)/);
      expect((await ok(["allocation", "4"])).out, "keys now allocatable").to.not.match(/total 0 of 4/);
    });
  });

  describe("keys check (offline)", function () {
    const offline = async (args: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(
        args,
        { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, cwd: tmp, isTTY: false },
        {
          makeClient: async () => {
            throw new Error("keys check must not touch the network");
          },
        },
      );
      return { code, out, err };
    };
    it("exit 0 when every entry is valid", async function () {
      const vault = "0x" + "ab".repeat(20);
      const file = writeJson(
        "kc-good.json",
        depositData("kc", 0, 2, "0x01" + "00".repeat(11) + "ab".repeat(20)),
      );
      const r = await offline(["keys", "check", file, "--withdrawal-vault", vault]);
      expect(r.code, r.err).to.equal(0);
      expect(r.out.match(/yes/g)).to.have.length(2);
    });
    it("exit 1 naming each bad entry with its reason", async function () {
      const good = depositData(
        "kc",
        0,
        3,
        "0x01" + "00".repeat(11) + "ab".repeat(20),
        NETWORK_FORK_VERSIONS.hoodi,
      );
      const file = writeJson("kc-bad.json", [good[0], tamper(good[1]!), good[0]]);
      const r = await offline(["keys", "check", file, "--network", "hoodi"]);
      expect(r.code).to.equal(1);
      const lines = r.err.trimEnd().split("\n");
      expect(lines[0]).to.match(/^cascade: entry #1 .*InvalidSignature/);
      expect(lines[1]).to.match(/^cascade: entry #2 .*DuplicatePubkey: same pubkey as entry 0/);
      expect(lines[2]).to.equal("cascade: 2 of 3 entries invalid (fork 0x10000910)");
      const j = JSON.parse(
        (await offline(["keys", "check", file, "--fork-version", "0x10000910", "--json"])).out,
      );
      expect(j.invalid).to.equal(2);
      const mainnet = await offline(["keys", "check", writeJson("kc-h.json", [good[0]])]);
      expect(mainnet.err, "hoodi keys checked as mainnet").to.match(/ForkVersionMismatch/);
    });
    it("bad options and files: one line, exit 1", async function () {
      for (const [args, re] of [
        [["keys", "check", "nope.json"], /cannot read .*nope\.json/],
        [
          ["keys", "check", writeJson("kc-x.json", [1]), "--fork-version", "0x1234"],
          /fork version must be 4 bytes/,
        ],
        [["keys", "check", writeJson("kc-y.json", [1]), "--withdrawal-vault", "0x12"], /not an address/],
      ] as const) {
        const r = await offline([...args]);
        expect(r.code, args.join(" ")).to.equal(1);
        expect(r.err)
          .to.match(re)
          .and.to.match(/^cascade: [^\n]*\n$/);
      }
    });
  });

  describe("gov", function () {
    before(async function () {
      const tl = await sys.timelock.getAddress();
      await (await sys.book.grantRole(await sys.book.CLASS_MANAGER_ROLE(), tl)).wait();
      await (await sys.router.grantRole(await sys.router.MODULE_MANAGER_ROLE(), tl)).wait();
    });
    it("propose --dry-run prints the encoded calls and sends nothing", async function () {
      const nonce = await ethers.provider.getTransactionCount(deployer.address);
      const j = json(
        await ok(["gov", "propose", "set-class-open", "2", "false", "--dry-run", "--json"], deployer),
      );
      expect(j.state).to.equal("dry-run");
      expect(j.payloads[0]).to.equal(sys.book.interface.encodeFunctionData("setClassOpen", [2, false]));
      expect(j.timelockCall.data.slice(0, 10)).to.equal(
        sys.timelock.interface.getFunction("scheduleBatch")!.selector,
      );
      expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    });
    it("propose → execute after the delay → effect", async function () {
      const args = ["set-class-open", "2", "false", "--description", "close C"];
      expect((await ok(["gov", "propose", ...args], deployer)).out).to.match(/state\s*│\s*pending/);
      await fails(["gov", "execute", ...args], deployer, /not ready until/);
      await provider.send("evm_increaseTime", [61]);
      await provider.send("evm_mine", []);
      expect((await ok(["gov", "execute", ...args], deployer)).out).to.match(/state\s*│\s*done/);
      expect((await sys.book.getClass(2)).open).to.equal(false);
      await fails(["gov", "execute", ...args], deployer, /already executed/);
      await fails(["deposit", "2", "1"], d1, /reverted: ClassClosed\(2\)/);
    });
    it("bad governance input", async function () {
      await fails(["gov", "propose", "frobnicate"], deployer, /unknown governance action "frobnicate"/);
      await fails(
        ["gov", "propose", "set-module-status", "0", "sleepy"],
        deployer,
        /status must be active, paused or stopped/,
      );
      await fails(["gov", "propose", "set-class-open", "2"], deployer, /takes 2 arguments, got 1/);
      await fails(
        ["gov", "propose", "pause", "0", "--delay", "5"],
        deployer,
        /below the timelock's minimum 60s/,
      );
      await fails(["gov", "propose", "pause", "0"], d1, /reverted: AccessControlUnauthorizedAccount\(/);
      await fails(["gov", "execute", "pause", "0", "--description", "never"], deployer, /not scheduled/);
    });
  });

  describe("risk", function () {
    it("analyzes a graph file", async function () {
      const file = writeJson("graph.json", {
        operators: [
          { id: "a", stake: (10n * ETH).toString() },
          { id: "b", stake: (10n * ETH).toString() },
        ],
        services: [
          { id: "s", profitFromCorruption: ETH.toString(), attackThresholdBps: 5000, operators: ["a", "b"] },
        ],
      });
      const r = await ok(["risk", file]);
      expect(r.out).to.match(/SECURE/);
      expect(json(await ok(["risk", file, "--json"])).network.verdict).to.equal("secure");
    });
    it("refuses a missing or malformed graph", async function () {
      await fails(["risk"], undefined, /pass a graph JSON file .* or --deployed --pfc/);
      await fails(["risk", "nope.json"], undefined, /cannot read graph nope\.json/);
      await fails(
        ["risk", writeJson("bad-graph.json", { operators: [{ id: "a", stake: "-1" }], services: [] })],
        undefined,
        /restaking graph/,
      );
    });
  });
});
