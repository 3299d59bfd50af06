/** checkKeys: the per-entry (progress) path gives exactly the batch check's results. */
import { expect } from "chai";
import { NETWORK_FORK_VERSIONS, withdrawalCredentialsFor } from "../../sdk/src/beacon/depositData.js";
import { checkKeys } from "../../sdk/src/actions/checkKeys.js";
import { InvalidInputError } from "../../sdk/src/errors.js";
import { depositData, tamper, writeJson } from "./fixtures.js";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("sdk/actions/checkKeys", function () {
  it("progress mode reports the same results as the batch check", function () {
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
    expect(seen, "one call per entry").to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(batch.invalid, "bad entries").to.equal(5);
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
