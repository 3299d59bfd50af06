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
