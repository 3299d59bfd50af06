/**
 * A staked system shared by the integration journeys: the full deployment, a curated module
 * (reputation 9,000) and a bonded module (8,000) with 5% fees, one operator each with
 * BLS-valid keys, depositors in C, B, A (junior first, for cover), validators deposited with a
 * guardian attestation — and the decimal.js model mirroring every step.
 */
import { expect } from "chai";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { deploySystem, ETH, type System } from "../../deploy/system.js";
import { PoolModel } from "../../sdk/src/model/index.js";
import { depositAll, makeKeys, type KeyBatch, type ModuleReportInput } from "./protocol.js";

export interface StakedSystem {
  sys: System;
  model: PoolModel;
  signers: Awaited<ReturnType<HardhatEthers["getSigners"]>>;
  /** Validators deposited per module id. */
  alloc: bigint[];
  /** Module report with every deposited validator at 32 ETH plus `extra`. */
  moduleReport: (moduleId: number, extra: bigint, perfBps?: number) => ModuleReportInput;
  /** Compares every class and the pool with the model, to the wei. */
  expectMatchesModel: (step: string) => Promise<void>;
}

export async function stakedSystem(
  ethers: HardhatEthers,
  deposits: readonly (readonly [number, bigint])[] = [
    [2, 60n * ETH],
    [1, 60n * ETH],
    [0, 200n * ETH],
  ],
  validators = 10,
): Promise<StakedSystem> {
  const signers = await ethers.getSigners();
  const sys = await deploySystem(ethers);
  const [, , , , g1, g2, opCurated, opBonded, d1, d2, d3, feeRec] = signers;
  const params = {
    baseWeight: 100,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient: feeRec.address,
  };
  await (await sys.router.addModule(await sys.curated.getAddress(), params, 9000)).wait();
  await (await sys.router.addModule(await sys.bonded.getAddress(), params, 8000)).wait();
  const cfg = sys.config;
  const model = new PoolModel({
    classes: cfg.classes.map((c) => ({
      basePremiumBps: BigInt(c.basePremiumBps),
      maxPremiumBps: BigInt(c.maxPremiumBps),
      minCoverBps: BigInt(c.minCoverBps),
      redeemDelay: BigInt(c.redeemDelay),
      depositCap: c.depositCap,
    })),
    // Both modules pay one fee recipient: the contracts mint its fee shares once per report.
    modules: [
      { feeBps: 500n, reputation: 9000n, feeRecipient: feeRec.address },
      { feeBps: 500n, reputation: 8000n, feeRecipient: feeRec.address },
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

  const depositors = [d3, d2, d1];
  for (const [cls, amount] of deposits) {
    const who = depositors[cls];
    await (await sys.pool.connect(who).deposit(cls, who.address, 0, { value: amount })).wait();
    model.deposit(cls, amount, who.address);
  }

  const { alloc } = await depositAll(sys, validators, uploaded, [g1, g2]);
  alloc.forEach((n, id) => model.depositValidators(id, n));

  const moduleReport = (moduleId: number, extra: bigint, perfBps = 10_000): ModuleReportInput => ({
    clValidators: alloc[moduleId],
    exited: 0n,
    clBalance: alloc[moduleId] * 32n * ETH + extra,
    withdrawn: 0n,
    perfBps,
    slashedValidators: 0,
  });

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
    expect(await sys.pool.buffered(), `${step}: buffered`).to.equal(model.buffered);
    expect(await sys.pool.debt(), `${step}: debt`).to.equal(model.debt);
    expect(await sys.accounting.pooled(), `${step}: pooled`).to.equal(model.pooled());
    expect(await sys.queue.reserved(), `${step}: reserved`).to.equal(model.reserved);
    const navSum = model.navs().reduce((a, b) => a + b, 0n);
    const pooled = model.pooled();
    expect(navSum <= pooled && pooled - navSum <= BigInt(k), `${step}: invariant A`).to.equal(true);
    for (let m = 0; m < model.modules.length; m++) {
      expect(BigInt((await sys.router.getModule(m)).reputationBps), `${step}: reputation ${m}`).to.equal(
        model.modules[m].reputation,
      );
    }
  }

  return { sys, model, signers, alloc, moduleReport, expectMatchesModel };
}

/** The model's view of a module report (bond charged given separately). */
export function modelModule(r: ModuleReportInput, bondCharged = 0n) {
  return { ...r, perfBps: BigInt(r.perfBps), slashedValidators: BigInt(r.slashedValidators), bondCharged };
}
