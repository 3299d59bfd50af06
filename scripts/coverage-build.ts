/**
 * A Hardhat plugin that lets `hardhat test --coverage` compile this project with the wasm solc.
 *
 * Hardhat compiles every contract and test in one solc job and always asks solc for
 * `evm.bytecode.opcodes` and `evm.deployedBytecode.opcodes` — the bytecode spelled out as text,
 * which nothing in the build reads (artifacts, EDR's traces and coverage use `object` and
 * `sourceMap`). Opcodes are 70 % of the job's output (135.6 of 195.6 MB in the plain build),
 * because every forge-std test contract embeds the creation code of the whole system. Under
 * `--coverage` every statement becomes a call to the coverage library, and the wasm solc (2 GB
 * memory cap) fails with "Error writing output JSON." while serialising the output.
 *
 * This hook asks solc for everything but the opcodes and puts an empty `opcodes` string back
 * into each contract's output, so build info keeps its usual shape. Under `--coverage` it also
 * leaves out the sources' AST: the instrumentation is EDR's own (`addStatementCoverageInstrumentation`
 * parses the source before solc sees it) and coverage is counted from the calls it inserts, so
 * nothing in a coverage run reads solc's AST — 51.5 of the plain build's 135.7 MB, and more in
 * the instrumented one. Measured on 2 cores at load 1–2 on the tree of 2026-12-03: the coverage
 * build then wrote 174.9 MB, and `npm run coverage:ci` (compile + 756 Solidity tests) took
 * 4 min 44 s, line coverage 98.76 %. With the AST, CI's coverage build had failed with "Error
 * writing output JSON." at 81 test contracts embedding the system's creation code (77 passed). It did so for coverage
 * builds only until the plain build's output reached ≈ 300 MB and the wasm solc failed the same
 * way there (the tierpay pass's tree: larger pool contracts, one more system test); now it does
 * so for every build.
 *
 * Instrumented contracts cannot fit EIP-170: each statement gains a call carrying a 32-byte tag
 * (measured at 200 runs: ServiceAllocations 16,684 → 36,336 B, StakingRouter 19,507 → 31,044 B).
 * So during a `--coverage` run only, the simulated networks accept contracts of any size (and
 * CASCADE_UNLIMITED_CODE_SIZE=1 tells the anvil nodes tests start to do the same); every
 * run without `--coverage` keeps the limit, and `npm test` checks the uninstrumented sizes
 * (test/security/contractSizes.test.ts). Plain builds differ only by the missing opcodes text.
 *
 * The coverage build also runs without the optimizer: its bytecode is never deployed and its
 * sizes are unlimited, and the optimizer doubled the instrumented compile (measured on the same
 * 2 cores at the same time, load 5–6: 1,627 s at 1,000 runs, 744 s unoptimized). Gas and sizes
 * are checked on the optimized build by `npm test` and the benchmark.
 */
import type { HardhatPlugin } from "hardhat/types/plugins";
import type { CompilerOutput } from "hardhat/types/solidity";

const OPCODES = new Set(["evm.bytecode.opcodes", "evm.deployedBytecode.opcodes"]);

const coverageBuild: HardhatPlugin = {
  id: "cascade:coverage-build",
  hookHandlers: {
    hre: async () => ({
      default: async () => ({
        created: async (_context, hre) => {
          if (hre.globalOptions.coverage !== true) return;
          // Nodes that tests start themselves (anvil) read this to lift their own limit.
          process.env.CASCADE_UNLIMITED_CODE_SIZE = "1";
          // Solidity tests whose gas bound holds only uninstrumented read this (vm.envOr).
          process.env.CASCADE_COVERAGE = "true";
          for (const net of Object.values(hre.config.networks)) {
            if (net.type === "edr-simulated") net.allowUnlimitedContractSize = true;
          }
        },
      }),
    }),
    solidity: async () => ({
      default: async () => ({
        preprocessSolcInputBeforeBuilding: async (context, solcInput, next) => {
          if (context.globalOptions.coverage !== true) return next(context, solcInput);
          // The instrumented build is never deployed and its sizes are unlimited, so it skips
          // the optimizer. Set here (not in invokeSolc) so the build id, and with it the
          // compile cache, reflects the setting.
          const settings = { ...solcInput.settings, optimizer: { enabled: false } };
          return next(context, { ...solcInput, settings });
        },
        // Every build (not only coverage) leaves the opcodes text out: the plain build's output
        // grew to ≈ 300 MB and the wasm solc (2 GB cap) failed with "Error writing output JSON."
        // on the tierpay pass's tree (131 MB without the opcodes).
        invokeSolc: async (context, compiler, solcInput, solcConfig, next) => {
          const outputSelection: Record<string, Record<string, string[]>> = {};
          for (const [source, contracts] of Object.entries(solcInput.settings.outputSelection)) {
            outputSelection[source] = {};
            for (const [contract, outputs] of Object.entries(contracts)) {
              // Under --coverage the file-level outputs ("" : ["ast"]) go too (see the header).
              const drop = (o: string) =>
                OPCODES.has(o) || (contract === "" && o === "ast" && context.globalOptions.coverage === true);
              outputSelection[source][contract] = outputs.filter((o) => !drop(o));
            }
          }
          const lean = { ...solcInput, settings: { ...solcInput.settings, outputSelection } };
          const output: CompilerOutput = await next(context, compiler, lean, solcConfig);
          for (const contracts of Object.values(output.contracts ?? {})) {
            for (const contract of Object.values(contracts)) {
              if (contract.evm?.bytecode !== undefined) contract.evm.bytecode.opcodes ??= "";
              if (contract.evm?.deployedBytecode !== undefined) contract.evm.deployedBytecode.opcodes ??= "";
            }
          }
          return output;
        },
      }),
    }),
  },
};

export default coverageBuild;
