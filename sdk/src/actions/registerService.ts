import { ZeroAddress } from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { eventsIn, parse, send, zAddress, zBps, type TxResult } from "./internal.js";

/** The registry's bound on operators per service (`MAX_SERVICE_OPERATORS`). */
const MAX_SERVICE_OPERATORS = 32;

export const registerServiceParams = z.object({
  /** Lowest class exposed: class k secures the service iff tier ≤ k (1 = B and below, …). */
  tier: z.coerce
    .number({ invalid_type_error: "tier must be a number" })
    .int()
    .min(1, "tier must be ≥ 1")
    .max(7, "tier must be ≤ 7"),
  /** Most a single incident may slash, in bps of the operator's allocated stake. */
  maxSlashBps: zBps("maxSlashBps", 1),
  /** Seconds an operator stays slashable after opting out or being deallocated. */
  slashingWindow: z.coerce
    .number()
    .int()
    .min(0, "slashingWindow must be ≥ 0")
    .max(2 ** 32 - 1),
  /** Seconds the veto committee has to cancel a slash request. */
  vetoWindow: z.coerce
    .number()
    .int()
    .min(0, "vetoWindow must be ≥ 0")
    .max(2 ** 32 - 1),
  minOperators: z.coerce
    .number()
    .int()
    .min(1, "minOperators must be ≥ 1")
    .max(MAX_SERVICE_OPERATORS, `minOperators must be ≤ ${MAX_SERVICE_OPERATORS}`),
  maxOperatorShareBps: zBps("maxOperatorShareBps", 1),
  /** Who may request slashes (default: the signer). */
  slasher: zAddress.optional(),
  /** Receiver of slashed ETH; the zero address burns it (default: the signer). */
  recipient: zAddress.optional(),
});
export type RegisterServiceParams = z.input<typeof registerServiceParams>;
export interface RegisterServiceResult extends TxResult {
  serviceId: number;
  /** Every service starts Pending; governance approves it with `setServiceStatus(id, "active")`. */
  status: "pending";
  /** Wei paid (the registry's `registrationFee`, booked as the service's rewards). */
  fee: bigint;
  params: {
    tier: number;
    maxSlashBps: number;
    slashingWindow: number;
    vetoWindow: number;
    minOperators: number;
    maxOperatorShareBps: number;
    slasher: string;
    recipient: string;
  };
}

/**
 * Registers a restaked service (anyone, paying the registry's `registrationFee`). It stays Pending, unallocated and unable to pay or
 * slash until governance approves it. The parameters are checked here with the contract's rules,
 * so a bad one is named before anything is sent.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, registerService } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { serviceId } = await registerService(client, {
 *   tier: 2, maxSlashBps: 2000, slashingWindow: 3600, vetoWindow: 3600,
 *   minOperators: 2, maxOperatorShareBps: 8000,
 * });
 * ```
 */
export async function registerService(
  client: CascadeClient,
  params: RegisterServiceParams,
): Promise<RegisterServiceResult> {
  const p = parse(registerServiceParams, params, "registerService");
  const me = await client.account();
  const full = {
    tier: p.tier,
    maxSlashBps: p.maxSlashBps,
    slashingWindow: p.slashingWindow,
    vetoWindow: p.vetoWindow,
    minOperators: p.minOperators,
    maxOperatorShareBps: p.maxOperatorShareBps,
    slasher: p.slasher ?? me,
    recipient: p.recipient ?? me,
  };
  if (full.slasher === ZeroAddress) {
    // The contract refuses it too (InvalidServiceParams); say which field.
    throw new InvalidInputError("registerService: slasher must not be the zero address");
  }
  // Registration pays exactly the registry's fee (booked as the service's rewards).
  const fee: bigint = await client.registry.registrationFee();
  const receipt = await send(client, client.registry, "registerService", [full], fee);
  const ev = eventsIn(receipt, client.registry, "ServiceRegistered")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    serviceId: Number(ev!.args.serviceId),
    status: "pending",
    fee,
    params: full,
  };
}
