/**
 * ExitManager.forceExit once an operator is overdue (these were findings of the security
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
      sys.exitManager
        .connect(keeper)
        .forceExit(0, 0, idx, k.pubkeys, k.signatures, { value: BigInt(deposited) }),
      "all validators for one requested exit",
    ).to.be.revertedWithCustomError(sys.exitManager, "KeysCountMismatch");
    const one = [k.pubkeys.slice(0, 2 + 96), k.signatures.slice(0, 2 + 192)] as const;
    await (await sys.exitManager.connect(keeper).forceExit(0, 0, [0], one[0], one[1], { value: 1n })).wait();
    expect((await sys.withdrawalRequests.requestCount()) - before, "one exit request sent").to.equal(1n);
    await expect(
      sys.exitManager.connect(keeper).forceExit(0, 0, [0], one[0], one[1], { value: 1n }),
      "the same validator twice",
    ).to.be.revertedWithCustomError(sys.exitManager, "ExitAlreadyForced");
    const rep = (await sys.router.getModule(0)).reputationBps;
    expect(rep, "one 10% penalty").to.equal((rep0 * 9000n) / 10000n);
  });

  it("test_requestExits_repeatedEveryFrameKeepsTheFirstDeadline: an operator that ignores its request becomes overdue", async function () {
    // Finding: every report's exit request overwrote the deadline with now + exitDeadline, and
    // the oracle repeats its request each frame, so an operator that never exits was never
    // overdue (measured: deadline always 1,536 s ahead over 20 frames; forceExit reverted).
    this.timeout(300_000);
    const { sys, signers, moduleReport } = await stakedSystem(ethers, undefined, 8);
    const members = signers.slice(1, 4);
    const keeper = signers[19];
    const exitDeadline = BigInt((await sys.accounting.params()).exitDeadline);
    const frames = 20;
    let first = 0n;
    let overdueAt = -1;
    for (let f = 0; f < frames; f++) {
      const r = await runOracleRound(sys, members, provider, {
        elRewards: 0n,
        modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
        exits: [{ moduleId: 0, operatorId: 0, count: 1 }],
      });
      if (f === 0) first = r.timestamp + exitDeadline;
      const [requested, deadline] = await sys.curated.exitRequestOf(0);
      expect(requested, `frame ${f}: one validator requested`).to.equal(1n);
      expect(deadline, `frame ${f}: the repeated request keeps the first deadline`).to.equal(first);
      const overdue = await sys.curated.exitOverdue(0);
      expect(overdue, `frame ${f}: overdue exactly once past the deadline`).to.equal(r.timestamp > first);
      if (overdue && overdueAt < 0) overdueAt = f;
    }
    const frame = Number(exitDeadline) / 4; // deploySystem: exitDeadline = 4 frames
    console.log(
      `      exit deadline ${first} (first report + ${exitDeadline} s); overdue from frame ${overdueAt} of ${frames} (frame ${frame} s)`,
    );
    expect(overdueAt, "overdue after exitDeadline (4 frames)").to.equal(5);
    const wc: string = await sys.router.withdrawalCredentials();
    const k = makeKeys("curated-op-0", 0, 1, wc);
    const before = await sys.withdrawalRequests.requestCount();
    await (
      await sys.exitManager.connect(keeper).forceExit(0, 0, [0], k.pubkeys, k.signatures, { value: 1n })
    ).wait();
    expect((await sys.withdrawalRequests.requestCount()) - before, "forceExit sends the request").to.equal(
      1n,
    );
  });

  it("test_requestExits_raisedRequestGetsItsOwnDeadline: tranches, exits and slashes never push a deadline later", async function () {
    this.timeout(300_000);
    const { sys, signers, moduleReport } = await stakedSystem(ethers, undefined, 8);
    const members = signers.slice(1, 4);
    const exitDeadline = BigInt((await sys.accounting.params()).exitDeadline);
    const round = (exits: unknown[], operatorExits: unknown[] = []) =>
      runOracleRound(sys, members, provider, {
        elRewards: 0n,
        modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
        exits,
        operatorExits,
      });
    const r1 = await round([{ moduleId: 0, operatorId: 0, count: 1 }]);
    const d1 = r1.timestamp + exitDeadline;
    const r2 = await round([{ moduleId: 0, operatorId: 0, count: 3 }]);
    const d2 = r2.timestamp + exitDeadline;
    let [upTo, deadlines] = await sys.curated.exitTranchesOf(0);
    expect([...upTo], "two parts: 1, then up to 3").to.deep.equal([1n, 3n]);
    expect([...deadlines], "each part its own deadline").to.deep.equal([d1, d2]);
    // A smaller request and a repeat change nothing.
    await round([{ moduleId: 0, operatorId: 0, count: 2 }]);
    await round([{ moduleId: 0, operatorId: 0, count: 3 }]);
    [upTo, deadlines] = await sys.curated.exitTranchesOf(0);
    expect([...deadlines], "repeats move no deadline").to.deep.equal([d1, d2]);
    expect((await sys.curated.exitRequestOf(0))[0], "requested never lowered").to.equal(3n);
    // The operator exits its first validator in time: the next part's deadline is the one due.
    await round([], [{ moduleId: 0, operatorId: 0, exited: 1 }]);
    expect((await sys.curated.exitRequestOf(0))[1], "oldest outstanding part").to.equal(d2);
    await provider.send("evm_setNextBlockTimestamp", [Number(d1) + 1]);
    await provider.send("evm_mine", []);
    expect(await sys.curated.exitOverdue(0), "first part done: not overdue at d1").to.equal(false);
    await provider.send("evm_setNextBlockTimestamp", [Number(d2) + 1]);
    await provider.send("evm_mine", []);
    expect(await sys.curated.exitOverdue(0), "second part missed: overdue at d2").to.equal(true);
    // Everything exited: nothing outstanding.
    await round([], [{ moduleId: 0, operatorId: 0, exited: 3 }]);
    [upTo] = await sys.curated.exitTranchesOf(0);
    expect(upTo.length, "no part left").to.equal(0);
    expect(await sys.curated.exitOverdue(0), "nothing overdue").to.equal(false);
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
