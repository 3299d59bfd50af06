/**
 * Prints the deployed bytecode size of every contract under contracts/ from artifacts/ and exits
 * non-zero when one exceeds EIP-170 (24,576 B; CONTRACT_SIZE_LIMIT overrides).
 *
 * CI runs the tests once, under `--coverage`, whose networks accept instrumented contracts of any
 * size (scripts/coverage-build.ts); this check keeps EIP-170 enforced on the real bytecode. It
 * refuses artifacts from a coverage build (they call the coverage address): run
 * `npx hardhat compile --no-tests` first.
 *
 *   npx hardhat compile --no-tests && npx tsx scripts/contract-sizes.ts
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = join(root, "artifacts", "contracts");
const limit = Number(process.env.CONTRACT_SIZE_LIMIT ?? "24576");
// The address EDR's coverage library calls from every instrumented statement.
const COVERAGE_ADDRESS = "c0bec0bec0bec0bec0bec0bec0bec0bec0bec0be";

function artifacts(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return artifacts(p);
    return name.endsWith(".json") ? [p] : [];
  });
}

if (!existsSync(dir)) {
  console.error("contract-sizes: no artifacts — run `npx hardhat compile --no-tests` first.");
  process.exit(1);
}
const rows: { name: string; size: number }[] = [];
let instrumented = 0;
for (const p of artifacts(dir)) {
  const a = JSON.parse(readFileSync(p, "utf8")) as { contractName?: string; deployedBytecode?: string };
  const code = a.deployedBytecode ?? "0x";
  const size = (code.length - 2) / 2;
  if (a.contractName === undefined || size === 0) continue;
  if (code.toLowerCase().includes(COVERAGE_ADDRESS)) ++instrumented;
  rows.push({ name: `${relative(dir, p).split("/").slice(0, -1).join("/")}:${a.contractName}`, size });
}
if (instrumented > 0) {
  console.error(
    `contract-sizes: ${instrumented} artifacts come from a --coverage build — run \`npx hardhat compile --no-tests\` first.`,
  );
  process.exit(1);
}
rows.sort((x, y) => y.size - x.size);
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`Deployed sizes (limit ${limit} B)`);
for (const r of rows) {
  const flag = r.size > limit ? `  OVER by ${r.size - limit} B` : "";
  console.log(`${r.name.padEnd(w)}  ${String(r.size).padStart(6)}${flag}`);
}
const over = rows.filter((r) => r.size > limit);
if (over.length > 0) {
  console.error(`contract-sizes: ${over.length} contract(s) exceed ${limit} B`);
  process.exit(1);
}
