/** Output helpers of the CLI: tables for people, JSON (bigints as strings) for machines. */
import Table from "cli-table3";
import { formatEther } from "ethers";

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

/** ETH with up to 6 decimals, for tables (JSON keeps the exact wei). */
export function eth(wei: bigint): string {
  const s = formatEther(wei);
  const [i, f = ""] = s.split(".");
  const frac = f.slice(0, 6).replace(/0+$/, "");
  return frac ? `${i}.${frac}` : i!;
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
