/**
 * The CLI's error table: each error path → the exact line `cascade: …` prints (exit 1, nothing
 * sent). Reverts read in the user's terms (class, ETH, %, windows, role names, class:index
 * request ids) with what to change, and every custom error of the shipped ABIs has such an
 * explanation (a new error without one fails test_explanations_coverEveryAbiError).
 * test/cli/errorTable.subprocess.test.ts runs the table's rows through the built bin as a real
 * process (exit codes and stderr as a user sees them, on anvil).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { Wallet, parseEther, type Signer } from "ethers";
import type { System } from "../../deploy/system.js";
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { EXPLANATIONS, abiErrorNames, errorParams, explainRevert } from "../../sdk/src/cli/explain.js";
import { runCli } from "../../sdk/src/cli/main.js";
import { ContractRevertError } from "../../sdk/src/errors.js";
import { notReadyReason } from "../../sdk/src/actions/executeProposal.js";
import { clientFor, setup, tmp } from "../sdk/fixtures.js";

const { ethers } = await network.create();

describe("cascade CLI error messages", function () {
  this.timeout(300_000);

  describe("explanations (offline)", function () {
    it("test_explanations_coverEveryAbiError", function () {
      const names = abiErrorNames();
      expect(names.length, "errors found in the ABIs").to.be.greaterThan(100);
      const missing = names.filter((n) => EXPLANATIONS[n] === undefined);
      expect(missing, "errors without an explanation in sdk/src/cli/explain.ts").to.deep.equal([]);
      const stale = Object.keys(EXPLANATIONS).filter((n) => !names.includes(n));
      expect(stale, "explanations of errors no ABI has").to.deep.equal([]);
    });

    it("test_explanations_nameOnlyTheErrorsParameters", function () {
      for (const [name, template] of Object.entries(EXPLANATIONS)) {
        const params = [...errorParams(name)!];
        for (const m of template.matchAll(/\{(\w+)(?:\|(\w+))?\}/g)) {
          expect(params, `${name}: {${m[1]}} is not one of its parameters`).to.include(m[1]);
          if (m[2])
            expect(
              ["eth", "s", "bps", "time", "req", "role", "module", "service", "slash", "ops"],
              `${name}: unit`,
            ).to.include(m[2]);
        }
        const line = explainRevert(
          new ContractRevertError(
            name,
            params.map(() => 1n),
          ),
          params,
        );
        expect(line, `${name}: every placeholder filled`).to.not.match(/\{\w+(\|\w+)?\}/);
        expect(line.split("\n"), `${name}: one line`).to.have.length(1);
      }
    });

    // Revert arguments explained: values the ABI gives, in the user's units, with what to change.
    const table: [string, unknown[], string][] = [
      [
        "RedeemDelayTooShort",
        [2n, 768n, 7200n],
        "reverted: RedeemDelayTooShort(2, 768, 7200): class 2's redeem delay 768 s (12.8 min) is shorter than the 7200 s (2 h) (slashing + veto window) of the services it secures: raise the class's redeemDelay to at least 7200 s (2 h) (`cascade gov propose set-class-params`) or shorten those services' windows",
      ],
      [
        "CoverTooLow",
        [0n, 2000n, 2500n],
        "reverted: CoverTooLow(0, 2000, 2500): class 0's cover would be 20.00%, under its minimum 25.00%: junior classes must grow first, or deposit less",
      ],
      [
        "DepositCapExceeded",
        [1n, parseEther("120.5"), parseEther("100")],
        "reverted: DepositCapExceeded(1, 120500000000000000000, 100000000000000000000): class 1 would hold 120.5 ETH, above its deposit cap 100 ETH: deposit at most the difference",
      ],
      [
        "NotFinalized",
        [requestIdOf("0x00000000000000000000000000000000000000aa", 2, 7)],
        `reverted: NotFinalized(${requestIdOf("0x00000000000000000000000000000000000000aa", 2, 7)}): request 2:7 is not finalized yet: it pays out after the class's redeem delay and the next oracle report (\`cascade position\` shows its status)`,
      ],
      [
        "AccessControlUnauthorizedAccount",
        ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", ethers.id("PROPOSER_ROLE")],
        "reverted: AccessControlUnauthorizedAccount(0x70997970C51812dc3A010C7d01b50e0d17dc79C8, PROPOSER_ROLE): 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 lacks PROPOSER_ROLE: sign with an account that holds it, or go through governance (`cascade gov propose`)",
      ],
      [
        "ServiceNotActive",
        [3n, 1n],
        "reverted: ServiceNotActive(3, 1): service 3 is Pending, not Active: `cascade service status 3 active` (SERVICE_MANAGER_ROLE) or `cascade gov propose set-service-status 3 active`",
      ],
      [
        "VetoWindowOpen",
        [4n, 1_767_225_600n],
        "reverted: VetoWindowOpen(4, 1767225600): slash 4 can be executed only after its veto window ends at 2026-01-01T00:00:00.000Z",
      ],
      [
        "TimelockUnexpectedOperationState",
        [ethers.ZeroHash, "0x" + (1n << 2n).toString(16).padStart(64, "0")],
        `reverted: TimelockUnexpectedOperationState(${ethers.ZeroHash}, 0x${"0".repeat(63)}4): operation ${ethers.ZeroHash} is not Ready: \`gov execute\` needs a scheduled operation whose delay has passed, with the same action, arguments and --description as \`gov propose\``,
      ],
    ];
    for (const [name, args, line] of table)
      it(`test_explainRevert_${name}`, function () {
        const names = errorParams(name);
        expect(names, `${name} is an ABI error`).to.not.equal(undefined);
        expect(explainRevert(new ContractRevertError(name, args), names), name).to.equal(line);
      });
  });

  describe("gov execute: eta against the clock and the chain", function () {
    const t = 1_767_225_600n; // 2026-01-01T00:00:00Z
    it("test_notReadyReason_etaAheadOfTheClock", function () {
      expect(notReadyReason(t + 90n, t - 10n, t)).to.equal(
        "not ready until 2026-01-01T00:01:30.000Z (90 s from now by the clock; the timelock then needs a block at or after it)",
      );
    });
    it("test_notReadyReason_idleDevnetBlockBehindTheClock", function () {
      expect(notReadyReason(t - 30n, t - 600n, t)).to.equal(
        "not ready on chain: its eta 2025-12-31T23:59:30.000Z has passed by the clock, but the latest block is at 2025-12-31T23:50:00.000Z and the timelock checks block time: send any transaction or mine a block (`cascade devnet time 1s` on a devnet), then execute again",
      );
    });
  });

  describe("error paths against the embedded network (exact lines)", function () {
    let sys: System;
    let signers: any[];

    async function cli(args: string[], signer?: Signer): Promise<{ code: number; out: string; err: string }> {
      let out = "";
      let err = "";
      const code = await runCli(
        args,
        { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, cwd: tmp, isTTY: false },
        { makeClient: async () => clientFor(ethers, sys, signer) },
      );
      return { code, out, err };
    }

    before(async function () {
      ({ sys, signers } = await setup(ethers));
    });

    /** Error path → exact stderr line; each exits 1 and sends nothing. */
    it("test_cli_errorTable", async function () {
      const [, , , , , , , , d1] = signers;
      const broke = Wallet.createRandom().connect(ethers.provider);
      const tight = Wallet.createRandom().connect(ethers.provider);
      // Exactly the deposit's value: the call simulates fine, the gas is what is missing.
      await (await d1.sendTransaction({ to: tight.address, value: parseEther("1") })).wait();
      const rows: [string, string[], Signer | undefined, string | RegExp][] = [
        [
          "out of ETH for the value",
          ["deposit", "2", "1"],
          broke,
          `insufficient funds: ${broke.address} has 0 ETH, needs 1 ETH plus gas`,
        ],
        [
          "out of ETH for the gas",
          ["deposit", "2", "1"],
          tight,
          // The gas part depends on the base fee the fixture leaves: its figure is checked as "1.<digits>".
          new RegExp(
            `^insufficient funds: ${tight.address} has 1 ETH, needs 1\\.\\d{1,6} ETH \\(value \\+ gas\\)$`,
          ),
        ],
        [
          "unknown class",
          ["deposit", "5", "1"],
          d1,
          "reverted: UnknownClass(5): there is no class 5: `cascade status` lists the classes",
        ],
        [
          "role by name, not hash",
          ["gov", "propose", "pause", "0"],
          d1,
          `reverted: AccessControlUnauthorizedAccount(${d1.address}, PROPOSER_ROLE): ${d1.address} lacks PROPOSER_ROLE: sign with an account that holds it, or go through governance (\`cascade gov propose\`)`,
        ],
        [
          "request id as class:index",
          ["claim", "1:3"],
          d1,
          `reverted: UnknownRequest(${requestIdOf(d1.address, 1, 3)}): there is no request 1:3: \`cascade position\` lists yours as class:index`,
        ],
        [
          "bad class id (no zod wording)",
          ["deposit", "x", "1"],
          d1,
          "deposit: classId: class id must be a number",
        ],
        [
          "bad amount",
          ["deposit", "2", "abc"],
          d1,
          'deposit: amount: not an ETH amount: abc (ETH as a decimal string such as "1.5", at most 18 decimals)',
        ],
      ];
      for (const [what, args, signer, line] of rows) {
        const from = signer ? await (signer as any).getAddress() : undefined;
        const nonce = from ? await ethers.provider.getTransactionCount(from) : 0;
        const r = await cli(args, signer);
        expect(r.code, `${what}: exit 1`).to.equal(1);
        if (typeof line === "string") expect(r.err, `${what}: exact line`).to.equal(`cascade: ${line}\n`);
        else {
          expect(r.err.split("\n"), `${what}: one line`).to.have.length(2);
          expect(r.err.replace(/^cascade: /, "").trimEnd(), `${what}: line`).to.match(line);
        }
        if (from)
          expect(await ethers.provider.getTransactionCount(from), `${what}: nothing sent`).to.equal(nonce);
      }
    });
  });
});
