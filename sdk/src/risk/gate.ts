/**
 * The ServiceRegistry's on-chain robustness gate (DESIGN §8), recomputed off-chain with the
 * contract's own integer arithmetic, and the gate's graph read from a deployed registry.
 *
 * Definitions (per operator v with σ_v > 0; zero-stake operators are skipped):
 * - σ_v = min(active stake, Σ_s ⌊a_{s,v} · maxSlashBps_s / 10⁴⌋), N(s) = operators with a_{s,v} > 0;
 * - σ_s = Σ_{v∈N(s)} σ_v; q_s = ⌈π_s · 10²² / (α_s · σ_s)⌉ (WAD, rounded up);
 * - T_v = Σ_{s∈N(v), π_s>0} q_s; γ_cert = ⌊10²² / max_v T_v⌋ − 10⁴ bps (rounded down, ≥ 0);
 * - services with π_s > 0 and σ_s = 0 (unbacked) are listed apart and add no load.
 * Every rounding goes toward the safe side, so `gammaBps` never exceeds the exact certified γ
 * (and the exact γ of the search is at least the certified one).
 */
import { Contract } from "ethers";
import { BondedModuleAbi } from "../abi/index.js";
import { read, splitOperatorKey } from "../actions/internal.js";
import type { CascadeClient } from "../client.js";
import type { Operator, RestakingGraph, Service } from "./types.js";

export const WAD_BPS = 10n ** 22n;
const DEPOSIT_SIZE = 32n * 10n ** 18n;

export interface GateResult {
  /** γ_cert in bps; null when no operator carries load (unbounded). 0 when nothing is certified. */
  gammaBps: bigint | null;
  /** T_v (WAD) per operator id with σ_v > 0. */
  loads: Record<string, bigint>;
  /** q_s (WAD) per service id with π_s > 0 and σ_s > 0. */
  quotas: Record<string, bigint>;
  /**
   * Services with π_s > 0 and σ_s = 0: the empty coalition corrupts them. They hold no stake, so
   * they are outside the certified graph (as in the contract): flagged here, not folded into γ.
   */
  unbacked: string[];
  /** Operators left out of the max because σ_v = 0. */
  zeroStake: string[];
}

/** The gate's certified γ of a graph (σ_v given per operator), exactly as the contract computes it. */
export function certifiedGate(graph: RestakingGraph): GateResult {
  const sigma = new Map(graph.operators.map((o) => [o.id, o.stake]));
  const loads = new Map<string, bigint>();
  const quotas: Record<string, bigint> = {};
  const unbacked: string[] = [];
  for (const s of graph.services) {
    if (s.profitFromCorruption === 0n) continue;
    const sigmaS = s.operators.reduce((a, v) => a + (sigma.get(v) ?? 0n), 0n);
    if (sigmaS === 0n) {
      unbacked.push(s.id);
      continue;
    }
    const den = BigInt(s.attackThresholdBps) * sigmaS;
    const q = (s.profitFromCorruption * WAD_BPS + den - 1n) / den;
    quotas[s.id] = q;
    for (const v of s.operators) loads.set(v, (loads.get(v) ?? 0n) + q);
  }
  const zeroStake = graph.operators.filter((o) => o.stake === 0n).map((o) => o.id);
  let max = 0n;
  const out: Record<string, bigint> = {};
  for (const [v, l] of loads) {
    if ((sigma.get(v) ?? 0n) === 0n) continue;
    out[v] = l;
    if (l > max) max = l;
  }
  let gammaBps: bigint | null;
  if (max === 0n) gammaBps = null;
  else {
    const inv = WAD_BPS / max;
    gammaBps = inv > 10_000n ? inv - 10_000n : 0n;
  }
  return { gammaBps, loads: out, quotas, unbacked, zeroStake };
}

export interface OnChainGate {
  /** The gate's graph: σ_v per operator ("moduleId:operatorId"), π/α/N(s) per service with π > 0. */
  graph: RestakingGraph;
  /** γ_cert the registry publishes (bps; null = unbounded). */
  gammaBps: bigint | null;
  /** The registry's minimum. */
  minGammaBps: bigint;
  /** Services with π_s > 0 and no securing stake. */
  unbacked: string[];
}

/**
 * Reads the deployed registry's gate graph from scratch (allocations, maxSlashBps, active
 * stakes from the modules, π and α from `serviceRisk`) and the γ the registry certifies.
 * Only services with π > 0 enter the graph (the others add no load).
 */
export async function onChainGate(client: CascadeClient): Promise<OnChainGate> {
  const reg = client.registry;
  const n = Number(await read(client, () => reg.serviceCount()));
  const slashable = new Map<string, bigint>();
  const keysOf: { id: number; ops: string[]; profit: bigint; alpha: number }[] = [];
  for (let id = 0; id < n; id++) {
    const svc = await read(client, () => reg.getService(id));
    const m = BigInt(svc.params.maxSlashBps);
    const [keys, stakes] = (await read(client, () => reg.allocationOf(id))) as [bigint[], bigint[]];
    const ops: string[] = [];
    keys.forEach((key, i) => {
      const stake = BigInt(stakes[i]!);
      if (stake === 0n) return;
      const { moduleId, operatorId } = splitOperatorKey(BigInt(key));
      const v = `${moduleId}:${operatorId}`;
      slashable.set(v, (slashable.get(v) ?? 0n) + (stake * m) / 10_000n);
      ops.push(v);
    });
    const [profit, alpha] = await read(client, () => reg.serviceRisk(id));
    if (BigInt(profit) > 0n) keysOf.push({ id, ops, profit: BigInt(profit), alpha: Number(alpha) });
  }
  const operators: Operator[] = [];
  for (const [v, sl] of slashable) {
    const [moduleId, operatorId] = v.split(":").map(Number) as [number, number];
    const mod = await read(client, () => client.router.getModule(moduleId));
    const c = new Contract(String(mod.module), BondedModuleAbi as never, client.provider);
    const active =
      BigInt(await read(client, () => c.getFunction("activeValidatorsOf")(operatorId))) * DEPOSIT_SIZE;
    operators.push({ id: v, stake: sl < active ? sl : active });
  }
  const services: Service[] = keysOf.map((s) => ({
    id: String(s.id),
    profitFromCorruption: s.profit,
    attackThresholdBps: s.alpha,
    operators: s.ops,
  }));
  const raw = BigInt(await read(client, () => reg.certifiedGammaBps()));
  const gammaBps = raw === (1n << 256n) - 1n ? null : raw;
  const minGammaBps = BigInt(await read(client, () => reg.minGammaBps()));
  const graph = { operators, services };
  return { graph, gammaBps, minGammaBps, unbacked: certifiedGate(graph).unbacked };
}
