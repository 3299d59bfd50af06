/**
 * Exact searches behind `analyzeSecurity`. All money is bigint wei; nothing here rounds.
 */

/** A service reduced to operator indices and its integer attack stake ⌈α_s·σ_s⌉. */
export interface IndexedService {
  /** Position in the caller's service list. */
  index: number;
  profit: bigint;
  attackStake: bigint;
  operators: readonly number[];
}

export interface CheapestAttack {
  /** Services corrupted (caller indices). */
  services: number[];
  /** Coalition (operator indices). */
  operators: number[];
  cost: bigint;
  profit: bigint;
}

export interface NetworkSearchResult {
  /** The attack minimizing cost/profit among attacks with profit > 0; null if none exists. */
  worst: CheapestAttack | null;
  coalitions: number;
}

/**
 * Worst attack by exhaustive enumeration of coalitions B ⊆ operators (2^n, n ≤ 24).
 *
 * Why coalitions rather than service sets: for a fixed B the most profitable A is simply
 * every service B can corrupt (π ≥ 0), so min over (A,B) of cost/profit is
 * min over B of σ(B)/π(A_max(B)). Enumerating B in Gray-code order changes one operator per
 * step, so σ(B) and each service's held stake update with 1 + deg(v) bigint additions and
 * A_max(B) is kept as a bitmask — no 2^n table of bigints. For each exact mask A we keep
 * the cheapest B (2^m slots), then compare the ≤ 2^m candidates by cross-multiplication.
 * Measured ≈ 0.2 s for 20 operators × 10 services, every edge present (see bench.ts).
 * The alternative (for each of the 2^m sets A solve a min-cost multi-cover by branch and
 * bound) has no useful worst-case bound and was not needed.
 *
 * Ties in cost/profit keep the attack with the larger profit, then the first found.
 */
export function searchWorstAttack(
  stakes: readonly bigint[],
  services: readonly IndexedService[],
): NetworkSearchResult {
  const n = stakes.length;
  const m = services.length;
  if (n > 24 || m > 16) throw new RangeError(`exact search limited to 24 operators × 16 services`);

  const servicesOf: number[][] = Array.from({ length: n }, () => []);
  services.forEach((s, j) => s.operators.forEach((v) => servicesOf[v]!.push(j)));
  const threshold = services.map((s) => s.attackStake);
  const held: bigint[] = new Array<bigint>(m).fill(0n);

  const minCost: (bigint | undefined)[] = new Array<bigint | undefined>(1 << m).fill(undefined);
  const argB = new Int32Array(1 << m);

  // B = ∅ can already corrupt services whose attack stake is 0 (σ_s = 0).
  let mask = 0;
  for (let j = 0; j < m; j++) if (threshold[j]! <= 0n) mask |= 1 << j;
  let cost = 0n;
  let coalition = 0;
  if (mask !== 0) {
    minCost[mask] = 0n;
    argB[mask] = 0;
  }

  const total = 2 ** n;
  for (let i = 1; i < total; i++) {
    const v = 31 - Math.clz32(i & -i); // Gray code: bit flipped at step i is ctz(i)
    const bit = 1 << v;
    coalition ^= bit;
    const sv = stakes[v]!;
    const touched = servicesOf[v]!;
    if (coalition & bit) {
      cost += sv;
      for (let k = 0; k < touched.length; k++) {
        const j = touched[k]!;
        const h = held[j]! + sv;
        held[j] = h;
        if (h >= threshold[j]!) mask |= 1 << j;
      }
    } else {
      cost -= sv;
      for (let k = 0; k < touched.length; k++) {
        const j = touched[k]!;
        const h = held[j]! - sv;
        held[j] = h;
        if (h < threshold[j]!) mask &= ~(1 << j);
      }
    }
    if (mask !== 0) {
      const c = minCost[mask];
      if (c === undefined || cost < c) {
        minCost[mask] = cost;
        argB[mask] = coalition;
      }
    }
  }

  let worst: CheapestAttack | null = null;
  for (let a = 1; a < 1 << m; a++) {
    const c = minCost[a];
    if (c === undefined) continue;
    let profit = 0n;
    for (let j = 0; j < m; j++) if (a & (1 << j)) profit += services[j]!.profit;
    if (profit === 0n) continue;
    // c/profit < worst.cost/worst.profit  ⇔  c·worst.profit < worst.cost·profit
    const better =
      worst === null ||
      c * worst.profit < worst.cost * profit ||
      (c * worst.profit === worst.cost * profit && profit > worst.profit);
    if (better) {
      const b = argB[a]!;
      worst = {
        services: services.filter((_, j) => a & (1 << j)).map((s) => s.index),
        operators: Array.from({ length: n }, (_, v) => v).filter((v) => b & (1 << v)),
        cost: c,
        profit,
      };
    }
  }
  return { worst, coalitions: total };
}

export interface MinCover {
  /** Least Σ w over subsets with Σ w ≥ target (exact) — or the best found when `exact` is false. */
  cost: bigint;
  /** Positions (into the weights given) of the chosen subset. */
  chosen: number[];
  exact: boolean;
}

/**
 * Cost of corruption of one service: the smallest subset sum ≥ `target` of its operators'
 * stakes (for one service the coalition's cost equals the stake it holds in that service).
 * Depth-first branch and bound over weights sorted descending: cut when the partial sum
 * already reaches the best, when the remaining weights cannot reach the target, and stop
 * outright when a subset hits the target exactly (nothing can be cheaper). Gives up after
 * `nodeBudget` nodes and returns the best found with `exact: false`; callers then report
 * the lower bound `target`. Starts from the greedy (largest first) cover as incumbent.
 */
export function minCoverAtLeast(weights: readonly bigint[], target: bigint, nodeBudget = 1 << 21): MinCover {
  if (target <= 0n) return { cost: 0n, chosen: [], exact: true };
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => (weights[b]! > weights[a]! ? 1 : weights[b]! < weights[a]! ? -1 : a - b));
  const w = order.map((i) => weights[i]!);
  const k = w.length;
  const suffix: bigint[] = new Array<bigint>(k + 1).fill(0n);
  for (let i = k - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + w[i]!;
  if (suffix[0]! < target) throw new RangeError("target above total weight");

  // Greedy incumbent: largest first until the target is reached.
  let best = 0n;
  let bestSet: number[] = [];
  for (let i = 0; i < k && best < target; i++) {
    best += w[i]!;
    bestSet.push(i);
  }

  let nodes = 0;
  let aborted = false;
  const stack: number[] = [];
  const dfs = (i: number, sum: bigint): void => {
    if (aborted || best === target) return;
    if (++nodes > nodeBudget) {
      aborted = true;
      return;
    }
    if (sum >= target) {
      if (sum < best) {
        best = sum;
        bestSet = [...stack];
      }
      return;
    }
    if (i === k || sum + suffix[i]! < target || sum + w[k - 1]! >= best) return;
    stack.push(i);
    if (sum + w[i]! < best) dfs(i + 1, sum + w[i]!);
    stack.pop();
    dfs(i + 1, sum);
  };
  dfs(0, 0n);
  return { cost: best, chosen: bestSet.map((i) => order[i]!).sort((a, b) => a - b), exact: !aborted };
}
