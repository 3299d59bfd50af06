// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Allocation} from "../../contracts/libraries/Allocation.sol";
import {Reputation} from "../../contracts/libraries/Reputation.sol";
import {SharesMath} from "../../contracts/libraries/SharesMath.sol";
import {Waterfall} from "../../contracts/libraries/Waterfall.sol";

/// @notice Exposes the pure money libraries as external views, for the forge-std tests and the
/// differential test against the SDK reference model (test/model/model.test.ts).
contract MoneyMath__Harness {
    function toSharesDown(uint256 assets, uint256 nav, uint256 supply) external pure returns (uint256) {
        return SharesMath.toSharesDown(assets, nav, supply);
    }

    function toAssetsDown(uint256 shares, uint256 nav, uint256 supply) external pure returns (uint256) {
        return SharesMath.toAssetsDown(shares, nav, supply);
    }

    function redeemAssetsDown(
        uint256 shares,
        uint256 assetsAtRequest,
        uint256 nav,
        uint256 supply
    ) external pure returns (uint256) {
        return SharesMath.redeemAssetsDown(shares, assetsAtRequest, nav, supply);
    }

    function netModuleDelta(
        uint256 clBalanceBefore,
        uint256 clBalanceAfter,
        uint256 withdrawn,
        uint256 validatorsBefore,
        uint256 validatorsAfter,
        uint256 bondCover
    ) external pure returns (int256) {
        return
            Waterfall.netModuleDelta(
                clBalanceBefore,
                clBalanceAfter,
                withdrawn,
                validatorsBefore,
                validatorsAfter,
                bondCover
            );
    }

    function rewardsAndFeesDown(
        int256[] memory netDeltas,
        uint16[] memory moduleFeeBps,
        uint256 elRewards,
        uint256 treasuryFeeBps
    )
        external
        pure
        returns (
            uint256 rewards,
            uint256[] memory moduleFees,
            uint256 treasuryFee,
            uint256 rewardsNet,
            uint256 loss
        )
    {
        return Waterfall.rewardsAndFeesDown(netDeltas, moduleFeeBps, elRewards, treasuryFeeBps);
    }

    function feeSharesDown(
        uint256[] memory fees,
        uint256 nav0,
        uint256 supply0
    ) external pure returns (uint256[] memory, uint256, uint256) {
        return Waterfall.feeSharesDown(fees, nav0, supply0);
    }

    function splitByNavDown(
        uint256 amount,
        uint256[] memory navs0,
        uint256 fromClass
    ) external pure returns (uint256[] memory, bool) {
        return Waterfall.splitByNavDown(amount, navs0, fromClass);
    }

    function premiumRateBps(
        uint256 nav,
        uint256 juniorNav,
        uint256 baseBps,
        uint256 maxBps
    ) external pure returns (uint256) {
        return Waterfall.premiumRateBps(nav, juniorNav, baseBps, maxBps);
    }

    function premiumsDown(
        uint256[] memory r,
        uint256[] memory navs0,
        uint16[] memory baseBps,
        uint16[] memory maxBps,
        uint16[] memory minCoverBps
    ) external pure returns (uint256[] memory, uint256[] memory) {
        return Waterfall.premiumsDown(r, navs0, baseBps, maxBps, minCoverBps);
    }

    function serviceRewardDown(
        uint256 paidAmount,
        uint256 serviceFeeBps,
        uint256[] memory navs0,
        uint256 tier
    ) external pure returns (uint256[] memory, uint256) {
        return Waterfall.serviceRewardDown(paidAmount, serviceFeeBps, navs0, tier);
    }

    function absorbLossJuniorFirst(
        uint256[] memory navs,
        uint256 loss
    ) external pure returns (uint256[] memory, uint256 unabsorbed) {
        unabsorbed = Waterfall.absorbLossJuniorFirst(navs, loss);
        return (navs, unabsorbed);
    }

    function kappaBps(uint256 bond, uint256 activeValidators) external pure returns (uint256) {
        return Allocation.kappaBps(bond, activeValidators);
    }

    function weight(
        uint256 baseWeight,
        uint256 reputationBps,
        uint256 kappa,
        uint256 collateralBoostBps,
        uint256 minReputationBps,
        bool active
    ) external pure returns (uint256) {
        return
            Allocation.weight(baseWeight, reputationBps, kappa, collateralBoostBps, minReputationBps, active);
    }

    function targets(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256 totalActive,
        uint256 n
    ) external pure returns (uint256[] memory) {
        return Allocation.targets(weights, shareLimitBps, totalActive, n);
    }

    function allocate(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256[] memory activeCounts,
        uint256[] memory depositable,
        uint256 n
    ) external pure returns (uint256[] memory, uint256) {
        return Allocation.allocate(weights, shareLimitBps, activeCounts, depositable, n);
    }

    /// @notice The spec's fill, literally: one validator at a time. The reference for `allocate`.
    function allocateUnitByUnit(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256[] memory activeCounts,
        uint256[] memory depositable,
        uint256 n
    ) external pure returns (uint256[] memory alloc, uint256 total) {
        uint256 count = weights.length;
        uint256 totalActive;
        for (uint256 m; m < count; ++m) totalActive += activeCounts[m];
        uint256[] memory t = Allocation.targets(weights, shareLimitBps, totalActive, n);
        alloc = new uint256[](count);
        for (; total < n; ++total) {
            uint256 best = type(uint256).max;
            uint256 bestGap;
            for (uint256 m; m < count; ++m) {
                uint256 cur = activeCounts[m] + alloc[m];
                uint256 cap =
                    t[m] < activeCounts[m] + depositable[m] ? t[m] : activeCounts[m] + depositable[m];
                if (cur >= cap) continue;
                uint256 gap = t[m] - cur;
                if (best == type(uint256).max || gap > bestGap) {
                    best = m;
                    bestGap = gap;
                }
            }
            if (best == type(uint256).max) break;
            ++alloc[best];
        }
    }

    function reputationUpdate(
        uint256 rep,
        uint256 perfBps,
        uint256 lambdaBps,
        uint256 slashedCount,
        uint256 slashPenaltyBps
    ) external pure returns (uint256) {
        return Reputation.update(rep, perfBps, lambdaBps, slashedCount, slashPenaltyBps);
    }
}
