// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RewardsVault
/// @notice Base of the WithdrawalVault (validators' withdrawal credentials) and the
/// ExecutionRewardsVault (fee recipient / MEV): receives ETH from anyone; only the router
/// pulls it, during a report. Not upgradeable: it holds no state but its balance.
abstract contract RewardsVault {
    error NotRouter(address caller);
    error ZeroRouter();
    error EthTransferFailed(uint256 amount);

    /// @notice ETH the router pulled from this vault.
    event Withdrawn(uint256 amount);
    /// @notice ETH received (skims, exited balances, priority fees, MEV).
    event Received(address indexed from, uint256 amount);

    address public immutable ROUTER;

    constructor(address router) {
        require(router != address(0), ZeroRouter());
        ROUTER = router;
    }

    receive() external payable {
        emit Received(msg.sender, msg.value);
    }

    /// @notice Sends `amount` to the router. Only the router, while applying a report.
    /// @param amount wei to send (≤ balance)
    function withdrawToRouter(uint256 amount) external {
        require(msg.sender == ROUTER, NotRouter(msg.sender));
        emit Withdrawn(amount);
        // The router's receive() accepts vault ETH without bookkeeping; the report books it.
        (bool ok, ) = ROUTER.call{value: amount}("");
        require(ok, EthTransferFailed(amount));
    }
}

/// @title WithdrawalVault
/// @notice Target of every Cascade validator's 0x01 withdrawal credentials.
contract WithdrawalVault is RewardsVault {
    constructor(address router) RewardsVault(router) {}
}

/// @title ExecutionRewardsVault
/// @notice Fee recipient of Cascade validators: priority fees and MEV.
contract ExecutionRewardsVault is RewardsVault {
    constructor(address router) RewardsVault(router) {}
}
