/**
 * What every command group of the `cascade` CLI shares: the output streams, the client built
 * lazily from the global options, progress lines and bars (terminal only), `--json` printing and
 * the exit code. main.ts builds one {@link CliContext} per run and hands it to each
 * `register*Commands` of sdk/src/cli/commands/.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { CascadeClient } from "../client.js";
import { json, type Write } from "./format.js";

/** Global options every command sees. */
export interface GlobalOptions {
  rpc?: string;
  privateKeyFile?: string;
  keystore?: boolean;
  addresses?: string;
  json?: boolean;
}

export interface CliIO {
  stdout: Write;
  stderr: Write;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Progress lines go to stderr only on a terminal (and never with --json). */
  isTTY: boolean;
}

/** A progress bar's callbacks: `onProgress` is undefined when no bar is shown. */
export interface ProgressBar {
  onProgress: ((done: number, total: number) => void) | undefined;
  stop: () => void;
}

export interface CliContext {
  io: CliIO;
  /** The global options of `cmd`, with RPC_URL filled in for a missing --rpc. */
  globals: (cmd: Command) => GlobalOptions;
  /** The client, built on first use from the global options (one per run). */
  getClient: (cmd: Command) => Promise<CascadeClient>;
  /** The client if one was built, for cleanup. */
  builtClient: () => CascadeClient | undefined;
  /** One `… msg` line on stderr (terminal only, never with --json). */
  progress: (cmd: Command, msg: string) => void;
  /** A progress bar on stderr for per-entry work (terminal only, never with --json). */
  bar: (cmd: Command, label: string) => ProgressBar;
  /** Prints `data` as JSON with --json, else the human rendering. */
  print: (cmd: Command, data: unknown, human: () => string) => void;
  /** A command that succeeded in running but reports a failure (e.g. an insecure graph) sets 1. */
  setExitCode: (code: number) => void;
  exitCode: () => number;
}

/** Builds the shared context of one CLI run. */
export function createCliContext(
  io: CliIO,
  makeClient: (opts: GlobalOptions, io: CliIO) => Promise<CascadeClient>,
): CliContext {
  let client: CascadeClient | undefined;
  let exitCode = 0;
  const globals = (cmd: Command): GlobalOptions => {
    const o = cmd.optsWithGlobals() as GlobalOptions;
    if (o.rpc === undefined && io.env.RPC_URL) o.rpc = io.env.RPC_URL;
    return o;
  };
  return {
    io,
    globals,
    getClient: async (cmd) => (client ??= await makeClient(globals(cmd), io)),
    builtClient: () => client,
    progress: (cmd, msg) => {
      if (io.isTTY && !globals(cmd).json) io.stderr(`… ${msg}\n`);
    },
    bar: (cmd, label) => {
      if (!io.isTTY || globals(cmd).json) return { onProgress: undefined, stop: () => {} };
      const b = new SingleBar({
        format: `${label} [{bar}] {value}/{total}`,
        stream: process.stderr, // only on a real terminal (io.isTTY), never captured output
        hideCursor: false,
        clearOnComplete: true,
      });
      let started = false;
      return {
        onProgress: (done, total) => {
          if (!started) b.start(total, 0);
          started = true;
          b.update(done);
        },
        stop: () => {
          if (started) b.stop();
        },
      };
    },
    print: (cmd, data, human) => {
      io.stdout((globals(cmd).json ? json(data) : human()) + "\n");
    },
    setExitCode: (code) => {
      exitCode = code;
    },
    exitCode: () => exitCode,
  };
}
