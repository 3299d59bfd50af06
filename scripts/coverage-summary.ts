/**
 * Prints line coverage of `contracts/` from the lcov report that `hardhat test --coverage`
 * writes (coverage/lcov.info): one row per source file with its uncovered lines, then the total,
 * and exits non-zero when the total is under the floor (95 % by default; COVERAGE_MIN overrides).
 *
 * Nothing under contracts/ is excluded. Every .sol file is accounted for: a file that Hardhat
 * instrumented but that has no executable line (interfaces, constants, storage layouts) is named
 * in one line, and a file with code that is missing from the report fails the check, because a
 * silently missing file would inflate the total.
 *
 *   npx tsx scripts/coverage-summary.ts [lcov.info ...]
 *
 * Several reports (e.g. of separate runs over the same sources) are merged line by line: a line
 * counts as covered when any report covers it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const lcovPaths = process.argv.length > 2 ? process.argv.slice(2) : [join(root, "coverage", "lcov.info")];
const floor = Number(process.env.COVERAGE_MIN ?? "95");
const SCOPE = "contracts/";

interface FileCoverage {
  file: string;
  found: number;
  hit: number;
  uncovered: number[];
  lines: number[];
}

/** lcov's SF/DA/LF/LH records → per-file line counts (a line counts once, hit if any hit). */
export function parseLcov(text: string): FileCoverage[] {
  const out: FileCoverage[] = [];
  let cur: { file: string; lines: Map<number, number> } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("SF:")) cur = { file: line.slice(3).replaceAll("\\", "/"), lines: new Map() };
    else if (line.startsWith("DA:") && cur) {
      const [n, count] = line.slice(3).split(",").map(Number);
      cur.lines.set(n, Math.max(cur.lines.get(n) ?? 0, count));
    } else if (line === "end_of_record" && cur) {
      const uncovered = [...cur.lines].filter(([, c]) => c === 0).map(([n]) => n);
      uncovered.sort((a, b) => a - b);
      const lines = [...cur.lines.keys()];
      out.push({
        file: cur.file,
        found: lines.length,
        hit: lines.length - uncovered.length,
        uncovered,
        lines,
      });
      cur = undefined;
    }
  }
  return out;
}

/** Merges per-file reports: a line is covered when any report covers it. */
export function mergeReports(reports: FileCoverage[][]): FileCoverage[] {
  const lines = new Map<string, Map<number, boolean>>();
  for (const report of reports) {
    for (const f of report) {
      const m = lines.get(f.file) ?? new Map<number, boolean>();
      const uncovered = new Set(f.uncovered);
      for (const n of f.lines) m.set(n, (m.get(n) ?? false) || !uncovered.has(n));
      lines.set(f.file, m);
    }
  }
  return [...lines].map(([file, m]) => {
    const uncovered = [...m].filter(([, hit]) => !hit).map(([n]) => n);
    uncovered.sort((a, b) => a - b);
    return { file, found: m.size, hit: m.size - uncovered.length, uncovered, lines: [...m.keys()] };
  });
}

/** [3,4,5,9] → "3-5, 9" */
export function ranges(lines: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

function solFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return solFiles(p);
    return name.endsWith(".sol") ? [relative(root, p).replaceAll("\\", "/")] : [];
  });
}

/** True when a source declares only interfaces, constants, structs or errors (no code of its own). */
function hasNoCode(file: string): boolean {
  const src = readFileSync(join(root, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");
  // A non-empty body: a function-like header, then `{` before any `;` (interfaces end in `;`),
  // then something other than `}` (an empty constructor has no statement to cover).
  return !/\b(function|constructor|modifier|fallback|receive)\b[^;{]*\{\s*[^}\s]/.test(src);
}

function main(): void {
  const missingReport = lcovPaths.find((p) => !existsSync(p));
  if (missingReport !== undefined) {
    console.error(`coverage: ${missingReport} not found — run \`npx hardhat test --coverage\` first.`);
    process.exit(1);
  }
  const all = mergeReports(lcovPaths.map((p) => parseLcov(readFileSync(p, "utf8"))));
  const inScope = all.filter((f) => f.file.startsWith(SCOPE));
  const byFile = new Map(inScope.map((f) => [f.file, f]));
  const withLines = inScope.filter((f) => f.found > 0).sort((a, b) => a.file.localeCompare(b.file));
  const noLines = solFiles(join(root, "contracts"))
    .filter((f) => (byFile.get(f)?.found ?? 0) === 0)
    .sort();
  const missing = noLines.filter((f) => !byFile.has(f) && !hasNoCode(f));

  const pct = (hit: number, found: number) => (found === 0 ? 100 : (100 * hit) / found);
  const w = Math.max(...withLines.map((f) => f.file.length), "total".length);
  const from = lcovPaths.map((p) => relative(root, p)).join(" + ");
  console.log(`Line coverage of ${SCOPE} (from ${from}; nothing excluded)`);
  console.log(`${"file".padEnd(w)}  ${"lines".padStart(9)}  ${"line %".padStart(7)}  uncovered lines`);
  let hit = 0;
  let found = 0;
  for (const f of withLines) {
    hit += f.hit;
    found += f.found;
    const frac = `${f.hit}/${f.found}`.padStart(9);
    console.log(
      `${f.file.padEnd(w)}  ${frac}  ${pct(f.hit, f.found).toFixed(2).padStart(7)}  ${ranges(f.uncovered) || "-"}`,
    );
  }
  const total = pct(hit, found);
  console.log(`${"total".padEnd(w)}  ${`${hit}/${found}`.padStart(9)}  ${total.toFixed(2).padStart(7)}`);
  const none = noLines.filter((f) => !missing.includes(f));
  if (none.length > 0) console.log(`No executable lines (${none.length} files): ${none.join(", ")}`);

  let ok = true;
  if (missing.length > 0) {
    console.error(`coverage: files with code missing from the report: ${missing.join(", ")}`);
    ok = false;
  }
  if (total < floor) {
    console.error(`coverage: line coverage of ${SCOPE} is ${total.toFixed(2)} %, under the ${floor} % floor`);
    ok = false;
  } else console.log(`Line coverage of ${SCOPE}: ${total.toFixed(2)} % (floor ${floor} %)`);
  process.exit(ok ? 0 : 1);
}

main();
