/**
 * Validator keys as the keeper needs them: generated for devnets (real BLS signatures), or read
 * back from the modules' `KeysAdded` events (modules keep only commitments, DESIGN §7), then laid
 * out in each module's deposit plan order for `depositToBeacon`.
 */
import { Contract, type ContractRunner, type Provider } from "ethers";
import {
  buildDepositData,
  depositDataRootHex,
  deterministicSecretKey,
  FULL_DEPOSIT_GWEI,
} from "../beacon/depositData.js";
import { MODULE_ABI, ROUTER_ABI } from "./abi.js";

/** Keys of one upload: concatenated 0x hex (48-byte pubkeys, 96-byte signatures) and each key's deposit_data_root. */
export interface KeyBatch {
  pubkeys: string;
  signatures: string;
  roots: string[];
}

/** One key, unprefixed hex. */
export interface Key {
  pubkey: string;
  signature: string;
}

/** The keys a module must supply for one `depositToBeacon`, in its plan order. */
export interface ModuleKeys {
  pubkeys: string;
  signatures: string;
  depositDataRoots: string[];
}

/** Keys of `operatorId` in module `moduleId`, indexed by key index (unprefixed hex). */
export type KeySource = (moduleId: number, operatorId: bigint) => Promise<Key[]> | Key[];

/**
 * `count` BLS-valid deposit data entries for `withdrawalCredentials` (mainnet fork version),
 * from deterministic secret keys `seed`/`from…from+count−1`. Devnets and tests only.
 *
 * @example
 * ```ts
 * const batch = makeKeys("op-1", 0, 4, await router.withdrawalCredentials());
 * await module.addKeys(0, batch.pubkeys, batch.signatures);
 * ```
 */
export function makeKeys(seed: string, from: number, count: number, withdrawalCredentials: string): KeyBatch {
  const pubkeys: string[] = [];
  const signatures: string[] = [];
  const roots: string[] = [];
  for (let i = from; i < from + count; i++) {
    const d = buildDepositData({
      secretKey: deterministicSecretKey(seed, i),
      withdrawalCredentials,
      forkVersion: "0x00000000",
    });
    pubkeys.push(d.pubkey);
    signatures.push(d.signature);
    roots.push("0x" + d.deposit_data_root);
  }
  return { pubkeys: "0x" + pubkeys.join(""), signatures: "0x" + signatures.join(""), roots };
}

/** Splits batches into single keys, in upload order. */
export function flattenBatches(batches: KeyBatch[]): Key[] {
  const out: Key[] = [];
  for (const b of batches) {
    const p = b.pubkeys.slice(2);
    const s = b.signatures.slice(2);
    for (let i = 0; i * 96 < p.length; i++)
      out.push({ pubkey: p.slice(i * 96, (i + 1) * 96), signature: s.slice(i * 192, (i + 1) * 192) });
  }
  return out;
}

/** A key source over batches the caller uploaded itself, keyed `"<moduleId>:<operatorId>"`. */
export function uploadedKeySource(uploaded: Map<string, KeyBatch[]>): KeySource {
  return (moduleId, operatorId) => flattenBatches(uploaded.get(`${moduleId}:${operatorId}`) ?? []);
}

/**
 * A key source that reads `KeysAdded` (and honours `KeysRemoved`) events of each module — what a
 * keeper that uploaded nothing itself uses. Logs are read once per call of `refresh`.
 */
export class EventKeySource {
  private keys = new Map<string, Key[]>();
  private lastBlock = -1;
  constructor(
    private readonly provider: Provider,
    private readonly modules: string[],
  ) {}

  /** Reads the logs up to `toBlock` (default latest). */
  async refresh(toBlock?: number): Promise<void> {
    const to = toBlock ?? (await this.provider.getBlockNumber());
    if (to <= this.lastBlock) return;
    for (const [id, address] of this.modules.entries()) {
      const c = new Contract(address, MODULE_ABI, this.provider);
      const logs = await c.queryFilter("*", this.lastBlock + 1, to);
      for (const log of logs) {
        if (!("args" in log)) continue;
        const op = log.args.operatorId as bigint;
        const k = `${id}:${op}`;
        const list = this.keys.get(k) ?? [];
        if (log.eventName === "KeysAdded") {
          const first = Number(log.args.firstIndex as bigint);
          const p = (log.args.pubkeys as string).slice(2);
          const s = (log.args.signatures as string).slice(2);
          for (let i = 0; i * 96 < p.length; i++)
            list[first + i] = {
              pubkey: p.slice(i * 96, (i + 1) * 96),
              signature: s.slice(i * 192, (i + 1) * 192),
            };
        } else if (log.eventName === "KeysRemoved") {
          list.length = Math.min(list.length, Number(log.args.newTotal as bigint));
        }
        this.keys.set(k, list);
      }
    }
    this.lastBlock = to;
  }

  /** The source function for `keysForDeposit`. */
  readonly source: KeySource = (moduleId, operatorId) => this.keys.get(`${moduleId}:${operatorId}`) ?? [];

  /** Every known pubkey (0x hex) → its module and operator. */
  pubkeyOwners(): Map<string, { moduleId: number; operatorId: bigint; keyIndex: number }> {
    const out = new Map<string, { moduleId: number; operatorId: bigint; keyIndex: number }>();
    for (const [k, list] of this.keys) {
      const [m, o] = k.split(":");
      list.forEach((key, i) => {
        if (key) out.set("0x" + key.pubkey, { moduleId: Number(m), operatorId: BigInt(o), keyIndex: i });
      });
    }
    return out;
  }
}

/**
 * The keys each module must supply for `n` deposits: the router's allocation preview, then each
 * module's `depositPlan`, filled from `source`. Roots are recomputed (never trusted from events).
 * With `onlyModule`, only that module's keys are laid out (the others' entries stay empty).
 */
export async function keysForDeposit(
  runner: ContractRunner,
  routerAddress: string,
  n: number | bigint,
  source: KeySource,
  onlyModule?: number,
): Promise<{ alloc: bigint[]; total: bigint; keys: ModuleKeys[] }> {
  const router = new Contract(routerAddress, ROUTER_ABI, runner);
  const [alloc, total]: [bigint[], bigint] = await router.previewAllocation(n);
  const wc: string = await router.withdrawalCredentials();
  const keys: ModuleKeys[] = [];
  for (const [id, count] of [...alloc].entries()) {
    const mod = new Contract((await router.getModule(id)).module, MODULE_ABI, runner);
    let pk = "0x";
    let sg = "0x";
    const roots: string[] = [];
    if (count > 0n && (onlyModule === undefined || onlyModule === id)) {
      const [ops, firsts, counts]: bigint[][] = await mod.depositPlan(count);
      for (let r = 0; r < ops.length; r++) {
        const list = await source(id, ops[r]);
        for (let k = Number(firsts[r]); k < Number(firsts[r] + counts[r]); k++) {
          const key = list[k];
          if (!key) throw new Error(`keeper: key ${k} of operator ${ops[r]} in module ${id} is unknown`);
          pk += key.pubkey;
          sg += key.signature;
          roots.push(
            depositDataRootHex({
              pubkey: key.pubkey,
              withdrawal_credentials: wc,
              amount: FULL_DEPOSIT_GWEI,
              signature: key.signature,
            }),
          );
        }
      }
    }
    keys.push({ pubkeys: pk, signatures: sg, depositDataRoots: roots });
  }
  return { alloc: [...alloc], total, keys };
}
