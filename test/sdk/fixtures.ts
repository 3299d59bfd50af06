/**
 * Shared setup of the SDK and CLI tests: a deployed system with both modules added, SDK clients
 * per signer, deposit-data files written to a temp dir, and a zero-rewards oracle round.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Signer } from "ethers";
import { deploySystem, type System } from "../../deploy/system.js";
import {
  buildDepositData,
  deterministicSecretKey,
  NETWORK_FORK_VERSIONS,
  type DepositDataJson,
} from "../../sdk/src/beacon/depositData.js";
import { createCascadeClient, type CascadeClient } from "../../sdk/src/client.js";
import { runOracleRound, type KeyBatch } from "../helpers/protocol.js";

export const ETH = 10n ** 18n;
export const DAY = 24 * 3600;

export const tmp = mkdtempSync(join(tmpdir(), "cascade-sdk-"));

/** Deploys, adds the curated (rep 9,000) and bonded (rep 8,000) modules with a 5% fee. */
export async function setup(ethers: any): Promise<{ sys: System; signers: any[] }> {
  const signers = await ethers.getSigners();
  const sys = await deploySystem(ethers);
  const params = (w: number) => ({
    baseWeight: w,
    stakeShareLimitBps: 10_000,
    moduleFeeBps: 500,
    feeRecipient: signers[0].address,
  });
  await (await sys.router.addModule(await sys.curated.getAddress(), params(100), 9000)).wait();
  await (await sys.router.addModule(await sys.bonded.getAddress(), params(100), 8000)).wait();
  return { sys, signers };
}

export function clientFor(ethers: any, sys: System, signer?: Signer): CascadeClient {
  return createCascadeClient({
    provider: ethers.provider,
    ...(signer ? { signer } : {}),
    addresses: sys.addresses,
  });
}

/** `count` deposit-data entries from `seed`, as staking-deposit-cli writes them. */
export function depositData(
  seed: string,
  from: number,
  count: number,
  withdrawalCredentials: string,
  forkVersion: string = NETWORK_FORK_VERSIONS.mainnet,
): DepositDataJson[] {
  return Array.from({ length: count }, (_, i) =>
    buildDepositData({
      secretKey: deterministicSecretKey(seed, from + i),
      withdrawalCredentials,
      forkVersion,
    }),
  );
}

export function writeJson(name: string, value: unknown): string {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** The same entries as a {@link KeyBatch} for test/helpers/protocol.ts keysFor. */
export function toBatch(entries: DepositDataJson[]): KeyBatch {
  return {
    pubkeys: "0x" + entries.map((e) => e.pubkey).join(""),
    signatures: "0x" + entries.map((e) => e.signature).join(""),
    roots: entries.map((e) => "0x" + e.deposit_data_root),
  };
}

/** Flips one bit of an entry's signature (still hex of the right length, no longer valid). */
export function tamper(e: DepositDataJson): DepositDataJson {
  const last = parseInt(e.signature.slice(-1), 16) ^ 1;
  return { ...e, signature: e.signature.slice(0, -1) + last.toString(16) };
}

/** One oracle round after `days` days: each module reports its current deposited validators at 32 ETH + `extra`. */
export async function reportRound(
  sys: System,
  members: Signer[],
  provider: any,
  opts: { days?: number; elRewards?: bigint; extra?: bigint } = {},
) {
  await provider.send("evm_increaseTime", [(opts.days ?? 30) * DAY]);
  const n = Number(await sys.router.moduleCount());
  const modules = [];
  for (let i = 0; i < n; i++) {
    const m = await sys.router.getModule(i);
    const v = BigInt(m.deposited);
    modules.push({
      clValidators: v,
      exited: 0n,
      clBalance: v * 32n * ETH + (v > 0n ? (opts.extra ?? 0n) : 0n),
      withdrawn: 0n,
      perfBps: 10_000,
      slashedValidators: 0,
    });
  }
  return runOracleRound(sys, members, provider, { elRewards: opts.elRewards ?? 0n, modules });
}
