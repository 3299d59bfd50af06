/**
 * Deploys the system through the Ignition module and returns it in the same `System` shape as
 * `deploySystem`, so scripts, the demo and the SDK can use either.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { buildCascadeModule } from "./ignition/Cascade.js";
import { checkExistingSafes, SAFE_ARTIFACTS, SAFE_NAMES, type SafeInfra, type SafeName } from "./safes.js";
import { defaultConfig, handOverToTimelock, safeKey, type System, type SystemConfig } from "./system.js";

export async function deploySystemWithIgnition(
  connection: NetworkConnection,
  config: Partial<SystemConfig> = {},
): Promise<System> {
  const { ethers, ignition } = connection as any;
  const [deployer, ...rest] = await ethers.getSigners();
  const me = await deployer.getAddress();
  const cfg: SystemConfig = {
    ...defaultConfig(
      me,
      await Promise.all(rest.slice(0, 3).map((s: any) => s.getAddress())),
      await Promise.all(rest.slice(3, 5).map((s: any) => s.getAddress())),
    ),
    ...config,
  };
  const latest = await ethers.provider.getBlock("latest");
  const genesisTime = config.genesisTime ?? Number(latest.timestamp) - 1;
  if (cfg.safes) await checkExistingSafes(ethers.provider, cfg.safes);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const d = await ignition.deploy(buildCascadeModule({ ...cfg, genesisTime, chainId }));
  const tokens = cfg.classes.map((_, i) => d[`token${i}`]);
  const addresses: Record<string, string> = {};
  const named: Record<string, any> = {
    depositContract: d.depositContract,
    depositSecurity: d.depositSecurity,
    router: d.router,
    exitManager: d.exitManager,
    withdrawalVault: d.withdrawalVault,
    executionRewardsVault: d.elVault,
    pool: d.pool,
    accounting: d.accounting,
    reportOracle: d.oracle,
    curatedModule: d.curated,
    bondedModule: d.bonded,
    timelock: d.timelock,
    serviceRegistry: d.registry,
    withdrawalRequests: d.withdrawalRequests,
  };
  for (const [k, c] of Object.entries(named)) addresses[k] = await c.getAddress();
  for (const [i, t] of tokens.entries())
    addresses[`classToken${cfg.classes[i].symbol}`] = await t.getAddress();
  let safes: Record<SafeName, string> | undefined;
  let safeInfra: SafeInfra | undefined;
  if (cfg.safes) {
    safeInfra = {} as SafeInfra;
    for (const k of Object.keys(SAFE_ARTIFACTS) as (keyof SafeInfra)[]) {
      safeInfra[k] = await d[`safeInfra_${k}`].getAddress();
      addresses[`safe${k[0]!.toUpperCase()}${k.slice(1)}`] = safeInfra[k];
    }
    safes = {} as Record<SafeName, string>;
    for (const n of SAFE_NAMES) addresses[safeKey(n)] = safes[n] = await d[`safe_${n}`].getAddress();
  }
  const sys: System = {
    deployer,
    depositContract: d.depositContract,
    depositSecurity: d.depositSecurity,
    router: d.router,
    exitManager: d.exitManager,
    withdrawalVault: d.withdrawalVault,
    elVault: d.elVault,
    pool: d.pool,
    book: d.pool,
    queue: d.pool,
    accounting: d.accounting,
    oracle: d.oracle,
    curated: d.curated,
    bonded: d.bonded,
    registry: d.registry,
    withdrawalRequests: d.withdrawalRequests,
    tokens,
    timelock: d.timelock,
    addresses,
    config: cfg,
    ...(safes ? { safes, safeInfra } : {}),
  };
  if (cfg.handOverToTimelock) await handOverToTimelock(sys);
  return sys;
}
