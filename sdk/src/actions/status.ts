import type { CascadeClient } from "../client.js";
import { toAssetsDown } from "../model/shares.js";
import { read } from "./internal.js";

const STATUS = ["None", "Active", "Paused", "Stopped"] as const;

export interface StatusResult {
  chainId: bigint;
  blockNumber: number;
  buffered: bigint;
  pooled: bigint;
  reserved: bigint;
  pendingDemand: bigint;
  depositsPaused: boolean;
  classes: {
    classId: number;
    symbol: string;
    nav: bigint;
    supply: bigint;
    price: bigint;
    open: boolean;
    wiped: boolean;
  }[];
  modules: {
    moduleId: number;
    module: string;
    status: (typeof STATUS)[number];
    deposited: number;
    exited: number;
    reputationBps: number;
    depositableKeys: number;
    /** A guardian paused deposits to this module (DepositSecurity.pauseModule): it gets no share of new deposits until governance unpauses it. */
    guardianPaused: boolean;
  }[];
}

/**
 * One read of the whole system: pool totals, classes and modules (with each module's guardian pause).
 *
 * @example
 * ```ts
 * import { createCascadeClient, status } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses: loadAddresses("deployments/31337.json") });
 * const s = await status(client);
 * console.log(s.pooled, s.classes.map((c) => c.price));
 * ```
 */
export async function status(client: CascadeClient): Promise<StatusResult> {
  return read(client, async () => {
    const net = await client.provider.getNetwork();
    const blockNumber = await client.provider.getBlockNumber();
    const classes = [];
    const k = Number(await client.book.classCount());
    for (let i = 0; i < k; i++) {
      const c = await client.book.getClass(i);
      const t = await client.token(i);
      const nav = BigInt(c.nav);
      const supply = BigInt(c.supply);
      classes.push({
        classId: i,
        symbol: (await t.symbol()) as string,
        nav,
        supply,
        price: toAssetsDown(10n ** 18n, nav, supply),
        open: c.open as boolean,
        wiped: c.wiped as boolean,
      });
    }
    const modules = [];
    const m = Number(await client.router.moduleCount());
    for (let i = 0; i < m; i++) {
      const mod = await client.router.getModule(i);
      const addr = String(mod.module).toLowerCase();
      const moduleContract =
        addr === client.addresses.bondedModule.toLowerCase() ? client.bonded : client.curated;
      modules.push({
        moduleId: i,
        module: mod.module as string,
        status: STATUS[Number(mod.status)] ?? "None",
        deposited: Number(mod.deposited),
        exited: Number(mod.exited),
        reputationBps: Number(mod.reputationBps),
        depositableKeys: Number(await moduleContract.attach(mod.module).getFunction("depositableKeys")()),
        guardianPaused: (await client.depositSecurity.isModulePaused(i)) as boolean,
      });
    }
    return {
      chainId: net.chainId,
      blockNumber,
      buffered: (await client.pool.buffered()) as bigint,
      pooled: (await client.accounting.pooled()) as bigint,
      reserved: (await client.queue.reserved()) as bigint,
      pendingDemand: (await client.queue.pendingDemand()) as bigint,
      depositsPaused: (await client.depositSecurity.isPaused()) as boolean,
      classes,
      modules,
    };
  });
}
