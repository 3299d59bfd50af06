/**
 * Edges the coverage report showed untested that matter for security: redemption through an
 * allowance (a spender can redeem no more than it was approved for), and a service slash
 * larger than the buffer (recorded as debt, repaid first at the next report, before any
 * redemption is funded).
 */
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const key = (moduleId: number, operatorId: number) => (BigInt(moduleId) << 32n) | BigInt(operatorId);

describe("security: edges", function () {
  it("a spender redeems someone's shares only within its allowance, and the allowance is spent", async function () {
    const { sys, signers } = await stakedSystem(ethers, undefined, 8);
    const owner = signers[10]; // class-A holder
    const spender = signers[19];
    await expect(
      sys.queue.connect(spender).requestRedeem(0, ETH, spender.address, owner.address),
      "no allowance",
    ).to.be.revertedWithCustomError(sys.tokens[0], "ERC20InsufficientAllowance");
    await (await sys.tokens[0].connect(owner).approve(spender.address, ETH)).wait();
    await expect(
      sys.queue.connect(spender).requestRedeem(0, ETH + 1n, spender.address, owner.address),
      "above allowance",
    ).to.be.revertedWithCustomError(sys.tokens[0], "ERC20InsufficientAllowance");
    const before = await sys.tokens[0].balanceOf(owner.address);
    await (await sys.queue.connect(spender).requestRedeem(0, ETH, spender.address, owner.address)).wait();
    expect(await sys.tokens[0].allowance(owner.address, spender.address), "allowance spent").to.equal(0n);
    expect(before - (await sys.tokens[0].balanceOf(owner.address)), "owner's shares escrowed").to.equal(ETH);
    expect(await sys.tokens[0].balanceOf(await sys.queue.getAddress()), "in the queue").to.equal(ETH);
  });

  it("a slash larger than the buffer becomes debt, repaid before redemptions at the next report", async function () {
    const { sys, signers, moduleReport } = await stakedSystem(ethers);
    const [, m1, m2, m3, , , opCurated, , d1, , , , , slasher, recipient] = signers;
    const reg = sys.registry;
    const buffered: bigint = await sys.pool.buffered();
    await (
      await reg.registerService({
        tier: 2,
        maxSlashBps: 5000,
        slashingWindow: 300,
        vetoWindow: 300,
        minOperators: 1,
        maxOperatorShareBps: 10_000,
        slasher: slasher.address,
        recipient: recipient.address,
      })
    ).wait();
    await (await reg.setServiceStatus(0, 2)).wait();
    await (await reg.connect(opCurated).optIn(0, 0, 0)).wait();
    await (await reg.setAllocation(0, 100n * ETH, [key(0, 0)])).wait();
    await (await reg.connect(slasher).requestSlash(0, 0, 0, 5000, ethers.id("e"))).wait();
    await provider.send("evm_increaseTime", [301]);
    await (await reg.executeSlash(0)).wait();
    const slashed = (100n * ETH * 5000n) / 10_000n;
    const debt = slashed - buffered;
    expect(debt > 0n, "slash above the buffer").to.equal(true);
    expect(await sys.pool.debt(), "the rest owed").to.equal(debt);
    expect(await sys.pool.servicePayoutOf(recipient.address), "the buffer paid at once").to.equal(buffered);

    // A redemption waits behind the debt: the next report repays the debt first.
    await (await sys.queue.connect(d1).requestRedeem(2, ETH, d1.address, d1.address)).wait();
    await provider.send("evm_increaseTime", [Number(sys.config.classes[2].redeemDelay)]);
    const funder = signers[19];
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: debt / 2n })).wait();
    await runOracleRound(sys, [m1, m2, m3], provider, {
      elRewards: debt / 2n,
      modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
    });
    const after: bigint = await sys.pool.debt();
    expect(after < debt, "debt repaid first").to.equal(true);
    expect(await sys.pool.servicePayoutOf(recipient.address), "credited to the recipient").to.equal(
      buffered + (debt - after),
    );
    expect(await sys.pool.buffered(), "nothing left for redemptions").to.equal(0n);
    expect(
      (await sys.queue.getRequest(requestIdOf(d1.address, 2, 0))).finalized,
      "redemption waits for the debt",
    ).to.equal(false);
  });
});
