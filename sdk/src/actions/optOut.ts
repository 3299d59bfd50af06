import type { CascadeClient } from "../client.js";
import { eventsIn, parse, send, type TxResult } from "./internal.js";
import { checkedOperator, optInParams, type OptInParams } from "./optIn.js";

export const optOutParams = optInParams;
export type OptOutParams = OptInParams;
export interface OptOutResult extends TxResult {
  serviceId: number;
  moduleId: number;
  operatorId: number;
  /** Unix time the opt-out takes effect: the operator stays slashable until then (slashing window). */
  effectiveAt: number;
}

/**
 * Opts an operator out of a service; the signer must be its manager. Effective after the
 * service's slashing window, during which the operator can still be slashed.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, optOut } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { effectiveAt } = await optOut(client, { serviceId: 0, module: "bonded", operatorId: 0 });
 * ```
 */
export async function optOut(client: CascadeClient, params: OptOutParams): Promise<OptOutResult> {
  const p = parse(optOutParams, params, "optOut");
  const { moduleId } = await checkedOperator(client, p, "optOut");
  const receipt = await send(client, client.registry, "optOut", [p.serviceId, moduleId, p.operatorId]);
  const ev = eventsIn(receipt, client.registry, "OptOutRequested")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: p.serviceId,
    moduleId,
    operatorId: p.operatorId,
    effectiveAt: Number(ev!.args.effectiveAt),
  };
}
