/**
 * Metrics and the small HTTP face of a daemon: `/metrics` (Prometheus text, prom-client) and
 * `/health` (200 while the last step succeeded recently, 503 otherwise, JSON either way). Each
 * daemon has its own registry, so several daemons can live in one process (tests).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { StepOutcome } from "./loop.js";

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly steps: Counter<"outcome">;
  readonly errors: Counter<"kind">;
  readonly waits: Counter<"reason">;
  readonly stepSeconds: Histogram;
  readonly up: Gauge;
  /** Role gauges (`cascade_<role>_*`), set by the role's step. */
  readonly gauges = new Map<string, Gauge>();
  lastOkAt = 0;
  lastError: string | undefined;
  lastOutcome: StepOutcome | undefined;
  consecutiveFailures = 0;

  constructor(
    readonly role: string,
    gauges: Record<string, string>,
  ) {
    this.registry.setDefaultLabels({ role });
    const r = [this.registry];
    this.steps = new Counter({
      name: "cascade_daemon_steps_total",
      help: "steps by outcome",
      labelNames: ["outcome"],
      registers: r,
    });
    this.errors = new Counter({
      name: "cascade_daemon_errors_total",
      help: "failed steps by kind",
      labelNames: ["kind"],
      registers: r,
    });
    this.waits = new Counter({
      name: "cascade_daemon_waits_total",
      help: "steps that refused to act on partial or inconsistent data, by reason",
      labelNames: ["reason"],
      registers: r,
    });
    this.stepSeconds = new Histogram({
      name: "cascade_daemon_step_seconds",
      help: "duration of a step",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    });
    this.up = new Gauge({ name: "cascade_daemon_up", help: "1 while the last step succeeded", registers: r });
    for (const [name, help] of Object.entries(gauges))
      this.gauges.set(name, new Gauge({ name: `cascade_${role}_${name}`, help, registers: r }));
    for (const kind of ["acted", "idle", "wait", "error"]) this.steps.inc({ outcome: kind }, 0);
  }

  set(name: string, value: number | bigint): void {
    const g = this.gauges.get(name);
    if (!g) throw new Error(`no gauge ${name}`);
    g.set(Number(value));
  }

  stepDone(o: StepOutcome, ms: number): void {
    this.steps.inc({ outcome: o.kind });
    if (o.kind === "wait") this.waits.inc({ reason: reasonLabel(o.reason) });
    this.stepSeconds.observe(ms / 1000);
    this.up.set(1);
    this.lastOkAt = Date.now();
    this.lastOutcome = o;
    this.consecutiveFailures = 0;
  }

  stepFailed(kind: string, message: string): void {
    this.steps.inc({ outcome: "error" });
    this.errors.inc({ kind });
    this.up.set(0);
    this.lastError = message;
    this.consecutiveFailures++;
  }

  /** Healthy: a step succeeded within `staleMs` and the last one did not fail. */
  health(staleMs: number): { ok: boolean; body: Record<string, unknown> } {
    const ok = this.consecutiveFailures === 0 && this.lastOkAt > 0 && Date.now() - this.lastOkAt <= staleMs;
    return {
      ok,
      body: {
        role: this.role,
        status: ok ? "ok" : "unhealthy",
        lastStepAt: this.lastOkAt ? new Date(this.lastOkAt).toISOString() : null,
        lastOutcome: this.lastOutcome ?? null,
        consecutiveFailures: this.consecutiveFailures,
        lastError: this.lastError ?? null,
      },
    };
  }
}

/** A wait reason as a bounded label: its words before the first number or address. */
function reasonLabel(reason: string): string {
  return (
    reason
      .split(/[0-9]|0x/)[0]
      .trim()
      .slice(0, 60) || "other"
  );
}

/**
 * Serves `/metrics` and `/health` (and any extra routes) on 127.0.0.1:`port` (0 = a free port).
 * Resolves with the server and its URL.
 */
export async function serveMetrics(
  metrics: DaemonMetrics,
  port: number,
  opts: { staleMs: number; host?: string; routes?: (app: FastifyInstance) => void },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get("/health", async (_req, reply) => {
    const h = metrics.health(opts.staleMs);
    reply.code(h.ok ? 200 : 503);
    return h.body;
  });
  opts.routes?.(app);
  const url = await app.listen({ port, host: opts.host ?? "127.0.0.1" });
  return { app, url };
}
