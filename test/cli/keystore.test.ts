/**
 * `cascade --keystore` signs with the `rpc` network's account of hardhat.config.ts, read through
 * Hardhat's configuration variables (the keystore, else the environment variable of the same
 * name): the key never sits in a project file.
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { keystoreKey } from "../../sdk/src/cli/main.js";

describe("cli: --keystore signer", function () {
  it("resolves CASCADE_DEPLOYER_KEY through Hardhat's configuration variables", async function () {
    const wallet = Wallet.createRandom();
    const before = process.env.CASCADE_DEPLOYER_KEY;
    process.env.CASCADE_DEPLOYER_KEY = wallet.privateKey;
    try {
      const key = await keystoreKey();
      expect(new Wallet(key).address, "the configured account").to.equal(wallet.address);
    } finally {
      if (before === undefined) delete process.env.CASCADE_DEPLOYER_KEY;
      else process.env.CASCADE_DEPLOYER_KEY = before;
    }
  });
});
