// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingModule} from "./IStakingModule.sol";

/// @title ICuratedModule
/// @notice Governance-approved, reputation-secured operators: no bond; governance vets
/// how many of each operator's keys may be deposited.
interface ICuratedModule is IStakingModule {
    event VettedLimitSet(uint256 indexed operatorId, uint256 limit);

    /// @notice Adds an operator. OPERATOR_MANAGER_ROLE (governance).
    /// @param name human-readable name (event only)
    /// @param manager address that uploads and removes the operator's keys
    /// @param rewardAddress where the operator's rewards go
    /// @return operatorId new operator id
    function addOperator(
        string calldata name,
        address manager,
        address rewardAddress
    ) external returns (uint256 operatorId);

    /// @notice Sets how many of the operator's keys (from index 0) are vetted. OPERATOR_MANAGER_ROLE.
    /// Clamped to [deposited, uploaded]: only keys that exist can be vetted, and removing keys
    /// lowers the limit, so bytes uploaded later always need a new vote.
    function setVettedLimit(uint256 operatorId, uint256 limit) external;

    /// @notice Activates or deactivates an operator (inactive: no deposits, no uploads). OPERATOR_MANAGER_ROLE.
    function setOperatorActive(uint256 operatorId, bool active) external;

    /// @notice An operator's vetted key limit.
    function vettedLimit(uint256 operatorId) external view returns (uint256);
}
