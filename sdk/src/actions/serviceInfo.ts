import { z } from "zod";
import type { CascadeClient } from "../client.js";
import {
  SERVICE_STATUS,
  SLASH_STATUS,
  getServiceChecked,
  operatorKey,
  parse,
  read,
  splitOperatorKey,
  zId,
  type ServiceStatusName,
  type SlashStatusName,
} from "./internal.js";

export const serviceInfoParams = z.object({
  serviceId: zId("service id"),
  /** First block scanned for OptedIn events (default 0). */
  fromBlock: z.coerce
    .number({ invalid_type_error: "fromBlock must be a block number" })
    .int()
    .min(0, "fromBlock must be ≥ 0")
    .optional(),
});
export type ServiceInfoParams = z.input<typeof serviceInfoParams>;

export interface ServiceOperator {
  moduleId: number;
  operatorId: number;
  /** Opted in now (false once an opt-out was requested). */
  optedIn: boolean;
  /** Unix time an opt-out takes effect (0 while opted in). */
  optOutAt: number;
  /** Allocated stake now. */
  allocated: bigint;
  /** Slashable stake now: allocated plus what is still deallocating (`stakeOf`). */
  slashable: bigint;
}

export interface PendingSlash {
  slashId: number;
  moduleId: number;
  operatorId: number;
  bps: number;
  requestedAt: number;
  /** requestedAt + vetoWindow: vetoable before, executable from then on. */
  executableAt: number;
  /** Bond locked for it (stake · bps at request time). */
  lockedBond: bigint;
  evidence: string;
  status: SlashStatusName;
}

export interface ServiceInfoResult {
  serviceId: number;
  status: ServiceStatusName;
  params: {
    tier: number;
    maxSlashBps: number;
    slashingWindow: number;
    vetoWindow: number;
    minOperators: number;
    maxOperatorShareBps: number;
    slasher: string;
    recipient: string;
  };
  /** Classes whose NAV secures this service: tier … K−1 (junior ones first to absorb a slash). */
  exposedClasses: number[];
  allocation: bigint;
  /** Every reward the service ever paid, its registration fee included. */
  rewardsPaid: bigint;
  /**
   * Rewards of the service's tier paid and not yet booked by a report (the registry keeps
   * unbooked rewards per tier; the next report books them in tier order, DESIGN §9 cap).
   */
  tierPendingRewards: bigint;
  operators: ServiceOperator[];
  /** For every tier t ≥ 1: Σ a_s · maxSlashBps_s over services of tier ≥ t, and the cover for it. */
  exposure: { tier: number; needed: bigint; available: bigint }[];
  pendingSlashes: PendingSlash[];
}

/**
 * Everything about one service: parameters, status, allocation, its operators (opted in or
 * allocated) with their stakes, the exposure limit per tier and its pending slashes.
 *
 * @example
 * ```ts
 * import { createCascadeClient, serviceInfo } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const s = await serviceInfo(client, { serviceId: 0 });
 * console.log(s.status, s.allocation, s.pendingSlashes.length);
 * ```
 */
export async function serviceInfo(
  client: CascadeClient,
  params: ServiceInfoParams,
): Promise<ServiceInfoResult> {
  const p = parse(serviceInfoParams, params, "serviceInfo");
  const reg = client.registry;
  const s = await getServiceChecked(client, p.serviceId);
  const classCount = Number(await read(client, () => client.book.classCount()));
  const tier = Number(s.params.tier);

  // Operators: every one that ever opted in (events) plus the allocated ones (state).
  const [keys, stakes] = (await read(client, () => reg.allocationOf(p.serviceId))) as [bigint[], bigint[]];
  const allocated = new Map<bigint, bigint>(keys.map((k, i) => [BigInt(k), BigInt(stakes[i]!)]));
  const logs = await read(client, () =>
    reg.queryFilter(reg.filters.OptedIn!(p.serviceId), p.fromBlock ?? 0, "latest"),
  );
  const all = new Set<bigint>(allocated.keys());
  for (const l of logs) {
    const a = (l as unknown as { args: { moduleId: bigint; operatorId: bigint } }).args;
    all.add(operatorKey(Number(a.moduleId), Number(a.operatorId)));
  }
  const operators: ServiceOperator[] = [];
  for (const key of [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { moduleId, operatorId } = splitOperatorKey(key);
    const o = await read(client, () => reg.optInOf(p.serviceId, moduleId, operatorId));
    const slashable = BigInt(await read(client, () => reg.stakeOf(p.serviceId, moduleId, operatorId)));
    operators.push({
      moduleId,
      operatorId,
      optedIn: Boolean(o.optedIn) && Number(o.outAt) === 0,
      optOutAt: Number(o.outAt),
      allocated: allocated.get(key) ?? 0n,
      slashable,
    });
  }

  const exposure: ServiceInfoResult["exposure"] = [];
  for (let t = 1; t < classCount; t++) {
    const [needed, available] = (await read(client, () => reg.exposure(t))) as [bigint, bigint];
    exposure.push({ tier: t, needed: BigInt(needed), available: BigInt(available) });
  }

  const [tierPending] = (await read(client, () => reg.tierTotals(tier))) as [bigint, bigint];

  const pendingIds = (await read(client, () => reg.pendingSlashes())) as bigint[];
  const pendingSlashes: PendingSlash[] = [];
  for (const id of [...pendingIds].map(Number).sort((a, b) => a - b)) {
    const r = await read(client, () => reg.getSlash(id));
    if (Number(r.serviceId) !== p.serviceId) continue;
    pendingSlashes.push({
      slashId: id,
      moduleId: Number(r.moduleId),
      operatorId: Number(r.operatorId),
      bps: Number(r.bps),
      requestedAt: Number(r.requestedAt),
      executableAt: Number(r.requestedAt) + Number(s.params.vetoWindow),
      lockedBond: BigInt(r.lockedBond),
      evidence: String(r.evidence),
      status: SLASH_STATUS[Number(r.status)]!,
    });
  }

  return {
    serviceId: p.serviceId,
    status: SERVICE_STATUS[Number(s.status)]!,
    params: {
      tier,
      maxSlashBps: Number(s.params.maxSlashBps),
      slashingWindow: Number(s.params.slashingWindow),
      vetoWindow: Number(s.params.vetoWindow),
      minOperators: Number(s.params.minOperators),
      maxOperatorShareBps: Number(s.params.maxOperatorShareBps),
      slasher: String(s.params.slasher),
      recipient: String(s.params.recipient),
    },
    exposedClasses: Array.from({ length: Math.max(0, classCount - tier) }, (_, i) => tier + i),
    allocation: BigInt(s.allocation),
    rewardsPaid: BigInt(s.rewardsPaid),
    tierPendingRewards: BigInt(tierPending),
    operators,
    exposure,
    pendingSlashes,
  };
}
