import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { parse, read, zUint } from "./internal.js";

export const operatorStatusParams = z.object({
  module: z.enum(["bonded", "curated"]).default("bonded"),
  operatorId: zUint,
  fromBlock: z.coerce
    .number({ invalid_type_error: "fromBlock must be a block number" })
    .int()
    .min(0, "fromBlock must be ≥ 0")
    .optional(),
});
export type OperatorStatusParams = z.input<typeof operatorStatusParams>;
export interface OperatorStatusResult {
  module: "bonded" | "curated";
  moduleId: number | null;
  operatorId: bigint;
  manager: string;
  rewardAddress: string;
  active: boolean;
  keys: { total: number; deposited: number; exited: number; depositable: number };
  /** Bonded only (zeros for curated). */
  bond: { amount: bigint; locked: bigint; withdrawable: bigint; required: bigint };
  /** Curated only: vetted key limit. */
  vettedLimit: number | null;
  moduleReputationBps: number | null;
  exitRequested: number;
  exitDeadline: number;
  exitRequests: { blockNumber: number; count: bigint; deadline: bigint }[];
}

/**
 * An operator's keys, bond, its module's reputation and the exit requests addressed to it
 * (from `ExitRequested` events).
 *
 * @example
 * ```ts
 * import { createCascadeClient, operatorStatus } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const s = await operatorStatus(client, { module: "bonded", operatorId: 0n });
 * console.log(s.keys.depositable, s.bond.withdrawable);
 * ```
 */
export async function operatorStatus(
  client: CascadeClient,
  params: OperatorStatusParams,
): Promise<OperatorStatusResult> {
  const p = parse(operatorStatusParams, params, "operatorStatus");
  const m = p.module === "bonded" ? client.bonded : client.curated;
  const op = await read(client, () => m.getOperator(p.operatorId));
  let bond = { amount: 0n, locked: 0n, withdrawable: 0n, required: 0n };
  let vettedLimit: number | null = null;
  if (p.module === "bonded") {
    const [amount, locked] = (await read(client, () => client.bonded.bondOf(p.operatorId))) as [
      bigint,
      bigint,
    ];
    const active = BigInt(op.totalKeys) - BigInt(op.exitedKeys);
    bond = {
      amount,
      locked,
      withdrawable: (await read(client, () => client.bonded.withdrawableBond(p.operatorId))) as bigint,
      required: (await read(client, () => client.bonded.bondRequired(p.operatorId, active))) as bigint,
    };
  } else {
    vettedLimit = Number(await read(client, () => client.curated.vettedLimit(p.operatorId)));
  }
  let moduleId: number | null = null;
  let moduleReputationBps: number | null = null;
  try {
    moduleId = Number(await client.router.moduleIdOf(await m.getAddress()));
    moduleReputationBps = Number((await client.router.getModule(moduleId)).reputationBps);
  } catch {
    /* module not added to the router yet */
  }
  const logs = await read(client, () =>
    m.queryFilter(m.filters.ExitRequested!(p.operatorId), p.fromBlock ?? 0, "latest"),
  );
  return {
    module: p.module,
    moduleId,
    operatorId: p.operatorId,
    manager: op.manager as string,
    rewardAddress: op.rewardAddress as string,
    active: op.active as boolean,
    keys: {
      total: Number(op.totalKeys),
      deposited: Number(op.depositedKeys),
      exited: Number(op.exitedKeys),
      depositable: Number(op.depositable),
    },
    bond,
    vettedLimit,
    moduleReputationBps,
    exitRequested: Number(op.exitRequested),
    exitDeadline: Number(op.exitDeadline),
    exitRequests: logs.map((l) => {
      const a = (l as unknown as { args: { count: bigint; deadline: bigint } }).args;
      return { blockNumber: l.blockNumber, count: a.count, deadline: a.deadline };
    }),
  };
}
