#!/usr/bin/env node
// Builds the package: tsc (ESM JavaScript + .d.ts into dist/), then every committed ABI as JSON
// (dist/abi/json/<Contract>.json) for tools that read ABIs without JavaScript.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(pkg, "package.json"));
const tsc = require.resolve("typescript/bin/tsc");
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
console.log(`@cascade-staking/sdk built in ${((Date.now() - started) / 1000).toFixed(1)} s (dist/, ${n} ABIs as JSON)`);
