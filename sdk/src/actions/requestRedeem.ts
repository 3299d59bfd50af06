import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { eventsIn, parse, read, send, zAddress, zClassId, zShares, type TxResult } from "./internal.js";

export const requestRedeemParams = z.object({
  classId: zClassId,
  /** Shares to redeem: bigint (18-decimal units) or a decimal token string ("2.5"). */
  shares: zShares,
  /** Who may claim; defaults to the signer. */
  controller: zAddress.optional(),
  /** Whose tokens; defaults to the signer (otherwise needs an allowance). */
  owner: zAddress.optional(),
});
export type RequestRedeemParams = z.input<typeof requestRedeemParams>;
export interface RequestRedeemResult extends TxResult {
  requestId: bigint;
  classId: number;
  shares: bigint;
  /** Value of the shares at request (the most the claim can pay). */
  assetsAtRequest: bigint;
}

/**
 * Requests an asynchronous redemption (ERC-7540 shaped): the shares go to escrow now and their
 * ETH is locked by the first report after the class's redeem delay; then {@link claim}.
 * Checks the owner's balance before sending.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, requestRedeem } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { requestId } = await requestRedeem(client, { classId: 1, shares: "5" });
 * ```
 */
export async function requestRedeem(
  client: CascadeClient,
  params: RequestRedeemParams,
): Promise<RequestRedeemResult> {
  const p = parse(requestRedeemParams, params, "requestRedeem");
  const me = await client.account();
  const owner = p.owner ?? me;
  const controller = p.controller ?? me;
  const token = await read(client, () => client.token(p.classId));
  const balance: bigint = await read(client, () => token.balanceOf(owner));
  if (balance < p.shares) {
    throw new InvalidInputError(
      `requestRedeem: ${owner} holds ${balance} shares of class ${p.classId}, asked ${p.shares}`,
    );
  }
  const assetsAtRequest: bigint = await read(client, () => client.book.convertToAssets(p.classId, p.shares));
  const receipt = await send(client, client.queue, "requestRedeem", [p.classId, p.shares, controller, owner]);
  const ev = eventsIn(receipt, client.queue, "RedeemRequest")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    requestId: ev!.args.requestId as bigint,
    classId: p.classId,
    shares: p.shares,
    assetsAtRequest,
  };
}
