import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import coverageBuild from "./scripts/coverage-build.js";

const require = createRequire(import.meta.url);

/**
 * The compiler is the wasm build shipped in the `solc` npm package (pinned to the same
 * version), so no compiler download is ever attempted.
 * Optimizer runs = 200 until StakingRouter fits at 1,000. Deployed sizes measured at 1,000 runs
 * (EIP-170 = 24,576 B; target ≤ 20,480 B each): StakingRouter 24,870 (22,223 with the depositor
 * path's functions stubbed out — it must shrink further before the flip), BondedModule 20,453,
 * Accounting 20,418, ServiceRegistry 17,842, YieldClasses 17,555, ServiceAllocations 16,608,
 * CuratedModule 15,767, DepositSecurity 12,489, ServiceSlashing 11,044, ReportOracle 10,110,
 * WithdrawalQueue 9,593, ExitManager 8,925. At 200 runs StakingRouter is 22,230 B. viaIR is off:
 * it multiplies wasm compile time for a few percent of gas.
 */
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");
const optimizer = { enabled: true, runs: 200 };
const compiler = (o: typeof optimizer) => ({
  version: SOLC_VERSION,
  path: solcPath,
  settings: { optimizer: o, evmVersion: "prague" },
});
const profile = { compilers: [compiler(optimizer)] };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, coverageBuild],
  solidity: {
    profiles: { default: profile, production: profile },
  },
  paths: { tests: { mocha: "./test", solidity: "./test" } },
  test: { mocha: { timeout: 600_000 } },
  networks: {
    default: { type: "edr-simulated", chainType: "l1", allowUnlimitedContractSize: false },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    rpc: {
      type: "http",
      chainType: "l1",
      url: configVariable("RPC_URL"),
      accounts: [configVariable("CASCADE_DEPLOYER_KEY")],
    },
  },
});
