import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { toAssetsDown } from "../model/shares.js";
import { SERVICE_STATUS, parse, read, zClassId } from "./internal.js";

const ETH = 10n ** 18n;
const YEAR = 365 * 24 * 3600;

export const classInfoParams = z.object({
  classId: zClassId,
  /** How many of the latest price points (ClassNavChanged and Deposited events) the APY uses (default 10). */
  points: z.coerce.number().int().min(2, "points must be ≥ 2").max(1000).optional(),
  /** First block to scan for events (default 0). */
  fromBlock: z.coerce
    .number({ invalid_type_error: "fromBlock must be a block number" })
    .int()
    .min(0, "fromBlock must be ≥ 0")
    .optional(),
});
export type ClassInfoParams = z.input<typeof classInfoParams>;

export interface PricePoint {
  blockNumber: number;
  timestamp: number;
  nav: bigint;
  supply: bigint;
  /** Wei per 1e18 shares, rounded down like the contracts. `nav`/`supply` are 0 for a deposit point. */
  price: bigint;
}

export interface ClassInfoResult {
  classId: number;
  token: string;
  symbol: string;
  nav: bigint;
  supply: bigint;
  price: bigint;
  open: boolean;
  wiped: boolean;
  params: {
    basePremiumBps: number;
    maxPremiumBps: number;
    minCoverBps: number;
    redeemDelay: number;
    depositCap: bigint;
  };
  /** Σ junior NAV · 10⁴ / NAV of this class (null when the class is empty). */
  coverBps: bigint | null;
  /** Annualized price change between the first and last of `history`, in bps (null under 2 points). */
  apyBps: number | null;
  history: PricePoint[];
  /**
   * Class k secures the services of tier ≤ k: their tiers, and each such service (not Pending,
   * not Retired with nothing allocated) with its allocation, max slash and pending slashes.
   * `requiredRedeemDelay` is the registry's rule for this class (DESIGN §8).
   */
  serviceExposure: {
    tiers: number[];
    services: {
      serviceId: number;
      tier: number;
      status: string;
      allocation: bigint;
      maxSlashBps: number;
      pendingSlashes: number;
    }[];
    requiredRedeemDelay: number | null;
  };
}

/**
 * NAV, price, supply, cover ratio and an APY from the price history of a class.
 *
 * @example
 * ```ts
 * import { createCascadeClient, classInfo } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const info = await classInfo(client, { classId: 0, points: 20 });
 * console.log(info.price, info.apyBps);
 * ```
 */
export async function classInfo(client: CascadeClient, params: ClassInfoParams): Promise<ClassInfoResult> {
  const p = parse(classInfoParams, params, "classInfo");
  const count = Number(await read(client, () => client.book.classCount()));
  if (p.classId >= count) throw new InvalidInputError(`unknown class ${p.classId} (there are ${count})`);
  const c = await read(client, () => client.book.getClass(p.classId));
  const navs = (await read(client, () => client.book.navs())) as bigint[];
  const token = await client.token(p.classId);
  const symbol = (await read(client, () => token.symbol())) as string;
  const nav = BigInt(c.nav);
  const supply = BigInt(c.supply);
  const junior = navs.slice(p.classId + 1).reduce((a, b) => a + b, 0n);

  // Price points: every ClassNavChanged (exact NAV and supply: reports, redemptions) and every
  // Deposited (assets/shares: the price the depositor paid, within one wei of rounding).
  const from = p.fromBlock ?? 0;
  const navLogs = await read(client, () =>
    client.book.queryFilter(client.book.filters.ClassNavChanged!(p.classId), from, "latest"),
  );
  const depLogs = await read(client, () =>
    client.book.queryFilter(client.book.filters.Deposited!(p.classId), from, "latest"),
  );
  const all = [...navLogs, ...depLogs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const last = all.slice(-(p.points ?? 10));
  const history: PricePoint[] = [];
  const blockTime = new Map<number, number>();
  for (const log of last) {
    const args = (log as unknown as { args: Record<string, bigint> }).args;
    let ts = blockTime.get(log.blockNumber);
    if (ts === undefined) {
      ts = (await client.provider.getBlock(log.blockNumber))!.timestamp;
      blockTime.set(log.blockNumber, ts);
    }
    const isNav = (log as unknown as { fragment?: { name: string } }).fragment?.name === "ClassNavChanged";
    history.push(
      isNav
        ? {
            blockNumber: log.blockNumber,
            timestamp: ts,
            nav: args.nav!,
            supply: args.supply!,
            price: toAssetsDown(ETH, args.nav!, args.supply!),
          }
        : {
            blockNumber: log.blockNumber,
            timestamp: ts,
            nav: 0n,
            supply: 0n,
            price: (args.assets! * ETH) / args.shares!,
          },
    );
  }
  let apyBps: number | null = null;
  const first = history[0];
  const end = history[history.length - 1];
  if (first && end && end.timestamp > first.timestamp && first.price > 0n) {
    const growth = Number(((end.price - first.price) * 10n ** 12n) / first.price) / 1e12;
    apyBps = Math.round(growth * (YEAR / (end.timestamp - first.timestamp)) * 10_000);
  }
  return {
    classId: p.classId,
    token: c.token as string,
    symbol,
    nav,
    supply,
    price: toAssetsDown(ETH, nav, supply),
    open: c.open as boolean,
    wiped: c.wiped as boolean,
    params: {
      basePremiumBps: Number(c.params.basePremiumBps),
      maxPremiumBps: Number(c.params.maxPremiumBps),
      minCoverBps: Number(c.params.minCoverBps),
      redeemDelay: Number(c.params.redeemDelay),
      depositCap: BigInt(c.params.depositCap),
    },
    coverBps: nav === 0n ? null : (junior * 10_000n) / nav,
    apyBps,
    history,
    serviceExposure: await exposureOf(client, p.classId),
  };
}

async function exposureOf(
  client: CascadeClient,
  classId: number,
): Promise<ClassInfoResult["serviceExposure"]> {
  const tiers = Array.from({ length: classId }, (_, i) => i + 1);
  if (!client.addresses.serviceRegistry) return { tiers, services: [], requiredRedeemDelay: null };
  const reg = client.registry;
  const n = Number(await read(client, () => reg.serviceCount()));
  const pending = (await read(client, () => reg.pendingSlashes())) as bigint[];
  const pendingBy = new Map<number, number>();
  for (const id of pending) {
    const r = await read(client, () => reg.getSlash(id));
    pendingBy.set(Number(r.serviceId), (pendingBy.get(Number(r.serviceId)) ?? 0) + 1);
  }
  const services: ClassInfoResult["serviceExposure"]["services"] = [];
  for (let i = 0; i < n; i++) {
    const s = await read(client, () => reg.getService(i));
    const tier = Number(s.params.tier);
    const status = SERVICE_STATUS[Number(s.status)]!;
    if (tier > classId || status === "pending" || (status === "retired" && BigInt(s.allocation) === 0n))
      continue;
    services.push({
      serviceId: i,
      tier,
      status,
      allocation: BigInt(s.allocation),
      maxSlashBps: Number(s.params.maxSlashBps),
      pendingSlashes: pendingBy.get(i) ?? 0,
    });
  }
  const requiredRedeemDelay = Number(await read(client, () => reg.requiredRedeemDelay(classId)));
  return { tiers, services, requiredRedeemDelay };
}
