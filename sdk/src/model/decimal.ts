/**
 * The one Decimal configuration of the reference model. Every money path converts bigint to
 * Decimal, multiplies/divides there and floors explicitly; no JS number ever holds an amount.
 *
 * Precision 200 significant digits: a product of two uint256 values has at most 155 digits,
 * so every product is exact and every quotient is exact in its integer part before `.floor()`.
 */
import { Decimal } from "decimal.js";

export const D = Decimal.clone({
  precision: 200,
  rounding: Decimal.ROUND_DOWN,
  toExpPos: 9e15,
  toExpNeg: -9e15,
});
export type Dec = InstanceType<typeof D>;

export const BPS = 10_000n;
export const DEPOSIT_SIZE = 32n * 10n ** 18n;
export const VIRTUAL_SHARES = 1n;
export const VIRTUAL_ASSETS = 1n;
export const MAX_MODULES = 32;
export const MAX_CLASSES = 8;
export const MAX_SERVICES = 64;

/** bigint → Decimal, exactly. */
export function dec(x: bigint): Dec {
  return new D(x.toString());
}

/** Decimal → bigint, flooring (toward −∞) first. */
export function floorBig(x: Dec): bigint {
  return BigInt(x.floor().toFixed(0));
}

/** ⌊a·b/c⌋ for non-negative a, b and positive c (OZ Math.mulDiv). */
export function mulDivDown(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new RangeError("mulDivDown: division by zero");
  return floorBig(dec(a).mul(dec(b)).div(dec(c)));
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function sum(xs: readonly bigint[]): bigint {
  return xs.reduce((s, x) => s + x, 0n);
}
