/**
 * Differential test: every pure money function through the Solidity harness on the embedded
 * network and through the decimal.js reference model (sdk/src/model), equal to the wei on ≥300
 * seeded random cases each; then PoolModel property tests (Invariant A) and a hand-computed
 * known-answer scenario.
 */
import { expect } from "chai";
import { network } from "hardhat";
import * as M from "../../sdk/src/model/index.js";

const { ethers } = await network.create();

const CASES = 300;
const ETH = 10n ** 18n;

/** splitmix64 over bigint: deterministic, seedable, no floats. */
class Rng {
  #s: bigint;
  constructor(seed: number) {
    this.#s = BigInt(seed) * 0x9e3779b97f4a7c15n;
  }
  next64(): bigint {
    const mask = (1n << 64n) - 1n;
    this.#s = (this.#s + 0x9e3779b97f4a7c15n) & mask;
    let z = this.#s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  }
  /** Uniform-ish in [0, n). */
  below(n: bigint): bigint {
    if (n <= 0n) return 0n;
    return ((this.next64() << 64n) | this.next64()) % n;
  }
  int(n: number): number {
    return Number(this.below(BigInt(n)));
  }
  /** An amount of random bit length up to `maxBits`, with a bias toward edges (0, 1, tiny). */
  amount(maxBits = 128): bigint {
    const pick = this.int(10);
    if (pick === 0) return 0n;
    if (pick === 1) return 1n + this.below(3n);
    return this.below(1n << BigInt(1 + this.int(maxBits)));
  }
  bps(max = 10_000n): bigint {
    return this.int(8) === 0 ? (this.int(2) === 0 ? 0n : max) : this.below(max + 1n);
  }
  navs(k: number): bigint[] {
    return Array.from({ length: k }, () => (this.int(4) === 0 ? 0n : this.amount(100)));
  }
}

const show = (x: object): string =>
  JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const arr = (x: unknown): bigint[] => Array.from(x as Iterable<bigint>);

/** Runs `body` for CASES seeds; the seed is in the failure message. */
async function forSeeds(name: string, body: (rng: Rng) => Promise<void>): Promise<void> {
  for (let seed = 1; seed <= CASES; seed++) {
    try {
      await body(new Rng(seed));
    } catch (e) {
      throw new Error(`${name} failed at seed ${seed}: ${(e as Error).message}`);
    }
  }
}

describe("money math: Solidity libraries == decimal.js model (differential)", function () {
  let h: Awaited<ReturnType<typeof ethers.deployContract>>;

  before(async function () {
    h = await ethers.deployContract("MoneyMath__Harness");
  });

  it("toSharesDown / toAssetsDown / redeemAssetsDown", async function () {
    await forSeeds("shares", async (rng) => {
      const [a, nav, supply, req] = [rng.amount(), rng.amount(), rng.amount(), rng.amount()];
      expect(await h.toSharesDown(a, nav, supply)).to.equal(M.toSharesDown(a, nav, supply));
      expect(await h.toAssetsDown(a, nav, supply)).to.equal(M.toAssetsDown(a, nav, supply));
      expect(await h.redeemAssetsDown(a, req, nav, supply)).to.equal(M.redeemAssetsDown(a, req, nav, supply));
    });
  });

  it("netModuleDelta", async function () {
    await forSeeds("netModuleDelta", async (rng) => {
      const v0 = rng.below(10_000n);
      const args = [
        rng.amount(90),
        rng.amount(90),
        rng.amount(80),
        v0,
        v0 + rng.below(100n),
        rng.amount(70),
      ] as const;
      expect(await h.netModuleDelta(...args)).to.equal(M.netModuleDelta(...args));
    });
  });

  it("rewardsAndFeesDown", async function () {
    await forSeeds("rewardsAndFeesDown", async (rng) => {
      const n = 1 + rng.int(32);
      const treasury = rng.bps(5_000n);
      const deltas = Array.from({ length: n }, () => (rng.int(2) === 0 ? -rng.amount(90) : rng.amount(90)));
      const fees = Array.from({ length: n }, () => rng.bps(5_000n));
      const el = rng.amount(90);
      const [r, mf, tf, net, loss] = await h.rewardsAndFeesDown(deltas, fees, el, treasury);
      const m = M.rewardsAndFeesDown(deltas, fees, el, treasury);
      expect([r, arr(mf), tf, net, loss]).to.deep.equal([
        m.rewards,
        m.moduleFees,
        m.treasuryFee,
        m.rewardsNet,
        m.loss,
      ]);
    });
  });

  it("feeSharesDown", async function () {
    await forSeeds("feeSharesDown", async (rng) => {
      const fees = Array.from({ length: 1 + rng.int(40) }, () => rng.amount(100));
      const [nav0, supply0] = [rng.amount(), rng.amount()];
      const [s, ta, ts] = await h.feeSharesDown(fees, nav0, supply0);
      const m = M.feeSharesDown(fees, nav0, supply0);
      expect([arr(s), ta, ts]).to.deep.equal([m.shares, m.totalAssets, m.totalShares]);
    });
  });

  it("splitByNavDown", async function () {
    await forSeeds("splitByNavDown", async (rng) => {
      const navs = rng.navs(1 + rng.int(8));
      const from = rng.int(navs.length);
      const amount = rng.amount();
      const [parts, ok] = await h.splitByNavDown(amount, navs, from);
      const m = M.splitByNavDown(amount, navs, from);
      expect([arr(parts), ok]).to.deep.equal([m.parts, m.distributed]);
    });
  });

  it("premiumRateBps and premiumsDown", async function () {
    await forSeeds("premiums", async (rng) => {
      const k = 1 + rng.int(8);
      const navs = rng.navs(k);
      const r = Array.from({ length: k }, () => rng.amount(100));
      const base = Array.from({ length: k }, () => rng.bps(65_535n));
      const max = Array.from({ length: k }, () => rng.bps(65_535n));
      const cover = Array.from({ length: k }, () => rng.bps(65_535n));
      const [paid, got] = await h.premiumsDown(r, navs, base, max, cover);
      const m = M.premiumsDown(r, navs, base, max, cover);
      expect([arr(paid), arr(got)]).to.deep.equal([m.paid, m.received]);
      const [nav, junior] = [rng.amount(), 1n + rng.amount()];
      expect(await h.premiumRateBps(nav, junior, base[0], max[0])).to.equal(
        M.premiumRateBps(nav, junior, base[0], max[0]),
      );
    });
  });

  it("serviceRewardDown", async function () {
    await forSeeds("serviceRewardDown", async (rng) => {
      const navs = rng.navs(1 + rng.int(8));
      const [paid, fee, tier] = [rng.amount(), rng.bps(), 1 + rng.int(8)];
      const [parts, t] = await h.serviceRewardDown(paid, fee, navs, tier);
      const m = M.serviceRewardDown(paid, fee, navs, tier);
      expect([arr(parts), t]).to.deep.equal([m.parts, m.toTreasury]);
    });
  });

  it("absorbLossJuniorFirst", async function () {
    await forSeeds("absorbLossJuniorFirst", async (rng) => {
      const navs = rng.navs(1 + rng.int(8));
      const loss = rng.int(3) === 0 ? M.sum(navs) + rng.amount(60) : rng.below(M.sum(navs) + 1n);
      const [after, left] = await h.absorbLossJuniorFirst(navs, loss);
      const copy = [...navs];
      const mLeft = M.absorbLossJuniorFirst(copy, loss);
      expect([arr(after), left]).to.deep.equal([copy, mLeft]);
    });
  });

  it("kappaBps, weight, targets", async function () {
    await forSeeds("allocation weights", async (rng) => {
      const [bond, active] = [rng.amount(90), rng.below(5_000n)];
      expect(await h.kappaBps(bond, active)).to.equal(M.kappaBps(bond, active));
      const args = [
        rng.amount(64),
        rng.bps(),
        rng.bps(),
        rng.bps(65_535n),
        rng.bps(),
        rng.int(5) !== 0,
      ] as const;
      expect(await h.weight(...args)).to.equal(M.weight(...args));
      const n = 1 + rng.int(32);
      const w = Array.from({ length: n }, () => (rng.int(4) === 0 ? 0n : rng.amount(120)));
      const lim = Array.from({ length: n }, () => rng.bps());
      const [totalActive, add] = [rng.below(100_000n), rng.below(1_001n)];
      expect(arr(await h.targets(w, lim, totalActive, add))).to.deep.equal(
        M.targets(w, lim, totalActive, add),
      );
    });
  });

  it("allocate (bisection) == the literal unit-by-unit fill", async function () {
    await forSeeds("allocate", async (rng) => {
      const n = 1 + rng.int(32);
      const w = Array.from({ length: n }, () =>
        rng.int(5) === 0 ? 0n : M.weight(1n + rng.below(100n), rng.bps(), rng.bps(), 10_000n, 0n, true),
      );
      const lim = Array.from({ length: n }, () => 1n + rng.below(10_000n));
      const active = Array.from({ length: n }, () => rng.below(rng.int(2) === 0 ? 10n : 400n));
      const dep = Array.from({ length: n }, () => (rng.int(3) === 0 ? 0n : rng.below(500n)));
      const count = rng.below(1_001n);
      const [alloc, total] = await h.allocate(w, lim, active, dep, count);
      const m = M.allocate(w, lim, active, dep, count);
      expect([arr(alloc), total]).to.deep.equal([m.alloc, m.total]);
    });
  });

  it("reputation update", async function () {
    await forSeeds("reputation", async (rng) => {
      const args = [rng.bps(), rng.bps(), rng.bps(), rng.below(40n), rng.bps()] as const;
      expect(await h.reputationUpdate(...args)).to.equal(M.updateReputation(...args));
    });
  });
});

// ------------------------------------------------------------------------------ PoolModel

const defaultClasses = (): M.ClassParams[] => [
  { basePremiumBps: 1000n, maxPremiumBps: 2000n, minCoverBps: 2500n, redeemDelay: 100n, depositCap: 0n },
  { basePremiumBps: 1000n, maxPremiumBps: 2000n, minCoverBps: 0n, redeemDelay: 100n, depositCap: 0n },
  { basePremiumBps: 0n, maxPremiumBps: 0n, minCoverBps: 0n, redeemDelay: 200n, depositCap: 0n },
];
const defaultParams = (): M.PoolParams => ({
  treasuryFeeBps: 1000n,
  serviceFeeBps: 1000n,
  lambdaBps: 1000n,
  slashPenaltyBps: 500n,
});

function checkInvariants(p: M.PoolModel, where: string): void {
  const navs = M.sum(p.navs());
  const pooled = p.pooled();
  expect(navs <= pooled, `${where}: Σnav ${navs} above pooled ${pooled}`).to.equal(true);
  expect(pooled - navs <= BigInt(p.classes.length), `${where}: dust ${pooled - navs} > K`).to.equal(true);
  p.classes.forEach((c, k) => {
    const held = M.sum([...c.balances.values()]);
    const escrow = M.sum(p.requests.filter((r) => r.classId === k && r.amount === null).map((r) => r.shares));
    expect(held + escrow, `${where}: class ${k} supply`).to.equal(c.supply);
  });
  const owed = M.sum(p.requests.filter((r) => r.amount !== null && !r.claimed).map((r) => r.amount ?? 0n));
  expect(p.reserved, `${where}: reserved == finalized unclaimed`).to.equal(owed);
}

function randomReport(p: M.PoolModel, rng: Rng, timestamp: bigint): M.Report {
  return {
    timestamp,
    elRewards: rng.int(2) === 0 ? 0n : rng.below(ETH / 5n),
    // One entry per tier with rewards pending, in tier order (the registry's per-tier totals).
    serviceRewards: Array.from({ length: p.classes.length - 1 }, (_, i) => ({
      paid: rng.int(2) === 0 ? 0n : rng.below(ETH / 10n),
      tier: i + 1,
    })).filter((x) => x.paid !== 0n),
    modules: p.modules.map((m) => {
      const clValidators = m.clValidators + rng.below(m.deposited - m.clValidators + 1n);
      let clBalance = m.clBalance + (clValidators - m.clValidators) * 32n * ETH;
      const move = rng.int(3);
      if (move === 0) clBalance += rng.below(ETH / 2n);
      if (move === 1) clBalance -= rng.below((clBalance < 3n * ETH ? clBalance : 3n * ETH) + 1n);
      const withdrawn = rng.int(3) === 0 ? rng.below(clBalance / 10n + 1n) : 0n;
      return {
        clValidators,
        clBalance: clBalance - withdrawn,
        withdrawn,
        exited: m.exited,
        bondCharged: rng.int(4) === 0 ? rng.below(2n * ETH) : 0n,
        perfBps: rng.bps(),
        slashedValidators: rng.below(3n),
      };
    }),
  };
}

describe("PoolModel", function () {
  it("Invariant A (Σ nav == pooled within K wei, never above) over random sequences", function () {
    const seen = {
      deposits: 0,
      reports: 0,
      finalized: 0,
      claims: 0,
      lossReports: 0,
      wiped: 0,
      slashes: 0,
      debtRepaid: 0n,
    };
    for (let seed = 1; seed <= 60; seed++) {
      const rng = new Rng(seed);
      const p = new M.PoolModel({
        classes: defaultClasses(),
        modules: [
          { feeBps: 500n, reputation: 10_000n },
          { feeBps: 800n, reputation: 9_000n },
        ],
        params: defaultParams(),
      });
      let t = 0n;
      try {
        for (let step = 0; step < 40; step++) {
          const action = rng.int(7);
          try {
            if (action <= 1) {
              p.deposit(rng.int(3), 1n + rng.below(40n * ETH), `u${rng.int(4)}`);
              seen.deposits++;
            } else if (action === 2) p.depositValidators(rng.int(2), 1n + rng.below(3n));
            else if (action === 3) {
              const k = rng.int(3);
              const holder = `u${rng.int(4)}`;
              const bal = p.balanceOf(k, holder);
              if (bal > 0n) p.requestRedeem(k, 1n + rng.below(bal), holder);
            } else if (action === 4) {
              const open = p.requests.filter((r) => r.amount !== null && !r.claimed);
              if (open.length > 0) {
                p.claim(open[rng.int(open.length)].id);
                seen.claims++;
              }
            } else if (action === 5) {
              if (rng.int(3) === 0) {
                // Half of the slashes first stake the buffer, then exceed what is left, so they
                // leave debt for the next report to repay.
                const big = rng.int(2) === 0;
                if (big && p.buffered >= 32n * ETH) p.depositValidators(rng.int(2), p.buffered / (32n * ETH));
                const x = big ? p.buffered + 1n + rng.below(ETH) : rng.below(2n * ETH);
                const bond = rng.below(ETH / 2n);
                p.serviceSlash(x, bond < x ? bond : x, 1 + rng.int(2));
                seen.slashes++;
              }
            } else {
              t += 50n + rng.below(200n);
              const res = p.applyReport(randomReport(p, rng, t));
              expect(res.unabsorbed, "a feasible report never exceeds the book").to.equal(0n);
              seen.reports++;
              seen.finalized += res.finalized.length;
              seen.wiped += res.wiped.length;
              if (res.loss > 0n) seen.lossReports++;
              seen.debtRepaid += res.debtRepaid;
            }
          } catch (e) {
            if (!(e instanceof M.ModelError)) throw e;
          }
          checkInvariants(p, `step ${step}`);
        }
      } catch (e) {
        throw new Error(`PoolModel sequence failed at seed ${seed}: ${(e as Error).message}`);
      }
    }
    // The sequences must exercise every path, or the invariant proves little.
    expect(seen.deposits, show(seen)).to.be.greaterThan(300);
    expect(seen.reports, show(seen)).to.be.greaterThan(200);
    expect(seen.lossReports, show(seen)).to.be.greaterThan(50);
    expect(seen.finalized, show(seen)).to.be.greaterThan(30);
    expect(seen.claims, show(seen)).to.be.greaterThan(10);
    expect(seen.slashes, show(seen)).to.be.greaterThan(10);
    expect(seen.debtRepaid > 0n, "some slash debt was repaid from buffered").to.equal(true);
  });

  it("a loss that reaches a class with supply wipes it and blocks deposits", function () {
    const p = new M.PoolModel({
      classes: defaultClasses(),
      modules: [{ feeBps: 0n, reputation: 10_000n }],
      params: defaultParams(),
    });
    p.deposit(2, 32n * ETH);
    p.depositValidators(0, 1n);
    p.applyReport({
      timestamp: 1n,
      elRewards: 0n,
      serviceRewards: [],
      modules: [
        {
          clValidators: 1n,
          clBalance: 0n,
          withdrawn: 0n,
          exited: 0n,
          bondCharged: 0n,
          perfBps: 0n,
          slashedValidators: 0n,
        },
      ],
    });
    expect(p.classes[2].wiped, "class C wiped").to.equal(true);
    expect(() => p.deposit(2, ETH), "deposits into a wiped class revert").to.throw(
      M.ModelError,
      "ClassIsWiped",
    );
  });

  it("service rewards: one entry per tier in tier order, the fee floored per tier, the cap in tier order", function () {
    const mk = () => {
      const p = new M.PoolModel({
        classes: defaultClasses(),
        modules: [{ feeBps: 0n, reputation: 10_000n }],
        params: defaultParams(),
      });
      p.deposit(1, 32n * ETH);
      p.deposit(2, 32n * ETH);
      return p;
    };
    const report = (serviceRewards: M.ServiceReward[], maxReward?: bigint): M.Report => ({
      timestamp: 1n,
      elRewards: 0n,
      serviceRewards,
      maxReward,
      modules: [
        {
          clValidators: 0n,
          clBalance: 0n,
          withdrawn: 0n,
          exited: 0n,
          bondCharged: 0n,
          perfBps: 0n,
          slashedValidators: 0n,
        },
      ],
    });
    // Two tier-1 services paying 5 wei each are one 10 wei entry: fee ⌊10 · bps / 10⁴⌋ once.
    const p = mk();
    const fee = (10n * defaultParams().serviceFeeBps) / 10_000n;
    const a0 = p.classes[0].nav;
    p.applyReport(report([{ paid: 10n, tier: 1 }]));
    expect(p.classes[0].nav - a0, "the treasury's fee of the tier total").to.equal(fee);
    // Out of order or repeated tiers are not what the registry hands over.
    for (const bad of [
      [
        { paid: 1n, tier: 2 },
        { paid: 1n, tier: 1 },
      ],
      [
        { paid: 1n, tier: 1 },
        { paid: 1n, tier: 1 },
      ],
    ])
      expect(() => mk().applyReport(report(bad)), "tier order").to.throw(M.ModelError, "ServiceTierOrder");
    // The cap books tier 1 first.
    const q = mk();
    const r = q.applyReport(
      report(
        [
          { paid: 3n * ETH, tier: 1 },
          { paid: 7n * ETH, tier: 2 },
        ],
        4n * ETH,
      ),
    );
    expect(r.serviceBooked, "tier 1 whole, tier 2 what is left").to.deep.equal([3n * ETH, ETH]);
  });

  it("a redemption pays min(value at request, value now) and waits for the class delay", function () {
    const p = new M.PoolModel({
      classes: defaultClasses(),
      modules: [{ feeBps: 0n, reputation: 10_000n }],
      params: defaultParams(),
    });
    p.deposit(2, 4n * ETH, "c");
    p.deposit(1, 10n * ETH, "b");
    const id = p.requestRedeem(1, 5n * ETH, "b");
    expect(p.requests[id].assetsAtRequest, "half of B at request").to.equal(5n * ETH);
    // A 7 ETH slash (no bond) wipes C (4) and takes 3 from B: B = 7 ETH for 10e18 shares.
    expect(p.serviceSlash(7n * ETH, 0n, 1), "C wiped").to.deep.equal([2]);
    const report = (timestamp: bigint): M.Report => ({
      timestamp,
      elRewards: 0n,
      serviceRewards: [],
      modules: [
        {
          clValidators: 0n,
          clBalance: 0n,
          withdrawn: 0n,
          exited: 0n,
          bondCharged: 0n,
          perfBps: 10_000n,
          slashedValidators: 0n,
        },
      ],
    });
    expect(p.applyReport(report(99n)).finalized, "B's delay is 100 s").to.deep.equal([]);
    expect(p.applyReport(report(100n)).finalized, "finalized after the delay").to.deep.equal([id]);
    // now: ⌊(35e36 + 5e18)/(10e18 + 1)⌋ = 3.5e18 exactly (remainder 1.5e18) < 5e18 at request.
    expect(p.requests[id].amount, "the lower, post-slash value").to.equal(3_500_000_000_000_000_000n);
    expect(p.claim(id), "claim pays the finalized amount").to.equal(3_500_000_000_000_000_000n);
    expect(p.reserved, "nothing left reserved").to.equal(0n);
  });

  it("mints each recipient's fee shares once: two modules with one recipient, the treasury's fees together", function () {
    const p = new M.PoolModel({
      classes: defaultClasses(),
      modules: [
        { feeBps: 500n, reputation: 10_000n, feeRecipient: "ops" },
        { feeBps: 500n, reputation: 10_000n, feeRecipient: "ops" },
      ],
      params: defaultParams(),
    });
    p.deposit(2, 10n * ETH);
    p.deposit(1, 30n * ETH);
    p.deposit(0, 60n * ETH);
    p.depositValidators(0, 1n);
    p.depositValidators(1, 1n);
    const mod = (clBalance: bigint): M.ModuleReport => ({
      clValidators: 1n,
      clBalance,
      withdrawn: 0n,
      exited: 0n,
      bondCharged: 0n,
      perfBps: 10_000n,
      slashedValidators: 0n,
    });
    // Report 1: E = 0.3 ETH, treasury fee 0.03 (1 share per wei), Rnet 0.27: A's part 0.162 less
    // its premium 0.162 · 15% = 0.0243. A: nav 60.1677 ETH, supply 60.03e18.
    const milli = (x: bigint): bigint => (x * ETH) / 10_000n;
    p.applyReport({
      timestamp: 100n,
      elRewards: 3_000n * milli(1n),
      serviceRewards: [],
      modules: [mod(32n * ETH), mod(32n * ETH)],
    });
    expect(p.classes[0].nav, "A nav").to.equal(601_677n * milli(1n));
    expect(p.classes[0].supply, "A supply").to.equal(600_300n * milli(1n));
    // Report 2: each module gains 20 wei: module fees 1 wei each (both to "ops"), R = 40 wei,
    // treasury fee 4 wei. Price (60.03e18 + 1) / (60.1677e18 + 1) ≈ 0.9977: one mint of 2 wei
    // gives 1 share (two mints of 1 wei gave 0 + 0), the treasury's 4 wei give 3 shares.
    const r2 = p.applyReport({
      timestamp: 200n,
      elRewards: 0n,
      serviceRewards: [],
      modules: [mod(32n * ETH + 20n), mod(32n * ETH + 20n)],
    });
    expect(r2.feeMints, "one mint per recipient, first appearance order").to.deep.equal([
      { recipient: "ops", assets: 2n, shares: 1n },
      { recipient: M.TREASURY, assets: 4n, shares: 3n },
    ]);
    expect(p.balanceOf(0, "ops"), "the shared recipient's shares").to.equal(1n);
  });

  it("known answer: 3 classes, a reward report with premium, then a 2 ETH loss with 1.5 ETH bond cover", function () {
    // Classes A/B/C: premium base 10% / max 20% for A and B; A needs 25% cover. Treasury fee 10%,
    // module fee 5%, service fee 10%, λ = 10%, slash penalty 5%.
    const p = new M.PoolModel({
      classes: defaultClasses(),
      modules: [{ feeBps: 500n, reputation: 10_000n }],
      params: defaultParams(),
    });
    // Deposits junior first (A's cover rule): empty classes mint 1 share per wei.
    expect(p.deposit(2, 10n * ETH)).to.equal(10n * ETH);
    expect(p.deposit(1, 30n * ETH)).to.equal(30n * ETH);
    expect(p.deposit(0, 60n * ETH)).to.equal(60n * ETH);
    p.depositValidators(0, 3n); // buffered 100 → 4 ETH, transient 96 ETH
    const milli = (x: bigint): bigint => (x * ETH) / 1_000n;
    const e7 = (x: bigint): bigint => (x * ETH) / 10_000_000n; // in units of 1e-7 ETH

    // Report 1: 3 validators active with 96.3 ETH → Δ = 0.3 ETH; E = 0.1 ETH; R = 0.4 ETH.
    // Module fee 5% of 0.3 = 0.015; treasury 10% of 0.4 = 0.04; Rnet = 0.345.
    // Split 60/30/10: r = 0.207 / 0.1035 / 0.0345 (exact, no dust).
    // A: u = 60/40 = 15000 bps → p = min(2000, 1500) = 1500 → pays 0.207·15% = 0.03105,
    //    B gets 3/4 = 0.0232875, C gets 1/4 = 0.0077625.
    // B: u = 30/10 = 30000 bps → p = min(2000, 3000) = 2000 → pays 0.1035·20% = 0.0207 to C.
    // Service (tier 2) pays 0.05: fee 0.005 to the treasury, 0.045 to C.
    // Fees at the pre-report A price (60 ETH / 60e18 shares, +1/+1): 1 share per wei.
    // A = 60 + 0.207 − 0.03105 + 0.015 + 0.04 + 0.005 = 60.23595
    // B = 30 + 0.1035 − 0.0207 + 0.0232875             = 30.1060875
    // C = 10 + 0.0345 + 0.0077625 + 0.0207 + 0.045     = 10.1079625   (Σ = 100.45 = pooled)
    // Reputation: perf 10000 → (10000·9000 + 10000·1000)/10000 = 10000.
    const r1 = p.applyReport({
      timestamp: 100n,
      elRewards: milli(100n),
      serviceRewards: [{ paid: milli(50n), tier: 2 }],
      modules: [
        {
          clValidators: 3n,
          clBalance: milli(96_300n),
          withdrawn: 0n,
          exited: 0n,
          bondCharged: 0n,
          perfBps: 10_000n,
          slashedValidators: 0n,
        },
      ],
    });
    expect(r1.rewardsNet, "Rnet").to.equal(milli(345n));
    expect(r1.premiumsPaid, "premiums paid").to.deep.equal([e7(310_500n), e7(207_000n), 0n]);
    expect(p.navs(), "navs after the reward").to.deep.equal([
      e7(602_359_500n),
      e7(301_060_875n),
      e7(101_079_625n),
    ]);
    expect(p.balanceOf(0, M.moduleFeeRecipient(0)), "module fee shares").to.equal(milli(15n));
    expect(p.balanceOf(0, M.TREASURY), "treasury fee shares (0.04 + 0.005)").to.equal(milli(45n));
    expect(p.pooled(), "pooled").to.equal(milli(100_450n));

    // Report 2: the module loses 2 ETH (96.3 → 94.3), its operator's bond pays 1.5 ETH to the
    // router: Δ' = −0.5 ETH, R = 0, L = 0.5 ETH, all taken from C: 10.1079625 − 0.5 = 9.6079625.
    // Reputation: (10000·9000 + 9000·1000)/10000 = 9900, one slashed validator: ⌊9900·0.95⌋ = 9405.
    const r2 = p.applyReport({
      timestamp: 200n,
      elRewards: 0n,
      serviceRewards: [],
      modules: [
        {
          clValidators: 3n,
          clBalance: milli(94_300n),
          withdrawn: 0n,
          exited: 0n,
          bondCharged: milli(1_500n),
          perfBps: 9_000n,
          slashedValidators: 1n,
        },
      ],
    });
    expect(r2.loss, "net base loss").to.equal(milli(500n));
    expect(p.navs(), "navs after the loss").to.deep.equal([
      e7(602_359_500n),
      e7(301_060_875n),
      e7(96_079_625n),
    ]);
    expect(p.buffered, "4 + 0.1 + 0.05 + 1.5 bond").to.equal(milli(5_650n));
    expect(p.pooled(), "pooled = Σ nav").to.equal(milli(99_950n));
    expect(p.modules[0].reputation, "reputation").to.equal(9_405n);
  });
});
