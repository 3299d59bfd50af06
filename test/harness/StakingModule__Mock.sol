// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The module views the router's allocation reads, with settable values; `broken`
/// makes every view revert (a module upgraded to a bad implementation).
contract StakingModule__Mock {
    error Broken();

    uint256 private _depositable;
    uint256 private _collateral;
    bool public broken;

    function set(uint256 depositable, uint256 collateral) external {
        _depositable = depositable;
        _collateral = collateral;
    }

    function setBroken(bool b) external {
        broken = b;
    }

    function depositableKeys() external view returns (uint256) {
        require(!broken, Broken());
        return _depositable;
    }

    function collateralBps() external view returns (uint256) {
        require(!broken, Broken());
        return _collateral;
    }

    /// @dev Answers with the caller, so whichever router registers it sees itself.
    function router() external view returns (address) {
        return msg.sender;
    }

    /// @dev Registration asks it: the router calls `onExitedReported` on exited changes only.
    function snapshotsAtReport() external pure returns (bool) {
        return false;
    }

    function keyNonce() external view returns (uint256) {
        require(!broken, Broken());
        return 0;
    }
}
