import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import {
  SLASH_STATUS,
  chainNow,
  eventsIn,
  getSlashChecked,
  parse,
  read,
  send,
  zId,
  type TxResult,
} from "./internal.js";

export const executeSlashParams = z.object({ slashId: zId("slash id") });
export type ExecuteSlashParams = z.input<typeof executeSlashParams>;
export interface ExecuteSlashResult extends TxResult {
  slashId: number;
  serviceId: number;
  moduleId: number;
  operatorId: number;
  /** Wei slashed: the operator's bond first, then the exposed classes junior first. */
  amount: bigint;
}

/**
 * Executes a pending slash once its veto window is over (anyone: keepers). The loss is booked at
 * once: bond first, then classes K−1 … tier; ETH is paid from buffered or recorded as debt.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, executeSlash } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { amount } = await executeSlash(client, { slashId: 0 });
 * ```
 */
export async function executeSlash(
  client: CascadeClient,
  params: ExecuteSlashParams,
): Promise<ExecuteSlashResult> {
  const p = parse(executeSlashParams, params, "executeSlash");
  const r = await getSlashChecked(client, p.slashId);
  const status = SLASH_STATUS[Number(r.status)];
  if (status !== "requested")
    throw new InvalidInputError(`executeSlash: slash ${p.slashId} is ${status}, not pending`);
  const s = await read(client, () => client.registry.getService(r.serviceId));
  const endsAt = Number(r.requestedAt) + Number(s.params.vetoWindow);
  // The next block is at least one second after the latest; a later one only helps.
  if ((await chainNow(client)) + 1 < endsAt)
    throw new InvalidInputError(
      `executeSlash: the veto window of slash ${p.slashId} is open until ${new Date(endsAt * 1000).toISOString()}`,
    );
  const receipt = await send(client, client.registry, "executeSlash", [p.slashId]);
  const ev = eventsIn(receipt, client.registry, "SlashExecuted")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    slashId: p.slashId,
    serviceId: Number(r.serviceId),
    moduleId: Number(r.moduleId),
    operatorId: Number(r.operatorId),
    amount: BigInt(ev!.args.amount),
  };
}
