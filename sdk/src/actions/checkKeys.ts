import { z } from "zod";
import {
  checkDepositDataFile,
  NETWORK_FORK_VERSIONS,
  type DepositDataCheck,
  type NetworkName,
} from "../beacon/depositData.js";
import { InvalidInputError } from "../errors.js";
import { parse, zAddress } from "./internal.js";

export const checkKeysParams = z
  .object({
    /** Path of a staking-deposit-cli `deposit_data-*.json` file … */
    file: z.string().min(1).optional(),
    /** … or its parsed entries. */
    entries: z.array(z.unknown()).optional(),
    /** Network whose fork version signs the deposits (default mainnet) … */
    network: z.enum(Object.keys(NETWORK_FORK_VERSIONS) as [NetworkName, ...NetworkName[]]).optional(),
    /** … or an explicit 4-byte fork version. */
    forkVersion: z
      .string()
      .regex(/^(0x)?[0-9a-fA-F]{8}$/, "fork version must be 4 bytes of hex")
      .optional(),
    /** Expected withdrawal vault (credentials 0x01‖0…‖vault). */
    withdrawalVault: zAddress.optional(),
    /** Called as entries are checked: done so far, total (signatures are verified in batches of 64). */
    onProgress: z.function().args(z.number(), z.number()).returns(z.void()).optional(),
    /** BLS implementation (default "auto": native @chainsafe/blst in Node, @noble/curves elsewhere). */
    bls: z.enum(["auto", "native", "noble"]).optional(),
  })
  .refine((p) => (p.file === undefined) !== (p.entries === undefined), "pass exactly one of file, entries")
  .refine((p) => !(p.network && p.forkVersion), "pass network or forkVersion, not both");
export type CheckKeysParams = z.input<typeof checkKeysParams>;

export interface CheckKeysResult {
  ok: boolean;
  forkVersion: string;
  total: number;
  invalid: number;
  results: DepositDataCheck[];
}

/**
 * Reads and JSON-parses a deposit-data file; any problem is one InvalidInputError line. Node only
 * (`fs` is taken from the running Node, so the browser entry imports no `node:` module); in a
 * browser, parse the file yourself and pass `entries`.
 */
export function readDepositDataFile(file: string): unknown[] {
  const fs = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  if (!fs)
    throw new InvalidInputError(`cannot read ${file} here (no Node fs): pass the parsed entries instead`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InvalidInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`${file} is not valid JSON`, { cause: e });
  }
  if (!Array.isArray(json))
    throw new InvalidInputError(`${file} must hold a JSON array of deposit-data entries`);
  if (json.length === 0) throw new InvalidInputError(`${file} holds no deposit-data entries`);
  return json;
}

/**
 * Checks a deposit-data file offline (shape, SSZ roots, BLS signature under the fork's deposit
 * domain, amount, withdrawal credentials, duplicate pubkeys). Never sends anything.
 *
 * @example
 * ```ts
 * import { checkKeys } from "./sdk/src/index.js";
 * const r = checkKeys({ file: "deposit_data-1700000000.json", network: "hoodi" });
 * if (!r.ok) for (const e of r.results.filter((x) => !x.ok)) console.log(e.index, e.errors);
 * ```
 */
export function checkKeys(params: CheckKeysParams): CheckKeysResult {
  const p = parse(checkKeysParams, params, "checkKeys");
  const entries = p.entries ?? readDepositDataFile(p.file!);
  const forkVersion = (p.forkVersion ?? NETWORK_FORK_VERSIONS[p.network ?? "mainnet"])
    .replace(/^0x/, "")
    .toLowerCase();
  const options = {
    forkVersion: "0x" + forkVersion,
    ...(p.withdrawalVault ? { withdrawalVault: p.withdrawalVault } : {}),
  };
  const results = checkDepositDataFile(entries, {
    ...options,
    ...(p.onProgress ? { onProgress: p.onProgress } : {}),
    ...(p.bls ? { bls: p.bls } : {}),
  });
  const invalid = results.filter((r) => !r.ok).length;
  return { ok: invalid === 0, forkVersion: "0x" + forkVersion, total: results.length, invalid, results };
}
