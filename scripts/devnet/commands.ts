/**
 * The repository's commands of the `cascade` program: `cascade demo` and `cascade devnet` (DESIGN
 * §11). They compile and deploy the contracts with Hardhat, so they live here, not in the SDK
 * package; scripts/devnet/cli.ts adds them to the SDK's program (`npm run devnet`, `npm run
 * cascade -- demo`), and the SDK's own `cascade devnet time` stays in the package.
 *
 * - `cascade demo` runs the §11 scenario (scripts/demo.ts `runDemo`) on the embedded network, or
 *   on `--rpc URL` (any node where the first account is funded: the other roles are derived and
 *   funded from it), printing the frame tables and the summary.
 * - `cascade devnet` runs the system on a real JSON-RPC node, because an in-process network dies
 *   with the process: it starts anvil (node_modules/@foundry-rs/anvil) or `hardhat node` on
 *   127.0.0.1 (./node.ts), deploys through the Ignition module, writes deployments/<chainId>.json,
 *   sets the devnet up (./system.ts: role keys, modules, a curated operator, key files), starts the
 *   beacon simulator (Beacon API on 127.0.0.1), prints the addresses, the URLs and how to point
 *   the CLI at them, and keeps running until Ctrl-C (SIGINT/SIGTERM), then closes the simulator,
 *   the connection and the node. `--exit-after-setup` closes everything right after the setup.
 *
 * Both need the compiled artifacts (`npx hardhat compile`, which `npm run demo|devnet` run first).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { JsonRpcProvider, type Provider } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { deploySystemWithIgnition } from "../../deploy/ignitionSystem.js";
import { roleTable } from "../../deploy/roles.js";
import { handOverToTimelock } from "../../deploy/system.js";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { rpc } from "../../sdk/src/cli/devnet.js";
import { CascadeError, InvalidInputError } from "../../sdk/src/errors.js";
import { renderSummary, runDemo, withEphemeralIgnition } from "../demo.js";
import { startNode } from "./node.js";
import {
  addCuratedOperator,
  addModules,
  devnetKeys,
  devnetSafes,
  freePort,
  fundKeys,
  portInUse,
  spawnDaemon,
  waitListening,
  writeDepositData,
  writeKeyFiles,
  type DaemonChild,
} from "./system.js";

/** Hardhat's network manager, loaded when a command runs (the other commands skip its start-up). */
async function hardhatNetwork() {
  return (await import("hardhat")).network;
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
}

/**
 * Registers `demo` and `devnet` on `program` (the SDK's, where `devnet` already has its `time`
 * subcommand, or a bare one in tests): the `devnet` group gets the options and the action that
 * starts a devnet.
 */
export function registerDevnetCommands(program: Command, opts: DevnetCommandOptions = {}): void {
  const out = (s: string) =>
    (program.configureOutput().writeOut ?? ((x: string) => process.stdout.write(x)))(s);
  const globals = (cmd: Command) => cmd.optsWithGlobals() as { rpc?: string; json?: boolean };

  program
    .command("demo")
    .description(
      "(repository) run the DESIGN §11 scenario (embedded network, or --rpc URL: one funded account is enough)",
    )
    .option("--frames <n>", "report frames to run", "8")
    .option("--seed <s>", "seed of the operators' keys", "cascade")
    .option("--beacon <url>", "read the beacon chain from this Beacon API node instead of the simulator")
    .option("--html <file>", "where to write the HTML report", "demo-output/report.html")
    .action(async (o: { frames: string; seed: string; beacon?: string; html: string }, cmd: Command) => {
      const frames = Number(o.frames);
      if (!Number.isInteger(frames) || frames < 1 || frames > 64)
        throw new InvalidInputError("--frames must be an integer between 1 and 64");
      const g = globals(cmd);
      const network = await hardhatNetwork();
      const conn = g.rpc
        ? await network.create({ network: "localhost", override: { url: g.rpc } })
        : await network.create();
      try {
        const r = await runDemo(await withEphemeralIgnition(conn), {
          frames,
          seed: o.seed,
          beaconUrl: o.beacon,
          log: g.json ? undefined : (s) => out(s + "\n"),
          htmlPath: resolve(opts.cwd ?? process.cwd(), o.html),
        });
        if (g.json) out(JSON.stringify(r, null, 2) + "\n");
        else out(renderSummary(r) + `\n\nHTML report: ${r.htmlPath}\n`);
      } finally {
        await conn.close();
      }
    });

  const devnet = (program.commands.find((c) => c.name() === "devnet") ?? program.command("devnet"))
    .description(
      "(repository: `npm run devnet`) run Cascade on a local node: deploy, modules, beacon simulator, oracle members, guardians and a keeper; Ctrl-C stops",
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
          const network = await hardhatNetwork();
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
          // The Safes are created by the deploy; the deployer sets the devnet up (modules, a
          // curated operator), then hands every role over and keeps none (DESIGN §14).
          const sys = await deploySystemWithIgnition(await withEphemeralIgnition(c), {
            safes: devnetSafes(keys),
            handOverToTimelock: false,
          });
          const gov = byName.get("gov")!.wallet.address;
          await addModules(sys, gov);
          await addCuratedOperator(sys, byName.get("cop")!.wallet, node.url);
          await handOverToTimelock(sys);
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
}
