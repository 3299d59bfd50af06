/**
 * The `cascade` command. `runCli(argv, io, deps)` is importable: tests run it in-process with an
 * injected client and captured output; `sdk/bin/cascade.mjs` runs it on process.argv.
 *
 * This file only wires commander: the global options, the command groups of ./commands/ (in the
 * order `cascade --help` lists them) and the one-line error handling. The shared output and
 * client helpers are in ./context.ts, the default client in ./client.ts.
 *
 * Exit codes: 0 ok, 1 an error (one line `cascade: <shortMessage>` on stderr), 2 a usage error.
 */
import { Command, CommanderError } from "commander";
import type { CascadeClient } from "../client.js";
import { defaultMakeClient } from "./client.js";
import { registerDaemonCommands } from "./commands/daemons.js";
import { registerDepositorCommands } from "./commands/depositor.js";
import { registerGovCommands } from "./commands/gov.js";
import { registerKeeperCommands } from "./commands/keeper.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerOperatorCommands } from "./commands/operator.js";
import { registerRiskCommands } from "./commands/risk.js";
import { registerServiceCommands } from "./commands/service.js";
import { createCliContext, type CliContext, type CliIO, type GlobalOptions } from "./context.js";
import { EXAMPLES } from "./examples.js";
import { describeError } from "./explain.js";
import { registerDevnetCommands } from "./devnet.js";

export { defaultMakeClient, keystoreKey } from "./client.js";
export { createCliContext } from "./context.js";
export type { CliContext, CliIO, GlobalOptions } from "./context.js";

/** Adds commands to the program (after the package's own, before the examples are attached). */
export type CliExtension = (program: Command, ctx: CliContext) => void;

export interface CliDeps {
  /** Builds the client from the global options; tests inject one bound to the embedded network. */
  makeClient?: (opts: GlobalOptions, io: CliIO) => Promise<CascadeClient>;
  /**
   * Commands of the caller's own (the Cascade repository adds `demo` and the `devnet` start,
   * which compile and deploy the contracts: scripts/devnet/cli.ts).
   */
  extend?: CliExtension;
}

/**
 * The whole `cascade` command tree over one run's context: global options, every command group
 * (in the order `--help` lists them) and each command's example after its help. runCli parses
 * with it; scripts/gen-cli-docs.ts walks it to write docs/cli.md. `extend` adds the caller's
 * own commands (the repository's `demo` and `devnet` start: scripts/devnet/commands.ts).
 *
 * @example
 * ```ts
 * import { createProgram } from "./main.js";
 * import { createCliContext } from "./context.js";
 * const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd: ".", isTTY: false };
 * const program = createProgram(createCliContext(io, async () => { throw new Error("offline"); }));
 * console.log(program.commands.map((c) => c.name())); // ["status", "deposit", …]
 * ```
 */
export function createProgram(ctx: CliContext, extend?: CliExtension): Command {
  const { io } = ctx;
  const program = new Command("cascade")
    .description("Cascade liquid staking: deposit into yield classes, run operators, govern")
    .option("--rpc <url>", "JSON-RPC endpoint (default: $RPC_URL)")
    .option("--private-key-file <file>", "file holding the signer's hex private key (for transactions)")
    .option(
      "--keystore",
      "sign with CASCADE_DEPLOYER_KEY from the Hardhat keystore (the `rpc` network's account)",
    )
    .option(
      "--addresses <file>",
      "deployment addresses JSON (default deployments/<chainId>.json, else the package's addresses.<network>.json)",
    )
    .option("--json", "machine-readable output")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (str, write) =>
        write(
          `cascade: ${str
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    })
    .showSuggestionAfterError(true);

  // Registration order is the order of `cascade --help`.
  registerDepositorCommands(program, ctx);
  registerOperatorCommands(program, ctx);
  registerKeysCommands(program, ctx);
  registerGovCommands(program, { client: ctx.getClient, print: ctx.print, stdout: io.stdout, cwd: io.cwd });
  registerServiceCommands(program, ctx);
  registerKeeperCommands(program, ctx); // before the daemons: `keeper run` joins this group
  registerRiskCommands(program, ctx);
  registerDevnetCommands(program, { env: io.env });
  registerDaemonCommands(program, { client: ctx.getClient, stdout: io.stdout, cwd: io.cwd });
  extend?.(program, ctx);
  addExamples(program);
  return program;
}

/** Appends "Example:" lines from ./examples.ts to the help of each command that has some. */
function addExamples(cmd: Command, path: string[] = []): void {
  const lines = EXAMPLES[path.join(" ")];
  if (lines)
    cmd.addHelpText(
      "after",
      `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}`,
    );
  for (const sub of cmd.commands) addExamples(sub, [...path, sub.name()]);
}

/**
 * Runs the CLI on `argv` (without the node/script prefix) and resolves to the exit code.
 *
 * @example
 * ```ts
 * import { runCli } from "./main.js";
 * const code = await runCli(["keys", "check", "deposit_data.json", "--network", "hoodi"]);
 * ```
 */
export async function runCli(argv: string[], ioIn: Partial<CliIO> = {}, deps: CliDeps = {}): Promise<number> {
  const io: CliIO = {
    stdout: ioIn.stdout ?? ((s) => process.stdout.write(s)),
    stderr: ioIn.stderr ?? ((s) => process.stderr.write(s)),
    env: ioIn.env ?? process.env,
    cwd: ioIn.cwd ?? process.cwd(),
    isTTY: ioIn.isTTY ?? Boolean(process.stderr.isTTY),
  };
  const ctx = createCliContext(io, deps.makeClient ?? defaultMakeClient);

  const program = createProgram(ctx, deps.extend);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; commander already printed the one-line message.
      ctx.setExitCode(["commander.helpDisplayed", "commander.version"].includes(e.code) ? 0 : 2);
    } else {
      io.stderr(`cascade: ${await describeError(e, ctx.builtClient())}\n`);
      if (io.env.CASCADE_DEBUG) io.stderr(`${(e as Error)?.stack ?? ""}\n`);
      ctx.setExitCode(1);
    }
  } finally {
    // Our own JsonRpcProvider would keep the process alive; injected clients belong to the caller.
    const client = ctx.builtClient();
    if (client && !deps.makeClient) (client.provider as { destroy?: () => void }).destroy?.();
  }
  return ctx.exitCode();
}
