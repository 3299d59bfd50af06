/**
 * `status` shows each module's guardian pause (DepositSecurity.pauseModule), not only the global
 * pause: an operator or depositor reading it sees why a module gets no new deposits.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { status } from "../../sdk/src/index.js";
import { clientFor, setup } from "./fixtures.js";

describe("SDK status", function () {
  this.timeout(120_000);

  it("test_status_showsEachModulesGuardianPause", async function () {
    const { ethers } = await network.connect();
    const { sys, signers } = await setup(ethers);
    const client = clientFor(ethers, sys);
    const before = await status(client);
    expect(
      before.modules.map((m) => m.guardianPaused),
      "no module paused at first",
    ).to.deep.equal([false, false]);

    const guardian = signers[4]; // deploySystem's first guardian
    await (await sys.depositSecurity.connect(guardian).pauseModule(1)).wait();
    const after = await status(client);
    expect(
      after.modules.map((m) => m.guardianPaused),
      "the bonded module paused, the curated one not",
    ).to.deep.equal([false, true]);
    expect(after.depositsPaused, "the global pause is a different flag").to.equal(false);
  });
});
