/**
 * SDK journeys on the embedded network: a depositor (deposit → report → redeem → claim), a
 * bonded operator (register → add keys from a deposit_data file → deposited) and governance
 * (propose → execute through the timelock → effect). Every refused input is checked to send
 * nothing: the signer's nonce does not move.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { System } from "../../deploy/system.js";
import { NETWORK_FORK_VERSIONS } from "../../sdk/src/beacon/depositData.js";
import {
  CascadeError,
  ContractRevertError,
  DepositDataError,
  InvalidInputError,
  addKeys,
  claim,
  classInfo,
  decodeModuleState,
  decodeRevert,
  deposit,
  executeProposal,
  governanceCalls,
  operatorStatus,
  position,
  previewAllocation,
  previewDeposit,
  proposeCall,
  registerOperator,
  requestIdOf,
  requestRedeem,
  status,
  topUpBond,
  withdrawBond,
  type CascadeClient,
} from "../../sdk/src/index.js";
import { depositAll, type KeyBatch } from "../helpers/protocol.js";
import { ETH, clientFor, depositData, reportRound, setup, tamper, toBatch, writeJson } from "./fixtures.js";

const { ethers, provider } = await network.create();

/** Runs `fn`, expects it to throw `cls`, and checks the signer sent nothing. */
async function refused<T extends CascadeError>(
  client: CascadeClient,
  fn: () => Promise<unknown>,
  cls: abstract new (...a: never[]) => T,
  what: string,
): Promise<T> {
  const me = await client.account();
  const nonce = await ethers.provider.getTransactionCount(me);
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${what}: throws`).to.be.instanceOf(cls);
  expect((err as CascadeError).shortMessage, `${what}: one line`).to.not.include("\n");
  expect(await ethers.provider.getTransactionCount(me), `${what}: nothing sent`).to.equal(nonce);
  return err as T;
}

describe("sdk journeys", function () {
  let sys: System;
  let signers: any[];
  let members: any[];

  before(async function () {
    ({ sys, signers } = await setup(ethers));
    members = signers.slice(1, 4);
  });

  it("depositor: deposit → report → redeem → claim", async function () {
    const [, , , , , , , , d1, d2, d3, , funder] = signers;
    const c1 = clientFor(ethers, sys, d1);
    const c2 = clientFor(ethers, sys, d2);
    const c3 = clientFor(ethers, sys, d3);

    const junior = await deposit(c1, { classId: 2, amount: "60" });
    expect(junior.shares, "C shares minted").to.equal(await sys.tokens[2].balanceOf(d1.address));
    const preview = await previewDeposit(c2, { classId: 1, amount: 60n * ETH });
    const mezz = await deposit(c2, { classId: 1, amount: 60n * ETH });
    expect(mezz.shares, "previewDeposit (model toSharesDown) == minted").to.equal(preview.shares);

    // Senior A needs cover: 120 ETH of B+C covers at most 480 ETH of A.
    const tooMuch = await previewDeposit(c3, { classId: 0, amount: "500" });
    expect(tooMuch.wouldRevert, "preview predicts CoverTooLow").to.match(/^CoverTooLow\(0, /);
    const err = await refused(
      c3,
      () => deposit(c3, { classId: 0, amount: "500" }),
      ContractRevertError,
      "A 500",
    );
    expect(err.errorName, "decoded custom error").to.equal("CoverTooLow");
    expect(err.shortMessage, "args in the message").to.equal(`reverted: CoverTooLow(0, 2400, 2500)`);
    await deposit(c3, { classId: 0, amount: "200" });

    await refused(c3, () => deposit(c3, { classId: 0, amount: "0" }), InvalidInputError, "zero amount");
    await refused(c3, () => deposit(c3, { classId: 0, amount: "abc" }), InvalidInputError, "bad amount");
    await refused(
      c3,
      () => deposit(c3, { classId: 0, amount: "1", receiver: "0x1234" }),
      InvalidInputError,
      "bad receiver",
    );

    // A reward frame: EL rewards reach the vault, the oracle quorum reports. No validator is on
    // the beacon chain yet, so the per-report reward cap (APR on a CL base of 0) would keep the
    // EL rewards in their vault for later reports (test/security/RewardCap.t.sol proves that);
    // this journey is about the depositor's SDK flow, so governance lifts the cap here.
    const limits = await sys.accounting.limits();
    await (
      await sys.accounting.setLimits({
        maxAprBps: limits.maxAprBps,
        maxDropBps: limits.maxDropBps,
        maxExitRequests: limits.maxExitRequests,
        maxLosses: limits.maxLosses,
        maxFinalizePerReport: limits.maxFinalizePerReport,
        maxRewardAprBps: 0n,
      })
    ).wait();
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: ETH / 20n })).wait();
    await reportRound(sys, members, provider, { elRewards: ETH / 20n });
    // The report's one ModulesReported event decodes (SDK decodeModuleState) to what the router booked.
    const booked = await sys.router.queryFilter(sys.router.filters.ModulesReported(), -1);
    expect(booked.length, "one ModulesReported in the report's block").to.equal(1);
    const states = [...(booked[0] as any).args.states] as bigint[];
    expect(states.length).to.equal(Number(await sys.router.moduleCount()));
    for (const [id, w] of states.entries()) {
      const m = await sys.router.getModule(id);
      expect(decodeModuleState(w), `module ${id}'s booked state`).to.deep.equal({
        clValidators: BigInt(m.clValidators),
        exited: BigInt(m.exited),
        clBalance: BigInt(m.clBalance),
        reputationBps: Number(m.reputationBps),
      });
    }
    const a = await classInfo(c3, { classId: 0 });
    expect(a.price > ETH, "class A price rose").to.equal(true);
    expect(a.apyBps !== null && a.apyBps > 0, `APY from price points: ${a.apyBps}`).to.equal(true);
    expect(a.coverBps! >= 2500n, "cover of A at least its minimum").to.equal(true);
    expect(a.serviceExposure.tiers, "class 0 exposed to no service tier").to.deep.equal([]);
    expect((await classInfo(c3, { classId: 2 })).serviceExposure.tiers).to.deep.equal([1, 2]);

    // d2 redeems half of B; the request is pending, claiming now is refused before sending.
    const half = (await sys.tokens[1].balanceOf(d2.address)) / 2n;
    await refused(
      c2,
      () => requestRedeem(c2, { classId: 1, shares: half * 4n }),
      InvalidInputError,
      "more shares than held",
    );
    const req = await requestRedeem(c2, { classId: 1, shares: half });
    expect(req.requestId, "first request of class 1").to.equal(requestIdOf(d2.address, 1, 0));
    let pos = await position(c2);
    expect(
      pos.requests.map((r) => r.status),
      "pending",
    ).to.deep.equal(["pending"]);
    expect(pos.classes[1]!.shares, "the rest left").to.equal(mezz.shares - half);
    const early = await refused(
      c2,
      () => claim(c2, { requestId: req.requestId }),
      ContractRevertError,
      "early claim",
    );
    expect(early.errorName).to.equal("NotFinalized");

    // After the redeem delay a report finalizes it; the claim pays the locked ETH.
    await reportRound(sys, members, provider, { days: 30 });
    pos = await position(c2);
    expect(pos.requests[0]!.status, "claimable after the report").to.equal("claimable");
    const before = await ethers.provider.getBalance(d1.address);
    const paid = await claim(c2, { requestId: req.requestId, receiver: d1.address });
    expect(paid.assets, "claim pays what was locked").to.equal(pos.requests[0]!.assets);
    expect((await ethers.provider.getBalance(d1.address)) - before, "receiver got the ETH").to.equal(
      paid.assets,
    );
    const claimed = (await position(c2)).requests[0]!;
    expect(claimed.status).to.equal("claimed");
    // The claim clears the request's slot: position reads these from the request's events.
    expect(claimed.shares, "shares (RedeemRequest)").to.equal(half);
    expect(claimed.requestedAt, "time (the request's block)").to.equal(pos.requests[0]!.requestedAt);
    expect(claimed.assets, "paid (Claimed)").to.equal(paid.assets);
    const again = await refused(
      c2,
      () => claim(c2, { requestId: req.requestId }),
      ContractRevertError,
      "twice",
    );
    expect(again.errorName).to.equal("AlreadyClaimed");

    const s = await status(c1);
    expect(s.classes.length, "three classes").to.equal(3);
    expect(
      s.modules.map((m) => m.status),
      "modules active",
    ).to.deep.equal(["Active", "Active"]);
  });

  it("operator: register → add keys from a deposit_data file → deposited", async function () {
    const [, , , , g1, g2, , op, d1] = signers;
    const c = clientFor(ethers, sys, op);
    const wc: string = await sys.router.withdrawalCredentials();

    const reg = await registerOperator(c, { name: "Solo One", bond: "2.4" });
    expect(reg.operatorId, "first bonded operator").to.equal(0n);

    // Files that must be refused whole, before anything is sent.
    const good = depositData("sdk-operator", 0, 3, wc);
    const holesky = depositData("sdk-operator", 0, 3, wc, NETWORK_FORK_VERSIONS.holesky);
    const wrongNet = await refused(
      c,
      () => addKeys(c, { operatorId: 0n, file: writeJson("holesky.json", holesky) }),
      DepositDataError,
      "holesky keys on mainnet",
    );
    expect(wrongNet.invalid.length, "every entry named").to.equal(3);
    expect(wrongNet.shortMessage).to.include("ForkVersionMismatch");
    const tampered = await refused(
      c,
      () =>
        addKeys(c, {
          operatorId: 0n,
          file: writeJson("tampered.json", [good[0], tamper(good[1]!), good[2]]),
        }),
      DepositDataError,
      "tampered signature",
    );
    expect(
      tampered.invalid.map((i) => i.index),
      "only entry 1",
    ).to.deep.equal([1]);
    const dup = await refused(
      c,
      () => addKeys(c, { operatorId: 0n, file: writeJson("dup.json", [good[0], good[1], good[0]]) }),
      DepositDataError,
      "duplicate key",
    );
    expect(dup.invalid[0]!.errors[0]).to.match(/^DuplicatePubkey/);
    const otherVault = depositData("sdk-operator", 0, 1, "0x01" + "00".repeat(11) + "11".repeat(20));
    await refused(
      c,
      () => addKeys(c, { operatorId: 0n, entries: otherVault }),
      DepositDataError,
      "wrong withdrawal credentials",
    );
    await refused(
      c,
      () => addKeys(c, { operatorId: 0n, file: "/nonexistent/deposit_data.json" }),
      InvalidInputError,
      "missing file",
    );

    const added = await addKeys(c, {
      operatorId: 0n,
      file: writeJson("good.json", good),
      network: "mainnet",
    });
    expect(added.count, "three keys").to.equal(3);
    expect(added.bondSent, "auto bond tops up to 2.4 + 2·1.3").to.equal((26n * ETH) / 10n);
    // The same file again from the same operator is a resume: nothing left to send.
    const again = await addKeys(c, { operatorId: 0n, file: writeJson("again.json", good) });
    expect([again.count, again.skipped, again.calls.length], "a no-op resume").to.deep.equal([0, 3, 0]);
    // Another operator uploading those keys is refused whole.
    const other = clientFor(ethers, sys, d1);
    await registerOperator(other, { name: "Copycat", bond: "2.4" });
    await refused(
      other,
      () => addKeys(other, { operatorId: 1n, file: writeJson("again.json", good) }),
      DepositDataError,
      "already registered",
    );
    let st = await operatorStatus(c, { module: "bonded", operatorId: 0n });
    expect(st.keys, "uploaded, not deposited").to.deep.equal({
      total: 3,
      deposited: 0,
      exited: 0,
      depositable: 3,
    });
    expect(st.bond.amount, "bond").to.equal(5n * ETH);
    expect(st.moduleReputationBps, "module reputation").to.be.a("number");

    // Top up, then withdraw what is free (nothing is deposited yet, so all of it above 0 keys).
    await topUpBond(c, { operatorId: 0n, amount: "1" });
    await refused(
      c,
      () => withdrawBond(c, { operatorId: 0n, amount: "100" }),
      InvalidInputError,
      "over-withdraw",
    );
    const w = await withdrawBond(c, { operatorId: 0n, amount: "1" });
    expect(w.bond, "back to 5 ETH").to.equal(5n * ETH);

    // A keeper deposits what the allocation gives the bonded module (its weight's share of 3).
    const alloc = await previewAllocation(c, { count: 3 });
    const n = alloc.modules[1]!.validators;
    expect(alloc.modules[0]!.validators, "curated has no keys").to.equal(0);
    expect(n > 0 && alloc.total === n, `bonded gets ${n}`).to.equal(true);
    await (await sys.pool.connect(d1).deposit(2, d1.address, 0, { value: 96n * ETH })).wait();
    const uploaded = new Map<string, KeyBatch[]>([["1:0", [toBatch(good)]]]);
    await depositAll(sys, 3, uploaded, [g1, g2]);
    st = await operatorStatus(c, { module: "bonded", operatorId: 0n });
    expect(st.keys.deposited, "deposited").to.equal(n);
    const needed: bigint = await sys.bonded.bondRequired(0, n);
    expect(st.bond.withdrawable, "bond of deposited keys is held").to.equal(5n * ETH - needed);
    await refused(
      c,
      () => withdrawBond(c, { operatorId: 0n, amount: 5n * ETH - needed + 1n }),
      InvalidInputError,
      "bond in use",
    );
  });

  it("governance: propose → execute via the timelock → effect", async function () {
    const [deployer, , , , , , , , d1] = signers;
    const tl = await sys.timelock.getAddress();
    await (await sys.book.grantRole(await sys.book.CLASS_MANAGER_ROLE(), tl)).wait();
    await (await sys.router.grantRole(await sys.router.MODULE_MANAGER_ROLE(), tl)).wait();
    const gov = clientFor(ethers, sys, deployer);
    const calls = [
      governanceCalls.setClassOpen(gov, { classId: 2, open: false }),
      governanceCalls.pause(gov, { moduleId: 0 }),
    ];

    const nonce = await ethers.provider.getTransactionCount(deployer.address);
    const dry = await proposeCall(gov, { calls, description: "close C, pause curated", dryRun: true });
    expect(dry.state, "dry run").to.equal("dry-run");
    expect(dry.payloads[0], "encoded call").to.equal(
      sys.book.interface.encodeFunctionData("setClassOpen", [2, false]),
    );
    expect(await ethers.provider.getTransactionCount(deployer.address), "dry run sends nothing").to.equal(
      nonce,
    );

    const p = await proposeCall(gov, { calls, description: "close C, pause curated" });
    expect(p.state, "scheduled").to.equal("pending");
    expect(p.operationId, "same id as the dry run").to.equal(dry.operationId);
    await refused(
      gov,
      () => executeProposal(gov, { calls, description: "close C, pause curated" }),
      CascadeError,
      "too early",
    );
    await refused(
      gov,
      () => executeProposal(gov, { calls, description: "other" }),
      CascadeError,
      "unknown op",
    );

    await provider.send("evm_increaseTime", [61]);
    await provider.send("evm_mine", []);
    const done = await executeProposal(gov, { calls, description: "close C, pause curated" });
    expect(done.state, "executed").to.equal("done");
    expect((await sys.book.getClass(2)).open, "class C closed").to.equal(false);
    expect((await status(gov)).modules[0]!.status, "curated paused").to.equal("Paused");

    const dc = clientFor(ethers, sys, d1);
    expect((await previewDeposit(dc, { classId: 2, amount: "1" })).wouldRevert).to.equal("ClassClosed(2)");
    const closed = await refused(
      dc,
      () => deposit(dc, { classId: 2, amount: "1" }),
      ContractRevertError,
      "closed",
    );
    expect(closed.errorName).to.equal("ClassClosed");
    await refused(
      gov,
      () =>
        proposeCall(gov, {
          calls: [governanceCalls.setModuleStatus(gov, { moduleId: 0, status: "sleepy" })],
        }),
      InvalidInputError,
      "bad status",
    );
  });

  it("decodeRevert names custom errors, Error(string) and Panic", function () {
    const c = clientFor(ethers, sys);
    const data = sys.queue.interface.encodeErrorResult("NotController", [5n, sys.addresses.router]);
    const e = decodeRevert({ info: { error: { data } } }, c.interfaces) as ContractRevertError;
    expect(e.errorName).to.equal("NotController");
    expect(e.shortMessage).to.equal(`reverted: NotController(5, ${sys.addresses.router})`);
    const s = "0x08c379a0" + ethers.AbiCoder.defaultAbiCoder().encode(["string"], ["boom"]).slice(2);
    expect(decodeRevert({ data: s }, c.interfaces).shortMessage).to.equal("reverted: Error(boom)");
    const p = "0x4e487b71" + ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [0x11]).slice(2);
    expect(decodeRevert({ data: p }, c.interfaces).shortMessage).to.equal(
      "reverted: Panic(arithmetic overflow)",
    );
    expect(decodeRevert(new Error("socket hang up\nat x"), c.interfaces).shortMessage).to.equal(
      "socket hang up",
    );
  });
});
