/**
 * `cascade demo` and `cascade devnet` (DESIGN §11).
 *
 * - `cascade demo` runs the §11 scenario (scripts/demo.ts `runDemo`) on the embedded network, or
 *   on `--rpc URL` (any node where the first account is funded: the other roles are derived and
 *   funded from it), printing the frame tables and the summary.
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
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import { JsonRpcProvider, type Provider } from "ethers";
import type { BeaconSimulator } from "../beacon/simulator.js";
import { CascadeError, InvalidInputError } from "../errors.js";
import {
  addCuratedOperator,
  addModules,
  devnetKeys,
  devnetSafes,
  freePort,
  fundKeys,
  parseDuration,
  portInUse,
  spawnDaemon,
  waitListening,
  writeDepositData,
  writeKeyFiles,
  type DaemonChild,
} from "./devnetSystem.js";

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
/** The deployed system as devnetSystem.ts's setup steps use it (contracts are ethers Contracts). */
type DeployedSystem = Record<string, any> & {
  addresses: Record<string, string> & {
    depositContract: string;
    curatedModule: string;
    bondedModule: string;
    withdrawalRequests: string;
    timelock: string;
  };
  config: { timelockDelay: bigint | number };
  router: any;
  curated: any;
  oracle: any;
};
interface IgnitionSystemModule {
  deploySystemWithIgnition(conn: unknown, config?: Record<string, unknown>): Promise<DeployedSystem>;
}
interface SystemModule {
  handOverToTimelock(sys: DeployedSystem): Promise<void>;
}
interface RolesModule {
  roleTable(sys: DeployedSystem): Promise<string[]>;
}
interface HardhatModule {
  network: {
    create(o?: {
      network: string;
      override: { url: string; accounts?: string[] };
    }): Promise<HardhatConnection>;
  };
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

/** What a running devnet exposes (given to `onReady`). */
export interface DevnetInfo {
  rpcUrl: string;
  beaconUrl: string;
  chainId: bigint;
  addressesFile: string;
  addresses: Record<string, string>;
  node: "anvil" | "hardhat";
  /** Folder with the key files, logs and a deployments/ copy. */
  dir: string;
  /** Role key name → address. */
  keys: Record<string, string>;
  daemons: { name: string; role: string; address: string; metricsUrl: string; logFile: string }[];
}

export interface DevnetCommandOptions {
  /** Stops a running devnet (tests); Ctrl-C / SIGTERM do the same from a terminal. */
  signal?: AbortSignal;
  /** Called once the devnet is up. */
  onReady?: (info: DevnetInfo) => void | Promise<void>;
  /** Working directory (deployments/ is written there); default process.cwd(). */
  cwd?: string;
  /** Environment (RPC_URL for `devnet time`); default process.env. */
  env?: Record<string, string | undefined>;
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

/** Starts a JSON-RPC node on 127.0.0.1:`port` (funded, unlocked accounts); resolves once it answers. */
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
    .description("run the DESIGN §11 scenario (embedded network, or --rpc URL: one funded account is enough)")
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

  const devnet = program
    .command("devnet")
    .description(
      "run Cascade on a local node: deploy, modules, beacon simulator, oracle members, guardians and a keeper; Ctrl-C stops",
    )
    .option("--node <kind>", "anvil (node_modules/@foundry-rs/anvil) or hardhat (`hardhat node`)", "anvil")
    .option("--port <n>", "JSON-RPC port (0 = a free one)", "8545")
    .option("--beacon-port <n>", "Beacon API port of the simulator (0 = a free one)", "5052")
    .option(
      "--block-time <s>",
      "mine an empty block every <s> seconds so chain time follows the clock (0 = only on transactions)",
      "1",
    )
    .option("--no-daemons", "do not start the oracle members, guardians and keeper")
    .option("--dir <dir>", "where key files, logs and a deployments/ copy are written", "devnet")
    .option("--exit-after-setup", "stop right after the setup (tests, CI)", false)
    .action(
      async (
        o: {
          node: string;
          port: string;
          beaconPort: string;
          blockTime: string;
          daemons: boolean;
          dir: string;
          exitAfterSetup: boolean;
        },
        cmd: Command,
      ) => {
        if (o.node !== "anvil" && o.node !== "hardhat")
          throw new InvalidInputError(`--node must be anvil or hardhat, got ${o.node}`);
        const port = Number(o.port);
        const beaconPort = Number(o.beaconPort);
        const blockTime = Number(o.blockTime);
        for (const [n, v] of [
          ["--port", port],
          ["--beacon-port", beaconPort],
        ] as const)
          if (!Number.isInteger(v) || v < 0 || v > 65535)
            throw new InvalidInputError(`${n} must be a TCP port (0-65535)`);
        if (!Number.isFinite(blockTime) || blockTime < 0 || blockTime > 3600)
          throw new InvalidInputError("--block-time must be between 0 and 3600 seconds");
        // A second devnet must touch nothing: no node, no deploy, no file written.
        for (const [what, p] of [
          ["JSON-RPC", port],
          ["Beacon API", beaconPort],
        ] as const)
          if (p !== 0 && (await portInUse(p)))
            throw new CascadeError(
              `127.0.0.1:${p} (${what}) is already in use, by a running devnet or another process; stop it or pass ${what === "JSON-RPC" ? "--port" : "--beacon-port"} 0`,
            );
        const cwd = opts.cwd ?? process.cwd();
        const g = globals(cmd);
        const say = (s: string) => {
          if (!g.json) out(s + "\n");
        };

        const node = await startNode(o.node, port === 0 ? await freePort() : port, cwd);
        let conn: { close(): Promise<void> } | undefined;
        let sim: BeaconSimulator | undefined;
        let miner: ReturnType<typeof setInterval> | undefined;
        const children: DaemonChild[] = [];
        try {
          say(`${o.node} node: ${node.url} (chain 31337)`);
          // Only the node's first account is used as a funded key: every role key is derived and funded.
          const keys = devnetKeys();
          const funded = await fundKeys(node.url, keys);
          const byName = new Map(keys.map((k) => [k.name, k]));
          const { network } = await repoModule<HardhatModule>("hardhat");
          const c = await network.create({
            network: "localhost",
            override: {
              url: node.url,
              accounts: ["gov", "member1", "member2", "member3", "guardian1", "guardian2"].map(
                (n) => byName.get(n)!.wallet.privateKey,
              ),
            },
          });
          conn = c;
          const { deploySystemWithIgnition } =
            await repoModule<IgnitionSystemModule>("deploy/ignitionSystem.ts");
          const { withEphemeralIgnition } = await repoModule<DemoModule>("scripts/demo.ts");
          // The Safes are created by the deploy; the deployer sets the devnet up (modules, a
          // curated operator), then hands every role over and keeps none (DESIGN §14).
          const sys = await deploySystemWithIgnition(await withEphemeralIgnition(c), {
            safes: devnetSafes(keys),
            handOverToTimelock: false,
          });
          const gov = byName.get("gov")!.wallet.address;
          await addModules(sys, gov);
          await addCuratedOperator(sys, byName.get("cop")!.wallet, node.url);
          const { handOverToTimelock } = await repoModule<SystemModule>("deploy/system.ts");
          await handOverToTimelock(sys);
          const { roleTable } = await repoModule<RolesModule>("deploy/roles.ts");
          const roles = await roleTable(sys);
          const { ethers } = c as unknown as { ethers: { provider: Provider } };
          const chainId = (await ethers.provider.getNetwork()).chainId;
          const fileBody =
            JSON.stringify({ chainId: chainId.toString(), addresses: sys.addresses }, null, 2) + "\n";
          mkdirSync(join(cwd, "deployments"), { recursive: true });
          const addressesFile = join("deployments", `${chainId}.json`);
          writeFileSync(join(cwd, addressesFile), fileBody);
          // A self-contained folder: `cd devnet && cascade …` finds the addresses and the key files.
          const dir = resolve(cwd, o.dir);
          mkdirSync(join(dir, "deployments"), { recursive: true });
          mkdirSync(join(dir, "logs"), { recursive: true });
          writeFileSync(join(dir, "deployments", `${chainId}.json`), fileBody);
          const keyFiles = writeKeyFiles(dir, keys);
          writeDepositData(dir, await sys.router.withdrawalCredentials());
          const [genesisTime] = (await sys.oracle.frameConfig()) as bigint[];
          // Loaded here, not at start-up: every other command skips fastify's import time.
          const { BeaconSimulator } = await import("../beacon/simulator.js");
          const simProvider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
          sim = new BeaconSimulator({
            provider: simProvider,
            depositContract: sys.addresses.depositContract,
            funder: byName.get("simulator")!.wallet.connect(simProvider),
            genesisTime,
            modules: [sys.addresses.curatedModule, sys.addresses.bondedModule],
            withdrawalRequests: sys.addresses.withdrawalRequests,
          });
          const beaconUrl = await sim.listen(beaconPort);
          if (blockTime > 0)
            miner = setInterval(() => void rpc(node.url, "evm_mine").catch(() => {}), blockTime * 1000);

          if (o.daemons) {
            const absAddresses = join(dir, "deployments", `${chainId}.json`);
            const spawnRole = async (
              name: string,
              role: "oracle" | "guardian" | "keeper",
              args: string[],
            ) => {
              const d = spawnDaemon({
                name,
                role,
                rpcUrl: node.url,
                addressesFile: absAddresses,
                keyFile: join(dir, `${name}.key`),
                address: byName.get(name)!.wallet.address,
                metricsPort: await freePort(),
                logFile: join(dir, "logs", `${name}.log`),
                args: [...args, "--interval", "2000"],
                cwd,
              });
              children.push(d);
              return d;
            };
            const guardians = [
              await spawnRole("guardian1", "guardian", []),
              await spawnRole("guardian2", "guardian", []),
            ];
            for (const m of ["member1", "member2", "member3"])
              await spawnRole(m, "oracle", ["--beacon", beaconUrl]);
            await spawnRole("keeper", "keeper", [
              "--beacon",
              beaconUrl,
              "--guardian",
              ...guardians.map((x) => x.metricsUrl),
            ]);
            await Promise.all(children.map((d) => waitListening(d.metricsUrl)));
          }
          const info: DevnetInfo = {
            rpcUrl: node.url,
            beaconUrl,
            chainId,
            addressesFile,
            addresses: sys.addresses,
            node: o.node,
            dir,
            keys: Object.fromEntries(keys.map((k) => [k.name, k.wallet.address])),
            daemons: children.map((d) => ({
              name: d.name,
              role: d.role,
              address: d.address,
              metricsUrl: d.metricsUrl,
              logFile: d.logFile,
            })),
          };
          if (g.json) out(JSON.stringify({ ...info, chainId: chainId.toString() }, null, 2) + "\n");
          else {
            say(`Beacon API (simulator): ${beaconUrl}`);
            say(`Deployed through the Ignition module; addresses in ${addressesFile}:`);
            for (const [k, v] of Object.entries(sys.addresses)) say(`  ${k.padEnd(22)} ${v}`);
            say(
              `Modules added: curated (id 0, operator 0 "Curated One" with 4 vetted keys), bonded (id 1). Funded from ${funded}; role keys (devnet only, public seed) in ${o.dir}/:`,
            );
            for (const k of keys) say(`  ${(k.name + ".key").padEnd(15)} ${k.wallet.address}  ${k.role}`);
            say(`  slasher.key = recipient.key = svc.key; deposit_data-devnet.json: 4 keys for op`);
            say(
              `Roles (role → holder; the deployer gov.key holds none; timelock delay ${sys.config.timelockDelay} s; Safes 2-of-3 gov1..3, veto 1-of-2):`,
            );
            for (const l of roles) say(`  ${l}`);
            if (children.length) {
              say("Daemons (logs in " + `${o.dir}/logs/):`);
              for (const d of children)
                say(`  ${d.name.padEnd(10)} ${d.role.padEnd(9)} ${d.address}  ${d.metricsUrl}/metrics`);
            }
            say("Point the CLI at it:");
            say(`  cascade --rpc ${node.url} --addresses ${addressesFile} status`);
            say(
              `  export RPC_URL=${node.url}; cd ${o.dir}   # then: cascade --private-key-file me.key deposit 2 10`,
            );
            say(`  cascade --rpc ${node.url} devnet time 1d   # move chain time forward`);
            say(`Oracle daemons read the beacon chain from ${beaconUrl}.`);
            void keyFiles;
          }
          await opts.onReady?.(info);
          if (!o.exitAfterSetup) {
            say("Running; Ctrl-C stops the daemons, the simulator and the node.");
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
          if (miner) clearInterval(miner);
          await Promise.all(children.map((d) => d.stop()));
          await sim?.close();
          await conn?.close();
          await node.stop();
          say("devnet stopped: daemons, simulator, connection and node closed.");
        }
      },
    );

  devnet
    .command("time")
    .description("move the devnet's chain time forward (and mine a block): 90s, 15m, 2h, 1d, 1w")
    .argument("<duration>", "how far")
    .action(async (d: string, _o: unknown, cmd: Command) => {
      let seconds: number;
      try {
        seconds = parseDuration(d);
      } catch (e) {
        throw new InvalidInputError((e as Error).message);
      }
      const url = globals(cmd).rpc ?? (opts.env ?? process.env).RPC_URL ?? "http://127.0.0.1:8545";
      try {
        await rpc(url, "evm_increaseTime", [seconds]);
        await rpc(url, "evm_mine");
      } catch (e) {
        throw new CascadeError(`cannot move time on ${url}: ${(e as Error).message.split("\n")[0]}`);
      }
      const b = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as {
        timestamp: string;
        number: string;
      };
      const t = Number(BigInt(b.timestamp));
      if (globals(cmd).json)
        out(JSON.stringify({ seconds, block: Number(BigInt(b.number)), timestamp: t }) + "\n");
      else
        out(
          `chain time +${seconds} s: block ${Number(BigInt(b.number))} at ${new Date(t * 1000).toISOString()}\n`,
        );
    });
}
