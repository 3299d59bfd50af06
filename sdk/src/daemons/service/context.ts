/**
 * What every daemon step starts with: a provider that is on the expected chain, and the signer's
 * address. A node on the wrong chain (a restarted devnet with another chain id, a misconfigured
 * URL) makes the step wait: nothing is read from it, nothing is signed or sent.
 */
import { id, type Provider, type Signer } from "ethers";
import { wait, type StepOutcome } from "./loop.js";

export interface DaemonContext {
  /** A JSON-RPC provider (`send` is used for the uncached chain id when present). */
  provider: Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  signer: Signer;
  /** The chain the addresses belong to (from the deployments file or --chain-id). */
  chainId: bigint;
}

/** `undefined` when the node answers with the expected chain id, else the wait outcome. */
export async function checkChain(ctx: DaemonContext): Promise<StepOutcome | undefined> {
  // Asked every step, uncached: a node restarted under the same URL may be another chain.
  const got = ctx.provider.send
    ? BigInt((await ctx.provider.send("eth_chainId", [])) as string)
    : (await ctx.provider.getNetwork()).chainId;
  if (got !== ctx.chainId)
    return wait(`the RPC node is on chain ${got}, the deployment is on chain ${ctx.chainId}`, {
      chainId: got.toString(),
      expected: ctx.chainId.toString(),
    });
  return undefined;
}

/**
 * Did `e` revert with one of the custom errors `signatures` (e.g. `"AlreadyVoted(address,bytes32)"`)?
 * Matched on the 4-byte selector of the revert data, so the caller's ABI need not declare them.
 */
export function revertedWith(e: unknown, ...signatures: string[]): boolean {
  const selectors = signatures.map((s) => id(s).slice(0, 10));
  const seen: string[] = [];
  const walk = (x: unknown, depth: number) => {
    if (!x || typeof x !== "object" || depth > 4) return;
    const o = x as Record<string, unknown>;
    if (typeof o.data === "string") seen.push(o.data.toLowerCase());
    for (const k of ["error", "info", "cause", "revert"]) walk(o[k], depth + 1);
  };
  walk(e, 0);
  const msg = String((e as { message?: string })?.message ?? "");
  return (
    seen.some((d) => selectors.some((s) => d.startsWith(s))) ||
    signatures.some((s) => msg.includes(s.split("(")[0]))
  );
}
