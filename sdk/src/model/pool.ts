/**
 * PoolModel: the whole money state of DESIGN.md §4–§6 and the report of §6, steps 1–10 in the
 * spec's order, built only from the mirrored library functions. It is the oracle the contracts
 * are compared against; it favours clarity over speed.
 */
import { BPS, DEPOSIT_SIZE, sum } from "./decimal.js";
import { updateReputation } from "./reputation.js";
import { redeemAssetsDown, toAssetsDown, toSharesDown } from "./shares.js";
import {
  absorbLossJuniorFirst,
  feeSharesDown,
  netModuleDelta,
  premiumsDown,
  rewardsAndFeesDown,
  serviceRewardDown,
  splitByNavDown,
} from "./waterfall.js";

export const TREASURY = "treasury";
export const moduleFeeRecipient = (moduleId: number): string => `module:${moduleId}`;

/** Thrown by the model where the contracts revert; `code` is the custom error's name. */
export class ModelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "ModelError";
  }
}

export interface ClassParams {
  basePremiumBps: bigint;
  maxPremiumBps: bigint;
  minCoverBps: bigint;
  /** Seconds a redemption request waits before it can finalize. */
  redeemDelay: bigint;
  /** Maximum NAV after a deposit; 0 = no cap. */
  depositCap: bigint;
}

export interface ClassState {
  nav: bigint;
  supply: bigint;
  params: ClassParams;
  wiped: boolean;
  /** Open to deposits (DESIGN §5 `open`); a wiped class is closed for good. */
  open: boolean;
  /** Shares per holder (fee recipients included); escrowed request shares are not in here. */
  balances: Map<string, bigint>;
}

export interface ModuleState {
  deposited: bigint;
  clValidators: bigint;
  clBalance: bigint;
  exited: bigint;
  feeBps: bigint;
  reputation: bigint;
  /** Who receives the module's fee shares (default `module:<id>`); modules may share one. */
  feeRecipient: string;
}

export interface PoolParams {
  treasuryFeeBps: bigint;
  serviceFeeBps: bigint;
  lambdaBps: bigint;
  slashPenaltyBps: bigint;
  /** Smallest redemption request, in wei of value at request (WithdrawalQueue.minRedeemAssets). */
  minRedeemAssets?: bigint;
  /** Requests one report finalizes at most (Accounting's maxFinalizePerReport); unbounded if unset. */
  maxFinalizePerReport?: number;
}

export interface RedeemRequest {
  id: number;
  classId: number;
  holder: string;
  shares: bigint;
  assetsAtRequest: bigint;
  requestedAt: bigint;
  /** Set when finalized; the ETH then sits in `reserved` until claimed. */
  amount: bigint | null;
  claimed: boolean;
}

export interface ModuleReport {
  clValidators: bigint;
  clBalance: bigint;
  withdrawn: bigint;
  exited: bigint;
  /** C_m: what the module actually charged its operators' bonds (≤ requested). */
  bondCharged: bigint;
  perfBps: bigint;
  slashedValidators: bigint;
}

export interface ServiceReward {
  paid: bigint;
  /** Classes k ≥ tier are exposed (tier ≥ 1). */
  tier: number;
}

export interface Report {
  timestamp: bigint;
  /** One entry per module, in module-id order. */
  modules: ModuleReport[];
  /** The EL vault balance the oracle reports; at most `maxReward` of it is booked. */
  elRewards: bigint;
  /**
   * Pending service rewards, one entry per tier in ascending tier order (the registry keeps
   * every tier's unbooked total, not each service's); what the cap leaves is booked, in order.
   */
  serviceRewards: ServiceReward[];
  /**
   * Accounting's reward cap for this report (DESIGN §9): EL then service rewards together at
   * most `⌊base · maxRewardAprBps · span / (10⁴ · year)⌋`; unbounded if unset (maxRewardAprBps 0).
   */
  maxReward?: bigint;
}

export interface ReportResult {
  /** EL rewards booked (the rest stays in the vault). */
  elBooked: bigint;
  /** Per entry of `report.serviceRewards`: what was booked (the rest stays pending). */
  serviceBooked: bigint[];
  rewards: bigint;
  rewardsNet: bigint;
  loss: bigint;
  moduleFees: bigint[];
  treasuryFee: bigint;
  /** The class fees were minted into: the most senior not wiped; K when every class is wiped. */
  feeClass: number;
  /**
   * One mint per distinct recipient, as shares of `feeClass`, in order of first appearance
   * (module fee recipients by id, then the treasury); empty when every class is wiped.
   */
  feeMints: { recipient: string; assets: bigint; shares: bigint }[];
  /** With every class wiped: each recipient's fees owed as ETH (same order), `paid` from buffered now, `owed` as debt. */
  ethAccrued: { recipient: string; paid: bigint; owed: bigint }[];
  split: bigint[];
  premiumsPaid: bigint[];
  premiumsReceived: bigint[];
  serviceParts: bigint[];
  unabsorbed: bigint;
  wiped: number[];
  debtRepaid: bigint;
  finalized: number[];
}

export interface PoolModelInit {
  classes: ClassParams[];
  modules: { feeBps: bigint; reputation: bigint; feeRecipient?: string }[];
  params: PoolParams;
}

export class PoolModel {
  readonly classes: ClassState[];
  readonly modules: ModuleState[];
  readonly params: PoolParams;
  buffered = 0n;
  reserved = 0n;
  debt = 0n;
  /** Wei the last `serviceSlash` actually took and paid (its amount less what no class held). */
  lastSlashed = 0n;
  now = 0n;
  readonly requests: RedeemRequest[] = [];

  constructor(init: PoolModelInit) {
    this.classes = init.classes.map((params) => ({
      nav: 0n,
      supply: 0n,
      params,
      wiped: false,
      open: true,
      balances: new Map(),
    }));
    this.modules = init.modules.map((m, i) => ({
      deposited: 0n,
      clValidators: 0n,
      clBalance: 0n,
      exited: 0n,
      feeBps: m.feeBps,
      reputation: m.reputation,
      feeRecipient: m.feeRecipient ?? moduleFeeRecipient(i),
    }));
    this.params = init.params;
  }

  /** `pooled = buffered + Σ clBalance + transient − debt` (DESIGN §4). */
  pooled(): bigint {
    const cl = sum(this.modules.map((m) => m.clBalance));
    const transient = sum(this.modules.map((m) => (m.deposited - m.clValidators) * DEPOSIT_SIZE));
    return this.buffered + cl + transient - this.debt;
  }

  navs(): bigint[] {
    return this.classes.map((c) => c.nav);
  }

  balanceOf(classId: number, holder: string): bigint {
    return this.classes[classId].balances.get(holder) ?? 0n;
  }

  /** Deposits `amount` wei into a class; returns the shares minted. */
  deposit(classId: number, amount: bigint, holder = "depositor", minShares = 0n): bigint {
    // Checks in the contract's order (YieldClasses.onDeposit), so a deposit that breaks two rules
    // fails with the same error on both sides: amount, class state, shares, slippage, then the
    // post-deposit NAV against the cap and the cover rule.
    if (amount <= 0n) throw new ModelError("ZeroAmount", "deposit of 0");
    const c = this.#class(classId);
    if (c.wiped) throw new ModelError("ClassIsWiped", `class ${classId}`);
    if (!c.open) throw new ModelError("ClassClosed", `class ${classId}`);
    const shares = toSharesDown(amount, c.nav, c.supply);
    if (shares === 0n) throw new ModelError("ZeroShares", `class ${classId}`);
    if (shares < minShares) throw new ModelError("Slippage", `${shares} < ${minShares}`);
    if (c.params.depositCap > 0n && c.nav + amount > c.params.depositCap) {
      throw new ModelError("DepositCapExceeded", `class ${classId}`);
    }
    c.nav += amount;
    c.supply += shares;
    this.#credit(classId, holder, shares);
    this.buffered += amount;
    try {
      this.#checkCover(classId);
    } catch (e) {
      c.nav -= amount;
      c.supply -= shares;
      this.#credit(classId, holder, -shares);
      this.buffered -= amount;
      throw e;
    }
    return shares;
  }

  /** Governance opens or closes a class to deposits; a wiped class stays closed. */
  setClassOpen(classId: number, open: boolean): void {
    const c = this.#class(classId);
    if (c.wiped) throw new ModelError("ClassIsWiped", `class ${classId}`);
    c.open = open;
  }

  /** The router deposits `count` validators of a module from `buffered` (32 ETH each). */
  depositValidators(moduleId: number, count: bigint): void {
    const m = this.#module(moduleId);
    const eth = count * DEPOSIT_SIZE;
    if (eth > this.buffered) throw new ModelError("InsufficientBuffer", `${eth} > ${this.buffered}`);
    this.buffered -= eth;
    m.deposited += count;
  }

  /** Escrows `shares` and queues a redemption valued at the current price; returns its id. */
  requestRedeem(classId: number, shares: bigint, holder = "depositor"): number {
    const c = this.#class(classId);
    if (shares <= 0n) throw new ModelError("ZeroShares", "redeem of 0");
    if (this.balanceOf(classId, holder) < shares) throw new ModelError("InsufficientShares", holder);
    const assets = toAssetsDown(shares, c.nav, c.supply);
    const minimum = this.params.minRedeemAssets ?? 0n;
    if (assets < minimum && !c.wiped)
      throw new ModelError("RedeemBelowMinimum", `class ${classId}: ${assets} < ${minimum}`);
    this.#credit(classId, holder, -shares);
    const id = this.requests.length;
    this.requests.push({
      id,
      classId,
      holder,
      shares,
      assetsAtRequest: assets,
      requestedAt: this.now,
      amount: null,
      claimed: false,
    });
    return id;
  }

  /** Pays out a finalized request from `reserved`; returns the wei paid. */
  claim(requestId: number): bigint {
    const r = this.requests[requestId];
    if (r === undefined) throw new ModelError("UnknownRequest", `${requestId}`);
    if (r.amount === null) throw new ModelError("NotFinalized", `${requestId}`);
    if (r.claimed) throw new ModelError("AlreadyClaimed", `${requestId}`);
    r.claimed = true;
    this.reserved -= r.amount;
    return r.amount;
  }

  /**
   * Executes a service slash of `amount` wei (DESIGN §8): the operator's bond pays `bondCharged`
   * into the router first, the rest is taken from the classes K−1 … tier and only then further up
   * (which is plain junior-first order), and the service is paid from `buffered`, any shortfall
   * recorded as `debt`. What no class can absorb is neither taken nor paid (`lastSlashed` holds
   * what was). Returns the classes wiped.
   */
  serviceSlash(amount: bigint, bondCharged: bigint, tier: number, moduleId?: number): number[] {
    if (tier < 1 || tier >= this.classes.length) throw new ModelError("InvalidTier", `${tier}`);
    if (bondCharged > amount) throw new ModelError("BondAboveSlash", `${bondCharged} > ${amount}`);
    const navs = this.navs();
    // What no class can absorb is neither taken nor paid: a slash never takes more than the book.
    const left = absorbLossJuniorFirst(navs, amount - bondCharged);
    const slashed = amount - left;
    this.buffered += bondCharged;
    const paid = slashed < this.buffered ? slashed : this.buffered;
    this.buffered -= paid;
    this.debt += slashed - paid;
    this.lastSlashed = slashed;
    // The module loses reputation in proportion to what was slashed over its stake at risk
    // (active validators × 32 ETH), at most slashPenaltyBps.
    if (moduleId !== undefined && slashed > 0n) {
      const m = this.#module(moduleId);
      const atRisk = (m.deposited - m.exited) * DEPOSIT_SIZE;
      const penalty =
        atRisk <= slashed ? this.params.slashPenaltyBps : (this.params.slashPenaltyBps * slashed) / atRisk;
      if (penalty > 0n) m.reputation = updateReputation(m.reputation, 0n, 0n, 1n, penalty);
    }
    return this.#applyLoss(navs);
  }

  /** Applies an oracle report: DESIGN §6 steps 1–10 in order (9, exits, moves no money). */
  applyReport(report: Report): ReportResult {
    if (report.modules.length !== this.modules.length) throw new ModelError("ModuleCountMismatch", "report");
    if (report.timestamp < this.now) throw new ModelError("StaleReport", `${report.timestamp}`);
    const K = this.classes.length;
    const navs0 = this.navs();
    // Fees go to the most senior class that is not wiped (K: every class is wiped).
    const firstOpen = this.classes.findIndex((c) => !c.wiped);
    const feeClass = firstOpen < 0 ? K : firstOpen;
    const navT = feeClass < K ? this.classes[feeClass].nav : 0n;
    const supplyT = feeClass < K ? this.classes[feeClass].supply : 0n;

    // 1–2. Module deltas with bond cover; withdrawals and bond charges land in `buffered`.
    const deltas = report.modules.map((r, i) => {
      const m = this.modules[i];
      if (r.clValidators < m.clValidators || r.clValidators > m.deposited) {
        throw new ModelError("InvalidValidatorCount", `module ${i}`);
      }
      if (r.exited < m.exited) throw new ModelError("ExitedDecreased", `module ${i}`);
      const d = netModuleDelta(
        m.clBalance,
        r.clBalance,
        r.withdrawn,
        m.clValidators,
        r.clValidators,
        r.bondCharged,
      );
      m.clBalance = r.clBalance;
      m.clValidators = r.clValidators;
      m.exited = r.exited;
      this.buffered += r.withdrawn + r.bondCharged;
      return d;
    });

    // Reward cap (§9): EL first, then the tiers' pending totals in tier order, together at most
    // maxReward. One entry per tier: the service fee is floored once per tier (step 6).
    report.serviceRewards.forEach((s, i) => {
      if (i > 0 && s.tier <= report.serviceRewards[i - 1].tier)
        throw new ModelError("ServiceTierOrder", `${s.tier} after ${report.serviceRewards[i - 1].tier}`);
    });
    let budget = report.maxReward;
    const take = (x: bigint): bigint => {
      if (budget === undefined) return x;
      const t = x < budget ? x : budget;
      budget -= t;
      return t;
    };
    const elBooked = take(report.elRewards);
    const serviceBooked = report.serviceRewards.map((s) => take(s.paid));

    // 3. Rewards and fees.
    const f = rewardsAndFeesDown(
      deltas,
      this.modules.map((m) => m.feeBps),
      elBooked,
      this.params.treasuryFeeBps,
    );
    this.buffered += elBooked;
    // Fees summed per distinct recipient, in order of first appearance: module fee recipients by
    // id, then the treasury (which also takes Rnet without NAV and every service fee).
    const fees: { recipient: string; assets: bigint }[] = [];
    const feeTo = (recipient: string, assets: bigint) => {
      const e = fees.find((x) => x.recipient === recipient);
      if (e) e.assets += assets;
      else fees.push({ recipient, assets });
    };
    f.moduleFees.forEach((fee, i) => feeTo(this.modules[i].feeRecipient, fee));
    feeTo(TREASURY, f.treasuryFee);

    // 4. Staking split on start-of-report NAVs.
    const split = splitByNavDown(f.rewardsNet, navs0, 0);
    if (!split.distributed) feeTo(TREASURY, f.rewardsNet);

    // 5. Premiums on the step-4 rewards.
    const prem = premiumsDown(
      split.parts,
      navs0,
      this.classes.map((c) => c.params.basePremiumBps),
      this.classes.map((c) => c.params.maxPremiumBps),
      this.classes.map((c) => c.params.minCoverBps),
    );

    // 6. Service rewards.
    const serviceParts = navs0.map(() => 0n);
    for (const [i, s] of report.serviceRewards.entries()) {
      if (s.tier < 1) throw new ModelError("InvalidTier", `${s.tier}`);
      const paid = serviceBooked[i];
      if (paid === 0n) continue;
      this.buffered += paid;
      const sr = serviceRewardDown(paid, this.params.serviceFeeBps, navs0, s.tier);
      sr.parts.forEach((p, k) => (serviceParts[k] += p));
      feeTo(TREASURY, sr.toTreasury);
    }

    // Fee shares: each recipient's total once (one rounding per recipient, DESIGN §2 (3)) at the
    // pre-report price of the most senior class that is not wiped (§5), added after all are
    // computed. With every class wiped no class can take them: each recipient is owed the ETH,
    // paid from buffered now and the rest as debt (in the same order).
    let feeMints: { recipient: string; assets: bigint; shares: bigint }[] = [];
    const ethAccrued: { recipient: string; paid: bigint; owed: bigint }[] = [];
    if (feeClass === K) {
      for (const x of fees) {
        if (x.assets === 0n) continue;
        const paid = x.assets < this.buffered ? x.assets : this.buffered;
        this.buffered -= paid;
        this.debt += x.assets - paid;
        ethAccrued.push({ recipient: x.recipient, paid, owed: x.assets - paid });
      }
    } else {
      const minted = feeSharesDown(
        fees.map((x) => x.assets),
        navT,
        supplyT,
      );
      feeMints = fees.map((x, i) => ({ ...x, shares: minted.shares[i] }));
      for (const fm of feeMints) if (fm.shares > 0n) this.#credit(feeClass, fm.recipient, fm.shares);
      this.classes[feeClass].nav += minted.totalAssets;
      this.classes[feeClass].supply += minted.totalShares;
    }
    for (let k = 0; k < K; k++) {
      this.classes[k].nav += split.parts[k] - prem.paid[k] + prem.received[k] + serviceParts[k];
    }

    // 7. Base loss, junior first; a class left at NAV 0 with supply is wiped.
    const navs = this.navs();
    const unabsorbed = absorbLossJuniorFirst(navs, f.loss);
    const wiped = this.#applyLoss(navs);

    // 8. Reputation.
    report.modules.forEach((r, i) => {
      const m = this.modules[i];
      m.reputation = updateReputation(
        m.reputation,
        r.perfBps,
        this.params.lambdaBps,
        r.slashedValidators,
        this.params.slashPenaltyBps,
      );
    });

    // 10. Repay debt from buffered, then finalize redemptions.
    this.now = report.timestamp;
    const debtRepaid = this.debt < this.buffered ? this.debt : this.buffered;
    this.debt -= debtRepaid;
    this.buffered -= debtRepaid;
    const finalized = this.#finalizeRedemptions();

    return {
      elBooked,
      serviceBooked,
      rewards: f.rewards,
      rewardsNet: f.rewardsNet,
      loss: f.loss,
      moduleFees: f.moduleFees,
      treasuryFee: f.treasuryFee,
      feeClass,
      feeMints,
      ethAccrued,
      split: split.parts,
      premiumsPaid: prem.paid,
      premiumsReceived: prem.received,
      serviceParts,
      unabsorbed,
      wiped,
      debtRepaid,
      finalized,
    };
  }

  /**
   * Within a class strictly FIFO: the first request that is too young or that `buffered` cannot
   * pay stops that class. A wiped class's requests finalize at 0 at once. At most
   * `maxFinalizePerReport` requests: each class (in id order, senior first) first gets an equal
   * part of that budget, then classes that used their whole part get the rest in id order.
   */
  #finalizeRedemptions(): number[] {
    const done: number[] = [];
    const classes = this.classes.length;
    if (classes === 0) return done;
    const max = this.params.maxFinalizePerReport ?? Number.MAX_SAFE_INTEGER;
    const share = Math.max(1, Math.floor(max / classes));
    const more: boolean[] = [];
    for (let k = 0; k < classes && done.length < max; k++) {
      const cap = Math.min(share, max - done.length);
      const n = this.#finalizeClass(k, cap, done);
      more[k] = n === cap;
    }
    for (let k = 0; k < classes && done.length < max; k++)
      if (more[k]) this.#finalizeClass(k, max - done.length, done);
    return done;
  }

  #finalizeClass(k: number, cap: number, done: number[]): number {
    const c = this.classes[k];
    let n = 0;
    for (const r of this.requests) {
      if (n >= cap) break;
      if (r.classId !== k || r.amount !== null) continue;
      let amount = 0n;
      if (!c.wiped) {
        if (this.now - r.requestedAt < c.params.redeemDelay) break;
        amount = redeemAssetsDown(r.shares, r.assetsAtRequest, c.nav, c.supply);
        if (amount > this.buffered) break;
      }
      c.nav -= amount;
      c.supply -= r.shares;
      this.buffered -= amount;
      this.reserved += amount;
      r.amount = amount;
      done.push(r.id);
      ++n;
    }
    return n;
  }

  /** Writes post-loss NAVs back and wipes every class left at NAV 0 with supply. */
  #applyLoss(navs: readonly bigint[]): number[] {
    const wiped: number[] = [];
    navs.forEach((nav, k) => {
      const c = this.classes[k];
      c.nav = nav;
      if (nav === 0n && c.supply > 0n && !c.wiped) {
        c.wiped = true;
        c.open = false;
        wiped.push(k);
      }
    });
    return wiped;
  }

  /** Cover rule: Σ_{j>i} nav_j·BPS ≥ nav_i·minCoverBps_i for every i with a minimum and NAV. */
  /**
   * A deposit into class k can only lower k's own cover (more senior classes gain junior
   * capital, more junior ones are unaffected), so only k is checked: junior deposits that
   * restore a thin cover are never blocked (DESIGN §5: "senior deposits wait").
   */
  #checkCover(classId: number): void {
    for (let i = classId; i <= classId; i++) {
      const c = this.classes[i];
      if (c.params.minCoverBps === 0n || c.nav === 0n) continue;
      const junior = sum(this.classes.slice(i + 1).map((x) => x.nav));
      if (junior * BPS < c.nav * c.params.minCoverBps) {
        throw new ModelError(
          "CoverTooLow",
          `class ${i}: ${(junior * BPS) / c.nav} < ${c.params.minCoverBps}`,
        );
      }
    }
  }

  #credit(classId: number, holder: string, shares: bigint): void {
    const b = this.classes[classId].balances;
    b.set(holder, (b.get(holder) ?? 0n) + shares);
  }

  #class(classId: number): ClassState {
    const c = this.classes[classId];
    if (c === undefined) throw new ModelError("UnknownClass", `${classId}`);
    return c;
  }

  #module(moduleId: number): ModuleState {
    const m = this.modules[moduleId];
    if (m === undefined) throw new ModelError("UnknownModule", `${moduleId}`);
    return m;
  }
}
