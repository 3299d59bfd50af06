/**
 * The SDK as an integrator gets it: `npm pack` of the workspace, the tarball installed into a
 * scratch project in the OS temp dir (outside the repository) with registry packages only
 * (+ ethers, its peer dependency), then from plain Node — no tsx — a deposit, a position read
 * and a decoded revert against anvil, and a type-check of a TypeScript file against the shipped
 * .d.ts under strict + exactOptionalPropertyTypes. One install serves every check.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HDNodeWallet, Mnemonic } from "ethers";
import { network } from "hardhat";
import { deploySystem } from "../../deploy/system.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sdkDir = join(root, "sdk");
const require = createRequire(import.meta.url);
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** What the package may ship: its manifest, README, the bin launcher and built JS/.d.ts/JSON. */
const ALLOWED =
  /^(package\.json|README\.md|bin\/cascade\.mjs|dist\/[\w/.-]+\.(js|d\.ts|json)|addresses\/addresses\.[a-z0-9-]+\.json)$/;
const MAX_PACKED_BYTES = 400_000;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Rebuilds dist/ when a source is newer than the last build (npm install builds it too). */
function ensureBuilt(): void {
  run(process.execPath, [join(sdkDir, "scripts", "build.mjs"), "--if-stale"], sdkDir);
}

function anvilBinary(): string {
  const pkg = require.resolve(
    `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/package.json`,
  );
  return join(dirname(pkg), "bin", "anvil");
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

describe("sdk package (npm pack → install in a scratch project → plain Node)", function () {
  this.timeout(600_000);
  const scratch = mkdtempSync(join(tmpdir(), "cascade-integrator-"));
  let files: { path: string; size: number }[] = [];
  let packedSize = 0;
  let anvil: ChildProcess | undefined;
  let url = "";

  before(async function () {
    ensureBuilt();
    const pack = JSON.parse(
      run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], sdkDir),
    ) as { filename: string; size: number; files: { path: string; size: number }[] }[];
    files = pack[0]!.files;
    packedSize = pack[0]!.size;
    const tarball = join(scratch, pack[0]!.filename);
    const app = join(scratch, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "integrator", private: true, type: "module" }),
    );
    const t0 = Date.now();
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        tarball,
        "ethers@6.17.0",
        "@types/node@22.20.5",
      ],
      app,
    );
    console.log(
      `      tarball ${pack[0]!.filename}: ${files.length} files, ${packedSize} B packed; installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // `--coverage` runs deploy instrumented bytecode, over EIP-170 (scripts/coverage-build.ts).
    const sizeFlag = process.env.CASCADE_UNLIMITED_CODE_SIZE === "1" ? ["--disable-code-size-limit"] : [];
    anvil = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--silent", ...sizeFlag], {
      stdio: "ignore",
    });
    const conn = await network.create({ network: "localhost", override: { url } });
    for (let i = 0; ; i++) {
      try {
        await conn.ethers.provider.getBlockNumber();
        break;
      } catch (e) {
        if (i > 200) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const sys = await deploySystem(conn.ethers);
    writeFileSync(
      join(app, "addresses.devnet.json"),
      JSON.stringify({ chainId: "31337", addresses: sys.addresses }, null, 2),
    );
    await conn.close();
  });

  after(async function () {
    if (anvil && anvil.exitCode === null) {
      const exited = new Promise((r) => anvil!.once("exit", r));
      anvil.kill("SIGTERM");
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it("test_pack_onlyWhatThePackageNeeds: built JS, .d.ts, ABI JSON, bin, README; no sources or tests", function () {
    const bad = files.map((f) => f.path).filter((p) => !ALLOWED.test(p));
    expect(bad, "files outside the allowed set").to.deep.equal([]);
    for (const need of [
      "README.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/node.js",
      "dist/abi/json/StakingRouter.json",
    ])
      expect(
        files.map((f) => f.path),
        need,
      ).to.include(need);
    expect(packedSize, `packed size ${packedSize} B`).to.be.below(MAX_PACKED_BYTES);
    const manifest = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    for (const [sub, target] of Object.entries(manifest.exports)) {
      if (sub.includes("*")) continue;
      for (const t of typeof target === "string" ? [target] : [target.types, target.default])
        expect(
          files.map((f) => "./" + f.path),
          `export ${sub} → ${t} is in the tarball`,
        ).to.include(t);
    }
  });

  it("test_pack_browserEntryImportsNoNodeModule: nothing reachable from `.` imports node:*", function () {
    const app = join(scratch, "app", "node_modules", "@cascade-staking", "sdk");
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, "utf8");
      for (const m of src.matchAll(
        /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
      )) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith(".")) visit(join(dirname(file), spec));
        else if (
          spec.startsWith("node:") ||
          ["fs", "path", "os", "crypto", "child_process", "net"].includes(spec)
        )
          offenders.push(`${file.slice(app.length)} imports ${spec}`);
      }
    };
    visit(join(app, "dist", "index.js"));
    expect(seen.size, "the entry's module graph").to.be.greaterThan(20);
    expect(offenders, "node: imports reachable from the browser entry").to.deep.equal([]);
  });

  it("test_pack_plainNodeDepositPositionRevert: deposit, position and a decoded revert from the installed package", function () {
    const app = join(scratch, "app");
    const key = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), "m/44'/60'/0'/0").deriveChild(
      9,
    ).privateKey;
    writeFileSync(
      join(app, "integrate.mjs"),
      `import { JsonRpcProvider, Wallet } from "ethers";
import { createRequire } from "node:module";
import { ContractRevertError, InvalidInputError, createCascadeClient, deposit, position } from "@cascade-staking/sdk";
import { loadAddresses } from "@cascade-staking/sdk/node";
const [url, key] = process.argv.slice(2);
const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
const client = createCascadeClient({ signer: new Wallet(key, provider), addresses: loadAddresses("addresses.devnet.json") });
const out = { loader: process.execArgv.join(" ") };
try { await deposit(client, { classId: 2, amount: 1 }); } catch (e) { out.numberAmount = e instanceof InvalidInputError ? e.shortMessage : String(e); }
const d = await deposit(client, { classId: 2, amount: "1.5" });
out.deposit = { classId: d.classId, shares: String(d.shares) };
try { await deposit(client, { classId: 0, amount: "1000" }); } catch (e) {
  out.revert = e instanceof ContractRevertError ? { errorName: e.errorName, shortMessage: e.shortMessage } : String(e);
}
const p = await position(client);
out.position = { totalValue: String(p.totalValue), classes: p.classes.filter((c) => c.shares > 0n).map((c) => [c.classId, String(c.shares)]) };
out.abiEntries = createRequire(import.meta.url)("@cascade-staking/sdk/abi/StakingRouter.json").length;
provider.destroy();
console.log(JSON.stringify(out));
`,
    );
    const t0 = Date.now();
    const out = JSON.parse(run(process.execPath, ["integrate.mjs", url, key], app));
    console.log(
      `      plain Node script: ${((Date.now() - t0) / 1000).toFixed(1)} s; ${JSON.stringify(out)}`,
    );
    expect(out.loader, "no TypeScript loader").to.equal("");
    expect(out.numberAmount, "a JS number is refused").to.match(
      /got the number 1: pass ETH as a decimal string \("1"\) or wei as a bigint/,
    );
    expect(out.deposit, "1.5 ETH at price 1").to.deep.equal({ classId: 2, shares: String(15n * 10n ** 17n) });
    expect(out.revert.errorName, "senior deposit beyond the junior cover, decoded").to.equal("CoverTooLow");
    expect(out.revert.shortMessage).to.match(/^reverted: CoverTooLow\(0, /);
    expect(out.position, "the deposit is the position").to.deep.equal({
      totalValue: String(15n * 10n ** 17n),
      classes: [[2, String(15n * 10n ** 17n)]],
    });
    expect(out.abiEntries, "ABI as JSON").to.be.greaterThan(10);
    const cli = run(
      join(app, "node_modules", ".bin", "cascade"),
      ["--rpc", url, "--addresses", "addresses.devnet.json", "status", "--json"],
      app,
    );
    expect(JSON.parse(cli).chainId, "the installed `cascade` bin runs").to.equal("31337");
  });

  it("test_pack_typesStrictExactOptional: a TS file type-checks against the shipped .d.ts", function () {
    const app = join(scratch, "app");
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["check.ts"],
      }),
    );
    writeFileSync(
      join(app, "check.ts"),
      `import { JsonRpcProvider } from "ethers";
import { createCascadeClient, deposit, position, ContractRevertError, type DepositParams } from "@cascade-staking/sdk";
import { loadAddresses } from "@cascade-staking/sdk/node";
import { checkDepositDataFile, NETWORK_FORK_VERSIONS } from "@cascade-staking/sdk/beacon";
import { analyzeSecurity } from "@cascade-staking/sdk/risk";
import { OracleMember } from "@cascade-staking/sdk/daemons";
import { toSharesDown } from "@cascade-staking/sdk/model";
import { StakingRouterAbi } from "@cascade-staking/sdk/abi";

const client = createCascadeClient({ provider: new JsonRpcProvider("http://127.0.0.1:8545"), addresses: loadAddresses("addresses.devnet.json") });
const params: DepositParams = { classId: 2, amount: "1.5" };
const wei: DepositParams = { classId: 2, amount: 10n ** 18n };
// @ts-expect-error a JS number is not an amount (1 ETH? 1 wei?)
const ambiguous: DepositParams = { classId: 2, amount: 1 };
export async function run(): Promise<bigint> {
  try {
    const r = await deposit(client, params);
    return r.shares + (await position(client)).totalValue;
  } catch (e) {
    if (e instanceof ContractRevertError) console.log(e.errorName, e.args);
    throw e;
  }
}
export const used = [wei, ambiguous, checkDepositDataFile, NETWORK_FORK_VERSIONS.hoodi, analyzeSecurity, OracleMember, toSharesDown, StakingRouterAbi.length];
`,
    );
    const tsc = require.resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
    expect(r.stdout + r.stderr, "tsc finds no error").to.equal("");
    expect(r.status, "tsc exit code").to.equal(0);
  });
});
