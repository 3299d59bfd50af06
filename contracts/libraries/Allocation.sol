// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BPS, DEPOSIT_SIZE} from "./Constants.sol";

/// @title Allocation
/// @notice Which modules receive the next validators (DESIGN §7, docs/money-math.md
/// "Allocation"): weights from reputation and collateral, target counts, and the min-first fill.
/// @dev Pure and bounded by the module count (≤ MAX_MODULES). Assumes baseWeight < 2^64 and bps
/// inputs < 2^16 so a weight stays below 2^128 and Σ w·N cannot overflow.
library Allocation {
    /// @notice Collateral coverage κ = min(BPS, ⌊bond·BPS/(active·32 ETH)⌋), 0 without active
    /// validators (curated modules pass bond 0).
    /// @param bond Wei of bond the module holds.
    /// @param activeValidators The module's active validators.
    /// @return kappa Coverage in bps, capped at BPS.
    function kappaBps(uint256 bond, uint256 activeValidators) internal pure returns (uint256 kappa) {
        if (activeValidators == 0) return 0;
        kappa = Math.min(BPS, Math.mulDiv(bond, BPS, activeValidators * DEPOSIT_SIZE));
    }

    /// @notice Unscaled weight w = baseWeight·ρ·(BPS² + collateralBoostBps·κ); only ratios matter,
    /// so nothing is divided and nothing is lost to rounding here.
    /// @param baseWeight Governance weight of the module.
    /// @param reputationBps ρ, the module reputation.
    /// @param kappa κ from `kappaBps`.
    /// @param collateralBoostBps How much full collateral raises the weight (BPS = ×2).
    /// @param minReputationBps Below this reputation the module gets nothing.
    /// @param active False for paused or stopped modules.
    /// @return w The weight, 0 when inactive or below the reputation floor.
    function weight(
        uint256 baseWeight,
        uint256 reputationBps,
        uint256 kappa,
        uint256 collateralBoostBps,
        uint256 minReputationBps,
        bool active
    ) internal pure returns (uint256 w) {
        if (!active || reputationBps < minReputationBps) return 0;
        w = baseWeight * reputationBps * (BPS * BPS + collateralBoostBps * kappa);
    }

    /// @notice Target counts T_m = min(⌊limit_m·N/BPS⌋, ⌊w_m·N/W⌋) with N = Σ active + n.
    /// @param weights w per module.
    /// @param shareLimitBps stakeShareLimitBps per module.
    /// @param totalActive Σ active validators over all modules.
    /// @param n New validators to place.
    /// @return t Target validator count per module (all 0 when Σ w = 0).
    function targets(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256 totalActive,
        uint256 n
    ) internal pure returns (uint256[] memory t) {
        uint256 count = weights.length;
        t = new uint256[](count);
        uint256 totalWeight;
        for (uint256 m; m < count; ++m) totalWeight += weights[m];
        if (totalWeight == 0) return t;
        uint256 total = totalActive + n;
        for (uint256 m; m < count; ++m) {
            t[m] = Math.min(
                (uint256(shareLimitBps[m]) * total) / BPS,
                Math.mulDiv(weights[m], total, totalWeight)
            );
        }
    }

    /// @notice Places up to `n` new validators: one at a time to the module with the largest
    /// T_m − cur_m among those with cur_m < cap_m = min(T_m, active_m + depositable_m), ties to the
    /// lower id, until `n` are placed or no module can take one.
    /// @dev Computed in O(M·log N) instead of O(n·M). The unit-by-unit fill hands out the units
    /// in descending order of the key (deficit before the unit, −id), and each module's keys fall
    /// by one per unit, so the result is "the n largest keys": every unit with deficit above a
    /// level v is taken, then the units at exactly v by ascending id. v is found by bisection on
    /// count(v) = Σ_m #units of m with deficit ≥ v. Equivalence with the unit-by-unit fill is
    /// fuzzed in test/libraries/Allocation.t.sol and test/model/model.test.ts.
    /// @param weights w per module.
    /// @param shareLimitBps stakeShareLimitBps per module.
    /// @param activeCounts Active validators per module (cur_m starts here).
    /// @param depositable Keys each module can still deposit.
    /// @param n New validators to place.
    /// @return alloc New validators per module.
    /// @return total Σ alloc = min(n, Σ capacity); the rest stays buffered.
    function allocate(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256[] memory activeCounts,
        uint256[] memory depositable,
        uint256 n
    ) internal pure returns (uint256[] memory alloc, uint256 total) {
        uint256 count = weights.length;
        uint256 totalActive;
        for (uint256 m; m < count; ++m) totalActive += activeCounts[m];
        uint256[] memory t = targets(weights, shareLimitBps, totalActive, n);
        // Reuse `alloc` for capacities c_m and `t` for deficits d_m = T_m − active_m.
        alloc = new uint256[](count);
        uint256 capacity;
        uint256 maxDeficit;
        for (uint256 m; m < count; ++m) {
            uint256 cap = Math.min(t[m], activeCounts[m] + depositable[m]);
            if (cap > activeCounts[m]) {
                alloc[m] = cap - activeCounts[m];
                t[m] -= activeCounts[m];
                capacity += alloc[m];
                if (t[m] > maxDeficit) maxDeficit = t[m];
            } else {
                t[m] = 0;
            }
        }
        if (n >= capacity) return (alloc, capacity);
        if (n == 0) return (new uint256[](count), 0);
        uint256 level = _fillLevel(alloc, t, maxDeficit, n);
        // Every unit with deficit above `level` is taken; the rest go to units at exactly `level`.
        uint256 atLevel = n - _unitsAtOrAbove(alloc, t, level + 1);
        for (uint256 m; m < count; ++m) {
            uint256 take = _unitsOf(alloc[m], t[m], level + 1);
            // Module m has a unit at `level` iff its deficit range [d−c+1, d] contains it; ids ascend.
            if (atLevel > 0 && alloc[m] > 0 && t[m] >= level && t[m] - alloc[m] < level) {
                ++take;
                --atLevel;
            }
            alloc[m] = take;
        }
        total = n;
    }

    /// @dev The largest level v with count(v) ≥ n, by bisection: count(1) = capacity > n and
    /// count(maxDeficit + 1) = 0, and count is non-increasing in v.
    function _fillLevel(
        uint256[] memory caps,
        uint256[] memory deficits,
        uint256 maxDeficit,
        uint256 n
    ) private pure returns (uint256 lo) {
        lo = 1;
        uint256 hi = maxDeficit;
        while (lo < hi) {
            uint256 mid = (lo + hi + 1) / 2;
            if (_unitsAtOrAbove(caps, deficits, mid) >= n) lo = mid;
            else hi = mid - 1;
        }
    }

    /// @dev Σ_m units of module m whose deficit before the unit is ≥ level.
    function _unitsAtOrAbove(
        uint256[] memory caps,
        uint256[] memory deficits,
        uint256 level
    ) private pure returns (uint256 units) {
        for (uint256 m; m < caps.length; ++m) units += _unitsOf(caps[m], deficits[m], level);
    }

    /// @dev A module with deficit d and capacity c hands out units with deficits d, d−1, …, d−c+1;
    /// this counts those ≥ level: min(c, d − level + 1), or 0.
    function _unitsOf(uint256 cap, uint256 deficit, uint256 level) private pure returns (uint256) {
        if (deficit < level) return 0;
        return Math.min(cap, deficit - level + 1);
    }
}
