/**
 * Restaking journey: two services (tier 1 and tier 2) approved, operators opted in, stake
 * allocated within the exposure limit, service rewards split by exposure at the next report,
 * a slash of the bonded operator landing on its bond then on class C (never on A), a vetoed
 * slash that never executes, debt repaid first at the next report, and the payout claimed.
 * Contracts and the decimal.js model agree to the wei after every step.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { modelModule, stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const DAY = 24 * 3600;
const key = (moduleId: number, operatorId: number) => (BigInt(moduleId) << 32n) | BigInt(operatorId);

describe("journey: services → rewards → slash (bond, then C) → veto → debt → payout", function () {
  it("books service money exactly as the model does", async function () {
    const { sys, model, signers, moduleReport, expectMatchesModel } = await stakedSystem(ethers);
    const [, m1, m2, m3, , , opCurated, opBonded, , , , , funder, slasher, recipient, vetoer] = signers;
    const members = [m1, m2, m3];
    const reg = sys.registry;
    await (await reg.grantRole(await reg.VETO_ROLE(), vetoer.address)).wait();

    const service = (tier: number, maxSlashBps: number) => ({
      tier,
      maxSlashBps,
      slashingWindow: 300,
      vetoWindow: 300,
      minOperators: 2,
      maxOperatorShareBps: 8000,
      slasher: slasher.address,
      recipient: recipient.address,
    });
    await (await reg.registerService(service(1, 1000))).wait();
    await (await reg.registerService(service(2, 2000))).wait();
    for (const id of [0, 1]) await (await reg.setServiceStatus(id, 2)).wait(); // Active
    for (const id of [0, 1]) {
      await (await reg.connect(opCurated).optIn(id, 0, 0)).wait();
      await (await reg.connect(opBonded).optIn(id, 1, 0)).wait();
    }
    await (await reg.setAllocation(0, 100n * ETH, [key(0, 0), key(1, 0)])).wait();
    await (await reg.setAllocation(1, 100n * ETH, [key(0, 0), key(1, 0)])).wait();
    const [need2, avail2] = await reg.exposure(2);
    expect(need2, "tier-2 exposure = 100 ETH × 20%").to.equal(20n * ETH);
    expect(avail2, "tier-2 cover = C's NAV").to.equal(model.classes[2].nav);

    // Rewards from both services, booked at the next report by exposure.
    await (await reg.connect(funder).payRewards(0, { value: ETH })).wait();
    await (await reg.connect(funder).payRewards(1, { value: ETH / 2n })).wait();
    await provider.send("evm_increaseTime", [30 * DAY]);
    const rep = [moduleReport(0, ETH / 10n), moduleReport(1, ETH / 10n)];
    let r = await runOracleRound(sys, members, provider, { elRewards: 0n, modules: rep });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: 0n,
      serviceRewards: [
        { paid: ETH, tier: 1 },
        { paid: ETH / 2n, tier: 2 },
      ],
      modules: rep.map((x) => modelModule(x)),
    });
    await expectMatchesModel("service rewards");

    // Tier-2 service slashes the bonded operator by 20% of its stake: bond first, then C.
    const stake: bigint = await reg.stakeOf(1, 1, 0);
    const amount = (stake * 2000n) / 10_000n;
    await (await reg.connect(slasher).requestSlash(1, 1, 0, 2000, ethers.id("double-sign evidence"))).wait();
    expect(await reg.pendingSlashes(), "pending slash public").to.deep.equal([0n]);
    await expect(reg.executeSlash(0), "veto window still open").to.be.revertedWithCustomError(
      reg,
      "VetoWindowOpen",
    );
    const [bondBefore, locked] = await sys.bonded.bondOf(0);
    expect(locked, "bond locked while pending").to.equal(amount < bondBefore ? amount : bondBefore);
    const priceA = await sys.tokens[0].price();
    const priceB = await sys.tokens[1].price();
    const priceC = await sys.tokens[2].price();
    await provider.send("evm_increaseTime", [301]);
    await (await reg.executeSlash(0)).wait();
    const charged = amount < bondBefore ? amount : bondBefore;
    model.serviceSlash(amount, charged, 2, 1);
    const [bondAfter] = await sys.bonded.bondOf(0);
    expect(bondBefore - bondAfter, "bond charged first").to.equal(charged);
    expect(await sys.tokens[0].price(), "A untouched").to.equal(priceA);
    expect(await sys.tokens[1].price(), "B untouched while C has NAV").to.equal(priceB);
    expect((await sys.tokens[2].price()) < priceC, "C took the rest").to.equal(true);
    await expect(reg.executeSlash(0), "executes once").to.be.revertedWithCustomError(reg, "SlashNotPending");
    await expectMatchesModel("service slash");

    // A vetoed slash never executes and releases nothing to anyone.
    await (await reg.connect(slasher).requestSlash(0, 0, 0, 500, ethers.id("disputed"))).wait();
    await (await reg.connect(vetoer).vetoSlash(1)).wait();
    await provider.send("evm_increaseTime", [301]);
    await expect(reg.executeSlash(1), "vetoed").to.be.revertedWithCustomError(reg, "SlashNotPending");
    await expectMatchesModel("vetoed slash");

    // Next report: debt (if buffered could not pay) is repaid before anything else.
    await provider.send("evm_increaseTime", [30 * DAY]);
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: ETH })).wait();
    const rep2 = [moduleReport(0, ETH / 5n), moduleReport(1, ETH / 5n)];
    r = await runOracleRound(sys, members, provider, { elRewards: ETH, modules: rep2 });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: ETH,
      serviceRewards: [],
      modules: rep2.map((x) => modelModule(x)),
    });
    await expectMatchesModel("report after slash");

    // The service's recipient pulls exactly what was paid (amount − debt still owed).
    const owed = await sys.pool.servicePayoutOf(recipient.address);
    expect(owed + (await sys.pool.debt()), "paid + owed = slashed").to.equal(amount);
    const before = await ethers.provider.getBalance(recipient.address);
    const tx = await sys.pool.connect(recipient).claimServicePayout();
    const rc = await tx.wait();
    const gas = BigInt(rc!.gasUsed) * BigInt(rc!.gasPrice);
    expect((await ethers.provider.getBalance(recipient.address)) - before + gas, "payout").to.equal(owed);
  });
});
