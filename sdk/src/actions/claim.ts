import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zAddress, zUint, type TxResult } from "./internal.js";

export const claimParams = z.object({
  /** Request id (`classId << 128 | index`), as returned by requestRedeem or listed by position. */
  requestId: zUint,
  /** Who gets the ETH; defaults to the signer. */
  receiver: zAddress.optional(),
});
export type ClaimParams = z.input<typeof claimParams>;
export interface ClaimResult extends TxResult {
  requestId: bigint;
  receiver: string;
  assets: bigint;
}

/**
 * Claims a finalized redemption's ETH. NotFinalized / AlreadyClaimed / NotController are
 * decoded from a simulation, before anything is sent.
 *
 * @example
 * ```ts
 * const { assets } = await claim(client, { requestId: 1n << 128n });
 * ```
 */
export async function claim(client: CascadeClient, params: ClaimParams): Promise<ClaimResult> {
  const p = parse(claimParams, params, "claim");
  const receiver = p.receiver ?? (await client.account());
  const receipt = await send(client, client.queue, "claim", [p.requestId, receiver]);
  const ev = eventsIn(receipt, client.queue, "Claimed")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    requestId: p.requestId,
    receiver,
    assets: ev ? (ev.args.assets as bigint) : 0n,
  };
}
