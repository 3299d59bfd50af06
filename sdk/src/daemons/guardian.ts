/**
 * Deposit guardian (DESIGN §7). For one module at a time it checks every key a deposit to that
 * module may use — all of the module's depositable keys, in plan order — before signing:
 * - the deposit contract has no earlier deposit for the pubkey (its `DepositEvent` history): on the
 *   beacon chain the first deposit fixes the withdrawal credentials, so an operator that deposits
 *   1 ETH for its key with its own credentials would otherwise take the router's 32 ETH;
 * - the key's deposit signature verifies under the fork's deposit domain with Cascade's withdrawal
 *   credentials and 32 ETH (a bad one is dropped by the beacon chain and the ETH lost).
 * All clean: it signs, with EIP-712, (module id, the module's key nonce, deposit root, block). Any
 * violation: it signs a PAUSE OF THAT MODULE (bound to the module's pause nonce) instead, and never
 * an attestation: deposits to the other modules go on, so one hostile operator cannot stop them.
 * The router takes a quorum of attestations per module, so activity in another module never
 * invalidates them, and the module's nonce changes only when its depositable keys change.
 * (`signPause` signs the global pause, which stays for emergencies.)
 *
 * Each public method does one idempotent step on the current chain state (`check`, `decide`,
 * `submitPause`), so a long-running wrapper can call them on every block.
 */
import { Contract, Interface, Signature, type Provider, type Signer, type TypedDataDomain } from "ethers";
import { depositKeyIssue } from "../beacon/depositData.js";
import { DEPOSIT_CONTRACT_ABI, DEPOSIT_SECURITY_ABI, MODULE_ABI, ROUTER_ABI } from "./abi.js";
import { EventKeySource, type KeySource } from "./keys.js";

export interface AttestationValue {
  moduleId: number;
  keyNonce: bigint;
  depositRoot: string;
  blockNumber: number;
  blockHash: string;
}

export interface Attestation extends AttestationValue {
  /** Compact (r, yParity‖s) signatures, signers in ascending address order. */
  signatures: { r: string; vs: string }[];
}

export const ATTESTATION_TYPES = {
  Attestation: [
    { name: "moduleId", type: "uint256" },
    { name: "keyNonce", type: "uint256" },
    { name: "depositRoot", type: "bytes32" },
    { name: "blockNumber", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
  ],
};

export const PAUSE_TYPES = {
  Pause: [
    { name: "blockNumber", type: "uint256" },
    { name: "pauseNonce", type: "uint256" },
  ],
};

/** A guardian's pause of one module (`pauseModuleWithSignature`), under that module's pause nonce. */
export const MODULE_PAUSE_TYPES = {
  ModulePause: [
    { name: "moduleId", type: "uint256" },
    { name: "blockNumber", type: "uint256" },
    { name: "pauseNonce", type: "uint256" },
  ],
};

export interface GuardianAddresses {
  router: string;
  depositContract: string;
  depositSecurity: string;
}

export interface GuardianOptions {
  /**
   * Genesis fork version of the chain (deposit signatures use it whatever the current fork);
   * default "0x00000000" (mainnet, and the devnet keys of `makeKeys`).
   */
  forkVersion?: string;
  /** Where key bytes come from; default the modules' `KeysAdded` events. */
  keySource?: EventKeySource | KeySource;
  /** First block to scan for `DepositEvent`s (the deposit contract's deployment); default 0. */
  depositsFromBlock?: number;
}

/** A key a deposit could use that must not be deposited. */
export interface KeyViolation {
  moduleId: number;
  operatorId: bigint;
  keyIndex: number;
  /** 0x hex */
  pubkey: string;
  /** `PriorDeposit`: the deposit contract already has a deposit for the pubkey (front-run). */
  reason: "PriorDeposit" | "InvalidSignature" | "InvalidPubkey" | "UnknownKey";
  detail: string;
}

/** What a guardian decided for one module at one block. */
export type GuardianDecision =
  | { kind: "attest"; value: AttestationValue; address: string; signature: string }
  | {
      kind: "pause";
      moduleId: number;
      blockNumber: number;
      /** The module's pause nonce: the signature pauses module `moduleId` only. */
      pauseNonce: bigint;
      address: string;
      signature: string;
      violations: KeyViolation[];
    };

/** Thrown by `attest` when a guardian refused: carries the pause decision to submit. */
export class DepositPauseRequired extends Error {
  constructor(readonly decision: Extract<GuardianDecision, { kind: "pause" }>) {
    const v = decision.violations
      .map((x) => `${x.reason} for key ${x.keyIndex} of operator ${x.operatorId} (${x.pubkey.slice(0, 18)}…)`)
      .join("; ");
    super(`guardian ${decision.address} pauses deposits to module ${decision.moduleId}: ${v}`);
    this.name = "DepositPauseRequired";
  }
}

const DEPOSIT_EVENT = new Interface(DEPOSIT_CONTRACT_ABI).getEvent("DepositEvent")!;

/** One guardian: checks a module's depositable keys and signs an attestation or a pause. */
export class Guardian {
  /** Pubkey (lowercase 0x hex) → block of its first `DepositEvent`. */
  private readonly deposited = new Map<string, number>();
  private scannedTo = -1;
  /** BLS verdicts per (pubkey ‖ signature ‖ credentials): they never change. */
  private readonly blsCache = new Map<string, ReturnType<typeof depositKeyIssue>>();
  private readonly forkVersion: string;
  private eventSource?: EventKeySource;

  constructor(
    readonly signer: Signer,
    readonly addresses: GuardianAddresses,
    readonly opts: GuardianOptions = {},
  ) {
    this.forkVersion = opts.forkVersion ?? "0x00000000";
  }

  private get provider(): Provider {
    return this.signer.provider!;
  }

  private async domain(): Promise<TypedDataDomain> {
    return {
      name: "Cascade DepositSecurity",
      version: "1",
      chainId: (await this.provider.getNetwork()).chainId,
      verifyingContract: this.addresses.depositSecurity,
    };
  }

  /** Signs an attestation value (no checks: `decide` is the checked path). */
  async sign(value: AttestationValue): Promise<{ address: string; signature: string }> {
    return {
      address: (await this.signer.getAddress()).toLowerCase(),
      signature: await this.signer.signTypedData(await this.domain(), ATTESTATION_TYPES, value),
    };
  }

  /** Signs a global pause at `blockNumber` under `pauseNonce` (what `pauseWithSignature` takes). */
  async signPause(blockNumber: number, pauseNonce: bigint): Promise<{ address: string; signature: string }> {
    return {
      address: (await this.signer.getAddress()).toLowerCase(),
      signature: await this.signer.signTypedData(await this.domain(), PAUSE_TYPES, {
        blockNumber,
        pauseNonce,
      }),
    };
  }

  /**
   * Signs a pause of module `moduleId` at `blockNumber` under the module's `pauseNonce` (what
   * `pauseModuleWithSignature` takes).
   */
  async signModulePause(
    moduleId: number,
    blockNumber: number,
    pauseNonce: bigint,
  ): Promise<{ address: string; signature: string }> {
    return {
      address: (await this.signer.getAddress()).toLowerCase(),
      signature: await this.signer.signTypedData(await this.domain(), MODULE_PAUSE_TYPES, {
        moduleId,
        blockNumber,
        pauseNonce,
      }),
    };
  }

  /**
   * Pubkeys (lowercase 0x hex) with a `DepositEvent`, each with the block of its first one, scanned
   * incrementally up to `toBlock` (later deposits may be in the map from an earlier, newer scan:
   * callers compare the block).
   */
  private async depositedPubkeys(toBlock: number): Promise<Map<string, number>> {
    const from = Math.max(this.scannedTo + 1, this.opts.depositsFromBlock ?? 0);
    if (from <= toBlock) {
      const logs = await this.provider.getLogs({
        address: this.addresses.depositContract,
        topics: [DEPOSIT_EVENT.topicHash],
        fromBlock: from,
        toBlock,
      });
      const iface = new Interface(DEPOSIT_CONTRACT_ABI);
      for (const l of logs) {
        const pubkey = (iface.parseLog(l)!.args.pubkey as string).toLowerCase();
        if (!this.deposited.has(pubkey)) this.deposited.set(pubkey, l.blockNumber);
      }
      this.scannedTo = toBlock;
    }
    return this.deposited;
  }

  private async keySource(router: Contract, toBlock: number): Promise<KeySource> {
    const s = this.opts.keySource;
    if (s instanceof EventKeySource) {
      await s.refresh(toBlock);
      return s.source;
    }
    if (s) return s;
    if (!this.eventSource) {
      const n = Number(await router.moduleCount({ blockTag: toBlock }));
      const modules: string[] = [];
      for (let i = 0; i < n; i++) modules.push((await router.getModule(i, { blockTag: toBlock })).module);
      this.eventSource = new EventKeySource(this.provider, modules);
    }
    await this.eventSource.refresh(toBlock);
    return this.eventSource.source;
  }

  /**
   * Looks at module `moduleId` at block `at` (default the latest): the attestation value and every
   * violation among the keys a deposit to it may use (all its depositable keys, in plan order).
   */
  async check(
    moduleId: number,
    at?: number,
  ): Promise<{ value: AttestationValue; violations: KeyViolation[] }> {
    const block = await this.provider.getBlock(at ?? "latest");
    if (!block) throw new Error(`guardian: no block ${at} on this node`);
    const blockTag = block.number;
    const router = new Contract(this.addresses.router, ROUTER_ABI, this.provider);
    const dc = new Contract(this.addresses.depositContract, DEPOSIT_CONTRACT_ABI, this.provider);
    const mod = new Contract(
      (await router.getModule(moduleId, { blockTag })).module,
      MODULE_ABI,
      this.provider,
    );
    const [depositRoot, keyNonce, depositable, wc]: [string, bigint, bigint, string] = await Promise.all([
      dc.get_deposit_root({ blockTag }),
      mod.keyNonce({ blockTag }),
      mod.depositableKeys({ blockTag }),
      router.withdrawalCredentials({ blockTag }),
    ]);
    const violations: KeyViolation[] = [];
    if (depositable > 0n) {
      const [ops, firsts, counts]: bigint[][] = await mod.depositPlan(depositable, { blockTag });
      const [source, deposited] = await Promise.all([
        this.keySource(router, blockTag),
        this.depositedPubkeys(blockTag),
      ]);
      for (let r = 0; r < ops.length; r++) {
        const list = await source(moduleId, ops[r]);
        for (let k = Number(firsts[r]); k < Number(firsts[r] + counts[r]); k++) {
          const key = list[k];
          const base = { moduleId, operatorId: ops[r], keyIndex: k };
          if (!key) {
            violations.push({ ...base, pubkey: "0x", reason: "UnknownKey", detail: "no KeysAdded bytes" });
            continue;
          }
          const pubkey = "0x" + key.pubkey.toLowerCase();
          // A deposit after `blockTag` (e.g. the router's own, when an older block is asked) is not prior.
          if ((deposited.get(pubkey) ?? Infinity) <= blockTag)
            violations.push({
              ...base,
              pubkey,
              reason: "PriorDeposit",
              detail: "the deposit contract already has a deposit for this pubkey",
            });
          const cacheKey = key.pubkey + key.signature + wc;
          if (!this.blsCache.has(cacheKey))
            this.blsCache.set(cacheKey, depositKeyIssue(key.pubkey, key.signature, wc, this.forkVersion));
          const issue = this.blsCache.get(cacheKey);
          if (issue)
            violations.push({
              ...base,
              pubkey,
              reason: issue.code === "InvalidPubkey" ? "InvalidPubkey" : "InvalidSignature",
              detail: issue.message,
            });
        }
      }
    }
    return {
      value: { moduleId, keyNonce, depositRoot, blockNumber: block.number, blockHash: block.hash! },
      violations,
    };
  }

  /**
   * `check` at block `at` (default the latest), then an attestation when clean, a signed pause of
   * that module (its pause nonce at that block) otherwise.
   */
  async decide(moduleId: number, at?: number): Promise<GuardianDecision> {
    const { value, violations } = await this.check(moduleId, at);
    if (violations.length === 0) return { kind: "attest", value, ...(await this.sign(value)) };
    const ds = new Contract(this.addresses.depositSecurity, DEPOSIT_SECURITY_ABI, this.provider);
    const pauseNonce: bigint = await ds.modulePauseNonce(moduleId, { blockTag: value.blockNumber });
    const signed = await this.signModulePause(moduleId, value.blockNumber, pauseNonce);
    return { kind: "pause", moduleId, blockNumber: value.blockNumber, pauseNonce, violations, ...signed };
  }
}

/**
 * Submits a guardian's pause of one module through `pauseModuleWithSignature` (anyone may send
 * it); a no-op when that module is already paused. Returns the transaction hash when one was sent.
 */
export async function submitPause(
  sender: Signer,
  depositSecurity: string,
  decision: Extract<GuardianDecision, { kind: "pause" }>,
): Promise<string | undefined> {
  const ds = new Contract(depositSecurity, DEPOSIT_SECURITY_ABI, sender);
  if (await ds.isModulePaused(decision.moduleId)) return undefined;
  const s = Signature.from(decision.signature);
  const tx = await ds.pauseModuleWithSignature(decision.moduleId, decision.blockNumber, {
    r: s.r,
    vs: s.yParityAndS,
  });
  await tx.wait();
  return tx.hash;
}

/**
 * Every guardian decides on module `moduleId`; all attest → the attestation with signatures in
 * ascending signer order. Any guardian that found a violation → throws `DepositPauseRequired`
 * with its pause decision (submit it with `submitPause`). Every guardian decides at the same block:
 * `at`, default the latest block of the first guardian's node.
 */
export async function attest(guardians: Guardian[], moduleId: number, at?: number): Promise<Attestation> {
  if (guardians.length === 0) throw new Error("attest: no guardians");
  const block = at ?? (await guardians[0]!.signer.provider!.getBlockNumber());
  const decisions = await Promise.all(guardians.map((g) => g.decide(moduleId, block)));
  const pause = decisions.find((d) => d.kind === "pause");
  if (pause) throw new DepositPauseRequired(pause);
  const signed = decisions as Extract<GuardianDecision, { kind: "attest" }>[];
  const value = signed[0].value;
  for (const d of signed)
    if (d.value.blockNumber !== value.blockNumber || d.value.keyNonce !== value.keyNonce)
      throw new Error("guardians looked at different blocks: retry");
  signed.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = signed.map(({ signature }) => {
    const s = Signature.from(signature);
    return { r: s.r, vs: s.yParityAndS };
  });
  return { ...value, signatures };
}
