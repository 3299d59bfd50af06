import { expect } from "chai";
import { Decimal } from "decimal.js";

import { InvalidInputError } from "../../sdk/src/errors.js";
import { analyzeSecurity } from "../../sdk/src/risk/analyze.js";
import { formatAnalysis, formatVerdict, toJson } from "../../sdk/src/risk/format.js";
import { mulberry32, randomGraph } from "../../sdk/src/risk/random.js";
import { minCoverAtLeast } from "../../sdk/src/risk/search.js";
import type { RestakingGraph } from "../../sdk/src/risk/types.js";

const E = 10n ** 18n;
const D40 = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_FLOOR });

function svc(id: string, piEth: bigint, bps: number, operators: string[]) {
  return { id, profitFromCorruption: piEth * E, attackThresholdBps: bps, operators };
}

/** cost/profit of the worst valid attack by brute force over every (A, B): the oracle for the search. */
function bruteForceWorstRatio(g: RestakingGraph): { cost: bigint; profit: bigint } | null {
  const n = g.operators.length;
  let best: { cost: bigint; profit: bigint } | null = null;
  for (let b = 0; b < 1 << n; b++) {
    const inB = new Set(g.operators.filter((_, i) => b & (1 << i)).map((o) => o.id));
    const cost = g.operators.filter((o) => inB.has(o.id)).reduce((a, o) => a + o.stake, 0n);
    const stakeOf = (id: string) => g.operators.find((o) => o.id === id)!.stake;
    // Every service B can corrupt, with the condition written as in the paper: 10⁴·held ≥ α_bps·σ_s.
    let profit = 0n;
    for (const s of g.services) {
      const sigma = s.operators.reduce((a, id) => a + stakeOf(id), 0n);
      const held = s.operators.filter((id) => inB.has(id)).reduce((a, id) => a + stakeOf(id), 0n);
      if (held * 10_000n >= BigInt(s.attackThresholdBps) * sigma) profit += s.profitFromCorruption;
    }
    if (profit === 0n) continue;
    if (best === null || cost * best.profit < best.cost * profit) best = { cost, profit };
  }
  return best;
}

describe("risk/analyzeSecurity", () => {
  /*
   * Secure graph, by hand (ETH):  A = 10, B = 20, C = 30.
   *   s1: π = 8, α = 50%,    N = {A, B, C}: σ = 60, attack stake 30. Cheapest: {C} = 30 (or {A,B}). ratio 30/8 = 3.75
   *   s2: π = 6, α = 33.34%, N = {A, B}:    σ = 30, attack stake ⌈30·0.3334⌉ = 10.002. {A} = 10 falls short,
   *       cheapest {B} = 20. ratio 20/6 = 3.3333…
   * Coalitions (cost → services corrupted → profit): {A}10→∅, {B}20→{s2}6, {C}30→{s1}8, {A,B}30→{s1,s2}14,
   *   {A,C}40→{s1}8, {B,C}50→{s1,s2}14, {A,B,C}60→{s1,s2}14. Worst: {A,B} on {s1,s2}: 30/14 → γ = 16/14 = 8/7.
   * Sufficient: L_A = L_B = 8/30 + 6/10.002 = 0.866546…, L_C = 8/30 → γ_suff = 1/0.866546… − 1 = 0.1540059…
   * Cascade (ψ = 10%): (1 + 7/8)·0.1 = 0.1875.
   */
  const secureGraph: RestakingGraph = {
    operators: [
      { id: "A", stake: 10n * E },
      { id: "B", stake: 20n * E },
      { id: "C", stake: 30n * E },
    ],
    services: [svc("s1", 8n, 5_000, ["A", "B", "C"]), svc("s2", 6n, 3_334, ["A", "B"])],
  };

  it("test_analyzeSecurity_handBuiltSecureGraph_matchesHandNumbers", () => {
    const a = analyzeSecurity(secureGraph);
    const [s1, s2] = a.services;
    expect(s1!.securingStake, "σ_s1").to.equal(60n * E);
    expect(s1!.attackStake, "α·σ_s1").to.equal(30n * E);
    expect(s1!.costOfCorruption, "CoC s1").to.equal(30n * E);
    expect(s1!.cocMethod, "CoC s1 exact").to.equal("exact");
    expect(s1!.ratio.toString(), "ratio s1").to.equal("3.75");
    expect(s2!.securingStake, "σ_s2").to.equal(30n * E);
    expect(s2!.attackStake, "⌈α·σ_s2⌉").to.equal(10_002n * 10n ** 15n);
    expect(s2!.costOfCorruption, "CoC s2").to.equal(20n * E);
    expect(s2!.coalition, "cheapest coalition s2").to.deep.equal(["B"]);
    expect(s2!.ratio.toFixed(4), "ratio s2").to.equal("3.3333");
    expect([s1!.secure, s2!.secure], "each service alone").to.deep.equal([true, true]);

    const n = a.network;
    expect(n.method, "small graph is searched exactly").to.equal("exact");
    expect(n.secure, "secure").to.equal(true);
    expect(n.worstAttack?.operators, "worst coalition").to.deep.equal(["A", "B"]);
    expect(n.worstAttack?.services, "worst service set").to.deep.equal(["s1", "s2"]);
    expect([n.worstAttack?.cost, n.worstAttack?.profit], "worst cost, profit").to.deep.equal([
      30n * E,
      14n * E,
    ]);
    expect(n.gamma.toFixed(12), "γ = 8/7").to.equal("1.142857142857");
    expect(n.sufficientGamma.toFixed(6), "γ_suff").to.equal("0.154005");
    expect(n.maxLoadOperator, "most loaded operator").to.equal("A");
    expect(n.cascade.maxLoss?.toString(), "(1 + 7/8)·10%").to.equal("0.1875");
  });

  /*
   * Two services sharing operators, each secure alone, jointly profitable to attack (ETH):
   *   a = b = c = d = 10.  s1: π = 15, α = 50%, N = {a,b,c}: attack stake 15 → needs two operators, CoC 20 ≥ 15.
   *                        s2: π = 15, α = 50%, N = {b,c,d}: same, CoC 20 ≥ 15.
   *   {b,c} (cost 20) holds 20 of s1 and 20 of s2: corrupts both for 30 > 20. Every other coalition:
   *   {a,b},{a,c} → s1 only 20/15; {b,d},{c,d} → s2 only 20/15; any three → both, 30/30; all four 40/30.
   *   Worst attack: ({s1,s2}, {b,c}), ratio 2/3, γ = −1/3. L_b = L_c = 15/15 + 15/15 = 2 → γ_suff = −1/2.
   */
  const sharedGraph: RestakingGraph = {
    operators: ["a", "b", "c", "d"].map((id) => ({ id, stake: 10n * E })),
    services: [svc("s1", 15n, 5_000, ["a", "b", "c"]), svc("s2", 15n, 5_000, ["b", "c", "d"])],
  };

  it("test_analyzeSecurity_sharedOperators_findsHandDerivedJointAttack", () => {
    const a = analyzeSecurity(sharedGraph);
    expect(
      a.services.map((s) => [s.costOfCorruption, s.secure]),
      "each service alone is secure",
    ).to.deep.equal([
      [20n * E, true],
      [20n * E, true],
    ]);
    const n = a.network;
    expect(n.verdict, "verdict").to.equal("insecure");
    expect(n.secure, "secure").to.equal(false);
    expect(n.worstAttack, "attack found").to.not.equal(null);
    expect(n.worstAttack!.operators, "coalition {b,c}").to.deep.equal(["b", "c"]);
    expect(n.worstAttack!.services, "services {s1,s2}").to.deep.equal(["s1", "s2"]);
    expect(n.worstAttack!.cost, "cost 20 ETH").to.equal(20n * E);
    expect(n.worstAttack!.profit, "profit 30 ETH").to.equal(30n * E);
    expect(n.gamma.toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN).toString(), "γ = −1/3").to.equal(
      "-0.3333333333",
    );
    expect(n.sufficientGamma.toString(), "γ_suff = −1/2").to.equal("-0.5");
    expect(n.cascade.maxLoss, "no cascade guarantee when γ ≤ 0").to.equal(null);
    expect(formatVerdict(a), "verdict line").to.match(/^INSECURE .*\{b, c\}.*\{s1, s2\}/);
  });

  /*
   * γ exactly (ETH): P = 40, Q = 40, R = 20.
   *   x: π = 20, α = 50%, N = {P,Q,R}: attack stake 50.   y: π = 10, α = 50%, N = {Q,R}: attack stake 30.
   *   {Q,R} 60 → x (60 ≥ 50) and y (60 ≥ 30): 60/30 = 2 — the minimum ({P,Q} 80/30, {P,R} 60/20, {Q} 40/10,
   *   {P},{R} corrupt nothing, all 100/30). γ = 2 − 1 = 1; cascade (1 + 1/1)·ψ: ψ = 5% → 10%.
   *   Sufficient: L_P = 20/50 = 0.4, L_Q = L_R = 20/50 + 10/30 = 11/15 → γ_suff = 15/11 − 1 = 4/11.
   */
  it("test_analyzeSecurity_smallGraph_gammaIsExactHandValue", () => {
    const g: RestakingGraph = {
      operators: [
        { id: "P", stake: 40n * E },
        { id: "Q", stake: 40n * E },
        { id: "R", stake: 20n * E },
      ],
      services: [svc("x", 20n, 5_000, ["P", "Q", "R"]), svc("y", 10n, 5_000, ["Q", "R"])],
    };
    const n = analyzeSecurity(g, { psiBps: 500 }).network;
    expect(n.method, "exact").to.equal("exact");
    expect(n.gamma.toString(), "γ = 1").to.equal("1");
    expect(n.worstAttack!.operators, "binding coalition").to.deep.equal(["Q", "R"]);
    expect(n.sufficientGamma.toFixed(12), "γ_suff = 4/11").to.equal("0.363636363636");
    expect(n.cascade.psi.toString(), "ψ").to.equal("0.05");
    expect(n.cascade.maxLoss!.toString(), "(1 + 1/γ)ψ").to.equal("0.1");
  });

  it("test_analyzeSecurity_randomSmallGraphs_sufficientGammaAtMostExactAndSearchMatchesBruteForce", () => {
    const master = Number(process.env.RISK_SEED ?? 20_250_101);
    const rnd = mulberry32(master);
    for (let round = 0; round < 60; round++) {
      const seed = Math.floor(rnd() * 2 ** 31);
      const g = randomGraph(seed, {
        operators: 2 + Math.floor(rnd() * 8),
        services: 1 + Math.floor(rnd() * 4),
        density: 0.3 + rnd() * 0.6,
        maxStakeEth: 50,
        maxProfitEth: 60,
      });
      const n = analyzeSecurity(g).network;
      const where = `(master seed ${master}, graph seed ${seed}, round ${round})`;
      expect(n.method, `exact ${where}`).to.equal("exact");
      expect(n.sufficientGamma.lte(n.gamma), `γ_suff ${n.sufficientGamma} ≤ γ ${n.gamma} ${where}`).to.equal(
        true,
      );
      const oracle = bruteForceWorstRatio(g);
      if (oracle === null) {
        expect(n.gamma.isFinite(), `no profitable attack → γ = ∞ ${where}`).to.equal(false);
        continue;
      }
      // Same 40 significant digits, rounded toward −∞, as the SDK documents.
      const want = new D40((oracle.cost - oracle.profit).toString()).div(oracle.profit.toString());
      expect(n.gamma.toString(), `γ equals brute force ${where}`).to.equal(want.toString());
      expect(
        n.worstAttack!.cost * oracle.profit === oracle.cost * n.worstAttack!.profit,
        `worst attack ratio ${where}`,
      ).to.equal(true);
      expect(n.secure, `secure iff cost ≥ profit for every attack ${where}`).to.equal(
        oracle.cost >= oracle.profit,
      );
    }
  });

  it("test_minCoverAtLeast_randomWeights_matchesBruteForce", () => {
    const rnd = mulberry32(7);
    for (let round = 0; round < 200; round++) {
      const k = 1 + Math.floor(rnd() * 12);
      const w = Array.from({ length: k }, () => BigInt(Math.floor(rnd() * 1_000)));
      const total = w.reduce((a, b) => a + b, 0n);
      const target = BigInt(Math.floor(rnd() * Number(total + 1n)));
      let best = total;
      for (let m = 0; m < 1 << k; m++) {
        const s = w.reduce((a, x, i) => (m & (1 << i) ? a + x : a), 0n);
        if (s >= target && s < best) best = s;
      }
      const r = minCoverAtLeast(w, target);
      const chosenSum = r.chosen.reduce((a, i) => a + w[i]!, 0n);
      expect([r.cost, r.exact], `round ${round}: w=${w} target=${target}`).to.deep.equal([best, true]);
      expect(chosenSum, `round ${round}: chosen subset sums to the cost`).to.equal(r.cost);
    }
  });

  it("test_analyzeSecurity_largeGraph_usesSufficientCondition", () => {
    const g = randomGraph(42, { operators: 1_000, services: 100, density: 0.1 });
    const n = analyzeSecurity(g).network;
    expect(n.method, "1000 × 100 is past the exact limits").to.equal("sufficient");
    expect(n.gamma.eq(n.sufficientGamma), "reported γ is the sufficient bound").to.equal(true);
    expect(n.secure, "secure iff γ_suff ≥ 0").to.equal(n.gamma.gte(0));
    const forced = analyzeSecurity(secureGraph, { method: "sufficient" }).network;
    expect([forced.method, forced.gamma.toFixed(6)], "forced sufficient on a small graph").to.deep.equal([
      "sufficient",
      "0.154005",
    ]);
  });

  it("test_analyzeSecurity_serviceWithoutStake_isFreeToCorrupt", () => {
    const g: RestakingGraph = {
      operators: [{ id: "A", stake: 10n * E }],
      services: [svc("orphan", 1n, 5_000, []), svc("ok", 1n, 5_000, ["A"])],
    };
    const n = analyzeSecurity(g).network;
    expect([n.verdict, n.gamma.toString()], "free attack → γ = −1").to.deep.equal(["insecure", "-1"]);
    expect(n.worstAttack!.operators, "the empty coalition").to.deep.equal([]);
    expect(n.sufficientGamma.toString(), "γ_suff = −1 too").to.equal("-1");
  });

  it("test_toJson_bigintsAndDecimals_areDecimalStrings", () => {
    const a = analyzeSecurity(secureGraph);
    const j = JSON.parse(JSON.stringify(toJson(a)));
    expect(j.totalStake, "total stake").to.equal((60n * E).toString());
    expect(j.services[0].costOfCorruption, "CoC").to.equal((30n * E).toString());
    expect(j.services[0].ratio, "ratio").to.equal("3.75");
    expect(j.network.cascade.maxLoss, "cascade").to.equal("0.1875");
    expect(j.network.worstAttack.operators, "attack").to.deep.equal(["A", "B"]);
    const inf = toJson(analyzeSecurity({ ...secureGraph, services: [svc("free", 0n, 5_000, ["A"])] }));
    expect(inf.network.gamma, "γ = ∞ serialized").to.equal("Infinity");
    expect(formatAnalysis(a), "table lists services").to.include("s1").and.include("SECURE");
  });

  describe("bad input", () => {
    interface RawGraph {
      operators: { id: string; stake: bigint }[];
      services: {
        id: string;
        profitFromCorruption: bigint;
        attackThresholdBps: number;
        operators: string[];
      }[];
    }
    const base = (): RawGraph => structuredClone(secureGraph) as RawGraph;
    const cases: [string, (g: RawGraph) => void, RegExp][] = [
      ["zero threshold", (g) => void (g.services[0]!.attackThresholdBps = 0), /1\.\.10000/],
      ["negative threshold", (g) => void (g.services[0]!.attackThresholdBps = -1), /1\.\.10000/],
      ["threshold above 100%", (g) => void (g.services[0]!.attackThresholdBps = 10_001), /1\.\.10000/],
      ["fractional threshold", (g) => void (g.services[0]!.attackThresholdBps = 50.5), /integer/],
      ["negative stake", (g) => void (g.operators[0]!.stake = -1n), /stake must be ≥ 0/],
      ["negative profit", (g) => void (g.services[0]!.profitFromCorruption = -1n), /profitFromCorruption/],
      ["unknown operator id", (g) => void g.services[1]!.operators.push("Z"), /unknown operator id "Z"/],
      [
        "duplicate operator id",
        (g) => void g.operators.push({ id: "A", stake: 1n }),
        /duplicate operator id "A"/,
      ],
      ["duplicate service id", (g) => void (g.services[1]!.id = "s1"), /duplicate service id "s1"/],
      ["operator twice in a service", (g) => void g.services[1]!.operators.push("A"), /listed twice/],
    ];
    for (const [name, mutate, message] of cases) {
      it(`test_analyzeSecurity_revertsOn_${name.replace(/ /g, "_")}`, () => {
        const g = base();
        mutate(g);
        let caught: unknown;
        try {
          analyzeSecurity(g);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${name}: throws InvalidInputError`).to.be.instanceOf(InvalidInputError);
        expect((caught as InvalidInputError).message, `${name}: clear message`).to.match(message);
        expect((caught as InvalidInputError).shortMessage, `${name}: short message`).to.match(
          /^invalid restaking graph/,
        );
      });
    }
    it("test_analyzeSecurity_revertsOnBadOptions", () => {
      expect(() => analyzeSecurity(secureGraph, { psiBps: 20_000 }), "ψ > 100%").to.throw(InvalidInputError);
      const big = randomGraph(1, { operators: 30, services: 3, density: 1 });
      expect(() => analyzeSecurity(big, { method: "exact" }), "exact refused above 24 operators").to.throw(
        InvalidInputError,
        /exact search refused/,
      );
    });
  });
});
