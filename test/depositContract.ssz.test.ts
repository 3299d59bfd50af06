import { expect } from "chai";
import type { ContractTransactionReceipt, ContractTransactionResponse, Log } from "ethers";
import { network } from "hardhat";
import {
  buildDepositData,
  checkDepositDataFile,
  depositCallArgs,
  deterministicSecretKey,
  NETWORK_FORK_VERSIONS,
  withdrawalCredentialsFor,
  type DepositDataJson,
} from "../sdk/src/beacon/depositData.js";
import { bytesToHex, parseBytes } from "../sdk/src/beacon/hex.js";
import { depositRoot, depositRootOfData } from "../sdk/src/beacon/merkle.js";
import type { DepositData } from "../sdk/src/beacon/sszTypes.js";

/** Little-endian 8 bytes, computed here with Buffer so it does not share code with the SDK or contract. */
function le64Hex(value: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return "0x" + b.toString("hex");
}

describe("DepositContract root == SSZ List[DepositData, 2**32] root (BLS-signed deposits)", function () {
  it("matches count, root and DepositEvent after each of 8 deposits", async function () {
    const { ethers } = await network.create();
    const dc = await ethers.deployContract("DepositContract");
    const vault = ethers.Wallet.createRandom().address;
    const credentials = withdrawalCredentialsFor(vault);

    // Mostly full deposits, plus a 1 ETH top-up and an odd amount so the amount encoding is exercised.
    const amounts = [32e9, 32e9, 1e9, 32e9, 33_123_456_789, 32e9, 2048e9, 32e9];
    const entries: DepositDataJson[] = amounts.map((amountGwei, i) =>
      buildDepositData({
        secretKey: deterministicSecretKey("cascade-ssz-test", i),
        withdrawalCredentials: credentials,
        amountGwei,
        forkVersion: NETWORK_FORK_VERSIONS.mainnet,
      }),
    );
    // Every entry is a valid signed deposit, so the beacon chain would accept them too.
    const checks = entries.map((e, i) =>
      checkDepositDataFile([e], {
        forkVersion: "00000000",
        withdrawalVault: vault,
        expectedAmountGwei: amounts[i],
      }),
    );
    expect(
      checks.flat().filter((c) => !c.ok),
      "built entries fail the checker",
    ).to.deep.equal([]);

    expect(await dc.get_deposit_root(), "empty root").to.equal(bytesToHex(depositRoot([])));
    expect(await dc.get_deposit_count(), "empty count").to.equal(le64Hex(0n));

    const roots: Uint8Array[] = [];
    const data: DepositData[] = [];
    for (const [i, entry] of entries.entries()) {
      const args = depositCallArgs(entry);
      const tx: ContractTransactionResponse = await dc.deposit(
        args.pubkey,
        args.withdrawalCredentials,
        args.signature,
        args.depositDataRoot,
        {
          value: args.valueWei,
        },
      );
      const receipt: ContractTransactionReceipt | null = await tx.wait();
      roots.push(parseBytes(entry.deposit_data_root, "root", 32));
      data.push({
        pubkey: parseBytes(entry.pubkey, "pubkey", 48),
        withdrawal_credentials: parseBytes(entry.withdrawal_credentials, "wc", 32),
        amount: entry.amount,
        signature: parseBytes(entry.signature, "sig", 96),
      });

      const expectedRoot = bytesToHex(depositRoot(roots));
      expect(bytesToHex(depositRootOfData(data)), "roots-only and full-data SSZ roots agree").to.equal(
        expectedRoot,
      );
      expect(await dc.get_deposit_root(), `root after deposit #${i}`).to.equal(expectedRoot);
      expect(await dc.get_deposit_count(), `count after deposit #${i}`).to.equal(le64Hex(BigInt(i + 1)));

      const events = receipt!.logs
        .map((log: Log) => dc.interface.parseLog(log))
        .filter((parsed) => parsed?.name === "DepositEvent");
      expect(events, `one DepositEvent for deposit #${i}`).to.have.length(1);
      const ev = events[0]!.args;
      expect(ev.pubkey, "event pubkey").to.equal("0x" + entry.pubkey);
      expect(ev.withdrawal_credentials, "event credentials").to.equal(credentials);
      expect(ev.amount, "event amount (LE gwei)").to.equal(le64Hex(BigInt(amounts[i]!)));
      expect(ev.signature, "event signature").to.equal("0x" + entry.signature);
      expect(ev.index, "event index (LE)").to.equal(le64Hex(BigInt(i)));
    }
    expect(await ethers.provider.getBalance(await dc.getAddress()), "contract holds every deposit").to.equal(
      BigInt(amounts.reduce((a, b) => a + b, 0)) * 10n ** 9n,
    );
  });

  it("rejects a signed entry sent with a different value, with the recomputed root", async function () {
    const { ethers } = await network.create();
    const dc = await ethers.deployContract("DepositContract");
    const entry = buildDepositData({
      secretKey: deterministicSecretKey("cascade-ssz-test", 100),
      withdrawalCredentials: withdrawalCredentialsFor(ethers.Wallet.createRandom().address),
      forkVersion: NETWORK_FORK_VERSIONS.mainnet,
    });
    const args = depositCallArgs(entry);
    // What the contract will compute for 31 ETH: the same entry with its amount changed.
    const computed31 = depositCallArgs({ ...entry, amount: 31e9 }).depositDataRoot;

    await expect(
      dc.deposit(args.pubkey, args.withdrawalCredentials, args.signature, args.depositDataRoot, {
        value: 31n * 10n ** 18n,
      }),
    )
      .to.be.revertedWithCustomError(dc, "DepositDataRootMismatch")
      .withArgs(computed31, args.depositDataRoot);
    expect(await dc.get_deposit_count(), "count unchanged").to.equal(le64Hex(0n));
  });
});
