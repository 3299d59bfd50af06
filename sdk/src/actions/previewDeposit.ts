import { formatEther } from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { toSharesDown } from "../model/shares.js";
import { parse, read, zClassId, zEth } from "./internal.js";

export const previewDepositParams = z.object({
  classId: zClassId,
  /** wei (bigint) or decimal ETH ("1.5") */
  amount: zEth,
});
export type PreviewDepositParams = z.input<typeof previewDepositParams>;
export interface PreviewDepositResult {
  classId: number;
  amount: bigint;
  /** Shares the deposit would mint now (the model's toSharesDown, same rounding as the contract). */
  shares: bigint;
  /** The revert the deposit would hit, e.g. "CoverTooLow(0, 2000, 2500)"; null if it would succeed. */
  wouldRevert: string | null;
  coverBpsAfter: bigint | null;
  minCoverBps: number;
  warnings: string[];
  /** Pending slashes on services exposing this class (tier ≤ class id): a deposit now shares them. */
  pendingSlashes: { slashId: number; serviceId: number; expectedAmount: bigint; executableAt: number }[];
}

/**
 * Predicts a deposit without sending it: shares via the reference model's `toSharesDown`, and
 * the revert it would hit (ClassClosed, ClassIsWiped, ZeroShares, DepositCapExceeded,
 * CoverTooLow with the cover after the deposit), and a warning per pending service slash that
 * would land on the class (DESIGN §12: joining a class while a slash is pending).
 *
 * @example
 * ```ts
 * import { createCascadeClient, previewDeposit } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const p = await previewDeposit(client, { classId: 0, amount: "100" });
 * if (p.wouldRevert) console.log("would fail:", p.wouldRevert);
 * ```
 */
export async function previewDeposit(
  client: CascadeClient,
  params: PreviewDepositParams,
): Promise<PreviewDepositResult> {
  const p = parse(previewDepositParams, params, "previewDeposit");
  const count = Number(await read(client, () => client.book.classCount()));
  if (p.classId >= count) throw new InvalidInputError(`unknown class ${p.classId} (there are ${count})`);
  const c = await read(client, () => client.book.getClass(p.classId));
  const navs = (await read(client, () => client.book.navs())) as bigint[];
  const nav = BigInt(c.nav);
  const supply = BigInt(c.supply);
  const shares = toSharesDown(p.amount, nav, supply);
  const navAfter = nav + p.amount;
  const cap = BigInt(c.params.depositCap);
  const minCover = Number(c.params.minCoverBps);
  const junior = navs.slice(p.classId + 1).reduce((a, b) => a + b, 0n);
  const coverBpsAfter = minCover === 0 ? null : (junior * 10_000n) / navAfter;
  let wouldRevert: string | null = null;
  if (c.wiped) wouldRevert = `ClassIsWiped(${p.classId})`;
  else if (!c.open) wouldRevert = `ClassClosed(${p.classId})`;
  else if (shares === 0n) wouldRevert = "ZeroShares()";
  else if (cap !== 0n && navAfter > cap)
    wouldRevert = `DepositCapExceeded(${p.classId}, ${navAfter}, ${cap})`;
  else if (minCover !== 0 && junior * 10_000n < navAfter * BigInt(minCover))
    wouldRevert = `CoverTooLow(${p.classId}, ${coverBpsAfter}, ${minCover})`;
  const warnings: string[] = [];
  const pendingSlashes: PreviewDepositResult["pendingSlashes"] = [];
  if (p.classId > 0) warnings.push(`class ${p.classId} absorbs losses before classes 0…${p.classId - 1}`);
  // DESIGN §12: a slash due on a service this class secures lands on it at execution; a depositor
  // joining now shares that loss, so say so (pending slashes are public views).
  if (client.addresses.serviceRegistry) {
    const pending = (await read(client, () => client.registry.pendingSlashes())) as bigint[];
    for (const id of [...pending].map(Number).sort((a, b) => a - b)) {
      const r = await read(client, () => client.registry.getSlash(id));
      const s = await read(client, () => client.registry.getService(r.serviceId));
      const tier = Number(s.params.tier);
      if (tier > p.classId) continue;
      const executableAt = Number(r.requestedAt) + Number(s.params.vetoWindow);
      // The slash takes `bps` of the operator's stake in the service (bond first, then classes).
      const stake = (await read(client, () =>
        client.registry.stakeOf(r.serviceId, r.moduleId, r.operatorId),
      )) as bigint;
      const expectedAmount = (stake * BigInt(r.bps)) / 10_000n;
      pendingSlashes.push({ slashId: id, serviceId: Number(r.serviceId), expectedAmount, executableAt });
      warnings.push(
        `pending slash ${id} on service ${r.serviceId} (tier ${tier}, exposes class ${p.classId}): ` +
          `about ${formatEther(expectedAmount)} ETH of operator ${r.moduleId}:${r.operatorId}'s stake, ` +
          `beyond its bond taken from classes ${tier}…K−1 junior first, executable from ${new Date(executableAt * 1000).toISOString()}`,
      );
    }
  }
  return {
    classId: p.classId,
    amount: p.amount,
    shares,
    wouldRevert,
    coverBpsAfter,
    minCoverBps: minCover,
    warnings,
    pendingSlashes,
  };
}
