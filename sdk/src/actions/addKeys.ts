import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { CascadeError, InvalidInputError } from "../errors.js";
import { checkKeys, readDepositDataFile } from "./checkKeys.js";
import { eventsIn, parse, read, send, zEth, zUint, type TxResult } from "./internal.js";

/** The contracts accept at most this many keys per call (ModuleBase.MAX_KEYS_PER_CALL). */
export const MAX_KEYS_PER_CALL = 250;

export const addKeysParams = z.object({
  module: z.enum(["bonded", "curated"]).default("bonded"),
  operatorId: zUint,
  file: z.string().min(1).optional(),
  entries: z.array(z.unknown()).optional(),
  network: z.enum(["mainnet", "holesky", "sepolia", "hoodi"]).optional(),
  forkVersion: z.string().optional(),
  /** Bonded only: ETH sent with the keys. "auto" (default) sends exactly the missing bond. */
  bond: z.union([z.literal("auto"), z.literal("0"), zEth]).default("auto"),
});
export type AddKeysParams = z.input<typeof addKeysParams> & {
  /** Called after each deposit-data entry is checked. */
  onProgress?: (done: number, total: number) => void;
};

/** A deposit-data file was refused; `invalid` names each bad entry and why. Nothing was sent. */
export class DepositDataError extends InvalidInputError {
  override name = "DepositDataError";
  readonly invalid: { index: number; pubkey: string; errors: string[] }[];
  constructor(invalid: { index: number; pubkey: string; errors: string[] }[], total: number) {
    const first = invalid[0]!;
    super(
      `deposit data refused: ${invalid.length} of ${total} entries invalid; entry #${first.index} ` +
        `0x${first.pubkey.replace(/^0x/, "").slice(0, 12)}…: ${first.errors.map((e) => e.split(":")[0]).join(", ")}`,
      { details: invalid.map((i) => `#${i.index} ${i.pubkey}: ${i.errors.join("; ")}`).join("\n") },
    );
    this.invalid = invalid;
  }
}

export interface AddKeysResult extends TxResult {
  operatorId: bigint;
  /** Keys uploaded by this run (entries already on-chain for this operator are skipped). */
  count: number;
  /** Index of the first key uploaded by this run. */
  firstIndex: bigint;
  pubkeys: string[];
  bondSent: bigint;
  /** Entries of the file already uploaded by this operator (an earlier, interrupted run). */
  skipped: number;
  /** One transaction per ≤ {@link MAX_KEYS_PER_CALL} keys; `txHash` is the last one's. */
  calls: (TxResult & { count: number; firstIndex: bigint; bondSent: bigint })[];
}

/**
 * Uploads validator keys from a staking-deposit-cli `deposit_data-*.json` file. First checks
 * every entry offline against the router's withdrawal credentials and the chosen fork version
 * (BLS signature, roots, amount, duplicates) and that no pubkey is already registered; any bad
 * entry refuses the whole file with {@link DepositDataError} and nothing is sent. Keys this
 * operator already uploaded (its `KeysAdded` events) are skipped, so a run that failed half-way
 * resumes where it stopped. The rest go in calls of at most {@link MAX_KEYS_PER_CALL} keys
 * (`addKeysWithBond` for bonded, sending the bond each call needs; `addKeys` for curated).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, addKeys } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const r = await addKeys(client, { operatorId: 0n, file: "deposit_data-1700000000.json", network: "hoodi" });
 * console.log(r.count, "keys uploaded, bond sent", r.bondSent);
 * ```
 */
export async function addKeys(client: CascadeClient, params: AddKeysParams): Promise<AddKeysResult> {
  const p = parse(addKeysParams, params, "addKeys");
  const module = p.module === "bonded" ? client.bonded : client.curated;
  const wc = (await read(client, () => client.router.withdrawalCredentials())) as string;
  const withdrawalVault = "0x" + wc.slice(26);
  const check = checkKeys({
    ...(p.file !== undefined ? { file: p.file } : {}),
    ...(p.entries !== undefined ? { entries: p.entries } : {}),
    ...(p.network !== undefined ? { network: p.network } : {}),
    ...(p.forkVersion !== undefined ? { forkVersion: p.forkVersion } : {}),
    ...(params.onProgress !== undefined ? { onProgress: params.onProgress } : {}),
    withdrawalVault,
  });
  if (!check.ok) {
    throw new DepositDataError(
      check.results.filter((r) => !r.ok).map(({ index, pubkey, errors }) => ({ index, pubkey, errors })),
      check.total,
    );
  }
  const entries = (p.entries ?? readDepositDataFile(p.file!)) as {
    pubkey: string;
    signature: string;
  }[];
  const strip = (h: string) => h.replace(/^0x/, "").toLowerCase();
  // Resume: what this operator already uploaded, from its KeysAdded events (on-chain, not memory).
  const uploaded = new Set<string>();
  const logs = await read(client, () => module.queryFilter(module.filters.KeysAdded(p.operatorId)));
  for (const log of logs as unknown as { args: { pubkeys: string } }[]) {
    const hex = strip(log.args.pubkeys);
    for (let o = 0; o < hex.length; o += 96) uploaded.add(hex.slice(o, o + 96));
  }
  const missing = entries.filter((e) => !uploaded.has(strip(e.pubkey)));
  const registered = [];
  for (const [i, e] of entries.entries()) {
    if (uploaded.has(strip(e.pubkey))) continue;
    // The router's registry entry says where the key already is (module, operator, index).
    const at = (await read(client, () => client.router.keyOf("0x" + strip(e.pubkey)))) as [
      boolean,
      bigint,
      bigint,
      bigint,
    ];
    if (at[0]) {
      registered.push({
        index: i,
        pubkey: e.pubkey,
        errors: [
          `PubkeyAlreadyRegistered: key is already in Cascade (module ${at[1]}, operator ${at[2]}, key ${at[3]})`,
        ],
      });
    }
  }
  if (registered.length) throw new DepositDataError(registered, entries.length);

  const calls: AddKeysResult["calls"] = [];
  for (let start = 0; start < missing.length; start += MAX_KEYS_PER_CALL) {
    const part = missing.slice(start, start + MAX_KEYS_PER_CALL);
    const pubkeys = "0x" + part.map((e) => strip(e.pubkey)).join("");
    const signatures = "0x" + part.map((e) => strip(e.signature)).join("");
    let receipt;
    let bondSent = 0n;
    try {
      if (p.module === "bonded") {
        if (p.bond === "auto") {
          const op = await read(client, () => client.bonded.getOperator(p.operatorId));
          const [bond, locked] = (await read(client, () => client.bonded.bondOf(p.operatorId))) as [
            bigint,
            bigint,
          ];
          const keys = BigInt(op.totalKeys) + BigInt(part.length) - BigInt(op.exitedKeys);
          const required = (await read(client, () =>
            client.bonded.bondRequired(p.operatorId, keys),
          )) as bigint;
          bondSent = required > bond - locked ? required - (bond - locked) : 0n;
        } else bondSent = p.bond === "0" ? 0n : p.bond;
        receipt = await send(
          client,
          client.bonded,
          "addKeysWithBond",
          [p.operatorId, pubkeys, signatures],
          bondSent,
        );
      } else {
        receipt = await send(client, client.curated, "addKeys", [p.operatorId, pubkeys, signatures]);
      }
    } catch (e) {
      if (calls.length === 0 || !(e instanceof CascadeError)) throw e;
      const done = calls.reduce((n, c) => n + c.count, 0);
      throw new CascadeError(
        `${e.shortMessage} (after uploading ${done} of ${missing.length} keys in ${calls.length} calls; run again to upload the rest)`,
        { cause: e },
      );
    }
    const ev = eventsIn(receipt, module, "KeysAdded")[0];
    calls.push({
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      count: part.length,
      firstIndex: ev ? (ev.args.firstIndex as bigint) : 0n,
      bondSent,
    });
  }
  const last = calls[calls.length - 1];
  return {
    txHash: last?.txHash ?? "",
    blockNumber: last?.blockNumber ?? 0,
    operatorId: p.operatorId,
    count: missing.length,
    firstIndex: calls[0]?.firstIndex ?? 0n,
    pubkeys: missing.map((e) => "0x" + strip(e.pubkey)),
    bondSent: calls.reduce((s, c) => s + c.bondSent, 0n),
    skipped: entries.length - missing.length,
    calls,
  };
}
