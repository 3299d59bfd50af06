import type { RestakingGraph } from "./types.js";

/** mulberry32: a small seeded PRNG so random graphs (tests, bench) are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomGraphParams {
  operators: number;
  services: number;
  /** Probability an operator serves a given service. */
  density: number;
  /** Stake per operator, uniform in [1, maxStakeEth] ETH plus random wei dust. */
  maxStakeEth?: number;
  /** Profit per service, uniform in [0, maxProfitEth] ETH. */
  maxProfitEth?: number;
}

/** A reproducible random graph; every service gets at least one operator. */
export function randomGraph(seed: number, p: RandomGraphParams): RestakingGraph {
  const rnd = mulberry32(seed);
  const E = 10n ** 18n;
  const maxStake = p.maxStakeEth ?? 1_000;
  const maxProfit = p.maxProfitEth ?? 2_000;
  const dust = () => BigInt(Math.floor(rnd() * 1e9));
  const operators = Array.from({ length: p.operators }, (_, i) => ({
    id: `op${i}`,
    stake: BigInt(1 + Math.floor(rnd() * maxStake)) * E + dust(),
  }));
  const services = Array.from({ length: p.services }, (_, j) => {
    const ops = operators.filter(() => rnd() < p.density).map((o) => o.id);
    if (ops.length === 0) ops.push(operators[Math.floor(rnd() * operators.length)]!.id);
    return {
      id: `svc${j}`,
      profitFromCorruption: BigInt(Math.floor(rnd() * maxProfit)) * E + dust(),
      attackThresholdBps: [3_334, 5_000, 6_667][Math.floor(rnd() * 3)]!,
      operators: ops,
    };
  });
  return { operators, services };
}
