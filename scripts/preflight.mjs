#!/usr/bin/env node
// Runs before every npm script, on whatever Node is first on PATH (often the machine's
// Node 20), and turns a missing or half-done install into one line that says what to run.
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const FIX = "run `npx -y -p node@22 -- npm install` in the project folder first";

const required = [
  ["node_modules/.bin/node", "the project's Node 22 (devDependency node@22)"],
  ["node_modules/hardhat/package.json", "hardhat"],
  ["node_modules/solc/soljson.js", "the solc compiler"],
  ["node_modules/forge-std/lib/forge-std/Test.sol", "forge-std"],
];

for (const [path, what] of required) {
  if (!existsSync(join(root, path))) {
    console.error(`cascade: ${what} is not installed (${path} missing): ${FIX}.`);
    process.exit(1);
  }
}

const edr = join(root, "node_modules/@nomicfoundation");
const hasEdrNative =
  existsSync(edr) &&
  (await import("node:fs")).readdirSync(edr).some((d) => d.startsWith("edr-") && d !== "edr-helpers");
if (!hasEdrNative) {
  console.error(
    `cascade: Hardhat's native EDR package is missing (npm ran under Node < 22 and skipped it): ${FIX}.`,
  );
  process.exit(1);
}

const major = Number(process.versions.node.split(".")[0]);
if (process.env.npm_lifecycle_event && major < 22) {
  console.error(
    `cascade: npm is running scripts with Node ${process.versions.node}; node_modules/.bin/node should come first on PATH: ${FIX}.`,
  );
  process.exit(1);
}

// The SDK's built JavaScript (the `cascade` bin runs it): rebuild when a source changed since.
{
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(process.execPath, [join(root, "sdk/scripts/build.mjs"), "--if-stale"], {
    stdio: "inherit",
  });
  if (r.status !== 0) {
    console.error("cascade: building the SDK (sdk/) failed; see the TypeScript errors above.");
    process.exit(1);
  }
}

// Hardhat 3 compiles silently, and the WebAssembly solc takes minutes on a busy 2-core machine
// the first time: compile here, with a heartbeat, whenever a .sol file is newer than the cache.
const needsArtifacts = ["pretest", "predemo", "prebench", "predeploy"];
if (needsArtifacts.includes(process.env.npm_lifecycle_event ?? "")) {
  const { readdirSync, statSync } = await import("node:fs");
  const { spawn } = await import("node:child_process");
  const sol = ["contracts", "test"].flatMap((d) =>
    readdirSync(join(root, d), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".sol"))
      .map((e) => join(e.parentPath ?? e.path, e.name)),
  );
  const cache = join(root, "cache/compile-cache.json");
  const cachedAt = existsSync(cache) ? statSync(cache).mtimeMs : 0;
  const changed = sol.filter((f) => statSync(f).mtimeMs > cachedAt).length;
  if (changed > 0) {
    const first = cachedAt === 0;
    console.error(
      `cascade: compiling ${first ? sol.length : changed} of ${sol.length} Solidity files with the WebAssembly solc` +
        (first ? " (first run: several minutes on a busy machine; later runs reuse cache/)" : ""),
    );
    const started = Date.now();
    const beat = setInterval(
      () => console.error(`  … still compiling (${Math.round((Date.now() - started) / 1000)} s)`),
      20_000,
    );
    const code = await new Promise((res) =>
      spawn(join(root, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
        cwd: root,
        stdio: "inherit",
      }).on("exit", res),
    );
    clearInterval(beat);
    if (code !== 0) process.exit(typeof code === "number" ? code : 1);
    console.error(`cascade: compiled in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}
