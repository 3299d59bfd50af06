/**
 * Short soak profile for CI (the deep one is `npx tsx scripts/soak.ts --frames 200`): the
 * simulator, three members, two guardians and a keeper as separate processes, a fault in every
 * frame drawn from the fault list, Invariant A after every frame.
 */
import { expect } from "chai";
import { renderSoak, runSoak } from "../../scripts/soak.js";

describe("soak (short profile)", function () {
  this.timeout(600_000);

  it("test_soak_faultEveryFrame_reportsEveryFrameKeepsInvariantA", async function () {
    const frames = Number(process.env.SOAK_FRAMES ?? 4);
    const r = await runSoak({ frames, seed: Number(process.env.SOAK_SEED ?? 7), faultRate: 1 });
    console.log(renderSoak(r).replace(/^/gm, "      "));
    expect(r.invariantAViolations, "Invariant A every frame").to.equal(0);
    expect(r.doubleReports, "no refSlot applied twice").to.equal(0);
    expect(r.doubleVotes, "no member voted the same hash twice").to.equal(0);
    expect(r.missed, "every frame reported within its frame despite the fault").to.equal(0);
    expect(r.reported, "every frame reported").to.equal(frames);
    expect(
      Object.values(r.faults).reduce((s, n) => s + n, 0),
      "a fault in every frame",
    ).to.equal(frames);
  });
});
