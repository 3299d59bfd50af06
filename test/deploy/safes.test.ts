/**
 * Governance hand-over (DESIGN §14, issue 18): with the Safes of deploy/parameters/default.json
 * both deploy paths (plain ethers and Ignition) create the real Safe contracts from
 * `@safe-global/safe-smart-account`'s artifacts, create the Safes, and hand every role over:
 * afterwards the deployer holds no role on any contract, read from every contract's role
 * members (RoleGranted/RoleRevoked events, confirmed with hasRole).
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { Contract } from "ethers";
import { network } from "hardhat";
import { deploySystemWithIgnition } from "../../deploy/ignitionSystem.js";
import { parseParams } from "../../deploy/params.js";
import { holderName, systemRoles } from "../../deploy/roles.js";
import { canonicalSafeInfra, ROLE_HOLDERS, SAFE_ARTIFACTS, SAFE_NAMES } from "../../deploy/safes.js";
import { txBuilderBatch, txBuilderChecksum } from "../../sdk/src/governance/txBuilder.js";
import { deploySystem, ETH, type System } from "../../deploy/system.js";

const FILE = "deploy/parameters/default.json";
const params = () => parseParams(JSON.parse(readFileSync(FILE, "utf8")), FILE);

/** `contract.ROLE → [holder names]` for every held role (holders sorted). */
async function table(sys: System): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const r of await systemRoles(sys)) {
    if (r.members.length === 0) continue;
    out[`${r.contract}.${r.role}`] = (await Promise.all(r.members.map((m) => holderName(sys, m)))).sort();
  }
  return out;
}

describe("deploy: governance Safes and the role hand-over", function () {
  let viaIgnition: System;
  let viaEthers: System;
  let ignitionEthers: any;

  before(async function () {
    viaEthers = await deploySystem((await network.create()).ethers, params());
    const conn = await network.create();
    ignitionEthers = (conn as any).ethers;
    viaIgnition = await deploySystemWithIgnition(conn, params());
  });

  it("test_handOver_deployerHoldsNoRole: no role of any contract has the deployer as a member", async function () {
    for (const sys of [viaEthers, viaIgnition]) {
      const me = (await sys.deployer.getAddress()).toLowerCase();
      const roles = await systemRoles(sys);
      const contracts = new Set(roles.map((r) => r.contract));
      // Every AccessControl contract of the system is read, the timelock included.
      for (const c of [
        "router",
        "exitManager",
        "pool",
        "accounting",
        "oracle",
        "curated",
        "bonded",
        "registry",
        "depositSecurity",
        "timelock",
      ])
        expect(contracts.has(c), `roles of ${c} read`).to.equal(true);
      for (const r of roles)
        expect(
          r.members.map((m) => m.toLowerCase()),
          `${r.contract}.${r.role} has no deployer`,
        ).to.not.include(me);
    }
  });

  it("test_handOver_rolesGoToTheirHolders: admin → timelock, operational roles → Safes, pauser → every guardian", async function () {
    const t = await table(viaIgnition);
    for (const [key, holders] of Object.entries(t)) {
      const role = key.split(".")[1]!;
      const contract = key.split(".")[0]!;
      const want = ROLE_HOLDERS[role];
      if (role === "ACCOUNTING_ROLE" || role === "SERVICES_ROLE" || role === "EXIT_MANAGER_ROLE") {
        expect(
          holders.every((h) => ["accounting", "serviceRegistry", "exitManager"].includes(h)),
          `${key}: contracts only`,
        ).to.equal(true);
        continue;
      }
      expect(want, `${key}: a holder is named for the role`).to.not.equal(undefined);
      if (contract === "timelock" && role === "DEFAULT_ADMIN_ROLE") {
        expect(holders, `${key}: the timelock administers itself`).to.deep.equal(["timelock"]);
        continue;
      }
      const expected = want!.flatMap((h) =>
        h === "timelock"
          ? ["timelock"]
          : h === "guardians"
            ? viaIgnition.config.guardians.map((_, i) => `guardian${i + 1}`)
            : [`${h}Safe`],
      );
      expect(holders, `${key} holders`).to.deep.equal(expected.sort());
    }
    expect(t["router.PAUSER_ROLE"], "every guardian pauses").to.deep.equal(["guardian1", "guardian2"]);
    expect(t["timelock.PROPOSER_ROLE"], "the governance Safe proposes").to.deep.equal(["governanceSafe"]);
    expect(t["registry.VETO_ROLE"], "the veto committee Safe vetoes").to.deep.equal(["vetoSafe"]);
  });

  it("test_deploy_safesAreRealSafes: SafeL2 1.5.0 proxies with the owners and thresholds of the parameters", async function () {
    const p = params();
    for (const sys of [viaEthers, viaIgnition]) {
      const provider = (sys.deployer as any).provider;
      const singletonCode = await provider.getCode(sys.safeInfra!.singleton);
      expect(singletonCode, "singleton = the npm package's SafeL2 bytecode").to.equal(
        (SAFE_ARTIFACTS.singleton as any).deployedBytecode,
      );
      for (const name of SAFE_NAMES) {
        const spec = p.safes![name] as { owners: string[]; threshold: number };
        const safe = new Contract(sys.safes![name], SAFE_ARTIFACTS.singleton.abi, provider);
        expect(await safe.getFunction("VERSION")(), `${name}: version`).to.equal("1.5.0");
        expect(await safe.getFunction("getOwners")(), `${name}: owners`).to.deep.equal(spec.owners);
        expect(await safe.getFunction("getThreshold")(), `${name}: threshold`).to.equal(
          BigInt(spec.threshold),
        );
      }
    }
  });

  it("test_deploy_ignitionEqualsPlainSteps: both paths give the same role table", async function () {
    expect(await table(viaIgnition), "same roles, same holders").to.deep.equal(await table(viaEthers));
    // And the system still works for depositors.
    const depositor = (await ignitionEthers.getSigners())[8];
    await (await viaIgnition.pool.connect(depositor).deposit(2, depositor.address, 0, { value: ETH })).wait();
    expect(await viaIgnition.book.navOf(2), "deposit booked").to.equal(ETH);
  });

  it("test_deploy_existingSafe: a Safe given by address is used, not created; no Safe there is refused", async function () {
    // On the Ignition chain, a Safe created by the first deploy stands in for an existing one.
    const p = params();
    const existing = viaIgnition.safes!.veto;
    const sys = await deploySystem(ignitionEthers, {
      ...p,
      safes: { ...p.safes!, veto: { address: existing } },
    });
    expect(sys.safes!.veto, "the given address").to.equal(existing);
    expect(await sys.registry.hasRole(await sys.registry.VETO_ROLE(), existing), "VETO_ROLE to it").to.equal(
      true,
    );
    // On a fresh chain nothing is at that address: refused before anything is sent.
    const { ethers } = await network.create();
    const [deployer] = await ethers.getSigners();
    const nonce = await ethers.provider.getTransactionCount(deployer!.address);
    let err: unknown;
    try {
      await deploySystem(ethers, { ...p, safes: { ...p.safes!, veto: { address: existing } } });
    } catch (e) {
      err = e;
    }
    expect(String((err as Error)?.message), "refused").to.equal(
      `safes.veto: no Safe at ${existing} on this chain (no code or no threshold)`,
    );
    expect(await ethers.provider.getTransactionCount(deployer!.address), "nothing sent").to.equal(nonce);
  });

  it("test_canonicalSafeInfra_realNetworks: safe-deployments addresses; a chain without them is refused", function () {
    expect(canonicalSafeInfra(1n), "mainnet Safe 1.5.0").to.deep.equal({
      singleton: "0xEdd160fEBBD92E350D4D398fb636302fccd67C7e",
      factory: "0x14F2982D601c9458F93bd70B218933A6f8165e7b",
      fallbackHandler: "0x3EfCBb83A4A7AfcB4F68D501E2c2203a38be77f4",
      multiSendCallOnly: "0xA83c336B20401Af773B6219BA5027174338D1836",
    });
    expect(() => canonicalSafeInfra(31337n)).to.throw(
      "no canonical Safe 1.5.0 SafeL2 on chain 31337 in @safe-global/safe-deployments",
    );
  });

  it("test_txBuilderChecksum_coversContentNotName: the Safe app's checksum ignores meta.name only", function () {
    const batch = txBuilderBatch({
      chainId: 1n,
      safe: "0x0000000000000000000000000000000000000011",
      name: "a",
      description: "d",
      createdAt: 1,
      calls: [
        {
          to: "0x0000000000000000000000000000000000000022",
          value: 0n,
          data: "0x",
          contract: "x",
          args: [],
          label: "x",
        },
      ],
    });
    const renamed = { ...batch, meta: { ...batch.meta, name: "b" } };
    expect(txBuilderChecksum(renamed), "name is not covered").to.equal(batch.meta.checksum);
    const changed = { ...batch, transactions: [{ ...batch.transactions[0]!, value: "1" }] };
    expect(txBuilderChecksum(changed), "a transaction field is covered").to.not.equal(batch.meta.checksum);
    expect(batch.meta.checksum, "keccak256 hex").to.match(/^0x[0-9a-f]{64}$/);
  });

  it("test_parseParams_badSafe: one message naming the field", function () {
    const bad = JSON.parse(readFileSync(FILE, "utf8"));
    bad.safes.governance.threshold = 4;
    expect(() => parseParams(bad, FILE)).to.throw(
      `${FILE}: safes.governance: threshold 4 exceeds the 3 owner(s)`,
    );
    const missing = JSON.parse(readFileSync(FILE, "utf8"));
    delete missing.safes.veto;
    expect(() => parseParams(missing, FILE)).to.throw(`${FILE}: safes.veto: Required`);
    expect(() => parseParams({ handOverToTimelock: true }, FILE)).to.throw(
      `${FILE}: safes: handOverToTimelock needs the safes`,
    );
    expect(() => parseParams({ guardianz: [] }, FILE)).to.throw(
      /Unrecognized key\(s\) in object: 'guardianz'/,
    );
  });
});
