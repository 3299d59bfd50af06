/**
 * Keeper upkeep against a staked system and the beacon simulator: it executes a service slash
 * only after its veto window (never a vetoed one), finds the slashed operator's exit requests
 * overdue once their deadline passes (the simulated operator ignores them), and forces its
 * validators out through `ExitManager.forceExit` → WithdrawalVault → EIP-7002 contract, which the
 * simulator honours. Keys come from `KeysAdded` events; nothing is forced twice.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { BeaconApi } from "../../sdk/src/beacon/api.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { EventKeySource } from "../../sdk/src/daemons/keys.js";
import { ETH } from "../../deploy/system.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();

/** The stand-in without `receive()`: empty calldata reaches the fallback, which returns the fee. */
describe("keeper: due service slashes and overdue exits", function () {
  this.timeout(120_000);

  it("executes after the veto window only, then forces the unresponsive operator out via EIP-7002", async function () {
    const { sys, signers } = await stakedSystem(ethers);
    const [deployer, , , , , , opCurated, opBonded] = signers;
    const [keeperS, slasher, recipient, funder] = [signers[12], signers[13], signers[14], signers[15]];
    const A = sys.addresses;
    const reg = sys.registry;

    const [genesisTime] = await sys.oracle.frameConfig();
    const sim = new BeaconSimulator({
      provider: ethers.provider,
      depositContract: A.depositContract,
      funder,
      genesisTime,
      activationDelayEpochs: 1,
      withdrawDelayEpochs: 4,
      networkValidators: 4,
      modules: [A.curatedModule, A.bondedModule],
      withdrawalRequests: A.withdrawalRequests,
    });
    const beaconUrl = await sim.listen(0);
    try {
      sim.ignoreExitRequests(A.curatedModule, 0); // the curated operator ignores exit requests
      const keeper = new Keeper(
        keeperS,
        {
          router: A.router,
          pool: A.pool,
          serviceRegistry: A.serviceRegistry,
          withdrawalVault: A.withdrawalVault,
          withdrawalRequests: A.withdrawalRequests,
        },
        [],
        new EventKeySource(ethers.provider, [A.curatedModule, A.bondedModule]),
        { beaconUrl },
      );
      const advance = async (seconds: number) => {
        await provider.send("evm_increaseTime", [seconds]);
        await provider.send("evm_mine", []);
      };
      await advance(4 * 384); // validators become active on the beacon chain
      const api = new BeaconApi(beaconUrl);

      // A tier-2 service over the curated and the bonded operator.
      await (
        await reg.registerService({
          tier: 2,
          maxSlashBps: 2000,
          slashingWindow: 300,
          vetoWindow: 300,
          minOperators: 2,
          maxOperatorShareBps: 8000,
          slasher: slasher.address,
          recipient: recipient.address,
        })
      ).wait();
      await (await reg.setServiceStatus(0, 2)).wait();
      await (await reg.connect(opCurated).optIn(0, 0, 0)).wait();
      await (await reg.connect(opBonded).optIn(0, 1, 0)).wait();
      await (await reg.setAllocation(0, 64n * ETH, [0n, 1n << 32n])).wait();

      // Two requests: one vetoed, one left to run.
      await (await reg.connect(slasher).requestSlash(0, 1, 0, 500, ethers.id("disputed"))).wait();
      await (await reg.connect(deployer).vetoSlash(0)).wait();
      await (await reg.connect(slasher).requestSlash(0, 0, 0, 1000, ethers.id("evidence"))).wait();
      expect(await keeper.executeDueSlashes(), "veto window still open: nothing").to.deep.equal([]);
      await advance(301);
      const payoutBefore = await sys.pool.servicePayoutOf(recipient.address);
      const done = await keeper.executeDueSlashes();
      expect(
        done.map((d) => d.slashId),
        "only the non-vetoed request",
      ).to.deep.equal([1n]);
      expect(done[0].amount > 0n, "an amount was slashed").to.equal(true);
      expect((await reg.getSlash(0)).status, "the vetoed one stays Vetoed").to.equal(2n);
      expect(await reg.pendingSlashes(), "nothing pending").to.deep.equal([]);
      expect(
        (await sys.pool.servicePayoutOf(recipient.address)) - payoutBefore + (await sys.pool.debt()),
        "the slashed ETH waits for the recipient: the keeper claims nothing",
      ).to.equal(done[0].amount);

      // The executed slash asked the curated operator's validators to exit; it ignores that.
      const op = await sys.curated.getOperator(0);
      expect(op.exitRequested > 0n, "exit requests recorded").to.equal(true);
      expect(await keeper.forceOverdueExits(), "deadline not passed: nothing to force").to.deep.equal([]);
      await advance(
        Number(op.exitDeadline) - Number((await ethers.provider.getBlock("latest"))!.timestamp) + 1,
      );
      await sim.sync();

      // The EIP-7002 stand-in answers the fee query; the whole path runs.
      const repBefore = (await sys.router.getModule(0)).reputationBps;
      const forced = await keeper.forceOverdueExits();
      expect(forced.length, "one operator overdue").to.equal(1);
      expect([forced[0].moduleId, forced[0].operatorId]).to.deep.equal([0, 0n]);
      expect(forced[0].error, forced[0].error).to.equal(undefined);
      expect(forced[0].pubkeys.length, "every active validator of the operator").to.equal(
        Number(op.exitRequested),
      );
      expect(forced[0].fee, "1 wei per request").to.equal(BigInt(forced[0].pubkeys.length));
      expect((await sys.router.getModule(0)).reputationBps < repBefore, "forced-exit penalty").to.equal(true);
      await advance(384);
      const vals = await api.validators("head", { ids: forced[0].pubkeys });
      expect(
        vals.map((v) => v.status),
        "the simulator exits them",
      ).to.deep.equal(forced[0].pubkeys.map(() => "active_exiting"));
      expect(sim.forcedExits.length).to.equal(forced[0].pubkeys.length);
      expect(
        sim.forcedExits.every((f) => f.source === A.withdrawalVault),
        "sent by the vault",
      ).to.equal(true);
      expect(await keeper.forceOverdueExits(), "nothing is forced twice").to.deep.equal([]);
    } finally {
      await sim.close();
    }
  });
});
