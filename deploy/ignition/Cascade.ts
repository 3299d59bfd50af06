/**
 * Hardhat Ignition module of the whole Cascade system (DESIGN §2): implementations behind
 * ERC-1967 UUPS proxies, the vaults, classes A/B/C (or the configured set) with their tokens,
 * a curated and a bonded module, the service registry, every link and role, and the
 * TimelockController. Handing DEFAULT_ADMIN_ROLE to the timelock is the script's last step
 * (`handOverToTimelock`), after every admin call of this module has run.
 *
 * The module is built from a `SystemConfig` (deploy/parameters/<network>.json merged over the
 * defaults), so branching on "devnet or not" happens when the module is built, never inside
 * Ignition. `deploy/system.ts` performs the same steps with plain ethers for the tests; the
 * test `test/deploy/ignition.test.ts` checks both produce the same wiring.
 *
 * Accounting and the oracle refer to each other (and the pool to Accounting): Accounting is
 * initialized first without the oracle and linked to it by one admin call once it exists, so no
 * proxy is ever left uninitialized (OZ 5 forbids it; it would invite a front-run `initialize`).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { canonicalSafeInfra, SAFE_ARTIFACTS, SAFE_NAMES, saltNonceOf, type SafeInfra } from "../safes.js";
import { accountingSettings, BOND_CURVES, type SystemConfig } from "../system.js";

export interface IgnitionConfig extends SystemConfig {
  /** Oracle frame origin (beacon genesis time on real networks). */
  genesisTime: number;
  /** Chain id, to look up the canonical Safe contracts when `safeContracts` is "canonical". */
  chainId?: bigint;
}

const ZERO = "0x0000000000000000000000000000000000000000";

export function buildCascadeModule(cfg: IgnitionConfig) {
  return buildModule("Cascade", (m) => {
    const deployer = m.getAccount(0);
    const frameSeconds = cfg.secondsPerSlot * cfg.slotsPerFrame;

    const proxied = (name: string, init: unknown[], implArgs: any[] = []) => {
      const impl = m.contract(name, implArgs, { id: `${name}Impl` });
      const data = m.encodeFunctionCall(impl, "initialize", init as any);
      const proxy = m.contract("CascadeProxy", [impl, data], { id: `${name}Proxy` });
      return m.contractAt(name, proxy, { id: name });
    };

    const depositContract = cfg.depositContract
      ? m.contractAt("DepositContract", cfg.depositContract, { id: "DepositContract" })
      : m.contract("DepositContract", [], { id: "DepositContract" });
    const withdrawalRequests = cfg.withdrawalRequestContract
      ? m.contractAt("WithdrawalRequestPredeploy", cfg.withdrawalRequestContract, {
          id: "WithdrawalRequests",
        })
      : m.contract("WithdrawalRequestPredeploy", [], { id: "WithdrawalRequests" });

    const depositSecurity = proxied("DepositSecurity", [deployer, cfg.guardians, cfg.guardianQuorum, 64]);
    // Modules, keys, allocation and beacon deposits; its cold paths run in RouterExtension by
    // DELEGATECALL.
    const routerExtension = m.contract("RouterExtension", []);
    const router = proxied(
      "StakingRouter",
      [deployer, depositContract, depositSecurity, cfg.collateralBoostBps, cfg.minReputationBps],
      [routerExtension],
    );
    // Exits and forced exits: modules and the withdrawal vault take them from the holder of
    // the router's EXIT_MANAGER_ROLE.
    const exitManager = proxied("ExitManager", [deployer, router]);
    const exitManagerRole = m.staticCall(router, "EXIT_MANAGER_ROLE", [], 0, { id: "EXIT_MANAGER_ROLE" });
    m.call(router, "grantRole", [exitManagerRole, exitManager], { id: "grantExitManagerRole" });

    // The ETH and class ledger; its cold paths run in PoolExtension by DELEGATECALL.
    const poolExtension = m.contract("PoolExtension", []);
    const pool = proxied("CascadePool", [deployer, deployer, frameSeconds, router], [poolExtension]);
    // The vaults pay only the pool (fixed in each vault), when the pool pulls for a report.
    const withdrawalVault = m.contract("WithdrawalVault", [router, pool, withdrawalRequests]);
    const elVault = m.contract("ExecutionRewardsVault", [router, pool]);
    m.call(router, "setVaults", [withdrawalVault, elVault]);
    const accounting = proxied(
      "Accounting",
      [deployer, ZERO, accountingSettings(cfg).limits, accountingSettings(cfg).params],
      [router, exitManager, pool, withdrawalVault, elVault],
    );
    m.call(pool, "setMinRedeemAssets", [cfg.minRedeemAssets]);
    const oracle = proxied("ReportOracle", [
      deployer,
      accounting,
      cfg.genesisTime,
      cfg.secondsPerSlot,
      cfg.slotsPerFrame,
      cfg.oracleMembers,
      cfg.oracleQuorum,
    ]);
    const accountingInit = m.call(accounting, "setOracle", [oracle]);

    m.call(pool, "setAccounting", [accounting]);
    m.call(router, "setPool", [pool]);
    const accountingRole = m.staticCall(router, "ACCOUNTING_ROLE", [], 0, { id: "ACCOUNTING_ROLE" });
    const moduleManagerRole = m.staticCall(router, "MODULE_MANAGER_ROLE", [], 0, {
      id: "MODULE_MANAGER_ROLE",
    });
    const servicesRole = m.staticCall(router, "SERVICES_ROLE", [], 0, { id: "SERVICES_ROLE" });
    m.call(router, "grantRole", [accountingRole, accounting], { id: "grantAccountingRole" });
    const exitsAccountingRole = m.staticCall(exitManager, "ACCOUNTING_ROLE", [], 0, {
      id: "ExitManager_ACCOUNTING_ROLE",
    });
    m.call(exitManager, "grantRole", [exitsAccountingRole, accounting], { id: "grantExitsAccountingRole" });
    m.call(router, "grantRole", [moduleManagerRole, deployer], { id: "grantModuleManagerRole" });

    // The registry's implementation runs two extensions by DELEGATECALL (allocations +
    // exposure, slashing), deployed first and fixed in it.
    const serviceAllocations = m.contract("ServiceAllocations", []);
    const serviceSlashing = m.contract("ServiceSlashing", []);
    const registry = proxied(
      "ServiceRegistry",
      [deployer, router, pool, accounting, cfg.coverFactorBps],
      [serviceAllocations, serviceSlashing],
    );
    m.call(router, "grantRole", [servicesRole, registry], { id: "grantServicesRoleRegistry" });
    // The registry books executed slashes itself (one module call for the bond and the
    // operator's exits, one pool call for the classes and the payout; the router's SERVICES_ROLE
    // only for a module's reputation penalty): Accounting needs no SERVICES_ROLE.
    m.call(accounting, "setServiceRegistry", [registry], { after: [accountingInit] });
    m.call(pool, "setServiceRegistry", [registry]);
    for (const role of ["SERVICE_MANAGER_ROLE", "ALLOCATOR_ROLE", "VETO_ROLE"]) {
      const r = m.staticCall(registry, role, [], 0, { id: role });
      m.call(registry, "grantRole", [r, deployer], { id: `grant_${role}` });
    }
    m.call(registry, "setMinSlashAmount", [cfg.minSlashAmount]);
    m.call(registry, "setRegistrationFee", [cfg.registrationFee]);

    const tokens = cfg.classes.map((c, i) => {
      const token = m.contract("ClassToken", [c.name, c.symbol, pool, i], { id: `ClassToken_${c.symbol}` });
      m.call(
        pool,
        "addClass",
        [
          token,
          {
            basePremiumBps: c.basePremiumBps,
            maxPremiumBps: c.maxPremiumBps,
            minCoverBps: c.minCoverBps,
            redeemDelay: c.redeemDelay,
            depositCap: c.depositCap,
          },
        ],
        { id: `addClass_${c.symbol}` },
      );
      return token;
    });

    // The modules' router and registry are implementation immutables (an upgrade builds the new
    // one with them).
    const curated = proxied("CuratedModule", [deployer, deployer], [router, registry]);
    const bonded = proxied(
      "BondedModule",
      [deployer, BOND_CURVES.standard, BOND_CURVES.proven],
      [router, registry],
    );
    const timelock = m.contract("CascadeTimelock", [cfg.timelockDelay, [deployer], [deployer], deployer]);

    // Governance Safes (DESIGN §14): the real Safe contracts (the npm package's compiled
    // artifacts on the devnet, the canonical deployments elsewhere), then one proxy per Safe.
    const safeFutures: Record<string, any> = {};
    if (cfg.safes) {
      const canonical: SafeInfra | undefined =
        cfg.safeContracts === "canonical" ? canonicalSafeInfra(cfg.chainId ?? 1n) : undefined;
      const infra = Object.fromEntries(
        Object.entries(SAFE_ARTIFACTS).map(([k, a]) => {
          const id = `Safe_${k}`;
          return [
            k,
            canonical
              ? m.contractAt(a.contractName, a as any, canonical[k as keyof SafeInfra], { id })
              : m.contract(a.contractName, a as any, [], { id }),
          ];
        }),
      ) as Record<keyof SafeInfra, any>;
      for (const [k, f] of Object.entries(infra)) safeFutures[`safeInfra_${k}`] = f;
      for (const name of SAFE_NAMES) {
        const spec = cfg.safes[name];
        const id = `Safe_${name}`;
        if ("address" in spec) {
          safeFutures[`safe_${name}`] = m.contractAt(
            "SafeL2",
            SAFE_ARTIFACTS.singleton as any,
            spec.address,
            { id },
          );
          continue;
        }
        const setup = m.encodeFunctionCall(
          infra.singleton,
          "setup",
          [spec.owners, spec.threshold, ZERO, "0x", infra.fallbackHandler, ZERO, 0, ZERO],
          { id: `${id}_setup` },
        );
        const created = m.call(
          infra.factory,
          "createProxyWithNonce",
          [infra.singleton, setup, saltNonceOf(name, spec)],
          {
            id: `${id}_create`,
          },
        );
        const proxyAddress = m.readEventArgument(created, "ProxyCreation", "proxy", {
          emitter: infra.factory,
          id: `${id}_address`,
        });
        safeFutures[`safe_${name}`] = m.contractAt("SafeL2", SAFE_ARTIFACTS.singleton as any, proxyAddress, {
          id,
        });
      }
    }

    return {
      ...safeFutures,
      depositContract,
      withdrawalRequests,
      depositSecurity,
      router,
      exitManager,
      withdrawalVault,
      elVault,
      pool,
      accounting,
      oracle,
      registry,
      curated,
      bonded,
      timelock,
      ...Object.fromEntries(tokens.map((t, i) => [`token${i}`, t])),
    };
  });
}
