import type { CascadeClient } from "../client.js";
import { CascadeError } from "../errors.js";
import { opState, prepare, type TimelockOpParams, type TimelockOpResult } from "./proposeCall.js";
import { send } from "./internal.js";

/**
 * Executes a scheduled timelock operation (`executeBatch`) — same calls and description as
 * {@link proposeCall}. Refuses before sending if it is not ready (too early, unknown, done).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, governanceCalls, executeProposal } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const call = governanceCalls.setClassOpen(client, { classId: 2, open: false });
 * await executeProposal(client, { calls: [call], description: "close C" });
 * ```
 */
export async function executeProposal(
  client: CascadeClient,
  params: TimelockOpParams,
): Promise<TimelockOpResult> {
  const { p, targets, values, payloads, labels, salt } = prepare(client, params, "executeProposal");
  const tl = client.timelock;
  const operationId = (await tl.hashOperationBatch(targets, values, payloads, p.predecessor, salt)) as string;
  const args = [targets, values, payloads, p.predecessor, salt];
  const timelockCall = { to: String(tl.target), data: tl.interface.encodeFunctionData("executeBatch", args) };
  const base = { operationId, salt, targets, values, payloads, labels, timelockCall };
  const before = await opState(client, operationId);
  if (p.dryRun) return { ...base, ...before, state: "dry-run" };
  if (before.state !== "ready") {
    const why =
      before.state === "pending"
        ? notReadyReason(
            before.readyAt,
            BigInt((await client.provider.getBlock("latest"))?.timestamp ?? 0),
            BigInt(Math.floor(Date.now() / 1000)),
          )
        : before.state === "done"
          ? "already executed"
          : "not scheduled (propose it first, with the same calls and description)";
    throw new CascadeError(`executeProposal: operation ${operationId.slice(0, 10)}… ${why}`);
  }
  const value = values.reduce((a, b) => a + b, 0n);
  const receipt = await send(client, tl, "executeBatch", args, value === 0n ? undefined : value);
  return { ...base, ...(await opState(client, operationId)), txHash: receipt.hash };
}

const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();

/**
 * Why a pending operation cannot execute yet, comparing its eta with both clocks: the timelock
 * checks the latest block's timestamp, which on an idle devnet (no block mined since) lags the
 * wall clock. Says which one it waits for.
 *
 * @example
 * ```ts
 * import { notReadyReason } from "./executeProposal.js";
 * console.log(notReadyReason(1_000n, 900n, 1_100n)); // "…the latest block is at … mine a block…"
 * ```
 */
export function notReadyReason(readyAt: bigint, latestBlockTime: bigint, now: bigint): string {
  if (readyAt > now)
    return `not ready until ${iso(readyAt)} (${readyAt - now} s from now by the clock; the timelock then needs a block at or after it)`;
  return `not ready on chain: its eta ${iso(readyAt)} has passed by the clock, but the latest block is at ${iso(latestBlockTime)} and the timelock checks block time: send any transaction or mine a block (\`cascade devnet time 1s\` on a devnet), then execute again`;
}
