import type { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { setAllocationParams } from "./governance.js";
import {
  eventsIn,
  getServiceChecked,
  hasRegistryRole,
  operatorKey,
  parse,
  read,
  send,
  splitOperatorKey,
  type TxResult,
} from "./internal.js";

export type SetAllocationParams = z.input<typeof setAllocationParams>;
export interface SetAllocationResult extends TxResult {
  serviceId: number;
  /** Stake placed (equals the requested amount: the registry reverts otherwise). */
  allocation: bigint;
  operators: { moduleId: number; operatorId: number; stake: bigint }[];
}

/**
 * Sets the stake securing a service directly, when the signer holds ALLOCATOR_ROLE; the registry
 * splits it over the given opted-in operators by active stake (each ≤ maxOperatorShareBps) and
 * checks the exposure limit of every tier. Without the role it refuses before sending and points
 * at the timelock (`governanceCalls.setAllocation`). Run `securityGraph` first (DESIGN §8).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, setAllocation } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await setAllocation(client, { serviceId: 0, amount: "64", operators: ["0:0", "1:0"] });
 * ```
 */
export async function setAllocation(
  client: CascadeClient,
  params: SetAllocationParams,
): Promise<SetAllocationResult> {
  const p = parse(setAllocationParams, params, "setAllocation");
  const s = await getServiceChecked(client, p.serviceId);
  const min = Number(s.params.minOperators);
  if (p.amount !== 0n && p.operators.length < min)
    throw new InvalidInputError(
      `setAllocation: service ${p.serviceId} needs at least ${min} operators, got ${p.operators.length}`,
    );
  const me = await client.account();
  if (!(await hasRegistryRole(client, "ALLOCATOR_ROLE", me)))
    throw new InvalidInputError(
      `setAllocation: the signer ${me} does not hold ALLOCATOR_ROLE; propose it through the timelock (cascade gov propose set-allocation …)`,
    );
  const keys = p.operators.map((o) => operatorKey(o.moduleId, o.operatorId));
  const receipt = await send(client, client.registry, "setAllocation", [p.serviceId, p.amount, keys]);
  const ev = eventsIn(receipt, client.registry, "AllocationSet")[0];
  const [k, stakes] = (await read(client, () =>
    client.registry.allocationOf(p.serviceId, { blockTag: receipt.blockNumber }),
  )) as [bigint[], bigint[]];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: p.serviceId,
    allocation: BigInt(ev!.args.allocation),
    operators: k.map((key, i) => ({ ...splitOperatorKey(BigInt(key)), stake: BigInt(stakes[i]!) })),
  };
}
