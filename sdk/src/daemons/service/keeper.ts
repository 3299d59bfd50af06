/**
 * `cascade keeper run`: permissionless upkeep as a loop (DESIGN §1). Each step, from on-chain
 * state only: executes service slashes whose veto window is over, forces overdue exits (when the
 * EIP-7002 addresses are known), and deposits what the buffer allows with a fresh quorum of
 * guardian signatures collected from the guardians' daemons (`GET /attestation?block=N`).
 *
 * It never double-deposits: what is deposited is the router's `previewAllocation` over the
 * modules' next keys, and the guardians sign the deposit root and key nonces of one block, so a
 * second keeper racing for the same deposit sends an attestation the first deposit made stale —
 * the contract rejects it and this keeper, reading the buffer again, says another keeper won.
 */
import { Contract, getAddress, verifyTypedData, type TypedDataDomain } from "ethers";
import { ROUTER_ABI } from "../abi.js";
import { ATTESTATION_TYPES, Guardian, type AttestationValue, type GuardianAddresses } from "../guardian.js";
import { Keeper } from "../keeper.js";
import { EventKeySource } from "../keys.js";
import { checkChain, revertedWith, type DaemonContext } from "./context.js";
import { acted, idle, wait, type ErrorKind, type StepOutcome } from "./loop.js";
import type { DaemonMetrics } from "./metrics.js";
import type { SignedAttestation } from "./guardian.js";

export const KEEPER_GAUGES = {
  depositable_validators: "validators the buffer can fund now",
  validators_deposited: "validators this keeper deposited since start",
  last_deposit_block: "block of this keeper's latest deposit",
  slashes_executed: "service slashes this keeper executed since start",
  exits_forced: "operators this keeper forced out since start",
  lost_races: "deposits another keeper made first since start",
};

export interface KeeperServiceAddresses extends GuardianAddresses {
  withdrawalQueue: string;
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

  override async sign(value: AttestationValue): Promise<{ address: string; signature: string }> {
    const u = `${this.url.replace(/\/+$/, "")}/attestation?block=${value.blockNumber}`;
    let res: Response;
    try {
      res = await fetch(u, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new GuardianError(`guardian ${this.url} unreachable: ${(e as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<SignedAttestation> & { error?: string };
    if (!res.ok)
      throw new GuardianError(
        `guardian ${this.url} refused block ${value.blockNumber}: ${body.error ?? res.status}`,
      );
    const v = body.value;
    if (
      !v ||
      v.depositRoot !== value.depositRoot ||
      v.keyNoncesHash !== value.keyNoncesHash ||
      v.blockNumber !== value.blockNumber ||
      v.blockHash !== value.blockHash ||
      typeof body.signature !== "string" ||
      typeof body.address !== "string"
    )
      throw new GuardianError(`guardian ${this.url} sees another state at block ${value.blockNumber}`);
    const domain: TypedDataDomain = {
      name: "Cascade DepositSecurity",
      version: "1",
      chainId: (await this.signer.provider!.getNetwork()).chainId,
      verifyingContract: this.addresses.depositSecurity,
    };
    const signer = verifyTypedData(domain, ATTESTATION_TYPES, value, body.signature);
    if (getAddress(signer) !== getAddress(body.address))
      throw new GuardianError(`guardian ${this.url} sent a signature of ${signer}, not of ${body.address}`);
    return { address: signer.toLowerCase(), signature: body.signature };
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
          done.push(`deposited ${r.total} validators (${r.alloc.join("/")} per module) in ${r.txHash}`);
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
