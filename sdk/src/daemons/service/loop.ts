/**
 * The loop every Cascade daemon runs (the shape of Lido's oracle and council daemons): one role,
 * one `step` at a time, each step deciding what to do from on-chain state alone, so a restarted
 * process picks up exactly where the chain says it is.
 *
 * - A step returns what it did (`acted`), that there was nothing to do (`idle`), or that it
 *   refused to act on partial or inconsistent data (`wait`, with the reason logged).
 * - A step that throws is a failure: counted by kind (`cascade_daemon_errors_total{kind}`),
 *   logged, and retried after a capped exponential backoff (base · 2^(n−1), at most `maxBackoffMs`).
 * - `once` runs a single step and resolves with the outcome (the CLI's `--once`).
 */
import type { Logger } from "pino";
import { BeaconApiError } from "../../beacon/api.js";
import type { DaemonMetrics } from "./metrics.js";

export type StepOutcome =
  | { kind: "acted"; action: string; detail?: Record<string, unknown> }
  | { kind: "idle"; reason: string; detail?: Record<string, unknown> }
  | { kind: "wait"; reason: string; detail?: Record<string, unknown> };

export const acted = (action: string, detail?: Record<string, unknown>): StepOutcome => ({
  kind: "acted",
  action,
  ...(detail ? { detail } : {}),
});
export const idle = (reason: string, detail?: Record<string, unknown>): StepOutcome => ({
  kind: "idle",
  reason,
  ...(detail ? { detail } : {}),
});
export const wait = (reason: string, detail?: Record<string, unknown>): StepOutcome => ({
  kind: "wait",
  reason,
  ...(detail ? { detail } : {}),
});

export interface LoopOptions {
  name: string;
  step: () => Promise<StepOutcome>;
  log: Logger;
  metrics: DaemonMetrics;
  /** Pause between successful steps. */
  intervalMs: number;
  /** First retry delay after a failure; doubles per consecutive failure. */
  baseBackoffMs?: number;
  /** Cap of the retry delay. */
  maxBackoffMs?: number;
  once?: boolean;
  signal?: AbortSignal;
}

/** Failure kinds, the label of `cascade_daemon_errors_total`. */
export type ErrorKind =
  | "beacon_unreachable"
  | "beacon_timeout"
  | "beacon_schema"
  | "beacon_http"
  | "rpc_unreachable"
  | "guardian"
  | "revert"
  | "other";

/** Sorts an error into a metric label (what an operator alerts on). */
export function classify(e: unknown): ErrorKind {
  const tagged = (e as { daemonKind?: ErrorKind })?.daemonKind;
  if (tagged) return tagged;
  if (e instanceof BeaconApiError) {
    const cause = (e as { cause?: { name?: string } }).cause;
    if (cause?.name === "TimeoutError" || cause?.name === "AbortError") return "beacon_timeout";
    if (e.shortMessage.includes("does not match")) return "beacon_schema";
    if (e.status !== undefined) return "beacon_http";
    return "beacon_unreachable";
  }
  const x = e as { code?: string; message?: string; shortMessage?: string };
  if (x?.code === "CALL_EXCEPTION") return "revert";
  const msg = `${x?.shortMessage ?? ""} ${x?.message ?? ""}`;
  if (
    x?.code === "NETWORK_ERROR" ||
    x?.code === "TIMEOUT" ||
    x?.code === "SERVER_ERROR" ||
    /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|connect/i.test(msg)
  )
    return "rpc_unreachable";
  return "other";
}

/** One line of an error, never a stack. */
export function oneLine(e: unknown): string {
  const x = e as { shortMessage?: string; message?: string; details?: string };
  const base = (x?.shortMessage ?? x?.message ?? String(e)).split("\n")[0];
  return x?.details ? `${base} (${String(x.details).split("\n")[0].slice(0, 200)})` : base;
}

/** Delay before retry `n` (1-based): base · 2^(n−1), capped. */
export function backoffMs(n: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(n - 1, 30)));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    if (signal?.aborted) return res();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      res();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs `step` until `signal` aborts (or once). Resolves with the last outcome, or throws the
 * error of a failed `once` step.
 */
export async function runLoop(o: LoopOptions): Promise<StepOutcome | undefined> {
  const base = o.baseBackoffMs ?? 500;
  const cap = o.maxBackoffMs ?? 30_000;
  let failures = 0;
  let last: StepOutcome | undefined;
  while (!o.signal?.aborted) {
    const started = Date.now();
    try {
      last = await o.step();
      failures = 0;
      o.metrics.stepDone(last, Date.now() - started);
      if (last.kind === "acted")
        o.log.info({ action: last.action, ...last.detail }, `${o.name}: ${last.action}`);
      else if (last.kind === "wait")
        o.log.warn({ wait: last.reason, ...last.detail }, `${o.name} waits: ${last.reason}`);
      else o.log.debug({ idle: last.reason, ...last.detail }, `${o.name}: ${last.reason}`);
      if (o.once) return last;
      await sleep(o.intervalMs, o.signal);
    } catch (e) {
      failures++;
      const kind = classify(e);
      o.metrics.stepFailed(kind, oneLine(e));
      const delay = backoffMs(failures, base, cap);
      o.log.error({ err: oneLine(e), kind, failures, retryInMs: delay }, `${o.name} step failed (${kind})`);
      if (o.once) throw e;
      await sleep(delay, o.signal);
    }
  }
  return last;
}
