/**
 * The CLI's error table through the BUILT CLI as a real process (`node sdk/bin/cascade.mjs …`,
 * the JavaScript of sdk/dist; rebuilt first when a source is newer): each error path → the exact
 * stderr line and exit code a user sees. The rows that need no chain run without a node; the
 * rest against a devnet (anvil on a random port, the system deployed as `npm run devnet` does,
 * no daemons): reverts decoded with their explanation, running out of ETH, bad input, and in each
 * case no transaction sent. test/cli/errorMessages.test.ts holds the same messages in-process.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Command } from "commander";
import { JsonRpcProvider, Wallet, parseEther } from "ethers";
import { requestIdOf } from "../../sdk/src/actions/claim.js";
import { registerDevnetCommands, type DevnetInfo } from "../../scripts/devnet/commands.js";
import { freePort } from "../../scripts/devnet/system.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "sdk", "bin", "cascade.mjs");

/** `cascade <args>` as a child process of plain Node (no tsx), in `cwd` with `env` added. */
function cascade(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((res, rej) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, RPC_URL: "", CASCADE_DEBUG: "", ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("error", rej);
    child.once("close", (code) => res({ code, out, err }));
  });
}

/** A row: what, argv, exit code, the exact stderr line after `cascade: ` (or a pattern for it). */
type Row = [string, string[], number, string | RegExp];

async function expectRows(rows: Row[], cwd: string, env: Record<string, string> = {}) {
  for (const [what, args, exit, line] of rows) {
    const r = await cascade(args, cwd, env);
    expect(r.code, `${what}: exit ${exit}\n${r.err}`).to.equal(exit);
    if (typeof line === "string") expect(r.err, `${what}: exact stderr`).to.equal(`cascade: ${line}\n`);
    else {
      expect(r.err.split("\n"), `${what}: one line`).to.have.length(2);
      expect(r.err.replace(/^cascade: /, "").trimEnd(), `${what}: line ${r.err}`).to.match(line);
    }
    expect(r.out, `${what}: nothing on stdout`).to.equal("");
  }
}

describe("cascade CLI error table (built CLI, subprocess)", function () {
  this.timeout(300_000);
  const scratch = mkdtempSync(join(tmpdir(), "cascade-errors-"));

  before(function () {
    // The bin runs sdk/dist: build it when a source changed since the last build.
    const b = spawnSync(process.execPath, [join(root, "sdk", "scripts", "build.mjs"), "--if-stale"], {
      encoding: "utf8",
    });
    expect(b.status, `SDK build: ${b.stderr}`).to.equal(0);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("test_cliProcess_errorTableWithoutAChain", async function () {
    const closed = await freePort(); // nothing listens there
    await expectRows(
      [
        ["no RPC endpoint", ["status"], 1, "no RPC endpoint: pass --rpc URL or set RPC_URL"],
        ["--rpc not a URL", ["--rpc", "foo", "status"], 1, "--rpc must be an http(s) or ws(s) URL, got foo"],
        [
          "node down",
          ["--rpc", `http://127.0.0.1:${closed}`, "status"],
          1,
          `cannot reach http://127.0.0.1:${closed}`,
        ],
        ["unknown command", ["frobnicate"], 2, "unknown command 'frobnicate'"],
        ["missing argument", ["deposit", "2"], 2, "missing required argument 'eth'"],
        ["missing file argument", ["keys", "check"], 2, "missing required argument 'file'"],
        [
          "bad duration",
          ["devnet", "time", "3x"],
          1,
          "a duration is a number with s, m, h, d or w (e.g. 90s, 2h), got 3x",
        ],
        [
          "devnet start outside the repository's CLI",
          ["devnet"],
          1,
          "starting a devnet compiles and deploys the contracts: run `npm run devnet` in a Cascade repository checkout (this package has `cascade devnet time`)",
        ],
        ["the demo is the repository's", ["demo"], 2, "unknown command 'demo'"],
        [
          "missing deposit-data file",
          ["keys", "check", "nope.json", "--network", "mainnet"],
          1,
          `cannot read ${join(scratch, "nope.json")}: ENOENT`,
        ],
      ],
      scratch,
    );
  });

  it("test_cliProcess_errorTableOnADevnet", async function () {
    const ac = new AbortController();
    let info: DevnetInfo | undefined;
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const program = new Command("cascade").exitOverride().option("--rpc <url>").option("--json");
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerDevnetCommands(program, { signal: ac.signal, onReady: (i) => ((info = i), ready()) });
    const dir = join(scratch, "devnet");
    const running = program.parseAsync(
      ["devnet", "--port", "0", "--beacon-port", "0", "--no-daemons", "--block-time", "0", "--dir", dir],
      { from: "user" },
    );
    running.catch(() => ready());
    await up;
    expect(info, "devnet up").to.not.equal(undefined);
    const provider = new JsonRpcProvider(info!.rpcUrl, undefined, { cacheTimeout: -1 });
    try {
      const me = info!.keys.me;
      const broke = Wallet.createRandom();
      const tight = Wallet.createRandom();
      writeFileSync(join(dir, "broke.key"), broke.privateKey);
      writeFileSync(join(dir, "tight.key"), tight.privateKey);
      // Exactly the deposit's value: the call simulates fine, the gas is what is missing.
      await provider.send("anvil_setBalance", [tight.address, "0x" + parseEther("1").toString(16)]);
      const nonces = async () =>
        Promise.all([me, broke.address, tight.address].map((a) => provider.getTransactionCount(a)));
      const before = await nonces();
      const as = (key: string, ...args: string[]) => ["--private-key-file", key, ...args];
      await expectRows(
        [
          [
            "out of ETH for the value",
            as("broke.key", "deposit", "2", "1"),
            1,
            `insufficient funds: ${broke.address} has 0 ETH, needs 1 ETH plus gas`,
          ],
          [
            "out of ETH for the gas",
            as("tight.key", "deposit", "2", "1"),
            1,
            new RegExp(
              `^insufficient funds: ${tight.address} has 1 ETH, needs 1\\.\\d{1,6} ETH \\(value \\+ gas\\)$`,
            ),
          ],
          [
            "unknown class",
            as("me.key", "deposit", "5", "1"),
            1,
            "reverted: UnknownClass(5): there is no class 5: `cascade status` lists the classes",
          ],
          [
            "role by name, not hash",
            as("me.key", "gov", "propose", "pause", "0"),
            1,
            `reverted: AccessControlUnauthorizedAccount(${me}, PROPOSER_ROLE): ${me} lacks PROPOSER_ROLE: sign with an account that holds it, or go through governance (\`cascade gov propose\`)`,
          ],
          [
            "request id as class:index",
            as("me.key", "claim", "1:3"),
            1,
            `reverted: UnknownRequest(${requestIdOf(me, 1, 3)}): there is no request 1:3: \`cascade position\` lists yours as class:index`,
          ],
          [
            "bad class id (no zod wording)",
            as("me.key", "deposit", "x", "1"),
            1,
            "deposit: classId: class id must be a number",
          ],
          [
            "bad amount",
            as("me.key", "deposit", "2", "abc"),
            1,
            'deposit: amount: not an ETH amount: abc (ETH as a decimal string such as "1.5", at most 18 decimals)',
          ],
          ["missing key file", as("nope.key", "position"), 1, "cannot read private key file nope.key"],
        ],
        dir,
        { RPC_URL: info!.rpcUrl },
      );
      expect(await nonces(), "no row sent a transaction").to.deep.equal(before);
    } finally {
      provider.destroy();
      ac.abort();
      await running.catch(() => {});
    }
  });
});
