/**
 * Deploys the whole Cascade system in ordered steps (DESIGN §2): proxies for every stateful
 * contract, default classes A/B/C, a curated and a bonded module, and — last — hands every
 * admin role to a TimelockController. Used by `npm run deploy`, the demo, the benchmark and
 * the tests, so all of them run the same wiring.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, type BaseContract, type Signer } from "ethers";
import {
  checkExistingSafes,
  createSafes,
  deploySafeInfra,
  handOverRoles,
  type SafeInfra,
  type SafeName,
  type SafesConfig,
} from "./safes.js";

export const ETH = 10n ** 18n;

export interface ClassConfig {
  name: string;
  symbol: string;
  basePremiumBps: number;
  maxPremiumBps: number;
  minCoverBps: number;
  redeemDelay: number;
  depositCap: bigint;
}

export interface SystemConfig {
  guardians: string[];
  guardianQuorum: number;
  oracleMembers: string[];
  oracleQuorum: number;
  treasury: string;
  secondsPerSlot: number;
  slotsPerFrame: number;
  classes: ClassConfig[];
  treasuryFeeBps: number;
  serviceFeeBps: number;
  lambdaBps: number;
  slashPenaltyBps: number;
  collateralBoostBps: number;
  minReputationBps: number;
  timelockDelay: number;
  /** Exposure limit cover factor (bps of the exposed classes' NAV). */
  coverFactorBps: number;
  /** Smallest expected slash (wei) a service may request: dust requests are refused. */
  minSlashAmount: bigint;
  /** Wei a service registration pays (booked as its rewards); 0 = free. */
  registrationFee: bigint;
  /** CascadePool.minRedeemAssets: smallest redemption request, wei of value (anti-dust). */
  minRedeemAssets: bigint;
  /** Oracle frame origin (beacon genesis time); omitted = the latest block's time. */
  genesisTime?: number;
  /** Canonical deposit contract; omitted = deploy the devnet one. */
  depositContract?: string;
  /** EIP-7002 withdrawal request contract; omitted = deploy the devnet stand-in. */
  withdrawalRequestContract?: string;
  /**
   * Hand the roles over at the end. With `safes`: every role of every contract goes to its
   * holder (deploy/safes.ts ROLE_HOLDERS) and the deployer keeps nothing; without: only
   * DEFAULT_ADMIN_ROLE moves to the timelock (the test fixtures' shape).
   */
  handOverToTimelock: boolean;
  /** Governance Safes (DESIGN §14): the timelock's proposer and every operational role. */
  safes?: SafesConfig;
  /** "deploy" the Safe contracts from the npm artifacts (devnet, default) or use the "canonical" ones. */
  safeContracts?: "deploy" | "canonical";
}

export function defaultClasses(frameSeconds: number): ClassConfig[] {
  return [
    {
      name: "Cascade Senior A",
      symbol: "cA",
      basePremiumBps: 1000,
      maxPremiumBps: 2500,
      minCoverBps: 2500,
      redeemDelay: frameSeconds,
      depositCap: 0n,
    },
    {
      name: "Cascade Mezzanine B",
      symbol: "cB",
      basePremiumBps: 500,
      maxPremiumBps: 1500,
      minCoverBps: 2500,
      redeemDelay: 2 * frameSeconds,
      depositCap: 0n,
    },
    {
      name: "Cascade Junior C",
      symbol: "cC",
      basePremiumBps: 0,
      maxPremiumBps: 0,
      minCoverBps: 0,
      redeemDelay: 2 * frameSeconds,
      depositCap: 0n,
    },
  ];
}

export function defaultConfig(deployer: string, members: string[], guardians: string[]): SystemConfig {
  const secondsPerSlot = 12;
  const slotsPerFrame = 32;
  return {
    guardians,
    guardianQuorum: Math.floor(guardians.length / 2) + 1,
    oracleMembers: members,
    oracleQuorum: Math.floor(members.length / 2) + 1,
    treasury: deployer,
    secondsPerSlot,
    slotsPerFrame,
    classes: defaultClasses(secondsPerSlot * slotsPerFrame),
    treasuryFeeBps: 500,
    serviceFeeBps: 1000,
    lambdaBps: 2000,
    slashPenaltyBps: 1000,
    collateralBoostBps: 5000,
    minReputationBps: 5000,
    timelockDelay: 60,
    coverFactorBps: 10_000,
    minSlashAmount: ETH / 100n,
    registrationFee: 0n,
    minRedeemAssets: ETH / 1000n,
    handOverToTimelock: false,
  };
}

/** Accounting's sanity limits and fee/reputation parameters (DESIGN §9 defaults). */
export function accountingSettings(cfg: SystemConfig) {
  const frameSeconds = cfg.secondsPerSlot * cfg.slotsPerFrame;
  return {
    limits: {
      maxAprBps: 1000,
      maxDropBps: 500,
      maxExitRequests: 64,
      maxLosses: 64,
      maxFinalizePerReport: 500,
      // EL + service rewards per report, in APR on the CL base over the report's span (§9).
      maxRewardAprBps: 1000,
    },
    params: {
      treasury: cfg.treasury,
      treasuryFeeBps: cfg.treasuryFeeBps,
      serviceFeeBps: cfg.serviceFeeBps,
      lambdaBps: cfg.lambdaBps,
      slashPenaltyBps: cfg.slashPenaltyBps,
      exitDeadline: 4 * frameSeconds,
    },
  };
}

/** Bond curves of the bonded module: 2.4 ETH then 1.3 ETH per key; 1.5 / 1.0 once proven. */
export const BOND_CURVES = {
  standard: { first: (24n * ETH) / 10n, next: (13n * ETH) / 10n },
  proven: { first: (15n * ETH) / 10n, next: ETH },
};

export interface System {
  deployer: Signer;
  depositContract: any;
  depositSecurity: any;
  router: any;
  exitManager: any;
  withdrawalVault: any;
  elVault: any;
  /** CascadePool: ETH, class books, balances, redemptions, service debt and payouts. */
  pool: any;
  /** The pool in its class-book role (the same contract as `pool`). */
  book: any;
  /** The pool in its redemption-queue role (the same contract as `pool`). */
  queue: any;
  accounting: any;
  oracle: any;
  curated: any;
  bonded: any;
  registry: any;
  withdrawalRequests: any;
  tokens: any[];
  timelock: any;
  addresses: Record<string, string>;
  config: SystemConfig;
  /** Safe name → address, when the config names Safes. */
  safes?: Record<SafeName, string>;
  /** The Safe contracts used (singleton, factory, fallback handler, MultiSendCallOnly). */
  safeInfra?: SafeInfra;
}

/** Key of a Safe in the address book: `governanceSafe`, `moduleManagerSafe`, … */
export const safeKey = (name: string) => `${name}Safe`;

async function addr(c: BaseContract): Promise<string> {
  return c.getAddress();
}

/** Deploys `name` behind an ERC1967Proxy initialized with `init(args)`; returns the proxy typed as `name`. */
async function proxy(
  ethers: HardhatEthers,
  name: string,
  args: unknown[],
  implArgs: unknown[] = [],
): Promise<any> {
  const impl = await ethers.deployContract(name, implArgs);
  const data = impl.interface.encodeFunctionData("initialize", args);
  const p = await ethers.deployContract("CascadeProxy", [await addr(impl), data]);
  return ethers.getContractAt(name, await addr(p));
}

export async function deploySystem(ethers: HardhatEthers, config?: Partial<SystemConfig>): Promise<System> {
  const [deployer, ...rest] = await ethers.getSigners();
  const me = await deployer.getAddress();
  const cfg: SystemConfig = {
    ...defaultConfig(
      me,
      await Promise.all(rest.slice(0, 3).map((s) => s.getAddress())),
      await Promise.all(rest.slice(3, 5).map((s) => s.getAddress())),
    ),
    ...config,
  };

  if (cfg.safes) await checkExistingSafes(ethers.provider, cfg.safes);
  const depositContract = cfg.depositContract
    ? await ethers.getContractAt("DepositContract", cfg.depositContract)
    : await ethers.deployContract("DepositContract");
  const depositSecurity = await proxy(ethers, "DepositSecurity", [me, cfg.guardians, cfg.guardianQuorum, 64]);
  // Modules, keys, allocation and beacon deposits; its cold paths (links, module registration
  // and parameters) run in RouterExtension by DELEGATECALL (deployed first and fixed in the
  // implementation).
  const routerExtension = await ethers.deployContract("RouterExtension");
  const router = await proxy(
    ethers,
    "StakingRouter",
    [
      me,
      await addr(depositContract),
      await addr(depositSecurity),
      cfg.collateralBoostBps,
      cfg.minReputationBps,
    ],
    [await addr(routerExtension)],
  );
  // EIP-7002: the real system contract on real networks, the stand-in on the devnet.
  const withdrawalRequests = cfg.withdrawalRequestContract
    ? await ethers.getContractAt("WithdrawalRequestPredeploy", cfg.withdrawalRequestContract)
    : await ethers.deployContract("WithdrawalRequestPredeploy");
  // Exits and forced exits: modules and the withdrawal vault take them from the holder of the
  // router's EXIT_MANAGER_ROLE.
  const exitManager = await proxy(ethers, "ExitManager", [me, await addr(router)]);
  await (await router.grantRole(await router.EXIT_MANAGER_ROLE(), await addr(exitManager))).wait();

  const frameSeconds = cfg.secondsPerSlot * cfg.slotsPerFrame;
  // The ETH and class ledger; its cold paths run in PoolExtension by DELEGATECALL (deployed
  // first and fixed in the implementation).
  const poolExtension = await ethers.deployContract("PoolExtension");
  const pool = await proxy(
    ethers,
    "CascadePool",
    [me, me, frameSeconds, await addr(router)],
    [await addr(poolExtension)],
  );
  const poolAddr = await addr(pool);
  // The vaults pay only the pool (fixed in each vault), when the pool pulls for a report.
  const withdrawalVault = await ethers.deployContract("WithdrawalVault", [
    await addr(router),
    poolAddr,
    await addr(withdrawalRequests),
  ]);
  const elVault = await ethers.deployContract("ExecutionRewardsVault", [await addr(router), poolAddr]);
  await (await router.setVaults(await addr(withdrawalVault), await addr(elVault))).wait();
  const book = pool;
  const queue = pool;

  // Accounting ↔ oracle refer to each other: Accounting is initialized first without the
  // oracle and linked once it exists (no proxy is ever left uninitialized).
  const accounting = await proxy(
    ethers,
    "Accounting",
    [me, ZeroAddress, accountingSettings(cfg).limits, accountingSettings(cfg).params],
    [await addr(router), await addr(exitManager), poolAddr, await addr(withdrawalVault), await addr(elVault)],
  );
  const accountingAddr = await addr(accounting);
  const latest = await ethers.provider.getBlock("latest");
  const genesisTime = cfg.genesisTime ?? Number(latest!.timestamp) - 1;
  const oracle = await proxy(ethers, "ReportOracle", [
    me,
    accountingAddr,
    genesisTime,
    cfg.secondsPerSlot,
    cfg.slotsPerFrame,
    cfg.oracleMembers,
    cfg.oracleQuorum,
  ]);
  const oracleAddr = await addr(oracle);
  await (await pool.setMinRedeemAssets(cfg.minRedeemAssets)).wait();
  await (await accounting.setOracle(oracleAddr)).wait();

  await (await pool.setAccounting(accountingAddr)).wait();
  await (await router.setPool(poolAddr)).wait();
  await (await router.grantRole(await router.ACCOUNTING_ROLE(), accountingAddr)).wait();
  await (await exitManager.grantRole(await exitManager.ACCOUNTING_ROLE(), accountingAddr)).wait();
  await (await router.grantRole(await router.MODULE_MANAGER_ROLE(), me)).wait();

  // Restaked services: registry wired to the router (bond locks, executed slashes), the pool (exposure,
  // redemption-delay rule, rewards, payouts), the exit manager and accounting (rewards, slash parameters). Its implementation
  // runs two extensions by DELEGATECALL (allocations + exposure, slashing): deployed first.
  const serviceAllocations = await ethers.deployContract("ServiceAllocations");
  const serviceSlashing = await ethers.deployContract("ServiceSlashing");
  const registry = await proxy(
    ethers,
    "ServiceRegistry",
    [me, await addr(router), poolAddr, accountingAddr, cfg.coverFactorBps],
    [await addr(serviceAllocations), await addr(serviceSlashing)],
  );
  await (await router.grantRole(await router.SERVICES_ROLE(), await addr(registry))).wait();
  // The registry books executed slashes itself (one module call for the bond and the operator's
  // exits, one pool call for the classes and the payout; the router's SERVICES_ROLE only for a
  // module's reputation penalty); Accounting needs no SERVICES_ROLE.
  await (await accounting.setServiceRegistry(await addr(registry))).wait();
  await (await pool.setServiceRegistry(await addr(registry))).wait();
  for (const role of ["SERVICE_MANAGER_ROLE", "ALLOCATOR_ROLE", "VETO_ROLE"]) {
    await (await registry.grantRole(await registry[role](), me)).wait();
  }
  await (await registry.setMinSlashAmount(cfg.minSlashAmount)).wait();
  await (await registry.setRegistrationFee(cfg.registrationFee)).wait();

  const tokens = [];
  for (const [i, c] of cfg.classes.entries()) {
    const t = await ethers.deployContract("ClassToken", [c.name, c.symbol, poolAddr, i]);
    await (
      await pool.addClass(await addr(t), {
        basePremiumBps: c.basePremiumBps,
        maxPremiumBps: c.maxPremiumBps,
        minCoverBps: c.minCoverBps,
        redeemDelay: c.redeemDelay,
        depositCap: c.depositCap,
      })
    ).wait();
    tokens.push(t);
  }

  // The modules' router and registry are implementation immutables (an upgrade builds the new
  // one with them).
  const curated = await proxy(ethers, "CuratedModule", [me, me], [await addr(router), await addr(registry)]);
  const bonded = await proxy(
    ethers,
    "BondedModule",
    [me, BOND_CURVES.standard, BOND_CURVES.proven],
    [await addr(router), await addr(registry)],
  );

  const timelock = await ethers.deployContract("CascadeTimelock", [cfg.timelockDelay, [me], [me], me]);

  const addresses: Record<string, string> = {
    depositContract: await addr(depositContract),
    depositSecurity: await addr(depositSecurity),
    router: await addr(router),
    exitManager: await addr(exitManager),
    withdrawalVault: await addr(withdrawalVault),
    executionRewardsVault: await addr(elVault),
    pool: poolAddr,
    accounting: accountingAddr,
    reportOracle: oracleAddr,
    curatedModule: await addr(curated),
    bondedModule: await addr(bonded),
    timelock: await addr(timelock),
    serviceRegistry: await addr(registry),
    withdrawalRequests: await addr(withdrawalRequests),
  };
  for (const [i, t] of tokens.entries()) addresses[`classToken${cfg.classes[i].symbol}`] = await addr(t);

  let safes: Record<SafeName, string> | undefined;
  let safeInfra: SafeInfra | undefined;
  if (cfg.safes) {
    safeInfra = await deploySafeInfra(deployer, cfg.safeContracts ?? "deploy");
    safes = await createSafes(deployer, safeInfra, cfg.safes);
    for (const [k, v] of Object.entries(safeInfra)) addresses[`safe${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
    for (const [k, v] of Object.entries(safes)) addresses[safeKey(k)] = v;
  }

  const sys: System = {
    deployer,
    depositContract,
    depositSecurity,
    router,
    exitManager,
    withdrawalVault,
    elVault,
    pool,
    book,
    queue,
    accounting,
    oracle,
    curated,
    bonded,
    registry,
    withdrawalRequests,
    tokens,
    timelock,
    addresses,
    config: cfg,
    ...(safes ? { safes, safeInfra } : {}),
  };
  if (cfg.handOverToTimelock) await handOverToTimelock(sys);
  return sys;
}

/**
 * With Safes (DESIGN §14): every role of every AccessControl contract to its holder, the
 * deployer renounces all. Without: grants DEFAULT_ADMIN_ROLE of every proxy to the timelock
 * and renounces the deployer's (operational roles stay with the deployer — test fixtures only).
 */
export async function handOverToTimelock(sys: System): Promise<void> {
  if (sys.safes) {
    await handOverRoles(sys as unknown as Record<string, unknown>, sys.deployer, {
      timelock: await sys.timelock.getAddress(),
      guardians: sys.config.guardians,
      safes: sys.safes,
    });
    return;
  }
  const me = await sys.deployer.getAddress();
  const tl = await sys.timelock.getAddress();
  for (const c of [
    sys.depositSecurity,
    sys.router,
    sys.exitManager,
    sys.pool,
    sys.accounting,
    sys.oracle,
    sys.curated,
    sys.bonded,
    sys.registry,
  ]) {
    const admin = await c.DEFAULT_ADMIN_ROLE();
    await (await c.grantRole(admin, tl)).wait();
    await (await c.renounceRole(admin, me)).wait();
  }
  // The timelock administers itself: the deployer's bootstrap admin role goes too, so only
  // proposals that wait out the delay can change its proposers, executors or delay.
  await (await sys.timelock.renounceRole(await sys.timelock.DEFAULT_ADMIN_ROLE(), me)).wait();
}
