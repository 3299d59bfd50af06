/**
 * `cascade demo` and `cascade devnet` (DESIGN §11).
 *
 * - `cascade demo` runs the §11 scenario (scripts/demo.ts `runDemo`) on the embedded network, or
 *   on `--rpc URL` (a node with 20 unlocked accounts), printing the frame tables and the summary.
 * - `cascade devnet` runs the system on a real JSON-RPC node, because an in-process network dies
 *   with the process: it starts anvil (node_modules/@foundry-rs/anvil) or `hardhat node` on
 *   127.0.0.1, deploys through the Ignition module, writes deployments/<chainId>.json, starts the
 *   beacon simulator (Beacon API on 127.0.0.1), prints the addresses, the URLs and how to point
 *   the CLI at them, and keeps running until Ctrl-C (SIGINT/SIGTERM), then closes the simulator,
 *   the connection and the node. `--exit-after-setup` closes everything right after the setup.
 *
 * Both need the compiled artifacts (`npx hardhat compile`, which `npm run demo` runs first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import type { Provider, Signer } from "ethers";
import type { BeaconSimulator } from "../beacon/simulator.js";
import { CascadeError, InvalidInputError } from "../errors.js";

/** What a running devnet exposes (given to `onReady`). */
export interface DevnetInfo {
  rpcUrl: string;
  beaconUrl: string;
  chainId: bigint;
  addressesFile: string;
  addresses: Record<string, string>;
  node: "anvil" | "hardhat";
}

export interface DevnetCommandOptions {
  /** Stops a running devnet (tests); Ctrl-C / SIGTERM do the same from a terminal. */
  signal?: AbortSignal;
  /** Called once the devnet is up. */
  onReady?: (info: DevnetInfo) => void | Promise<void>;
  /** Working directory (deployments/ is written there); default process.cwd(). */
  cwd?: string;
}

/** What `cascade demo` / `devnet` use from the repository's scripts/ and deploy/ (TypeScript). */
interface HardhatConnection {
  close(): Promise<void>;
}
interface DemoModule {
  runDemo(
    conn: unknown,
    o: {
      frames: number;
      seed: string;
      beaconUrl?: string | undefined;
      log?: ((s: string) => void) | undefined;
      htmlPath?: string;
    },
  ): Promise<{ htmlPath?: string }>;
  renderSummary(r: unknown): string;
  withEphemeralIgnition<C>(conn: C): Promise<C>;
}
interface IgnitionSystemModule {
  deploySystemWithIgnition(conn: unknown): Promise<{
    addresses: Record<string, string> & {
      depositContract: string;
      curatedModule: string;
      bondedModule: string;
      withdrawalRequests: string;
    };
    oracle: { frameConfig(): Promise<unknown> };
  }>;
}
interface HardhatModule {
  network: { create(o?: { network: string; override: { url: string } }): Promise<HardhatConnection> };
}

/**
 * Loads a module of the repository (scripts/, deploy/ or Hardhat itself): `demo` and `devnet`
 * compile and deploy the contracts, so they run from a Cascade checkout, never from the installed
 * package. The built CLI registers tsx (a devDependency of the repository) to load the TypeScript.
 */
async function repoModule<T>(path: string): Promise<T> {
  // sdk/src/cli or sdk/dist/cli: the repository root is three levels up either way.
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  if (!existsSync(join(root, "hardhat.config.ts")) || (path !== "hardhat" && !existsSync(join(root, path))))
    throw new CascadeError(
      "`cascade demo` and `cascade devnet` run from a Cascade repository checkout (they compile and deploy the contracts with Hardhat)",
    );
  if (path === "hardhat") return (await import(path)) as T;
  if (!import.meta.url.endsWith(".ts")) {
    // Plain Node running the built JavaScript: teach it TypeScript once.
    const tsx = "tsx/esm/api";
    const { register } = (await import(tsx)) as { register: () => void };
    if (!(globalThis as { __cascadeTsx?: boolean }).__cascadeTsx) {
      register();
      (globalThis as { __cascadeTsx?: boolean }).__cascadeTsx = true;
    }
  }
  return (await import(pathToFileURL(join(root, path)).href)) as T;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/** Starts a JSON-RPC node on 127.0.0.1:`port` with 20 funded, unlocked accounts; resolves once it answers. */
async function startNode(
  kind: "anvil" | "hardhat",
  port: number,
  cwd: string,
): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  let cmd: string;
  let args: string[];
  if (kind === "anvil") {
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    const native = join(cwd, `node_modules/@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
    const flags = ["--host", "127.0.0.1", "--port", String(port), "--accounts", "20"];
    flags.push("--balance", "1000000", "--chain-id", "31337", "--silent");
    if (existsSync(native)) [cmd, args] = [native, flags];
    else [cmd, args] = [process.execPath, [join(cwd, "node_modules/@foundry-rs/anvil/bin.mjs"), ...flags]];
  } else {
    // Hardhat 3 needs Node ≥ 22: the project's own Node (devDependency node@22) when installed.
    const node22 = join(cwd, "node_modules/.bin/node");
    cmd = existsSync(node22) ? node22 : process.execPath;
    args = [
      join(cwd, "node_modules/hardhat/dist/src/cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ];
  }
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + String(d)).slice(-2000)));
  let exited = false;
  const gone = new Promise<void>((res) =>
    child.once("exit", () => {
      exited = true;
      res();
    }),
  );
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (!exited) child.kill("SIGKILL");
    await gone;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited)
      throw new CascadeError(
        `the ${kind} node exited during start-up: ${stderr.trim().split("\n").pop() ?? ""}`,
      );
    try {
      await rpc(url, "eth_chainId");
      return { child, url, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new CascadeError(`the ${kind} node did not answer on ${url} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Registers `demo` and `devnet` on the `cascade` program. */
export function registerDevnetCommands(program: Command, opts: DevnetCommandOptions = {}): void {
  const out = (s: string) =>
    (program.configureOutput().writeOut ?? ((x: string) => process.stdout.write(x)))(s);
  const globals = (cmd: Command) => cmd.optsWithGlobals() as { rpc?: string; json?: boolean };

  program
    .command("demo")
    .description("run the DESIGN §11 scenario (embedded network, or --rpc URL with 20 unlocked accounts)")
    .option("--frames <n>", "report frames to run", "8")
    .option("--seed <s>", "seed of the operators' keys", "cascade")
    .option("--beacon <url>", "read the beacon chain from this Beacon API node instead of the simulator")
    .option("--html <file>", "where to write the HTML report", "demo-output/report.html")
    .action(async (o: { frames: string; seed: string; beacon?: string; html: string }, cmd: Command) => {
      const frames = Number(o.frames);
      if (!Number.isInteger(frames) || frames < 1 || frames > 64)
        throw new InvalidInputError("--frames must be an integer between 1 and 64");
      const g = globals(cmd);
      const { network } = await repoModule<HardhatModule>("hardhat");
      const demo = await repoModule<DemoModule>("scripts/demo.ts");
      const conn = g.rpc
        ? await network.create({ network: "localhost", override: { url: g.rpc } })
        : await network.create();
      try {
        const r = await demo.runDemo(await demo.withEphemeralIgnition(conn), {
          frames,
          seed: o.seed,
          beaconUrl: o.beacon,
          log: g.json ? undefined : (s) => out(s + "\n"),
          htmlPath: resolve(opts.cwd ?? process.cwd(), o.html),
        });
        if (g.json) out(JSON.stringify(r, null, 2) + "\n");
        else out(demo.renderSummary(r) + `\n\nHTML report: ${r.htmlPath}\n`);
      } finally {
        await conn.close();
      }
    });

  program
    .command("devnet")
    .description(
      "start a JSON-RPC node on 127.0.0.1, deploy Cascade to it, serve the beacon simulator; Ctrl-C stops",
    )
    .option("--node <kind>", "anvil (node_modules/@foundry-rs/anvil) or hardhat (`hardhat node`)", "anvil")
    .option("--port <n>", "JSON-RPC port (0 = a free one)", "8545")
    .option("--beacon-port <n>", "Beacon API port of the simulator (0 = a free one)", "5052")
    .option("--exit-after-setup", "stop right after the setup (tests, CI)", false)
    .action(
      async (
        o: { node: string; port: string; beaconPort: string; exitAfterSetup: boolean },
        cmd: Command,
      ) => {
        if (o.node !== "anvil" && o.node !== "hardhat")
          throw new InvalidInputError(`--node must be anvil or hardhat, got ${o.node}`);
        const port = Number(o.port);
        const beaconPort = Number(o.beaconPort);
        for (const [n, v] of [
          ["--port", port],
          ["--beacon-port", beaconPort],
        ] as const)
          if (!Number.isInteger(v) || v < 0 || v > 65535)
            throw new InvalidInputError(`${n} must be a TCP port (0-65535)`);
        const cwd = opts.cwd ?? process.cwd();
        const g = globals(cmd);
        const say = (s: string) => {
          if (!g.json) out(s + "\n");
        };

        const node = await startNode(o.node, port === 0 ? await freePort() : port, cwd);
        let conn: { close(): Promise<void> } | undefined;
        let sim: BeaconSimulator | undefined;
        try {
          say(`${o.node} node: ${node.url} (chain 31337, 20 funded unlocked accounts)`);
          const { network } = await repoModule<HardhatModule>("hardhat");
          const c = await network.create({ network: "localhost", override: { url: node.url } });
          conn = c;
          const { deploySystemWithIgnition } =
            await repoModule<IgnitionSystemModule>("deploy/ignitionSystem.ts");
          const { withEphemeralIgnition } = await repoModule<DemoModule>("scripts/demo.ts");
          const sys = await deploySystemWithIgnition(await withEphemeralIgnition(c));
          const { ethers } = c as unknown as {
            ethers: { provider: Provider; getSigners(): Promise<Signer[]> };
          };
          const chainId = (await ethers.provider.getNetwork()).chainId;
          mkdirSync(join(cwd, "deployments"), { recursive: true });
          const addressesFile = join("deployments", `${chainId}.json`);
          writeFileSync(
            join(cwd, addressesFile),
            JSON.stringify({ chainId: chainId.toString(), addresses: sys.addresses }, null, 2) + "\n",
          );
          const [genesisTime] = (await sys.oracle.frameConfig()) as bigint[];
          const signers = await ethers.getSigners();
          // Loaded here, not at start-up: every other command skips fastify's import time.
          const { BeaconSimulator } = await import("../beacon/simulator.js");
          sim = new BeaconSimulator({
            provider: ethers.provider,
            depositContract: sys.addresses.depositContract,
            // The last account pays withdrawals (skims, exited balances) on the simulator's behalf.
            funder: signers[signers.length - 1],
            genesisTime,
            modules: [sys.addresses.curatedModule, sys.addresses.bondedModule],
            withdrawalRequests: sys.addresses.withdrawalRequests,
          });
          const beaconUrl = await sim.listen(beaconPort);
          const info: DevnetInfo = {
            rpcUrl: node.url,
            beaconUrl,
            chainId,
            addressesFile,
            addresses: sys.addresses,
            node: o.node,
          };
          if (g.json) out(JSON.stringify({ ...info, chainId: chainId.toString() }, null, 2) + "\n");
          else {
            say(`Beacon API (simulator): ${beaconUrl}`);
            say(`Deployed through the Ignition module; addresses in ${addressesFile}:`);
            for (const [k, v] of Object.entries(sys.addresses)) say(`  ${k.padEnd(22)} ${v}`);
            say("Point the CLI at it:");
            say(`  cascade --rpc ${node.url} --addresses ${addressesFile} status`);
            say(`  export RPC_URL=${node.url}   # then: cascade status`);
            say(`Oracle daemons read the beacon chain from ${beaconUrl}.`);
          }
          await opts.onReady?.(info);
          if (!o.exitAfterSetup) {
            say("Running; Ctrl-C stops the simulator and the node.");
            await new Promise<void>((res) => {
              const done = () => {
                process.off("SIGINT", done);
                process.off("SIGTERM", done);
                opts.signal?.removeEventListener("abort", done);
                res();
              };
              process.once("SIGINT", done);
              process.once("SIGTERM", done);
              if (opts.signal?.aborted) done();
              else opts.signal?.addEventListener("abort", done);
            });
          }
        } finally {
          await sim?.close();
          await conn?.close();
          await node.stop();
          say("devnet stopped: simulator, connection and node closed.");
        }
      },
    );
}
