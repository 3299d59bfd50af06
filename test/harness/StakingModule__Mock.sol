// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The module views the router's allocation reads, with settable values.
contract StakingModule__Mock {
    uint256 public depositableKeys;
    uint256 public collateralBps;
    uint256 public keyNonce;

    function set(uint256 depositable, uint256 collateral) external {
        depositableKeys = depositable;
        collateralBps = collateral;
    }
}
