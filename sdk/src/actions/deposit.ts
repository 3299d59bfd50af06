import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zAddress, zClassId, zEth, zUint, type TxResult } from "./internal.js";

export const depositParams = z.object({
  /** Class id, 0 = most senior. */
  classId: zClassId,
  /** ETH to deposit: wei as bigint, or a decimal ETH string ("1.5"). */
  amount: zEth,
  /** Who receives the class tokens; defaults to the signer. */
  receiver: zAddress.optional(),
  /** Slippage guard: the least shares accepted (default 0). */
  minShares: zUint.optional(),
});
export type DepositParams = z.input<typeof depositParams>;
export interface DepositResult extends TxResult {
  classId: number;
  receiver: string;
  assets: bigint;
  shares: bigint;
}

/**
 * Deposits ETH into a yield class (CascadePool) and returns the shares minted. Reverts
 * (ClassClosed, CoverTooLow, DepositCapExceeded, Slippage …) are decoded before anything is sent.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, deposit } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { shares } = await deposit(client, { classId: 2, amount: "10" });
 * ```
 */
export async function deposit(client: CascadeClient, params: DepositParams): Promise<DepositResult> {
  const p = parse(depositParams, params, "deposit");
  const receiver = p.receiver ?? (await client.account());
  const receipt = await send(
    client,
    client.pool,
    "deposit",
    [p.classId, receiver, p.minShares ?? 0n],
    p.amount,
  );
  const ev = eventsIn(receipt, client.pool, "Deposited")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    classId: p.classId,
    receiver,
    assets: p.amount,
    shares: ev ? (ev.args.shares as bigint) : 0n,
  };
}
