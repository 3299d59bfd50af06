import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { read, send, type TxResult } from "./internal.js";

export interface ClaimServicePayoutResult extends TxResult {
  /** Wei paid to the signer (a service's slash recipient). */
  amount: bigint;
  /** Service slash ETH the pool still owes (repaid first at the next reports). */
  debt: bigint;
}

/**
 * Withdraws the slashed ETH the pool credited to the signer as a service's recipient.
 * Refused before sending when nothing is credited (say how much is still owed as debt).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, claimServicePayout } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.RECIPIENT_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { amount } = await claimServicePayout(client);
 * ```
 */
export async function claimServicePayout(client: CascadeClient): Promise<ClaimServicePayoutResult> {
  const me = await client.account();
  const owed = BigInt(await read(client, () => client.pool.servicePayoutOf(me)));
  const debt = BigInt(await read(client, () => client.pool.debt()));
  if (owed === 0n)
    throw new InvalidInputError(
      `claimServicePayout: nothing credited to ${me}${debt > 0n ? ` (pool debt ${debt} wei is repaid at the next reports)` : ""}`,
    );
  const receipt = await send(client, client.pool, "claimServicePayout", []);
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber, amount: owed, debt };
}
