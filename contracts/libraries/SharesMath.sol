// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {VIRTUAL_ASSETS, VIRTUAL_SHARES} from "./Constants.sol";

/// @title SharesMath
/// @notice Conversions between a class's assets (wei of NAV) and its shares, with the virtual
/// offset of docs/money-math.md. Both directions round down: toward the pool.
/// @dev `mulDiv` keeps the 512-bit intermediate product, so no input below 2^256 overflows
/// unless the result itself does.
library SharesMath {
    /// @notice Shares minted for `assets` deposited into a class: ⌊assets·(supply+V)/(nav+1)⌋.
    /// @param assets Wei deposited (or fee minted).
    /// @param nav The class NAV before the mint.
    /// @param supply The class share supply before the mint.
    /// @return shares The shares, rounded down so the depositor never gets more than it paid.
    function toSharesDown(
        uint256 assets,
        uint256 nav,
        uint256 supply
    ) internal pure returns (uint256 shares) {
        shares = Math.mulDiv(assets, supply + VIRTUAL_SHARES, nav + VIRTUAL_ASSETS);
    }

    /// @notice Assets that `shares` are worth: ⌊shares·(nav+1)/(supply+V)⌋.
    /// @param shares Shares being valued or redeemed.
    /// @param nav The class NAV.
    /// @param supply The class share supply (including `shares`).
    /// @return assets The value, rounded down so a holder never takes more than its part.
    function toAssetsDown(
        uint256 shares,
        uint256 nav,
        uint256 supply
    ) internal pure returns (uint256 assets) {
        assets = Math.mulDiv(shares, nav + VIRTUAL_ASSETS, supply + VIRTUAL_SHARES);
    }

    /// @notice What a redemption pays at finalization: the lower of its value when requested and
    /// its value now (DESIGN §12: nobody escapes a loss booked between request and payout).
    /// @param shares Shares of the request (still in `supply`).
    /// @param assetsAtRequest `toAssetsDown(shares, nav, supply)` recorded at request time.
    /// @param nav The class NAV now.
    /// @param supply The class share supply now.
    /// @return assets The amount to pay, rounded down.
    function redeemAssetsDown(
        uint256 shares,
        uint256 assetsAtRequest,
        uint256 nav,
        uint256 supply
    ) internal pure returns (uint256 assets) {
        assets = Math.min(assetsAtRequest, toAssetsDown(shares, nav, supply));
    }
}
