/**
 * Guards the gas optimisation made for `npm run bench` in ServiceRegistry (all tiers' exposure
 * in one pass instead of one pass and one NAV read per tier): the allocation check reverts
 * with exactly the per-tier figures of DESIGN §8, and a report whose loss breaks the limit at
 * two tiers scales each service once, by the smallest available/needed ratio over the tiers
 * t ≤ its tier (review finding 6: one pass, no rescan per tier). Expected values come from an
 * independent TypeScript computation of the rule, not from the contract.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const key = (moduleId: number, operatorId: number) => (BigInt(moduleId) << 32n) | BigInt(operatorId);
const BPS = 10_000n;

describe("bench guard: exposure limit per tier (DESIGN §8)", function () {
  it("reverts with the tier's figures and scales tier by tier after a loss", async function () {
    const { sys, signers, moduleReport } = await stakedSystem(ethers);
    const [, m1, m2, m3, , , opCurated, opBonded, , , , , , slasher, recipient] = signers;
    const reg = sys.registry;
    const service = (tier: number) => ({
      tier,
      maxSlashBps: 10_000,
      slashingWindow: 300,
      vetoWindow: 300,
      minOperators: 2,
      maxOperatorShareBps: 8000,
      slasher: slasher.address,
      recipient: recipient.address,
    });
    await (await reg.registerService(service(1))).wait();
    await (await reg.registerService(service(2))).wait();
    for (const id of [0, 1]) {
      await (await reg.setServiceStatus(id, 2)).wait();
      await (await reg.connect(opCurated).optIn(id, 0, 0)).wait();
      await (await reg.connect(opBonded).optIn(id, 1, 0)).wait();
    }
    const ops = [key(0, 0), key(1, 0)];
    const cover = BigInt(await reg.coverFactorBps());
    const tiers = [1n, 2n];
    const maxTier = Number(await sys.book.classCount());

    async function expected(allocs: bigint[]) {
      const navs: bigint[] = [...(await sys.book.navs())];
      const out: { needed: bigint; available: bigint }[] = [];
      for (let t = 1; t < maxTier; t++) {
        let needed = 0n;
        allocs.forEach((a, s) => {
          if (tiers[s] >= BigInt(t)) needed += (a * 10_000n) / BPS;
        });
        const junior = navs.slice(t).reduce((a, b) => a + b, 0n);
        out.push({ needed, available: (junior * cover) / BPS });
      }
      return out;
    }

    // C's NAV is 60 ETH: a tier-2 allocation of 70 ETH (100% slashable) needs more.
    const [e1] = await expected([0n, 70n * ETH]);
    const e2 = (await expected([0n, 70n * ETH]))[1];
    expect(e1.needed <= e1.available, "tier 1 fits").to.equal(true);
    await expect(reg.setAllocation(1, 70n * ETH, ops))
      .to.be.revertedWithCustomError(reg, "ExposureLimitExceeded")
      .withArgs(2, e2.needed, e2.available);
    for (let t = 1; t < maxTier; t++) {
      const [n, a] = await reg.exposure(t);
      expect(n, `view needed ${t}`).to.equal(0n);
      expect(a, `view available ${t}`).to.equal((await expected([0n, 0n]))[t - 1].available);
    }

    // Within the limit at both tiers: 52 ETH tier 1, 55 ETH tier 2 (B + C = 120, C = 60).
    await (await reg.setAllocation(0, 52n * ETH, ops)).wait();
    await (await reg.setAllocation(1, 55n * ETH, ops)).wait();
    for (let t = 1; t < maxTier; t++) {
      const [n, a] = await reg.exposure(t);
      const e = (await expected([52n * ETH, 55n * ETH]))[t - 1];
      expect([n, a], `exposure(${t})`).to.deep.equal([e.needed, e.available]);
    }

    // A 14 ETH loss (within the 5% drop limit) takes C to 46 and B + C to 106: both tiers break.
    const stakes: bigint[][] = [];
    for (const s of [0, 1]) stakes.push([...(await reg.allocationOf(s))[1]]);
    await provider.send("evm_increaseTime", [24 * 3600]);
    await runOracleRound(sys, [m1, m2, m3], provider, {
      elRewards: 0n,
      modules: [moduleReport(0, -14n * ETH), moduleReport(1, 0n)],
    });

    // The rule on the post-loss NAVs (scaling leaves NAVs alone): a service of tier τ is scaled
    // once, by the smallest available/needed over the broken tiers t ≤ τ.
    const alloc = stakes.map((st) => st.reduce((a, b) => a + b, 0n));
    const before = await expected(alloc);
    for (const s of [0, 1]) {
      let ratio: [bigint, bigint] = [1n, 1n];
      for (let t = 1; t <= Number(tiers[s]); t++) {
        const { needed, available } = before[t - 1];
        if (needed > available && available * ratio[1] < ratio[0] * needed) ratio = [available, needed];
      }
      if (ratio[0] === ratio[1]) continue;
      stakes[s] = stakes[s].map((x) => (x * ratio[0]) / ratio[1]);
      alloc[s] = stakes[s].reduce((a, b) => a + b, 0n);
    }
    expect(alloc[0] < 52n * ETH && alloc[1] < 55n * ETH, "both scaled").to.equal(true);
    for (const s of [0, 1]) {
      expect((await reg.getService(s)).allocation, `allocation ${s}`).to.equal(alloc[s]);
      expect([...(await reg.allocationOf(s))[1]], `stakes ${s}`).to.deep.equal(stakes[s]);
    }
    // Allocations are within the limit at once; the removed stake stays slashable (counted in
    // exposure) until the slashing window has passed, then everything is.
    for (const [t, e] of (await expected(alloc)).entries())
      expect(e.needed <= e.available, `allocations within the limit at tier ${t + 1}`).to.equal(true);
    await provider.send("evm_increaseTime", [300]);
    await provider.send("evm_mine", []);
    for (let t = 1; t < maxTier; t++) {
      const [n, a] = await reg.exposure(t);
      expect(n <= a, `limit restored at tier ${t}`).to.equal(true);
    }
  });
});
