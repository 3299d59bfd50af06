import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zEth, zUint, type TxResult } from "./internal.js";

export const topUpBondParams = z.object({ operatorId: zUint, amount: zEth });
export type TopUpBondParams = z.input<typeof topUpBondParams>;
export interface TopUpBondResult extends TxResult {
  operatorId: bigint;
  amount: bigint;
  bond: bigint;
}

/**
 * Adds bond for a bonded operator (anyone may top up).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, topUpBond } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { bond } = await topUpBond(client, { operatorId: 0n, amount: "1.3" });
 * ```
 */
export async function topUpBond(client: CascadeClient, params: TopUpBondParams): Promise<TopUpBondResult> {
  const p = parse(topUpBondParams, params, "topUpBond");
  const receipt = await send(client, client.bonded, "topUpBond", [p.operatorId], p.amount);
  const ev = eventsIn(receipt, client.bonded, "BondDeposited")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    operatorId: p.operatorId,
    amount: p.amount,
    bond: ev ? (ev.args.bond as bigint) : 0n,
  };
}
