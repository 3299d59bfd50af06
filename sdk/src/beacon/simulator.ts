/**
 * Devnet beacon chain simulator (DESIGN §2). It follows an execution chain through an ethers
 * provider — `DepositEvent`s of the deposit contract create validators, `ExitRequested` events of
 * watched modules exit them (unless the operator is scripted as unresponsive), and full-exit
 * `WithdrawalRequested` events of the EIP-7002 contract (the devnet stand-in) exit the validator
 * when the request's `source` is the validator's 0x01 withdrawal-credential address — and serves
 * the standard Beacon API subset the oracle reads over HTTP on 127.0.0.1 with fastify:
 * `/eth/v1/beacon/genesis`, `/eth/v1/config/spec` (a Fulu-era key set, `BLOB_SCHEDULE` as an
 * array), `/eth/v1/beacon/headers/{head|finalized|slot|root}`, `/eth/v2/beacon/blocks/{id}` (a
 * Fulu block whose execution payload names the slot's execution block and its withdrawals),
 * `/eth/v1/beacon/states/{id}/finality_checkpoints` and `GET`/`POST
 * /eth/v1/beacon/states/{state_id}/validators`. Every response validates against the official
 * OpenAPI schemas (test/beacon/conformance.test.ts).
 *
 * Time is the chain's: the head slot is `(latest block timestamp − genesisTime) / SECONDS_PER_SLOT`,
 * so `evm_increaseTime`/`evm_mine` move the beacon chain too. The state advances lazily, epoch by
 * epoch, up to the slot a request asks for. At each epoch transition, in this order:
 * 1. rewards for the previous epoch (visible from the next epoch on):
 *    `effective · aprBps · perfBps · SECONDS_PER_EPOCH / (10⁸ · year)` gwei for every active,
 *    unslashed validator (perfBps < 0 is an offline penalty); a slashed validator instead pays
 *    40/54 of that (the missed source and target duties) every epoch until withdrawable, and the
 *    Electra correlation penalty at the midpoint of its withdrawability delay;
 * 2. queued events whose slot is before the epoch (deposits, exits, slashings, penalties,
 *    performance changes) are applied; exits go through a churn-limited queue
 *    (`exitChurnGwei` of effective balance per epoch); a slashing costs `effective / 4096`;
 * 3. new validators become eligible and are activated `activationDelayEpochs` later;
 * 4. pending EIP-7251 consolidations whose source is withdrawable: the source's balance (up to
 *    its effective balance) moves to the 0x02 target (the rest is withdrawn in full later);
 * 5. withdrawable EIP-7002 partial withdrawals (0x02 validators, queued through the exit churn,
 *    capped to the balance above 32 ETH), then full withdrawals `sweepDelayEpochs` after
 *    `withdrawable_epoch` (`withdrawal_possible` meanwhile), then skims of the balance above the
 *    maximum effective balance (32 ETH; 2,048 ETH for 0x02) of validators not yet withdrawable
 *    (exiting and exited ones included): every `sweepEpochs` all at once, or with
 *    `sweepPerEpoch` a rolling sweep that visits that many validator indices per epoch;
 * 6. effective balances follow balances (1 ETH steps, spec hysteresis).
 * Consolidations and partial withdrawals are scripted ({@link BeaconSimulator.consolidate},
 * {@link BeaconSimulator.requestPartialWithdrawal}) or come from the EIP-7002 contract's events.
 * The finalized checkpoint lags the head by `finalityLagEpochs` (0 by default); responses say `finalized: true`
 * for states and blocks at or before it. The simulator keeps the state at every exit and
 * withdrawable epoch (and every slot a client asked for, and the first slot of each of the last
 * 64 epochs), so `states/{slot}` answers for those slots like an archive node and 404s otherwise.
 * Withdrawals are paid from the `funder` signer to the address in each validator's 0x01
 * credentials, one transaction per address per paid epoch, in epoch order, before the advanced
 * state is served; the execution block of a slot is the last block within the slot, or the block
 * that paid its epoch's withdrawals if later. Blocks follow the execution chain: a slot has a block
 * when an execution block falls in it, when it pays withdrawals (an epoch's first slot), and at
 * genesis; other slots are empty (404). Each block's `parent_root` is the previous block's root,
 * so a client can walk the canonical chain back.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Interface, getAddress, id as keccakId, type Provider, type Signer } from "ethers";
import { FAR_FUTURE_EPOCH, VALIDATOR_STATUSES, type ValidatorStatus } from "./schemas.js";

const GWEI = 10n ** 9n;
const MAX_EFFECTIVE = 32n * GWEI;
/** MAX_EFFECTIVE_BALANCE_ELECTRA: the cap of compounding (0x02) validators. */
const MAX_EFFECTIVE_COMPOUNDING = 2048n * GWEI;
const YEAR = 365n * 24n * 3600n;
const BPS = 10_000n;
const FAR = FAR_FUTURE_EPOCH;
/** Epoch-start states kept after each advance, so a refSlot just behind the head is still served. */
const RECENT_EPOCHS = 64n;

const DEPOSIT_ABI = [
  "event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)",
];
const WITHDRAWAL_REQUEST_ABI = [
  "event WithdrawalRequested(address indexed source, bytes pubkey, uint64 amount, uint256 fee)",
];
const MODULE_ABI = [
  "event KeysAdded(uint256 indexed operatorId, uint256 firstIndex, bytes pubkeys, bytes signatures)",
  "event ExitRequested(uint256 indexed operatorId, uint256 count, uint256 deadline)",
];

export interface SimulatorOptions {
  provider: Provider;
  depositContract: string;
  /** Pays withdrawals (skims, exited balances). Without it withdrawals are recorded, not sent. */
  funder?: Signer;
  genesisTime: bigint;
  secondsPerSlot?: number;
  slotsPerEpoch?: number;
  /** Epochs between eligibility and activation (the activation queue). */
  activationDelayEpochs?: number;
  /** Epochs from an exit request to `exit_epoch` (spec: 1 + MAX_SEED_LOOKAHEAD = 5). */
  exitDelayEpochs?: number;
  /** Epochs from `exit_epoch` to `withdrawable_epoch` (spec: 256). */
  withdrawDelayEpochs?: number;
  /** Epochs from slashing to `withdrawable_epoch` (spec: 8,192). */
  slashedWithdrawDelayEpochs?: number;
  /** Consensus-layer reward rate for a perfectly performing validator, bps per year. */
  aprBps?: number;
  /** Skims of balances above 32 ETH happen at epochs divisible by this (after `sweepOffsetEpochs`). */
  sweepEpochs?: number;
  /** Phase of the sweep: skims at epochs e with (e − offset) divisible by `sweepEpochs`. Default 0. */
  sweepOffsetEpochs?: number;
  /**
   * A rolling sweep, as on the chain: each epoch the sweep visits the next `sweepPerEpoch`
   * validator indices (cyclically) and skims those eligible, so validators are skimmed at
   * different points of a frame. Unset (default): every `sweepEpochs` all at once.
   */
  sweepPerEpoch?: number;
  /**
   * Initial slashing penalty in gwei. Default: Electra's `effective_balance / 4096`
   * (MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA); the correlation penalty follows at the midpoint of the
   * slashed validator's withdrawability delay, and the missed-duty penalties every epoch until then.
   */
  slashingPenaltyGwei?: bigint;
  /** Epochs from `withdrawable_epoch` until the sweep reaches the validator (`withdrawal_possible` meanwhile). */
  sweepDelayEpochs?: number;
  /**
   * Epochs the finalized checkpoint lags the head's epoch. Default 0 (the devnet's one-epoch
   * frames finalize at once); 2 is a healthy mainnet.
   */
  finalityLagEpochs?: number;
  /** Exit churn per epoch in gwei (Electra: max(128 ETH, total active / 65,536), capped at 256 ETH). */
  exitChurnGwei?: bigint;
  /**
   * Withdrawal credentials of the network's validators: 0x01 ones are skimmed like anyone's;
   * `mixed` makes every fourth one 0x00 (never swept) and the rest 0x01, as on mainnet.
   */
  networkCredentials?: "0x00" | "0x01" | "mixed";
  /** Validators of other stakers present from genesis (0x00 credentials): the "network". */
  networkValidators?: number;
  /** Module contracts whose `ExitRequested` events the simulator honours. */
  modules?: string[];
  /**
   * The EIP-7002 withdrawal request contract (on the devnet the stand-in at
   * `addresses.withdrawalRequests`): its `WithdrawalRequested` events with amount 0 exit the
   * validator (a forced exit), only when `source` is the validator's withdrawal-credential address.
   */
  withdrawalRequests?: string;
  genesisForkVersion?: string;
}

interface SimValidator {
  index: number;
  pubkey: string;
  wc: string;
  balance: bigint;
  effective: bigint;
  slashed: boolean;
  eligibility: bigint;
  activation: bigint;
  exit: bigint;
  withdrawable: bigint;
  perfBps: bigint;
  /** Epoch of the slashing (FAR when never slashed): the correlation penalty falls at its midpoint. */
  slashedAt: bigint;
}

type SimEvent =
  | { kind: "deposit"; pubkey: string; wc: string; gwei: bigint }
  | { kind: "exit"; pubkey: string }
  | { kind: "slash"; pubkey: string }
  | { kind: "penalty"; pubkey: string; gwei: bigint }
  | { kind: "performance"; pubkeys: string[]; perfBps: number }
  | { kind: "exitOperator"; module: string; operatorId: bigint; count: bigint }
  | { kind: "withdrawalRequest"; source: string; pubkey: string; amount: bigint }
  | { kind: "consolidation"; source: string; target: string };

/** What the simulator paid out, for logs and tests (the oracle never reads it). */
export interface WithdrawalRecord {
  epoch: bigint;
  /** The slot whose block carries the withdrawal (the epoch's first slot). */
  slot: bigint;
  /** Withdrawal index (the chain-wide counter of `execution_payload.withdrawals`). */
  index: bigint;
  validatorIndex: number;
  address: string;
  gwei: bigint;
  kind: "skim" | "partial" | "full";
}

export class BeaconSimulator {
  readonly secondsPerSlot: bigint;
  readonly slotsPerEpoch: bigint;
  readonly genesisTime: bigint;
  readonly withdrawals: WithdrawalRecord[] = [];
  private readonly o: Required<
    Omit<
      SimulatorOptions,
      "funder" | "modules" | "withdrawalRequests" | "slashingPenaltyGwei" | "sweepPerEpoch"
    >
  > & {
    funder?: Signer;
    withdrawalRequests?: string;
    slashingPenaltyGwei?: bigint;
    sweepPerEpoch?: number;
  };
  /** Forced exits honoured (EIP-7002 requests whose source matched), for logs and tests. */
  readonly forcedExits: { epoch: bigint; pubkey: string; source: string }[] = [];
  /** `"<module>:<operatorId>"` of operators that ignore exit requests (scripted). */
  private unresponsive = new Set<string>();
  private validators: SimValidator[] = [];
  private byPubkey = new Map<string, SimValidator>();
  private epoch = 0n;
  private slot = 0n;
  private queue: { slot: bigint; seq: number; ev: SimEvent }[] = [];
  private seq = 0;
  private lastBlock = -1;
  private blockSlots = new Map<number, bigint>();
  /** States kept for `states/{slot}`: exit epochs and requested slots (long-lived)… */
  private snapshots = new Map<bigint, SimValidator[]>();
  /** …and the first slot of each of the last RECENT_EPOCHS epochs (a refSlot is one). */
  private recent = new Map<bigint, SimValidator[]>();
  private outbox = new Map<string, bigint>();
  /** Execution blocks that carried each paid epoch's withdrawals: [first slot of the epoch, block]. */
  private paidIn: [bigint, number][] = [];
  /** Exit churn consumed per exit epoch (gwei). */
  private exitChurn = new Map<bigint, bigint>();
  /** Effective balance slashed per epoch, for the correlation penalty (the state's `slashings` vector). */
  private slashings = new Map<bigint, bigint>();
  /** Block roots served, for `headers/{root}`. */
  private roots = new Map<string, bigint>();
  private modules: string[] = [];
  /** The rolling sweep's next validator index (`sweepPerEpoch`). */
  private sweepCursor = 0;
  /** EIP-7002 partial withdrawals waiting for their withdrawable epoch (the state's queue). */
  private pendingPartials: { index: number; amount: bigint; withdrawable: bigint }[] = [];
  /** EIP-7251 consolidations waiting for the source's withdrawable epoch (the state's queue). */
  private pendingConsolidations: { source: number; target: number }[] = [];
  /** What consolidations moved, for logs and tests (the oracle never reads it). */
  readonly consolidations: { epoch: bigint; source: number; target: number; gwei: bigint }[] = [];
  /** Every execution block seen: slot, hash and timestamp by block number. */
  private el: { slot: bigint; hash: string; timestamp: bigint }[] = [];
  /** Slots holding at least one execution block, ascending. */
  private elSlots: bigint[] = [];
  /** Slots whose block pays withdrawals, ascending. */
  private withdrawalSlots: bigint[] = [];
  /** module address → operatorId → pubkeys in key order */
  private operatorKeys = new Map<string, Map<bigint, string[]>>();
  private lock: Promise<unknown> = Promise.resolve();
  private server: FastifyInstance | undefined;

  constructor(opts: SimulatorOptions) {
    this.o = {
      secondsPerSlot: 12,
      slotsPerEpoch: 32,
      activationDelayEpochs: 4,
      exitDelayEpochs: 5,
      withdrawDelayEpochs: 256,
      slashedWithdrawDelayEpochs: 8192,
      aprBps: 350,
      sweepEpochs: 225,
      sweepDelayEpochs: 4,
      sweepOffsetEpochs: 0,
      finalityLagEpochs: 0,
      exitChurnGwei: 128n * GWEI,
      networkCredentials: "0x00",
      networkValidators: 32,
      genesisForkVersion: "0x00000000",
      ...opts,
    };
    this.secondsPerSlot = BigInt(this.o.secondsPerSlot);
    this.slotsPerEpoch = BigInt(this.o.slotsPerEpoch);
    this.genesisTime = opts.genesisTime;
    for (let i = 0; i < this.o.networkValidators; i++) {
      const pubkey =
        "0x" + (keccakId(`network-${i}`).slice(2) + keccakId(`network-pk-${i}`).slice(2)).slice(0, 96);
      const wc =
        this.o.networkCredentials === "0x01" || (this.o.networkCredentials === "mixed" && i % 4 !== 0)
          ? "0x01" + "00".repeat(11) + keccakId(`network-wc-${i}`).slice(26)
          : "0x00" + keccakId(`network-wc-${i}`).slice(4);
      this.addValidator(pubkey, wc, MAX_EFFECTIVE, 0n, 0n);
    }
    this.snapshots.set(0n, this.copy());
    if (opts.modules) this.watchModules(opts.modules);
  }

  // ---------------------------------------------------------------- scripting

  /** Honour `ExitRequested` events of these module contracts from now on (their keys are read from `KeysAdded`). */
  watchModules(addresses: string[]): void {
    for (const a of addresses) {
      const m = getAddress(a);
      if (!this.modules.includes(m)) this.modules.push(m);
    }
  }

  /**
   * The operator ignores its module's exit requests from now on (it stays offline): only a forced
   * exit through EIP-7002 (the ExitManager's `forceExit`) gets its validators out.
   */
  ignoreExitRequests(module: string, operatorId: bigint | number): void {
    this.unresponsive.add(`${getAddress(module)}:${BigInt(operatorId)}`);
  }

  /** Voluntary exit of `pubkey` at the next epoch transition. */
  requestExit(pubkey: string): Promise<void> {
    return this.enqueueNow({ kind: "exit", pubkey: pubkey.toLowerCase() });
  }
  /** Slashes `pubkey`: penalty, forced exit, late withdrawability. */
  slash(pubkey: string): Promise<void> {
    return this.enqueueNow({ kind: "slash", pubkey: pubkey.toLowerCase() });
  }
  /** A one-off balance penalty (e.g. an inactivity leak), in gwei. */
  penalize(pubkey: string, gwei: bigint): Promise<void> {
    return this.enqueueNow({ kind: "penalty", pubkey: pubkey.toLowerCase(), gwei });
  }
  /** Reward multiplier of `pubkeys` from now on: 10,000 on par, 0 offline-but-not-penalized, < 0 penalized. */
  setPerformance(pubkeys: string[], perfBps: number): Promise<void> {
    return this.enqueueNow({ kind: "performance", pubkeys: pubkeys.map((p) => p.toLowerCase()), perfBps });
  }

  /**
   * An EIP-7002 partial withdrawal request of `gwei` for a compounding (0x02) validator, sent by
   * its withdrawal-credential address (for Cascade: the vault). Queued through the exit churn and
   * paid once withdrawable (`withdrawDelayEpochs` later), capped to the balance above 32 ETH.
   */
  requestPartialWithdrawal(pubkey: string, gwei: bigint): Promise<void> {
    const v = this.byPubkey.get(pubkey.toLowerCase());
    const source = v ? getAddress("0x" + v.wc.slice(26)) : "0x" + "00".repeat(20);
    return this.enqueueNow({ kind: "withdrawalRequest", source, pubkey: pubkey.toLowerCase(), amount: gwei });
  }

  /**
   * An EIP-7251 consolidation request: `source` = `target` switches a 0x01 validator to compounding
   * (0x02; its balance above 32 ETH stays, no longer skimmed); otherwise `source` exits through the
   * churn and, when it becomes withdrawable, its balance (up to its effective balance) moves to
   * the 0x02 `target`; what is left of the source is then withdrawn in full.
   */
  consolidate(source: string, target: string): Promise<void> {
    return this.enqueueNow({
      kind: "consolidation",
      source: source.toLowerCase(),
      target: target.toLowerCase(),
    });
  }

  private async enqueueNow(ev: SimEvent): Promise<void> {
    // Catch up with the chain first, so deposits already made are ordered before this event.
    const slot = await this.sync();
    this.queue.push({ slot, seq: this.seq++, ev });
  }

  // ---------------------------------------------------------------- chain following

  /** The slot of the chain's latest block. */
  async chainSlot(): Promise<bigint> {
    const b = await this.o.provider.getBlock("latest");
    return this.slotOf(BigInt(b!.timestamp));
  }

  private slotOf(ts: bigint): bigint {
    return ts <= this.genesisTime ? 0n : (ts - this.genesisTime) / this.secondsPerSlot;
  }

  /** Reads new logs and advances the state to `slot` (default: the chain's head). Serialized. */
  sync(slot?: bigint): Promise<bigint> {
    const run = this.lock.then(() => this.syncUnlocked(slot));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async syncUnlocked(slot?: bigint): Promise<bigint> {
    const latest = await this.o.provider.getBlock("latest");
    const head = this.slotOf(BigInt(latest!.timestamp));
    await this.readLogs(latest!.number);
    const target = slot === undefined || slot > head ? head : slot;
    if (target > this.slot) await this.advanceTo(target);
    await this.indexBlocks();
    return head;
  }

  /** Extends the index of execution blocks (slot, hash) to the latest block; rebuilt after a revert. */
  private async indexBlocks(): Promise<void> {
    const latest = (await this.o.provider.getBlock("latest"))!;
    const known = this.el[latest.number];
    if (this.el.length > latest.number + 1 || (known !== undefined && known.hash !== latest.hash)) {
      this.el = [];
      this.elSlots = [];
    }
    for (let n = this.el.length; n <= latest.number; n++) {
      const b = n === latest.number ? latest : (await this.o.provider.getBlock(n))!;
      const slot = this.slotOf(BigInt(b.timestamp));
      this.el.push({ slot, hash: b.hash!, timestamp: BigInt(b.timestamp) });
      if (this.elSlots.length === 0 || this.elSlots[this.elSlots.length - 1] < slot) this.elSlots.push(slot);
    }
  }

  /** Index of the last entry of `xs` (ascending) that is ≤ `x`, −1 if none. */
  private static lastAtMost(xs: bigint[], x: bigint): number {
    let lo = -1;
    let hi = xs.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi + 1) / 2);
      if (xs[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The last slot at or before `slot` that has a block. The devnet's beacon chain follows its
   * execution chain: a slot has a block when an execution block falls in it, when withdrawals are
   * paid at it (an epoch's first slot), and at genesis; the other slots are empty (404), as
   * missed slots are on the chain.
   */
  private blockSlotAtOrBefore(slot: bigint): bigint {
    let best = 0n;
    const i = BeaconSimulator.lastAtMost(this.elSlots, slot);
    if (i >= 0 && this.elSlots[i] > best) best = this.elSlots[i];
    const j = BeaconSimulator.lastAtMost(this.withdrawalSlots, slot);
    if (j >= 0 && this.withdrawalSlots[j] > best) best = this.withdrawalSlots[j];
    return best;
  }

  private hasBlock(slot: bigint): boolean {
    return this.blockSlotAtOrBefore(slot) === slot;
  }

  private async blockSlot(n: number): Promise<bigint> {
    let s = this.blockSlots.get(n);
    if (s === undefined) {
      const b = await this.o.provider.getBlock(n);
      s = this.slotOf(BigInt(b!.timestamp));
      this.blockSlots.set(n, s);
    }
    return s;
  }

  private async readLogs(toBlock: number): Promise<void> {
    const from = this.lastBlock + 1;
    if (from > toBlock) return;
    const dIface = new Interface(DEPOSIT_ABI);
    const logs = await this.o.provider.getLogs({
      address: this.o.depositContract,
      topics: [dIface.getEvent("DepositEvent")!.topicHash],
      fromBlock: from,
      toBlock,
    });
    for (const log of logs) {
      const e = dIface.parseLog(log)!;
      const amount = Buffer.from((e.args.amount as string).slice(2), "hex").readBigUInt64LE(0);
      this.queue.push({
        slot: await this.blockSlot(log.blockNumber),
        seq: this.seq++,
        ev: {
          kind: "deposit",
          pubkey: (e.args.pubkey as string).toLowerCase(),
          wc: (e.args.withdrawal_credentials as string).toLowerCase(),
          gwei: amount,
        },
      });
    }
    const mIface = new Interface(MODULE_ABI);
    for (const m of this.modules) {
      const mlogs = await this.o.provider.getLogs({ address: m, fromBlock: from, toBlock });
      for (const log of mlogs) {
        const e = mIface.parseLog(log);
        if (!e) continue;
        if (e.name === "KeysAdded") {
          const ops = this.operatorKeys.get(m) ?? new Map<bigint, string[]>();
          this.operatorKeys.set(m, ops);
          const op = e.args.operatorId as bigint;
          const list = ops.get(op) ?? [];
          const hex = (e.args.pubkeys as string).slice(2);
          const first = Number(e.args.firstIndex as bigint);
          for (let i = 0; i * 96 < hex.length; i++) list[first + i] = "0x" + hex.slice(i * 96, (i + 1) * 96);
          ops.set(op, list);
        } else if (e.name === "ExitRequested") {
          this.queue.push({
            slot: await this.blockSlot(log.blockNumber),
            seq: this.seq++,
            ev: {
              kind: "exitOperator",
              module: m,
              operatorId: e.args.operatorId as bigint,
              count: e.args.count as bigint,
            },
          });
        }
      }
    }
    if (this.o.withdrawalRequests) {
      const wIface = new Interface(WITHDRAWAL_REQUEST_ABI);
      const wlogs = await this.o.provider.getLogs({
        address: this.o.withdrawalRequests,
        topics: [wIface.getEvent("WithdrawalRequested")!.topicHash],
        fromBlock: from,
        toBlock,
      });
      for (const log of wlogs) {
        const e = wIface.parseLog(log)!;
        this.queue.push({
          slot: await this.blockSlot(log.blockNumber),
          seq: this.seq++,
          ev: {
            kind: "withdrawalRequest",
            source: getAddress(e.args.source as string),
            pubkey: (e.args.pubkey as string).toLowerCase(),
            amount: e.args.amount as bigint,
          },
        });
      }
    }
    this.lastBlock = toBlock;
  }

  // ---------------------------------------------------------------- state transition

  private async advanceTo(slot: bigint): Promise<void> {
    const targetEpoch = slot / this.slotsPerEpoch;
    for (let e = this.epoch + 1n; e <= targetEpoch; e++) {
      this.processEpoch(e);
      if (targetEpoch - e < RECENT_EPOCHS) {
        this.recent.set(e * this.slotsPerEpoch, this.copy());
        if (this.recent.size > Number(RECENT_EPOCHS)) this.recent.delete(this.recent.keys().next().value!);
      }
      // Each epoch's withdrawals land in their own execution block, in epoch order, so the block
      // of a slot holds exactly the withdrawals paid up to that slot (as on the chain).
      if (this.outbox.size) {
        const block = await this.flushWithdrawals();
        if (block !== undefined) this.paidIn.push([e * this.slotsPerEpoch, block]);
      }
    }
    this.slot = slot;
    this.snapshot(slot);
  }

  private processEpoch(e: bigint): void {
    const secondsPerEpoch = this.secondsPerSlot * this.slotsPerEpoch;
    const prev = e - 1n;
    // 1. rewards for the epoch that just ended
    for (const v of this.validators) {
      const full = (v.effective * BigInt(this.o.aprBps) * secondsPerEpoch) / (BPS * YEAR);
      if (v.slashed) {
        // A slashed validator cannot attest: it pays the source and target penalties (40 of the
        // 54 attestation weight units) every epoch until it is withdrawable.
        if (prev < v.withdrawable)
          v.balance -= v.balance < (full * 40n) / 54n ? v.balance : (full * 40n) / 54n;
        // Correlation penalty at the midpoint of EPOCHS_PER_SLASHINGS_VECTOR (Electra formula).
        if (v.slashedAt !== FAR && e === v.slashedAt + BigInt(this.o.slashedWithdrawDelayEpochs) / 2n)
          v.balance -= v.balance < this.correlationPenalty(v) ? v.balance : this.correlationPenalty(v);
        continue;
      }
      if (!(v.activation <= prev && prev < v.exit)) continue;
      const delta = (full * v.perfBps) / BPS;
      v.balance = v.balance + delta < 0n ? 0n : v.balance + delta;
    }
    // 2. queued events from slots before this epoch, in arrival order
    const start = e * this.slotsPerEpoch;
    const due = this.queue.filter((q) => q.slot < start).sort((a, b) => a.seq - b.seq);
    this.queue = this.queue.filter((q) => q.slot >= start);
    for (const q of due) this.apply(q.ev, e);
    // 3. eligibility and activation
    for (const v of this.validators) {
      if (v.eligibility === FAR && v.effective >= MAX_EFFECTIVE) {
        v.eligibility = e;
        v.activation = e + BigInt(this.o.activationDelayEpochs);
      }
    }
    // 4. pending consolidations whose source is withdrawable now: its balance (up to its effective
    // balance) moves to the target on the beacon chain (process_pending_consolidations).
    this.pendingConsolidations = this.pendingConsolidations.filter(({ source, target }) => {
      const src = this.validators[source];
      if (src.slashed) return false;
      if (src.withdrawable > e) return true;
      const moved = src.balance < src.effective ? src.balance : src.effective;
      src.balance -= moved;
      this.validators[target].balance += moved;
      this.consolidations.push({ epoch: e, source, target, gwei: moved });
      return false;
    });
    // 5. withdrawals: withdrawable partial requests first (as get_expected_withdrawals), then full
    // withdrawals and the sweep of skims.
    this.pendingPartials = this.pendingPartials.filter((q) => {
      if (q.withdrawable > e) return true;
      const v = this.validators[q.index];
      if (v.exit === FAR && v.effective >= MAX_EFFECTIVE && v.balance > MAX_EFFECTIVE) {
        const excess = v.balance - MAX_EFFECTIVE;
        const amount = q.amount < excess ? q.amount : excess;
        this.pay(v, amount, e, "partial");
        v.balance -= amount;
      }
      return false;
    });
    const visited = new Set<number>();
    const rolling = this.o.sweepPerEpoch;
    if (rolling !== undefined && this.validators.length > 0) {
      for (let i = 0; i < rolling && i < this.validators.length; i++) {
        visited.add(this.sweepCursor);
        this.sweepCursor = (this.sweepCursor + 1) % this.validators.length;
      }
    }
    const sweepAll =
      rolling === undefined && (e - BigInt(this.o.sweepOffsetEpochs)) % BigInt(this.o.sweepEpochs) === 0n;
    let exited = false;
    for (const v of this.validators) {
      // Exit and withdrawable epochs: states an oracle reads for final balances.
      if (v.exit === e || v.withdrawable === e) exited = true;
      if (!isExecutionWc(v.wc)) continue;
      const cap = maxEffective(v.wc);
      if (v.withdrawable !== FAR && v.withdrawable + BigInt(this.o.sweepDelayEpochs) <= e && v.balance > 0n) {
        this.pay(v, v.balance, e, "full");
        v.balance = 0n;
      } else if (
        (sweepAll || visited.has(v.index)) &&
        v.withdrawable > e &&
        v.effective === cap &&
        v.balance > cap
      ) {
        this.pay(v, v.balance - cap, e, "skim");
        v.balance = cap;
      }
    }
    // 6. effective balance with the spec's hysteresis (down at −0.25 ETH, up at +1.25 ETH), capped
    // at 32 ETH (2,048 ETH for compounding validators)
    for (const v of this.validators) {
      if (v.balance + GWEI / 4n < v.effective || v.effective + (5n * GWEI) / 4n < v.balance) {
        const eff = v.balance - (v.balance % GWEI);
        const cap = maxEffective(v.wc);
        v.effective = eff > cap ? cap : eff;
      }
    }
    this.epoch = e;
    // An exited validator's balance is final from here: keep the state for the oracle.
    if (exited) this.snapshot(start);
  }

  private apply(ev: SimEvent, e: bigint): void {
    switch (ev.kind) {
      case "deposit": {
        const v = this.byPubkey.get(ev.pubkey);
        if (v) v.balance += ev.gwei;
        else this.addValidator(ev.pubkey, ev.wc, ev.gwei, FAR, FAR);
        return;
      }
      case "exit":
        return this.initiateExit(this.byPubkey.get(ev.pubkey), e);
      case "slash": {
        const v = this.byPubkey.get(ev.pubkey);
        if (!v || v.slashed || v.activation > e || v.withdrawable <= e) return;
        v.slashed = true;
        v.slashedAt = e;
        this.slashings.set(e, (this.slashings.get(e) ?? 0n) + v.effective);
        const penalty = this.o.slashingPenaltyGwei ?? v.effective / 4096n;
        v.balance -= v.balance < penalty ? v.balance : penalty;
        this.initiateExit(v, e);
        const w = e + BigInt(this.o.slashedWithdrawDelayEpochs);
        if (w > v.withdrawable) v.withdrawable = w;
        return;
      }
      case "penalty": {
        const v = this.byPubkey.get(ev.pubkey);
        if (v) v.balance -= v.balance < ev.gwei ? v.balance : ev.gwei;
        return;
      }
      case "performance":
        for (const pk of ev.pubkeys) {
          const v = this.byPubkey.get(pk);
          if (v) v.perfBps = BigInt(ev.perfBps);
        }
        return;
      case "withdrawalRequest": {
        // EIP-7002: only the validator's execution withdrawal-credential address may request;
        // amount 0 is a full exit, a positive amount a partial withdrawal (compounding only).
        const v = this.byPubkey.get(ev.pubkey);
        if (!v || !isExecutionWc(v.wc)) return;
        if (getAddress("0x" + v.wc.slice(26)) !== ev.source) return;
        if (ev.amount !== 0n) return this.queuePartial(v, ev.amount, e);
        if (v.exit === FAR && v.activation <= e)
          this.forcedExits.push({ epoch: e, pubkey: v.pubkey, source: ev.source });
        return this.initiateExit(v, e);
      }
      case "consolidation": {
        const src = this.byPubkey.get(ev.source);
        const dst = this.byPubkey.get(ev.target);
        if (!src || !dst || !isExecutionWc(src.wc) || src.exit !== FAR || src.activation > e) return;
        if (src === dst) {
          // switch_to_compounding_validator (the excess stays in the balance: no deposit here).
          if (src.wc.startsWith("0x01")) src.wc = "0x02" + src.wc.slice(4);
          return;
        }
        if (!dst.wc.startsWith("0x02") || dst.exit !== FAR || dst.activation > e) return;
        this.initiateExit(src, e);
        this.pendingConsolidations.push({ source: src.index, target: dst.index });
        return;
      }
      case "exitOperator": {
        // `count` is how many of the operator's validators must be exiting or exited.
        if (this.unresponsive.has(`${ev.module}:${ev.operatorId}`)) return;
        const keys = this.operatorKeys.get(ev.module)?.get(ev.operatorId) ?? [];
        const vals = keys.map((k) => this.byPubkey.get(k)).filter((v): v is SimValidator => v !== undefined);
        let leaving = BigInt(vals.filter((v) => v.exit !== FAR).length);
        for (const v of vals) {
          if (leaving >= ev.count) break;
          if (v.exit === FAR && v.activation <= e) {
            this.initiateExit(v, e);
            leaving++;
          }
        }
        return;
      }
    }
  }

  /** process_withdrawal_request's partial branch: queued through the churn, paid once withdrawable. */
  private queuePartial(v: SimValidator, amount: bigint, e: bigint): void {
    if (!v.wc.startsWith("0x02") || v.exit !== FAR || v.activation > e || v.effective < MAX_EFFECTIVE) return;
    const pending = this.pendingPartials
      .filter((p) => p.index === v.index)
      .reduce((t, p) => t + p.amount, 0n);
    if (v.balance <= MAX_EFFECTIVE + pending) return;
    const excess = v.balance - MAX_EFFECTIVE - pending;
    const toWithdraw = amount < excess ? amount : excess;
    let x = e + BigInt(this.o.exitDelayEpochs);
    while (
      (this.exitChurn.get(x) ?? 0n) + toWithdraw > this.o.exitChurnGwei &&
      (this.exitChurn.get(x) ?? 0n) > 0n
    )
      x++;
    this.exitChurn.set(x, (this.exitChurn.get(x) ?? 0n) + toWithdraw);
    this.pendingPartials.push({
      index: v.index,
      amount: toWithdraw,
      withdrawable: x + BigInt(this.o.withdrawDelayEpochs),
    });
  }

  /** Exit epoch from the churn-limited queue (Electra: exits consume balance churn per epoch). */
  private initiateExit(v: SimValidator | undefined, e: bigint): void {
    if (!v || v.exit !== FAR || v.activation > e) return;
    let x = e + BigInt(this.o.exitDelayEpochs);
    const cost = v.effective > 0n ? v.effective : GWEI;
    while ((this.exitChurn.get(x) ?? 0n) + cost > this.o.exitChurnGwei && (this.exitChurn.get(x) ?? 0n) > 0n)
      x++;
    this.exitChurn.set(x, (this.exitChurn.get(x) ?? 0n) + cost);
    v.exit = x;
    v.withdrawable = v.exit + BigInt(this.o.withdrawDelayEpochs);
  }

  /**
   * Electra's correlation penalty: `min(3 · slashed in the window, total) / (total / 1 ETH)` per
   * effective-balance increment of the validator.
   */
  private correlationPenalty(v: SimValidator): bigint {
    const window = BigInt(this.o.slashedWithdrawDelayEpochs);
    let slashed = 0n;
    for (const [ep, g] of this.slashings) if (ep + window > v.slashedAt && ep <= v.slashedAt) slashed += g;
    const total = this.validators
      .filter((x) => x.activation <= v.slashedAt && v.slashedAt < x.exit)
      .reduce((t, x) => t + x.effective, 0n);
    if (total === 0n) return 0n;
    const adjusted = slashed * 3n < total ? slashed * 3n : total;
    return (adjusted / (total / GWEI)) * (v.effective / GWEI);
  }

  private addValidator(
    pubkey: string,
    wc: string,
    gwei: bigint,
    eligibility: bigint,
    activation: bigint,
  ): void {
    const eff = gwei - (gwei % GWEI);
    const cap = maxEffective(wc);
    const v: SimValidator = {
      index: this.validators.length,
      pubkey,
      wc,
      balance: gwei,
      effective: eff > cap ? cap : eff,
      slashed: false,
      eligibility,
      activation,
      exit: FAR,
      withdrawable: FAR,
      perfBps: BPS,
      slashedAt: FAR,
    };
    this.validators.push(v);
    this.byPubkey.set(pubkey, v);
  }

  private pay(v: SimValidator, gwei: bigint, epoch: bigint, kind: WithdrawalRecord["kind"]): void {
    const address = getAddress("0x" + v.wc.slice(26));
    const slot = epoch * this.slotsPerEpoch;
    if (this.withdrawalSlots[this.withdrawalSlots.length - 1] !== slot) this.withdrawalSlots.push(slot);
    this.withdrawals.push({
      epoch,
      slot,
      index: BigInt(this.withdrawals.length),
      validatorIndex: v.index,
      address,
      gwei,
      kind,
    });
    this.outbox.set(address, (this.outbox.get(address) ?? 0n) + gwei);
  }

  /** Pays the outbox; returns the block of the last payment. */
  private async flushWithdrawals(): Promise<number | undefined> {
    if (!this.o.funder) {
      this.outbox.clear();
      return undefined;
    }
    let block: number | undefined;
    for (const [to, gwei] of [...this.outbox.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const rc = await (await this.o.funder.sendTransaction({ to, value: gwei * GWEI })).wait();
      block = rc!.blockNumber;
      this.outbox.delete(to);
    }
    return block;
  }

  /**
   * The execution block of `slot`: the last block whose timestamp is within the slot, or later
   * when the withdrawals of an epoch up to `slot` were paid after it (the devnet pays them when it
   * advances, after the fact).
   */
  async executionBlockOf(slot: bigint): Promise<{ number: number; hash: string; timestamp: bigint }> {
    if (this.el.length === 0) await this.sync();
    let lo = 0;
    let hi = this.el.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.el[mid].slot <= slot) lo = mid;
      else hi = mid - 1;
    }
    let n = lo;
    for (const [s, b] of this.paidIn) if (s <= slot && b > n) n = b;
    const known = this.el[n];
    if (known) return { number: n, hash: known.hash, timestamp: known.timestamp };
    const b = (await this.o.provider.getBlock(n))!;
    return { number: b.number, hash: b.hash!, timestamp: BigInt(b.timestamp) };
  }

  private copy(): SimValidator[] {
    return this.validators.map((v) => ({ ...v }));
  }

  private snapshot(slot: bigint): void {
    this.snapshots.set(slot, this.copy());
    if (this.snapshots.size > 1024) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  // ---------------------------------------------------------------- Beacon API views

  /** Validators of the state at `stateId`, in the Beacon API's JSON shape, or an HTTP error. */
  async stateValidators(
    stateId: string,
    ids?: string[],
    statuses?: string[],
  ): Promise<{ status: number; body: unknown }> {
    let slot: bigint;
    if (stateId === "head") slot = await this.sync();
    else if (stateId === "finalized" || stateId === "justified") {
      const f = await this.finalizedEpoch();
      slot = (stateId === "finalized" ? f : f + 1n) * this.slotsPerEpoch;
    } else if (stateId === "genesis") slot = 0n;
    else if (/^(0|[1-9][0-9]*)$/.test(stateId)) slot = BigInt(stateId);
    else if (/^0x[0-9a-fA-F]{64}$/.test(stateId))
      return { status: 404, body: { code: 404, message: "State not found: state roots are not indexed" } };
    else return { status: 400, body: { code: 400, message: `Invalid state ID: ${stateId}` } };

    const head = await this.sync(slot);
    if (slot > head)
      return { status: 404, body: { code: 404, message: `State not found: slot ${slot} is in the future` } };
    const state = slot === this.slot ? this.validators : (this.snapshots.get(slot) ?? this.recent.get(slot));
    if (!state)
      return { status: 404, body: { code: 404, message: `State not found: slot ${slot} is not kept` } };
    const epoch = slot / this.slotsPerEpoch;

    const statusSet = expandStatuses(statuses);
    if (statusSet === null)
      return { status: 400, body: { code: 400, message: `Invalid status: ${statuses}` } };
    let selected: SimValidator[] = state;
    if (ids && ids.length) {
      const want: SimValidator[] = [];
      for (const raw of ids) {
        const id = raw.toLowerCase();
        const v = /^[0-9]+$/.test(id) ? state[Number(id)] : state.find((x) => x.pubkey === id);
        if (/^0x[0-9a-f]{96}$/.test(id) || /^[0-9]+$/.test(id)) {
          if (v && !want.includes(v)) want.push(v);
        } else return { status: 400, body: { code: 400, message: `Invalid validator ID: ${raw}` } };
      }
      selected = want.sort((a, b) => a.index - b.index);
    }
    const data = selected
      .map((v) => ({ v, status: statusOf(v, epoch) }))
      .filter(({ status }) => statusSet.size === 0 || statusSet.has(status))
      .map(({ v, status }) => ({
        index: String(v.index),
        balance: v.balance.toString(),
        status,
        validator: {
          pubkey: v.pubkey,
          withdrawal_credentials: v.wc,
          effective_balance: v.effective.toString(),
          slashed: v.slashed,
          activation_eligibility_epoch: v.eligibility.toString(),
          activation_epoch: v.activation.toString(),
          exit_epoch: v.exit.toString(),
          withdrawable_epoch: v.withdrawable.toString(),
        },
      }));
    const finalized = slot <= (await this.finalizedEpoch()) * this.slotsPerEpoch;
    return { status: 200, body: { execution_optimistic: false, finalized, data } };
  }

  /**
   * `config/spec`: the Fulu-era key set a mainnet-preset node serves (constants, presets and
   * config; numbers as decimal strings, `BLOB_SCHEDULE` as an array), with the devnet's timing.
   */
  async specData(): Promise<Record<string, unknown>> {
    const fv = (n: number) => "0x" + n.toString(16).padStart(2, "0") + this.o.genesisForkVersion.slice(4);
    return {
      CONFIG_NAME: "cascade-devnet",
      PRESET_BASE: "mainnet",
      GENESIS_FORK_VERSION: this.o.genesisForkVersion,
      ALTAIR_FORK_VERSION: fv(1),
      ALTAIR_FORK_EPOCH: "0",
      BELLATRIX_FORK_VERSION: fv(2),
      BELLATRIX_FORK_EPOCH: "0",
      CAPELLA_FORK_VERSION: fv(3),
      CAPELLA_FORK_EPOCH: "0",
      DENEB_FORK_VERSION: fv(4),
      DENEB_FORK_EPOCH: "0",
      ELECTRA_FORK_VERSION: fv(5),
      ELECTRA_FORK_EPOCH: "0",
      FULU_FORK_VERSION: fv(6),
      FULU_FORK_EPOCH: "0",
      SECONDS_PER_SLOT: this.secondsPerSlot.toString(),
      SLOT_DURATION_MS: (this.secondsPerSlot * 1000n).toString(),
      SLOTS_PER_EPOCH: this.slotsPerEpoch.toString(),
      SECONDS_PER_ETH1_BLOCK: "14",
      MIN_VALIDATOR_WITHDRAWABILITY_DELAY: String(this.o.withdrawDelayEpochs),
      SHARD_COMMITTEE_PERIOD: "256",
      ETH1_FOLLOW_DISTANCE: "2048",
      EJECTION_BALANCE: (16n * GWEI).toString(),
      MIN_PER_EPOCH_CHURN_LIMIT: "4",
      CHURN_LIMIT_QUOTIENT: "65536",
      MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA: this.o.exitChurnGwei.toString(),
      MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT: (256n * GWEI).toString(),
      MAX_SEED_LOOKAHEAD: "4",
      MIN_SEED_LOOKAHEAD: "1",
      EPOCHS_PER_SLASHINGS_VECTOR: String(this.o.slashedWithdrawDelayEpochs),
      MAX_EFFECTIVE_BALANCE: MAX_EFFECTIVE.toString(),
      MAX_EFFECTIVE_BALANCE_ELECTRA: (2048n * GWEI).toString(),
      MIN_ACTIVATION_BALANCE: MAX_EFFECTIVE.toString(),
      EFFECTIVE_BALANCE_INCREMENT: GWEI.toString(),
      MIN_DEPOSIT_AMOUNT: GWEI.toString(),
      HYSTERESIS_QUOTIENT: "4",
      HYSTERESIS_DOWNWARD_MULTIPLIER: "1",
      HYSTERESIS_UPWARD_MULTIPLIER: "5",
      BASE_REWARD_FACTOR: "64",
      WHISTLEBLOWER_REWARD_QUOTIENT_ELECTRA: "4096",
      MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA: "4096",
      PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX: "3",
      INACTIVITY_PENALTY_QUOTIENT_BELLATRIX: "16777216",
      MAX_WITHDRAWALS_PER_PAYLOAD: "16",
      MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP: "16384",
      MAX_PENDING_PARTIALS_PER_WITHDRAWALS_SWEEP: "8",
      MAX_PENDING_DEPOSITS_PER_EPOCH: "16",
      PENDING_PARTIAL_WITHDRAWALS_LIMIT: "134217728",
      PENDING_CONSOLIDATIONS_LIMIT: "262144",
      MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD: "2",
      MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD: "16",
      MAX_DEPOSIT_REQUESTS_PER_PAYLOAD: "8192",
      MAX_BLOBS_PER_BLOCK: "6",
      MAX_BLOBS_PER_BLOCK_ELECTRA: "9",
      BLOB_SCHEDULE: [{ EPOCH: "0", MAX_BLOBS_PER_BLOCK: "15" }],
      NUMBER_OF_COLUMNS: "128",
      NUMBER_OF_CUSTODY_GROUPS: "128",
      CUSTODY_REQUIREMENT: "4",
      TERMINAL_TOTAL_DIFFICULTY: "0",
      TERMINAL_BLOCK_HASH: "0x" + "00".repeat(32),
      TERMINAL_BLOCK_HASH_ACTIVATION_EPOCH: FAR.toString(),
      BLS_WITHDRAWAL_PREFIX: "0x00",
      ETH1_ADDRESS_WITHDRAWAL_PREFIX: "0x01",
      COMPOUNDING_WITHDRAWAL_PREFIX: "0x02",
      DOMAIN_BEACON_PROPOSER: "0x00000000",
      DOMAIN_BEACON_ATTESTER: "0x01000000",
      DOMAIN_DEPOSIT: "0x03000000",
      DOMAIN_VOLUNTARY_EXIT: "0x04000000",
      DEPOSIT_CONTRACT_ADDRESS: getAddress(this.o.depositContract),
      DEPOSIT_CHAIN_ID: (await this.o.provider.getNetwork()).chainId.toString(),
      DEPOSIT_NETWORK_ID: (await this.o.provider.getNetwork()).chainId.toString(),
    };
  }

  /** The finalized checkpoint's epoch: `finalityLagEpochs` behind the head's epoch. */
  async finalizedEpoch(): Promise<bigint> {
    const head = await this.sync();
    const e = head / this.slotsPerEpoch;
    const lag = BigInt(this.o.finalityLagEpochs);
    return e > lag ? e - lag : 0n;
  }

  /** Resolves a block id (`head`, `finalized`, `genesis`, slot, 0x root) to a slot, or an HTTP error. */
  private async blockSlotOf(id: string): Promise<bigint | { status: number; body: unknown }> {
    if (id === "head") return this.sync();
    if (id === "genesis") return 0n;
    if (id === "finalized")
      return this.blockSlotAtOrBefore((await this.finalizedEpoch()) * this.slotsPerEpoch);
    if (/^(0|[1-9][0-9]*)$/.test(id)) {
      const slot = BigInt(id);
      if (slot > (await this.sync()))
        return {
          status: 404,
          body: { code: 404, message: `Block not found: slot ${slot} is in the future` },
        };
      if (!this.hasBlock(slot))
        return { status: 404, body: { code: 404, message: `Block not found: no block at slot ${slot}` } };
      return slot;
    }
    if (/^0x[0-9a-fA-F]{64}$/.test(id)) {
      const slot = this.roots.get(id.toLowerCase());
      if (slot === undefined) return { status: 404, body: { code: 404, message: `Block not found: ${id}` } };
      return slot;
    }
    return { status: 400, body: { code: 400, message: `Invalid block ID: ${id}` } };
  }

  private blockRoot(slot: bigint): string {
    const root = keccakId(`block-${slot}`);
    this.roots.set(root, slot);
    if (this.roots.size > 100_000) this.roots.delete(this.roots.keys().next().value!);
    return root;
  }

  /** `GET /eth/v1/beacon/headers/{block_id}` (404 for an empty slot). */
  async blockHeader(id: string): Promise<{ status: number; body: unknown }> {
    const slot = await this.blockSlotOf(id);
    if (typeof slot !== "bigint") return slot;
    const finalized = slot <= (await this.finalizedEpoch()) * this.slotsPerEpoch;
    return {
      status: 200,
      body: {
        execution_optimistic: false,
        finalized,
        data: {
          root: this.blockRoot(slot),
          canonical: true,
          header: { message: this.headerMessage(slot), signature: "0x" + "00".repeat(96) },
        },
      },
    };
  }

  private headerMessage(slot: bigint) {
    return {
      slot: slot.toString(),
      proposer_index: String(this.validators.length ? Number(slot % BigInt(this.validators.length)) : 0),
      parent_root: slot > 0n ? this.blockRoot(this.blockSlotAtOrBefore(slot - 1n)) : "0x" + "00".repeat(32),
      state_root: keccakId(`state-${slot}`),
      body_root: keccakId(`body-${slot}`),
    };
  }

  /**
   * `GET /eth/v2/beacon/blocks/{block_id}`: a Fulu block whose execution payload names the
   * execution block of the slot and carries the withdrawals paid at that slot.
   */
  async beaconBlock(id: string): Promise<{ status: number; body: unknown }> {
    const slot = await this.blockSlotOf(id);
    if (typeof slot !== "bigint") return slot;
    const finalized = slot <= (await this.finalizedEpoch()) * this.slotsPerEpoch;
    const el = await this.executionBlockOf(slot);
    const z32 = "0x" + "00".repeat(32);
    const withdrawals = this.withdrawals
      .filter((w) => w.slot === slot)
      .map((w) => ({
        index: w.index.toString(),
        validator_index: String(w.validatorIndex),
        address: w.address.toLowerCase(),
        amount: w.gwei.toString(),
      }));
    const { body_root: _b, ...msg } = this.headerMessage(slot);
    return {
      status: 200,
      body: {
        version: "fulu",
        execution_optimistic: false,
        finalized,
        data: {
          message: {
            ...msg,
            body: {
              randao_reveal: "0x" + "00".repeat(96),
              eth1_data: { deposit_root: z32, deposit_count: "0", block_hash: z32 },
              graffiti: z32,
              proposer_slashings: [],
              attester_slashings: [],
              attestations: [],
              deposits: [],
              voluntary_exits: [],
              sync_aggregate: {
                sync_committee_bits: "0x" + "00".repeat(64),
                sync_committee_signature: "0x" + "00".repeat(96),
              },
              execution_payload: {
                parent_hash: z32,
                fee_recipient: "0x" + "00".repeat(20),
                state_root: z32,
                receipts_root: z32,
                logs_bloom: "0x" + "00".repeat(256),
                prev_randao: z32,
                block_number: String(el.number),
                gas_limit: "30000000",
                gas_used: "0",
                timestamp: el.timestamp.toString(),
                extra_data: "0x",
                base_fee_per_gas: "1",
                block_hash: el.hash,
                transactions: [],
                withdrawals,
                blob_gas_used: "0",
                excess_blob_gas: "0",
              },
              bls_to_execution_changes: [],
              blob_kzg_commitments: [],
              execution_requests: { deposits: [], withdrawals: [], consolidations: [] },
            },
          },
          signature: "0x" + "00".repeat(96),
        },
      },
    };
  }

  /** `GET /eth/v1/beacon/states/{state_id}/finality_checkpoints` (head's view). */
  async finalityCheckpoints(stateId: string): Promise<{ status: number; body: unknown }> {
    // States exist at every slot (empty ones too): only roots resolve through blocks.
    const id = stateId === "justified" ? "finalized" : stateId;
    const slot =
      id === "finalized"
        ? (await this.finalizedEpoch()) * this.slotsPerEpoch
        : /^(0|[1-9][0-9]*)$/.test(id) && BigInt(id) <= (await this.sync())
          ? BigInt(id)
          : await this.blockSlotOf(id);
    if (typeof slot !== "bigint") return slot;
    const f = await this.finalizedEpoch();
    // The checkpoints a state at `slot` knows: finality `lag` epochs behind it, capped by the head's.
    const e = slot / this.slotsPerEpoch;
    const lag = BigInt(this.o.finalityLagEpochs);
    const fin = e > lag ? e - lag : 0n;
    const fe = fin < f ? fin : f;
    const cp = (ep: bigint) => ({
      epoch: ep.toString(),
      root:
        ep === 0n
          ? "0x" + "00".repeat(32)
          : this.blockRoot(this.blockSlotAtOrBefore(ep * this.slotsPerEpoch)),
    });
    return {
      status: 200,
      body: {
        execution_optimistic: false,
        finalized: slot <= f * this.slotsPerEpoch,
        data: {
          previous_justified: cp(fe),
          current_justified: cp(fe + 1n <= e ? fe + 1n : fe),
          finalized: cp(fe),
        },
      },
    };
  }

  // ---------------------------------------------------------------- HTTP server

  /** Starts the Beacon API server on 127.0.0.1 (`port` 0 = a free port); returns its base URL. */
  async listen(port = 0): Promise<string> {
    const app = Fastify({ logger: false });
    const genesisRoot = keccakId("cascade-devnet-genesis");
    app.get("/eth/v1/beacon/genesis", async () => ({
      data: {
        genesis_time: this.genesisTime.toString(),
        genesis_validators_root: genesisRoot,
        genesis_fork_version: this.o.genesisForkVersion,
      },
    }));
    app.get("/eth/v1/config/spec", async () => ({ data: await this.specData() }));
    app.get<{ Params: { block_id: string } }>("/eth/v1/beacon/headers/:block_id", async (req, reply) => {
      const r = await this.blockHeader(req.params.block_id);
      return reply.code(r.status).send(r.body);
    });
    app.get<{ Params: { block_id: string } }>("/eth/v2/beacon/blocks/:block_id", async (req, reply) => {
      const r = await this.beaconBlock(req.params.block_id);
      return reply.code(r.status).send(r.body);
    });
    app.get<{ Params: { state_id: string } }>(
      "/eth/v1/beacon/states/:state_id/finality_checkpoints",
      async (req, reply) => {
        const r = await this.finalityCheckpoints(req.params.state_id);
        return reply.code(r.status).send(r.body);
      },
    );
    app.post<{
      Params: { state_id: string };
      Body: { ids?: string[] | null; statuses?: string[] | null } | null;
    }>("/eth/v1/beacon/states/:state_id/validators", async (req, reply) => {
      const body = req.body ?? {};
      const r = await this.stateValidators(
        req.params.state_id,
        body.ids ?? undefined,
        body.statuses ?? undefined,
      );
      return reply.code(r.status).send(r.body);
    });
    app.get<{
      Params: { state_id: string };
      Querystring: { id?: string | string[]; status?: string | string[] };
    }>("/eth/v1/beacon/states/:state_id/validators", async (req, reply) => {
      const ids = splitList(req.query.id);
      // The spec caps GET at 64 ids (larger sets go through POST).
      if (ids && ids.length > 64)
        return reply
          .code(414)
          .send({ code: 414, message: `Too many validator IDs in request: ${ids.length}` });
      const r = await this.stateValidators(req.params.state_id, ids, splitList(req.query.status));
      return reply.code(r.status).send(r.body);
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ code: 404, message: `Not found: ${req.url}` }),
    );
    app.setErrorHandler((err, _req, reply) =>
      reply.code(500).send({ code: 500, message: err instanceof Error ? err.message : String(err) }),
    );
    await app.listen({ host: "127.0.0.1", port });
    this.server = app;
    const addr = app.server.address();
    if (!addr || typeof addr === "string") throw new Error("simulator: no TCP address");
    return `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

/** 0x01 or 0x02: withdrawals are paid to the address in the credentials. */
function isExecutionWc(wc: string): boolean {
  return wc.startsWith("0x01") || wc.startsWith("0x02");
}

/** get_max_effective_balance: 2,048 ETH for compounding (0x02) credentials, else 32 ETH. */
function maxEffective(wc: string): bigint {
  return wc.startsWith("0x02") ? MAX_EFFECTIVE_COMPOUNDING : MAX_EFFECTIVE;
}

function splitList(q: string | string[] | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  return (Array.isArray(q) ? q : [q])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The spec's statuses plus its four general ones (`active`, `pending`, `exited`, `withdrawal`). */
function expandStatuses(statuses?: string[]): Set<ValidatorStatus> | null {
  const out = new Set<ValidatorStatus>();
  for (const s of statuses ?? []) {
    const matches = VALIDATOR_STATUSES.filter((x) => x === s || x.startsWith(s + "_"));
    if (!matches.length) return null;
    for (const m of matches) out.add(m);
  }
  return out;
}

/** `get_validator_status` of the Beacon API spec at `epoch`. */
export function statusOf(
  v: {
    activation: bigint;
    eligibility: bigint;
    exit: bigint;
    withdrawable: bigint;
    slashed: boolean;
    balance: bigint;
  },
  epoch: bigint,
): ValidatorStatus {
  if (v.activation > epoch) return v.eligibility === FAR ? "pending_initialized" : "pending_queued";
  if (epoch < v.exit)
    return v.exit === FAR ? "active_ongoing" : v.slashed ? "active_slashed" : "active_exiting";
  if (epoch < v.withdrawable) return v.slashed ? "exited_slashed" : "exited_unslashed";
  return v.balance > 0n ? "withdrawal_possible" : "withdrawal_done";
}
