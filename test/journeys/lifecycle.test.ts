/**
 * User journey over the whole deployed system: depositors fund classes A/B/C, a curated and a
 * bonded operator upload BLS-valid keys, guardians attest, the keeper deposits, the oracle
 * quorum reports rewards, then a bonded operator's loss covered by its bond, then a redemption
 * that finalizes and is claimed. After every step the contracts are compared, to the wei,
 * with the decimal.js reference model (sdk/src/model).
 */
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { modelModule, stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const DAY = 24 * 3600;

describe("journey: deposit → stake → report → loss with bond cover → redeem → claim", function () {
  it("keeps contracts and model equal at every step", async function () {
    const { sys, model, signers, alloc, moduleReport, expectMatchesModel } = await stakedSystem(ethers);
    const [, m1, m2, m3, , , , , , d2, d3, , funder] = signers;
    const members = [m1, m2, m3];
    await expectMatchesModel("deposits and depositToBeacon");
    const total = alloc.reduce((a, b) => a + b, 0n);
    const countLe = (await sys.depositContract.get_deposit_count()) as string;
    expect(
      BigInt("0x" + Buffer.from(countLe.slice(2), "hex").reverse().toString("hex")),
      "deposit count",
    ).to.equal(total);

    // Frame 1: rewards on both modules, execution-layer rewards in the vault.
    await provider.send("evm_increaseTime", [30 * DAY]);
    await (await funder.sendTransaction({ to: await sys.elVault.getAddress(), value: ETH / 20n })).wait();
    const reward = [moduleReport(0, (3n * ETH) / 10n), moduleReport(1, (2n * ETH) / 10n)];
    let r = await runOracleRound(sys, members, provider, { elRewards: ETH / 20n, modules: reward });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: ETH / 20n,
      serviceRewards: [],
      modules: reward.map((x) => modelModule(x)),
    });
    await expectMatchesModel("reward report");
    const priceA1 = await sys.tokens[0].price();
    expect(priceA1 > ETH, "class A earned").to.equal(true);

    // Frame 2: the bonded module loses 2 ETH; 1.5 ETH of it is its operator's, charged to the bond.
    await provider.send("evm_increaseTime", [30 * DAY]);
    const [bondBefore] = await sys.bonded.bondOf(0);
    const cPrice = await sys.tokens[2].price();
    const lossy = [moduleReport(0, (4n * ETH) / 10n), moduleReport(1, (2n * ETH) / 10n - 2n * ETH, 6000)];
    r = await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: lossy,
      losses: [{ moduleId: 1, operatorId: 0, amount: (15n * ETH) / 10n }],
    });
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: 0n,
      serviceRewards: [],
      modules: [modelModule(lossy[0]), modelModule(lossy[1], (15n * ETH) / 10n)],
    });
    const [bondAfter] = await sys.bonded.bondOf(0);
    expect(bondBefore - bondAfter, "bond charged 1.5 ETH").to.equal((15n * ETH) / 10n);
    expect((await sys.tokens[2].price()) < cPrice, "junior C took the uncovered loss").to.equal(true);
    expect((await sys.tokens[0].price()) >= priceA1, "senior A untouched by the loss").to.equal(true);
    await expectMatchesModel("loss report");

    // d2 redeems half of B; a validator exits and its 32 ETH reaches the withdrawal vault.
    const bShares = (await sys.tokens[1].balanceOf(d2.address)) / 2n;
    await (await sys.queue.connect(d2).requestRedeem(1, bShares, d2.address, d2.address)).wait();
    model.now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const reqId = model.requestRedeem(1, bShares, d2.address);
    await expectMatchesModel("requestRedeem");
    await (
      await funder.sendTransaction({ to: await sys.withdrawalVault.getAddress(), value: 32n * ETH })
    ).wait();
    await provider.send("evm_increaseTime", [30 * DAY]);
    const exited = [
      { ...moduleReport(0, (4n * ETH) / 10n - 32n * ETH), exited: 1n, withdrawn: 32n * ETH },
      moduleReport(1, (2n * ETH) / 10n - 2n * ETH),
    ];
    r = await runOracleRound(sys, members, provider, {
      elRewards: 0n,
      modules: exited,
      operatorExits: [{ moduleId: 0, operatorId: 0, exited: 1 }],
    });
    expect((await sys.curated.getOperator(0)).exitedKeys, "operator exit recorded").to.equal(1n);
    model.applyReport({
      timestamp: r.timestamp,
      elRewards: 0n,
      serviceRewards: [],
      modules: exited.map((x) => modelModule(x)),
    });
    await expectMatchesModel("finalizing report");
    const requestId = requestIdOf(d2.address, 1, 0);
    expect(await sys.queue.claimableRedeemRequest(requestId, d2.address), "claimable").to.equal(bShares);

    const before = await ethers.provider.getBalance(d3.address);
    await (await sys.queue.connect(d2).claim(requestId, d3.address)).wait();
    const paid = model.claim(reqId);
    expect((await ethers.provider.getBalance(d3.address)) - before, "claim pays the locked amount").to.equal(
      paid,
    );
    await expectMatchesModel("claim");
    await expect(sys.queue.connect(d2).claim(requestId, d2.address)).to.be.revertedWithCustomError(
      sys.queue,
      "AlreadyClaimed",
    );
  });
});
