/**
 * StakingRouter.forceExit once an operator is overdue (these were findings of the security
 * review, now fixed): a keeper can force at most as many validators as were requested to
 * exit, each validator only once, and the module pays one reputation penalty per missed
 * deadline however many calls are made.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { runOracleRound, makeKeys } from "../helpers/protocol.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();

describe("security: forceExit by a keeper", function () {
  it("forces no more than requested, each validator once, one penalty per deadline", async function () {
    const { sys, signers, moduleReport, alloc } = await stakedSystem(ethers, undefined, 8);
    const members = signers.slice(1, 4);
    const keeper = signers[19];
    // The oracle asks curated operator 0 to exit ONE validator.
    await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
      exits: [{ moduleId: 0, operatorId: 0, count: 1 }],
    });
    const deadline = Number((await sys.accounting.params()).exitDeadline);
    await provider.send("evm_increaseTime", [deadline + 1]);
    await provider.send("evm_mine", []);
    expect(await sys.curated.exitOverdue(0), "overdue").to.equal(true);

    const deposited = Number(await sys.curated.depositedKeysOf(0));
    expect(deposited > 1, "curated operator has several validators").to.equal(Number(alloc[0]) > 1);
    const wc: string = await sys.router.withdrawalCredentials();
    const k = makeKeys("curated-op-0", 0, deposited, wc);
    const idx = Array.from({ length: deposited }, (_, i) => i);
    const rep0 = (await sys.router.getModule(0)).reputationBps;
    const before = await sys.withdrawalRequests.requestCount();
    await expect(
      sys.router.connect(keeper).forceExit(0, 0, idx, k.pubkeys, k.signatures, { value: BigInt(deposited) }),
      "all validators for one requested exit",
    ).to.be.revertedWithCustomError(sys.router, "KeysCountMismatch");
    const one = [k.pubkeys.slice(0, 2 + 96), k.signatures.slice(0, 2 + 192)] as const;
    await (await sys.router.connect(keeper).forceExit(0, 0, [0], one[0], one[1], { value: 1n })).wait();
    expect((await sys.withdrawalRequests.requestCount()) - before, "one exit request sent").to.equal(1n);
    await expect(
      sys.router.connect(keeper).forceExit(0, 0, [0], one[0], one[1], { value: 1n }),
      "the same validator twice",
    ).to.be.revertedWithCustomError(sys.router, "ExitAlreadyForced");
    const rep = (await sys.router.getModule(0)).reputationBps;
    expect(rep, "one 10% penalty").to.equal((rep0 * 9000n) / 10000n);
  });

  it("the devnet EIP-7002 stand-in answers the empty-calldata fee query and still refuses plain ETH (fixed)", async function () {
    const predeploy = await ethers.deployContract("WithdrawalRequestPredeploy");
    const to = await predeploy.getAddress();
    const fee = await ethers.provider.call({ to, data: "0x" });
    expect(BigInt(fee), "fee getter").to.equal(1n);
    const [s] = await ethers.getSigners();
    await expect(s.sendTransaction({ to, value: 1n }), "plain ETH").to.be.revertedWithCustomError(
      predeploy,
      "InvalidRequestLength",
    );
  });
});
