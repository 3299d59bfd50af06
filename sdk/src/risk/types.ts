import type { Decimal } from "decimal.js";

/** A node operator (validator set) whose whole stake backs every service it opted into. */
export interface Operator {
  id: string;
  /** σ_v in wei. */
  stake: bigint;
}

/** A restaked service (AVS). */
export interface Service {
  id: string;
  /** π_s in wei: what an attacker gains by corrupting this service. */
  profitFromCorruption: bigint;
  /** α_s in basis points, 1..10_000: share of σ_s a coalition must hold to corrupt the service. */
  attackThresholdBps: number;
  /** N(s): ids of the operators restaked to this service. */
  operators: readonly string[];
}

/** The bipartite operator–service graph of Durvasula & Roughgarden. */
export interface RestakingGraph {
  operators: readonly Operator[];
  services: readonly Service[];
}

export type AnalysisMethod = "exact" | "sufficient";

export interface AnalyzeOptions {
  /** Initial stake shock ψ in bps of total stake for the cascade bound. Default 1_000 (10%). */
  psiBps?: number;
  /**
   * "auto" (default): exact when the reduced graph has ≤ `maxExactOperators` operators and
   * ≤ `maxExactServices` services, else the sufficient condition. "exact" forces the search
   * (refused above 24 operators / 16 services); "sufficient" never searches.
   */
  method?: "auto" | AnalysisMethod;
  /** Default 20. */
  maxExactOperators?: number;
  /** Default 10. */
  maxExactServices?: number;
}

/** Per-service figures. */
export interface ServiceSecurity {
  id: string;
  /** σ_s = Σ_{v∈N(s)} σ_v. */
  securingStake: bigint;
  /** ⌈α_s · σ_s⌉ in wei: the least stake of s a coalition must hold. */
  attackStake: bigint;
  /**
   * Cost of corruption: the least total stake of a coalition of s's operators that reaches
   * `attackStake` (exact), or `attackStake` itself when the search was too large (a lower bound).
   */
  costOfCorruption: bigint;
  cocMethod: "exact" | "lowerBound";
  /** The cheapest coalition found (exact), or a greedy witness (an upper bound) otherwise. */
  coalition: string[];
  /** Total stake of `coalition`. */
  coalitionCost: bigint;
  profitFromCorruption: bigint;
  /** costOfCorruption / π_s rounded down; Infinity when π_s = 0. */
  ratio: Decimal;
  /** CoC ≥ π_s; null when only a lower bound is known and it does not decide. */
  secure: boolean | null;
}

/** An attack (A, B): coalition B holds ≥ α_s σ_s of every s ∈ A. */
export interface Attack {
  services: string[];
  operators: string[];
  /** Σ_{v∈B} σ_v. */
  cost: bigint;
  /** Σ_{s∈A} π_s. */
  profit: bigint;
  /** cost / profit rounded down. */
  ratio: Decimal;
  /** True when found by the exhaustive search (it is the worst attack of the network). */
  exact: boolean;
}

export interface NetworkSecurity {
  method: AnalysisMethod;
  /** Proven secure: no valid attack with cost < profit (exact), or γ_sufficient ≥ 0. */
  secure: boolean;
  verdict: "secure" | "insecure" | "unproven";
  /**
   * Largest γ such that every valid attack has cost ≥ (1+γ)·profit, rounded down.
   * Exact method: min over attacks of cost/profit − 1. Sufficient method: 1/max_v L_v − 1, a lower bound.
   * Infinity when no attack has positive profit; −1 when some service can be corrupted for free.
   */
  gamma: Decimal;
  /** Per-operator sufficient bound, always computed (≤ the exact γ). */
  sufficientGamma: Decimal;
  /** max_v Σ_{s∈N(v)} π_s/(α_s σ_s), rounded up: the operator load behind `sufficientGamma`. */
  maxOperatorLoad: Decimal;
  /** Operator with the highest load (undefined when no operator carries profit). */
  maxLoadOperator?: string;
  /** Exact: the attack minimizing cost/profit. Sufficient: a profitable single-service witness, if any. */
  worstAttack: Attack | null;
  /** Operators and services the exact search enumerated (after dropping π = 0 services and idle operators). */
  searched?: { operators: number; services: number; coalitions: number };
  cascade: {
    /** ψ as a fraction of total stake. */
    psi: Decimal;
    /** Worst-case total loss (1 + 1/γ)·ψ, rounded up and capped at 1; null when γ ≤ 0 (no guarantee). */
    maxLoss: Decimal | null;
  };
}

export interface SecurityAnalysis {
  totalStake: bigint;
  services: ServiceSecurity[];
  network: NetworkSecurity;
}
