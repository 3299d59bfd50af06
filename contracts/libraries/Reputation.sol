// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BPS} from "./Constants.sol";

/// @title Reputation
/// @notice The per-report reputation update of a module (DESIGN §6 step 8).
library Reputation {
    /// @notice rep' = ⌊(rep·(BPS−λ) + perf·λ)/BPS⌋, then ⌊rep'·(BPS−penalty)/BPS⌋ once per slashed
    /// validator. Each step floors, so a module never keeps more reputation than it earned.
    /// @dev Requires lambdaBps ≤ BPS and slashPenaltyBps ≤ BPS. The penalty loop stops at 0, and
    /// with rep ≤ BPS it runs at most ~BPS times even for a huge `slashedCount`; the oracle's
    /// report bounds keep it far lower.
    /// @param rep Current reputation in bps.
    /// @param perfBps Performance in the frame (BPS = on par with the network).
    /// @param lambdaBps Weight of the new observation.
    /// @param slashedCount Validators of the module slashed in the frame.
    /// @param slashPenaltyBps Reputation lost per slashed validator.
    /// @return next The new reputation.
    function update(
        uint256 rep,
        uint256 perfBps,
        uint256 lambdaBps,
        uint256 slashedCount,
        uint256 slashPenaltyBps
    ) internal pure returns (uint256 next) {
        next = (rep * (BPS - lambdaBps) + perfBps * lambdaBps) / BPS;
        if (slashPenaltyBps == 0) return next;
        for (uint256 i; i < slashedCount && next > 0; ++i) {
            next = (next * (BPS - slashPenaltyBps)) / BPS;
        }
    }
}
