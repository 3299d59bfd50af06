import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { eventsIn, parse, read, send, zAddress, zEth, zUint, type TxResult } from "./internal.js";

export const withdrawBondParams = z.object({
  operatorId: zUint,
  amount: zEth,
  /** Receiver; defaults to the signer. */
  to: zAddress.optional(),
});
export type WithdrawBondParams = z.input<typeof withdrawBondParams>;
export interface WithdrawBondResult extends TxResult {
  operatorId: bigint;
  amount: bigint;
  to: string;
  bond: bigint;
}

/**
 * Withdraws unlocked bond above what the operator's active validators need. Checks
 * `withdrawableBond` first, so an over-withdrawal is refused before sending.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, withdrawBond } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await withdrawBond(client, { operatorId: 0n, amount: "0.5" });
 * ```
 */
export async function withdrawBond(
  client: CascadeClient,
  params: WithdrawBondParams,
): Promise<WithdrawBondResult> {
  const p = parse(withdrawBondParams, params, "withdrawBond");
  const to = p.to ?? (await client.account());
  const free = (await read(client, () => client.bonded.withdrawableBond(p.operatorId))) as bigint;
  if (p.amount > free) {
    throw new InvalidInputError(
      `withdrawBond: only ${free} wei of operator ${p.operatorId}'s bond is withdrawable, asked ${p.amount}`,
    );
  }
  const receipt = await send(client, client.bonded, "withdrawBond", [p.operatorId, p.amount, to]);
  const ev = eventsIn(receipt, client.bonded, "BondWithdrawn")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    operatorId: p.operatorId,
    amount: p.amount,
    to,
    bond: ev ? (ev.args.bond as bigint) : 0n,
  };
}
