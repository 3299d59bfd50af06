/**
 * addKeys on large files: more keys than one call may carry are split into calls of at most
 * MAX_KEYS_PER_CALL, and a run that stopped half-way resumes (keys this operator already
 * uploaded, read from its KeysAdded events, are skipped, never sent twice).
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  MAX_KEYS_PER_CALL,
  TransactionError,
  addKeys,
  deposit,
  operatorStatus,
  registerOperator,
} from "../../sdk/src/index.js";
import { clientFor, depositData, setup, writeJson } from "./fixtures.js";

const { ethers } = await network.create();

describe("sdk/actions/addKeys (large files)", function () {
  it("test_addKeys_splitsAndResumes: 450 keys after an interrupted run of 120 → 330 keys in calls of the bound", async function () {
    const { sys, signers } = await setup(ethers);
    const c = clientFor(ethers, sys, signers[7]);
    // The SDK batches by the contracts' bound: a larger constant would send calls that revert.
    expect(BigInt(MAX_KEYS_PER_CALL), "SDK bound = ModuleBase.MAX_KEYS_PER_CALL").to.equal(
      await sys.bonded.MAX_KEYS_PER_CALL(),
    );
    const parts: number[] = [];
    for (let left = 330; left > 0; left -= MAX_KEYS_PER_CALL) parts.push(Math.min(left, MAX_KEYS_PER_CALL));
    const wc: string = await sys.router.withdrawalCredentials();
    await registerOperator(c, { name: "Big Operator", bond: "2.4" });
    const entries = depositData("sdk-addkeys-large", 0, 450, wc);

    // The "interrupted" run: only the first 120 entries made it on-chain.
    const first = await addKeys(c, { operatorId: 0n, entries: entries.slice(0, 120) });
    expect([first.count, first.calls.length, first.skipped], "one call of 120").to.deep.equal([120, 1, 0]);

    const nonce = await ethers.provider.getTransactionCount(signers[7].address);
    const rest = await addKeys(c, { operatorId: 0n, file: writeJson("large.json", entries) });
    expect(rest.skipped, "the 120 already uploaded are skipped").to.equal(120);
    expect(rest.count, "the other 330 are uploaded").to.equal(330);
    expect(
      rest.calls.map((k) => k.count),
      `calls of at most ${MAX_KEYS_PER_CALL}`,
    ).to.deep.equal(parts);
    expect(
      rest.calls.map((k) => k.firstIndex),
      "each call continues the operator's key list",
    ).to.deep.equal(parts.map((_, i) => 120n + BigInt(i * MAX_KEYS_PER_CALL)));
    expect(await ethers.provider.getTransactionCount(signers[7].address), "one tx per call").to.equal(
      nonce + parts.length,
    );
    expect(rest.pubkeys[0], "first uploaded is entry 120").to.equal("0x" + entries[120]!.pubkey);

    const s = await operatorStatus(c, { operatorId: 0n });
    expect(s.keys.total, "every key of the file once").to.equal(450);

    const again = await addKeys(c, { operatorId: 0n, entries });
    expect([again.count, again.skipped, again.calls.length], "a third run sends nothing").to.deep.equal([
      0, 450, 0,
    ]);
  });

  it("test_send_insufficientFunds: a deposit above the balance names the balance and the need, sends nothing", async function () {
    const { sys, signers } = await setup(ethers);
    const c = clientFor(ethers, sys, signers[6]);
    const balance = await ethers.provider.getBalance(signers[6].address);
    const nonce = await ethers.provider.getTransactionCount(signers[6].address);
    let err: unknown;
    try {
      await deposit(c, { classId: 2, amount: balance + 1n });
    } catch (e) {
      err = e;
    }
    expect(err, "a TransactionError").to.be.instanceOf(TransactionError);
    expect((err as TransactionError).shortMessage).to.match(
      /^insufficient funds: 0x[0-9a-fA-F]{40} has [0-9.]+ ETH, needs [0-9.]+ ETH plus gas$/,
    );
    expect(await ethers.provider.getTransactionCount(signers[6].address), "nothing sent").to.equal(nonce);
  });
});
