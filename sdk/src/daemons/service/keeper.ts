/**
 * `cascade keeper run`: permissionless upkeep as a loop (DESIGN §1). Each step, from on-chain
 * state only: executes service slashes whose veto window is over, forces overdue exits (when the
 * EIP-7002 addresses are known), and deposits what the buffer allows module by module, each with a
 * fresh quorum of guardian attestations for that module collected from the guardians' daemons
 * (`GET /attestation?module=M&block=N`). A guardian that found a front-run or invalid key answers
 * with a signed pause of that module instead: the keeper submits it (a no-op when the guardian
 * already did) and goes on with the other modules; the paused module's share stays buffered
 * until governance unpauses it.
 *
 * It never double-deposits: what is deposited is the router's `previewAllocation` over the
 * module's next keys, and the guardians sign the deposit root and the module's key nonce of one
 * block, so a second keeper racing for the same deposit sends an attestation the first deposit
 * made stale — the contract rejects it and this keeper, reading the buffer again, says another
 * keeper won.
 */
import { Contract, getAddress, verifyTypedData, type TypedDataDomain } from "ethers";
import { DEPOSIT_CONTRACT_ABI, MODULE_ABI, ROUTER_ABI } from "../abi.js";
import {
  ATTESTATION_TYPES,
  Guardian,
  MODULE_PAUSE_TYPES,
  type AttestationValue,
  type GuardianAddresses,
  type GuardianDecision,
} from "../guardian.js";
import { Keeper } from "../keeper.js";
import { EventKeySource } from "../keys.js";
import { checkChain, revertedWith, type DaemonContext } from "./context.js";
import { acted, idle, wait, type ErrorKind, type StepOutcome } from "./loop.js";
import type { DaemonMetrics } from "./metrics.js";
import type { SignedAttestation, SignedPause } from "./guardian.js";

export const KEEPER_GAUGES = {
  depositable_validators: "validators the buffer can fund now",
  validators_deposited: "validators this keeper deposited since start",
  last_deposit_block: "block of this keeper's latest deposit",
  slashes_executed: "service slashes this keeper executed since start",
  exits_forced: "operators this keeper forced out since start",
  lost_races: "deposits another keeper made first since start",
};

export interface KeeperServiceAddresses extends GuardianAddresses {
  pool: string;
  serviceRegistry?: string;
  withdrawalVault?: string;
  withdrawalRequests?: string;
}

class GuardianError extends Error {
  override name = "GuardianError";
  readonly daemonKind: ErrorKind = "guardian";
}

/** A guardian reached over HTTP: its signature is checked before the keeper uses it. */
export class RemoteGuardian extends Guardian {
  constructor(
    reader: DaemonContext["signer"],
    addresses: GuardianAddresses,
    readonly url: string,
    readonly timeoutMs = 5_000,
  ) {
    super(reader, addresses);
  }

  /**
   * Asks the guardian's daemon to decide on module `moduleId` at block `at` (default the latest of
   * the keeper's node). An attestation is checked against the keeper's own node (same block hash,
   * key nonce and deposit root) and its signature recovered; a pause's signature is recovered too.
   */
  override async decide(moduleId: number, at?: number): Promise<GuardianDecision> {
    const provider = this.signer.provider!;
    const block = at ?? (await provider.getBlockNumber());
    const u = `${this.url.replace(/\/+$/, "")}/attestation?module=${moduleId}&block=${block}`;
    let res: Response;
    try {
      res = await fetch(u, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new GuardianError(`guardian ${this.url} unreachable: ${(e as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<SignedAttestation> &
      Partial<SignedPause> & { error?: string };
    const domain: TypedDataDomain = {
      name: "Cascade DepositSecurity",
      version: "1",
      chainId: (await provider.getNetwork()).chainId,
      verifyingContract: this.addresses.depositSecurity,
    };
    const p = body.pause;
    if (res.status === 409 && p) {
      if (p.moduleId !== moduleId || p.blockNumber !== block || typeof p.signature !== "string")
        throw new GuardianError(`guardian ${this.url} sent a pause for another module or block`);
      const pauseNonce = BigInt(p.pauseNonce);
      const signer = verifyTypedData(
        domain,
        MODULE_PAUSE_TYPES,
        { moduleId, blockNumber: block, pauseNonce },
        p.signature,
      );
      if (getAddress(signer) !== getAddress(p.address))
        throw new GuardianError(`guardian ${this.url} sent a pause signed by ${signer}, not by ${p.address}`);
      return {
        kind: "pause",
        moduleId,
        blockNumber: block,
        pauseNonce,
        address: signer.toLowerCase(),
        signature: p.signature,
        violations: (p.violations ?? []).map((v) => ({ ...v, operatorId: BigInt(v.operatorId) })),
      };
    }
    if (!res.ok)
      throw new GuardianError(
        `guardian ${this.url} refused module ${moduleId} at block ${block}: ${body.error ?? res.status}`,
      );
    const v = body.value;
    const mine = await this.expected(moduleId, block);
    if (
      !v ||
      v.moduleId !== moduleId ||
      v.keyNonce !== mine.keyNonce.toString() ||
      v.depositRoot !== mine.depositRoot ||
      v.blockNumber !== block ||
      v.blockHash !== mine.blockHash ||
      typeof body.signature !== "string" ||
      typeof body.address !== "string"
    )
      throw new GuardianError(
        `guardian ${this.url} sees another state of module ${moduleId} at block ${block}`,
      );
    const signer = verifyTypedData(domain, ATTESTATION_TYPES, mine, body.signature);
    if (getAddress(signer) !== getAddress(body.address))
      throw new GuardianError(`guardian ${this.url} sent a signature of ${signer}, not of ${body.address}`);
    return { kind: "attest", value: mine, address: signer.toLowerCase(), signature: body.signature };
  }

  /** The attestation value of module `moduleId` at `block`, read from the keeper's own node. */
  private async expected(moduleId: number, block: number): Promise<AttestationValue> {
    const provider = this.signer.provider!;
    const router = new Contract(this.addresses.router, ROUTER_ABI, provider);
    const dc = new Contract(this.addresses.depositContract, DEPOSIT_CONTRACT_ABI, provider);
    const mod = new Contract(
      (await router.getModule(moduleId, { blockTag: block })).module,
      MODULE_ABI,
      provider,
    );
    const [b, depositRoot, keyNonce] = await Promise.all([
      provider.getBlock(block),
      dc.get_deposit_root({ blockTag: block }) as Promise<string>,
      mod.keyNonce({ blockTag: block }) as Promise<bigint>,
    ]);
    if (!b) throw new GuardianError(`the keeper's node has no block ${block}`);
    return { moduleId, keyNonce, depositRoot, blockNumber: block, blockHash: b.hash! };
  }
}

export class KeeperService {
  private keeper?: Keeper;
  private modules = "";
  private readonly router: Contract;
  private deposited = 0n;
  private slashes = 0;
  private forced = 0;
  private lost = 0;

  constructor(
    readonly ctx: DaemonContext,
    readonly addresses: KeeperServiceAddresses,
    readonly metrics: DaemonMetrics,
    readonly opts: { guardians: string[]; maxDeposits?: bigint; beaconUrl?: string },
  ) {
    this.router = new Contract(addresses.router, ROUTER_ABI, ctx.provider);
  }

  /** The keeper over the router's current modules (rebuilt when a module is added). */
  private async current(): Promise<Keeper> {
    const n = Number(await this.router.moduleCount());
    const mods: string[] = [];
    for (let i = 0; i < n; i++) mods.push((await this.router.getModule(i)).module as string);
    if (!this.keeper || mods.join() !== this.modules) {
      this.modules = mods.join();
      const guardians = this.opts.guardians.map(
        (u) => new RemoteGuardian(this.ctx.signer, this.addresses, u),
      );
      this.keeper = new Keeper(
        this.ctx.signer,
        this.addresses,
        guardians,
        new EventKeySource(this.ctx.provider, mods),
        this.opts.beaconUrl ? { beaconUrl: this.opts.beaconUrl } : {},
      );
    }
    return this.keeper;
  }

  async step(): Promise<StepOutcome> {
    const off = await checkChain(this.ctx);
    if (off) return off;
    const keeper = await this.current();
    const done: string[] = [];
    if (this.addresses.serviceRegistry) {
      const slashes = await keeper.executeDueSlashes();
      this.slashes += slashes.length;
      this.metrics.set("slashes_executed", this.slashes);
      if (slashes.length) done.push(`executed ${slashes.length} due slashes`);
    }
    if (this.addresses.withdrawalVault && this.addresses.withdrawalRequests) {
      const forced = (await keeper.forceOverdueExits()).filter((f) => f.txHash);
      this.forced += forced.length;
      this.metrics.set("exits_forced", this.forced);
      if (forced.length) done.push(`forced exits of ${forced.length} operators`);
    }
    const before = await keeper.depositable();
    this.metrics.set("depositable_validators", before);
    if (before > 0n && this.opts.guardians.length === 0)
      return wait(`${before} validators depositable but no --guardian URL to collect signatures from`);
    if (before > 0n) {
      try {
        const r = await keeper.depositBuffered(this.opts.maxDeposits ?? 16n);
        if (r.total > 0n) {
          this.deposited += r.total;
          this.metrics.set("validators_deposited", this.deposited);
          const rc = r.txHash ? await this.ctx.provider.getTransactionReceipt(r.txHash) : null;
          if (rc) this.metrics.set("last_deposit_block", rc.blockNumber);
          done.push(
            `deposited ${r.total} validators (${r.alloc.join("/")} per module) in ${r.txHashes.join(", ")}`,
          );
        }
        if (r.paused) {
          const why = r.paused.violations.map(
            (v) => `${v.reason} (operator ${v.operatorId} key ${v.keyIndex})`,
          );
          done.push(
            `guardian ${r.paused.guardian} paused deposits to module ${r.paused.moduleId}: ${why.join(", ")}` +
              (r.paused.txHash ? ` (pause submitted in ${r.paused.txHash})` : " (already paused)"),
          );
        }
        if (r.skipped?.length && !done.length)
          return idle(`module ${r.skipped.join(", ")} paused by a guardian: its share stays buffered`);
        // A module whose deposit reverted: another keeper's deposit made the attestation stale
        // (the buffer shrank), or a real failure to report.
        if (r.failed?.length) {
          const after = await keeper.depositable();
          if (after < before - r.total) {
            this.lost++;
            this.metrics.set("lost_races", this.lost);
            const msg = `another keeper deposited first (depositable ${before} → ${after})`;
            if (!done.length) return idle(msg);
            done.push(msg);
          } else
            throw new Error(
              `deposit reverted: ${r.failed.map((f) => `module ${f.moduleId}: ${f.error}`).join("; ")}`,
            );
        }
      } catch (e) {
        const raced =
          (e as { code?: string })?.code === "CALL_EXCEPTION" ||
          revertedWith(
            e,
            "DepositRootChanged(bytes32,bytes32)",
            "KeyNoncesChanged(bytes32,bytes32)",
            "StaleAttestation(uint256,uint256,uint256)",
          );
        const after = await keeper.depositable();
        if (raced && after < before) {
          this.lost++;
          this.metrics.set("lost_races", this.lost);
          return idle(`another keeper deposited first (depositable ${before} → ${after})`);
        }
        throw e;
      }
    }
    this.metrics.set("depositable_validators", await keeper.depositable());
    return done.length ? acted(done.join("; ")) : idle("nothing to do");
  }
}
