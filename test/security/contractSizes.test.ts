/**
 * Contract sizes (issue 16): every contract under contracts/ is compiled with the optimizer at
 * ≥ 1,000 runs and its deployed bytecode stays ≤ 20 KiB (20,480 B), a quarter below EIP-170's
 * 24,576 B so a fix or a coverage build still fits. Reads the artifacts Hardhat just built and
 * each artifact's build-info (the settings the bytes were actually compiled with), so neither a
 * lowered `runs` in hardhat.config.ts nor a contract that grew can pass unnoticed.
 *
 * Nothing is skipped: interfaces, abstract contracts and libraries of internal functions have
 * no deployed code (length 0) and are counted as such, not as fits.
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
    const runsOf = new Map<string, number>();
    const stale: string[] = [];
    for (const a of all) {
      if (!runsOf.has(a.buildInfoId)) {
        const f = join(ROOT, "artifacts", "build-info", `${a.buildInfoId}.json`);
        expect(existsSync(f), `${a.contractName}: build-info ${a.buildInfoId} present`).to.equal(true);
        const s = JSON.parse(readFileSync(f, "utf8")).input.settings.optimizer;
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
    const over = deployable.filter((r) => r.bytes > LIMIT).map((r) => `${r.name} ${r.bytes} B`);
    expect(over, `deployed bytecode above ${LIMIT} B`).to.deep.equal([]);
  });
});
