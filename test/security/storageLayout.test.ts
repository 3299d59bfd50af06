/**
 * Storage-layout safety of the upgradeable contracts (issue 9): every ERC-7201 namespace
 * struct compiled now matches the committed baseline docs/storage-layout.json (append-only),
 * every STORAGE_SLOT constant is the ERC-7201 slot of its namespace id, and the comparison
 * itself catches a changed, removed or reordered field while accepting an append.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { BASELINE, collectLayouts, compareLayouts, type Layouts } from "../../scripts/storage-layout.js";

/** keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff)) */
function erc7201(id: string): string {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  const outer = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return "0x" + (outer & ~0xffn).toString(16).padStart(64, "0");
}

describe("security: storage layout", function () {
  let current: Layouts;
  const baseline: Layouts = JSON.parse(readFileSync(BASELINE, "utf8"));

  before(function () {
    this.timeout(300_000);
    current = collectLayouts();
  });

  it("every namespace is append-only against docs/storage-layout.json", function () {
    expect(Object.keys(current).length, "namespaces found").to.be.greaterThanOrEqual(9);
    const problems = compareLayouts(baseline, current);
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("every STORAGE_SLOT constant is the ERC-7201 slot of its namespace id", function () {
    for (const ns of Object.values(current)) {
      const text = readFileSync(new URL(`../../${ns.source}`, import.meta.url), "utf8");
      const m = text.match(/bytes32\s+private\s+constant\s+STORAGE_SLOT\s*=\s*(0x[0-9a-fA-F]{64})/);
      expect(m, `${ns.source}: STORAGE_SLOT`).to.not.equal(null);
      expect(m![1].toLowerCase(), `${ns.id}: slot`).to.equal(erc7201(ns.id));
    }
  });

  it("flags changed, removed and reordered fields and array-element growth; accepts appends", function () {
    const acc = "cascade.storage.Accounting";
    const mutate = (f: (l: Layouts) => void): string[] => {
      const copy: Layouts = JSON.parse(JSON.stringify(baseline));
      f(copy);
      return compareLayouts(baseline, copy);
    };
    expect(
      mutate(() => {}),
      "identical",
    ).to.deep.equal([]);
    expect(
      mutate((l) => l[acc].fields.push({ label: "extra", type: "uint256", slot: "99", offset: 0 })),
      "append",
    ).to.deep.equal([]);
    expect(mutate((l) => (l[acc].fields[1].type = "address")).join(), "type changed").to.match(/changed/);
    expect(mutate((l) => l[acc].fields.pop()).join(), "removed").to.match(/removed/);
    expect(
      mutate((l) => {
        const f = l[acc].fields;
        [f[0].label, f[1].label] = [f[1].label, f[0].label];
      }).join(),
      "reordered",
    ).to.match(/reordered/);
    expect(mutate((l) => delete l[acc]).join(), "namespace removed").to.match(/namespace removed/);
    // The router's modules are a dynamic array of structs: growing that struct would shift every
    // later module (the pool keeps its requests in mappings, so it has no array element).
    const q = "cascade.storage.StakingRouter";
    const element = Object.entries(baseline[q].structs).find(([, s]) => s.inArray);
    expect(element, "the router's modules are array elements").to.not.equal(undefined);
    expect(
      mutate((l) => {
        const s = l[q].structs[element![0]];
        s.fields.push({ label: "extra", type: "uint256", slot: "9", offset: 0 });
        s.numberOfBytes = String(Number(s.numberOfBytes) + 32);
      }).join(),
      "array element grew",
    ).to.match(/array element size/);
  });
});
