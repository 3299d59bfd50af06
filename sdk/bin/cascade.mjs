#!/usr/bin/env node
// The `cascade` command: runs the built CLI (dist/, made by `npm run build -w @cascade-staking/sdk`,
// which `npm install` in the repository runs). No TypeScript loader at run time.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/index.js", import.meta.url);
if (!existsSync(entry)) {
  console.error(
    "cascade: the SDK is not built (dist/ missing): run `npm install` or `npm run build -w @cascade-staking/sdk`",
  );
  process.exit(1);
}
await import(entry.href);
