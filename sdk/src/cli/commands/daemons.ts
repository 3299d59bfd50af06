/**
 * `cascade oracle run`, `cascade guardian run`, `cascade keeper run`: the role daemons as
 * long-running processes (sdk/src/daemons/service). Each takes the global --rpc, a signer
 * (--private-key-file or --keystore) and --addresses, plus --beacon, --once and --metrics-port,
 * logs JSON lines (pino) to stdout and stops on SIGINT/SIGTERM.
 *
 * @example
 * ```sh
 * cascade --rpc http://127.0.0.1:8545 --private-key-file member1.key oracle run \
 *   --beacon http://127.0.0.1:5052 --metrics-port 9101
 * ```
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CascadeClient } from "../../client.js";
import { InvalidInputError } from "../../errors.js";
import { daemonLogger, startDaemon, type Role } from "../../daemons/service/index.js";

export interface DaemonCommandDeps {
  /** The CLI's client (provider, signer, addresses) built from the global options. */
  client: (cmd: Command) => Promise<CascadeClient>;
  stdout: (s: string) => void;
  cwd: string;
  /** Stops running daemons (tests); SIGINT/SIGTERM do the same. */
  signal?: AbortSignal;
}

interface RunOptions {
  beacon?: string;
  beaconTimeout: string;
  once: boolean;
  metricsPort?: string;
  interval: string;
  maxBackoff: string;
  logLevel: string;
  guardian?: string[];
  maxDeposits: string;
  chainId?: string;
}

function int(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidInputError(`${name} must be an integer between ${min} and ${max}, got ${v}`);
  return n;
}

/** Adds `run` to the `oracle`, `guardian` and `keeper` command groups (creating the missing ones). */
export function registerDaemonCommands(program: Command, deps: DaemonCommandDeps): void {
  const group = (name: string, description: string) =>
    program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);

  const add = (role: Role, description: string) => {
    const cmd = group(role, `${role} daemon`)
      .command("run")
      .description(description)
      .option("--beacon <url>", "Beacon API node (standard Beacon API)")
      .option("--beacon-timeout <ms>", "Beacon API request timeout", "10000")
      .option("--once", "run one step and exit (0: done or waiting, 1: the step failed)", false)
      .option("--metrics-port <n>", "serve /metrics and /health on 127.0.0.1:<n> (0 = a free port)")
      .option("--interval <ms>", "pause between steps", "4000")
      .option("--max-backoff <ms>", "cap of the retry delay after failures", "30000")
      .option(
        "--chain-id <n>",
        "refuse to act unless the RPC node is on this chain (default: the deployment's)",
      )
      .option("--log-level <level>", "pino level: debug, info, warn, error", "info");
    if (role === "keeper")
      cmd
        .option("--guardian <url...>", "guardian daemons' base URLs (their /attestation endpoint)")
        .option(
          "--max-deposits <n>",
          "validators deposited per step at most (one transaction per module)",
          "16",
        );
    cmd.action(async (o: RunOptions, c: Command) => {
      if (role === "oracle" && !o.beacon) throw new InvalidInputError("oracle run needs --beacon URL");
      if (o.beacon && !/^https?:\/\//.test(o.beacon))
        throw new InvalidInputError(`--beacon must be an http(s) URL, got ${o.beacon}`);
      for (const u of o.guardian ?? [])
        if (!/^https?:\/\//.test(u))
          throw new InvalidInputError(`--guardian must be an http(s) URL, got ${u}`);
      if (role === "guardian" && o.metricsPort === undefined)
        throw new InvalidInputError("guardian run needs --metrics-port (keepers fetch signatures from it)");
      const metricsPort =
        o.metricsPort === undefined ? undefined : int("--metrics-port", o.metricsPort, 0, 65535);
      const intervalMs = int("--interval", o.interval, 10, 3_600_000);
      const maxBackoffMs = int("--max-backoff", o.maxBackoff, 10, 3_600_000);
      const beaconTimeoutMs = int("--beacon-timeout", o.beaconTimeout, 10, 600_000);
      const client = await deps.client(c);
      if (!client.signer)
        throw new InvalidInputError(`${role} run needs a signer: --private-key-file FILE or --keystore`);
      const g = c.optsWithGlobals() as { addresses?: string };
      const chainId = o.chainId
        ? BigInt(int("--chain-id", o.chainId, 1, Number.MAX_SAFE_INTEGER))
        : (fileChainId(g.addresses, deps.cwd) ?? (await client.provider.getNetwork()).chainId);
      const log = daemonLogger(role, o.logLevel, deps.stdout);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      deps.signal?.addEventListener("abort", stop, { once: true });
      try {
        await startDaemon({
          role,
          ctx: { provider: client.provider as never, signer: client.signer, chainId },
          addresses: client.addresses as Record<string, string | undefined>,
          ...(o.beacon ? { beaconUrl: o.beacon } : {}),
          beaconTimeoutMs,
          guardians: o.guardian ?? [],
          maxDeposits: BigInt(int("--max-deposits", o.maxDeposits ?? "16", 1, 512)),
          intervalMs,
          maxBackoffMs,
          ...(metricsPort !== undefined ? { metricsPort } : {}),
          once: o.once,
          signal: ac.signal,
          log,
        });
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
  };

  add("oracle", "run an oracle member: build the frame report, vote its hash, submit the agreed data");
  add(
    "guardian",
    "run a deposit guardian: check a module's depositable keys and sign its attestation (or pause) for keepers at GET /attestation?module=M&block=N",
  );
  add("keeper", "run the keeper: deposit the buffer, execute due slashes, force overdue exits");
}

/** The `chainId` a deployment file records (devnet and deploy write it), if any. */
function fileChainId(file: string | undefined, cwd: string): bigint | undefined {
  if (!file) return undefined;
  try {
    const j = JSON.parse(readFileSync(resolve(cwd, file), "utf8")) as { chainId?: string | number };
    return j.chainId !== undefined ? BigInt(j.chainId) : undefined;
  } catch {
    return undefined;
  }
}
