// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EXIT_MANAGER_ROLE_ID} from "../libraries/Constants.sol";

/// @title RewardsVault
/// @notice Base of the WithdrawalVault (validators' withdrawal credentials) and the
/// ExecutionRewardsVault (fee recipient / MEV): receives ETH from anyone; it pays out only to the
/// pool, only when the pool asks, and the pool asks only during a report, for the router
/// (`ICascadePool.pullFromVaults`). Not upgradeable: it holds no state but its balance.
abstract contract RewardsVault {
    error NotPool(address caller);
    error ZeroRouter();
    error ZeroPool();
    error EthTransferFailed(uint256 amount);

    /// @notice ETH this vault paid into the pool.
    event Withdrawn(uint256 amount);
    /// @notice ETH received (skims, exited balances, priority fees, MEV).
    event Received(address indexed from, uint256 amount);

    /// @notice The StakingRouter: its roles gate the withdrawal vault's exit requests.
    address public immutable ROUTER;
    /// @notice The CascadePool: the only caller of `payPool` and the only payee, fixed at
    /// deployment so that no role anywhere can redirect the vault's ETH.
    address public immutable POOL;

    constructor(address router, address pool) {
        require(router != address(0), ZeroRouter());
        require(pool != address(0), ZeroPool());
        ROUTER = router;
        POOL = pool;
    }

    receive() external payable {
        emit Received(msg.sender, msg.value);
    }

    /// @notice Sends `amount` to the pool, which books it in the same call. Only the pool,
    /// while the router applies a report.
    /// @param amount wei to send (≤ balance)
    function payPool(uint256 amount) external {
        address pool = POOL;
        require(msg.sender == pool, NotPool(msg.sender));
        emit Withdrawn(amount);
        // The pool's receive() accepts ETH only from the vault it is pulling from, during the pull.
        (bool ok, ) = pool.call{value: amount}("");
        require(ok, EthTransferFailed(amount));
    }
}

/// @title IWithdrawalRequester
/// @notice What the exit contract asks of the WithdrawalVault to force validators out.
interface IWithdrawalRequester {
    /// @notice Sends one EIP-7002 full-exit request per pubkey; msg.value pays the fees.
    function requestFullExits(bytes calldata pubkeys) external payable;
}

/// @title WithdrawalVault
/// @notice Target of every Cascade validator's 0x01 withdrawal credentials, and therefore the
/// only address EIP-7002 accepts exit requests from for them.
contract WithdrawalVault is RewardsVault, IWithdrawalRequester {
    error RequestFailed(uint256 index);
    error NotExitManager(address caller);
    error FeeTooLow(uint256 sent, uint256 needed);

    /// @notice An EIP-7002 exit request sent for `pubkey` with `fee`.
    event ExitRequestSent(bytes pubkey, uint256 fee);

    uint256 private constant PUBKEY_LENGTH = 48;

    /// @notice The EIP-7002 withdrawal request contract (0x00000961Ef480Eb55e80D19ad83579A64c007002
    /// on mainnet; the devnet stand-in locally).
    address public immutable WITHDRAWAL_REQUESTS;

    constructor(address router, address pool, address withdrawalRequests) RewardsVault(router, pool) {
        require(withdrawalRequests != address(0), ZeroRouter());
        WITHDRAWAL_REQUESTS = withdrawalRequests;
    }

    /// @inheritdoc IWithdrawalRequester
    function requestFullExits(bytes calldata pubkeys) external payable {
        // Forced exits come from the router's exit contract (its EXIT_MANAGER_ROLE).
        require(IAccessControl(ROUTER).hasRole(EXIT_MANAGER_ROLE_ID, msg.sender), NotExitManager(msg.sender));
        uint256 n = pubkeys.length / PUBKEY_LENGTH;
        uint256 budget = msg.value;
        for (uint256 i; i < n; ++i) {
            // EIP-7002: an empty-calldata call returns the current fee.
            (bool okFee, bytes memory feeData) = WITHDRAWAL_REQUESTS.staticcall("");
            require(okFee && feeData.length == 32, RequestFailed(i));
            uint256 fee = abi.decode(feeData, (uint256));
            require(budget >= fee, FeeTooLow(budget, fee));
            budget -= fee;
            bytes calldata pk = pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH];
            emit ExitRequestSent(pk, fee);
            // Request = pubkey (48) ‖ amount (8 bytes, 0 = full exit).
            (bool ok, ) = WITHDRAWAL_REQUESTS.call{value: fee}(abi.encodePacked(pk, uint64(0)));
            require(ok, RequestFailed(i));
        }
        // Unused fee budget stays in the vault and is booked as withdrawn ETH by the next report.
    }
}

/// @title ExecutionRewardsVault
/// @notice Fee recipient of Cascade validators: priority fees and MEV.
contract ExecutionRewardsVault is RewardsVault {
    constructor(address router, address pool) RewardsVault(router, pool) {}
}
