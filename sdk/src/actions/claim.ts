import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zAddress, zUint, type TxResult } from "./internal.js";

/** A request id: the full `classId << 128 | index`, or the short form "classId:index" ("2:0"). */
export const zRequestId = z.union([
  z
    .string()
    .regex(/^\d+:\d+$/)
    .transform((s) => {
      const [c, i] = s.split(":").map(BigInt) as [bigint, bigint];
      return (c << 128n) | i;
    }),
  zUint,
]);

/** "classId:index" form of a request id, for tables. */
export function shortRequestId(id: bigint): string {
  return `${id >> 128n}:${id & ((1n << 128n) - 1n)}`;
}

export const claimParams = z.object({
  /** Request id: `classId << 128 | index` as returned by requestRedeem, or "classId:index". */
  requestId: zRequestId,
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
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, claim } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { assets } = await claim(client, { requestId: "2:0" });
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
