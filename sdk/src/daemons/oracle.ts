/**
 * Oracle member (DESIGN §2, §6, §9). Builds the frame report for the current refSlot from a beacon
 * node — read only through the standard Beacon API client — and the execution chain, pinned to
 * one block, so two members with the same node and block build byte-identical reports (and the
 * same hash). Then votes the hash and, at quorum, submits the data.
 *
 * How each field is derived (modules in id order; Cascade validators are the pubkeys of the
 * modules' `KeysAdded` events; S1 = beacon state at refSlot, S0 = state at the last reported
 * refSlot):
 * - clValidators: Cascade validators the node knows at S1, any status (never decreases).
 * - clBalance: Σ balance at S1 of those not yet withdrawn (`withdrawal_done` hold 0).
 * - exited: those whose status is `exited_*` or `withdrawal_*`.
 * - withdrawn: the withdrawal vault only receives ETH, so it is attributed from beacon data.
 *   Full withdrawals are exact per validator: a validator newly `withdrawal_done` paid out its
 *   balance at its exit epoch (exited validators earn nothing, so that balance is final), read from
 *   S0 when it had already exited there, else from the state at `exit_epoch`; if the node has no
 *   such state, its S0 balance. Skims are the rest of the vault balance `V` (V − Σ full). A
 *   validator's skim is estimated as `x0 + k·x1`, x0/x1 its balance above 32 ETH at S0/S1, over the
 *   validators that stayed in the sweep (0x01 credentials, `active_ongoing` at S1), with one `k`
 *   fitted so the estimates sum to the skims (if skims < Σx0: pro rata to x0); floor dust goes to
 *   the module with the largest share. This is exact when validators accrue linearly and are swept
 *   at one point of the frame (the simulator), an estimate otherwise; Σ withdrawn = V ≤ the vault's
 *   balance always (Accounting's `WithdrawnAboveVault`). An exact split needs per-validator
 *   withdrawal records (execution payload withdrawals), which the devnet cannot produce.
 * - perfBps: per module, Σ balance progress (b1 − b0 + estimated skim) of validators active at both S0
 *   and S1 over `median network progress × their count`, where the network is a fixed sample of
 *   the node's validators (the first `networkSample` indices, Cascade keys excluded); 10,000 = on
 *   par, capped to [0, 10,000]; 10,000 when nothing can be compared.
 * - slashedValidators, losses: Cascade validators slashed at S1 but not at S0; each one's loss
 *   `max(0, b0 − (b1 + paid out))` is charged to the operator owning the key (OperatorLoss).
 * - exits: when the queue's pending demand exceeds buffered + V + elRewards + balances of
 *   validators already exiting, ⌈shortfall / 32 ETH⌉ validators are picked one at a time from the
 *   module most above its target share (weight share capped by its stake share limit), then lowest
 *   reputation, then lowest id; inside it, the operator with most active validators (lowest id).
 *   `count` is the operator's total validators to be exiting or exited (the module records
 *   `exitRequested = exitedKeys + count` and exitedKeys is not updated per operator).
 * - elRewards: the execution-rewards vault balance.
 */
import { AbiCoder, Contract, keccak256, type ContractRunner, type Provider, type Signer } from "ethers";
import { BeaconApi, BeaconApiError, type BeaconValidator } from "../beacon/api.js";
import { ACCOUNTING_ABI, ORACLE_ABI, QUEUE_ABI, REPORT_TUPLE, ROUTER_ABI } from "./abi.js";
import { EventKeySource } from "./keys.js";

const GWEI = 10n ** 9n;
const DEPOSIT = 32n * 10n ** 18n;
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
  withdrawalQueue: string;
  withdrawalVault: string;
  executionRewardsVault: string;
}

/** What the member saw besides the report, for logs and demo narration. */
export interface ReportNotes {
  block: number;
  vaultBalance: bigint;
  fullWithdrawals: bigint;
  skims: bigint;
  networkMedianProgressGwei: bigint;
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

  /** Builds the report for the current refSlot as of `block` (default: the latest block). */
  async buildReport(block?: number): Promise<{ report: Report; hash: string; notes: ReportNotes }> {
    // Without a pinned block, ask the node for its head first: a node that pays withdrawals as it
    // advances (the simulator) has then paid them, so the vault balance read below includes them.
    if (block === undefined) await this.api.headSlot();
    const blockTag = block ?? (await this.provider.getBlockNumber());
    const at = { blockTag };
    const router = this.c(this.addresses.router, ROUTER_ABI);
    const oracle = this.c(this.addresses.reportOracle, ORACLE_ABI);
    const accounting = this.c(this.addresses.accounting, ACCOUNTING_ABI);
    const queue = this.c(this.addresses.withdrawalQueue, QUEUE_ABI);

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

    // Beacon states: read at refSlot (S1) and at the last reported refSlot (S0).
    const spec = await this.api.spec();
    const at1 = this.options.headState ? "head" : refSlot;
    const s1 = await this.api.validators(at1, { ids: pubkeys });
    const s0 =
      lastRefSlot > 0n && !this.options.headState ? await this.optionalState(lastRefSlot, pubkeys) : null;
    const prev = new Map((s0 ?? []).map((v) => [v.pubkey, v]));

    // Network sample for the expected reward.
    const sample = this.options.networkSample ?? 256;
    const ids = Array.from({ length: sample }, (_, i) => i);
    const n1 = (await this.api.validators(at1, { ids })).filter((v) => !owners.has(v.pubkey));
    const n0 = s0 !== null ? ((await this.optionalState(lastRefSlot, ids)) ?? []) : [];
    const n0m = new Map(n0.map((v) => [v.pubkey, v]));
    const progress: bigint[] = [];
    for (const v of n1) {
      const p = n0m.get(v.pubkey);
      if (p && isActive(p) && isActive(v) && !v.slashed) progress.push(v.balance - p.balance);
    }
    progress.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = progress.length ? progress[Math.floor((progress.length - 1) / 2)] : 0n;

    // Per validator.
    const vaultBalance = await this.provider.getBalance(this.addresses.withdrawalVault, blockTag);
    const elRewards = await this.provider.getBalance(this.addresses.executionRewardsVault, blockTag);
    const acc = modules.map(() => ({
      clValidators: 0n,
      exited: 0n,
      clBalanceGwei: 0n,
      fullGwei: 0n,
      progressWei: 0n,
      compared: 0n,
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
    const comparedByModule: { m: number; v: BeaconValidator; p: BeaconValidator }[] = [];
    const sweepCandidates: { m: number; pubkey: string; x0: bigint; x1: bigint }[] = [];
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
      let paid = 0n;
      if (v.status === "withdrawal_done" && p?.status !== "withdrawal_done") {
        paid = p && isExited(p) ? p.balance : await this.exitBalance(v, p, spec.slotsPerEpoch);
        a.fullGwei += paid;
      }
      if (v.withdrawalCredentials.startsWith("0x01") && v.status === "active_ongoing") {
        const excess = (b: bigint) => (b > 32n * GWEI ? (b - 32n * GWEI) * GWEI : 0n);
        sweepCandidates.push({
          m: owner.moduleId,
          pubkey: v.pubkey,
          x0: p ? excess(p.balance) : 0n,
          x1: excess(v.balance),
        });
      }
      if (p && isActive(p) && isActive(v) && !v.slashed) comparedByModule.push({ m: owner.moduleId, v, p });
      if (v.slashed && !p?.slashed) {
        a.slashed++;
        const before = p ? p.balance : 32n * GWEI;
        const lossWei = before > v.balance + paid ? (before - v.balance - paid) * GWEI : 0n;
        const key = `${owner.moduleId}:${owner.operatorId}`;
        losses.set(key, (losses.get(key) ?? 0n) + lossWei);
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

    // Withdrawn: exact full withdrawals, then skims.
    const fullWei = acc.reduce((s, a) => s + a.fullGwei * GWEI, 0n);
    const skims = vaultBalance > fullWei ? vaultBalance - fullWei : 0n;
    const withdrawn = acc.map((a) => (fullWei > vaultBalance ? 0n : a.fullGwei * GWEI));
    if (fullWei > vaultBalance) {
      // Cannot happen with a node that pays before it shows; never claim more than the vault holds.
      let left = vaultBalance;
      acc.forEach((a, i) => {
        const w = a.fullGwei * GWEI < left ? a.fullGwei * GWEI : left;
        withdrawn[i] = w;
        left -= w;
      });
    }
    // Skims: s_v = x0_v + k·x1_v, x0/x1 the balance above 32 ETH at S0/S1 of each validator that
    // stayed in the sweep (0x01, active_ongoing at S1), k fitted so that Σ s_v = skims.
    const candidates = sweepCandidates;
    const X0 = candidates.reduce((t, c) => t + c.x0, 0n);
    const X1 = candidates.reduce((t, c) => t + c.x1, 0n);
    const skimOf = new Map<string, bigint>();
    const skimShare = acc.map(() => 0n);
    if (skims > 0n && candidates.length > 0) {
      let given = 0n;
      for (const c of candidates) {
        let sv: bigint;
        if (skims <= X0) sv = (c.x0 * skims) / X0;
        else if (X1 > 0n) sv = c.x0 + ((skims - X0) * c.x1) / X1;
        else sv = c.x0 + (skims - X0) / BigInt(candidates.length);
        skimOf.set(c.pubkey, sv);
        skimShare[c.m] += sv;
        given += sv;
      }
      let top = 0;
      skimShare.forEach((v, i) => {
        if (v > skimShare[top]) top = i;
      });
      skimShare[top] += skims - given; // floor dust
      acc.forEach((_, i) => (withdrawn[i] += skimShare[i]));
    }

    // Performance against the network's median progress.
    for (const { m, v, p } of comparedByModule) {
      acc[m].progressWei += (v.balance - p.balance) * GWEI + (skimOf.get(v.pubkey) ?? 0n);
      acc[m].compared++;
    }
    const perf = acc.map((a) => {
      if (a.compared === 0n || median <= 0n) return 10_000;
      const bps = (a.progressWei * BPS) / (median * GWEI * a.compared);
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
    const demand: bigint = await queue.pendingDemand(at);
    const buffered: bigint = await router.buffered(at);
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

    const report: Report = {
      refSlot,
      elRewards,
      modules: moduleReports,
      losses: lossList,
      exits,
      operatorExits,
    };
    return {
      report,
      hash: hashReport(report),
      notes: {
        block: blockTag,
        vaultBalance,
        fullWithdrawals: fullWei,
        skims,
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

  /** Balance paid out by a validator withdrawn in this frame: its balance at its exit epoch. */
  private async exitBalance(
    v: BeaconValidator,
    p: BeaconValidator | undefined,
    slotsPerEpoch: bigint,
  ): Promise<bigint> {
    const at = await this.optionalState(v.exitEpoch * slotsPerEpoch, [v.pubkey]);
    if (at && at.length === 1) return at[0].balance;
    return p ? p.balance : 0n;
  }

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

/** Validators on their way out whose balance will reach the withdrawal vault. */
const LEAVING = new Set([
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
]);

function isActive(v: BeaconValidator): boolean {
  return v.status.startsWith("active_");
}
function isExited(v: BeaconValidator): boolean {
  return v.status.startsWith("exited_") || v.status === "withdrawal_possible";
}
