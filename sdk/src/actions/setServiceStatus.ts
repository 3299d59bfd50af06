import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { SERVICE_STATUS_VALUE, setServiceStatusParams } from "./governance.js";
import {
  SERVICE_STATUS,
  getServiceChecked,
  hasRegistryRole,
  parse,
  send,
  type ServiceStatusName,
  type TxResult,
} from "./internal.js";
import type { z } from "zod";

export type SetServiceStatusParams = z.input<typeof setServiceStatusParams>;
export interface SetServiceStatusResult extends TxResult {
  serviceId: number;
  from: ServiceStatusName;
  status: "active" | "paused" | "retired";
}

/**
 * Approves, pauses, resumes or retires a service directly, when the signer holds
 * SERVICE_MANAGER_ROLE (the deployer on a devnet). Otherwise it refuses before sending and points
 * at the timelock: `proposeCall(client, { calls: [governanceCalls.setServiceStatus(…)] })`.
 * Approval checks the redemption-delay rule of every exposed class on-chain (RedeemDelayTooShort).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, setServiceStatus } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await setServiceStatus(client, { serviceId: 0, status: "active" });
 * ```
 */
export async function setServiceStatus(
  client: CascadeClient,
  params: SetServiceStatusParams,
): Promise<SetServiceStatusResult> {
  const p = parse(setServiceStatusParams, params, "setServiceStatus");
  const s = await getServiceChecked(client, p.serviceId);
  const me = await client.account();
  if (!(await hasRegistryRole(client, "SERVICE_MANAGER_ROLE", me)))
    throw new InvalidInputError(
      `setServiceStatus: the signer ${me} does not hold SERVICE_MANAGER_ROLE; propose it through the timelock (cascade gov propose set-service-status ${p.serviceId} ${p.status})`,
    );
  const receipt = await send(client, client.registry, "setServiceStatus", [
    p.serviceId,
    SERVICE_STATUS_VALUE[p.status],
  ]);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: p.serviceId,
    from: SERVICE_STATUS[Number(s.status)]!,
    status: p.status,
  };
}
