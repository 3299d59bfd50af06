#!/usr/bin/env node
// Launcher of the `cascade` CLI: registers tsx's ESM loader in-process, then runs the
// TypeScript entry (no build step; tsx 4 is a dependency of the repo).
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/cli/index.ts", import.meta.url).href);
