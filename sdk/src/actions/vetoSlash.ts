import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import {
  SLASH_STATUS,
  chainNow,
  getSlashChecked,
  hasRegistryRole,
  parse,
  read,
  send,
  zId,
  type TxResult,
} from "./internal.js";

export const vetoSlashParams = z.object({ slashId: zId("slash id") });
export type VetoSlashParams = z.input<typeof vetoSlashParams>;
export interface VetoSlashResult extends TxResult {
  slashId: number;
  /** Bond unlocked for the operator. */
  unlockedBond: bigint;
}

/**
 * Cancels a pending slash within its veto window (VETO_ROLE). Refused before sending when the
 * signer lacks the role, the slash is not pending or the window is over.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, vetoSlash } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.VETO_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await vetoSlash(client, { slashId: 0 });
 * ```
 */
export async function vetoSlash(client: CascadeClient, params: VetoSlashParams): Promise<VetoSlashResult> {
  const p = parse(vetoSlashParams, params, "vetoSlash");
  const r = await getSlashChecked(client, p.slashId);
  const status = SLASH_STATUS[Number(r.status)];
  if (status !== "requested")
    throw new InvalidInputError(`vetoSlash: slash ${p.slashId} is ${status}, not pending`);
  const me = await client.account();
  if (!(await hasRegistryRole(client, "VETO_ROLE", me)))
    throw new InvalidInputError(`vetoSlash: the signer ${me} does not hold VETO_ROLE`);
  const s = await read(client, () => client.registry.getService(r.serviceId));
  const endsAt = Number(r.requestedAt) + Number(s.params.vetoWindow);
  // The next block is at least one second later than the latest one.
  if ((await chainNow(client)) + 1 >= endsAt)
    throw new InvalidInputError(
      `vetoSlash: the veto window of slash ${p.slashId} is over (ended ${new Date(endsAt * 1000).toISOString()})`,
    );
  const receipt = await send(client, client.registry, "vetoSlash", [p.slashId]);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    slashId: p.slashId,
    unlockedBond: BigInt(r.lockedBond),
  };
}
