// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakingRouter} from "../../contracts/StakingRouter.sol";

/// @notice StakingRouter with a way to fund `buffered` before class deposits exist, and to
/// seed a module's active validator count for allocation tests.
contract StakingRouter__Harness is StakingRouter {
    /// @notice Adds `msg.value` to the router's buffered ETH.
    function harnessAddBuffered() external payable {
        _s().buffered += msg.value;
    }

    /// @notice Sets a module's deposited validators (allocation counts `deposited - exited`).
    function harnessSetDeposited(uint256 moduleId, uint64 deposited) external {
        _s().modules[moduleId].deposited = deposited;
    }
}
