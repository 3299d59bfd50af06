import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { SERVICE_STATUS, getServiceChecked, parse, send, zEth, zId, type TxResult } from "./internal.js";

export const payRewardsParams = z.object({
  serviceId: zId("service id"),
  /** wei (bigint) or decimal ETH ("1.5") */
  amount: zEth,
});
export type PayRewardsParams = z.input<typeof payRewardsParams>;
export interface PayRewardsResult extends TxResult {
  serviceId: number;
  amount: bigint;
  /**
   * Rewards of the service's tier waiting for the next report (this payment and every other
   * service of that tier's unbooked payments: the registry keeps them per tier).
   */
  tierPendingRewards: bigint;
  /** Every reward the service ever paid, its registration fee included. */
  rewardsPaid: bigint;
}

/**
 * Pays a service's rewards (anyone; the service must be Active). They are split over the classes
 * the service exposes (tier ≤ class) at the next oracle report.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, payRewards } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await payRewards(client, { serviceId: 0, amount: "1.5" });
 * ```
 */
export async function payRewards(client: CascadeClient, params: PayRewardsParams): Promise<PayRewardsResult> {
  const p = parse(payRewardsParams, params, "payRewards");
  const s = await getServiceChecked(client, p.serviceId);
  const status = SERVICE_STATUS[Number(s.status)];
  if (status !== "active")
    throw new InvalidInputError(`payRewards: service ${p.serviceId} is ${status}, not active`);
  const receipt = await send(client, client.registry, "payRewards", [p.serviceId], p.amount);
  const at = { blockTag: receipt.blockNumber };
  const after = await client.registry.getService(p.serviceId, at);
  const [tierPending] = await client.registry.tierTotals(s.params.tier, at);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: p.serviceId,
    amount: p.amount,
    tierPendingRewards: BigInt(tierPending),
    rewardsPaid: BigInt(after.rewardsPaid),
  };
}
