/**
 * Deposit data: build and check the JSON entries the staking-deposit-cli writes
 * (`deposit_data-*.json`), with SSZ roots from @chainsafe/ssz and BLS12-381 signatures from
 * @noble/curves, exactly as the consensus spec defines them (phase0 `compute_domain`,
 * `compute_signing_root`, `DepositMessage`, `DepositData`; Ethereum's BLS: public keys in G1
 * (48 bytes), signatures in G2 (96 bytes), proof-of-possession ciphersuite).
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { concat, getBytes, sha256, toBeHex } from "ethers";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import { bytesToHex, parseBytes, type BytesInput } from "./hex.js";
import { DepositData, DepositMessage, ForkData, SigningData } from "./sszTypes.js";

export { DepositData, DepositMessage, ForkData, SigningData } from "./sszTypes.js";
export type { BytesInput } from "./hex.js";

/* -------------------------------------------------------------------------- */
/*                                  Constants                                 */
/* -------------------------------------------------------------------------- */

/** `DOMAIN_DEPOSIT` (phase0). */
export const DOMAIN_DEPOSIT = Uint8Array.of(0x03, 0x00, 0x00, 0x00);
/** The ciphersuite Ethereum signs with. noble's default is the `_NUL_` one, so it is always passed. */
export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/** 32 ETH, the full validator deposit, in gwei. */
export const FULL_DEPOSIT_GWEI = 32_000_000_000;
/** The deposit contract's minimum, in gwei. */
export const MIN_DEPOSIT_GWEI = 1_000_000_000;
/** Written into built entries; the JSON shape is that of staking-deposit-cli 2.x. */
export const DEPOSIT_CLI_VERSION = "2.7.0";

/** `GENESIS_FORK_VERSION` per network: deposits are always signed with the genesis fork version. */
export const NETWORK_FORK_VERSIONS = {
  mainnet: "00000000",
  holesky: "01017000",
  sepolia: "90000069",
  hoodi: "10000910",
} as const;
export type NetworkName = keyof typeof NETWORK_FORK_VERSIONS;

const ZERO_ROOT = new Uint8Array(32);
const bls = bls12_381.longSignatures;
const CURVE_ORDER = bls12_381.fields.Fr.ORDER;

/* -------------------------------------------------------------------------- */
/*                                    Types                                   */
/* -------------------------------------------------------------------------- */

/** One entry of a deposit-cli `deposit_data-*.json` file. Hex is lowercase, without `0x`. */
export interface DepositDataJson {
  pubkey: string;
  withdrawal_credentials: string;
  /** gwei */
  amount: number;
  signature: string;
  deposit_message_root: string;
  deposit_data_root: string;
  fork_version: string;
  network_name?: string;
  deposit_cli_version?: string;
}

export interface BuildDepositDataParams {
  /** 32-byte big-endian BLS secret key. */
  secretKey: BytesInput;
  /** 32 bytes, e.g. from {@link withdrawalCredentialsFor}. */
  withdrawalCredentials: BytesInput;
  /** Default {@link FULL_DEPOSIT_GWEI}. */
  amountGwei?: number;
  /** 4 bytes; the genesis fork version of the target network. */
  forkVersion: BytesInput;
}

export interface CheckDepositDataOptions {
  /** The genesis fork version of the network the file is for. */
  forkVersion: BytesInput;
  /** When given, every entry must withdraw to `0x01 ‖ 11 zero bytes ‖ withdrawalVault`. */
  withdrawalVault?: string;
  /** Default {@link FULL_DEPOSIT_GWEI}. */
  expectedAmountGwei?: number;
  /**
   * BLS implementation: "native" (@chainsafe/blst, ~1 ms a signature, batch-verified), "noble"
   * (@noble/curves, pure JavaScript, ~50 ms a signature), or "auto" (default): native where it
   * loads (Node with the prebuilt binary), noble elsewhere (browsers). Results are identical.
   */
  bls?: "auto" | "native" | "noble";
  /** Called as signatures are verified (the slow part): entries done so far, total entries. */
  onProgress?: (done: number, total: number) => void;
}

/** Why an entry is rejected; also the prefix of its message in `errors`. */
export type DepositDataIssue =
  | "InvalidEntry"
  | "ForkVersionMismatch"
  | "NetworkNameMismatch"
  | "WrongAmount"
  | "WrongWithdrawalCredentials"
  | "DepositMessageRootMismatch"
  | "DepositDataRootMismatch"
  | "InvalidPubkey"
  | "InvalidSignature"
  | "DuplicatePubkey";

export interface DepositDataCheck {
  /** Position in the file. */
  index: number;
  /** As found in the file ("" when absent). */
  pubkey: string;
  ok: boolean;
  /** One line per problem, `"<Issue>: <explanation>"`. */
  errors: string[];
  /** The issues, in the same order as `errors`. */
  codes: DepositDataIssue[];
}

/** Arguments of `IDepositContract.deposit`, 0x-prefixed, plus the value to send in wei. */
export interface DepositCallArgs {
  pubkey: string;
  withdrawalCredentials: string;
  signature: string;
  depositDataRoot: string;
  valueWei: bigint;
}

/* -------------------------------------------------------------------------- */
/*                              Domain and roots                              */
/* -------------------------------------------------------------------------- */

/**
 * `compute_domain(DOMAIN_DEPOSIT, forkVersion, ZERO_ROOT)`: deposits are valid across forks, so
 * the spec fixes the genesis validators root to zero for them.
 *
 * @example
 * ```ts
 * bytesToHex(computeDepositDomain("00000000"));
 * // "0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9"
 * ```
 */
export function computeDepositDomain(forkVersion: BytesInput): Uint8Array {
  const current_version = parseBytes(forkVersion, "forkVersion", 4);
  const forkDataRoot = ForkData.hashTreeRoot({ current_version, genesis_validators_root: ZERO_ROOT });
  const domain = new Uint8Array(32);
  domain.set(DOMAIN_DEPOSIT, 0);
  domain.set(forkDataRoot.subarray(0, 28), 4);
  return domain;
}

/**
 * `compute_signing_root(object, domain)` = `hash_tree_root(SigningData(object_root, domain))`.
 *
 * @example
 * ```ts
 * const root = computeSigningRoot(new Uint8Array(32), computeDepositDomain("00000000"));
 * root.length; // 32
 * ```
 */
export function computeSigningRoot(objectRoot: BytesInput, domain: BytesInput): Uint8Array {
  return SigningData.hashTreeRoot({
    object_root: parseBytes(objectRoot, "objectRoot", 32),
    domain: parseBytes(domain, "domain", 32),
  });
}

/**
 * 0x01 withdrawal credentials pointing at an execution-layer address (the withdrawal vault).
 *
 * @example
 * ```ts
 * withdrawalCredentialsFor("0x00000000219ab540356cBB839Cbe05303d7705Fa");
 * // "0x01000000000000000000000000000000219ab540356cbb839cbe05303d7705fa"
 * ```
 */
export function withdrawalCredentialsFor(vaultAddress: string): string {
  if (typeof vaultAddress !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(vaultAddress)) {
    throw new InvalidInputError("withdrawal vault must be a 20-byte 0x address", {
      details: String(vaultAddress),
    });
  }
  return "0x01" + "00".repeat(11) + vaultAddress.slice(2).toLowerCase();
}

/**
 * `hash_tree_root(DepositData)` of an entry, recomputed from its fields (the file's own
 * `deposit_data_root` is not trusted), as the `deposit_data_root` argument of `deposit()`.
 *
 * @example
 * ```ts
 * const entry = buildDepositData({
 *   secretKey: deterministicSecretKey("demo", 0),
 *   withdrawalCredentials: withdrawalCredentialsFor("0x1111111111111111111111111111111111111111"),
 *   forkVersion: NETWORK_FORK_VERSIONS.mainnet,
 * });
 * depositDataRootHex(entry) === "0x" + entry.deposit_data_root; // true
 * ```
 */
export function depositDataRootHex(
  entry: Pick<DepositDataJson, "pubkey" | "withdrawal_credentials" | "amount" | "signature">,
): string {
  return bytesToHex(DepositData.hashTreeRoot(toSszDepositData(entry)));
}

/**
 * The `deposit()` call for an entry: 0x-prefixed arguments and `value` in wei.
 *
 * @example
 * ```ts
 * // in a Hardhat script: const { ethers } = await network.create();
 * const dc = await ethers.getContractAt("IDepositContract", depositContractAddress);
 * const [entry] = JSON.parse(readFileSync("deposit_data.json", "utf8")) as DepositDataJson[];
 * const a = depositCallArgs(entry);
 * await dc.deposit(a.pubkey, a.withdrawalCredentials, a.signature, a.depositDataRoot, { value: a.valueWei });
 * ```
 */
export function depositCallArgs(entry: DepositDataJson): DepositCallArgs {
  const data = toSszDepositData(entry);
  return {
    pubkey: bytesToHex(data.pubkey),
    withdrawalCredentials: bytesToHex(data.withdrawal_credentials),
    signature: bytesToHex(data.signature),
    depositDataRoot: bytesToHex(DepositData.hashTreeRoot(data)),
    valueWei: BigInt(data.amount) * 1_000_000_000n,
  };
}

/* -------------------------------------------------------------------------- */
/*                                    Keys                                    */
/* -------------------------------------------------------------------------- */

/**
 * A BLS secret key derived as `sha256(seed ‖ uint32be(index) [‖ uint32be(retry)]) mod r`, never 0.
 * For tests and the devnet demo only: not EIP-2333, no mnemonic, anyone knowing the seed has the key.
 *
 * @example
 * ```ts
 * const sk = deterministicSecretKey("cascade-devnet", 0); // 32 bytes, same every run
 * publicKeyOf(sk).length; // 48
 * ```
 */
export function deterministicSecretKey(seed: BytesInput | string, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new InvalidInputError("key index must be an integer in [0, 2**32)", { details: String(index) });
  }
  const seedBytes = typeof seed === "string" ? new TextEncoder().encode(seed) : seed;
  for (let retry = 0; ; retry++) {
    const suffix = new Uint8Array(retry === 0 ? 4 : 8);
    const view = new DataView(suffix.buffer);
    view.setUint32(0, index);
    if (retry > 0) view.setUint32(4, retry);
    // sha256 from ethers, not node:crypto: this module also runs in browsers.
    const scalar = BigInt(sha256(concat([seedBytes, suffix]))) % CURVE_ORDER;
    // Zero is not a valid secret key; the retry suffix makes a fresh, still deterministic, draw.
    if (scalar !== 0n) return getBytes(toBeHex(scalar, 32));
  }
}

/**
 * The 48-byte compressed G1 public key of a secret key.
 *
 * @example
 * ```ts
 * bytesToHex(publicKeyOf(deterministicSecretKey("demo", 1)), false).length; // 96
 * ```
 */
export function publicKeyOf(secretKey: BytesInput): Uint8Array {
  return bls.getPublicKey(parseSecretKey(secretKey)).toBytes(true);
}

/* -------------------------------------------------------------------------- */
/*                                    Build                                   */
/* -------------------------------------------------------------------------- */

/**
 * Sign a deposit and return it as a staking-deposit-cli JSON entry.
 *
 * @example
 * ```ts
 * const entry = buildDepositData({
 *   secretKey: deterministicSecretKey("cascade-devnet", 0),
 *   withdrawalCredentials: withdrawalCredentialsFor("0x1111111111111111111111111111111111111111"),
 *   forkVersion: NETWORK_FORK_VERSIONS.hoodi,
 * });
 * entry.network_name; // "hoodi"
 * ```
 */
export function buildDepositData(params: BuildDepositDataParams): DepositDataJson {
  const secretKey = parseSecretKey(params.secretKey);
  const withdrawal_credentials = parseBytes(params.withdrawalCredentials, "withdrawalCredentials", 32);
  const forkVersion = parseBytes(params.forkVersion, "forkVersion", 4);
  const amount = params.amountGwei ?? FULL_DEPOSIT_GWEI;
  if (!Number.isSafeInteger(amount) || amount < MIN_DEPOSIT_GWEI) {
    throw new InvalidInputError(`amountGwei must be an integer ≥ ${MIN_DEPOSIT_GWEI}`, {
      details: String(amount),
    });
  }

  // BLS signatures are deterministic: blst (native, where it loads) and noble sign identically.
  const native = loadBlst();
  const sk = native?.SecretKey.fromBytes(secretKey);
  const pubkey = sk ? sk.toPublicKey().toBytes(true) : bls.getPublicKey(secretKey).toBytes(true);
  const messageRoot = DepositMessage.hashTreeRoot({ pubkey, withdrawal_credentials, amount });
  const signingRoot = computeSigningRoot(messageRoot, computeDepositDomain(forkVersion));
  const signature = sk
    ? sk.sign(signingRoot).toBytes(true)
    : bls.Signature.toBytes(bls.sign(bls.hash(signingRoot, BLS_DST), secretKey));
  const dataRoot = DepositData.hashTreeRoot({ pubkey, withdrawal_credentials, amount, signature });

  const forkHex = bytesToHex(forkVersion, false);
  const network_name = networkNameOf(forkHex);
  return {
    pubkey: bytesToHex(pubkey, false),
    withdrawal_credentials: bytesToHex(withdrawal_credentials, false),
    amount,
    signature: bytesToHex(signature, false),
    deposit_message_root: bytesToHex(messageRoot, false),
    deposit_data_root: bytesToHex(dataRoot, false),
    fork_version: forkHex,
    ...(network_name !== undefined ? { network_name } : {}),
    deposit_cli_version: DEPOSIT_CLI_VERSION,
  };
}

/* -------------------------------------------------------------------------- */
/*                                    Check                                   */
/* -------------------------------------------------------------------------- */

const hexField = (bytes: number) =>
  z.string().superRefine((s, ctx) => {
    const digits = s.startsWith("0x") ? s.slice(2) : s;
    if (!/^[0-9a-fA-F]*$/.test(digits)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "not hex" });
    } else if (digits.length !== bytes * 2) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be ${bytes} bytes, got ${digits.length / 2}`,
      });
    }
  });

const amountField = z.union(
  [
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .regex(/^\d+$/, "not a decimal integer")
      .transform(Number)
      .refine(Number.isSafeInteger, "too large"),
  ],
  { errorMap: () => ({ message: "must be an integer number of gwei" }) },
);

const EntrySchema = z.object({
  pubkey: hexField(48),
  withdrawal_credentials: hexField(32),
  amount: amountField,
  signature: hexField(96),
  deposit_message_root: hexField(32),
  deposit_data_root: hexField(32),
  fork_version: hexField(4),
  network_name: z.string().optional(),
  deposit_cli_version: z.string().optional(),
});

/**
 * Check every entry of a deposit-data file before any key is uploaded or deposited: shape,
 * lengths and hex (zod, one message per bad entry), `deposit_message_root` and
 * `deposit_data_root` recomputed with SSZ, the BLS signature under the deposit domain of
 * `forkVersion`, the `fork_version` field, the amount, the withdrawal credentials, and duplicate
 * pubkeys within the file (each later copy is flagged). Never throws on a bad entry; throws
 * {@link InvalidInputError} only for bad options or a non-array input.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const results = checkDepositDataFile(JSON.parse(readFileSync("deposit_data.json", "utf8")), {
 *   forkVersion: NETWORK_FORK_VERSIONS.mainnet,
 *   withdrawalVault: "0x1111111111111111111111111111111111111111",
 * });
 * for (const r of results) if (!r.ok) console.log(`#${r.index} ${r.pubkey}: ${r.errors.join("; ")}`);
 * ```
 */
export function checkDepositDataFile(entries: unknown, options: CheckDepositDataOptions): DepositDataCheck[] {
  if (!Array.isArray(entries)) {
    throw new InvalidInputError("deposit data must be a JSON array of entries");
  }
  const forkVersion = parseBytes(options.forkVersion, "forkVersion", 4);
  const forkHex = bytesToHex(forkVersion, false);
  const domain = computeDepositDomain(forkVersion);
  const expectedCredentials =
    options.withdrawalVault === undefined
      ? undefined
      : withdrawalCredentialsFor(options.withdrawalVault).slice(2);
  const expectedAmount = options.expectedAmountGwei ?? FULL_DEPOSIT_GWEI;
  if (!Number.isSafeInteger(expectedAmount) || expectedAmount < 0) {
    throw new InvalidInputError("expectedAmountGwei must be a non-negative integer", {
      details: String(expectedAmount),
    });
  }

  const backend = blsBackend(options.bls ?? "auto");
  const jobs: SignatureJob[] = [];
  const firstIndexOfPubkey = new Map<string, number>();
  const results = entries.map((raw: unknown, index): DepositDataCheck => {
    const rawPubkey =
      typeof raw === "object" && raw !== null && typeof (raw as { pubkey?: unknown }).pubkey === "string"
        ? (raw as { pubkey: string }).pubkey
        : "";
    const result: DepositDataCheck = { index, pubkey: rawPubkey, ok: true, errors: [], codes: [] };
    const fail = (code: DepositDataIssue, message: string) => {
      result.ok = false;
      result.codes.push(code);
      result.errors.push(`${code}: ${message}`);
    };

    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) =>
        i.path.length ? `${i.path.join(".")} ${i.message}` : i.message,
      );
      fail("InvalidEntry", issues.join("; "));
      return result;
    }
    const e = parsed.data;
    const norm = (s: string) => (s.startsWith("0x") ? s.slice(2) : s).toLowerCase();
    const pubkeyHex = norm(e.pubkey);

    const seenAt = firstIndexOfPubkey.get(pubkeyHex);
    if (seenAt !== undefined) fail("DuplicatePubkey", `same pubkey as entry ${seenAt}`);
    else firstIndexOfPubkey.set(pubkeyHex, index);

    if (norm(e.fork_version) !== forkHex) {
      fail("ForkVersionMismatch", `fork_version is ${norm(e.fork_version)}, expected ${forkHex}`);
    }
    const knownName = networkNameOf(norm(e.fork_version));
    if (e.network_name !== undefined && knownName !== undefined && e.network_name !== knownName) {
      fail("NetworkNameMismatch", `network_name is ${e.network_name}, fork_version is ${knownName}'s`);
    }
    if (e.amount !== expectedAmount) {
      fail("WrongAmount", `amount is ${e.amount} gwei, expected ${expectedAmount}`);
    }
    const credentials = norm(e.withdrawal_credentials);
    if (expectedCredentials !== undefined && credentials !== expectedCredentials) {
      fail(
        "WrongWithdrawalCredentials",
        `withdrawal_credentials ${credentials}, expected ${expectedCredentials}`,
      );
    } else if (expectedCredentials === undefined && !["00", "01", "02"].includes(credentials.slice(0, 2))) {
      fail(
        "WrongWithdrawalCredentials",
        `unknown withdrawal credentials prefix 0x${credentials.slice(0, 2)}`,
      );
    }

    const data = toSszDepositData(e);
    const messageRoot = DepositMessage.hashTreeRoot({
      pubkey: data.pubkey,
      withdrawal_credentials: data.withdrawal_credentials,
      amount: data.amount,
    });
    if (bytesToHex(messageRoot, false) !== norm(e.deposit_message_root)) {
      fail("DepositMessageRootMismatch", `recomputed ${bytesToHex(messageRoot, false)}`);
    }
    const dataRoot = DepositData.hashTreeRoot(data);
    if (bytesToHex(dataRoot, false) !== norm(e.deposit_data_root)) {
      fail("DepositDataRootMismatch", `recomputed ${bytesToHex(dataRoot, false)}`);
    }

    // Signatures are verified together below (batch verification is what makes 1,000 keys fast).
    jobs.push({
      fail,
      pubkey: data.pubkey,
      signature: data.signature,
      signingRoot: computeSigningRoot(messageRoot, domain),
    });
    return result;
  });
  const total = entries.length;
  let done = total - jobs.length; // entries refused before their signature (bad shape)
  options.onProgress?.(done, total);
  for (let i = 0; i < jobs.length; i += SIGNATURE_CHUNK) {
    const chunk = jobs.slice(i, i + SIGNATURE_CHUNK);
    backend(chunk).forEach((issue, k) => {
      if (issue !== undefined)
        chunk[k]!.fail(issue.code, issue.message === BAD_SIGNATURE ? BAD_SIGNATURE + forkHex : issue.message);
    });
    done += chunk.length;
    options.onProgress?.(done, total);
  }
  return results;
}

/* -------------------------------------------------------------------------- */
/*                                  Internals                                 */
/* -------------------------------------------------------------------------- */

function parseSecretKey(secretKey: BytesInput): Uint8Array {
  const sk = parseBytes(secretKey, "secretKey", 32);
  const scalar = BigInt(bytesToHex(sk));
  if (scalar === 0n || scalar >= CURVE_ORDER) {
    throw new InvalidInputError("secretKey must be a scalar in [1, r)");
  }
  return sk;
}

function networkNameOf(forkHex: string): NetworkName | undefined {
  return (Object.keys(NETWORK_FORK_VERSIONS) as NetworkName[]).find(
    (n) => NETWORK_FORK_VERSIONS[n] === forkHex,
  );
}

function toSszDepositData(
  entry: Pick<DepositDataJson, "pubkey" | "withdrawal_credentials" | "amount" | "signature">,
): DepositData {
  return {
    pubkey: parseBytes(entry.pubkey, "pubkey", 48),
    withdrawal_credentials: parseBytes(entry.withdrawal_credentials, "withdrawal_credentials", 32),
    amount: Number(entry.amount),
    signature: parseBytes(entry.signature, "signature", 96),
  };
}

/** Signatures verified per batch (and per progress step). */
const SIGNATURE_CHUNK = 64;
const BAD_SIGNATURE = "does not verify under the deposit domain of fork ";

interface SignatureJob {
  fail: (code: DepositDataIssue, message: string) => void;
  pubkey: Uint8Array;
  signature: Uint8Array;
  signingRoot: Uint8Array;
}
type SignatureIssue = { code: DepositDataIssue; message: string } | undefined;
/** Verifies a chunk; one issue (or undefined when the signature verifies) per job, in order. */
type BlsBackend = (jobs: SignatureJob[]) => SignatureIssue[];

type Blst = typeof import("@chainsafe/blst");
let blst: Blst | null | undefined;

/**
 * @chainsafe/blst, loaded without a static import so the module still runs in browsers (where
 * there is no `node:module`, it is simply absent). `null` when it cannot load.
 */
function loadBlst(): Blst | null {
  if (blst !== undefined) return blst;
  try {
    const mod = (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
    ).process?.getBuiltinModule?.("node:module") as typeof import("node:module") | undefined;
    blst = mod ? (mod.createRequire(import.meta.url)("@chainsafe/blst") as Blst) : null;
  } catch {
    blst = null;
  }
  return blst;
}

function blsBackend(kind: "auto" | "native" | "noble"): BlsBackend {
  if (kind === "noble") return (jobs) => jobs.map(verifyWithNoble);
  const native = loadBlst();
  if (native) return (jobs) => verifyWithBlst(native, jobs);
  if (kind === "native")
    throw new InvalidInputError("bls: native verification needs @chainsafe/blst (Node, prebuilt binary)");
  return (jobs) => jobs.map(verifyWithNoble);
}

/**
 * Decodes each key and signature (KeyValidate: on the curve, in the subgroup, not the identity;
 * signatures subgroup-checked), then verifies the chunk with one randomized batch check
 * (`verifyMultipleAggregateSignatures`, a multi-pairing). Only when the batch fails is each
 * signature verified alone, to name the bad ones.
 */
function verifyWithBlst(b: Blst, jobs: SignatureJob[]): SignatureIssue[] {
  const issues: SignatureIssue[] = new Array(jobs.length).fill(undefined);
  const sets: {
    msg: Uint8Array;
    pk: InstanceType<Blst["PublicKey"]>;
    sig: InstanceType<Blst["Signature"]>;
  }[] = [];
  const at: number[] = [];
  jobs.forEach((j, k) => {
    let pk;
    try {
      pk = b.PublicKey.fromBytes(j.pubkey, true);
    } catch (err) {
      issues[k] = { code: "InvalidPubkey", message: `not a valid G1 point (${(err as Error).message})` };
      return;
    }
    let sig;
    try {
      sig = b.Signature.fromBytes(j.signature, true);
    } catch (err) {
      issues[k] = { code: "InvalidSignature", message: `not a valid G2 point (${(err as Error).message})` };
      return;
    }
    sets.push({ msg: j.signingRoot, pk, sig });
    at.push(k);
  });
  if (sets.length > 0 && !b.verifyMultipleAggregateSignatures(sets, false, false)) {
    sets.forEach((s, n) => {
      if (!b.verify(s.msg, s.pk, s.sig, false, false))
        issues[at[n]!] = { code: "InvalidSignature", message: BAD_SIGNATURE };
    });
  }
  return issues;
}

/** Returns the issue, or undefined when the signature verifies. Decoding errors are issues too. */
function verifyWithNoble(job: SignatureJob): SignatureIssue {
  let pkPoint;
  try {
    pkPoint = bls12_381.G1.Point.fromBytes(job.pubkey);
    pkPoint.assertValidity();
  } catch (err) {
    return { code: "InvalidPubkey", message: `not a valid G1 point (${(err as Error).message})` };
  }
  // The spec's KeyValidate rejects the identity: it would verify the identity signature on anything.
  if (pkPoint.is0()) return { code: "InvalidPubkey", message: "public key is the point at infinity" };
  let sigPoint;
  try {
    sigPoint = bls.Signature.fromBytes(job.signature);
    sigPoint.assertValidity();
  } catch (err) {
    return { code: "InvalidSignature", message: `not a valid G2 point (${(err as Error).message})` };
  }
  if (!bls.verify(sigPoint, bls.hash(job.signingRoot, BLS_DST), pkPoint)) {
    return { code: "InvalidSignature", message: BAD_SIGNATURE };
  }
  return undefined;
}

/**
 * Why a key's 32 ETH deposit would be dropped by the beacon chain, or `undefined` when its deposit
 * signature verifies: the pubkey must be a valid G1 point and the signature a valid G2 point over
 * `DepositMessage(pubkey, withdrawalCredentials, amount)` under the deposit domain of `forkVersion`.
 * What the deposit guardians check for every key a deposit may use (DESIGN §7).
 *
 * @example
 * ```ts
 * const issue = depositKeyIssue(pubkey, signature, await router.withdrawalCredentials(), "0x00000000");
 * if (issue) console.log(`${issue.code}: ${issue.message}`);
 * ```
 */
export function depositKeyIssue(
  pubkey: BytesInput,
  signature: BytesInput,
  withdrawalCredentials: BytesInput,
  forkVersion: BytesInput,
  amountGwei: number = FULL_DEPOSIT_GWEI,
): { code: DepositDataIssue; message: string } | undefined {
  const pk = parseBytes(pubkey, "pubkey", 48);
  const sig = parseBytes(signature, "signature", 96);
  const fork = parseBytes(forkVersion, "forkVersion", 4);
  const messageRoot = DepositMessage.hashTreeRoot({
    pubkey: pk,
    withdrawal_credentials: parseBytes(withdrawalCredentials, "withdrawalCredentials", 32),
    amount: amountGwei,
  });
  const forkHex = bytesToHex(fork, false);
  const job: SignatureJob = {
    fail: () => undefined,
    pubkey: pk,
    signature: sig,
    signingRoot: computeSigningRoot(messageRoot, computeDepositDomain(fork)),
  };
  const [issue] = blsBackend("auto")([job]);
  if (issue && issue.message === BAD_SIGNATURE) return { code: issue.code, message: BAD_SIGNATURE + forkHex };
  return issue;
}
