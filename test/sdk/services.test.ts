/**
 * SDK journey of a restaked service on the embedded network: register → approve → opt in →
 * allocate → pay → report → slash → execute after the veto window → payout, plus a vetoed slash,
 * the keeper forcing out the slashed operator's overdue validators (EIP-7002 fee read on-chain),
 * previewDeposit / classInfo showing the exposure, and the security graph of the deployment.
 * Every refused input is checked to send nothing: the signer's nonce does not move.
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  CascadeError,
  InvalidInputError,
  classInfo,
  claimServicePayout,
  createCascadeClient,
  executeSlash,
  forceExit,
  governanceCalls,
  optIn,
  optOut,
  payRewards,
  previewDeposit,
  registerService,
  requestSlash,
  securityGraph,
  serviceInfo,
  setAllocation,
  setServiceStatus,
  vetoSlash,
  type CascadeClient,
} from "../../sdk/src/index.js";
import { analyzeSecurity } from "../../sdk/src/risk/index.js";
import { runOracleRound } from "../helpers/protocol.js";
import { stakedSystem } from "../helpers/scenario.js";
import { ETH, clientFor } from "./fixtures.js";

const { ethers, provider } = await network.create();

/** Runs `fn`, expects a one-line CascadeError matching `re`, and checks the signer sent nothing. */
async function refused(client: CascadeClient, fn: () => Promise<unknown>, re: RegExp, what: string) {
  const me = await client.account();
  const nonce = await ethers.provider.getTransactionCount(me);
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${what}: throws a CascadeError`).to.be.instanceOf(CascadeError);
  const msg = (err as CascadeError).shortMessage;
  expect(msg, `${what}: one line`).to.not.include("\n");
  expect(msg, `${what}: reason`).to.match(re);
  expect(await ethers.provider.getTransactionCount(me), `${what}: nothing sent`).to.equal(nonce);
  return err as CascadeError;
}

describe("sdk: restaked service journey", function () {
  it("register → approve → opt in → allocate → pay → report → slash → execute → payout → force exit", async function () {
    const { sys, signers, alloc, moduleReport } = await stakedSystem(ethers);
    const [deployer, m1, m2, m3, , , opCurated, opBonded, , , d3, , funder, slasher, recipient, vetoer] =
      signers;
    const members = [m1, m2, m3];
    const gov = clientFor(ethers, sys, deployer);
    const cur = clientFor(ethers, sys, opCurated);
    const bon = clientFor(ethers, sys, opBonded);
    const sl = clientFor(ethers, sys, slasher);
    const payer = clientFor(ethers, sys, funder);
    const rec = clientFor(ethers, sys, recipient);
    const veto = clientFor(ethers, sys, vetoer);
    const keeper = clientFor(ethers, sys, d3);
    await (await sys.registry.grantRole(await sys.registry.VETO_ROLE(), vetoer.address)).wait();

    // Register (anyone) with bad params refused before sending; then a tier-2 service.
    const params = {
      tier: 2,
      maxSlashBps: 2000,
      slashingWindow: 300,
      vetoWindow: 300,
      minOperators: 2,
      maxOperatorShareBps: 8000,
      slasher: slasher.address,
      recipient: recipient.address,
    };
    await refused(gov, () => registerService(gov, { ...params, tier: 0 }), /tier must be ≥ 1/, "tier 0");
    await refused(
      gov,
      () => registerService(gov, { ...params, maxSlashBps: 10_001 }),
      /maxSlashBps must be ≤ 10000/,
      "bps above max",
    );
    const reg = await registerService(gov, params);
    expect(reg.serviceId, "first service").to.equal(0);
    expect((await serviceInfo(gov, { serviceId: 0 })).status, "pending until approved").to.equal("pending");
    await refused(
      cur,
      () => optIn(cur, { serviceId: 0, module: "curated", operatorId: 0 }),
      /is pending, not active/,
      "opt in to pending",
    );

    // Approval: a signer without the role is pointed at the timelock; the deployer holds it.
    await refused(
      cur,
      () => setServiceStatus(cur, { serviceId: 0, status: "active" }),
      /does not hold SERVICE_MANAGER_ROLE; propose it through the timelock/,
      "approve without role",
    );
    const call = governanceCalls.setServiceStatus(gov, { serviceId: 0, status: "active" });
    expect(call.target, "timelock call targets the registry").to.equal(sys.addresses.serviceRegistry);
    expect(call.data, "encodes setServiceStatus(0, Active)").to.equal(
      sys.registry.interface.encodeFunctionData("setServiceStatus", [0, 2]),
    );
    const approved = await setServiceStatus(gov, { serviceId: 0, status: "active" });
    expect(approved.from, "was pending").to.equal("pending");
    await refused(
      gov,
      () => setServiceStatus(gov, { serviceId: 7, status: "active" }),
      /unknown service 7 \(there are 1\)/,
      "bad id",
    );

    // Operators opt in (their managers only), the allocator spreads 100 ETH over both.
    await refused(
      bon,
      () => optIn(bon, { serviceId: 0, module: "curated", operatorId: 0 }),
      /is not the manager/,
      "not manager",
    );
    await optIn(cur, { serviceId: 0, module: "curated", operatorId: 0 });
    await optIn(bon, { serviceId: 0, module: "bonded", operatorId: 0 });
    await refused(
      gov,
      () => setAllocation(gov, { serviceId: 0, amount: "100", operators: ["0:0"] }),
      /needs at least 2 operators/,
      "too few",
    );
    const a = await setAllocation(gov, { serviceId: 0, amount: "100", operators: ["0:0", "1:0"] });
    expect(a.allocation, "all placed").to.equal(100n * ETH);
    expect(
      a.operators.reduce((s, o) => s + o.stake, 0n),
      "split sums to the allocation",
    ).to.equal(100n * ETH);
    let info = await serviceInfo(gov, { serviceId: 0 });
    expect(info.exposedClasses, "tier 2 exposes C only").to.deep.equal([2]);
    expect(
      info.operators.map((o) => [o.moduleId, o.operatorId, o.optedIn]),
      "both opted in",
    ).to.deep.equal([
      [0, 0, true],
      [1, 0, true],
    ]);
    expect(info.exposure.find((e) => e.tier === 2)!.needed, "tier-2 exposure = 100 × 20%").to.equal(
      20n * ETH,
    );

    // Rewards: paid now, booked to C at the next report.
    const pay = await payRewards(payer, { serviceId: 0, amount: "1" });
    expect(pay.tierPendingRewards, "awaiting report").to.equal(ETH);
    expect(pay.rewardsPaid, "paid by the service").to.equal(ETH);
    await refused(
      payer,
      () => payRewards(payer, { serviceId: 0, amount: "0" }),
      /amount must be > 0/,
      "zero pay",
    );
    const navC = (await sys.book.getClass(2)).nav;
    await provider.send("evm_increaseTime", [30 * 24 * 3600]);
    await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
    });
    expect((await sys.book.getClass(2)).nav > navC, "C earned the service rewards").to.equal(true);
    info = await serviceInfo(gov, { serviceId: 0 });
    expect(info.tierPendingRewards, "booked").to.equal(0n);
    expect(info.rewardsPaid, "the service's lifetime payments stay").to.equal(ETH);

    // Slash requests: wrong signer, bps above max, no stake — all refused before sending.
    const slash = {
      serviceId: 0,
      module: "bonded",
      operatorId: 0,
      bps: 2000,
      evidence: "double-sign at slot 123",
    };
    await refused(gov, () => requestSlash(gov, slash), /is not service 0's slasher/, "not slasher");
    await refused(
      sl,
      () => requestSlash(sl, { ...slash, bps: 2001 }),
      /bps 2001 is above service 0's maxSlashBps 2000/,
      "bps > max",
    );
    await refused(
      sl,
      () => requestSlash(sl, { ...slash, serviceId: "x" }),
      /service id must be an integer/,
      "bad id",
    );
    await refused(
      sl,
      () => requestSlash(sl, { ...slash, operatorId: 5 }),
      /has no stake in service 0/,
      "no stake",
    );
    const stake: bigint = await sys.registry.stakeOf(0, 1, 0);
    const req = await requestSlash(sl, slash);
    expect(req.expectedAmount, "stake × 20%").to.equal((stake * 2000n) / 10_000n);

    // The pending slash is public: previewDeposit warns for C (exposed), not for A.
    const pc = await previewDeposit(keeper, { classId: 2, amount: "1" });
    expect(
      pc.pendingSlashes.map((p) => p.slashId),
      "C sees slash 0",
    ).to.deep.equal([0]);
    expect(pc.warnings.join(" "), "warning text").to.match(/pending slash 0 on service 0/);
    expect(
      (await previewDeposit(keeper, { classId: 0, amount: "1" })).pendingSlashes,
      "A not exposed",
    ).to.deep.equal([]);
    const ci = await classInfo(keeper, { classId: 2 });
    expect(
      ci.serviceExposure.services.map((s) => [s.serviceId, s.pendingSlashes]),
      "C lists service 0",
    ).to.deep.equal([[0, 1]]);
    expect(ci.serviceExposure.requiredRedeemDelay, "slashing + veto window").to.equal(600);
    expect(
      (await classInfo(keeper, { classId: 1 })).serviceExposure.services,
      "B not exposed to tier 2",
    ).to.deep.equal([]);

    // Execute: refused while the veto window is open; after it, anyone executes.
    await refused(
      keeper,
      () => executeSlash(keeper, { slashId: 0 }),
      /veto window of slash 0 is open/,
      "early execute",
    );
    await provider.send("evm_increaseTime", [301]);
    await provider.send("evm_mine", []);
    await refused(
      veto,
      () => vetoSlash(veto, { slashId: 0 }),
      /veto window of slash 0 is over/,
      "veto after window",
    );
    const ex = await executeSlash(keeper, { slashId: 0 });
    expect(ex.amount, "slashed what was requested").to.equal(req.expectedAmount);
    await refused(
      keeper,
      () => executeSlash(keeper, { slashId: 0 }),
      /slash 0 is executed, not pending/,
      "twice",
    );

    // A second request is vetoed in time (bond unlocked), never executes.
    const req2 = await requestSlash(sl, { ...slash, module: 0, bps: 500, evidence: "disputed" });
    await refused(
      keeper,
      () => vetoSlash(keeper, { slashId: req2.slashId }),
      /does not hold VETO_ROLE/,
      "veto without role",
    );
    await vetoSlash(veto, { slashId: req2.slashId });
    expect((await serviceInfo(gov, { serviceId: 0 })).pendingSlashes, "none pending").to.deep.equal([]);

    // Payout: whatever buffered could not pay is debt, repaid first at the next report.
    await provider.send("evm_increaseTime", [30 * 24 * 3600]);
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: 2n * ETH })).wait();
    await runOracleRound(sys, members, provider, {
      elRewards: 2n * ETH,
      modules: [moduleReport(0, 0n), moduleReport(1, 0n)],
    });
    const owed: bigint = await sys.pool.servicePayoutOf(recipient.address);
    expect(owed + (await sys.pool.debt()), "paid + owed = slashed").to.equal(ex.amount);
    const before = await ethers.provider.getBalance(recipient.address);
    const po = await claimServicePayout(rec);
    expect(po.amount, "claims what was credited").to.equal(owed);
    const rc = await ethers.provider.getTransactionReceipt(po.txHash);
    expect(
      (await ethers.provider.getBalance(recipient.address)) - before + rc!.gasUsed * rc!.gasPrice,
    ).to.equal(owed);
    await refused(rec, () => claimServicePayout(rec), /nothing credited/, "claim twice");

    // The slashed operator was asked to exit all its validators; past the deadline a keeper forces it.
    await refused(
      keeper,
      () => forceExit(keeper, { module: "curated", operatorId: 0 }),
      /has no overdue exit/,
      "not overdue",
    );
    const fx = await forceExit(keeper, { module: "bonded", operatorId: 0 });
    expect(fx.keyIndexes.length, "every active validator").to.equal(Number(alloc[1]));
    expect(fx.value, "fee × keys").to.equal(fx.feePerRequest * BigInt(fx.keyIndexes.length));
    expect(fx.withdrawalRequests, "fee read from the vault's EIP-7002 contract").to.equal(
      sys.addresses.withdrawalRequests,
    );
    expect(fx.feePerRequest, "1 wei").to.equal(1n);
    const sent = await sys.withdrawalVault.queryFilter(
      sys.withdrawalVault.filters.ExitRequestSent(),
      fx.blockNumber,
      fx.blockNumber,
    );
    expect(
      sent.map((l: any) => l.args.pubkey),
      "one request per overdue key",
    ).to.deep.equal(fx.pubkeys);

    // Opt-out stays slashable for the slashing window.
    const out = await optOut(cur, { serviceId: 0, module: 0, operatorId: 0 });
    info = await serviceInfo(gov, { serviceId: 0 });
    expect(info.operators[0]!.optOutAt, "leaving").to.equal(out.effectiveAt);

    // Security graph of the deployment: σ_v = the operator's largest slashable stake.
    const { graph } = await securityGraph(gov, { profitFromCorruption: { 0: ETH } });
    expect(
      graph.services.map((s) => s.id),
      "service 0",
    ).to.deep.equal(["0"]);
    expect(graph.operators.map((o) => o.id).sort(), "allocated operators").to.deep.equal(["0:0", "1:0"]);
    const an = analyzeSecurity(graph);
    expect(an.network.verdict, "1 ETH of profit against tens of ETH of stake").to.equal("secure");
    let e: unknown;
    try {
      await securityGraph(gov, { profitFromCorruption: {} });
    } catch (x) {
      e = x;
    }
    expect(e, "pfc required").to.be.instanceOf(InvalidInputError);
    expect((e as CascadeError).shortMessage).to.match(/missing for allocated service\(s\) 0/);

    // A deployment file written before the registry shipped still loads: the depositor views
    // work without it, service actions say what is missing.
    const { serviceRegistry: _omit, ...older } = sys.addresses;
    const old = createCascadeClient({ provider: ethers.provider, signer: d3, addresses: older });
    expect(
      (await previewDeposit(old, { classId: 2, amount: "1" })).pendingSlashes,
      "no registry",
    ).to.deep.equal([]);
    expect((await classInfo(old, { classId: 2 })).serviceExposure.services, "no registry").to.deep.equal([]);
    await refused(old, () => serviceInfo(old, { serviceId: 0 }), /no serviceRegistry address/, "no registry");
  });
});
