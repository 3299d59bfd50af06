/**
 * The Durvasula–Roughgarden operator–service graph of a deployed ServiceRegistry, for
 * {@link analyzeSecurity}.
 */
import { Contract } from "ethers";
import { BondedModuleAbi } from "../abi/index.js";
import { read, splitOperatorKey } from "../actions/internal.js";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import type { Operator, RestakingGraph, Service } from "./types.js";

const DEPOSIT_SIZE = 32n * 10n ** 18n;

export interface SecurityGraphParams {
  /** π_s in wei per service id: what corrupting the service is worth to an attacker. Required for every allocated service. */
  profitFromCorruption: Record<string | number, bigint>;
  /** α_s in bps: one for all services or per service id (default 5,000: a stake majority corrupts). */
  attackThresholdBps?: number | Record<string | number, number>;
  /**
   * How σ_v is read (see {@link securityGraph}): "maxAllocated" (default) or "active" (the
   * operator's whole active validator stake, 32 ETH per active validator).
   */
  stake?: "maxAllocated" | "active";
}

export interface SecurityGraphResult {
  graph: RestakingGraph;
  /** The per-service stakes behind each operator's σ_v ("m:o" → service id → slashable wei). */
  stakes: Record<string, Record<string, bigint>>;
  /** Services left out because no operator holds stake in them (nothing to corrupt). */
  skipped: number[];
}

/**
 * Builds the operator–service graph of the deployed registry: operators are the (module, operator)
 * pairs holding stake in some service (id `"moduleId:operatorId"`), services are the ones with such
 * operators (id = service id), `N(s)` the operators with slashable stake (`stakeOf`, allocation plus
 * what is still deallocating) in `s`.
 *
 * **σ_v.** The paper gives each operator one stake σ_v that backs every service it secures and is
 * lost whole when it attacks. Cascade restakes: an operator's allocations to different services
 * all draw on the same validators (each capped by its active stake), and a service can slash only
 * what is allocated to it. So by default σ_v is the **largest of its per-service slashable stakes**:
 * the stake that actually backs its biggest commitment and the most any single service can take.
 * Counting its whole active stake ("active") would credit ETH no service can slash and overstate
 * both the cost of corruption and σ_s; the sum of allocations would count the same validators
 * several times. The price of the max: for a service where the operator holds less than its max,
 * σ_s is overstated, so treat the per-service cost of corruption as optimistic there and compare
 * it with the registry's own exposure limit, which is exact per service.
 *
 * @example
 * ```ts
 * import { createCascadeClient } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * import { analyzeSecurity, formatAnalysis, securityGraph } from "./sdk/src/risk/index.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const { graph } = await securityGraph(client, { profitFromCorruption: { 0: 10n ** 19n, 1: 5n * 10n ** 18n } });
 * console.log(formatAnalysis(analyzeSecurity(graph)));
 * ```
 */
export async function securityGraph(
  client: CascadeClient,
  params: SecurityGraphParams,
): Promise<SecurityGraphResult> {
  const reg = client.registry;
  const n = Number(await read(client, () => reg.serviceCount()));
  const pfc = new Map<number, bigint>();
  for (const [k, v] of Object.entries(params.profitFromCorruption ?? {})) {
    if (!/^\d+$/.test(k) || Number(k) >= n)
      throw new InvalidInputError(`profitFromCorruption: unknown service ${k} (there are ${n})`);
    if (typeof v !== "bigint" || v < 0n)
      throw new InvalidInputError(`profitFromCorruption: service ${k}: must be wei ≥ 0, got ${String(v)}`);
    pfc.set(Number(k), v);
  }
  const alpha = (id: number): number => {
    const a = params.attackThresholdBps;
    const v = a === undefined ? 5000 : typeof a === "number" ? a : (a[id] ?? a[String(id)] ?? 5000);
    if (!Number.isInteger(v) || v < 1 || v > 10_000)
      throw new InvalidInputError(`attackThresholdBps: service ${id}: must be 1…10000, got ${v}`);
    return v;
  };

  const stakes: Record<string, Record<string, bigint>> = {};
  const services: Service[] = [];
  const skipped: number[] = [];
  const missing: number[] = [];
  for (let id = 0; id < n; id++) {
    const [keys] = (await read(client, () => reg.allocationOf(id))) as [bigint[], bigint[]];
    const ops: string[] = [];
    for (const key of keys) {
      const { moduleId, operatorId } = splitOperatorKey(BigInt(key));
      const slashable = BigInt(await read(client, () => reg.stakeOf(id, moduleId, operatorId)));
      if (slashable === 0n) continue;
      const v = `${moduleId}:${operatorId}`;
      (stakes[v] ??= {})[String(id)] = slashable;
      ops.push(v);
    }
    if (ops.length === 0) {
      skipped.push(id);
      continue;
    }
    const profit = pfc.get(id);
    if (profit === undefined) {
      missing.push(id);
      continue;
    }
    services.push({
      id: String(id),
      profitFromCorruption: profit,
      attackThresholdBps: alpha(id),
      operators: ops,
    });
  }
  if (missing.length)
    throw new InvalidInputError(
      `profitFromCorruption: missing for allocated service(s) ${missing.join(", ")}`,
    );

  const operators: Operator[] = [];
  for (const [v, per] of Object.entries(stakes)) {
    let stake = Object.values(per).reduce((a, b) => (b > a ? b : a), 0n);
    if (params.stake === "active") {
      const { moduleId, operatorId } = {
        moduleId: Number(v.split(":")[0]),
        operatorId: Number(v.split(":")[1]),
      };
      const mod = await read(client, () => client.router.getModule(moduleId));
      const m = new Contract(String(mod.module), BondedModuleAbi as never, client.provider);
      stake =
        BigInt(await read(client, () => m.getFunction("activeValidatorsOf")(operatorId))) * DEPOSIT_SIZE;
    }
    operators.push({ id: v, stake });
  }
  return { graph: { operators, services }, stakes, skipped };
}
