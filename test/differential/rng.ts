/**
 * Seeded randomness for the differential test: mulberry32 (32-bit state, full period), plus the
 * few draws the scenarios need. Nothing here touches Math.random, so a (seed, scenario) pair
 * replays the exact same actions.
 */

/** Mixes the run seed and a scenario index into an independent 32-bit scenario seed. */
export function scenarioSeed(baseSeed: number, index: number): number {
  let h = (baseSeed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** 32 random bits. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError("pick from an empty list");
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** Picks by relative weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [v, w] of entries) {
      if (x < w) return v;
      x -= w;
    }
    return entries[entries.length - 1][0];
  }

  /** Bigint in [lo, hi], both inclusive (modulo bias is irrelevant here). */
  big(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`big(${lo}, ${hi})`);
    const span = hi - lo + 1n;
    let x = 0n;
    for (let bits = 0n; 1n << bits < span * 2n ** 32n; bits += 32n) x = (x << 32n) | BigInt(this.u32());
    return lo + (x % span);
  }
}
