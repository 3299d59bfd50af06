/**
 * Repeated slash requests (findings of the security review, now fixed): the requests pending
 * against one operator of one service can never add up past `maxSlashBps`, so one slasher can
 * neither compound past the per-incident cap nor fill the shared pending list with repeats of
 * one operator; another service's request still goes through. A new request is possible once
 * the earlier one is executed or vetoed.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const key = (moduleId: number, operatorId: number) => (BigInt(moduleId) << 32n) | BigInt(operatorId);

describe("security: repeated slash requests", function () {
  it("one slasher stacks requests past maxSlashBps and fills the shared pending list", async function () {
    const { sys, signers } = await stakedSystem(ethers, undefined, 8);
    const [, , , , , , opCurated, , , , , , , slasherA, recipient, , slasherB] = signers;
    const reg = sys.registry;
    const params = (slasher: string) => ({
      tier: 2,
      maxSlashBps: 1000,
      slashingWindow: 300,
      vetoWindow: 300,
      minOperators: 1,
      maxOperatorShareBps: 10_000,
      slasher,
      recipient: recipient.address,
    });
    for (const s of [slasherA, slasherB]) await (await reg.registerService(params(s.address))).wait();
    for (const id of [0, 1]) {
      await (await reg.setServiceStatus(id, 2)).wait();
      await (await reg.connect(opCurated).optIn(id, 0, 0)).wait();
      await (await reg.setAllocation(id, 32n * ETH, [key(0, 0)])).wait();
    }
    await (await reg.connect(slasherA).requestSlash(0, 0, 0, 1000, ethers.id("incident"))).wait();
    const pending = await reg.pendingSlashes();
    await expect(
      reg.connect(slasherA).requestSlash(0, 0, 0, 1000, ethers.id("same incident again")),
      "a second request past the cap",
    ).to.be.revertedWithCustomError(reg, "SlashBpsTooHigh");
    expect(await reg.pendingSlashes(), "nothing added").to.deep.equal(pending);
    await (
      await reg.connect(slasherB).requestSlash(1, 0, 0, 1000, ethers.id("another service's incident"))
    ).wait();

    // Executed, the request takes exactly its 10%; only then may the slasher file again.
    const stake0: bigint = await reg.stakeOf(0, 0, 0);
    await provider.send("evm_increaseTime", [301]);
    await (await reg.executeSlash(0)).wait();
    const taken = stake0 - (await reg.stakeOf(0, 0, 0));
    expect(taken, "one incident's cap").to.equal((stake0 * 1000n) / 10_000n);
    await (await reg.connect(slasherA).requestSlash(0, 0, 0, 1000, ethers.id("next incident"))).wait();
  });
});
