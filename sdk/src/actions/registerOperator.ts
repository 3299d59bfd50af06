import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, zAddress, zEth, type TxResult } from "./internal.js";

export const registerOperatorParams = z.object({
  /** Human-readable name (emitted only). */
  name: z.string().trim().min(1, "name is required").max(64, "name is at most 64 characters"),
  /** Where rewards and withdrawn bond go; defaults to the signer. */
  rewardAddress: zAddress.optional(),
  /** Initial bond (wei or decimal ETH); keys become depositable once bonded (2.4 ETH first key by default). */
  bond: zEth.optional(),
});
export type RegisterOperatorParams = z.input<typeof registerOperatorParams>;
export interface RegisterOperatorResult extends TxResult {
  operatorId: bigint;
  manager: string;
  bond: bigint;
}

/**
 * Registers a permissionless operator in the bonded module; the signer becomes its manager.
 * Upload keys afterwards with {@link addKeys}.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, registerOperator } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { operatorId } = await registerOperator(client, { name: "Solo One", bond: "2.4" });
 * ```
 */
export async function registerOperator(
  client: CascadeClient,
  params: RegisterOperatorParams,
): Promise<RegisterOperatorResult> {
  const p = parse(registerOperatorParams, params, "registerOperator");
  const manager = await client.account();
  const receipt = await send(
    client,
    client.bonded,
    "registerOperator",
    [p.name, p.rewardAddress ?? manager, "0x", "0x"],
    p.bond ?? 0n,
  );
  const ev = eventsIn(receipt, client.bonded, "OperatorAdded")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    operatorId: ev!.args.operatorId as bigint,
    manager,
    bond: p.bond ?? 0n,
  };
}
