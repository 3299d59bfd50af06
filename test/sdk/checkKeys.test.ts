/**
 * checkKeys: progress reporting does not change results, and the native (@chainsafe/blst, batch
 * verified) and pure-JavaScript (@noble/curves) BLS paths give identical per-entry results.
 */
import { expect } from "chai";
import { NETWORK_FORK_VERSIONS, withdrawalCredentialsFor } from "../../sdk/src/beacon/depositData.js";
import { checkKeys } from "../../sdk/src/actions/checkKeys.js";
import { InvalidInputError } from "../../sdk/src/errors.js";
import { depositData, tamper, writeJson } from "./fixtures.js";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("sdk/actions/checkKeys", function () {
  it("test_checkKeys_progressSameResults: progress mode reports the same results, ending at the total", function () {
    const good = depositData("ck", 0, 3, withdrawalCredentialsFor(VAULT));
    const holesky = depositData("ck", 5, 1, withdrawalCredentialsFor(VAULT), NETWORK_FORK_VERSIONS.holesky);
    const entries = [
      good[0],
      tamper(good[1]!),
      good[0],
      { pubkey: "0x12" },
      holesky[0],
      good[2],
      tamper(good[1]!),
    ];
    const batch = checkKeys({ entries, withdrawalVault: VAULT });
    const seen: number[] = [];
    const stepwise = checkKeys({
      entries,
      withdrawalVault: VAULT,
      onProgress: (done) => void seen.push(done),
    });
    expect(stepwise.results, "same per-entry results").to.deep.equal(batch.results);
    // One entry ({ pubkey: "0x12" }) is refused before any signature; the 6 others are one batch.
    expect(seen, "refused-early entries first, then each batch of signatures").to.deep.equal([1, 7]);
    expect(batch.invalid, "bad entries").to.equal(5);
  });

  it("test_checkKeys_nativeEqualsNoble: blst batch verification flags exactly what noble flags", function () {
    const good = depositData("ck-native", 0, 4, withdrawalCredentialsFor(VAULT));
    const other = depositData("ck-native", 9, 1, withdrawalCredentialsFor(VAULT))[0]!;
    // A valid signature of another key: every root matches, only the pairing check fails.
    const swapped = { ...good[2]!, signature: other.signature };
    const notOnCurve = { ...good[3]!, pubkey: "ff".repeat(48) };
    const entries = [good[0], swapped, good[1], tamper(good[2]!), notOnCurve, good[3]];
    const native = checkKeys({ entries, withdrawalVault: VAULT, bls: "native" });
    const noble = checkKeys({ entries, withdrawalVault: VAULT, bls: "noble" });
    expect(
      native.results.map((r) => r.codes),
      "same issue codes per entry",
    ).to.deep.equal(noble.results.map((r) => r.codes));
    expect(native.results[1]!.codes, "only the pairing fails for a swapped signature").to.include(
      "InvalidSignature",
    );
    expect(native.results[4]!.codes, "a pubkey off the curve").to.include("InvalidPubkey");
    expect(
      native.results.filter((r) => r.ok).map((r) => r.index),
      "the valid entries pass",
    ).to.deep.equal([0, 2, 5]);
  });

  it("refuses bad options before reading anything", function () {
    expect(() => checkKeys({ entries: [], network: "mainnet", forkVersion: "0x00000000" })).to.throw(
      InvalidInputError,
      /network or forkVersion, not both/,
    );
    expect(() => checkKeys({})).to.throw(InvalidInputError, /exactly one of file, entries/);
    expect(() => checkKeys({ file: writeJson("ck-empty.json", []) })).to.throw(
      InvalidInputError,
      /no deposit-data entries/,
    );
  });
});
