/**
 * Contract sizes (issue 16): every contract under contracts/ is compiled with the optimizer at
 * ≥ 1,000 runs and its deployed bytecode stays ≤ 20 KiB (20,480 B), a quarter below EIP-170's
 * 24,576 B so a fix or a coverage build still fits. Reads the artifacts Hardhat just built and
 * each artifact's build-info (the settings the bytes were actually compiled with), so neither a
 * lowered `runs` in hardhat.config.ts nor a contract that grew can pass unnoticed.
 *
 * Nothing is skipped: interfaces, abstract contracts and libraries of internal functions have
 * no deployed code (length 0) and are counted as such, not as fits.
 *
 * Under `--coverage` (scripts/coverage-build.ts sets CASCADE_COVERAGE) the artifacts are the
 * instrumented build, compiled unoptimized with unlimited sizes, which is never deployed. Then
 * the two artifact checks assert instead that every artifact comes from that build (its
 * build-info holds EDR's coverage library and the optimizer is off) and print the largest
 * instrumented sizes; `npm test` checks the real build (CI runs both).
 */
import { expect } from "chai";
import hre from "hardhat";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const LIMIT = 20 * 1024;
const MIN_RUNS = 1_000;
const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACTS = join(ROOT, "artifacts", "contracts");

type Artifact = { contractName: string; sourceName: string; deployedBytecode: string; buildInfoId: string };

function artifacts(dir: string): Artifact[] {
  const out: Artifact[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...artifacts(p));
    else if (e.name.endsWith(".json") && !e.name.endsWith(".dbg.json") && e.name !== "artifacts.d.ts")
      out.push(JSON.parse(readFileSync(p, "utf8")));
  }
  return out;
}

/** Deployed size in bytes (immutables are placeholders of their final length). */
const size = (a: Artifact) => (a.deployedBytecode.length - 2) / 2;

const INSTRUMENTED = process.env.CASCADE_COVERAGE === "true";

function buildInput(a: Artifact): { sources: Record<string, unknown>; settings: { optimizer?: any } } {
  const f = join(ROOT, "artifacts", "build-info", `${a.buildInfoId}.json`);
  expect(existsSync(f), `${a.contractName}: build-info ${a.buildInfoId} present`).to.equal(true);
  return JSON.parse(readFileSync(f, "utf8")).input;
}

/** Under --coverage: every artifact must come from the instrumented, unoptimized build. */
function expectInstrumented(all: Artifact[]): void {
  const inputs = new Map<string, ReturnType<typeof buildInput>>();
  const plain: string[] = [];
  for (const a of all) {
    if (!inputs.has(a.buildInfoId)) inputs.set(a.buildInfoId, buildInput(a));
    const input = inputs.get(a.buildInfoId)!;
    const lib = Object.keys(input.sources).some((k) => k.startsWith("__NomicFoundationCoverage"));
    if (!lib || input.settings.optimizer?.enabled !== false) plain.push(`${a.sourceName}:${a.contractName}`);
  }
  expect(plain, "under --coverage, artifacts not from the instrumented unoptimized build").to.deep.equal([]);
}

describe("security: contract sizes", function () {
  const all = artifacts(ARTIFACTS).filter((a) => typeof a.deployedBytecode === "string");

  it("test_contractSizes_configuredRunsAtLeast1000", function () {
    const profiles = (hre.config.solidity as any).profiles as Record<string, { compilers: any[] }>;
    for (const name of ["default", "production"]) {
      const compilers = profiles[name]?.compilers ?? [];
      expect(compilers.length, `${name} profile has compilers`).to.be.greaterThan(0);
      for (const c of compilers) {
        const opt = c.settings?.optimizer ?? {};
        expect(opt.enabled, `${name} profile: optimizer enabled`).to.equal(true);
        expect(opt.runs, `${name} profile: optimizer runs`).to.be.at.least(MIN_RUNS);
      }
    }
  });

  it("test_contractSizes_everyArtifactBuiltAtConfiguredRuns", function () {
    expect(all.length, "artifacts under artifacts/contracts").to.be.greaterThan(20);
    if (INSTRUMENTED) {
      expectInstrumented(all);
      console.log(
        `      --coverage: ${all.length} artifacts from the instrumented, unoptimized build; npm test checks runs`,
      );
      return;
    }
    const runsOf = new Map<string, number>();
    const stale: string[] = [];
    for (const a of all) {
      if (!runsOf.has(a.buildInfoId)) {
        const s = buildInput(a).settings.optimizer;
        runsOf.set(a.buildInfoId, s?.enabled ? s.runs : 0);
      }
      const runs = runsOf.get(a.buildInfoId)!;
      if (runs < MIN_RUNS) stale.push(`${a.sourceName}:${a.contractName} built at ${runs} runs`);
    }
    expect(stale, "artifacts compiled below 1,000 optimizer runs").to.deep.equal([]);
  });

  it("test_contractSizes_everyDeployedBytecodeAtMost20KiB", function () {
    const rows = all.map((a) => ({ name: `${a.sourceName}:${a.contractName}`, bytes: size(a) }));
    const deployable = rows.filter((r) => r.bytes > 0);
    // The system's contracts must all be there: a renamed or vanished artifact is not a pass.
    for (const n of ["StakingRouter", "RouterExtension", "BondedModule", "Accounting", "CascadePool"])
      expect(
        deployable.some((r) => r.name.endsWith(`:${n}`)),
        `${n} has deployed bytecode`,
      ).to.equal(true);
    if (INSTRUMENTED) {
      expectInstrumented(all);
      const top = [...deployable].sort((x, y) => y.bytes - x.bytes).slice(0, 5);
      console.log(
        `      --coverage: largest instrumented sizes ${top.map((r) => `${r.name.split(":")[1]} ${r.bytes} B`).join(", ")}; npm test checks ≤ ${LIMIT} B`,
      );
      return;
    }
    const over = deployable.filter((r) => r.bytes > LIMIT).map((r) => `${r.name} ${r.bytes} B`);
    expect(over, `deployed bytecode above ${LIMIT} B`).to.deep.equal([]);
  });
});
