/**
 * Upgrade safety by the ecosystem's tool: @openzeppelin/upgrades-core validates every
 * upgradeable contract (unsafe constructors, immutables, selfdestruct/delegatecall,
 * initializers) and compares each storage layout, ERC-7201 namespaces included, with the
 * previous version's (docs/upgrade-layouts.json). See scripts/upgrade-safety.ts and
 * docs/security.md §4 for the allowed, annotated exceptions.
 */
import { expect } from "chai";
import { analyze, compare, readReference, type Analysis } from "../../scripts/upgrade-safety.js";

describe("security: upgrade safety (@openzeppelin/upgrades-core)", function () {
  let a: Analysis;

  before(function () {
    this.timeout(900_000);
    a = analyze();
  });

  it("test_upgradeSafety_everyUpgradeableContractValidatesAndExtendsThePreviousLayout", function () {
    const r = compare(a, readReference());
    const names = r.contracts.map((c) => c.contract);
    console.log(`      upgrades-core report (layouts vs docs/upgrade-layouts.json):`);
    for (const c of r.contracts)
      console.log(
        `        ${c.errors.length || c.layout ? "FAIL" : "ok  "} ${c.contract.padEnd(16)} ${c.slots} storage entries${c.errors.length ? "; " + c.errors.join("; ") : ""}${c.layout ? "\n" + c.layout : ""}`,
      );
    for (const n of [
      "Accounting",
      "BondedModule",
      "CuratedModule",
      "DepositSecurity",
      "ExitManager",
      "ReportOracle",
      "ServiceRegistry",
      "StakingRouter",
      "CascadePool",
    ])
      expect(names, `${n} is checked`).to.include(n);
    for (const c of r.contracts) {
      expect(c.errors, `${c.contract}: no unsafe code`).to.deep.equal([]);
      expect(c.layout, `${c.contract}: layout compatible with the previous version`).to.equal("");
      expect(c.slots > 0, `${c.contract}: storage entries compared`).to.equal(true);
    }
    expect(r.ok, "report ok").to.equal(true);
  });

  it("test_upgradeSafety_rejectsAReorderedNamespace", function () {
    // Swap the two fields of the pool's hot slot in the reference: the tool must see the current
    // layout as an unsafe upgrade of it.
    const ref = structuredClone(readReference());
    const ns = Object.values(ref.CascadePool.namespaces ?? {})[0];
    expect(ns && ns.length >= 2, "the pool has a namespace with fields").to.equal(true);
    [ns[0].label, ns[1].label] = [ns[1].label, ns[0].label];
    const r = compare(a, ref);
    const q = r.contracts.find((c) => c.contract === "CascadePool")!;
    expect(q.layout, "reordering reported").to.not.equal("");
    expect(r.ok, "report fails").to.equal(false);
  });
});
