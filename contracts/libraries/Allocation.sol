// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BPS, DEPOSIT_SIZE} from "./Constants.sol";

/// @title Allocation (temporary stand-in; replaced by the math team's library)
library Allocation {
    function kappaBps(uint256 bond, uint256 activeValidators) internal pure returns (uint256) {
        if (activeValidators == 0) return 0;
        uint256 k = (bond * BPS) / (activeValidators * DEPOSIT_SIZE);
        return k > BPS ? BPS : k;
    }

    function weight(
        uint256 baseWeight,
        uint256 reputationBps,
        uint256 kappa,
        uint256 collateralBoostBps,
        uint256 minReputationBps,
        bool active
    ) internal pure returns (uint256) {
        if (!active || reputationBps < minReputationBps) return 0;
        return baseWeight * reputationBps * (BPS * BPS + collateralBoostBps * kappa);
    }

    function targets(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256[] memory activeCounts,
        uint256 n
    ) internal pure returns (uint256[] memory target) {
        uint256 m = weights.length;
        target = new uint256[](m);
        uint256 w;
        uint256 nTotal = n;
        for (uint256 i; i < m; ++i) {
            w += weights[i];
            nTotal += activeCounts[i];
        }
        if (w == 0) return target;
        for (uint256 i; i < m; ++i) {
            uint256 byWeight = (weights[i] * nTotal) / w;
            uint256 byLimit = (uint256(shareLimitBps[i]) * nTotal) / BPS;
            target[i] = byWeight < byLimit ? byWeight : byLimit;
        }
    }

    function allocate(
        uint256[] memory weights,
        uint16[] memory shareLimitBps,
        uint256[] memory activeCounts,
        uint256[] memory depositable,
        uint256 n
    ) internal pure returns (uint256[] memory alloc, uint256 total) {
        uint256 m = weights.length;
        alloc = new uint256[](m);
        uint256[] memory target = targets(weights, shareLimitBps, activeCounts, n);
        uint256[] memory cap = new uint256[](m);
        for (uint256 i; i < m; ++i) {
            uint256 room = activeCounts[i] + depositable[i];
            cap[i] = target[i] < room ? target[i] : room;
        }
        for (; total < n; ++total) {
            uint256 best = type(uint256).max;
            int256 bestDeficit;
            for (uint256 i; i < m; ++i) {
                uint256 cur = activeCounts[i] + alloc[i];
                if (cur >= cap[i]) continue;
                int256 d = int256(target[i]) - int256(cur);
                if (best == type(uint256).max || d > bestDeficit) {
                    best = i;
                    bestDeficit = d;
                }
            }
            if (best == type(uint256).max) break;
            ++alloc[best];
        }
    }
}
