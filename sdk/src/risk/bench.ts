/**
 * Timings of `analyzeSecurity` on seeded random graphs. Run: `npx tsx sdk/src/risk/bench.ts`.
 * Each case: one warm-up run, then the median and max of 5 runs (wall clock, one thread).
 * Targets (DESIGN.md §8 work item): exact 20 × 10 < 2 s; sufficient 1,000 × 100 < 1 s.
 */
import os from "node:os";
import Table from "cli-table3";

import { analyzeSecurity } from "./analyze.js";
import { formatVerdict } from "./format.js";
import { randomGraph } from "./random.js";
import type { AnalyzeOptions } from "./types.js";

interface Case {
  name: string;
  operators: number;
  services: number;
  density: number;
  opts: AnalyzeOptions;
  targetMs?: number;
}

const cases: Case[] = [
  { name: "exact, every edge", operators: 20, services: 10, density: 1, opts: {}, targetMs: 2_000 },
  { name: "exact, half the edges", operators: 20, services: 10, density: 0.5, opts: {}, targetMs: 2_000 },
  { name: "exact forced, 24 × 16", operators: 24, services: 16, density: 0.5, opts: { method: "exact" } },
  {
    name: "sufficient, ~100 ops/service",
    operators: 1_000,
    services: 100,
    density: 0.1,
    opts: {},
    targetMs: 1_000,
  },
  {
    name: "sufficient, ~500 ops/service",
    operators: 1_000,
    services: 100,
    density: 0.5,
    opts: {},
    targetMs: 1_000,
  },
  {
    name: "sufficient, ~15 ops/service (exact CoC)",
    operators: 1_000,
    services: 100,
    density: 0.015,
    opts: {},
    targetMs: 1_000,
  },
];

const table = new Table({
  head: ["case", "ops × svcs", "edges", "method", "median ms", "max ms", "target ms", "γ"],
  colAligns: ["left", "right", "right", "left", "right", "right", "right", "right"],
  style: { head: [], border: [] },
});
const verdicts: string[] = [];
for (const c of cases) {
  const g = randomGraph(42, { operators: c.operators, services: c.services, density: c.density });
  const edges = g.services.reduce((a, s) => a + s.operators.length, 0);
  let result = analyzeSecurity(g, c.opts); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    result = analyzeSecurity(g, c.opts);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const n = result.network;
  table.push([
    c.name,
    `${c.operators} × ${c.services}`,
    edges,
    n.method,
    times[2]!.toFixed(1),
    times[4]!.toFixed(1),
    c.targetMs ?? "-",
    n.gamma.isFinite() ? n.gamma.toDecimalPlaces(4, 3 /* ROUND_FLOOR */).toString() : "∞",
  ]);
  verdicts.push(`${c.name}: ${formatVerdict(result)}`);
}
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), seed 42`);
console.log(table.toString());
for (const v of verdicts) console.log(v);
