/** Mirror of contracts/libraries/Reputation.sol (docs/money-math.md step 8). */
import { BPS, dec, floorBig } from "./decimal.js";

/** rep' = ⌊(rep·(BPS−λ) + perf·λ)/BPS⌋, then ⌊rep'·(BPS−penalty)/BPS⌋ per slashed validator. */
export function updateReputation(
  rep: bigint,
  perfBps: bigint,
  lambdaBps: bigint,
  slashedCount: bigint,
  slashPenaltyBps: bigint,
): bigint {
  let next = floorBig(
    dec(rep)
      .mul(dec(BPS - lambdaBps))
      .add(dec(perfBps).mul(dec(lambdaBps)))
      .div(dec(BPS)),
  );
  if (slashPenaltyBps === 0n) return next;
  for (let i = 0n; i < slashedCount && next > 0n; i++) {
    next = floorBig(
      dec(next)
        .mul(dec(BPS - slashPenaltyBps))
        .div(dec(BPS)),
    );
  }
  return next;
}
