import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { checkKeys, readDepositDataFile } from "./checkKeys.js";
import { eventsIn, parse, read, send, zEth, zUint, type TxResult } from "./internal.js";

/** The contracts accept at most this many keys per call (ModuleBase.MAX_KEYS_PER_CALL). */
export const MAX_KEYS_PER_CALL = 200;

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
  count: number;
  firstIndex: bigint;
  pubkeys: string[];
  bondSent: bigint;
}

/**
 * Uploads validator keys from a staking-deposit-cli `deposit_data-*.json` file. First checks
 * every entry offline against the router's withdrawal credentials and the chosen fork version
 * (BLS signature, roots, amount, duplicates) and that no pubkey is already registered; any bad
 * entry refuses the whole file with {@link DepositDataError} and nothing is sent. Then
 * concatenates pubkeys and signatures into one `addKeysWithBond` (bonded) or `addKeys` (curated).
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, loadAddresses, addKeys } from "./sdk/src/index.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses(31337) });
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
  if (entries.length > MAX_KEYS_PER_CALL) {
    throw new InvalidInputError(
      `addKeys: ${entries.length} keys; split the file into ≤ ${MAX_KEYS_PER_CALL} per upload`,
    );
  }
  const strip = (h: string) => h.replace(/^0x/, "").toLowerCase();
  const registered = [];
  for (const [i, e] of entries.entries()) {
    if ((await read(client, () => client.router.isPubkeyRegistered("0x" + strip(e.pubkey)))) as boolean) {
      registered.push({
        index: i,
        pubkey: e.pubkey,
        errors: ["PubkeyAlreadyRegistered: key is already in Cascade"],
      });
    }
  }
  if (registered.length) throw new DepositDataError(registered, entries.length);

  const pubkeys = "0x" + entries.map((e) => strip(e.pubkey)).join("");
  const signatures = "0x" + entries.map((e) => strip(e.signature)).join("");
  let receipt;
  let bondSent = 0n;
  if (p.module === "bonded") {
    if (p.bond === "auto") {
      const op = await read(client, () => client.bonded.getOperator(p.operatorId));
      const [bond, locked] = (await read(client, () => client.bonded.bondOf(p.operatorId))) as [
        bigint,
        bigint,
      ];
      const keys = BigInt(op.totalKeys) + BigInt(entries.length) - BigInt(op.exitedKeys);
      const required = (await read(client, () => client.bonded.bondRequired(p.operatorId, keys))) as bigint;
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
  const ev = eventsIn(receipt, module, "KeysAdded")[0];
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    operatorId: p.operatorId,
    count: entries.length,
    firstIndex: ev ? (ev.args.firstIndex as bigint) : 0n,
    pubkeys: entries.map((e) => "0x" + strip(e.pubkey)),
    bondSent,
  };
}
