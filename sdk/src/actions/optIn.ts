import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { BondedModuleAbi } from "../abi/index.js";
import { Contract } from "ethers";
import {
  SERVICE_STATUS,
  getServiceChecked,
  parse,
  read,
  resolveModuleId,
  send,
  zId,
  zModule,
  type TxResult,
} from "./internal.js";

export const optInParams = z.object({
  serviceId: zId("service id"),
  /** Router module id, or "curated" / "bonded". */
  module: zModule,
  operatorId: zId("operator id"),
});
export type OptInParams = z.input<typeof optInParams>;
export interface OptInResult extends TxResult {
  serviceId: number;
  moduleId: number;
  operatorId: number;
}

/**
 * Resolves the (module, operator) of an opt-in/out and checks the signer is its manager, the
 * only account the registry accepts (NotOperatorManager otherwise). Shared with {@link optOut}.
 */
export async function checkedOperator(
  client: CascadeClient,
  p: z.output<typeof optInParams>,
  what: string,
): Promise<{ moduleId: number; status: number; slashingWindow: number }> {
  const s = await getServiceChecked(client, p.serviceId);
  const moduleId = await resolveModuleId(client, p.module);
  const mod = await read(client, () => client.router.getModule(moduleId));
  const module = new Contract(String(mod.module), BondedModuleAbi as never, client.provider);
  const count = Number(await read(client, () => module.getFunction("operatorCount")()));
  if (p.operatorId >= count)
    throw new InvalidInputError(
      `${what}: unknown operator ${p.operatorId} of module ${moduleId} (there are ${count})`,
    );
  const manager = String(await read(client, () => module.getFunction("operatorManager")(p.operatorId)));
  const me = await client.account();
  if (manager.toLowerCase() !== me.toLowerCase())
    throw new InvalidInputError(
      `${what}: the signer ${me} is not the manager of operator ${p.operatorId} of module ${moduleId} (${manager})`,
    );
  return { moduleId, status: Number(s.status), slashingWindow: Number(s.params.slashingWindow) };
}

/**
 * Opts an operator in to an Active service; the signer must be the operator's manager. The
 * operator becomes eligible for the allocator's `setAllocation` and slashable by the service.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, optIn } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * await optIn(client, { serviceId: 0, module: "bonded", operatorId: 0 });
 * ```
 */
export async function optIn(client: CascadeClient, params: OptInParams): Promise<OptInResult> {
  const p = parse(optInParams, params, "optIn");
  const { moduleId, status } = await checkedOperator(client, p, "optIn");
  if (SERVICE_STATUS[status] !== "active")
    throw new InvalidInputError(`optIn: service ${p.serviceId} is ${SERVICE_STATUS[status]}, not active`);
  const receipt = await send(client, client.registry, "optIn", [p.serviceId, moduleId, p.operatorId]);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: p.serviceId,
    moduleId,
    operatorId: p.operatorId,
  };
}
