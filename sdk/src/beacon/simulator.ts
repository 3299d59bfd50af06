/**
 * Devnet beacon chain simulator (DESIGN §2). It follows an execution chain through an ethers
 * provider — `DepositEvent`s of the deposit contract create validators, `ExitRequested` events of
 * watched modules exit them (unless the operator is scripted as unresponsive), and full-exit
 * `WithdrawalRequested` events of the EIP-7002 contract (the devnet stand-in) exit the validator
 * when the request's `source` is the validator's 0x01 withdrawal-credential address — and serves the standard Beacon API subset the oracle reads
 * (`/eth/v1/beacon/genesis`, `/eth/v1/config/spec`, `/eth/v1/beacon/headers/head`,
 * `/eth/v1/beacon/states/{state_id}/validators`) over HTTP on 127.0.0.1 with fastify.
 *
 * Time is the chain's: the head slot is `(latest block timestamp − genesisTime) / SECONDS_PER_SLOT`,
 * so `evm_increaseTime`/`evm_mine` move the beacon chain too. The state advances lazily, epoch by
 * epoch, up to the slot a request asks for. At each epoch transition, in this order:
 * 1. rewards for the previous epoch: `effective · aprBps · perfBps · SECONDS_PER_EPOCH / (10⁸ · year)`
 *    gwei for every active, unslashed validator (perfBps < 0 is an offline penalty);
 * 2. queued events whose slot is before the epoch (deposits, exits, slashings, penalties,
 *    performance changes) are applied;
 * 3. new validators become eligible and are activated `activationDelayEpochs` later;
 * 4. full withdrawals of validators past `withdrawable_epoch`, and every `sweepEpochs` a sweep of
 *    the balance above 32 ETH of active 0x01 validators (skims);
 * 5. effective balances follow balances (1 ETH steps, spec hysteresis).
 * Exited and slashed validators earn nothing, so an exited validator's balance is final from its
 * exit epoch on; the simulator keeps the state at every exit epoch (and every slot a client asked
 * for, and the first slot of each of the last 64 epochs), so `states/{slot}` answers for those
 * slots like an archive node and 404s otherwise. `finalized`/`justified` are served as `head`
 * (the devnet has no finality lag).
 * Withdrawals are paid from the `funder` signer to the address in each validator's 0x01
 * credentials, one transaction per address per advance, before the advanced state is served.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Interface, getAddress, id as keccakId, type Provider, type Signer } from "ethers";
import { FAR_FUTURE_EPOCH, VALIDATOR_STATUSES, type ValidatorStatus } from "./schemas.js";

const GWEI = 10n ** 9n;
const MAX_EFFECTIVE = 32n * GWEI;
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
  /** Skims of balances above 32 ETH happen at epochs divisible by this. */
  sweepEpochs?: number;
  /** Slashing penalty in gwei (spec phase0: effective / 32 = 1 ETH). */
  slashingPenaltyGwei?: bigint;
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
}

type SimEvent =
  | { kind: "deposit"; pubkey: string; wc: string; gwei: bigint }
  | { kind: "exit"; pubkey: string }
  | { kind: "slash"; pubkey: string }
  | { kind: "penalty"; pubkey: string; gwei: bigint }
  | { kind: "performance"; pubkeys: string[]; perfBps: number }
  | { kind: "exitOperator"; module: string; operatorId: bigint; count: bigint }
  | { kind: "withdrawalRequest"; source: string; pubkey: string; amount: bigint };

/** What the simulator paid out, for logs and tests (the oracle never reads it). */
export interface WithdrawalRecord {
  epoch: bigint;
  validatorIndex: number;
  address: string;
  gwei: bigint;
  kind: "skim" | "full";
}

export class BeaconSimulator {
  readonly secondsPerSlot: bigint;
  readonly slotsPerEpoch: bigint;
  readonly genesisTime: bigint;
  readonly withdrawals: WithdrawalRecord[] = [];
  private readonly o: Required<Omit<SimulatorOptions, "funder" | "modules" | "withdrawalRequests">> & {
    funder?: Signer;
    withdrawalRequests?: string;
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
  private modules: string[] = [];
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
      slashingPenaltyGwei: GWEI,
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
      this.addValidator(pubkey, "0x00" + keccakId(`network-wc-${i}`).slice(4), MAX_EFFECTIVE, 0n, 0n);
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
   * exit through EIP-7002 (the router's `forceExit`) gets its validators out.
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
    return head;
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
    }
    this.slot = slot;
    this.snapshot(slot);
    await this.flushWithdrawals();
  }

  private processEpoch(e: bigint): void {
    const secondsPerEpoch = this.secondsPerSlot * this.slotsPerEpoch;
    const prev = e - 1n;
    // 1. rewards for the epoch that just ended
    for (const v of this.validators) {
      if (v.slashed || !(v.activation <= prev && prev < v.exit)) continue;
      const delta = (v.effective * BigInt(this.o.aprBps) * v.perfBps * secondsPerEpoch) / (BPS * BPS * YEAR);
      v.balance = v.balance + delta < 0n ? 0n : v.balance + delta;
    }
    // 2. queued events from slots before this epoch, in arrival order
    const start = e * this.slotsPerEpoch;
    const due = this.queue.filter((q) => q.slot < start).sort((a, b) => a.seq - b.seq);
    this.queue = this.queue.filter((q) => q.slot >= start);
    for (const q of due) this.apply(q.ev, e);
    // 3. eligibility and activation
    for (const v of this.validators) {
      if (v.eligibility === FAR && v.effective === MAX_EFFECTIVE) {
        v.eligibility = e;
        v.activation = e + BigInt(this.o.activationDelayEpochs);
      }
    }
    // 4. withdrawals: full, then the periodic sweep of skims
    let exited = false;
    for (const v of this.validators) {
      if (v.exit === e) exited = true;
      if (!v.wc.startsWith("0x01")) continue;
      if (v.withdrawable <= e && v.balance > 0n) {
        this.pay(v, v.balance, e, "full");
        v.balance = 0n;
      } else if (
        e % BigInt(this.o.sweepEpochs) === 0n &&
        v.exit === FAR &&
        v.effective === MAX_EFFECTIVE &&
        v.balance > MAX_EFFECTIVE
      ) {
        this.pay(v, v.balance - MAX_EFFECTIVE, e, "skim");
        v.balance = MAX_EFFECTIVE;
      }
    }
    // 5. effective balance with the spec's hysteresis (down at −0.25 ETH, up at +1.25 ETH)
    for (const v of this.validators) {
      if (v.balance + GWEI / 4n < v.effective || v.effective + (5n * GWEI) / 4n < v.balance) {
        const eff = v.balance - (v.balance % GWEI);
        v.effective = eff > MAX_EFFECTIVE ? MAX_EFFECTIVE : eff;
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
        v.balance -= v.balance < this.o.slashingPenaltyGwei ? v.balance : this.o.slashingPenaltyGwei;
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
        // EIP-7002: only the validator's 0x01 withdrawal-credential address may request; amount 0
        // is a full exit (partial withdrawals are not simulated).
        const v = this.byPubkey.get(ev.pubkey);
        if (!v || !v.wc.startsWith("0x01") || ev.amount !== 0n) return;
        if (getAddress("0x" + v.wc.slice(26)) !== ev.source) return;
        if (v.exit === FAR && v.activation <= e)
          this.forcedExits.push({ epoch: e, pubkey: v.pubkey, source: ev.source });
        return this.initiateExit(v, e);
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

  private initiateExit(v: SimValidator | undefined, e: bigint): void {
    if (!v || v.exit !== FAR || v.activation > e) return;
    v.exit = e + BigInt(this.o.exitDelayEpochs);
    v.withdrawable = v.exit + BigInt(this.o.withdrawDelayEpochs);
  }

  private addValidator(
    pubkey: string,
    wc: string,
    gwei: bigint,
    eligibility: bigint,
    activation: bigint,
  ): void {
    const eff = gwei - (gwei % GWEI);
    const v: SimValidator = {
      index: this.validators.length,
      pubkey,
      wc,
      balance: gwei,
      effective: eff > MAX_EFFECTIVE ? MAX_EFFECTIVE : eff,
      slashed: false,
      eligibility,
      activation,
      exit: FAR,
      withdrawable: FAR,
      perfBps: BPS,
    };
    this.validators.push(v);
    this.byPubkey.set(pubkey, v);
  }

  private pay(v: SimValidator, gwei: bigint, epoch: bigint, kind: "skim" | "full"): void {
    const address = getAddress("0x" + v.wc.slice(26));
    this.withdrawals.push({ epoch, validatorIndex: v.index, address, gwei, kind });
    this.outbox.set(address, (this.outbox.get(address) ?? 0n) + gwei);
  }

  private async flushWithdrawals(): Promise<void> {
    if (!this.o.funder) return this.outbox.clear();
    for (const [to, gwei] of [...this.outbox.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await (await this.o.funder.sendTransaction({ to, value: gwei * GWEI })).wait();
      this.outbox.delete(to);
    }
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
    if (stateId === "head" || stateId === "finalized" || stateId === "justified") slot = await this.sync();
    else if (stateId === "genesis") slot = 0n;
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
    return { status: 200, body: { execution_optimistic: false, finalized: false, data } };
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
    app.get("/eth/v1/config/spec", async () => ({
      data: {
        CONFIG_NAME: "cascade-devnet",
        PRESET_BASE: "mainnet",
        SECONDS_PER_SLOT: this.secondsPerSlot.toString(),
        SLOTS_PER_EPOCH: this.slotsPerEpoch.toString(),
        MAX_EFFECTIVE_BALANCE: MAX_EFFECTIVE.toString(),
        EJECTION_BALANCE: (16n * GWEI).toString(),
        MAX_SEED_LOOKAHEAD: "4",
        MIN_VALIDATOR_WITHDRAWABILITY_DELAY: String(this.o.withdrawDelayEpochs),
        EPOCHS_PER_SLASHINGS_VECTOR: String(this.o.slashedWithdrawDelayEpochs),
        GENESIS_FORK_VERSION: this.o.genesisForkVersion,
        DEPOSIT_CONTRACT_ADDRESS: getAddress(this.o.depositContract),
        DEPOSIT_CHAIN_ID: (await this.o.provider.getNetwork()).chainId.toString(),
      },
    }));
    app.get<{ Params: { block_id: string } }>("/eth/v1/beacon/headers/:block_id", async (req, reply) => {
      if (req.params.block_id !== "head")
        return reply.code(404).send({ code: 404, message: "Block header not found: only head is served" });
      const slot = await this.sync();
      const root = keccakId(`block-${slot}`);
      return {
        execution_optimistic: false,
        finalized: false,
        data: {
          root,
          canonical: true,
          header: {
            message: {
              slot: slot.toString(),
              proposer_index: String(
                this.validators.length ? Number(slot % BigInt(this.validators.length)) : 0,
              ),
              parent_root: keccakId(`block-${slot - 1n}`),
              state_root: keccakId(`state-${slot}`),
              body_root: keccakId(`body-${slot}`),
            },
            signature: "0x" + "00".repeat(96),
          },
        },
      };
    });
    app.get<{
      Params: { state_id: string };
      Querystring: { id?: string | string[]; status?: string | string[] };
    }>("/eth/v1/beacon/states/:state_id/validators", async (req, reply) => {
      const r = await this.stateValidators(
        req.params.state_id,
        splitList(req.query.id),
        splitList(req.query.status),
      );
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
