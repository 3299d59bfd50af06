// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "./IAccounting.sol";

/// @title IExitManager
/// @notice Exits and forced exits (DESIGN §6 step 9): exit requests and exited counts from the
/// reports and slashes reach the modules through it, and anyone can force out, through EIP-7002
/// withdrawal requests, the validators of an operator that missed its exit deadline. The
/// module loses reputation in the router (which keeps reputation: it feeds allocation).
interface IExitManager {
    // ---------------------------------------------------------------- errors
    error ExitNotOverdue(uint256 moduleId, uint256 operatorId);
    error KeyNotDeposited(uint256 moduleId, uint256 operatorId, uint256 keyIndex);
    error KeyMismatch(uint256 moduleId, uint256 operatorId, uint256 keyIndex);
    error ExitAlreadyForced(bytes32 pubkeyHash);
    /// @dev `supplied` keys (or forced validators) against `expected` (or those requested).
    error KeysCountMismatch(uint256 moduleId, uint256 expected, uint256 supplied);

    // ---------------------------------------------------------------- events
    /// @notice `count` validators of the operator were forced out; `fee` paid the EIP-7002 requests.
    event ForcedExit(uint256 indexed moduleId, uint256 indexed operatorId, uint256 count, uint256 fee);

    // ---------------------------------------------------------------- accounting
    /// @notice Report step 9 in one call: every exit request (each part due by `deadline`), then
    /// every operator's cumulative exited count. ACCOUNTING_ROLE.
    function applyReportExits(
        IAccounting.ExitRequest[] calldata requests,
        IAccounting.OperatorExited[] calldata exited,
        uint256 deadline
    ) external;

    /// @notice Records an operator's cumulative exited validators in its module (frees the bond
    /// they backed). ACCOUNTING_ROLE.
    function updateOperatorExited(uint256 moduleId, uint256 operatorId, uint256 exited) external;

    // ---------------------------------------------------------------- anyone
    /// @notice Forces out validators of an operator that missed its exit deadline, through EIP-7002
    /// withdrawal requests sent by the WithdrawalVault (their withdrawal-credential address). Anyone;
    /// `msg.value` pays the request fees (what is left stays in the vault and is booked by the
    /// next report). Never more validators than were requested to exit, each key once; the module
    /// loses `FORCED_EXIT_PENALTY_BPS` of reputation once per missed deadline.
    /// @param keyIndexes indexes of deposited keys of the operator
    /// @param pubkeys their pubkeys, concatenated
    /// @param signatures their signatures (to check against the key commitments)
    function forceExit(
        uint256 moduleId,
        uint256 operatorId,
        uint256[] calldata keyIndexes,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable;

    // ---------------------------------------------------------------- views
    /// @notice The router whose modules this contract drives.
    function router() external view returns (address);

    /// @notice Whether the validator with this pubkey hash was forced out already.
    function isExitForced(bytes32 pubkeyHash) external view returns (bool);

    /// @notice Validators of the operator forced out so far.
    function forcedCountOf(uint256 moduleId, uint256 operatorId) external view returns (uint256);
}
