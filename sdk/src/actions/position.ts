import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { requestClassOf } from "./claim.js";
import { parse, read, zAddress } from "./internal.js";

export const positionParams = z.object({
  /** Whose position; defaults to the signer. */
  address: zAddress.optional(),
  fromBlock: z.coerce
    .number({ invalid_type_error: "fromBlock must be a block number" })
    .int()
    .min(0, "fromBlock must be ≥ 0")
    .optional(),
});
export type PositionParams = z.input<typeof positionParams>;

export type RequestStatus = "pending" | "claimable" | "claimed";
export interface RedemptionRequest {
  requestId: bigint;
  classId: number;
  shares: bigint;
  /** Value at request while pending (an upper bound), the locked ETH once finalized, the ETH
   * paid once claimed (from the `Claimed` event). */
  assets: bigint;
  status: RequestStatus;
  requestedAt: number;
}
export interface PositionResult {
  address: string;
  classes: { classId: number; symbol: string; shares: bigint; value: bigint }[];
  totalValue: bigint;
  requests: RedemptionRequest[];
}

/**
 * Shares and ETH value per class, plus every redemption request whose controller is `address`
 * (from `RedeemRequest` events filtered by controller) with its status.
 *
 * @example
 * ```ts
 * import { createCascadeClient, position } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const pos = await position(client, { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" });
 * for (const r of pos.requests) console.log(r.requestId, r.status);
 * ```
 */
export async function position(client: CascadeClient, params: PositionParams = {}): Promise<PositionResult> {
  const p = parse(positionParams, params, "position");
  const who = p.address ?? (await client.account());
  const count = Number(await read(client, () => client.book.classCount()));
  const classes = [];
  let totalValue = 0n;
  for (let k = 0; k < count; k++) {
    const token = await client.token(k);
    const shares = (await read(client, () => token.balanceOf(who))) as bigint;
    const value =
      shares === 0n ? 0n : ((await read(client, () => client.book.convertToAssets(k, shares))) as bigint);
    totalValue += value;
    classes.push({ classId: k, symbol: (await read(client, () => token.symbol())) as string, shares, value });
  }
  const logs = await read(client, () =>
    client.queue.queryFilter(client.queue.filters.RedeemRequest!(who), p.fromBlock ?? 0, "latest"),
  );
  const requests: RedemptionRequest[] = [];
  for (const log of logs) {
    const { requestId: id, shares: requested } = (
      log as unknown as { args: { requestId: bigint; shares: bigint } }
    ).args;
    const r = await read(client, () => client.queue.getRequest(id));
    let assets = BigInt(r.assets);
    let shares = BigInt(r.shares);
    let requestedAt = Number(r.requestedAt);
    if (r.claimed) {
      // A claim clears the request's slot on chain (the storage refund pays for the claim):
      // the shares are in its `RedeemRequest` event, the time is that event's block's, and the
      // ETH paid is in its `Claimed` event.
      shares = requested;
      const block = await read(client, () => client.provider.getBlock(log.blockNumber));
      requestedAt = block?.timestamp ?? 0;
      const paid = await read(client, () =>
        client.queue.queryFilter(client.queue.filters.Claimed!(id), p.fromBlock ?? 0, "latest"),
      );
      if (paid.length) assets = (paid[0] as unknown as { args: { assets: bigint } }).args.assets;
    }
    requests.push({
      requestId: id,
      classId: requestClassOf(id),
      shares,
      assets,
      status: r.claimed ? "claimed" : r.finalized ? "claimable" : "pending",
      requestedAt,
    });
  }
  return { address: who, classes, totalValue, requests };
}
