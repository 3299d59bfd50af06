import Table from "cli-table3";
import type { Decimal } from "decimal.js";

import type { Attack, SecurityAnalysis } from "./types.js";

const WEI_PER_ETH = 10n ** 18n;

/** wei → ETH with `decimals` digits, truncated (display only; never used for math). */
export function formatEth(wei: bigint, decimals = 4): string {
  const sign = wei < 0n ? "-" : "";
  const abs = wei < 0n ? -wei : wei;
  const whole = abs / WEI_PER_ETH;
  const frac = (abs % WEI_PER_ETH).toString().padStart(18, "0").slice(0, decimals).replace(/0+$/, "");
  return `${sign}${whole}${frac ? `.${frac}` : ""}`;
}

function fmtRatio(d: Decimal, digits = 4): string {
  return d.isFinite() ? d.toDecimalPlaces(digits, 3 /* ROUND_FLOOR */).toString() : "∞";
}

function fmtPct(d: Decimal): string {
  return `${d.times(100).toDecimalPlaces(2, 2 /* ROUND_CEIL */).toString()}%`;
}

/** Per-service table: stake, cost of corruption, profit from corruption, ratio, verdict. */
export function formatServiceTable(a: SecurityAnalysis): string {
  const t = new Table({
    head: ["service", "stake σ_s (ETH)", "CoC (ETH)", "PfC π_s (ETH)", "CoC/PfC", "secure"],
    colAligns: ["left", "right", "right", "right", "right", "center"],
    style: { head: [], border: [] }, // no ANSI colours: output is piped and diffed as often as read
  });
  for (const s of a.services) {
    const coc = `${s.cocMethod === "exact" ? "" : "≥ "}${formatEth(s.costOfCorruption)}`;
    const ratio = `${s.cocMethod === "exact" ? "" : "≥ "}${fmtRatio(s.ratio)}`;
    const secure = s.secure === null ? "?" : s.secure ? "yes" : "NO";
    t.push([s.id, formatEth(s.securingStake), coc, formatEth(s.profitFromCorruption), ratio, secure]);
  }
  return t.toString();
}

function describeAttack(w: Attack): string {
  return (
    `coalition {${w.operators.join(", ")}} (${formatEth(w.cost)} ETH of stake) can corrupt ` +
    `{${w.services.join(", ")}} for ${formatEth(w.profit)} ETH`
  );
}

/** One-line verdict for the network. */
export function formatVerdict(a: SecurityAnalysis): string {
  const n = a.network;
  const how =
    n.method === "exact"
      ? `exact search over ${n.searched?.coalitions ?? 0} coalitions`
      : "per-operator sufficient condition";
  const cascade =
    n.cascade.maxLoss === null
      ? "no cascade guarantee"
      : `a ${fmtPct(n.cascade.psi)} stake shock ends below ${fmtPct(n.cascade.maxLoss)} total loss`;
  if (n.verdict === "secure")
    return `SECURE (${how}): γ = ${fmtRatio(n.gamma)}, every attack costs ≥ ${n.gamma.isFinite() ? fmtRatio(n.gamma.plus(1)) : "∞"}× its profit; ${cascade}`;
  if (n.verdict === "insecure")
    return `INSECURE (${how}): ${n.worstAttack ? describeAttack(n.worstAttack) : "a service with no stake has profit"}; γ = ${fmtRatio(n.gamma)}`;
  return `UNPROVEN (${how}): sufficient γ = ${fmtRatio(n.gamma)} < 0 (max operator load ${fmtRatio(n.maxOperatorLoad)} at ${n.maxLoadOperator ?? "-"}); no profitable attack found — run the exact search on the sub-graph`;
}

/** Table plus verdict, for the CLI. */
export function formatAnalysis(a: SecurityAnalysis): string {
  return `${formatServiceTable(a)}\n${formatVerdict(a)}`;
}

/** A JSON-safe mirror of a type: bigint and Decimal become decimal strings. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends Decimal
    ? string
    : T extends readonly (infer U)[]
      ? Jsonified<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

export type SecurityAnalysisJson = Jsonified<SecurityAnalysis>;

function isDecimal(x: unknown): x is Decimal {
  return typeof x === "object" && x !== null && typeof (x as Decimal).toFixed === "function" && "d" in x;
}

function toJsonValue(x: unknown): unknown {
  if (typeof x === "bigint") return x.toString();
  if (isDecimal(x)) return x.isFinite() ? x.toFixed() : x.toString(); // "Infinity" / "-Infinity"
  if (Array.isArray(x)) return x.map(toJsonValue);
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toJsonValue(v)]));
  return x;
}

/** The analysis with every bigint and Decimal as a decimal string; safe for `JSON.stringify`. */
export function toJson(a: SecurityAnalysis): SecurityAnalysisJson {
  return toJsonValue(a) as SecurityAnalysisJson;
}
