// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakingRouter} from "../../contracts/StakingRouter.sol";

/// @notice StakingRouter with a way to fund `buffered` before class deposits exist.
contract StakingRouter__Harness is StakingRouter {
    /// @notice Adds `msg.value` to the router's buffered ETH.
    function harnessAddBuffered() external payable {
        _s().buffered += msg.value;
    }
}
