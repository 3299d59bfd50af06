import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { parse, read } from "./internal.js";

export const previewAllocationParams = z.object({
  /** Number of new 32-ETH validators to allocate. */
  count: z.coerce.number().int("count must be an integer").positive("count must be > 0").max(10_000),
});
export type PreviewAllocationParams = z.input<typeof previewAllocationParams>;
export interface PreviewAllocationResult {
  count: number;
  total: number;
  modules: { moduleId: number; module: string; validators: number; reputationBps: number; weight: bigint }[];
}

/**
 * How the router would spread `count` new validators over modules (DESIGN §7).
 *
 * @example
 * ```ts
 * import { createCascadeClient, previewAllocation } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const { modules } = await previewAllocation(client, { count: 10 });
 * ```
 */
export async function previewAllocation(
  client: CascadeClient,
  params: PreviewAllocationParams,
): Promise<PreviewAllocationResult> {
  const p = parse(previewAllocationParams, params, "previewAllocation");
  const [alloc, total] = (await read(client, () => client.router.previewAllocation(p.count))) as [
    bigint[],
    bigint,
  ];
  const weights = (await read(client, () => client.router.moduleWeights())) as bigint[];
  const modules = [];
  for (const [id, n] of alloc.entries()) {
    const m = await read(client, () => client.router.getModule(id));
    modules.push({
      moduleId: id,
      module: m.module as string,
      validators: Number(n),
      reputationBps: Number(m.reputationBps),
      weight: weights[id] ?? 0n,
    });
  }
  return { count: p.count, total: Number(total), modules };
}
