/**
 * The keeper deposits every module's share of one allocation in ONE `depositToBeaconBatch`
 * (issue 12's regression: one `depositToBeacon` per module, each recomputing the allocation over
 * every module), each module behind its own guardian attestation; when the batch would revert
 * (one module's attestation no longer holds) it falls back to one call per module, so the other
 * modules still deposit.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem, ETH, type System } from "../../deploy/system.js";
import { Guardian, type GuardianDecision } from "../../sdk/src/daemons/guardian.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { makeKeys, uploadedKeySource, type KeyBatch } from "../../sdk/src/daemons/keys.js";

const { ethers } = await network.create();

/** A guardian whose first attestation for `moduleId` names a key nonce the module does not have. */
class StaleOnceGuardian extends Guardian {
  private stale = true;
  constructor(
    g: Guardian,
    readonly moduleId: number,
  ) {
    super(g.signer, g.addresses, g.opts);
  }
  override async decide(moduleId: number, at?: number): Promise<GuardianDecision> {
    const d = await super.decide(moduleId, at);
    if (moduleId !== this.moduleId || !this.stale || d.kind !== "attest") return d;
    this.stale = false;
    const value = { ...d.value, keyNonce: d.value.keyNonce + 1n };
    return { kind: "attest", value, ...(await this.sign(value)) };
  }
}

describe("keeper: one batched deposit for every module", function () {
  this.timeout(120_000);

  async function setup(): Promise<{ sys: System; keeperFor: (stale?: number) => Keeper }> {
    const signers = await ethers.getSigners();
    const sys = await deploySystem(ethers);
    const [, , , , g1, g2, opA, opB, d1, feeRec] = signers;
    const params = {
      baseWeight: 100,
      stakeShareLimitBps: 10_000,
      moduleFeeBps: 500,
      feeRecipient: feeRec.address,
    };
    await (await sys.router.addModule(sys.addresses.curatedModule, params, 10_000)).wait();
    await (await sys.router.addModule(sys.addresses.bondedModule, params, 10_000)).wait();
    const wc: string = await sys.router.withdrawalCredentials();
    const ka = makeKeys("keeper-batch/curated", 0, 4, wc);
    const kb = makeKeys("keeper-batch/bonded", 0, 4, wc);
    await (await sys.curated.addOperator("A", opA.address, opA.address)).wait();
    await (await sys.curated.connect(opA).addKeys(0, ka.pubkeys, ka.signatures)).wait();
    await (await sys.curated.setVettedLimit(0, 4)).wait();
    const bond = (24n * ETH) / 10n + 3n * ((13n * ETH) / 10n);
    await (
      await sys.bonded
        .connect(opB)
        .registerOperator("B", opB.address, kb.pubkeys, kb.signatures, { value: bond })
    ).wait();
    const uploaded = new Map<string, KeyBatch[]>([
      ["0:0", [ka]],
      ["1:0", [kb]],
    ]);
    // The junior class needs no cover.
    await (await sys.pool.connect(d1).deposit(2, d1.address, 0, { value: 6n * 32n * ETH })).wait();
    const A = sys.addresses;
    const keeperFor = (stale?: number) => {
      const guardians = [g1, g2].map(
        (g) =>
          new Guardian(g, {
            router: A.router,
            depositContract: A.depositContract,
            depositSecurity: A.depositSecurity,
          }),
      );
      return new Keeper(
        signers[0],
        { router: A.router, pool: A.pool },
        stale === undefined ? guardians : guardians.map((g) => new StaleOnceGuardian(g, stale)),
        uploadedKeySource(uploaded),
      );
    };
    return { sys, keeperFor };
  }

  it("test_depositBuffered_oneTransactionForEveryModule", async function () {
    const { sys, keeperFor } = await setup();
    const [alloc]: [bigint[], bigint] = await sys.router.previewAllocation(6);
    expect(alloc[0] > 0n && alloc[1] > 0n, "both modules have a share").to.equal(true);

    const r = await keeperFor().depositBuffered();

    expect(r.txHashes.length, "one transaction for both modules").to.equal(1);
    expect(r.failed, "no module failed").to.equal(undefined);
    expect(r.total, "six validators").to.equal(6n);
    expect(r.alloc, "each module its share of one allocation").to.deep.equal(alloc);
    const m0 = await sys.router.getModule(0);
    const m1 = await sys.router.getModule(1);
    expect([m0.deposited, m1.deposited], "the router booked the shares").to.deep.equal(alloc);
    expect(await sys.pool.buffered(), "buffer spent").to.equal(0n);
  });

  it("test_depositBuffered_fallsBackPerModuleWhenTheBatchWouldRevert", async function () {
    const { sys, keeperFor } = await setup();
    const [alloc]: [bigint[], bigint] = await sys.router.previewAllocation(6);

    // Module 1's first attestation is stale: the batch would revert KeyNonceChanged; the
    // per-module calls that follow get fresh attestations and both modules deposit.
    const r = await keeperFor(1).depositBuffered();

    expect(r.txHashes.length, "one call per module after the fallback").to.equal(2);
    expect(r.failed, "no module failed").to.equal(undefined);
    expect(r.total, "six validators").to.equal(6n);
    const m0 = await sys.router.getModule(0);
    const m1 = await sys.router.getModule(1);
    expect(m0.deposited + m1.deposited, "all six deposited").to.equal(6n);
    expect(m0.deposited, "module 0 its share").to.equal(alloc[0]);
  });
});
