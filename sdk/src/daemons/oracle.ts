/**
 * Oracle member (DESIGN §2, §6, §9). Builds the frame report for the current refSlot from a beacon
 * node — read only through the standard Beacon API client — and the execution chain. Contract
 * state is read at one pinned block; beacon data only once the refSlot is finalized (the head's
 * finalized checkpoint covers it, and the node answers `finalized: true`,
 * `execution_optimistic: false` for the refSlot's state — a node that omits the flags is not
 * trusted), so two members on different nodes build byte-identical reports (and the same hash).
 * Then votes the hash and, at quorum, submits the data.
 *
 * How each field is derived (modules in id order; Cascade validators are the pubkeys of the
 * modules' `KeysAdded` events; S1 = beacon state at refSlot, S0 = state at the last reported
 * refSlot — from the node, else from the member's own record (`stateFile`) if the hash it
 * recorded is the one agreed on-chain for that refSlot, else the member refuses to report):
 * - clValidators: Cascade validators the node knows at S1, any status (never decreases).
 * - clBalance: Σ balance at S1 of those not yet withdrawn (`withdrawal_done` hold 0).
 * - exited: those whose status is `exited_*` or `withdrawal_*`.
 * - withdrawn: exactly what the frame's execution payloads paid the module's validators into the
 *   withdrawal vault, by validator index: the canonical blocks after the last reported refSlot up
 *   to the refSlot's block (walked back by parent root; a node missing one makes the member
 *   refuse). That block's `execution_payload.block_number` is where both vaults are read, the
 *   same point as S1, so a withdrawal paid after the refSlot is booked next frame, never twice.
 *   Skims of every validator (exiting and exited ones included), EIP-7002 partial withdrawals and
 *   full withdrawals are all exact; a consolidated-away validator's balance moved to its target
 *   on the beacon chain and is in no payload. Σ withdrawn ≤ the vault's balance there (else the
 *   member refuses); what is left is not a Cascade validator's withdrawal and stays in the vault.
 * - perfBps: per module, Σ rewards (b1 − b0 + withdrawn in the frame) of validators active at
 *   both S0 and S1 over `median network rewards per 32 ETH × their effective balance / 32 ETH`.
 *   The network is a fixed sample of the node's validators (the first `networkSample` indices,
 *   Cascade keys excluded); adding back what the sweep paid them keeps a skimmed (0x01) network's
 *   baseline at its rewards, so an offline operator is never rated on par. A gain above 1 ETH in a
 *   frame is a deposit or a consolidation received, not rewards: left out of both sides.
 *   10,000 = on par, capped to [0, 10,000]; 10,000 when nothing can be compared.
 * - slashedValidators: Cascade validators slashed at S1 but not at S0.
 * - losses: per slashed validator not withdrawn at S0, `max(0, b0 − b1 − w)` (w = what the frame's
 *   payloads paid it): the slashing penalty in its frame, then the missed-duty penalties and the
 *   correlation penalty in later frames, until withdrawn — charged to the operator owning the
 *   key (OperatorLoss).
 * - exits: when the queue's pending demand exceeds buffered + V + elRewards + balances of
 *   validators already exiting, ⌈shortfall / 32 ETH⌉ validators are picked one at a time from the
 *   module most above its target share (weight share capped by its stake share limit), then lowest
 *   reputation, then lowest id; inside it, the operator with most active validators (lowest id).
 *   `count` is the operator's total validators to be exiting or exited (the module records
 *   `exitRequested = exitedKeys + count` and exitedKeys is not updated per operator).
 * - elRewards: the execution-rewards vault balance at the refSlot's execution block.
 * `headState` (a node not on this chain's clock) reads `head` and the latest block instead, with
 * no previous state, no finality check and no frame to walk (the vault's balance is split pro
 * rata to the modules' balances): for reading only, never for a real quorum.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { AbiCoder, Contract, keccak256, type ContractRunner, type Provider, type Signer } from "ethers";
import { BeaconApi, BeaconApiError, type BeaconBlock, type BeaconValidator } from "../beacon/api.js";
import { FAR_FUTURE_EPOCH as FAR } from "../beacon/schemas.js";
import { CascadeError } from "../errors.js";
import { ACCOUNTING_ABI, ORACLE_ABI, POOL_ABI, REPORT_TUPLE, ROUTER_ABI } from "./abi.js";
import { EventKeySource } from "./keys.js";

const GWEI = 10n ** 9n;
const DEPOSIT = 32n * 10n ** 18n;
/** 32 ETH in gwei: the per-validator unit of balances and of the performance baseline. */
const MIN_ACTIVATION = 32n * GWEI;
const BPS = 10_000n;

export interface ModuleReport {
  clValidators: bigint;
  exited: bigint;
  clBalance: bigint;
  withdrawn: bigint;
  perfBps: number;
  slashedValidators: number;
}
export interface OperatorLoss {
  moduleId: number;
  operatorId: number;
  amount: bigint;
}
export interface ExitRequest {
  moduleId: number;
  operatorId: number;
  count: number;
}
export interface OperatorExited {
  moduleId: number;
  operatorId: number;
  exited: number;
}
export interface Report {
  refSlot: bigint;
  elRewards: bigint;
  modules: ModuleReport[];
  losses: OperatorLoss[];
  exits: ExitRequest[];
  operatorExits: OperatorExited[];
}

/** Matches the default sanity limit `maxExitRequests`. */
const MAX_OPERATOR_EXITS = 64;

export interface OracleAddresses {
  router: string;
  reportOracle: string;
  accounting: string;
  pool: string;
  withdrawalVault: string;
  executionRewardsVault: string;
}

/** What the member saw besides the report, for logs and demo narration. */
export interface ReportNotes {
  /** The execution block contract state was read at. */
  block: number;
  /** The refSlot's execution block: both vaults were read there. */
  executionBlock: number;
  /** Where the state at the last reported refSlot came from (`none` on the first report). */
  previousState: "node" | "record" | "none";
  vaultBalance: bigint;
  /** Paid to Cascade validators once withdrawable (exact, from the payloads). */
  fullWithdrawals: bigint;
  /** Paid to Cascade validators before: skims and EIP-7002 partial withdrawals (exact). */
  skims: bigint;
  /** Beacon blocks read for the frame's withdrawals, and the withdrawals they held. */
  frameBlocks: number;
  frameWithdrawals: number;
  networkMedianProgressGwei: bigint;
  /** Slashed validators charged this frame (newly slashed, or penalized since the last report). */
  newlySlashed: { pubkey: string; moduleId: number; operatorId: number; lossWei: bigint }[];
  exitShortfall: bigint;
}

/** The router's view of a module (IStakingRouter.Module), fields this member uses. */
interface OnChainModule {
  module: string;
  stakeShareLimitBps: bigint;
  reputationBps: bigint;
  deposited: bigint;
  clValidators: bigint;
  exited: bigint;
}

/** `keccak256(abi.encode(report))`, the hash members vote (ReportOracle.hashReport). */
export function hashReport(report: Report): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode([REPORT_TUPLE], [toTuple(report)]));
}

function toTuple(r: Report) {
  return {
    refSlot: r.refSlot,
    elRewards: r.elRewards,
    modules: r.modules,
    losses: r.losses,
    exits: r.exits,
    operatorExits: r.operatorExits,
  };
}

/** The refSlot is not finalized (or the node does not vouch for it) yet: try again later. */
export class OracleNotReadyError extends CascadeError {
  override name = "OracleNotReadyError";
}

/** A report field cannot be derived from the data at hand: the member reports nothing. */
export class OracleRefusalError extends CascadeError {
  override name = "OracleRefusalError";
}

export class OracleMember {
  readonly api: BeaconApi;
  private keys: EventKeySource;
  private moduleAddrs: string[] = [];

  constructor(
    readonly runner: Signer | Provider,
    beaconUrl: string | BeaconApi,
    readonly addresses: OracleAddresses,
    readonly options: {
      /** Validators sampled (indices 0…n−1) for the network's expected reward. Default 256. */
      networkSample?: number;
      /**
       * Read `head` instead of the refSlot's state, and no previous state: for nodes that keep no
       * history the oracle can address by slot (a real node behind a devnet's clock). Reports then
       * describe the head, not the refSlot; use only for reading, never for a real quorum.
       */
      headState?: boolean;
      /**
       * JSON file where the member keeps what it read at each refSlot (keyed by chain id and
       * refSlot). When the node no longer serves the last reported refSlot's state (pruned or
       * checkpoint-synced), the record is used instead — only if the hash the member recorded is
       * the one agreed on-chain for that refSlot; without either, the member refuses to report.
       */
      stateFile?: string;
    } = {},
  ) {
    this.api = typeof beaconUrl === "string" ? new BeaconApi(beaconUrl) : beaconUrl;
    this.keys = new EventKeySource(this.provider, []);
  }

  private get provider(): Provider {
    const p =
      "provider" in this.runner && this.runner.provider ? this.runner.provider : (this.runner as Provider);
    return p;
  }

  private c(address: string, abi: string[]) {
    return new Contract(address, abi, this.runner as ContractRunner);
  }

  /**
   * Builds the report for the current refSlot as of `block` (default: the latest block): contract
   * state is read at `block`, beacon data at the refSlot (which must be finalized), and the two
   * vaults at the refSlot's execution block. Throws {@link OracleNotReadyError} while the refSlot
   * is not finalized and {@link OracleRefusalError} when a field cannot be derived.
   */
  async buildReport(block?: number): Promise<{ report: Report; hash: string; notes: ReportNotes }> {
    // Without a pinned block, ask the node for its head first: a node that pays withdrawals as it
    // advances (the simulator) has then paid them.
    if (block === undefined) await this.api.headSlot();
    const blockTag = block ?? (await this.provider.getBlockNumber());
    const at = { blockTag };
    const router = this.c(this.addresses.router, ROUTER_ABI);
    const oracle = this.c(this.addresses.reportOracle, ORACLE_ABI);
    const accounting = this.c(this.addresses.accounting, ACCOUNTING_ABI);
    const pool = this.c(this.addresses.pool, POOL_ABI);

    const refSlot: bigint = await oracle.currentRefSlot(at);
    const [lastRefSlot]: [bigint] = await accounting.lastReport(at);
    const count = Number(await router.moduleCount(at));
    const modules: OnChainModule[] = [];
    for (let id = 0; id < count; id++) modules.push(await router.getModule(id, at));
    const weights: bigint[] = await router.moduleWeights(at);

    // Cascade keys from the modules' events, up to the pinned block.
    const addrs = modules.map((m) => m.module as string);
    if (addrs.join() !== this.moduleAddrs.join()) {
      this.moduleAddrs = addrs;
      this.keys = new EventKeySource(this.provider, addrs);
    }
    await this.keys.refresh(blockTag);
    const owners = this.keys.pubkeyOwners();
    const pubkeys = [...owners.keys()].sort();

    const spec = await this.api.spec();
    const head = this.options.headState === true;
    const chainId = (await this.provider.getNetwork()).chainId;

    // Only finalized data: members on different nodes then read the same state.
    let elBlock: number = blockTag;
    let refBlock: BeaconBlock | null = null;
    if (!head) {
      const fc = await this.api.finalityCheckpoints("head");
      const finalizedSlot = fc.finalizedEpoch * spec.slotsPerEpoch;
      if (refSlot > finalizedSlot)
        throw new OracleNotReadyError(`refSlot ${refSlot} is not finalized yet`, {
          details: `finalized checkpoint epoch ${fc.finalizedEpoch} (slot ${finalizedSlot})`,
        });
      refBlock = await this.blockAtOrBefore(refSlot);
      elBlock = Number(refBlock.execution!.blockNumber);
    }

    // Beacon states: S1 at refSlot, S0 at the last reported refSlot.
    const at1 = head ? "head" : refSlot;
    const r1 = await this.api.validatorsWithTrust(at1, { ids: pubkeys });
    if (!head && (!r1.finalized || r1.optimistic))
      throw new OracleNotReadyError(`the node does not vouch for the state at refSlot ${refSlot}`, {
        details: `finalized: ${r1.finalized}, execution_optimistic: ${r1.optimistic}`,
      });
    const s1 = r1.validators;
    const sample = this.options.networkSample ?? 256;
    const sampleIds = Array.from({ length: sample }, (_, i) => i);
    const n1 = (await this.api.validators(at1, { ids: sampleIds })).filter((v) => !owners.has(v.pubkey));

    let s0: BeaconValidator[] | null = null;
    let n0: BeaconValidator[] = [];
    let s0Source: ReportNotes["previousState"] = "none";
    if (lastRefSlot > 0n && !head) {
      s0 = await this.optionalState(lastRefSlot, pubkeys);
      if (s0 !== null) {
        n0 = (await this.optionalState(lastRefSlot, sampleIds)) ?? [];
        s0Source = "node";
      } else {
        const rec = await this.recordFor(chainId, lastRefSlot, oracle, at);
        if (rec === null)
          throw new OracleRefusalError(
            `the node has no state at the last reported refSlot ${lastRefSlot} and no local record of it`,
            {
              details:
                "slashings, losses and withdrawals cannot be derived without it; use an archive node or the member's state file",
            },
          );
        s0 = rec.validators.map(fromRecord);
        n0 = rec.network.map(fromRecord);
        s0Source = "record";
      }
    }
    const prev = new Map((s0 ?? []).map((v) => [v.pubkey, v]));

    // Withdrawals paid in the frame, per validator: every canonical block after the last reported
    // refSlot up to this refSlot's block (the vault's reading point), from the execution payloads.
    const vaultAddr = this.addresses.withdrawalVault.toLowerCase();
    let paid: FramePayouts = { toVault: new Map(), all: new Map(), full: new Map(), blocks: 0, count: 0 };
    if (refBlock !== null) {
      // First report: nothing can have been paid to a Cascade validator before it was eligible.
      let from = lastRefSlot;
      if (from === 0n) {
        const first = s1.reduce(
          (m, v) => (v.activationEligibilityEpoch < m ? v.activationEligibilityEpoch : m),
          FAR,
        );
        from = first === FAR ? refSlot : first > 2n ? (first - 2n) * spec.slotsPerEpoch : 0n;
      }
      const withdrawable = new Map<bigint, bigint>();
      for (const v of [...s1, ...n1]) withdrawable.set(v.index, v.withdrawableEpoch);
      paid = await this.framePayouts(refBlock, from, vaultAddr, withdrawable, spec.slotsPerEpoch);
    }
    const paidAll = (v: BeaconValidator) => paid.all.get(v.index) ?? 0n;

    // Network baseline: each sampled peer's rewards = balance progress + what was withdrawn from it
    // in the frame (0x01 peers are skimmed every few days; without adding that back a swept network
    // would rate an offline operator on par). Per 32 ETH of effective balance (0x02 validators hold
    // more); progress above 1 ETH is a deposit or a consolidation received, not a reward.
    const n0m = new Map(n0.map((v) => [v.pubkey, v]));
    const progress: bigint[] = [];
    for (const v of n1) {
      const p = n0m.get(v.pubkey);
      if (!p || !isActive(p) || !isActive(v) || v.slashed || p.effectiveBalance === 0n) continue;
      const gain = v.balance + paidAll(v) - p.balance;
      if (gain > GWEI) continue;
      progress.push((gain * MIN_ACTIVATION) / p.effectiveBalance);
    }
    progress.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = progress.length ? progress[Math.floor((progress.length - 1) / 2)] : 0n;

    // The vaults at the refSlot's execution block: the same point as the beacon balances.
    const vaultBalance = await this.provider.getBalance(this.addresses.withdrawalVault, elBlock);
    const elRewards = await this.provider.getBalance(this.addresses.executionRewardsVault, elBlock);
    const acc = modules.map(() => ({
      clValidators: 0n,
      exited: 0n,
      clBalanceGwei: 0n,
      withdrawnGwei: 0n,
      fullGwei: 0n,
      progressGwei: 0n,
      comparedEffective: 0n,
      slashed: 0,
      exitingGwei: 0n,
    }));
    const losses = new Map<string, bigint>();
    const exitedByOp = new Map<string, number>();
    const newlySlashed: ReportNotes["newlySlashed"] = [];
    const activeByOp = new Map<
      string,
      { moduleId: number; operatorId: number; active: number; leaving: number }
    >();
    for (const v of s1) {
      const owner = owners.get(v.pubkey)!;
      const a = acc[owner.moduleId];
      const p = prev.get(v.pubkey);
      a.clValidators++;
      if (v.status !== "withdrawal_done") a.clBalanceGwei += v.balance;
      if (v.status.startsWith("exited_") || v.status.startsWith("withdrawal_")) {
        a.exited++;
        const k = `${owner.moduleId}:${owner.operatorId}`;
        exitedByOp.set(k, (exitedByOp.get(k) ?? 0) + 1);
      }
      // Withdrawn: exactly what the frame's payloads paid this validator into the vault — skims
      // (any status, exiting and exited ones included), EIP-7002 partial withdrawals and the full
      // withdrawal once withdrawable. A consolidated-away validator's balance moved to its target
      // on the beacon chain: it is in the target's balance, not in any payload.
      a.withdrawnGwei += paid.toVault.get(v.index) ?? 0n;
      a.fullGwei += paid.full.get(v.index) ?? 0n;
      // Performance: balance progress plus everything withdrawn, per 32 ETH of effective balance.
      if (p && isActive(p) && isActive(v) && !v.slashed && p.effectiveBalance > 0n) {
        const gain = v.balance + paidAll(v) - p.balance;
        if (gain <= GWEI) {
          a.progressGwei += gain;
          a.comparedEffective += p.effectiveBalance;
        }
      }
      // Losses of slashed validators: the slashing itself, then every later penalty (missed
      // duties until withdrawable, the correlation penalty) until it is withdrawn.
      if (v.slashed && (!p?.slashed || p.status !== "withdrawal_done")) {
        const isNew = !p?.slashed;
        if (isNew) a.slashed++;
        const before = p ? p.balance : MIN_ACTIVATION;
        const after = v.balance + paidAll(v);
        const lossWei = before > after ? (before - after) * GWEI : 0n;
        const key = `${owner.moduleId}:${owner.operatorId}`;
        losses.set(key, (losses.get(key) ?? 0n) + lossWei);
        if (isNew || lossWei > 0n)
          newlySlashed.push({
            pubkey: v.pubkey,
            moduleId: owner.moduleId,
            operatorId: Number(owner.operatorId),
            lossWei,
          });
      }
      const opKey = `${owner.moduleId}:${owner.operatorId}`;
      const op = activeByOp.get(opKey) ?? {
        moduleId: owner.moduleId,
        operatorId: Number(owner.operatorId),
        active: 0,
        leaving: 0,
      };
      if (v.status === "active_ongoing" || v.status.startsWith("pending_")) op.active++;
      else op.leaving++;
      if (LEAVING.has(v.status)) a.exitingGwei += v.balance;
      activeByOp.set(opKey, op);
    }
    // Withdrawn per module: exact, from the payloads. Σ ≤ what the vault held at the refSlot's
    // execution block (the rest is not a Cascade validator's withdrawal: a donation, or ETH already
    // booked by a report applied after this refSlot's block, and stays in the vault).
    const withdrawn = acc.map((a) => a.withdrawnGwei * GWEI);
    const attributed = withdrawn.reduce((s, w) => s + w, 0n);
    if (attributed > vaultBalance)
      throw new OracleRefusalError(
        `withdrawals paid to Cascade validators (${attributed} wei) exceed the vault's balance (${vaultBalance} wei) at block ${elBlock}`,
        { details: "the node's blocks and the execution chain disagree" },
      );
    if (head) {
      // `headState`: no frame to walk; the vault's balance split pro rata to the modules' balances.
      const total = acc.reduce((s, a) => s + a.clBalanceGwei, 0n);
      acc.forEach((a, i) => (withdrawn[i] = total === 0n ? 0n : (vaultBalance * a.clBalanceGwei) / total));
    }
    const fullWei = acc.reduce((s, a) => s + a.fullGwei * GWEI, 0n);
    const skims = withdrawn.reduce((s, w) => s + w, 0n) - fullWei;

    // Performance against the network's median rewards per 32 ETH of effective balance.
    const perf = acc.map((a) => {
      if (a.comparedEffective === 0n || median <= 0n) return 10_000;
      const bps = (a.progressGwei * MIN_ACTIVATION * BPS) / (median * a.comparedEffective);
      return Number(bps < 0n ? 0n : bps > BPS ? BPS : bps);
    });

    const moduleReports: ModuleReport[] = acc.map((a, i) => {
      const deposited = BigInt(modules[i].deposited);
      const onChainValidators = BigInt(modules[i].clValidators);
      let clv = a.clValidators > deposited ? deposited : a.clValidators;
      if (clv < onChainValidators) clv = onChainValidators;
      const onChainExited = BigInt(modules[i].exited);
      let exited = a.exited < onChainExited ? onChainExited : a.exited;
      if (exited > clv) exited = clv;
      return {
        clValidators: clv,
        exited,
        clBalance: a.clBalanceGwei * GWEI,
        withdrawn: withdrawn[i],
        perfBps: perf[i],
        slashedValidators: a.slashed,
      };
    });

    const lossList: OperatorLoss[] = [...losses.entries()]
      .filter(([, amount]) => amount > 0n)
      .map(([k, amount]) => {
        const [m, o] = k.split(":").map(Number);
        return { moduleId: m, operatorId: o, amount };
      })
      .sort((a, b) => a.moduleId - b.moduleId || a.operatorId - b.operatorId);

    // Exits when redemption demand outruns what is coming in.
    const demand: bigint = await pool.pendingDemand(at);
    const buffered: bigint = await pool.buffered(at);
    const inflow = buffered + vaultBalance + elRewards + acc.reduce((s, a) => s + a.exitingGwei * GWEI, 0n);
    const shortfall = demand > inflow ? demand - inflow : 0n;
    const exits = shortfall > 0n ? this.chooseExits(shortfall, modules, weights, activeByOp) : [];

    // Cumulative exited validators per operator (frees their bond); the contract ignores counts
    // that did not grow, so every operator with exits is listed (bounded like exit requests).
    const operatorExits: OperatorExited[] = [...exitedByOp.entries()]
      .map(([k, exited]) => {
        const [m, o] = k.split(":").map(Number);
        return { moduleId: m, operatorId: o, exited };
      })
      .sort((a, b) => a.moduleId - b.moduleId || a.operatorId - b.operatorId)
      .slice(0, MAX_OPERATOR_EXITS);

    if (this.options.stateFile && !head) await this.remember(chainId, refSlot, s1, n1);
    const report: Report = {
      refSlot,
      elRewards,
      modules: moduleReports,
      losses: lossList,
      exits,
      operatorExits,
    };
    const hash = hashReport(report);
    if (this.pendingRecord) {
      const { file, key, all } = this.pendingRecord;
      if (!all[key].hashes.includes(hash)) all[key].hashes.push(hash);
      writeRecords(file, all);
      this.pendingRecord = undefined;
    }
    return {
      report,
      hash,
      notes: {
        block: blockTag,
        executionBlock: elBlock,
        previousState: s0Source,
        vaultBalance,
        fullWithdrawals: fullWei,
        skims,
        frameBlocks: paid.blocks,
        frameWithdrawals: paid.count,
        networkMedianProgressGwei: median,
        newlySlashed,
        exitShortfall: shortfall,
      },
    };
  }

  private chooseExits(
    shortfall: bigint,
    modules: { reputationBps: bigint; stakeShareLimitBps: bigint }[],
    weights: bigint[],
    ops: Map<string, { moduleId: number; operatorId: number; active: number; leaving: number }>,
  ): ExitRequest[] {
    let need = Number((shortfall + DEPOSIT - 1n) / DEPOSIT);
    const opList = [...ops.values()].sort((a, b) => a.moduleId - b.moduleId || a.operatorId - b.operatorId);
    const active = modules.map((_, i) =>
      opList.filter((o) => o.moduleId === i).reduce((s, o) => s + o.active, 0),
    );
    const wSum = weights.reduce((s, w) => s + w, 0n);
    const target = modules.map((m, i) => {
      const t = wSum === 0n ? 0n : (weights[i] * BPS) / wSum;
      const cap = BigInt(m.stakeShareLimitBps);
      return t > cap ? cap : t;
    });
    const chosen = new Map<string, number>();
    while (need > 0) {
      const total = active.reduce((s, n) => s + n, 0);
      if (total === 0) break;
      const ranked = modules
        .map((m, i) => ({
          i,
          over: (BigInt(active[i]) * BPS) / BigInt(total) - target[i],
          rep: BigInt(m.reputationBps),
        }))
        .filter(({ i }) => active[i] > 0)
        .sort((a, b) =>
          a.over !== b.over
            ? a.over > b.over
              ? -1
              : 1
            : a.rep !== b.rep
              ? a.rep < b.rep
                ? -1
                : 1
              : a.i - b.i,
        );
      const m = ranked[0].i;
      const op = opList
        .filter((o) => o.moduleId === m && o.active > 0)
        .sort((a, b) => b.active - a.active || a.operatorId - b.operatorId)[0];
      op.active--;
      op.leaving++;
      active[m]--;
      chosen.set(`${op.moduleId}:${op.operatorId}`, op.leaving);
      need--;
    }
    return [...chosen.entries()]
      .map(([k, count]) => {
        const [moduleId, operatorId] = k.split(":").map(Number);
        return { moduleId, operatorId, count };
      })
      .sort((a, b) => a.moduleId - b.moduleId || a.operatorId - b.operatorId);
  }

  private async optionalState(slot: bigint, ids: (string | number)[]): Promise<BeaconValidator[] | null> {
    try {
      return await this.api.validators(slot, { ids });
    } catch (e) {
      if (e instanceof BeaconApiError && e.status === 404) return null;
      throw e;
    }
  }

  /**
   * The block of `slot`, or of the last non-empty slot before it, with its execution payload: the
   * execution block both vaults are read at. A few empty slots are stepped over one by one; a
   * longer run (a devnet's sparse chain) is found by walking back from the finalized block, which
   * is at or after `slot` once the refSlot is finalized.
   */
  private async blockAtOrBefore(slot: bigint): Promise<BeaconBlock> {
    let b: BeaconBlock | null = null;
    for (let s = slot, n = 0; s >= 0n && n < 8 && b === null; s--, n++) b = await this.api.block(s);
    if (b === null) {
      b = await this.api.block("finalized");
      while (b !== null && b.slot > slot)
        b = /^0x0+$/.test(b.parentRoot) ? null : await this.api.block(b.parentRoot);
    }
    if (b === null) throw new OracleRefusalError(`no block found at or before slot ${slot}`);
    if (!b.execution)
      throw new OracleRefusalError(`the block at slot ${b.slot} has no execution payload`, {
        details: "reports need a post-merge chain",
      });
    return b;
  }

  /**
   * Every withdrawal the execution payloads paid in the slots (`fromSlot`, `last.slot`], per
   * validator index: walks the canonical chain back from `last` by parent root, so each block is
   * read once and no block is skipped (a node missing one — checkpoint-synced without backfill —
   * answers 404 for its root and the member refuses; a gap in the withdrawal indices refuses too).
   * `full` are the amounts paid once the validator was withdrawable (the chain's full
   * withdrawals); the rest are skims and EIP-7002 partial withdrawals.
   */
  private async framePayouts(
    last: BeaconBlock,
    fromSlot: bigint,
    vault: string,
    withdrawableEpoch: Map<bigint, bigint>,
    slotsPerEpoch: bigint,
  ): Promise<FramePayouts> {
    const out: FramePayouts = { toVault: new Map(), all: new Map(), full: new Map(), blocks: 0, count: 0 };
    const add = (m: Map<bigint, bigint>, k: bigint, x: bigint) => m.set(k, (m.get(k) ?? 0n) + x);
    const indices: bigint[] = [];
    let b: BeaconBlock | null = last;
    while (b !== null && b.slot > fromSlot) {
      out.blocks++;
      for (const w of b.execution?.withdrawals ?? []) {
        indices.push(w.index);
        add(out.all, w.validatorIndex, w.amount);
        if (w.address !== vault) continue;
        add(out.toVault, w.validatorIndex, w.amount);
        const we = withdrawableEpoch.get(w.validatorIndex);
        if (we !== undefined && b.slot / slotsPerEpoch >= we) add(out.full, w.validatorIndex, w.amount);
      }
      if (/^0x0+$/.test(b.parentRoot)) break;
      const parent: BeaconBlock | null = await this.api.block(b.parentRoot);
      if (parent === null)
        throw new OracleRefusalError(`the node has no block ${b.parentRoot} (parent of slot ${b.slot})`, {
          details:
            "withdrawals of the frame cannot be read: use a node that keeps every block since the last report",
        });
      b = parent;
    }
    indices.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 1; i < indices.length; i++)
      if (indices[i] !== indices[i - 1] + 1n)
        throw new OracleRefusalError(
          `withdrawal index ${indices[i - 1] + 1n} is missing between slots ${fromSlot} and ${last.slot}`,
          { details: "a block of the frame was not served" },
        );
    out.count = indices.length;
    return out;
  }

  private async recordFor(
    chainId: bigint,
    refSlot: bigint,
    oracle: Contract,
    at: { blockTag: number },
  ): Promise<StateRecord | null> {
    if (!this.options.stateFile) return null;
    const all = readRecords(this.options.stateFile);
    const rec = all[`${chainId}:${refSlot}`];
    if (!rec) return null;
    // The record must describe the state behind the report the chain applied for that refSlot.
    const agreed: string = await oracle.consensusHash(refSlot, at);
    if (!rec.hashes.includes(agreed.toLowerCase())) return null;
    return rec;
  }

  private async remember(
    chainId: bigint,
    refSlot: bigint,
    validators: BeaconValidator[],
    network: BeaconValidator[],
  ): Promise<void> {
    const file = this.options.stateFile!;
    const all = readRecords(file);
    all[`${chainId}:${refSlot}`] = {
      chainId: chainId.toString(),
      refSlot: refSlot.toString(),
      hashes: all[`${chainId}:${refSlot}`]?.hashes ?? [],
      validators: validators.map(toRecord),
      network: network.map(toRecord),
    };
    this.pendingRecord = { file, key: `${chainId}:${refSlot}`, all };
  }

  private pendingRecord?: { file: string; key: string; all: Record<string, StateRecord> } | undefined;

  // ---------------------------------------------------------------- consensus

  /** Votes `hash` for the report's refSlot. */
  async vote(report: Report): Promise<void> {
    const oracle = this.c(this.addresses.reportOracle, ORACLE_ABI);
    await (await oracle.submitReportHash(report.refSlot, hashReport(report))).wait();
  }

  /** Submits the agreed data (applies the report). */
  async submitData(report: Report): Promise<string> {
    const oracle = this.c(this.addresses.reportOracle, ORACLE_ABI);
    const tx = await oracle.submitReportData(toTuple(report));
    await tx.wait();
    return tx.hash;
  }
}

/** Withdrawals of one frame by validator index (gwei). */
interface FramePayouts {
  /** Paid to the withdrawal vault. */
  toVault: Map<bigint, bigint>;
  /** Paid to any address (the network baseline adds these back). */
  all: Map<bigint, bigint>;
  /** Paid to the vault once the validator was withdrawable: full withdrawals. */
  full: Map<bigint, bigint>;
  /** Blocks read. */
  blocks: number;
  /** Withdrawals read. */
  count: number;
}

/** Validators on their way out whose balance will reach the withdrawal vault. */
const LEAVING = new Set([
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
]);

/** One refSlot's view kept by a member (its state file). */
interface StateRecord {
  chainId: string;
  refSlot: string;
  /** Hashes of the reports the member built from this view. */
  hashes: string[];
  validators: Record<string, string | boolean>[];
  network: Record<string, string | boolean>[];
}

function readRecords(file: string): Record<string, StateRecord> {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, StateRecord>;
}

function writeRecords(file: string, all: Record<string, StateRecord>): void {
  // Keep the last 64 refSlots per file; write atomically.
  const keys = Object.keys(all).sort((a, b) => {
    const [x, y] = [BigInt(a.split(":")[1]), BigInt(b.split(":")[1])];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const k of keys.slice(0, Math.max(0, keys.length - 64))) delete all[k];
  writeFileSync(file + ".tmp", JSON.stringify(all, null, 1));
  renameSync(file + ".tmp", file);
}

function toRecord(v: BeaconValidator): Record<string, string | boolean> {
  return {
    index: v.index.toString(),
    balance: v.balance.toString(),
    status: v.status,
    pubkey: v.pubkey,
    withdrawalCredentials: v.withdrawalCredentials,
    effectiveBalance: v.effectiveBalance.toString(),
    slashed: v.slashed,
    activationEligibilityEpoch: v.activationEligibilityEpoch.toString(),
    activationEpoch: v.activationEpoch.toString(),
    exitEpoch: v.exitEpoch.toString(),
    withdrawableEpoch: v.withdrawableEpoch.toString(),
  };
}

function fromRecord(r: Record<string, string | boolean>): BeaconValidator {
  const n = (k: string) => BigInt(r[k] as string);
  return {
    index: n("index"),
    balance: n("balance"),
    status: r.status as BeaconValidator["status"],
    pubkey: r.pubkey as string,
    withdrawalCredentials: r.withdrawalCredentials as string,
    effectiveBalance: n("effectiveBalance"),
    slashed: r.slashed as boolean,
    activationEligibilityEpoch: n("activationEligibilityEpoch"),
    activationEpoch: n("activationEpoch"),
    exitEpoch: n("exitEpoch"),
    withdrawableEpoch: n("withdrawableEpoch"),
  };
}

function isActive(v: BeaconValidator): boolean {
  return v.status.startsWith("active_");
}
function isExited(v: BeaconValidator): boolean {
  return v.status.startsWith("exited_") || v.status === "withdrawal_possible";
}
