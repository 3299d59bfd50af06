/**
 * The DESIGN §11 scenario end to end (scripts/demo.ts `runDemo`, 5 frames): the beacon simulator,
 * three oracle members, two guardians and a keeper on the embedded network. Asserts the outcomes
 * the demo narrates: the members agree, the slashing is paid by the operator's bond, the poor
 * performer loses reputation and allocation share, every redemption is claimed, and Invariant A
 * (Σ nav ≤ pooled, within K wei) holds after every frame.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { runDemo, type DemoResult } from "../../scripts/demo.js";

const { ethers, provider } = await network.create();

describe("demo scenario (DESIGN §11)", function () {
  let r: DemoResult;
  let serviceHookCalled = 0;

  before(async function () {
    r = await runDemo(ethers, provider, {
      frames: 5,
      seed: "demo-test",
      hooks: {
        serviceSlashOnClassC: async ({ say }) => {
          serviceHookCalled++;
          say("service slash hook reached");
        },
      },
    });
  });

  it("runs every frame and the oracle members agree on every report hash", function () {
    expect(r.frames.length, "frames reported").to.equal(5);
    expect(r.summary.membersAgreed, "three members built identical reports").to.equal(true);
    const slots = r.frames.map((f) => BigInt(f.refSlot));
    for (let i = 1; i < slots.length; i++)
      expect(slots[i] > slots[i - 1], "refSlot increases").to.equal(true);
  });

  it("keeps Invariant A after every frame: Σ nav ≤ pooled and within K wei", function () {
    const k = BigInt(r.frames[0].classes.length);
    for (const f of r.frames) {
      const pooled = BigInt(f.pooledWei);
      const navSum = BigInt(f.navSumWei);
      expect(navSum <= pooled, `frame ${f.frame}: Σ nav ≤ pooled`).to.equal(true);
      expect(pooled - navSum <= k, `frame ${f.frame}: dust ≤ K wei`).to.equal(true);
    }
  });

  it("charges the slashed validator's loss to its operator's bond", function () {
    expect(r.summary.slashedPubkey, "a validator was slashed").to.match(/^0x[0-9a-f]{96}$/);
    expect(Number(r.summary.bondCharged) > 0.9, "≈1 ETH slashing penalty charged to the bond").to.equal(true);
    const covered = r.frames.flatMap((f) => f.events).find((e) => e.includes("the pool is made whole"));
    expect(covered, "bond cover reported as an event").to.be.a("string");
    expect(
      covered!.match(/charged ([0-9.]+) ETH of a ([0-9.]+) ETH loss/)?.slice(1, 3),
      "fully covered",
    ).to.satisfy((m: string[] | undefined) => m !== undefined && m[0] === m[1]);
  });

  it("lowers the poor performer's reputation and allocation share", function () {
    const p = r.summary.poorPerformer;
    expect(p.repEnd < p.repStart, `reputation ${p.repStart} → ${p.repEnd}`).to.equal(true);
    expect(p.shareEndBps < p.shareStartBps, `target share ${p.shareStartBps} → ${p.shareEndBps}`).to.equal(
      true,
    );
    const curated = r.frames.map((f) => f.modules[0].perfBps);
    expect(Math.min(...curated) < 9000, "the oracle measured the offline operator").to.equal(true);
  });

  it("finalizes and claims every redemption", function () {
    expect(r.summary.redemptions.requested, "three redemption requests").to.equal(3);
    expect(r.summary.redemptions.claimed, "all claimed").to.equal(3);
    expect(Number(r.summary.redemptions.paid) > 0, "ETH paid").to.equal(true);
  });

  it("reaches the service-slash hook (ServiceRegistry pending)", function () {
    expect(serviceHookCalled, "hook called once").to.equal(1);
  });
});
