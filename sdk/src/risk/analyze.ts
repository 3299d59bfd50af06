import { Decimal } from "decimal.js";

import { InvalidInputError } from "../errors.js";
import { minCoverAtLeast, searchWorstAttack, type IndexedService } from "./search.js";
import type {
  AnalysisMethod,
  AnalyzeOptions,
  Attack,
  NetworkSecurity,
  RestakingGraph,
  SecurityAnalysis,
  ServiceSecurity,
} from "./types.js";
import { BPS, parseGraph, parseOptions } from "./validate.js";

/**
 * 40 significant digits, far below a wei at any realistic stake. Rounding is toward −∞ for
 * what must not be overstated (ratios, γ) and toward +∞ for what must not be understated
 * (operator load, cascade loss) — floor/ceil rather than down/up because γ can be negative.
 */
const Down = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_FLOOR });
const Up = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_CEIL });

const DEFAULT_PSI_BPS = 1_000;
/** Above this many operators a single service's CoC is reported as the lower bound ⌈α_s σ_s⌉. */
const MAX_EXACT_COC_OPERATORS = 24;

/** ⌈bps · x / 10⁴⌉: the least integer stake reaching α·x (the attack condition is ≥). */
function mulBpsUp(x: bigint, bps: number): bigint {
  const p = x * BigInt(bps);
  return (p + BigInt(BPS) - 1n) / BigInt(BPS);
}

/** a/b rounded toward −∞; Infinity for b = 0. */
function ratioDown(a: bigint, b: bigint): Decimal {
  return b === 0n ? new Down(Infinity) : new Down(a.toString()).div(b.toString());
}

/**
 * Security analysis of a restaking network in the model of Durvasula & Roughgarden,
 * "Robust Restaking Networks" (ITCS 2025, arXiv 2407.21785).
 *
 * Operators v stake σ_v; service s has profit from corruption π_s, threshold α_s and
 * securing stake σ_s = Σ_{v∈N(s)} σ_v. An attack (A, B) is valid when for every s ∈ A the
 * coalition holds Σ_{v∈B∩N(s)} σ_v ≥ α_s·σ_s. The network is secure when every valid attack
 * has Σ_{v∈B} σ_v ≥ Σ_{s∈A} π_s, γ-overcollateralized when Σ_{v∈B} σ_v ≥ (1+γ)·Σ_{s∈A} π_s;
 * then a sudden loss of a fraction ψ of all stake ends, after any cascade of attacks,
 * in a total loss strictly below (1 + 1/γ)·ψ of all stake (the paper's global bound, tight).
 *
 * Two network checks:
 * - **exact** (graph reduced to services with π_s > 0 and the operators serving them has
 *   ≤ 20 operators × 10 services by default): `searchWorstAttack` enumerates every coalition,
 *   so γ = min over valid attacks of cost/profit − 1 and the worst attack is reported.
 * - **sufficient** (always computed; the verdict for large graphs): per operator
 *   L_v = Σ_{s∈N(v)} π_s / (α_s σ_s). For any valid (A, B),
 *   Σ_{s∈A} π_s ≤ Σ_{s∈A} π_s·held_s(B)/(α_s σ_s) = Σ_{v∈B} σ_v Σ_{s∈A∩N(v)} π_s/(α_s σ_s) ≤ σ(B)·max_v L_v,
 *   so γ_suff = 1/max_v L_v − 1 holds (L_v ≤ 1/(1+γ) for all v). It is a lower bound on the
 *   exact γ; L is rounded up and γ down so the bound stays safe.
 *
 * Per service, the cost of corruption is the least stake of a coalition of its own
 * operators holding ⌈α_s σ_s⌉ (exact branch and bound up to 24 operators, else that lower bound).
 *
 * @example
 * const a = analyzeSecurity({
 *   operators: [{ id: "op1", stake: 10n ** 19n }, { id: "op2", stake: 10n ** 19n }],
 *   services: [{ id: "oracle", profitFromCorruption: 5n * 10n ** 18n, attackThresholdBps: 5_000, operators: ["op1", "op2"] }],
 * });
 * a.network.secure; // true: corrupting "oracle" takes 10 ETH of stake for 5 ETH of profit, γ = 1
 *
 * @throws InvalidInputError on a malformed graph (thresholds outside 1..10000, negative
 * amounts, unknown or duplicate ids) or options.
 */
export function analyzeSecurity(graph: RestakingGraph, opts: AnalyzeOptions = {}): SecurityAnalysis {
  const g = parseGraph(graph);
  const o = parseOptions(opts);
  const psi = new Up(o.psiBps ?? DEFAULT_PSI_BPS).div(BPS);
  const maxOps = o.maxExactOperators ?? 20;
  const maxSvcs = o.maxExactServices ?? 10;

  const opIndex = new Map(g.operators.map((op, i) => [op.id, i]));
  const stakes = g.operators.map((op) => op.stake);
  const totalStake = stakes.reduce((a, b) => a + b, 0n);

  const indexed: IndexedService[] = g.services.map((s, index) => {
    const ops = s.operators.map((id) => opIndex.get(id)!);
    const sigma = ops.reduce((a, v) => a + stakes[v]!, 0n);
    return {
      index,
      profit: s.profitFromCorruption,
      attackStake: mulBpsUp(sigma, s.attackThresholdBps),
      operators: ops,
    };
  });

  const services = g.services.map((s, j): ServiceSecurity => {
    const svc = indexed[j]!;
    const weights = svc.operators.map((v) => stakes[v]!);
    const securingStake = weights.reduce((a, b) => a + b, 0n);
    const cover = minCoverAtLeast(
      weights,
      svc.attackStake,
      weights.length <= MAX_EXACT_COC_OPERATORS ? undefined : 0,
    );
    const exact = cover.exact;
    const coc = exact ? cover.cost : svc.attackStake;
    const pi = s.profitFromCorruption;
    let secure: boolean | null;
    if (coc >= pi) secure = true;
    else if (exact || cover.cost < pi) secure = false;
    else secure = null;
    return {
      id: s.id,
      securingStake,
      attackStake: svc.attackStake,
      costOfCorruption: coc,
      cocMethod: exact ? "exact" : "lowerBound",
      coalition: cover.chosen.map((i) => g.operators[svc.operators[i]!]!.id),
      coalitionCost: cover.cost,
      profitFromCorruption: pi,
      ratio: ratioDown(coc, pi),
      secure,
    };
  });

  // ---- sufficient condition: max_v Σ_{s∈N(v)} π_s·10⁴ / (α_bps·σ_s), rounded up ----
  let freeAttack = false; // some π_s > 0 service has σ_s = 0: corruptible at no cost
  const load: Decimal[] = g.operators.map(() => new Up(0));
  g.services.forEach((s, j) => {
    const pi = s.profitFromCorruption;
    if (pi === 0n) return;
    const sigma = services[j]!.securingStake;
    if (sigma === 0n) {
      freeAttack = true;
      return;
    }
    const q = new Up((pi * BigInt(BPS)).toString()).div((BigInt(s.attackThresholdBps) * sigma).toString());
    for (const v of indexed[j]!.operators) if (stakes[v]! > 0n) load[v] = load[v]!.plus(q);
  });
  let maxLoad = new Up(0);
  let maxLoadOperator: string | undefined;
  load.forEach((l, v) => {
    if (l.gt(maxLoad)) {
      maxLoad = l;
      maxLoadOperator = g.operators[v]!.id;
    }
  });
  const sufficientGamma = freeAttack
    ? new Down(-1)
    : maxLoad.isZero()
      ? new Down(Infinity)
      : new Down(1).div(maxLoad.toString()).minus(1);

  // ---- exact search on the reduced graph ----
  const profitable = indexed.filter((s) => s.profit > 0n);
  const used = [...new Set(profitable.flatMap((s) => s.operators))].sort((a, b) => a - b);
  const fits = used.length <= maxOps && profitable.length <= maxSvcs;
  let method: AnalysisMethod;
  if (o.method === "exact") {
    if (used.length > 24 || profitable.length > 16)
      throw new InvalidInputError(
        `exact search refused: ${used.length} operators × ${profitable.length} services exceeds 24 × 16`,
      );
    method = "exact";
  } else method = o.method === "sufficient" || !fits ? "sufficient" : "exact";

  let gamma: Decimal;
  let worstAttack: Attack | null = null;
  let searched: NetworkSecurity["searched"];
  let verdict: NetworkSecurity["verdict"];
  if (method === "exact") {
    const local = new Map(used.map((v, i) => [v, i]));
    const reduced = profitable.map((s) => ({ ...s, operators: s.operators.map((v) => local.get(v)!) }));
    const r = searchWorstAttack(
      used.map((v) => stakes[v]!),
      reduced,
    );
    searched = { operators: used.length, services: profitable.length, coalitions: r.coalitions };
    if (r.worst === null) gamma = new Down(Infinity);
    else {
      const w = r.worst;
      gamma = new Down((w.cost - w.profit).toString()).div(w.profit.toString());
      worstAttack = {
        services: w.services.map((j) => g.services[j]!.id),
        operators: w.operators.map((i) => g.operators[used[i]!]!.id),
        cost: w.cost,
        profit: w.profit,
        ratio: ratioDown(w.cost, w.profit),
        exact: true,
      };
    }
    verdict = gamma.gte(0) ? "secure" : "insecure";
  } else {
    gamma = sufficientGamma;
    // A single-service coalition cheaper than its profit proves the network insecure.
    let witness: ServiceSecurity | undefined;
    for (const s of services) {
      if (s.profitFromCorruption === 0n || s.coalitionCost >= s.profitFromCorruption) continue;
      if (
        witness === undefined ||
        s.coalitionCost * witness.profitFromCorruption < witness.coalitionCost * s.profitFromCorruption
      )
        witness = s;
    }
    if (witness) {
      worstAttack = {
        services: [witness.id],
        operators: witness.coalition,
        cost: witness.coalitionCost,
        profit: witness.profitFromCorruption,
        ratio: ratioDown(witness.coalitionCost, witness.profitFromCorruption),
        exact: false,
      };
    }
    verdict = gamma.gte(0) ? "secure" : witness || freeAttack ? "insecure" : "unproven";
  }

  // Cascade (1 + 1/γ)·ψ, from the unrounded inputs so a rounded γ does not leak into it:
  // exact γ = (c − p)/p gives 1 + 1/γ = c/(c − p); sufficient γ = 1/L − 1 gives 1/(1 − L).
  let maxLoss: Decimal | null = null;
  if (gamma.gt(0)) {
    let bound: Decimal;
    if (!gamma.isFinite()) bound = psi;
    else if (method === "exact") {
      const w = worstAttack!;
      bound = psi.times(w.cost.toString()).div((w.cost - w.profit).toString());
    } else bound = psi.div(new Up(1).minus(maxLoad));
    maxLoss = bound.gt(1) ? new Up(1) : bound;
  }

  return {
    totalStake,
    services,
    network: {
      method,
      secure: verdict === "secure",
      verdict,
      gamma,
      sufficientGamma,
      maxOperatorLoad: maxLoad,
      ...(maxLoadOperator === undefined ? {} : { maxLoadOperator }),
      worstAttack,
      ...(searched ? { searched } : {}),
      cascade: { psi, maxLoss },
    },
  };
}
