#!/usr/bin/env node
// Builds the package: tsc (ESM JavaScript + .d.ts into dist/), then every committed ABI as JSON
// (dist/abi/json/<Contract>.json) for tools that read ABIs without JavaScript.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(pkg, "package.json"));
const tsc = require.resolve("typescript/bin/tsc");
/** Newest modification time under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs);
  return t;
}
const stamp = join(pkg, "dist.stamp"); // outside dist/: not packed
if (process.argv.includes("--if-stale") && existsSync(stamp)) {
  const sources = Math.max(newest(join(pkg, "src")), statSync(join(pkg, "tsconfig.build.json")).mtimeMs);
  if (statSync(stamp).mtimeMs >= sources) process.exit(0);
}
rmSync(join(pkg, "dist"), { recursive: true, force: true });
const started = Date.now();
const r = spawnSync(process.execPath, [tsc, "-p", join(pkg, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
const abi = await import(pathToFileURL(join(pkg, "dist", "abi", "index.js")).href);
const out = join(pkg, "dist", "abi", "json");
mkdirSync(out, { recursive: true });
let n = 0;
for (const [name, value] of Object.entries(abi)) {
  if (!name.endsWith("Abi")) continue;
  writeFileSync(join(out, `${name.slice(0, -3)}.json`), JSON.stringify(value, null, 2) + "\n");
  n++;
}
writeFileSync(stamp, new Date().toISOString() + "\n");
console.error(
  `@cascade-staking/sdk built in ${((Date.now() - started) / 1000).toFixed(1)} s (dist/, ${n} ABIs as JSON)`,
);
