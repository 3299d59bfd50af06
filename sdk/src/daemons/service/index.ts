/**
 * Long-running daemons: `startDaemon` wires one role's service to the loop, the logger and the
 * `/metrics` + `/health` server. The CLI (`cascade oracle|guardian|keeper run`) and the devnet use it.
 */
import { Contract, type Signer } from "ethers";
import pino, { type Logger } from "pino";
import { ROUTER_ABI } from "../abi.js";
import type { DaemonContext } from "./context.js";
import { GuardianService, GUARDIAN_GAUGES } from "./guardian.js";
import { KeeperService, KEEPER_GAUGES } from "./keeper.js";
import { runLoop, type StepOutcome } from "./loop.js";
import { DaemonMetrics, serveMetrics } from "./metrics.js";
import { OracleService, ORACLE_GAUGES } from "./oracle.js";

export { OracleService, GuardianService, KeeperService, DaemonMetrics, runLoop };
export type { DaemonContext, StepOutcome };

export type Role = "oracle" | "guardian" | "keeper";

export interface DaemonOptions {
  role: Role;
  ctx: DaemonContext;
  addresses: Record<string, string | undefined>;
  beaconUrl?: string;
  beaconTimeoutMs?: number;
  /** Guardian daemons' base URLs (keeper). */
  guardians?: string[];
  maxDeposits?: bigint;
  intervalMs?: number;
  maxBackoffMs?: number;
  /** `/metrics` + `/health` port on 127.0.0.1 (0 = a free one, undefined = no server). */
  metricsPort?: number;
  once?: boolean;
  signal?: AbortSignal;
  log?: Logger;
  /** Called once the HTTP server listens. */
  onListening?: (url: string) => void;
}

/** A pino logger writing JSON lines to `write` (stdout by default). */
export function daemonLogger(role: string, level = "info", write?: (s: string) => void): Logger {
  return pino(
    { level, base: { role }, timestamp: pino.stdTimeFunctions.isoTime },
    write ? { write } : pino.destination(1),
  );
}

async function vaults(ctx: DaemonContext, a: Record<string, string | undefined>) {
  if (a.withdrawalVault && a.executionRewardsVault && a.depositContract) return a;
  const r = await new Contract(a.router!, ROUTER_ABI, ctx.provider).addresses();
  return {
    ...a,
    depositContract: a.depositContract ?? (r.depositContract as string),
    withdrawalVault: a.withdrawalVault ?? (r.withdrawalVault as string),
    executionRewardsVault: a.executionRewardsVault ?? (r.elVault as string),
  };
}

/** Runs one daemon until `signal` aborts (or one step with `once`); resolves with the last outcome. */
export async function startDaemon(o: DaemonOptions): Promise<StepOutcome | undefined> {
  const log = o.log ?? daemonLogger(o.role);
  const a = (await vaults(o.ctx, o.addresses)) as Record<string, string>;
  let metrics: DaemonMetrics;
  let step: () => Promise<StepOutcome>;
  let routes: ((app: import("fastify").FastifyInstance) => void) | undefined;
  if (o.role === "oracle") {
    if (!o.beaconUrl) throw new Error("the oracle needs --beacon URL");
    metrics = new DaemonMetrics("oracle", ORACLE_GAUGES);
    const s = new OracleService(
      o.ctx,
      {
        router: a.router,
        reportOracle: a.reportOracle,
        accounting: a.accounting,
        pool: a.pool,
        withdrawalVault: a.withdrawalVault,
        executionRewardsVault: a.executionRewardsVault,
      },
      metrics,
      { beaconUrl: o.beaconUrl, ...(o.beaconTimeoutMs ? { beaconTimeoutMs: o.beaconTimeoutMs } : {}) },
    );
    step = () => s.step();
  } else if (o.role === "guardian") {
    metrics = new DaemonMetrics("guardian", GUARDIAN_GAUGES);
    const s = new GuardianService(
      o.ctx,
      { router: a.router, depositContract: a.depositContract, depositSecurity: a.depositSecurity },
      metrics,
      { log },
    );
    step = () => s.step();
    routes = (app) => s.routes(app);
  } else {
    metrics = new DaemonMetrics("keeper", KEEPER_GAUGES);
    const s = new KeeperService(
      o.ctx,
      {
        router: a.router,
        depositContract: a.depositContract,
        depositSecurity: a.depositSecurity,
        pool: a.pool,
        ...(a.serviceRegistry ? { serviceRegistry: a.serviceRegistry } : {}),
        ...(a.withdrawalVault && a.withdrawalRequests
          ? { withdrawalVault: a.withdrawalVault, withdrawalRequests: a.withdrawalRequests }
          : {}),
      },
      metrics,
      {
        guardians: o.guardians ?? [],
        ...(o.maxDeposits ? { maxDeposits: o.maxDeposits } : {}),
        ...(o.beaconUrl ? { beaconUrl: o.beaconUrl } : {}),
      },
    );
    step = () => s.step();
  }
  const intervalMs = o.intervalMs ?? 4000;
  let server: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  if (o.metricsPort !== undefined) {
    server = await serveMetrics(metrics, o.metricsPort, {
      staleMs: Math.max(3 * intervalMs, (o.maxBackoffMs ?? 30_000) + intervalMs),
      ...(routes ? { routes } : {}),
    });
    log.info({ url: server.url }, `${o.role}: /metrics and /health on ${server.url}`);
    o.onListening?.(server.url);
  }
  const me = await o.ctx.signer.getAddress();
  log.info({ address: me, chainId: o.ctx.chainId.toString() }, `${o.role} daemon started as ${me}`);
  try {
    return await runLoop({
      name: o.role,
      step,
      log,
      metrics,
      intervalMs,
      ...(o.maxBackoffMs ? { maxBackoffMs: o.maxBackoffMs } : {}),
      ...(o.once ? { once: true } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } finally {
    await server?.app.close();
    log.info(`${o.role} daemon stopped`);
  }
}

export type { Signer };
