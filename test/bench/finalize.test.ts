/**
 * Guards the gas optimisation made for `npm run bench` in WithdrawalQueue.finalize (one
 * `burnForRedemption` per class for all its finalized requests instead of one per request):
 * many requests in every class, a budget that runs out part-way through a class, then claims;
 * the contracts equal the decimal.js model to the wei after every step (NAV, supply, token
 * supply, buffered, reserved, pooled).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ETH } from "../../deploy/system.js";
import { runOracleRound } from "../helpers/protocol.js";
import { modelModule, stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();
const DAY = 24 * 3600;

describe("bench guard: many redemptions finalized in one report", function () {
  it("burns per class exactly as per request, partial budget included", async function () {
    const { sys, model, signers, moduleReport, expectMatchesModel } = await stakedSystem(ethers);
    const [, m1, m2, m3, , , , , d1, d2, d3] = signers;
    const members = [m1, m2, m3];
    // 40 ETH of buffer for redemptions (junior deposit keeps A's cover).
    await (await sys.pool.connect(d1).deposit(2, d1.address, 0, { value: 40n * ETH })).wait();
    model.deposit(2, 40n * ETH, d1.address);

    // holder of class k: C → d1, B → d2, A → d3 (as in stakedSystem); ~110 ETH requested in all.
    const holders = [d3, d2, d1];
    const ids: { chain: bigint; model: number; who: (typeof holders)[number] }[] = [];
    for (const [cls, n, part] of [
      [2, 4, 8n],
      [1, 3, 6n],
      [0, 3, 20n],
    ] as const) {
      const who = holders[cls];
      const bal: bigint = await sys.tokens[cls].balanceOf(who.address);
      for (let i = 0; i < n; i++) {
        const shares = bal / part;
        const chainId: bigint = await sys.queue
          .connect(who)
          .requestRedeem.staticCall(cls, shares, who.address, who.address);
        await (await sys.queue.connect(who).requestRedeem(cls, shares, who.address, who.address)).wait();
        model.now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
        ids.push({ chain: chainId, model: model.requestRedeem(cls, shares, who.address), who });
      }
    }
    await expectMatchesModel("requests");

    for (let round = 0; round < 2; round++) {
      await provider.send("evm_increaseTime", [30 * DAY]);
      const rep = [moduleReport(0, ETH / 10n), moduleReport(1, ETH / 10n)];
      if (round === 1) {
        // round 2: the rest, after 32 ETH came back from the withdrawal vault
        await (
          await d2.sendTransaction({ to: await sys.withdrawalVault.getAddress(), value: 32n * ETH })
        ).wait();
        rep[0] = { ...moduleReport(0, ETH / 5n - 32n * ETH), exited: 1n, withdrawn: 32n * ETH };
        rep[1] = moduleReport(1, ETH / 5n);
      }
      const r = await runOracleRound(sys, members, provider, { elRewards: 0n, modules: rep });
      model.applyReport({
        timestamp: r.timestamp,
        elRewards: 0n,
        serviceRewards: [],
        modules: rep.map((x) => modelModule(x)),
      });
      await expectMatchesModel(`finalizing report ${round + 1}`);
      if (round === 0) {
        const pending = ids.filter((x) => model.requests[x.model].amount === null).length;
        expect(pending > 0 && pending < ids.length, `budget ran out part-way (${pending} pending)`).to.equal(
          true,
        );
      }
    }

    for (const x of ids) {
      if (model.requests[x.model].amount === null) continue;
      await (await sys.queue.connect(x.who).claim(x.chain, x.who.address)).wait();
      model.claim(x.model);
    }
    await expectMatchesModel("claims");
  });
});
