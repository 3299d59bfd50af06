/** Mirror of contracts/libraries/SharesMath.sol (docs/money-math.md "Shares"). */
import { VIRTUAL_ASSETS, VIRTUAL_SHARES, min, mulDivDown } from "./decimal.js";

/** ⌊assets·(supply+V)/(nav+1)⌋: shares minted for a deposit or fee. */
export function toSharesDown(assets: bigint, nav: bigint, supply: bigint): bigint {
  return mulDivDown(assets, supply + VIRTUAL_SHARES, nav + VIRTUAL_ASSETS);
}

/** ⌊shares·(nav+1)/(supply+V)⌋: what shares are worth. */
export function toAssetsDown(shares: bigint, nav: bigint, supply: bigint): bigint {
  return mulDivDown(shares, nav + VIRTUAL_ASSETS, supply + VIRTUAL_SHARES);
}

/** min(assetsAtRequest, toAssetsDown(shares, nav, supply)): a redemption's payout. */
export function redeemAssetsDown(
  shares: bigint,
  assetsAtRequest: bigint,
  nav: bigint,
  supply: bigint,
): bigint {
  return min(assetsAtRequest, toAssetsDown(shares, nav, supply));
}
