/**
 * Mirror of contracts/libraries/Waterfall.sol: the money steps 1–7 of a report
 * (docs/money-math.md), one function per Solidity function, same names and rounding.
 */
import { BPS, DEPOSIT_SIZE, dec, floorBig, min, mulDivDown, sum } from "./decimal.js";
import { toSharesDown } from "./shares.js";

/** Steps 1–2: Δ'_m = clBalance' + withdrawn − clBalance − 32 ETH·(validators' − validators) + C_m. */
export function netModuleDelta(
  clBalanceBefore: bigint,
  clBalanceAfter: bigint,
  withdrawn: bigint,
  validatorsBefore: bigint,
  validatorsAfter: bigint,
  bondCover: bigint,
): bigint {
  const d = dec(clBalanceAfter)
    .add(dec(withdrawn))
    .add(dec(bondCover))
    .sub(dec(clBalanceBefore))
    .sub(dec(validatorsAfter - validatorsBefore).mul(dec(DEPOSIT_SIZE)));
  return BigInt(d.toFixed(0));
}

export interface RewardsAndFees {
  rewards: bigint;
  moduleFees: bigint[];
  treasuryFee: bigint;
  rewardsNet: bigint;
  loss: bigint;
}

/** Step 3: R, f_m, f_T, Rnet and L from the net module deltas. */
export function rewardsAndFeesDown(
  netDeltas: readonly bigint[],
  moduleFeeBps: readonly bigint[],
  elRewards: bigint,
  treasuryFeeBps: bigint,
): RewardsAndFees {
  let rewards = elRewards;
  let loss = 0n;
  const moduleFees = netDeltas.map((d, m) => {
    if (d > 0n) {
      rewards += d;
      return mulDivDown(d, moduleFeeBps[m], BPS);
    }
    loss += -d;
    return 0n;
  });
  const treasuryFee = mulDivDown(rewards, treasuryFeeBps, BPS);
  const rewardsNet = rewards - sum(moduleFees) - treasuryFee;
  if (rewardsNet < 0n) throw new RangeError("rewardsAndFeesDown: fees above rewards");
  return { rewards, moduleFees, treasuryFee, rewardsNet, loss };
}

/** Step 3: class-0 shares per fee, all at the pre-report class-0 price (not compounding). */
export function feeSharesDown(
  fees: readonly bigint[],
  nav0: bigint,
  supply0: bigint,
): { shares: bigint[]; totalAssets: bigint; totalShares: bigint } {
  const shares = fees.map((f) => toSharesDown(f, nav0, supply0));
  return { shares, totalAssets: sum(fees), totalShares: sum(shares) };
}

/** Pro-rata split over classes ≥ fromClass by navs0; dust to the most junior eligible with NAV. */
export function splitByNavDown(
  amount: bigint,
  navs0: readonly bigint[],
  fromClass: number,
): { parts: bigint[]; distributed: boolean } {
  const parts = navs0.map(() => 0n);
  let eligible = 0n;
  let junior = -1;
  for (let i = fromClass; i < navs0.length; i++) {
    if (navs0[i] > 0n) {
      eligible += navs0[i];
      junior = i;
    }
  }
  if (eligible === 0n) return { parts, distributed: false };
  for (let i = fromClass; i < navs0.length; i++) parts[i] = mulDivDown(amount, navs0[i], eligible);
  parts[junior] += amount - sum(parts);
  return { parts, distributed: true };
}

/** p = min(maxBps, BPS, ⌊baseBps·⌊nav·BPS/juniorNav⌋/BPS⌋). */
export function premiumRateBps(nav: bigint, juniorNav: bigint, baseBps: bigint, maxBps: bigint): bigint {
  const leverage = mulDivDown(nav, BPS, juniorNav);
  const rate = floorBig(dec(baseBps).mul(dec(leverage)).div(dec(BPS)));
  return min(min(maxBps, BPS), rate);
}

/** Floor of a class's cover target in the premium (Constants.sol MIN_COVER_TARGET_BPS). */
export const MIN_COVER_TARGET_BPS = 2_500n;

/** covered = min(nav, ⌊juniorNav·BPS/max(minCoverBps, 2,500)⌋): the part junior capital protects. */
export function coveredNav(nav: bigint, juniorNav: bigint, minCoverBps: bigint): bigint {
  const target = minCoverBps > MIN_COVER_TARGET_BPS ? minCoverBps : MIN_COVER_TARGET_BPS;
  return min(nav, mulDivDown(juniorNav, BPS, target));
}

/**
 * Step 5: P_k = ⌊r_k·p_k·covered_k/(BPS·nav_k)⌋ paid by k, split over j > k by navs0 (dust to the
 * most junior): the premium is paid only on the covered part of the class (DESIGN §6 step 5).
 */
export function premiumsDown(
  r: readonly bigint[],
  navs0: readonly bigint[],
  baseBps: readonly bigint[],
  maxBps: readonly bigint[],
  minCoverBps: readonly bigint[],
): { paid: bigint[]; received: bigint[] } {
  const paid = navs0.map(() => 0n);
  const received = navs0.map(() => 0n);
  for (let k = 0; k < navs0.length; k++) {
    const juniorNav = sum(navs0.slice(k + 1));
    if (juniorNav === 0n || navs0[k] === 0n) continue;
    const rate = premiumRateBps(navs0[k], juniorNav, baseBps[k], maxBps[k]);
    const covered = coveredNav(navs0[k], juniorNav, minCoverBps[k]);
    const premium = floorBig(
      dec(r[k])
        .mul(dec(rate))
        .mul(dec(covered))
        .div(dec(BPS).mul(dec(navs0[k]))),
    );
    if (premium === 0n) continue;
    paid[k] = premium;
    const { parts } = splitByNavDown(premium, navs0, k + 1);
    for (let j = k + 1; j < navs0.length; j++) received[j] += parts[j];
  }
  return { paid, received };
}

/** Step 6: service fee to the treasury, the rest to classes ≥ tier by navs0 (none → all to treasury). */
export function serviceRewardDown(
  paidAmount: bigint,
  serviceFeeBps: bigint,
  navs0: readonly bigint[],
  tier: number,
): { parts: bigint[]; toTreasury: bigint } {
  const fee = mulDivDown(paidAmount, serviceFeeBps, BPS);
  const { parts, distributed } = splitByNavDown(paidAmount - fee, navs0, tier);
  return { parts, toTreasury: distributed ? fee : paidAmount };
}

/** Step 7: takes `loss` junior first, mutating `navs` in place; returns what is left unabsorbed. */
export function absorbLossJuniorFirst(navs: bigint[], loss: bigint): bigint {
  let left = loss;
  for (let k = navs.length - 1; k >= 0 && left > 0n; k--) {
    const take = min(left, navs[k]);
    navs[k] -= take;
    left -= take;
  }
  return left;
}
