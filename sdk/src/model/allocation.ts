/**
 * Mirror of contracts/libraries/Allocation.sol (docs/money-math.md "Allocation"). `allocate` here
 * is the spec's fill taken literally, one validator at a time, so the differential test checks the
 * contract's bisection shortcut against the rule itself.
 */
import { BPS, DEPOSIT_SIZE, dec, min, mulDivDown, sum } from "./decimal.js";

/** κ = min(BPS, ⌊bond·BPS/(active·32 ETH)⌋), 0 without active validators. */
export function kappaBps(bond: bigint, activeValidators: bigint): bigint {
  if (activeValidators === 0n) return 0n;
  return min(BPS, mulDivDown(bond, BPS, activeValidators * DEPOSIT_SIZE));
}

/** w = baseWeight·ρ·(BPS² + boost·κ); 0 when inactive or ρ < minReputation. */
export function weight(
  baseWeight: bigint,
  reputationBps: bigint,
  kappa: bigint,
  collateralBoostBps: bigint,
  minReputationBps: bigint,
  active: boolean,
): bigint {
  if (!active || reputationBps < minReputationBps) return 0n;
  const w = dec(baseWeight)
    .mul(dec(reputationBps))
    .mul(dec(BPS * BPS).add(dec(collateralBoostBps).mul(dec(kappa))));
  return BigInt(w.toFixed(0));
}

/** T_m = min(⌊limit_m·N/BPS⌋, ⌊w_m·N/W⌋), N = Σ active + n; all 0 when W = 0. */
export function targets(
  weights: readonly bigint[],
  shareLimitBps: readonly bigint[],
  totalActive: bigint,
  n: bigint,
): bigint[] {
  const total = sum(weights);
  if (total === 0n) return weights.map(() => 0n);
  const N = totalActive + n;
  return weights.map((w, m) => min(mulDivDown(shareLimitBps[m], N, BPS), mulDivDown(w, N, total)));
}

/** Min-first fill, one unit at a time: largest T_m − cur_m among cur_m < cap_m, ties lower id. */
export function allocate(
  weights: readonly bigint[],
  shareLimitBps: readonly bigint[],
  activeCounts: readonly bigint[],
  depositable: readonly bigint[],
  n: bigint,
): { alloc: bigint[]; total: bigint } {
  const t = targets(weights, shareLimitBps, sum(activeCounts), n);
  const cap = t.map((tm, m) => min(tm, activeCounts[m] + depositable[m]));
  const alloc = weights.map(() => 0n);
  let total = 0n;
  for (; total < n; total++) {
    let best = -1;
    let bestGap = 0n;
    for (let m = 0; m < weights.length; m++) {
      const cur = activeCounts[m] + alloc[m];
      if (cur >= cap[m]) continue;
      const gap = t[m] - cur;
      if (best < 0 || gap > bestGap) {
        best = m;
        bestGap = gap;
      }
    }
    if (best < 0) break;
    alloc[best]++;
  }
  return { alloc, total };
}
