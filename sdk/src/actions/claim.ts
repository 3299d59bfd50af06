import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zAddress, zUint, type TxResult } from "./internal.js";

const INDEX_MASK = (1n << 64n) - 1n;
const CLASS_MASK = (1n << 32n) - 1n;

/** A request id: `controller << 96 | classId << 64 | index` (what requestRedeem returns). */
export function requestIdOf(controller: string, classId: bigint | number, index: bigint | number): bigint {
  return (BigInt(controller) << 96n) | ((BigInt(classId) & CLASS_MASK) << 64n) | (BigInt(index) & INDEX_MASK);
}

/** The class of a request id. */
export function requestClassOf(id: bigint): number {
  return Number((id >> 64n) & CLASS_MASK);
}

/** The index in its class queue of a request id. */
export function requestIndexOf(id: bigint): bigint {
  return id & INDEX_MASK;
}

/**
 * A request id: the full id, or the short form "classId:index" ("2:0"), which leaves the
 * controller part zero (`claim` fills in the signer: only the controller can claim).
 */
export const zRequestId = z.union([
  z
    .string()
    .regex(/^\d+:\d+$/)
    .transform((s) => {
      const [c, i] = s.split(":").map(BigInt) as [bigint, bigint];
      return ((c & CLASS_MASK) << 64n) | (i & INDEX_MASK);
    }),
  zUint,
]);

/** "classId:index" form of a request id, for tables. */
export function shortRequestId(id: bigint): string {
  return `${requestClassOf(id)}:${requestIndexOf(id)}`;
}

export const claimParams = z.object({
  /** Request id as returned by requestRedeem, or "classId:index" (the signer's request there). */
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
  const me = await client.account();
  const receiver = p.receiver ?? me;
  // The short form names a queue position; the id adds its controller, who alone can claim.
  const requestId =
    p.requestId >> 96n === 0n
      ? requestIdOf(me, requestClassOf(p.requestId), requestIndexOf(p.requestId))
      : p.requestId;
  const receipt = await send(client, client.queue, "claim", [requestId, receiver]);
  const ev = eventsIn(receipt, client.queue, "Claimed")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    requestId,
    receiver,
    assets: ev ? (ev.args.assets as bigint) : 0n,
  };
}
