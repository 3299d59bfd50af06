/**
 * `cascade keys check` as a real subprocess through the bin launcher (sdk/bin/cascade.mjs →
 * tsx → sdk/src/cli): offline, so no node is needed. Exit 0 when every entry is valid, 1 with
 * each bad entry named otherwise; never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { withdrawalCredentialsFor } from "../../sdk/src/beacon/depositData.js";
import { depositData, tamper, writeJson } from "../sdk/fixtures.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "sdk", "bin", "cascade.mjs");
const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function cascade(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, RPC_URL: "" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("cascade keys check (subprocess)", function () {
  this.timeout(60_000);
  const entries = depositData("subprocess", 0, 2, withdrawalCredentialsFor(VAULT));

  it("exits 0 and prints JSON when every entry is valid", function () {
    const r = cascade([
      "keys",
      "check",
      writeJson("sp-good.json", entries),
      "--withdrawal-vault",
      VAULT,
      "--json",
    ]);
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    expect(j.ok).to.equal(true);
    expect(j.total).to.equal(2);
  });

  it("exits 1 naming the bad entry, without a stack trace", function () {
    const r = cascade([
      "keys",
      "check",
      writeJson("sp-bad.json", [entries[0], tamper(entries[1]!)]),
      "--network",
      "mainnet",
    ]);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/^cascade: entry #1 0x[0-9a-f]+…: DepositDataRootMismatch: .*InvalidSignature: /m);
    expect(r.err).to.match(/cascade: 1 of 2 entries invalid \(fork 0x00000000\)\n$/);
    expect(r.err).to.not.match(/\n\s+at /);
    expect(r.out).to.match(/│ NO/);
  });

  it("usage errors exit 2", function () {
    const r = cascade(["keys", "check"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("cascade: missing required argument 'file'\n");
  });
});
