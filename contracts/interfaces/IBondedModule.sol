// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingModule} from "./IStakingModule.sol";

/// @title IBondedModule
/// @notice Permissionless operators who post an ETH bond per validator. The bond covers the
/// operator's own losses before any class does.
interface IBondedModule is IStakingModule {
    /// @notice Bond for `n ≥ 1` keys: `first + (n − 1) · next`.
    struct BondCurve {
        uint128 first;
        uint128 next;
    }

    error InsufficientBond(uint256 required, uint256 provided);
    error BondLocked(uint256 operatorId, uint256 requested, uint256 withdrawable);
    error InvalidCurve(uint256 first, uint256 next);
    error ZeroAmount();
    error EthTransferFailed(address to, uint256 amount);

    event BondDeposited(uint256 indexed operatorId, address indexed from, uint256 amount, uint256 bond);
    event BondWithdrawn(uint256 indexed operatorId, address indexed to, uint256 amount, uint256 bond);
    event BondLockChanged(uint256 indexed operatorId, uint256 locked);
    event BondCharged(uint256 indexed operatorId, uint256 requested, uint256 charged, uint256 bond);
    /// @notice A slash's bond step: its lock released (`locked` is what stays locked), then
    /// `charged` of the `requested` taken from the free bond; `bond` is what is left.
    event BondSlashed(
        uint256 indexed operatorId,
        uint256 requested,
        uint256 charged,
        uint256 bond,
        uint256 locked
    );
    event BondCurvesSet(BondCurve standard, BondCurve proven);
    event OperatorProvenSet(uint256 indexed operatorId, bool proven);
    /// @notice The bond that counts for κ changed (snapshot at a report, or lowered by a
    /// withdrawal or charge).
    event KappaBondChanged(uint256 kappaBond);

    /// @notice Registers an operator with a bond (msg.value) and optional first keys. Anyone.
    /// @param name human-readable name (event only)
    /// @param rewardAddress where the operator's rewards and withdrawn bond go by default
    /// @param pubkeys concatenated 48-byte pubkeys (may be empty)
    /// @param signatures concatenated 96-byte signatures
    /// @return operatorId the new operator id; the caller becomes its manager
    function registerOperator(
        string calldata name,
        address rewardAddress,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable returns (uint256 operatorId);

    /// @notice Adds bond for an operator (anyone may top up).
    function topUpBond(uint256 operatorId) external payable;

    /// @notice Withdraws unlocked bond above what the operator's active validators require. Manager only.
    /// @param operatorId operator
    /// @param amount wei
    /// @param to receiver
    function withdrawBond(uint256 operatorId, uint256 amount, address to) external;

    /// @notice Sets the standard and the proven-reputation bond curves. CURVE_MANAGER_ROLE.
    function setBondCurves(BondCurve calldata standard, BondCurve calldata proven) external;

    /// @notice Marks an operator's reputation as proven (lower curve). REPUTATION_MANAGER_ROLE.
    function setOperatorProven(uint256 operatorId, bool proven) external;

    /// @notice Bond required for `keys` keys of this operator under its curve.
    function bondRequired(uint256 operatorId, uint256 keys) external view returns (uint256);

    /// @notice Bond withdrawable now.
    function withdrawableBond(uint256 operatorId) external view returns (uint256);

    /// @notice Bond held and locked for an operator.
    function bondOf(uint256 operatorId) external view returns (uint256 bond, uint256 locked);

    /// @notice Total bond that counts for κ (DESIGN §7): the module's total bond at the last
    /// report, lowered at once by withdrawals and charges, never raised between reports, so a
    /// top-up (flash-loaned or not) moves the allocation only from the next report on.
    function kappaBond() external view returns (uint256);
}
