import { id, isHexString } from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import {
  eventsIn,
  getServiceChecked,
  parse,
  read,
  resolveModuleId,
  send,
  zBps,
  zId,
  zModule,
  type TxResult,
} from "./internal.js";

export const requestSlashParams = z.object({
  serviceId: zId("service id"),
  /** Router module id, or "curated" / "bonded". */
  module: zModule,
  operatorId: zId("operator id"),
  /** Share of the operator's allocated stake, 1…maxSlashBps of the service. */
  bps: zBps("bps", 1),
  /** A 32-byte hex hash of the evidence, or any text (hashed with keccak256). */
  evidence: z.string().min(1, "evidence is required"),
});
export type RequestSlashParams = z.input<typeof requestSlashParams>;
export interface RequestSlashResult extends TxResult {
  slashId: number;
  serviceId: number;
  moduleId: number;
  operatorId: number;
  bps: number;
  evidence: string;
  /** stake · bps / 10⁴ at request time (the bond locked for it); execution recomputes it. */
  /** `bps` of the operator's stake in the service now (bond first, then the exposed classes). */
  expectedAmount: bigint;
  /** Bond the module locked for it (≤ expectedAmount; 0 for operators without a bond). */
  bondLocked: bigint;
  /** Unix time after which anyone can execute it (requestedAt + vetoWindow). */
  executableAt: number;
}

/**
 * Requests a slash of `bps` of an operator's stake in a service. Only the service's slasher may;
 * the SDK checks the signer, the bps bound and that the operator has stake in the service before
 * sending. The operator's bond is locked for the expected amount until execution or veto.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, requestSlash } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.SLASHER_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { slashId, executableAt } = await requestSlash(client, {
 *   serviceId: 1, module: "bonded", operatorId: 0, bps: 2000, evidence: "double-sign at slot 123",
 * });
 * ```
 */
export async function requestSlash(
  client: CascadeClient,
  params: RequestSlashParams,
): Promise<RequestSlashResult> {
  const p = parse(requestSlashParams, params, "requestSlash");
  const s = await getServiceChecked(client, p.serviceId);
  const me = await client.account();
  const slasher = String(s.params.slasher);
  if (slasher.toLowerCase() !== me.toLowerCase())
    throw new InvalidInputError(
      `requestSlash: the signer ${me} is not service ${p.serviceId}'s slasher (${slasher})`,
    );
  const max = Number(s.params.maxSlashBps);
  if (p.bps > max)
    throw new InvalidInputError(
      `requestSlash: bps ${p.bps} is above service ${p.serviceId}'s maxSlashBps ${max}`,
    );
  const moduleId = await resolveModuleId(client, p.module);
  const stake = BigInt(
    await read(client, () => client.registry.stakeOf(p.serviceId, moduleId, p.operatorId)),
  );
  if (stake === 0n)
    throw new InvalidInputError(
      `requestSlash: operator ${p.operatorId} of module ${moduleId} has no stake in service ${p.serviceId}`,
    );
  const evidence = isHexString(p.evidence, 32) ? p.evidence : id(p.evidence);
  const receipt = await send(client, client.registry, "requestSlash", [
    p.serviceId,
    moduleId,
    p.operatorId,
    p.bps,
    evidence,
  ]);
  const ev = eventsIn(receipt, client.registry, "SlashRequested")[0];
  const slashId = Number(ev!.args.slashId);
  const r = await client.registry.getSlash(slashId);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    slashId,
    serviceId: p.serviceId,
    moduleId,
    operatorId: p.operatorId,
    bps: p.bps,
    evidence,
    expectedAmount: (stake * BigInt(p.bps)) / 10_000n,
    bondLocked: BigInt(r.lockedBond),
    executableAt: Number(r.requestedAt) + Number(s.params.vetoWindow),
  };
}
