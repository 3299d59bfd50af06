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
import { handOverToTimelock, type System } from "../../deploy/system.js";
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
  type DevnetKey,
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

  (program.commands.find((c) => c.name() === "devnet") ?? program.command("devnet"))
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
    .action(async (o: DevnetFlags, cmd: Command) => {
      const g = globals(cmd);
      await runDevnet(await checkFlags(o), opts, { json: Boolean(g.json), out });
    });
}

interface DevnetFlags {
  node: string;
  port: string;
  beaconPort: string;
  blockTime: string;
  daemons: boolean;
  dir: string;
  exitAfterSetup: boolean;
}
interface Flags {
  node: "anvil" | "hardhat";
  port: number;
  beaconPort: number;
  blockTime: number;
  daemons: boolean;
  dir: string;
  exitAfterSetup: boolean;
}

/** The flags as numbers, refused in one line when out of range or when a port is taken. */
async function checkFlags(o: DevnetFlags): Promise<Flags> {
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
  return { ...o, node: o.node, port, beaconPort, blockTime };
}

/** What the running devnet holds and closes when it stops. */
interface Running {
  conn?: { close(): Promise<void> };
  sim?: BeaconSimulator;
  miner?: ReturnType<typeof setInterval>;
  children: DaemonChild[];
}

/** Node, deploy and set-up, files, simulator, daemons; prints how to use it; runs until stopped. */
async function runDevnet(
  f: Flags,
  opts: DevnetCommandOptions,
  o: { json: boolean; out: (s: string) => void },
): Promise<void> {
  const say = (s: string) => {
    if (!o.json) o.out(s + "\n");
  };
  const cwd = opts.cwd ?? process.cwd();
  const node = await startNode(f.node, f.port === 0 ? await freePort() : f.port, cwd);
  const run: Running = { children: [] };
  try {
    say(`${f.node} node: ${node.url} (chain 31337)`);
    // Only the node's first account is used as a funded key: every role key is derived and funded.
    const keys = devnetKeys();
    const funded = await fundKeys(node.url, keys);
    const { sys, chainId } = await deployAndSetUp(node.url, keys, run);
    const files = writeDevnetFiles(cwd, f.dir, chainId, sys.addresses, keys);
    writeDepositData(files.dir, await sys.router.withdrawalCredentials());
    const beaconUrl = await startBeacon(node.url, sys, keys, f.beaconPort, run);
    if (f.blockTime > 0)
      run.miner = setInterval(() => void rpc(node.url, "evm_mine").catch(() => {}), f.blockTime * 1000);
    if (f.daemons) await startDaemons(node.url, beaconUrl, keys, files.dir, cwd, chainId, run);
    const info: DevnetInfo = {
      ...{
        rpcUrl: node.url,
        beaconUrl,
        chainId,
        addressesFile: files.addressesFile,
        addresses: sys.addresses,
      },
      ...{
        node: f.node,
        dir: files.dir,
        keys: Object.fromEntries(keys.map((k) => [k.name, k.wallet.address])),
      },
      daemons: run.children.map((d) => ({
        ...{ name: d.name, role: d.role, address: d.address },
        ...{ metricsUrl: d.metricsUrl, logFile: d.logFile },
      })),
    };
    if (o.json) o.out(JSON.stringify({ ...info, chainId: chainId.toString() }, null, 2) + "\n");
    else printDevnet(say, info, { dirFlag: f.dir, funded, keys, roles: await roleTable(sys), sys });
    await opts.onReady?.(info);
    if (!f.exitAfterSetup) {
      say("Running; Ctrl-C stops the daemons, the simulator and the node.");
      await untilStopped(opts.signal);
    }
  } finally {
    if (run.miner) clearInterval(run.miner);
    await Promise.all(run.children.map((d) => d.stop()));
    await run.sim?.close();
    await run.conn?.close();
    await node.stop();
    say("devnet stopped: daemons, simulator, connection and node closed.");
  }
}

/**
 * Deploys through the Ignition module (the Safes included), then the deployer sets the devnet up
 * (modules, a curated operator), hands every role over and keeps none (DESIGN §14).
 */
async function deployAndSetUp(url: string, keys: DevnetKey[], run: Running) {
  const byName = new Map(keys.map((k) => [k.name, k]));
  const network = await hardhatNetwork();
  const c = await network.create({
    network: "localhost",
    override: {
      url,
      accounts: ["gov", "member1", "member2", "member3", "guardian1", "guardian2"].map(
        (n) => byName.get(n)!.wallet.privateKey,
      ),
    },
  });
  run.conn = c;
  const sys = await deploySystemWithIgnition(await withEphemeralIgnition(c), {
    safes: devnetSafes(keys),
    handOverToTimelock: false,
  });
  await addModules(sys, byName.get("gov")!.wallet.address);
  await addCuratedOperator(sys, byName.get("cop")!.wallet, url);
  await handOverToTimelock(sys);
  const { ethers } = c as unknown as { ethers: { provider: Provider } };
  return { sys, chainId: (await ethers.provider.getNetwork()).chainId };
}

/**
 * deployments/<chainId>.json in `cwd`, and a self-contained folder `dirFlag` (`cd devnet && cascade
 * …` finds the addresses and the key files there).
 */
function writeDevnetFiles(
  cwd: string,
  dirFlag: string,
  chainId: bigint,
  addresses: Record<string, string>,
  keys: DevnetKey[],
) {
  const fileBody = JSON.stringify({ chainId: chainId.toString(), addresses }, null, 2) + "\n";
  mkdirSync(join(cwd, "deployments"), { recursive: true });
  const addressesFile = join("deployments", `${chainId}.json`);
  writeFileSync(join(cwd, addressesFile), fileBody);
  const dir = resolve(cwd, dirFlag);
  mkdirSync(join(dir, "deployments"), { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  writeFileSync(join(dir, "deployments", `${chainId}.json`), fileBody);
  writeKeyFiles(dir, keys);
  return { addressesFile, dir };
}

/** The beacon simulator on 127.0.0.1:`port`, paying withdrawals from the `simulator` key. */
async function startBeacon(url: string, sys: System, keys: DevnetKey[], port: number, run: Running) {
  const [genesisTime] = (await sys.oracle.frameConfig()) as bigint[];
  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
  run.sim = new BeaconSimulator({
    provider,
    depositContract: sys.addresses.depositContract,
    funder: keys.find((k) => k.name === "simulator")!.wallet.connect(provider),
    genesisTime,
    modules: [sys.addresses.curatedModule, sys.addresses.bondedModule],
    withdrawalRequests: sys.addresses.withdrawalRequests,
  });
  return run.sim.listen(port);
}

/** Two guardians, three oracle members and a keeper as `cascade … run` processes; resolves once all answer. */
async function startDaemons(
  url: string,
  beaconUrl: string,
  keys: DevnetKey[],
  dir: string,
  cwd: string,
  chainId: bigint,
  run: Running,
): Promise<void> {
  const spawnRole = async (name: string, role: "oracle" | "guardian" | "keeper", args: string[]) => {
    const d = spawnDaemon({
      ...{ name, role, rpcUrl: url, addressesFile: join(dir, "deployments", `${chainId}.json`) },
      ...{ keyFile: join(dir, `${name}.key`), address: keys.find((k) => k.name === name)!.wallet.address },
      ...{ metricsPort: await freePort(), logFile: join(dir, "logs", `${name}.log`) },
      args: [...args, "--interval", "2000"],
      cwd,
    });
    run.children.push(d);
    return d;
  };
  const guardians = [
    await spawnRole("guardian1", "guardian", []),
    await spawnRole("guardian2", "guardian", []),
  ];
  for (const m of ["member1", "member2", "member3"]) await spawnRole(m, "oracle", ["--beacon", beaconUrl]);
  await spawnRole("keeper", "keeper", [
    "--beacon",
    beaconUrl,
    "--guardian",
    ...guardians.map((x) => x.metricsUrl),
  ]);
  await Promise.all(run.children.map((d) => waitListening(d.metricsUrl)));
}

/** The devnet's addresses, keys, roles, daemons and how to point the CLI at it. */
function printDevnet(
  say: (s: string) => void,
  info: DevnetInfo,
  x: { dirFlag: string; funded: string; keys: DevnetKey[]; roles: string[]; sys: System },
): void {
  say(`Beacon API (simulator): ${info.beaconUrl}`);
  say(`Deployed through the Ignition module; addresses in ${info.addressesFile}:`);
  for (const [k, v] of Object.entries(info.addresses)) say(`  ${k.padEnd(22)} ${v}`);
  say(
    `Modules added: curated (id 0, operator 0 "Curated One" with 4 vetted keys), bonded (id 1). Funded from ${x.funded}; role keys (devnet only, public seed) in ${x.dirFlag}/:`,
  );
  for (const k of x.keys) say(`  ${(k.name + ".key").padEnd(15)} ${k.wallet.address}  ${k.role}`);
  say(`  slasher.key = recipient.key = svc.key; deposit_data-devnet.json: 4 keys for op`);
  say(
    `Roles (role → holder; the deployer gov.key holds none; timelock delay ${x.sys.config.timelockDelay} s; Safes 2-of-3 gov1..3, veto 1-of-2):`,
  );
  for (const l of x.roles) say(`  ${l}`);
  if (info.daemons.length) {
    say("Daemons (logs in " + `${x.dirFlag}/logs/):`);
    for (const d of info.daemons)
      say(`  ${d.name.padEnd(10)} ${d.role.padEnd(9)} ${d.address}  ${d.metricsUrl}/metrics`);
  }
  say("Point the CLI at it:");
  say(`  cascade --rpc ${info.rpcUrl} --addresses ${info.addressesFile} status`);
  say(
    `  export RPC_URL=${info.rpcUrl}; cd ${x.dirFlag}   # then: cascade --private-key-file me.key deposit 2 10`,
  );
  say(`  cascade --rpc ${info.rpcUrl} devnet time 1d   # move chain time forward`);
  say(`Oracle daemons read the beacon chain from ${info.beaconUrl}.`);
}

/** Resolves on Ctrl-C, SIGTERM or `signal`'s abort. */
function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((res) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      signal?.removeEventListener("abort", done);
      res();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    if (signal?.aborted) done();
    else signal?.addEventListener("abort", done);
  });
}
