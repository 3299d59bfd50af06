/**
 * Keeper (DESIGN §1): permissionless upkeep, nothing on behalf of others.
 * - `depositBuffered`: asks the router how many validators the buffer allows (redemption demand
 *   is served first), lays out every module's share of that allocation in its plan order from the
 *   modules' `KeysAdded` events (or any key source), gets a fresh guardian attestation per module
 *   with a share (the guardians check every depositable key of it first) and sends them all in
 *   ONE `depositToBeaconBatch` (the router computes the allocation once). If that call would
 *   revert (e.g. one module's key nonce moved after the guardians looked), it falls back to one
 *   `depositToBeacon(moduleId, …)` per module, so one module's activity never blocks another's
 *   deposit. When a guardian finds a front-run or invalid key it signs a pause of that module
 *   instead: the keeper submits it (`pauseModuleWithSignature`) and goes on with the other modules.
 *   Modules already paused by a guardian are skipped; a global pause stops the whole run.
 * - `executeDueSlashes`: executes every pending service slash whose veto window is over
 *   (`registry.pendingSlashes()`, `requestedAt + vetoWindow ≤ now`); vetoed ones are no longer pending.
 * - `forceOverdueExits`: for every operator whose exit requests are overdue (`exitOverdue`), calls
 *   `ExitManager.forceExit` (the router's EXIT_MANAGER_ROLE holder) with its deposited keys (from `KeysAdded` events) not yet requested through
 *   EIP-7002 (the WithdrawalVault's `ExitRequestSent` events), paying the request fee per key.
 * It never claims payouts or redemptions: those belong to their owners.
 */
import { Contract, Interface, type Signer } from "ethers";
import { BeaconApi } from "../beacon/api.js";
import { exitManagerOf } from "../exits.js";
import {
  DEPOSIT_SECURITY_ABI,
  MODULE_ABI,
  POOL_ABI,
  REGISTRY_ABI,
  EXIT_MANAGER_ABI,
  ROUTER_ABI,
  WITHDRAWAL_VAULT_ABI,
} from "./abi.js";
import { attest, DepositPauseRequired, submitPause, type Guardian, type KeyViolation } from "./guardian.js";
import { EventKeySource, keysForDeposit, type KeySource } from "./keys.js";

const DEPOSIT = 32n * 10n ** 18n;

export interface KeeperResult {
  /** validators deposited per module id */
  alloc: bigint[];
  total: bigint;
  /** the last deposit transaction sent */
  txHash?: string;
  /** every deposit transaction sent: one `depositToBeaconBatch`, or per-module calls after a fallback */
  txHashes: string[];
  /** set when a guardian refused to attest to a module and signed a pause of it instead */
  paused?: { moduleId: number; guardian: string; violations: KeyViolation[]; txHash?: string | undefined };
  /** modules skipped because a guardian had paused them earlier (governance unpauses them) */
  skipped?: number[];
  /** modules whose deposit reverted (e.g. their key nonce moved after the attestation) */
  failed?: { moduleId: number; error: string }[];
}

/** One operator the keeper tried to force out. */
export interface ForcedExitResult {
  moduleId: number;
  operatorId: bigint;
  /** keys sent to `forceExit` (0x hex) */
  pubkeys: string[];
  /** total EIP-7002 fee paid (wei) */
  fee: bigint;
  txHash?: string;
  /** why nothing was sent, when the fee query or the call reverted */
  error?: string;
}

function short(e: unknown): string {
  const x = e as { shortMessage?: string; message?: string };
  return (x?.shortMessage ?? x?.message ?? String(e)).split("\n")[0];
}

export class Keeper {
  constructor(
    readonly signer: Signer,
    readonly addresses: {
      router: string;
      pool: string;
      /** Needed by `executeDueSlashes`. */
      serviceRegistry?: string;
      /** Needed by `forceOverdueExits` (its `ExitRequestSent` events; the EIP-7002 fee source). */
      withdrawalVault?: string;
      withdrawalRequests?: string;
      /** Sends `forceOverdueExits`' calls; found from the router's EXIT_MANAGER_ROLE when omitted. */
      exitManager?: string;
    },
    readonly guardians: Guardian[],
    /** Where key bytes come from: the modules' `KeysAdded` events (refreshed before each deposit) or any source. */
    readonly source: EventKeySource | KeySource,
    /**
     * A Beacon API node: forced exits then target only keys still `active_ongoing` and count keys
     * already exiting or exited as complied (the modules do not track exits per operator, so
     * `exitOverdue` alone cannot tell a compliant operator from an unresponsive one).
     */
    readonly opts: { beaconUrl?: string } = {},
  ) {}

  /** Validators the router can fund now: ⌊pool.depositable() / 32 ETH⌋ (buffered less service
   * debt and pending redemption demand). */
  async depositable(): Promise<bigint> {
    const pool = new Contract(this.addresses.pool, POOL_ABI, this.signer);
    const available: bigint = await pool.depositable();
    return available / DEPOSIT;
  }

  /**
   * Deposits up to `max` validators (default: all the buffer allows) in one `depositToBeaconBatch`
   * over every module with a share; no-op when nothing fits. A module a guardian pauses (now,
   * `paused`, or earlier, `skipped`) keeps its share buffered; the others go on. When the batch
   * would revert, falls back to one `depositToBeacon` per module: a module whose call reverts (its
   * nonce moved after the attestation) is reported in `failed` and retried next run.
   */
  async depositBuffered(max?: bigint): Promise<KeeperResult> {
    let n = await this.depositable();
    if (max !== undefined && max < n) n = max;
    const router = new Contract(this.addresses.router, ROUTER_ABI, this.signer);
    const moduleCount = Number(await router.moduleCount());
    const out: KeeperResult = { alloc: Array(moduleCount).fill(0n), total: 0n, txHashes: [] };
    if (n === 0n) return out;
    const security = this.guardians[0]?.addresses.depositSecurity;
    const ds = security ? new Contract(security, DEPOSIT_SECURITY_ABI, this.signer) : undefined;
    if (ds && (await ds.isPaused())) return out; // the emergency pause: nothing to do until governance
    const source = this.source instanceof EventKeySource ? this.source.source : this.source;
    if (this.source instanceof EventKeySource) await this.source.refresh();
    // maxCount must be the `n` the keys were laid out for: the allocation of n can place fewer
    // than n validators (targets floor), and allocating that smaller total differs again.
    const { alloc, keys } = await keysForDeposit(this.signer, this.addresses.router, n, source);
    const ids = alloc.flatMap((c, id) => (c > 0n ? [id] : []));
    if (ids.length === 0) return out;
    const atts: Awaited<ReturnType<typeof attest>>[] = [];
    const batch: number[] = [];
    for (const id of ids) {
      if (ds && (await ds.isModulePaused(id))) {
        (out.skipped ??= []).push(id);
        continue;
      }
      const att = await this.attestOrPause(id, out);
      if (!att) continue; // paused now: its share stays buffered, the others still deposit
      batch.push(id);
      atts.push(att);
    }
    if (batch.length === 0) return out;
    // A batch that would revert, or reverts on chain (an upload front-ran it and moved one
    // module's nonce), falls back to per-module calls: a hostile operator can cost the keeper a
    // reverted batch, but cannot hold back the other modules' deposits.
    try {
      const tx = await router.depositToBeaconBatch(
        batch,
        n,
        batch.map((id) => keys[id]),
        atts,
      );
      await tx.wait();
      for (const id of batch) {
        out.alloc[id] += alloc[id];
        out.total += alloc[id];
      }
      out.txHash = tx.hash;
      out.txHashes.push(tx.hash);
      return out;
    } catch {
      return this.depositPerModule(router, ds, moduleCount, n, source, out);
    }
  }

  /** A fresh attestation for `moduleId`, or undefined after submitting a guardian's pause. */
  private async attestOrPause(moduleId: number, out: KeeperResult) {
    try {
      return await attest(this.guardians, moduleId);
    } catch (e) {
      if (!(e instanceof DepositPauseRequired)) throw e;
      const d = e.decision;
      const txHash = await submitPause(this.signer, this.guardians[0].addresses.depositSecurity, d);
      out.paused = { moduleId, guardian: d.address, violations: d.violations, txHash };
      return undefined;
    }
  }

  /** The fallback: one `depositToBeacon` per module with a share of what is left of `n`. */
  private async depositPerModule(
    router: Contract,
    ds: Contract | undefined,
    moduleCount: number,
    n: bigint,
    source: KeySource,
    out: KeeperResult,
  ): Promise<KeeperResult> {
    for (let id = 0; id < moduleCount && out.total < n; id++) {
      const left = n - out.total;
      const { alloc, keys } = await keysForDeposit(this.signer, this.addresses.router, left, source, id);
      if (alloc[id] === 0n || out.skipped?.includes(id) || out.paused?.moduleId === id) continue;
      if (ds && (await ds.isModulePaused(id))) {
        (out.skipped ??= []).push(id);
        continue;
      }
      const att = await this.attestOrPause(id, out);
      if (!att) continue; // that module's share stays buffered; the other modules still deposit
      try {
        const tx = await router.depositToBeacon(id, left, keys[id], att);
        await tx.wait();
        out.alloc[id] += alloc[id];
        out.total += alloc[id];
        out.txHash = tx.hash;
        out.txHashes.push(tx.hash);
      } catch (e) {
        (out.failed ??= []).push({ moduleId: id, error: short(e) });
      }
    }
    return out;
  }

  /** Executes pending service slashes whose veto window is over. Returns what was executed. */
  async executeDueSlashes(): Promise<{ slashId: bigint; amount: bigint; txHash: string }[]> {
    if (!this.addresses.serviceRegistry) throw new Error("keeper: no serviceRegistry address");
    const reg = new Contract(this.addresses.serviceRegistry, REGISTRY_ABI, this.signer);
    const provider = this.signer.provider!;
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    const out: { slashId: bigint; amount: bigint; txHash: string }[] = [];
    const pending: bigint[] = [...(await reg.pendingSlashes())];
    for (const id of pending) {
      const r = await reg.getSlash(id);
      const svc = await reg.getService(r.serviceId);
      // The next block's timestamp is > now, so `≤ now` is safely past the window.
      if (BigInt(r.requestedAt) + BigInt(svc.params.vetoWindow) > now) continue;
      const tx = await reg.executeSlash(id);
      const rc = await tx.wait();
      let amount = 0n;
      for (const l of rc.logs) {
        const e = reg.interface.parseLog(l);
        if (e?.name === "SlashExecuted") amount = e.args.amount as bigint;
      }
      out.push({ slashId: id, amount, txHash: tx.hash });
    }
    return out;
  }

  /**
   * Forces exits of operators past their exit deadline through `ExitManager.forceExit` (EIP-7002
   * requests sent by the WithdrawalVault). Keys already requested are skipped, so an operator is
   * forced once per key. Returns one entry per operator forced; when the fee query or the call
   * reverts the entry carries `error` (no `txHash`) and the keeper moves on (it retries next run).
   */
  async forceOverdueExits(): Promise<ForcedExitResult[]> {
    const { withdrawalVault, withdrawalRequests } = this.addresses;
    if (!withdrawalVault || !withdrawalRequests)
      throw new Error("keeper: forced exits need the withdrawalVault and withdrawalRequests addresses");
    const provider = this.signer.provider!;
    const router = new Contract(this.addresses.router, ROUTER_ABI, this.signer);
    const exitsAddr = this.addresses.exitManager ?? (await exitManagerOf(provider, this.addresses.router));
    if (!exitsAddr)
      throw new Error("keeper: forced exits need the exit manager (EXIT_MANAGER_ROLE on the router)");
    const exits = new Contract(exitsAddr, EXIT_MANAGER_ABI, this.signer);
    const vIface = new Interface(WITHDRAWAL_VAULT_ABI);
    const sent = new Set<string>();
    const vlogs = await provider.getLogs({
      address: withdrawalVault,
      topics: [vIface.getEvent("ExitRequestSent")!.topicHash],
      fromBlock: 0,
      toBlock: "latest",
    });
    for (const l of vlogs) sent.add((vIface.parseLog(l)!.args.pubkey as string).toLowerCase());
    const source = this.source instanceof EventKeySource ? this.source.source : this.source;
    if (this.source instanceof EventKeySource) await this.source.refresh();
    const out: ForcedExitResult[] = [];
    const n = Number(await router.moduleCount());
    for (let m = 0; m < n; m++) {
      const mod = new Contract((await router.getModule(m)).module, MODULE_ABI, this.signer);
      const ops = Number(await mod.operatorCount());
      for (let op = 0; op < ops; op++) {
        if (!(await mod.exitOverdue(op))) continue;
        const o = await mod.getOperator(op);
        const owed = Number(o.exitRequested) - Number(o.exitedKeys);
        const keys = await source(m, BigInt(op));
        const deposited = Number(o.depositedKeys);
        let need = owed;
        let eligible = (k: number) => keys[k] !== undefined;
        if (this.opts.beaconUrl) {
          const pks = [...Array(deposited).keys()].filter((k) => keys[k]).map((k) => "0x" + keys[k].pubkey);
          const status = new Map(
            (await new BeaconApi(this.opts.beaconUrl).validators("head", { ids: pks })).map((v) => [
              v.pubkey.toLowerCase(),
              v.status,
            ]),
          );
          const st = (k: number) => status.get("0x" + keys[k].pubkey.toLowerCase());
          const left = [...Array(deposited).keys()].filter((k) => {
            const s = keys[k] && st(k);
            return s !== undefined && !s.startsWith("active_ongoing") && !s.startsWith("pending");
          }).length;
          need = owed - left;
          eligible = (k: number) => keys[k] !== undefined && st(k) === "active_ongoing";
        }
        const idx: number[] = [];
        for (let k = 0; k < deposited && idx.length < need; k++)
          if (eligible(k) && !sent.has("0x" + keys[k].pubkey.toLowerCase())) idx.push(k);
        if (!idx.length) continue;
        const entry: ForcedExitResult = {
          moduleId: m,
          operatorId: BigInt(op),
          pubkeys: idx.map((k) => "0x" + keys[k].pubkey),
          fee: 0n,
        };
        out.push(entry);
        // EIP-7002: an empty call returns the current per-request fee.
        let fee: bigint;
        try {
          fee = BigInt(await provider.call({ to: withdrawalRequests, data: "0x" }));
        } catch (e) {
          entry.error = `the EIP-7002 fee query (empty call to ${withdrawalRequests}) reverted: ${short(e)}`;
          continue;
        }
        entry.fee = fee * BigInt(idx.length);
        try {
          const tx = await exits.forceExit(
            m,
            op,
            idx,
            "0x" + idx.map((k) => keys[k].pubkey).join(""),
            "0x" + idx.map((k) => keys[k].signature).join(""),
            { value: entry.fee },
          );
          await tx.wait();
          entry.txHash = tx.hash;
        } catch (e) {
          entry.error = `ExitManager.forceExit reverted: ${short(e)}`;
        }
      }
    }
    return out;
  }
}
