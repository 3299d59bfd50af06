/**
 * Keeper (DESIGN §1): deposits buffered ETH to the beacon chain. It asks the router how many
 * validators the buffer allows (redemption demand is served first), lays out keys in each module's
 * plan order from the modules' `KeysAdded` events (or any key source), gets a fresh guardian
 * attestation and calls `depositToBeacon`.
 */
import { Contract, type Signer } from "ethers";
import { ROUTER_ABI, QUEUE_ABI } from "./abi.js";
import { attest, type Guardian } from "./guardian.js";
import { EventKeySource, keysForDeposit, type KeySource } from "./keys.js";

const DEPOSIT = 32n * 10n ** 18n;

export interface KeeperResult {
  /** validators deposited per module id */
  alloc: bigint[];
  total: bigint;
  txHash?: string;
}

export class Keeper {
  constructor(
    readonly signer: Signer,
    readonly addresses: { router: string; withdrawalQueue: string },
    readonly guardians: Guardian[],
    /** Where key bytes come from: the modules' `KeysAdded` events (refreshed before each deposit) or any source. */
    readonly source: EventKeySource | KeySource,
  ) {}

  /** Validators the router can fund now: ⌊(buffered − pending redemption demand) / 32 ETH⌋. */
  async depositable(): Promise<bigint> {
    const router = new Contract(this.addresses.router, ROUTER_ABI, this.signer);
    const queue = new Contract(this.addresses.withdrawalQueue, QUEUE_ABI, this.signer);
    const [buffered, demand]: [bigint, bigint] = await Promise.all([
      router.buffered(),
      queue.pendingDemand(),
    ]);
    return buffered > demand ? (buffered - demand) / DEPOSIT : 0n;
  }

  /** Deposits up to `max` validators (default: all the buffer allows); no-op when nothing fits. */
  async depositBuffered(max?: bigint): Promise<KeeperResult> {
    let n = await this.depositable();
    if (max !== undefined && max < n) n = max;
    if (n === 0n) return { alloc: [], total: 0n };
    const source = this.source instanceof EventKeySource ? this.source.source : this.source;
    if (this.source instanceof EventKeySource) await this.source.refresh();
    const { alloc, total, keys } = await keysForDeposit(this.signer, this.addresses.router, n, source);
    if (total === 0n) return { alloc, total };
    const att = await attest(this.guardians);
    const router = new Contract(this.addresses.router, ROUTER_ABI, this.signer);
    // maxCount must be the `n` the keys were laid out for: the allocation of n can place fewer
    // than n validators (targets floor), and allocating that smaller total differs again.
    const tx = await router.depositToBeacon(n, keys, att);
    await tx.wait();
    return { alloc, total, txHash: tx.hash };
  }
}
