/**
 * A second node: anvil (from the `@foundry-rs/anvil` npm package) on 127.0.0.1 and a free port,
 * the system deployed to it through the Ignition module (deploy/ignition/Cascade.ts), then a
 * depositor and an operator journey through the SDK over a plain ethers JsonRpcProvider — what a
 * user's script would do — with anvil's funded dev accounts as Wallets.
 *
 * How Hardhat reaches anvil: `network.create({ network: "localhost", override: { url } })`.
 * Hardhat 3 resolves the override into the named http network's config (only `type` and
 * `chainType` may not change), so no extra network needs configuring and port 8545 is never
 * assumed. Ignition persists http deployments under ignition/deployments/chain-<chainId>, so
 * anvil gets a random chain id and that directory is removed at the end.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import { network } from "hardhat";
import { deploySystemWithIgnition } from "../../deploy/ignitionSystem.js";
import type { System } from "../../deploy/system.js";
import {
  CascadeError,
  addKeys,
  createCascadeClient,
  deposit,
  operatorStatus,
  position,
  previewDeposit,
  registerOperator,
  requestRedeem,
  serviceInfo,
  status,
  type CascadeClient,
} from "../../sdk/src/index.js";
import { ETH, depositData, writeJson } from "./fixtures.js";

/** anvil's default dev mnemonic: accounts 0…9 hold 10,000 ETH each. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The anvil binary of this platform, from the optional dependency `@foundry-rs/anvil` installs. */
function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve(
    `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/package.json`,
  );
  const bin = join(dirname(pkg), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
  if (!existsSync(bin)) throw new Error(`no anvil binary at ${bin}`);
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRpc(url: string, child: ChildProcess, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}`);
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`anvil did not answer on ${url} within ${ms} ms`);
}

describe("sdk on anvil (second node, Ignition deployment)", function () {
  this.timeout(60_000);
  let anvil: ChildProcess | undefined;
  let url: string;
  let chainId: number;
  let sys: System;
  let provider: JsonRpcProvider;
  const wallets: HDNodeWallet[] = [];
  const started = Date.now();
  // Ignition's http deployment folders: remove what this test created, nothing else.
  const ignitionDirs = [join(process.cwd(), "ignition"), join(process.cwd(), "ignition", "deployments")];
  const existed = ignitionDirs.map((d) => existsSync(d));

  const client = (i: number): CascadeClient =>
    createCascadeClient({ signer: wallets[i]!, addresses: sys.addresses });

  before(async function () {
    const port = await freePort();
    chainId = 100_000 + Math.floor(Math.random() * 800_000);
    url = `http://127.0.0.1:${port}`;
    anvil = spawn(
      anvilBinary(),
      [
        ...["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"],
        // `--coverage` runs deploy instrumented bytecode, over EIP-170 (scripts/coverage-build.ts).
        ...(process.env.CASCADE_UNLIMITED_CODE_SIZE === "1" ? ["--disable-code-size-limit"] : []),
      ],
      { stdio: "ignore" },
    );
    await waitForRpc(url, anvil);

    const connection = await network.create({ network: "localhost", override: { url } });
    sys = await deploySystemWithIgnition(connection);
    // Governance steps of a fresh deployment (the deployer still holds the admin roles).
    const params = (w: number) => ({
      baseWeight: w,
      stakeShareLimitBps: 10_000,
      moduleFeeBps: 500,
      feeRecipient: sys.addresses.timelock,
    });
    await (await sys.router.addModule(sys.addresses.curatedModule, params(100), 9000)).wait();
    await (await sys.router.addModule(sys.addresses.bondedModule, params(100), 8000)).wait();
    await connection.close();

    provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true });
    provider.pollingInterval = 50;
    const root = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), "m/44'/60'/0'/0");
    for (let i = 0; i < 10; i++) wallets.push(root.deriveChild(i).connect(provider));
  });

  after(async function () {
    provider?.destroy();
    if (anvil && anvil.exitCode === null) {
      const exited = new Promise((r) => anvil!.once("exit", r));
      anvil.kill("SIGTERM");
      await exited;
    }
    rmSync(join(ignitionDirs[1]!, `chain-${chainId}`), { recursive: true, force: true });
    for (const i of [1, 0]) {
      const d = ignitionDirs[i]!;
      if (!existed[i] && existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
    }
    console.log(
      `      anvil test: ${((Date.now() - started) / 1000).toFixed(1)} s including anvil start and the Ignition deployment`,
    );
  });

  it("the Ignition deployment is live on anvil", async function () {
    const reader = createCascadeClient({ rpcUrl: url, addresses: sys.addresses });
    const s = await status(reader);
    expect(s.chainId, "anvil's chain").to.equal(BigInt(chainId));
    expect(s.classes.map((k) => k.symbol).length, "classes opened by the module").to.be.greaterThan(1);
    expect(s.modules.length, "both modules added").to.equal(2);
    let e: unknown;
    try {
      await serviceInfo(reader, { serviceId: 0 });
    } catch (x) {
      e = x;
    }
    expect((e as CascadeError).shortMessage, "registry deployed, no service yet").to.equal(
      "unknown service 0 (there are 0)",
    );
    (reader.provider as JsonRpcProvider).destroy();
  });

  it("depositor: deposit → position → previewDeposit → requestRedeem", async function () {
    const [c, b, a] = [client(7), client(8), client(9)];
    // Junior first, so the senior class has cover.
    const dc = await deposit(c, { classId: 2, amount: "60" });
    await deposit(b, { classId: 1, amount: "60" });
    const preview = await previewDeposit(a, { classId: 0, amount: "100" });
    expect(preview.wouldRevert, "A covered by B+C").to.equal(null);
    const da = await deposit(a, { classId: 0, amount: "100" });
    expect(da.shares, "previewDeposit matches the minted shares").to.equal(preview.shares);
    const tooMuch = await previewDeposit(a, { classId: 0, amount: "1000" });
    expect(tooMuch.wouldRevert, "cover would break").to.match(/^CoverTooLow\(0, /);

    let pos = await position(c);
    expect(pos.classes.find((k) => k.classId === 2)!.shares, "C shares").to.equal(dc.shares);
    expect(pos.totalValue, "60 ETH (first deposit at price 1)").to.equal(60n * ETH);

    const nonce = await provider.getTransactionCount(wallets[7]!.address);
    let e: unknown;
    try {
      await requestRedeem(c, { classId: 2, shares: dc.shares * 2n });
    } catch (x) {
      e = x;
    }
    expect((e as CascadeError).shortMessage, "more than held").to.match(/requestRedeem/);
    expect(await provider.getTransactionCount(wallets[7]!.address), "nothing sent").to.equal(nonce);

    const req = await requestRedeem(c, { classId: 2, shares: dc.shares / 2n });
    pos = await position(c);
    expect(
      pos.requests.map((r) => [r.requestId, r.status]),
      "one pending request",
    ).to.deep.equal([[req.requestId, "pending"]]);
    expect(pos.classes.find((k) => k.classId === 2)!.shares, "half left").to.equal(
      dc.shares - dc.shares / 2n,
    );
  });

  it("operator: registerOperator → addKeys from a deposit_data file → operatorStatus", async function () {
    const op = client(6);
    const reg = await registerOperator(op, { name: "Anvil Solo", bond: "2.4" });
    expect(reg.operatorId, "first bonded operator").to.equal(0n);
    const wc = String(await op.router.withdrawalCredentials());
    const file = writeJson(`anvil-deposit-data-${chainId}.json`, depositData("anvil-operator", 0, 2, wc));
    const added = await addKeys(op, { operatorId: 0n, file, network: "mainnet" });
    expect(added.count, "two keys").to.equal(2);
    const st = await operatorStatus(op, { module: "bonded", operatorId: 0n });
    expect(st.manager, "manager").to.equal(wallets[6]!.address);
    expect(st.keys, "uploaded, depositable").to.deep.equal({
      total: 2,
      deposited: 0,
      exited: 0,
      depositable: 2,
    });
    expect(st.bond.amount, "2.4 + 1.3 for the second key").to.equal((37n * ETH) / 10n);
  });
});
