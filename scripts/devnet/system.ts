/**
 * What `npm run devnet` (`cascade devnet` of the repository's CLI, scripts/devnet/cli.ts) sets up
 * besides the node and the deploy: the role keys (derived from a public devnet seed and funded
 * from the node's one funded account, so any node with one funded key works), the governance Safes
 * and their owners, the modules added to the router, the key files the README's CLI examples use,
 * and the role daemons as child processes of the SDK's bin (`cascade oracle|guardian|keeper run`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDepositData, deterministicSecretKey } from "../../sdk/src/beacon/depositData.js";
import { makeKeys } from "../../sdk/src/daemons/keys.js";
import { Contract, JsonRpcProvider, Wallet, keccak256, parseEther, toUtf8Bytes, type Signer } from "ethers";

/** A role key of the devnet. */
export interface DevnetKey {
  name: string;
  wallet: Wallet;
  /** ETH sent to it from the funded account. */
  fund: bigint;
  /** What it is for (printed). */
  role: string;
}

/**
 * The devnet's keys: deterministic from a public seed (devnet only: anyone can derive them).
 * Order matters: the deploy takes governance, three oracle members and two guardians from the front.
 */
export function devnetKeys(seed = "cascade-devnet"): DevnetKey[] {
  const k = (name: string, fund: string, role: string): DevnetKey => ({
    name,
    wallet: new Wallet(keccak256(toUtf8Bytes(`${seed}/${name}`))),
    fund: parseEther(fund),
    role,
  });
  return [
    k("gov", "1000", "deployer: deploys and sets the devnet up, then holds no role"),
    k("member1", "20", "oracle member"),
    k("member2", "20", "oracle member"),
    k("member3", "20", "oracle member"),
    k("guardian1", "5", "deposit guardian"),
    k("guardian2", "5", "deposit guardian"),
    k("keeper", "50", "keeper (deposits, due slashes, forced exits)"),
    k("simulator", "2000", "beacon simulator: pays skims and exited balances to the withdrawal vault"),
    k("me", "3000", "a depositor"),
    k("op", "500", "a bonded-module operator"),
    k("cop", "20", "manager of curated operator 0 (4 vetted keys)"),
    k("svc", "200", "a restaked service (also its slasher and recipient)"),
    k("any", "50", "anyone (permissionless keeper actions)"),
    k("gov1", "10", "owner of the governance and operational Safes (2 of 3)"),
    k("gov2", "10", "owner of the governance and operational Safes (2 of 3)"),
    k("gov3", "10", "owner of the governance and operational Safes (2 of 3)"),
    k("veto", "10", "veto committee Safe owner (1 of 2, with gov3)"),
  ];
}

/**
 * The devnet's Safes (DESIGN §14): governance (the timelock's proposer, canceller, executor)
 * and the operational Safes are 2-of-3 of gov1..gov3; the veto committee is 1-of-2 (veto, gov3).
 */
export function devnetSafes(keys: DevnetKey[]) {
  const a = (n: string) => keys.find((k) => k.name === n)!.wallet.address;
  const board = { owners: [a("gov1"), a("gov2"), a("gov3")], threshold: 2 };
  return {
    governance: board,
    moduleManager: board,
    classManager: board,
    operatorManager: board,
    serviceManager: board,
    allocator: board,
    veto: { owners: [a("veto"), a("gov3")], threshold: 1 },
  };
}

/** Sends each key its ETH from the node's first unlocked account (the one funded key). */
export async function fundKeys(rpcUrl: string, keys: DevnetKey[]): Promise<string> {
  const p = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  try {
    const funder = await p.getSigner(0);
    const from = await funder.getAddress();
    const need = keys.reduce((s, x) => s + x.fund, 0n);
    const have = await p.getBalance(from);
    if (have < need)
      throw new Error(
        `the funded account ${from} holds ${have} wei, the devnet needs ${need} wei for its keys`,
      );
    let nonce = await p.getTransactionCount(from, "pending");
    const txs = [];
    for (const k of keys)
      txs.push(await funder.sendTransaction({ to: k.wallet.address, value: k.fund, nonce: nonce++ }));
    for (const t of txs) await t.wait();
    return from;
  } finally {
    p.destroy();
  }
}

/** Adds the curated and bonded modules to the router (what the deploy leaves to governance). */
export async function addModules(
  sys: { router: Contract | any; addresses: Record<string, string> },
  feeRecipient: string,
): Promise<void> {
  const params = (w: number) => ({
    baseWeight: w,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient,
  });
  if (Number(await sys.router.moduleCount()) > 0) return;
  await (await sys.router.addModule(sys.addresses.curatedModule, params(100), 9000)).wait();
  await (await sys.router.addModule(sys.addresses.bondedModule, params(100), 8000)).wait();
}

/**
 * Curated operator 0, "Curated One", managed by `manager` (its key uploads 4 keys, governance vets
 * them), so both modules take deposits and services can spread stake over two operators.
 */
export async function addCuratedOperator(
  sys: { curated: any; router: any },
  manager: Wallet,
  rpcUrl: string,
): Promise<void> {
  if (Number(await sys.curated.operatorCount()) > 0) return;
  await (await sys.curated.addOperator("Curated One", manager.address, manager.address)).wait();
  const p = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  try {
    const batch = makeKeys("cascade-devnet/curated-one", 0, 4, await sys.router.withdrawalCredentials());
    const m = new Contract(
      await sys.curated.getAddress(),
      ["function addKeys(uint256 operatorId, bytes pubkeys, bytes signatures)"],
      manager.connect(p),
    );
    await (await m.addKeys(0, batch.pubkeys, batch.signatures)).wait();
  } finally {
    p.destroy();
  }
  await (await sys.curated.setVettedLimit(0, 4)).wait();
}

/** Writes `<dir>/<name>.key` for every key, plus the aliases the README's examples use. */
export function writeKeyFiles(dir: string, keys: DevnetKey[]): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const write = (file: string, k: DevnetKey) => {
    writeFileSync(join(dir, file), k.wallet.privateKey + "\n", { mode: 0o600 });
    files[file] = k.wallet.address;
  };
  const by = new Map(keys.map((k) => [k.name, k]));
  for (const k of keys) write(`${k.name}.key`, k);
  // README aliases: the service is its own slasher and recipient.
  write("slasher.key", by.get("svc")!);
  write("recipient.key", by.get("svc")!);
  return files;
}

/**
 * `deposit_data-devnet.json` in `dir`: `count` BLS-valid keys of the devnet operator (mainnet fork
 * version, the devnet's) over the router's withdrawal credentials, in staking-deposit-cli format.
 */
export function writeDepositData(
  dir: string,
  withdrawalCredentials: string,
  count = 4,
  seed = "cascade-devnet/op",
): string {
  const entries = [];
  for (let i = 0; i < count; i++)
    entries.push(
      buildDepositData({
        secretKey: deterministicSecretKey(seed, i),
        withdrawalCredentials,
        forkVersion: "0x00000000",
      }),
    );
  const file = join(dir, "deposit_data-devnet.json");
  writeFileSync(file, JSON.stringify(entries, null, 2) + "\n");
  return file;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
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

/** Whether something already accepts connections on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: "127.0.0.1", port });
    const done = (v: boolean) => {
      s.destroy();
      res(v);
    };
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

/** The SDK's `cascade` launcher (sdk/bin/cascade.mjs, the built CLI): the daemons run on it. */
export const CASCADE_BIN = fileURLToPath(new URL("../../sdk/bin/cascade.mjs", import.meta.url));

export interface DaemonChild {
  name: string;
  role: "oracle" | "guardian" | "keeper";
  address: string;
  keyFile: string;
  metricsUrl: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `cascade <role> run` as a child process logging to `logFile`. */
export function spawnDaemon(o: {
  name: string;
  role: "oracle" | "guardian" | "keeper";
  rpcUrl: string;
  addressesFile: string;
  keyFile: string;
  address: string;
  metricsPort: number;
  logFile: string;
  args: string[];
  cwd: string;
}): DaemonChild {
  const argv = [
    CASCADE_BIN,
    "--rpc",
    o.rpcUrl,
    "--addresses",
    o.addressesFile,
    "--private-key-file",
    o.keyFile,
    o.role,
    "run",
    "--metrics-port",
    String(o.metricsPort),
    ...o.args,
  ];
  const child = spawn(process.execPath, argv, { cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(o.logFile, { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = child.exitCode !== null;
  const gone = new Promise<void>((res) =>
    child.once("exit", () => {
      exited = true;
      res();
    }),
  );
  return {
    name: o.name,
    role: o.role,
    address: o.address,
    keyFile: o.keyFile,
    metricsUrl: `http://127.0.0.1:${o.metricsPort}`,
    logFile: o.logFile,
    child,
    stop: async () => {
      if (!exited) child.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill("SIGKILL");
      await gone;
    },
  };
}

/** Resolves once `url`/health answers (any status), or throws after `ms`. */
export async function waitListening(url: string, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url + "/health", { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not start within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export type { Signer };
