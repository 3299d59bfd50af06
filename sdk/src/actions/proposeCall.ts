import { ZeroHash, id as keccakText } from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { parse, read, send, zAddress, zUint } from "./internal.js";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex");
export const timelockOpParams = z.object({
  calls: z
    .array(
      z.object({
        target: zAddress,
        value: zUint.default(0n),
        data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/),
        label: z.string().optional(),
      }),
    )
    .min(1, "at least one call"),
  /** Free text hashed into the salt, so the same calls can be proposed again (default ""). */
  description: z.string().default(""),
  predecessor: bytes32.default(ZeroHash),
  /** Seconds; defaults to the timelock's minimum delay. */
  delay: zUint.optional(),
  /** Return the encoded calls without sending. */
  dryRun: z.boolean().default(false),
});
export type TimelockOpParams = z.input<typeof timelockOpParams>;

export interface TimelockOpResult {
  operationId: string;
  salt: string;
  targets: string[];
  values: bigint[];
  payloads: string[];
  labels: string[];
  /** The timelock call itself (scheduleBatch / executeBatch), to send from a multisig if wanted. */
  timelockCall: { to: string; data: string };
  /** Operation state after this action. */
  state: "dry-run" | "pending" | "ready" | "done" | "unset";
  /** Unix time the operation becomes executable (0 when not scheduled). */
  readyAt: bigint;
  txHash?: string;
}

export function prepare(client: CascadeClient, params: TimelockOpParams, what: string) {
  const p = parse(timelockOpParams, params, what);
  const targets = p.calls.map((c) => c.target);
  const values = p.calls.map((c) => c.value);
  const payloads = p.calls.map((c) => c.data);
  const labels = p.calls.map((c) => c.label ?? `${c.target}.call`);
  const salt = keccakText(p.description);
  return { p, targets, values, payloads, labels, salt };
}

export async function opState(
  client: CascadeClient,
  operationId: string,
): Promise<{ state: TimelockOpResult["state"]; readyAt: bigint }> {
  const tl = client.timelock;
  const readyAt = (await read(client, () => tl.getTimestamp(operationId))) as bigint;
  if ((await read(client, () => tl.isOperationDone(operationId))) as boolean)
    return { state: "done", readyAt };
  if ((await read(client, () => tl.isOperationReady(operationId))) as boolean)
    return { state: "ready", readyAt };
  if ((await read(client, () => tl.isOperationPending(operationId))) as boolean)
    return { state: "pending", readyAt };
  return { state: "unset", readyAt };
}

/**
 * Schedules calls on the TimelockController (`scheduleBatch`); execute them with
 * {@link executeProposal} once the delay has passed. `dryRun` returns the encoded calls only.
 * The signer needs the timelock's PROPOSER_ROLE, and the timelock the roles the calls need.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, governanceCalls, proposeCall } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const call = governanceCalls.setClassOpen(client, { classId: 2, open: false });
 * const { operationId, readyAt } = await proposeCall(client, { calls: [call], description: "close C" });
 * ```
 */
export async function proposeCall(
  client: CascadeClient,
  params: TimelockOpParams,
): Promise<TimelockOpResult> {
  const { p, targets, values, payloads, labels, salt } = prepare(client, params, "proposeCall");
  const tl = client.timelock;
  const minDelay = (await read(client, () => tl.getMinDelay())) as bigint;
  const delay = p.delay ?? minDelay;
  if (delay < minDelay)
    throw new InvalidInputError(`proposeCall: delay ${delay}s is below the timelock's minimum ${minDelay}s`);
  const operationId = (await read(client, () =>
    tl.hashOperationBatch(targets, values, payloads, p.predecessor, salt),
  )) as string;
  const args = [targets, values, payloads, p.predecessor, salt, delay];
  const timelockCall = {
    to: String(tl.target),
    data: tl.interface.encodeFunctionData("scheduleBatch", args),
  };
  const base = { operationId, salt, targets, values, payloads, labels, timelockCall };
  if (p.dryRun) return { ...base, state: "dry-run", readyAt: 0n };
  const receipt = await send(client, tl, "scheduleBatch", args);
  return { ...base, ...(await opState(client, operationId)), txHash: receipt.hash };
}
