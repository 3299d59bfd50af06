/**
 * The Ignition module and the plain-ethers deploy steps must produce the same system: same
 * links, roles, class parameters and module wiring. Then a deposit works on the Ignition one.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystemWithIgnition } from "../../deploy/ignitionSystem.js";
import { deploySystem, ETH, type System } from "../../deploy/system.js";

async function wiring(sys: System) {
  const a = sys.addresses;
  const roles = async (c: any, role: string, who: string) => c.hasRole(await c[role](), who);
  return {
    routerPool: (await sys.router.pool()) === a.pool,
    poolLinks: (await sys.pool.links()).map((x: string, i: number) => [a.router, a.accounting][i] === x),
    faces: await Promise.all(
      [0, 1, 2].map(async (k) => {
        const t = sys.tokens[k];
        return [await t.POOL(), await t.CLASS_ID()].map(String).join() === [a.pool, k].join();
      }),
    ),
    accountingRole: await roles(sys.router, "ACCOUNTING_ROLE", a.accounting),
    exitManager: [
      await roles(sys.router, "EXIT_MANAGER_ROLE", a.exitManager),
      await roles(sys.exitManager, "ACCOUNTING_ROLE", a.accounting),
      (await sys.exitManager.router()) === a.router,
    ],
    servicesRoles: [
      await roles(sys.router, "SERVICES_ROLE", a.serviceRegistry),
      // The registry books executed slashes itself (the module's `onSlash` for the bond and the
      // exits, the router's `penalizeSlash` for a reputation penalty): Accounting does not hold
      // the router's SERVICES_ROLE, and neither holds the ExitManager's EXIT role paths (the
      // ExitManager has no SERVICES_ROLE any more).
      await roles(sys.router, "SERVICES_ROLE", a.accounting),
      await roles(sys.router, "EXIT_MANAGER_ROLE", a.serviceRegistry),
      // Both modules take the registry's slash calls (an implementation immutable).
      (await sys.curated.registry()) === a.serviceRegistry,
      (await sys.bonded.registry()) === a.serviceRegistry,
    ],
    credentials: (await sys.router.withdrawalCredentials()).toLowerCase(),
    vault: a.withdrawalVault.toLowerCase(),
    classes: await Promise.all(
      [0, 1, 2].map(async (k) => {
        const c = await sys.book.getClass(k);
        return [c.token === a[`classToken${sys.config.classes[k].symbol}`], c.params.toString(), c.open];
      }),
    ),
    oracleMembers: await sys.oracle.getMembers(),
    quorum: await sys.oracle.quorum(),
    guardians: await sys.depositSecurity.getGuardians(),
    limits: (await sys.accounting.limits()).toString(),
    params: (await sys.accounting.params()).toString(),
    coverFactor: await sys.registry.coverFactorBps(),
    minSlashAmount: await sys.registry.minSlashAmount(),
    registrationFee: await sys.registry.registrationFee(),
    minRedeemAssets: await sys.queue.minRedeemAssets(),
  };
}

describe("deploy: Ignition module == ordered deploy steps", function () {
  it("wires the same system both ways", async function () {
    const viaEthers = await deploySystem((await network.create()).ethers);
    const conn = await network.create();
    const viaIgnition = await deploySystemWithIgnition(conn);
    const w1 = await wiring(viaEthers);
    const w2 = await wiring(viaIgnition);
    expect(w2.credentials.endsWith(w2.vault.slice(2)), "0x01 credentials point at the vault").to.equal(true);
    expect({ ...w2, credentials: 0, vault: 0 }, "same wiring").to.deep.equal({
      ...w1,
      credentials: 0,
      vault: 0,
    });
    // The registry holds SERVICES_ROLE, Accounting and the registry nothing more, and both
    // modules name the registry (their slash entries take it alone).
    expect(w1.servicesRoles, "services wiring").to.deep.equal([true, false, false, true, true]);

    const [, , , , , , , , depositor] = await conn.ethers.getSigners();
    await (await viaIgnition.pool.connect(depositor).deposit(2, depositor.address, 0, { value: ETH })).wait();
    expect(await viaIgnition.book.navOf(2), "deposit booked").to.equal(ETH);
  });
});
