/**
 * Upgrade safety of every upgradeable Cascade contract, checked by OpenZeppelin's own tool
 * (`@openzeppelin/upgrades-core`, the engine behind hardhat-upgrades and the
 * `npx @openzeppelin/upgrades-core validate` CLI):
 *
 * - unsafe constructors, `immutable` state, `selfdestruct` / `delegatecall`, missing
 *   initializers, external library linking — `validate` + `getErrors` (kind `uups`);
 * - storage-layout compatibility, ERC-7201 namespaces included, against the committed
 *   reference of the current version, docs/upgrade-layouts.json — `getStorageUpgradeReport`.
 *
 * The compiler input is the one Hardhat 3 wrote to artifacts/build-info (same sources, solc
 * version and remappings). Hardhat's output selection has no `storageLayout`, so the script
 * recompiles that input's contract sources (tests and forge-std left out, optimizer off: it
 * changes neither ASTs nor layouts) with the pinned solc wasm, asking for AST, storage layout
 * and bytecode, plus the namespaced input the tool needs for ERC-7201 structs
 * (`makeNamespacedInput`), exactly as hardhat-upgrades does. Each allowed exception is a
 * `/// @custom:oz-upgrades-unsafe-allow ...` annotation in the code (docs/security.md §4).
 *
 *   npx hardhat compile && npx tsx scripts/upgrade-safety.ts          # report; exit 1 on any error
 *   npx tsx scripts/upgrade-safety.ts --write [--from <git-ref>]      # rewrite the reference layouts
 *
 * `--from main` takes the contracts as they are at that git revision (same compiler input
 * otherwise), so the reference is the previous version and the check proves that the
 * working tree's layouts extend it safely.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  getContractVersion,
  getErrors,
  getStorageLayout,
  getStorageUpgradeReport,
  makeNamespacedInput,
  solcInputOutputDecoder,
  validate,
  withValidationDefaults,
  type StorageLayout,
  type ValidationRunData,
} from "@openzeppelin/upgrades-core";

const require = createRequire(import.meta.url);
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const REFERENCE = join(ROOT, "docs/upgrade-layouts.json");
const BASE = "CascadeUpgradeable";

export interface ContractReport {
  contract: string;
  /** Validation errors (unsafe constructor, immutable, delegatecall, ...); empty = safe. */
  errors: string[];
  /** Storage layout vs the reference; empty = compatible. */
  layout: string;
  /** Storage entries (own and namespaced) compared. */
  slots: number;
}

export interface Analysis {
  solcVersion: string;
  errors: Record<string, string[]>;
  layouts: Record<string, StorageLayout>;
}

/**
 * The Hardhat 3 build-info inputs that hold the project's contracts, merged into one: a file with
 * its own compiler settings (an override in hardhat.config.ts) gets a compilation job, and so a
 * build-info, of its own. The sources are recompiled below with one setting, so the union of
 * their sources is the whole project. Oldest first, so that where an incremental compile left an
 * earlier build-info beside a newer one, the newer sources win.
 */
function hardhatInput(): { input: any; solcVersion: string } {
  const dir = join(ROOT, "artifacts/build-info");
  let merged: { input: any; solcVersion: string } | undefined;
  const files = readdirSync(dir).sort(
    (a, b) => statSync(join(dir, a)).mtimeMs - statSync(join(dir, b)).mtimeMs || a.localeCompare(b),
  );
  for (const f of files) {
    if (!f.endsWith(".json") || f.endsWith(".output.json")) continue;
    const b = JSON.parse(readFileSync(join(dir, f), "utf8"));
    if (!Object.keys(b.input?.sources ?? {}).some((s) => s.startsWith("project/contracts/"))) continue;
    if (!merged) merged = { input: structuredClone(b.input), solcVersion: b.solcVersion };
    else Object.assign(merged.input.sources, b.input.sources);
  }
  if (merged) return merged;
  throw new Error(
    "upgrade-safety: no build-info with project/contracts in artifacts/build-info (run npx hardhat compile)",
  );
}

function compile(input: unknown): any {
  const solc = require("solc");
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: any) => e.severity === "error");
  if (errors.length)
    throw new Error("upgrade-safety: solc failed:\n" + errors.map((e: any) => e.formattedMessage).join("\n"));
  return out;
}

function atRevision(rev: string, path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `${rev}:${path}`], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
  } catch {
    return undefined;
  }
}

/**
 * Compiles the upgradeable contracts (at git revision `from`, default the working tree as
 * Hardhat last compiled it), runs the validations and extracts each one's storage layout.
 */
export function analyze(from?: string): Analysis {
  const { input: hh, solcVersion } = hardhatInput();
  const sources: Record<string, unknown> = {};
  for (const [k, v] of Object.entries<any>(hh.sources)) {
    if (k.startsWith("npm/@openzeppelin/")) sources[k] = v;
    else if (k.startsWith("project/contracts/")) {
      // After `hardhat test --coverage` the build info holds instrumented sources (they import
      // the coverage library): analyze the working tree's own text instead.
      if (!from && String(v?.content).includes("__NomicFoundationCoverage"))
        sources[k] = { content: readFileSync(join(ROOT, k.slice("project/".length)), "utf8") };
      else if (!from) sources[k] = v;
      else {
        const content = atRevision(from, k.slice("project/".length));
        if (content !== undefined) sources[k] = { content };
      }
    }
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      evmVersion: hh.settings.evmVersion,
      remappings: hh.settings.remappings,
      optimizer: { enabled: false },
      outputSelection: {
        "*": {
          "": ["ast"],
          "*": [
            "storageLayout",
            "evm.bytecode.object",
            "evm.bytecode.linkReferences",
            "evm.methodIdentifiers",
          ],
        },
      },
    },
  };
  const output = compile(input);
  const namespacedOutput = compile(makeNamespacedInput(input as any, output, solcVersion));
  const run: ValidationRunData = validate(
    output,
    solcInputOutputDecoder(input as any, output),
    solcVersion,
    input as any,
    namespacedOutput,
  );

  // Every concrete contract of contracts/ that inherits the UUPS base is deployed behind a proxy.
  const byId = new Map<number, string>();
  for (const s of Object.values<any>(output.sources))
    for (const n of s.ast.nodes) if (n.nodeType === "ContractDefinition") byId.set(n.id, n.name);
  const upgradeable: [string, string][] = [];
  for (const [src, s] of Object.entries<any>(output.sources)) {
    if (!src.startsWith("project/contracts/")) continue;
    for (const n of s.ast.nodes) {
      if (n.nodeType !== "ContractDefinition" || n.abstract || n.contractKind !== "contract") continue;
      if ((n.linearizedBaseContracts as number[]).some((id) => byId.get(id) === BASE))
        upgradeable.push([n.name, `${src}:${n.name}`]);
    }
  }
  upgradeable.sort(([a], [b]) => a.localeCompare(b));

  const opts = withValidationDefaults({ kind: "uups" });
  const errors: Record<string, string[]> = {};
  const layouts: Record<string, StorageLayout> = {};
  for (const [name, fq] of upgradeable) {
    const version = getContractVersion(run, fq);
    errors[name] = getErrors(run, version, opts).map((e) => `${e.kind} in ${e.src}`);
    layouts[name] = getStorageLayout(run, version);
  }
  return { solcVersion, errors, layouts };
}

/** The validation errors and each layout against `reference` (the previous version). */
export function compare(
  a: Analysis,
  reference: Record<string, StorageLayout>,
): { ok: boolean; contracts: ContractReport[] } {
  const opts = withValidationDefaults({ kind: "uups" });
  const contracts = Object.entries(a.layouts).map(([name, layout]) => {
    const ref = reference[name];
    let report = "";
    if (!ref) report = "no reference layout (new contract: review, then run with --write)";
    else {
      const r = getStorageUpgradeReport(ref, layout, opts);
      if (!r.ok) report = r.explain();
    }
    const slots =
      layout.storage.length + Object.values(layout.namespaces ?? {}).reduce((s, n) => s + n.length, 0);
    return { contract: name, errors: a.errors[name], layout: report, slots };
  });
  return { ok: contracts.every((c) => c.errors.length === 0 && c.layout === ""), contracts };
}

export function readReference(): Record<string, StorageLayout> {
  return JSON.parse(readFileSync(REFERENCE, "utf8"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--write")) {
    const i = process.argv.indexOf("--from");
    const from = i > 0 ? process.argv[i + 1] : undefined;
    const a = analyze(from);
    writeFileSync(REFERENCE, JSON.stringify(a.layouts, null, 2) + "\n");
    console.log(`wrote ${REFERENCE} (${from ? `contracts at ${from}` : "working tree"})`);
  } else {
    const a = analyze();
    const r = compare(a, readReference());
    console.log(
      `@openzeppelin/upgrades-core validation (solc ${a.solcVersion}, kind uups, layouts vs docs/upgrade-layouts.json)`,
    );
    for (const c of r.contracts) {
      const ok = c.errors.length === 0 && c.layout === "";
      console.log(
        ok
          ? `  ok   ${c.contract.padEnd(16)} no unsafe code; ${c.slots} storage entries compatible`
          : `  FAIL ${c.contract}`,
      );
      for (const e of c.errors) console.log(`       ${e}`);
      if (c.layout) console.log(c.layout.replace(/^/gm, "       "));
    }
    if (!r.ok) process.exit(1);
  }
}
