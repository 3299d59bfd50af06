/**
 * The repository's `cascade`: the SDK's CLI (sdk/src/cli/main.ts `runCli`) plus the commands that
 * need this checkout, `demo` and the `devnet` start (./commands.ts: they compile and deploy the
 * contracts with Hardhat). `npm run devnet` runs `cascade devnet` through it, `npm run cascade --
 * <command>` any command; `npx cascade` is the package's bin (everything but these two).
 *
 *   npm run devnet -- --port 0 --no-daemons
 *   npm run cascade -- demo --frames 4
 */
import type { Command } from "commander";
import { createCliContext, type CliContext, type CliIO } from "../../sdk/src/cli/context.js";
import { createProgram, runCli, type CliDeps } from "../../sdk/src/cli/main.js";
import { registerDevnetCommands } from "./commands.js";

/** Adds the repository's commands to the SDK's program. */
export function repoCommands(program: Command, ctx: CliContext): void {
  registerDevnetCommands(program, { cwd: ctx.io.cwd });
}

/** `runCli` with the repository's commands (tests run it in-process, as the SDK's). */
export function runRepoCli(argv: string[], io: Partial<CliIO> = {}, deps: CliDeps = {}): Promise<number> {
  return runCli(argv, io, { ...deps, extend: repoCommands });
}

/** The whole program as `npm run cascade` builds it, with no client (scripts/gen-cli-docs.ts). */
export function repoProgram(cwd: string): Command {
  const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd, isTTY: false };
  const noClient = async () => {
    throw new Error("no client");
  };
  return createProgram(createCliContext(io, noClient), repoCommands);
}

if (process.argv[1] && /scripts[\\/]devnet[\\/]cli\.ts$/.test(process.argv[1]))
  process.exitCode = await runRepoCli(process.argv.slice(2));
