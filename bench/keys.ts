/**
 * `npm run bench` (second part): `cascade keys check` on 1,000 deposit-data entries, measured
 * three ways on this machine — the built CLI as a subprocess (what an operator types, Node
 * start-up included), checkKeys in-process with the native @chainsafe/blst batch verification,
 * and the pure-JavaScript @noble/curves path on a sample (per key, for comparison).
 * Prints a table and writes bench/keys-results.json. Not a test: timings depend on the load.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Table from "cli-table3";
import { checkKeys } from "../sdk/src/actions/checkKeys.js";
import {
  NETWORK_FORK_VERSIONS,
  buildDepositData,
  deterministicSecretKey,
  withdrawalCredentialsFor,
} from "../sdk/src/beacon/depositData.js";

const N = Number(process.env.BENCH_KEYS ?? 1000);
const NOBLE_SAMPLE = 20;
const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const root = join(import.meta.dirname, "..");

const t0 = performance.now();
const entries = Array.from({ length: N }, (_, i) =>
  buildDepositData({
    secretKey: deterministicSecretKey("bench-keys", i),
    withdrawalCredentials: withdrawalCredentialsFor(VAULT),
    forkVersion: NETWORK_FORK_VERSIONS.hoodi,
  }),
);
const built = performance.now() - t0;
const file = join(mkdtempSync(join(tmpdir(), "cascade-bench-keys-")), "deposit_data.json");
writeFileSync(file, JSON.stringify(entries));

const ms = (f: () => unknown) => {
  const s = performance.now();
  f();
  return performance.now() - s;
};
const native = ms(() => {
  if (!checkKeys({ file, network: "hoodi", withdrawalVault: VAULT, bls: "native" }).ok)
    throw new Error("native: invalid");
});
const noble = ms(() => {
  if (!checkKeys({ entries: entries.slice(0, NOBLE_SAMPLE), network: "hoodi", bls: "noble" }).ok)
    throw new Error("noble: invalid");
});
const cliStart = performance.now();
const cli = spawnSync(
  process.execPath,
  [
    join(root, "sdk", "bin", "cascade.mjs"),
    "keys",
    "check",
    file,
    "--network",
    "hoodi",
    "--withdrawal-vault",
    VAULT,
    "--json",
  ],
  { encoding: "utf8" },
);
const cliMs = performance.now() - cliStart;
if (cli.status !== 0) throw new Error(`cascade keys check failed: ${cli.stderr}`);

const results = {
  keys: N,
  cliSeconds: +(cliMs / 1000).toFixed(2),
  nativeInProcessSeconds: +(native / 1000).toFixed(2),
  nobleMsPerKey: +(noble / NOBLE_SAMPLE).toFixed(1),
  nobleSecondsFor1000Keys: +(((noble / NOBLE_SAMPLE) * 1000) / 1000).toFixed(1),
  buildSeconds: +(built / 1000).toFixed(2),
  machine: { cpus: cpus().length, load1: +loadavg()[0]!.toFixed(1) },
};
const table = new Table({ head: ["keys check", "measured"] });
table.push(
  [`cascade keys check, ${N} keys (subprocess, built CLI)`, `${results.cliSeconds} s`],
  [`checkKeys in-process, native blst batches`, `${results.nativeInProcessSeconds} s`],
  [`@noble/curves (${NOBLE_SAMPLE} keys sampled)`, `${results.nobleMsPerKey} ms/key`],
  [`building ${N} signed entries (blst)`, `${results.buildSeconds} s`],
  ["machine", `${results.machine.cpus} cores, load ${results.machine.load1}`],
);
console.log(table.toString());
writeFileSync(join(import.meta.dirname, "keys-results.json"), JSON.stringify(results, null, 2) + "\n");
