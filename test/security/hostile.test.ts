/**
 * Hostile callers (issue 9): re-entrant and ETH-rejecting receivers, a dust griefer, a
 * depositor front-running a loss report and a reward sandwich (DESIGN §12). Each attack runs
 * against the full deployment (deploySystem via the shared staked scenario) with a
 * `Hostile__Mock` contract whose receive() re-enters the call that pays it.
 */
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { expect } from "chai";
import { network } from "hardhat";
import { Interface, type ContractTransactionResponse } from "ethers";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { stakedSystem, type StakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const GWEI = 10n ** 9n;
const key = (moduleId: number, operatorId: number) => (BigInt(moduleId) << 32n) | BigInt(operatorId);

/** A staked system with 8 validators, so 64 ETH stay buffered for redemptions and slashes. */
async function setup() {
  const ss = await stakedSystem(ethers, undefined, 8);
  const hostile: any = await ethers.deployContract("Hostile__Mock");
  const members = ss.signers.slice(1, 4);
  let extra = [0n, 0n];
  /** One oracle round; `gain` adds to module 0's CL balance (negative = loss). */
  const report = async (gain = 0n, elRewards = 0n) => {
    extra = [extra[0] + gain, extra[1]];
    return runOracleRound(ss.sys, members, provider, {
      elRewards,
      modules: [ss.moduleReport(0, extra[0]), ss.moduleReport(1, extra[1])],
    });
  };
  return { ...ss, hostile, report };
}

/** Calls `target.fn(args)` from the hostile contract (exec bubbles the revert data). */
async function viaHostile(hostile: any, target: any, fn: string, args: unknown[], value = 0n) {
  const data = target.interface.encodeFunctionData(fn, args);
  return hostile.exec(await target.getAddress(), value, data, {
    value,
  }) as Promise<ContractTransactionResponse>;
}

function decodeWith(iface: Interface, data: string): string {
  return iface.parseError(data)?.name ?? data;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const r = await (await tx).wait();
  return r!.gasUsed;
}

describe("security: hostile callers", function () {
  it("WithdrawalQueue.claim: a rejecting receiver keeps the request claimable; a re-entrant one is paid once", async function () {
    const { sys, hostile, report }: StakedSystem & { hostile: any; report: any } = await setup();
    const h = await hostile.getAddress();
    await (await viaHostile(hostile, sys.pool, "deposit", [0, h, 0], ETH)).wait();
    const shares: bigint = await sys.tokens[0].balanceOf(h);
    await (await viaHostile(hostile, sys.queue, "requestRedeem", [0, shares, h, h])).wait();
    const [total] = await sys.queue.requestCount(0);
    const id = requestIdOf(h, 0, total - 1n);
    await provider.send("evm_increaseTime", [Number(sys.config.classes[0].redeemDelay)]);
    await report();
    const req = await sys.queue.getRequest(id);
    expect(req.finalized, "finalized after the redemption delay").to.equal(true);
    const reserved: bigint = await sys.queue.reserved();

    // 1. ETH-rejecting receiver: claim reverts, nothing moves, the request stays claimable.
    await (await hostile.setMode(1, await sys.queue.getAddress(), id, 0)).wait();
    await expect(
      viaHostile(hostile, sys.queue, "claim", [id, h]),
      "rejecting receiver",
    ).to.be.revertedWithCustomError(sys.queue, "EthTransferFailed");
    expect(await sys.queue.claimableRedeemRequest(id, h), "still claimable").to.equal(shares);
    expect(await sys.queue.reserved(), "reserve untouched").to.equal(reserved);

    // 2. Re-entrant receiver: the inner claim reverts AlreadyClaimed; the outer pays once.
    await (await hostile.setMode(2, await sys.queue.getAddress(), id, 0)).wait();
    const before = await ethers.provider.getBalance(h);
    const queueBefore = await ethers.provider.getBalance(await sys.queue.getAddress());
    await (await viaHostile(hostile, sys.queue, "claim", [id, h])).wait();
    expect((await ethers.provider.getBalance(h)) - before, "paid exactly the locked amount").to.equal(
      req.assets,
    );
    expect(
      queueBefore - (await ethers.provider.getBalance(await sys.queue.getAddress())),
      "queue paid once",
    ).to.equal(req.assets);
    expect(await hostile.reentries(), "re-entered").to.equal(1n);
    expect(await hostile.reentrySucceeded(), "re-entry failed").to.equal(false);
    expect(decodeWith(sys.queue.interface, await hostile.lastError()), "inner error").to.equal(
      "AlreadyClaimed",
    );
    await expect(
      viaHostile(hostile, sys.queue, "claim", [id, h]),
      "claims once",
    ).to.be.revertedWithCustomError(sys.queue, "AlreadyClaimed");
  });

  it("BondedModule.withdrawBond: a re-entrant withdrawer cannot take more than its free bond", async function () {
    const { sys, hostile } = await setup();
    const h = await hostile.getAddress();
    await (
      await viaHostile(hostile, sys.bonded, "registerOperator", ["hostile", h, "0x", "0x"], 4n * ETH)
    ).wait();
    const id = (await sys.bonded.operatorCount()) - 1n;
    const bondedAddr = await sys.bonded.getAddress();
    const amount = (3n * ETH) / 2n;
    await (await hostile.setMode(3, bondedAddr, id, amount)).wait();
    const before = await ethers.provider.getBalance(h);
    await (await viaHostile(hostile, sys.bonded, "withdrawBond", [id, amount, h])).wait();
    expect((await ethers.provider.getBalance(h)) - before, "received the one withdrawal").to.equal(amount);
    expect(await hostile.reentrySucceeded(), "re-entry refused").to.equal(false);
    expect(decodeWith(sys.bonded.interface, await hostile.lastError()), "inner error").to.equal("BondLocked");
    const [bond] = await sys.bonded.bondOf(id);
    expect(bond, "bond left").to.equal(4n * ETH - amount);
    expect(await ethers.provider.getBalance(bondedAddr), "module balance = total bond").to.equal(
      await sys.bonded.totalBond(),
    );
  });

  it("CascadePool.claimServicePayout: a re-entrant slash recipient is paid once", async function () {
    const { sys, hostile, signers } = await setup();
    const h = await hostile.getAddress();
    const [, , , , , , opCurated, , , , , , , slasher] = signers;
    const reg = sys.registry;
    await (
      await reg.registerService({
        tier: 2,
        maxSlashBps: 1000,
        slashingWindow: 300,
        vetoWindow: 300,
        minOperators: 1,
        maxOperatorShareBps: 10_000,
        slasher: slasher.address,
        recipient: h,
      })
    ).wait();
    await (await reg.setServiceStatus(0, 2)).wait();
    await (await reg.connect(opCurated).optIn(0, 0, 0)).wait();
    await (await reg.setAllocation(0, 32n * ETH, [key(0, 0)])).wait();
    const stake: bigint = await reg.stakeOf(0, 0, 0);
    await (await reg.connect(slasher).requestSlash(0, 0, 0, 1000, ethers.id("evidence"))).wait();
    await provider.send("evm_increaseTime", [301]);
    await (await reg.executeSlash(0)).wait();
    const owed: bigint = await sys.pool.servicePayoutOf(h);
    expect(owed, "credited, not pushed").to.equal((stake * 1000n) / 10_000n);

    const poolAddr = await sys.pool.getAddress();
    await (await hostile.setMode(4, poolAddr, 0, 0)).wait();
    const before = await ethers.provider.getBalance(h);
    await (await viaHostile(hostile, sys.pool, "claimServicePayout", [])).wait();
    expect((await ethers.provider.getBalance(h)) - before, "paid once").to.equal(owed);
    expect(await hostile.reentrySucceeded(), "re-entry refused").to.equal(false);
    expect(decodeWith(sys.pool.interface, await hostile.lastError()), "inner error").to.equal(
      "NothingToClaim",
    );
    expect(await sys.pool.servicePayoutOf(h), "nothing left").to.equal(0n);
    await expect(
      viaHostile(hostile, sys.pool, "claimServicePayout", []),
      "once",
    ).to.be.revertedWithCustomError(sys.pool, "NothingToClaim");
  });

  it("a fee recipient that rejects ETH cannot block a report: fees are class-0 shares, no callback", async function () {
    const { sys, hostile, report } = await setup();
    const h = await hostile.getAddress();
    await (await hostile.setMode(1, h, 0, 0)).wait(); // rejects any ETH
    await (
      await sys.router.updateModule(0, {
        baseWeight: 100,
        stakeShareLimitBps: 10_000,
        moduleFeeBps: 500,
        feeRecipient: h,
      })
    ).wait();
    await provider.send("evm_increaseTime", [30 * 24 * 3600]);
    await report(ETH / 10n);
    expect((await sys.tokens[0].balanceOf(h)) > 0n, "fee minted as cA shares").to.equal(true);
    expect(await hostile.reentries(), "never called back").to.equal(0n);
  });

  it("test_requestRedeem_dustRevertsAndCannotDelayAnotherClass: a dust griefer is refused, and a flood in A leaves C's redemption on time", async function () {
    // Open item 6 (fixed): no minimum request size, and maxFinalizePerReport shared across
    // classes in class order, so 1,200 dust requests in class A made an honest class-C
    // request wait 3 reports. Now requests below minRedeemAssets revert, and each class gets
    // an equal part of the per-report budget first.
    this.timeout(600_000);
    const { sys, signers, report } = await setup();
    const griefer = signers[18];
    const honest = signers[8]; // d1, class C holder
    const N = 1200;
    const minimum: bigint = await sys.queue.minRedeemAssets();
    expect(minimum, "deploySystem sets a minimum").to.equal(sys.config.minRedeemAssets);
    await (await sys.pool.connect(griefer).deposit(0, griefer.address, 0, { value: 1n })).wait();
    await expect(
      sys.queue.connect(griefer).requestRedeem(0, 1n, griefer.address, griefer.address),
      "1 wei of class A",
    )
      .to.be.revertedWithCustomError(sys.queue, "RedeemBelowMinimum")
      .withArgs(0n, (assets: bigint) => assets < minimum, minimum);
    // Requests at the minimum: the flood now costs N × minimum of capital, and still must not
    // delay class C.
    await (
      await sys.pool.connect(griefer).deposit(0, griefer.address, 0, { value: BigInt(N) * minimum * 2n })
    ).wait();
    const c0 = await sys.book.getClass(0);
    const shares = (minimum * c0.supply + c0.nav - 1n) / c0.nav + 1n; // worth ≥ minimum
    const requestGas: bigint[] = [];
    for (let i = 0; i < N; i++) {
      const tx = sys.queue.connect(griefer).requestRedeem(0, shares, griefer.address, griefer.address);
      if (i === 0 || i === N - 1) requestGas.push(await gasOf(tx));
      else await tx;
    }
    // Honest redemption in class C, queued after the griefer's class-A flood.
    await (await sys.queue.connect(honest).requestRedeem(2, ETH, honest.address, honest.address)).wait();
    expect(requestGas[1] <= requestGas[0] + 5_000n, "requestRedeem gas flat").to.equal(true);

    const limit = BigInt((await sys.accounting.limits()).maxFinalizePerReport);
    await provider.send("evm_increaseTime", [Number(sys.config.classes[2].redeemDelay)]);
    const heads: bigint[] = [];
    const reportGas: bigint[] = [];
    const honestId = requestIdOf(honest.address, 2, 0);
    let honestAfter = 0;
    while ((await sys.queue.requestCount(0))[1] < BigInt(N)) {
      const r = await report();
      reportGas.push(r.receipt.gasUsed);
      heads.push((await sys.queue.requestCount(0))[1]);
      if (!honestAfter && (await sys.queue.getRequest(honestId)).finalized) honestAfter = heads.length;
      expect(heads.length <= 5, "finalization makes progress").to.equal(true);
    }
    console.log(
      `      dust: requestRedeem gas first/last ${requestGas.join("/")}; class-A head after each report ${heads.join(", ")}; report gas ${reportGas.join(", ")}; honest class-C request finalized by report ${honestAfter}`,
    );
    let prev = 0n;
    for (const hd of heads) {
      expect(hd - prev <= limit, "≤ maxFinalizePerReport per report").to.equal(true);
      prev = hd;
    }
    expect(heads[0], "class A gets the budget C left unused").to.equal(limit - 1n);
    for (const g of reportGas) expect(g < 30_000_000n, "report fits a block").to.equal(true);
    expect(honestAfter, "honest class-C request finalized by the first report").to.equal(1);
  });

  it("front-running a loss report with a redemption gains nothing: paid at min(priceAtRequest, priceNow)", async function () {
    const { sys, signers, report } = await setup();
    const d1 = signers[8]; // class C depositor (junior: takes the loss first)
    await report(); // warm-up frame
    const shares = (await sys.tokens[2].balanceOf(d1.address)) / 2n;
    await (await sys.queue.connect(d1).requestRedeem(2, shares, d1.address, d1.address)).wait();
    const id = requestIdOf(d1.address, 2, 0);
    const atRequest = (await sys.queue.getRequest(id)).assets;
    await report(-3n * ETH); // the loss the redeemer saw coming
    const c = await sys.book.getClass(2);
    const fair = (shares * c.nav) / c.supply; // what a holder who stayed now has per these shares
    while (!(await sys.queue.getRequest(id)).finalized) await report();
    const paid = (await sys.queue.getRequest(id)).assets;
    expect(paid < atRequest, "the loss reached the redeemer").to.equal(true);
    expect(paid <= fair, "no better than staying").to.equal(true);
  });

  it("a reward sandwich earns no more than the frames held and costs more gas than it gains (DESIGN §12)", async function () {
    const { sys, signers, report } = await setup();
    const attacker = signers[17];
    const frame = BigInt(sys.config.secondsPerSlot * sys.config.slotsPerFrame);
    await report(); // warm-up: the next report's elapsed time is one frame
    // CL gain near the APR cap for one frame on 256 ETH of validators (80%: the report lands a
    // few blocks after the frame boundary, so the measured elapsed time is a little short).
    const maxGain = (256n * ETH * 1000n * frame * 8n) / (10_000n * 365n * 24n * 3600n * 10n);
    const D = 10n * ETH;
    const gasUsed: bigint[] = [];
    const depositTx = sys.pool.connect(attacker).deposit(0, attacker.address, 0, { value: D });
    gasUsed.push(await gasOf(depositTx));
    const t0 = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const shares: bigint = await sys.tokens[0].balanceOf(attacker.address);
    const p0: bigint = await sys.tokens[0].price();
    await report(maxGain - 1n); // the reward report the attacker sandwiches
    const p1: bigint = await sys.tokens[0].price();
    gasUsed.push(
      await gasOf(sys.queue.connect(attacker).requestRedeem(0, shares, attacker.address, attacker.address)),
    );
    const [total] = await sys.queue.requestCount(0);
    const id = requestIdOf(attacker.address, 0, total - 1n);
    const atRequest = (await sys.queue.getRequest(id)).assets; // D plus the sandwiched frame's reward
    let tEnd = 0n;
    while (!(await sys.queue.getRequest(id)).finalized) {
      const r = await report(maxGain / 2n); // later frames keep paying rewards
      tEnd = r.timestamp;
    }
    const before = await ethers.provider.getBalance(attacker.address);
    const claimTx = await sys.queue.connect(attacker).claim(id, attacker.address);
    const rc = await claimTx.wait();
    gasUsed.push(rc!.gasUsed);
    const paid =
      (await ethers.provider.getBalance(attacker.address)) - before + rc!.gasUsed * BigInt(rc!.gasPrice!);
    const gain = paid - D;
    const frameReward = atRequest - D; // the one frame of class-A rewards on these shares
    expect(p1 > p0, "the report paid rewards").to.equal(true);
    const held = tEnd - t0;
    const gas = gasUsed.reduce((a, b) => a + b, 0n);
    console.log(
      `      sandwich: D=${D / ETH} ETH, held ${held}s (${Number(held) / Number(frame)} frames), gain ${gain} wei, ` +
        `one-frame reward ${frameReward} wei, gas ${gas} (= ${(gas * GWEI) / 10n ** 9n} gwei at 1 gwei/gas), ` +
        `break-even deposit at 1 gwei ≈ ${(gas * GWEI * D) / (gain > 0n ? gain : 1n) / ETH} ETH`,
    );
    expect(held >= frame, "held at least one full frame").to.equal(true);
    expect(gain <= frameReward, "earns no more than the one frame it was paid for").to.equal(true);
    expect(gas * GWEI > gain, "costs more gas (1 gwei) than it gains at D = 10 ETH").to.equal(true);
  });
  it("test_handleReport_mevSandwichGainsAtMostTheCap: a deposit just before a 100 ETH MEV report earns at most its share of the capped reward (DESIGN §9)", async function () {
    const { sys, signers, report } = await setup();
    const attacker = signers[17];
    await report(); // warm-up: every validator seen, no gain
    const ev = await sys.elVault.getAddress();
    const MEV = 100n * ETH;
    await (await signers[0].sendTransaction({ to: ev, value: MEV })).wait();
    const D = 10n * ETH;
    await (await sys.pool.connect(attacker).deposit(0, attacker.address, 0, { value: D })).wait();
    const shares: bigint = await sys.tokens[0].balanceOf(attacker.address);
    const v0: bigint = await sys.tokens[0].convertToAssets(shares);
    const navA: bigint = (await sys.book.navs())[0];
    const [ref0]: [bigint] = await sys.accounting.lastReport();
    const base: bigint = (await sys.router.clBalanceTotal()) as bigint;
    const vault0 = await ethers.provider.getBalance(ev);
    const r = await report(0n, vault0); // the oracle reports the whole vault balance
    const span = (r.refSlot - ref0) * BigInt(sys.config.secondsPerSlot);
    const aprBps = BigInt((await sys.accounting.limits()).maxRewardAprBps);
    const maxReward = (base * aprBps * span) / (10_000n * 365n * 24n * 3600n);
    const gain = (await sys.tokens[0].convertToAssets(shares)) - v0;
    const left = await ethers.provider.getBalance(ev);
    console.log(
      `      MEV sandwich: ${MEV / ETH} ETH in the vault, cap ${maxReward} wei over ${span}s on ${base / ETH} ETH; ` +
        `booked ${vault0 - left} wei, attacker (D=${D / ETH} ETH) gain ${gain} wei`,
    );
    expect(aprBps > 0n, "deploy sets a reward cap").to.equal(true);
    expect(vault0 - left, "the report books exactly the cap").to.equal(maxReward);
    expect(gain <= (maxReward * D) / navA + 1n, "gain <= cap x D / NAV_A").to.equal(true);
    // Later reports book the rest of the frame, each within the cap.
    const [ref1]: [bigint] = await sys.accounting.lastReport();
    const r2 = await report(0n, left);
    const cap2 =
      (base * aprBps * (r2.refSlot - ref1) * BigInt(sys.config.secondsPerSlot)) /
      (10_000n * 365n * 24n * 3600n);
    expect(
      left - (await ethers.provider.getBalance(ev)),
      "the next report books the carry within its cap",
    ).to.equal(left < cap2 ? left : cap2);
  });
});
