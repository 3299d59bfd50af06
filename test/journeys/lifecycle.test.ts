/**
 * User journey over the whole deployed system: depositors fund classes A/B/C, a curated and a
 * bonded operator upload BLS-valid keys, guardians attest, the keeper deposits, the oracle
 * quorum reports rewards, then a bonded operator's loss covered by its bond, then a redemption
 * that finalizes and is claimed. After every step the contracts are compared, to the wei,
 * with the decimal.js reference model (sdk/src/model).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deploySystem, ETH, type System } from "../../deploy/system.js";
import { PoolModel } from "../../sdk/src/model/index.js";
import {
  attest,
  keysFor,
  makeKeys,
  runOracleRound,
  type KeyBatch,
  type ModuleReportInput,
} from "../helpers/protocol.js";

const { ethers, provider } = await network.create();
const DAY = 24 * 3600;

describe("journey: deposit → stake → report → loss with bond cover → redeem → claim", function () {
  let sys: System;
  let model: PoolModel;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  async function expectMatchesModel(step: string) {
    const k = Number(await sys.book.classCount());
    for (let i = 0; i < k; i++) {
      const c = await sys.book.getClass(i);
      expect(c.nav, `${step}: nav of class ${i}`).to.equal(model.classes[i].nav);
      expect(c.supply, `${step}: supply of class ${i}`).to.equal(model.classes[i].supply);
      expect(await sys.tokens[i].totalSupply(), `${step}: token supply ${i}`).to.equal(
        model.classes[i].supply,
      );
    }
    expect(await sys.router.buffered(), `${step}: buffered`).to.equal(model.buffered);
    expect(await sys.accounting.pooled(), `${step}: pooled`).to.equal(model.pooled());
    expect(await sys.queue.reserved(), `${step}: reserved`).to.equal(model.reserved);
    const navSum = model.navs().reduce((a, b) => a + b, 0n);
    expect(navSum <= model.pooled() && model.pooled() - navSum <= BigInt(k), `${step}: invariant A`).to.equal(
      true,
    );
    for (let m = 0; m < model.modules.length; m++) {
      expect(BigInt((await sys.router.getModule(m)).reputationBps), `${step}: reputation ${m}`).to.equal(
        model.modules[m].reputation,
      );
    }
  }

  async function timestamp(): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  it("keeps contracts and model equal at every step", async function () {
    signers = await ethers.getSigners();
    sys = await deploySystem(ethers);
    const [deployer, m1, m2, m3, g1, g2, opCurated, opBonded, d1, d2, d3, feeRec, funder] = signers;
    const members = [m1, m2, m3];
    const guardians = [g1, g2];

    // Modules: curated (reputation 9,000) and bonded (8,000), 5% module fee each.
    const params = (w: number) => ({
      baseWeight: w,
      stakeShareLimitBps: 10_000,
      moduleFeeBps: 500,
      feeRecipient: feeRec.address,
    });
    await (await sys.router.addModule(await sys.curated.getAddress(), params(100), 9000)).wait();
    await (await sys.router.addModule(await sys.bonded.getAddress(), params(100), 8000)).wait();
    const cfg = sys.config;
    model = new PoolModel({
      classes: cfg.classes.map((c) => ({
        basePremiumBps: BigInt(c.basePremiumBps),
        maxPremiumBps: BigInt(c.maxPremiumBps),
        minCoverBps: BigInt(c.minCoverBps),
        redeemDelay: BigInt(c.redeemDelay),
        depositCap: c.depositCap,
      })),
      modules: [
        { feeBps: 500n, reputation: 9000n },
        { feeBps: 500n, reputation: 8000n },
      ],
      params: {
        treasuryFeeBps: BigInt(cfg.treasuryFeeBps),
        serviceFeeBps: BigInt(cfg.serviceFeeBps),
        lambdaBps: BigInt(cfg.lambdaBps),
        slashPenaltyBps: BigInt(cfg.slashPenaltyBps),
      },
    });

    // Operators upload keys with real BLS signatures over the router's withdrawal credentials.
    const wc: string = await sys.router.withdrawalCredentials();
    const uploaded = new Map<string, KeyBatch[]>();
    await (await sys.curated.addOperator("Curated One", opCurated.address, opCurated.address)).wait();
    const ck = makeKeys("curated-op-0", 0, 6, wc);
    await (await sys.curated.connect(opCurated).addKeys(0, ck.pubkeys, ck.signatures)).wait();
    await (await sys.curated.setVettedLimit(0, 6)).wait();
    uploaded.set("0:0", [ck]);
    const bk = makeKeys("bonded-op-0", 0, 4, wc);
    const bond = (24n * ETH) / 10n + 3n * ((13n * ETH) / 10n);
    await (
      await sys.bonded
        .connect(opBonded)
        .registerOperator("Bonded One", opBonded.address, bk.pubkeys, bk.signatures, { value: bond })
    ).wait();
    uploaded.set("1:0", [bk]);
    expect(await sys.bonded.depositableKeys(), "bond covers 4 keys").to.equal(4n);

    // Depositors: junior first so the senior class has cover.
    for (const [who, cls, amount] of [
      [d1, 2, 60n * ETH],
      [d2, 1, 60n * ETH],
      [d3, 0, 200n * ETH],
    ] as const) {
      await (await sys.router.connect(who).deposit(cls, who.address, 0, { value: amount })).wait();
      model.deposit(cls, amount, who.address);
    }
    await expectMatchesModel("deposits");

    // Keeper deposits 10 validators with a fresh guardian attestation.
    const { alloc, keys } = await keysFor(sys, 10, uploaded);
    const att = await attest(sys, guardians);
    await (await sys.router.depositToBeacon(10, keys, att)).wait();
    alloc.forEach((n, id) => model.depositValidators(id, n));
    const total = alloc.reduce((a, b) => a + b, 0n);
    expect(total > 0n, "something allocated").to.equal(true);
    const countLe = (await sys.depositContract.get_deposit_count()) as string;
    expect(
      BigInt("0x" + Buffer.from(countLe.slice(2), "hex").reverse().toString("hex")),
      "deposit count",
    ).to.equal(total);
    await expectMatchesModel("depositToBeacon");

    // Frame 1: rewards on both modules, execution-layer rewards in the vault.
    await provider.send("evm_increaseTime", [30 * DAY]);
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: ETH / 20n })).wait();
    const m0 = (extra: bigint, perf = 10_000): ModuleReportInput => ({
      clValidators: alloc[0],
      exited: 0n,
      clBalance: alloc[0] * 32n * ETH + extra,
      withdrawn: 0n,
      perfBps: perf,
      slashedValidators: 0,
    });
    const m1r = (extra: bigint, perf = 10_000): ModuleReportInput => ({
      clValidators: alloc[1],
      exited: 0n,
      clBalance: alloc[1] * 32n * ETH + extra,
      withdrawn: 0n,
      perfBps: perf,
      slashedValidators: 0,
    });
    let r = await runOracleRound(sys, members, provider, {
      elRewards: ETH / 20n,
      modules: [m0((3n * ETH) / 10n), m1r((2n * ETH) / 10n)],
    });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: ETH / 20n,
      serviceRewards: [],
      modules: [
        { ...m0((3n * ETH) / 10n), perfBps: 10_000n, slashedValidators: 0n, bondCharged: 0n },
        { ...m1r((2n * ETH) / 10n), perfBps: 10_000n, slashedValidators: 0n, bondCharged: 0n },
      ],
    });
    await expectMatchesModel("reward report");
    const priceA1 = await sys.tokens[0].price();
    expect(priceA1 > ETH, "class A earned").to.equal(true);

    // Frame 2: the bonded module loses 2 ETH; 1.5 ETH of it is its operator's, charged to the bond.
    await provider.send("evm_increaseTime", [30 * DAY]);
    const [bondBefore] = await sys.bonded.bondOf(0);
    const cPrice = await sys.tokens[2].price();
    r = await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: [m0((4n * ETH) / 10n), m1r((2n * ETH) / 10n - 2n * ETH, 6000)],
      losses: [{ moduleId: 1, operatorId: 0, amount: (15n * ETH) / 10n }],
    });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: 0n,
      serviceRewards: [],
      modules: [
        { ...m0((4n * ETH) / 10n), perfBps: 10_000n, slashedValidators: 0n, bondCharged: 0n },
        {
          ...m1r((2n * ETH) / 10n - 2n * ETH),
          perfBps: 6000n,
          slashedValidators: 0n,
          bondCharged: (15n * ETH) / 10n,
        },
      ],
    });
    const [bondAfter] = await sys.bonded.bondOf(0);
    expect(bondBefore - bondAfter, "bond charged 1.5 ETH").to.equal((15n * ETH) / 10n);
    expect((await sys.tokens[2].price()) < cPrice, "junior C took the uncovered loss").to.equal(true);
    expect((await sys.tokens[0].price()) >= priceA1, "senior A untouched by the loss").to.equal(true);
    await expectMatchesModel("loss report");

    // d2 redeems half of B; a validator exits and its 32 ETH reaches the withdrawal vault.
    const bShares = (await sys.tokens[1].balanceOf(d2.address)) / 2n;
    await (await sys.queue.connect(d2).requestRedeem(1, bShares, d2.address, d2.address)).wait();
    model.now = await timestamp();
    const reqId = model.requestRedeem(1, bShares, d2.address);
    await expectMatchesModel("requestRedeem");
    await (
      await funder.sendTransaction({ to: await sys.withdrawalVault.getAddress(), value: 32n * ETH })
    ).wait();
    await provider.send("evm_increaseTime", [30 * DAY]);
    const exited = { ...m0((4n * ETH) / 10n - 32n * ETH), exited: 1n, withdrawn: 32n * ETH };
    r = await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: [exited, m1r((2n * ETH) / 10n - 2n * ETH)],
    });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: 0n,
      serviceRewards: [],
      modules: [
        { ...exited, perfBps: 10_000n, slashedValidators: 0n, bondCharged: 0n },
        { ...m1r((2n * ETH) / 10n - 2n * ETH), perfBps: 10_000n, slashedValidators: 0n, bondCharged: 0n },
      ],
    });
    await expectMatchesModel("finalizing report");
    const requestId = 1n << 128n;
    expect(await sys.queue.claimableRedeemRequest(requestId, d2.address), "claimable").to.equal(bShares);

    const before = await ethers.provider.getBalance(d3.address);
    const claimTx = await sys.queue.connect(d2).claim(requestId, d3.address);
    await claimTx.wait();
    const paid = model.claim(reqId);
    expect((await ethers.provider.getBalance(d3.address)) - before, "claim pays the locked amount").to.equal(
      paid,
    );
    await expectMatchesModel("claim");
    await expect(sys.queue.connect(d2).claim(requestId, d2.address)).to.be.revertedWithCustomError(
      sys.queue,
      "AlreadyClaimed",
    );
    void deployer;
  });
});
