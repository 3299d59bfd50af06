import { expect } from "chai";
import {
  buildDepositData,
  checkDepositDataFile,
  computeDepositDomain,
  depositDataRootHex,
  deterministicSecretKey,
  NETWORK_FORK_VERSIONS,
  publicKeyOf,
  withdrawalCredentialsFor,
  type DepositDataCheck,
  type DepositDataJson,
} from "../../sdk/src/beacon/depositData.js";
import { bytesToHex } from "../../sdk/src/beacon/hex.js";
import { CascadeError, InvalidInputError } from "../../sdk/src/errors.js";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_VAULT = "0x1111111111111111111111111111111111111111";
const MAINNET = NETWORK_FORK_VERSIONS.mainnet;

function entry(index: number, overrides: { forkVersion?: string; vault?: string; amountGwei?: number } = {}) {
  return buildDepositData({
    secretKey: deterministicSecretKey("cascade-sdk-test", index),
    withdrawalCredentials: withdrawalCredentialsFor(overrides.vault ?? VAULT),
    forkVersion: overrides.forkVersion ?? MAINNET,
    ...(overrides.amountGwei !== undefined ? { amountGwei: overrides.amountGwei } : {}),
  });
}

/** Asserts that only entry `bad` fails, and with exactly `codes`; returns its result. */
function expectOnlyBad(results: DepositDataCheck[], bad: number, codes: string[]): DepositDataCheck {
  results.forEach((r, i) => {
    if (i === bad) {
      expect(r.ok, `entry ${i} should fail`).to.equal(false);
      expect(r.codes, `entry ${i} reasons: ${r.errors.join(" | ")}`).to.deep.equal(codes);
      expect(
        r.errors.map((e) => e.split(":")[0]),
        "each message starts with its reason",
      ).to.deep.equal(codes);
    } else {
      expect(r.ok, `entry ${i} should pass: ${r.errors.join(" | ")}`).to.equal(true);
    }
  });
  return results[bad]!;
}

describe("sdk/beacon/depositData", function () {
  let valid: DepositDataJson[];

  before(function () {
    valid = [0, 1, 2, 3].map((i) => entry(i));
  });

  describe("domain and credentials", function () {
    it("computes the mainnet deposit domain", function () {
      // Published value of compute_domain(DOMAIN_DEPOSIT, 0x00000000, ZERO_ROOT).
      expect(bytesToHex(computeDepositDomain("0x00000000")), "mainnet deposit domain").to.equal(
        "0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9",
      );
      expect(bytesToHex(computeDepositDomain(NETWORK_FORK_VERSIONS.holesky)), "holesky differs").to.not.equal(
        bytesToHex(computeDepositDomain(MAINNET)),
      );
    });

    it("builds 0x01 credentials from an address and rejects a bad one", function () {
      expect(withdrawalCredentialsFor(VAULT), "credentials").to.equal(
        "0x01" + "00".repeat(11) + VAULT.slice(2).toLowerCase(),
      );
      expect(() => withdrawalCredentialsFor("0x1234"), "short address").to.throw(InvalidInputError);
    });

    it("derives distinct, deterministic, valid keys from a seed", function () {
      const a = deterministicSecretKey("seed", 0);
      expect(bytesToHex(deterministicSecretKey("seed", 0)), "same seed and index").to.equal(bytesToHex(a));
      expect(bytesToHex(deterministicSecretKey("seed", 1)), "next index").to.not.equal(bytesToHex(a));
      expect(publicKeyOf(a), "48-byte G1 pubkey").to.have.length(48);
    });
  });

  describe("buildDepositData", function () {
    it("writes the deposit-cli shape with lowercase, unprefixed hex and the network name", function () {
      const e = entry(0, { forkVersion: NETWORK_FORK_VERSIONS.hoodi });
      expect(Object.keys(e), "fields").to.deep.equal([
        "pubkey",
        "withdrawal_credentials",
        "amount",
        "signature",
        "deposit_message_root",
        "deposit_data_root",
        "fork_version",
        "network_name",
        "deposit_cli_version",
      ]);
      for (const k of [
        "pubkey",
        "withdrawal_credentials",
        "signature",
        "deposit_message_root",
        "deposit_data_root",
      ]) {
        expect((e as unknown as Record<string, string>)[k], k).to.match(/^[0-9a-f]+$/);
      }
      expect(e.network_name, "network name from the fork version").to.equal("hoodi");
      expect(depositDataRootHex(e), "root helper matches the file").to.equal("0x" + e.deposit_data_root);
    });

    it("rejects an amount below the deposit contract's minimum", function () {
      expect(() => entry(0, { amountGwei: 999_999_999 }), "0.999 ETH").to.throw(
        InvalidInputError,
        /amountGwei/,
      );
    });
  });

  describe("checkDepositDataFile", function () {
    it("accepts a real staking-deposit-cli 2.7.0 entry (independent BLS/SSZ implementation)", function () {
      // Written by the official deposit-cli for a custom network with genesis fork 0x20000089.
      const cli = {
        pubkey:
          "98db81971df910a5d46314d21320f897060d76fdf137d22f0eb91a8693a4767d2a22730a3aaa955f07d13ad604f968e9",
        withdrawal_credentials: "010000000000000000000000468c15d616b52fcef0b932bf89d42157984be2a5",
        amount: 32000000000,
        signature:
          "a20d736d6807720cb2a2f48526eb3df83162b387b806bdf7d0d08bb31d3d4e4daaf4a11120dc194b188035e9e5c9bdbf00c3be3ca68adec9c4fb2fb59d936337b750ae08a9e7add56fb82526792876066456010a64c5629b7f1f564f9923ff8e",
        deposit_message_root: "2304faca7c177b307c224757df6e8a955026c613c86045ea569ba5547f8d104c",
        deposit_data_root: "e6260302845906138ebe075e9977e6086f02fc1c5142590bebdf54579c806bd3",
        fork_version: "20000089",
        network_name: "custom",
        deposit_cli_version: "2.7.0",
      };
      const [r] = checkDepositDataFile([cli], {
        forkVersion: "20000089",
        withdrawalVault: "0x468c15d616b52fcef0b932bf89d42157984be2a5",
      });
      expect(r!.errors, "deposit-cli entry").to.deep.equal([]);
      expect(r!.ok, "deposit-cli entry ok").to.equal(true);
    });

    it("passes a valid file", function () {
      const results = checkDepositDataFile(valid, { forkVersion: MAINNET, withdrawalVault: VAULT });
      expect(
        results.map((r) => r.ok),
        "all ok",
      ).to.deep.equal([true, true, true, true]);
      expect(
        results.map((r) => r.pubkey),
        "pubkeys reported",
      ).to.deep.equal(valid.map((e) => e.pubkey));
    });

    it("flags a signature from another deposit (roots made consistent) as InvalidSignature only", function () {
      const forged = { ...valid[1]!, signature: valid[2]!.signature };
      forged.deposit_data_root = depositDataRootHex(forged).slice(2);
      const file = [valid[0], forged, valid[2], valid[3]];
      expectOnlyBad(checkDepositDataFile(file, { forkVersion: MAINNET, withdrawalVault: VAULT }), 1, [
        "InvalidSignature",
      ]);
    });

    it("flags a flipped signature byte as a data-root mismatch and a bad signature", function () {
      const sig = valid[3]!.signature;
      const flipped = sig.slice(0, 100) + (sig[100] === "0" ? "1" : "0") + sig.slice(101);
      const file = [valid[0], valid[1], valid[2], { ...valid[3]!, signature: flipped }];
      expectOnlyBad(checkDepositDataFile(file, { forkVersion: MAINNET }), 3, [
        "DepositDataRootMismatch",
        "InvalidSignature",
      ]);
    });

    it("flags data built for holesky when checked as mainnet", function () {
      const file = [valid[0], entry(7, { forkVersion: NETWORK_FORK_VERSIONS.holesky }), valid[2]];
      const r = expectOnlyBad(checkDepositDataFile(file, { forkVersion: MAINNET }), 1, [
        "ForkVersionMismatch",
        "InvalidSignature",
      ]);
      expect(r.errors[0], "names both versions").to.contain("01017000").and.contain("00000000");
    });

    it("flags holesky data relabelled as mainnet by its signature alone", function () {
      const relabelled = {
        ...entry(7, { forkVersion: NETWORK_FORK_VERSIONS.holesky }),
        fork_version: "00000000",
        network_name: "mainnet",
      };
      expectOnlyBad(checkDepositDataFile([valid[0], relabelled], { forkVersion: MAINNET }), 1, [
        "InvalidSignature",
      ]);
    });

    it("flags bad lengths and bad hex with one InvalidEntry message naming the fields", function () {
      const shortPubkey = { ...valid[1]!, pubkey: valid[1]!.pubkey.slice(0, 94) };
      const notHex = { ...valid[2]!, signature: "zz" + valid[2]!.signature.slice(2) };
      const results = checkDepositDataFile([valid[0], shortPubkey, notHex, "not an object"], {
        forkVersion: MAINNET,
      });
      expect(results[0]!.ok, "valid entry untouched").to.equal(true);
      for (const i of [1, 2, 3]) {
        expect(results[i]!.codes, `entry ${i}`).to.deep.equal(["InvalidEntry"]);
        expect(results[i]!.errors, `entry ${i}: one message`).to.have.length(1);
      }
      expect(results[1]!.errors[0], "length message").to.contain("pubkey must be 48 bytes, got 47");
      expect(results[2]!.errors[0], "hex message").to.contain("signature not hex");
      expect(results[3]!.pubkey, "no pubkey to report").to.equal("");
    });

    it("flags a wrong amount, and accepts it when that amount is expected", function () {
      const file = [valid[0], valid[1], entry(8, { amountGwei: 31e9 })];
      const r = expectOnlyBad(checkDepositDataFile(file, { forkVersion: MAINNET }), 2, ["WrongAmount"]);
      expect(r.errors[0], "amounts in message").to.contain("31000000000").and.contain("32000000000");
      const asExpected = checkDepositDataFile([entry(8, { amountGwei: 31e9 })], {
        forkVersion: MAINNET,
        expectedAmountGwei: 31e9,
      });
      expect(asExpected[0]!.ok, "31 ETH expected").to.equal(true);
    });

    it("flags withdrawal credentials for another vault", function () {
      const file = [valid[0], valid[1], valid[2], entry(9, { vault: OTHER_VAULT })];
      expectOnlyBad(checkDepositDataFile(file, { forkVersion: MAINNET, withdrawalVault: VAULT }), 3, [
        "WrongWithdrawalCredentials",
      ]);
      // Without a vault to compare against, any 0x01 credentials pass.
      expect(
        checkDepositDataFile(file, { forkVersion: MAINNET }).every((r) => r.ok),
        "no vault given",
      ).to.equal(true);
    });

    it("flags a tampered deposit_message_root", function () {
      const tampered = { ...valid[0]!, deposit_message_root: "00".repeat(32) };
      expectOnlyBad(checkDepositDataFile([tampered, valid[1]], { forkVersion: MAINNET }), 0, [
        "DepositMessageRootMismatch",
      ]);
    });

    it("flags only the later copy of a duplicate pubkey", function () {
      const file = [valid[0], valid[1], valid[0], valid[2]];
      const r = expectOnlyBad(
        checkDepositDataFile(file, { forkVersion: MAINNET, withdrawalVault: VAULT }),
        2,
        ["DuplicatePubkey"],
      );
      expect(r.errors[0], "points at the first copy").to.contain("entry 0");
    });

    it("throws a CascadeError with a one-line shortMessage for bad input", function () {
      let caught: unknown;
      try {
        checkDepositDataFile(valid, { forkVersion: "0xzz000000" });
      } catch (e) {
        caught = e;
      }
      expect(caught, "is a CascadeError").to.be.instanceOf(CascadeError);
      expect((caught as CascadeError).shortMessage, "short message").to.equal("forkVersion is not hex");
      expect((caught as CascadeError).details, "details carry the input").to.equal("0xzz000000");
    });

    it("throws InvalidInputError for a non-array file or bad options", function () {
      expect(() => checkDepositDataFile({}, { forkVersion: MAINNET }), "object").to.throw(InvalidInputError);
      expect(() => checkDepositDataFile(valid, { forkVersion: "0x000000" }), "3-byte fork").to.throw(
        InvalidInputError,
        /forkVersion must be 4 bytes/,
      );
      expect(
        () => checkDepositDataFile(valid, { forkVersion: MAINNET, withdrawalVault: "vault" }),
        "vault",
      ).to.throw(InvalidInputError);
    });
  });
});
