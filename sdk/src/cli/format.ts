/** Output helpers of the CLI: tables for people, JSON (bigints as strings) for machines. */
import Table from "cli-table3";
import { Decimal } from "decimal.js";

const WEI_PER_ETH = new Decimal(10).pow(18);

/** Writes text somewhere (process.stdout in the bin, a buffer in tests). */
export type Write = (s: string) => void;

/** No line between rows: compact enough for a terminal, still aligned. */
const compact = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

/** A cli-table3 table without colours (so output is the same on a TTY, a pipe and in tests). */
export function table(head: string[], rows: (string | number | boolean)[][], empty = "(none)"): string {
  if (rows.length === 0) return `${head.join(" / ")}: ${empty}`;
  const t = new Table({ head, chars: compact, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((c) => String(c)));
  return t.toString();
}

/** Two-column key/value table. */
export function kv(rows: [string, string | number | boolean | bigint | null][]): string {
  const t = new Table({ chars: compact, style: { head: [], border: [] } });
  for (const [k, v] of rows) t.push({ [k]: v === null ? "-" : String(v) });
  return t.toString();
}

/**
 * ETH with up to 6 decimals, trailing zeros dropped, for tables (JSON keeps the exact wei). Rounded
 * half up like {@link fixed}, so the CLI and the demo never show the same wei differently.
 */
export function eth(wei: bigint): string {
  const s = fixed(wei, 6).replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}

export function bps(v: bigint | number | null): string {
  if (v === null) return "-";
  return `${(Number(v) / 100).toFixed(2)}%`;
}

export function short(hex: string, n = 10): string {
  return hex.length > n + 4 ? `${hex.slice(0, n)}…` : hex;
}

/** JSON with bigints as decimal strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/**
 * A figure with a fixed number of decimals, rounded half up: the one rounding the CLI and the
 * demo (tables, summary, HTML) share, so a value never reads 0.9999 in one place and 1.0000 in
 * another. A bigint is wei (shown in ETH); a string or number is already in ETH / tokens.
 */
export function fixed(v: bigint | string | number, digits: number): string {
  const d = typeof v === "bigint" ? new Decimal(v.toString()).div(WEI_PER_ETH) : new Decimal(v);
  return d.toFixed(digits, Decimal.ROUND_HALF_UP);
}

/** A class price (ETH per token) as the demo and the CLI print it: 6 decimals. */
export function price(v: bigint | string | number): string {
  return fixed(v, 6);
}

/** Basis points as a percentage with `digits` decimals ("12.5%"). */
export function percent(v: bigint | number, digits = 1): string {
  return `${new Decimal(v.toString()).div(100).toFixed(digits, Decimal.ROUND_HALF_UP)}%`;
}
