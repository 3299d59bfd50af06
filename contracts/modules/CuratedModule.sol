// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICuratedModule} from "../interfaces/ICuratedModule.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title CuratedModule
/// @notice Reputation-secured operators chosen by governance. No collateral: a loss of a
/// curated operator goes straight to the class waterfall, and the module's reputation
/// (and so its allocation) pays for it.
contract CuratedModule is ModuleBase, ICuratedModule {
    bytes32 public constant OPERATOR_MANAGER_ROLE = keccak256("OPERATOR_MANAGER_ROLE");

    /// @custom:storage-location erc7201:cascade.storage.CuratedModule
    struct CuratedStorage {
        mapping(uint256 operatorId => uint256) vettedLimit;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.CuratedModule")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x8ddb91154e0099c8903ad29e10abc704e52abebc7f61ae8bc9ae125e8b409700;

    function _curated() private pure returns (CuratedStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @param router_ the StakingRouter proxy (fixed in the implementation)
    /// @param registry_ the ServiceRegistry proxy (fixed in the implementation)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router_, address registry_) ModuleBase(router_, registry_) {}

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param operatorManager OPERATOR_MANAGER_ROLE holder
    function initialize(address admin, address operatorManager) external initializer {
        __ModuleBase_init(admin);
        _grantRole(OPERATOR_MANAGER_ROLE, operatorManager);
    }

    /// @inheritdoc ICuratedModule
    function addOperator(
        string calldata name,
        address manager,
        address rewardAddress
    ) external onlyRole(OPERATOR_MANAGER_ROLE) returns (uint256 operatorId) {
        operatorId = _newOperator(manager, rewardAddress, name);
    }

    /// @inheritdoc ICuratedModule
    function setVettedLimit(uint256 operatorId, uint256 limit) external onlyRole(OPERATOR_MANAGER_ROLE) {
        OperatorRecord storage op = _operator(operatorId);
        // Vetting below what was deposited would make deposited keys "unvetted": clamp instead.
        if (limit < op.depositedKeys) limit = op.depositedKeys;
        // Vetting approves keys governance has seen: keys uploaded later need a new vote.
        if (limit > op.totalKeys) limit = op.totalKeys;
        _curated().vettedLimit[operatorId] = limit;
        _refresh(operatorId);
        emit VettedLimitSet(operatorId, limit);
    }

    /// @inheritdoc ICuratedModule
    function setOperatorActive(uint256 operatorId, bool active) external onlyRole(OPERATOR_MANAGER_ROLE) {
        _setOperatorActive(operatorId, active);
    }

    /// @inheritdoc IStakingModule
    function chargeBond(uint256 operatorId, uint256) external view onlyRouter returns (uint256 charged) {
        _operator(operatorId);
        return 0; // curated operators post no collateral
    }

    /// @inheritdoc IStakingModule
    function lockBond(uint256 operatorId, uint256) external view onlyRegistry returns (uint256) {
        _operator(operatorId); // no collateral to lock
        return 0;
    }

    /// @inheritdoc IStakingModule
    function unlockBond(uint256 operatorId, uint256) external view onlyRegistry {
        _operator(operatorId);
    }

    /// @dev Curated operators post no collateral: a slash takes nothing from them.
    function _slashBond(uint256, uint256, uint256, address) internal pure override returns (uint256) {
        return 0;
    }

    /// @inheritdoc IStakingModule
    function collateralBps() external pure returns (uint256) {
        return 0;
    }

    /// @inheritdoc ICuratedModule
    function vettedLimit(uint256 operatorId) external view returns (uint256) {
        return _curated().vettedLimit[operatorId];
    }

    /// @dev Removed keys lose their vetting: other bytes uploaded at those indexes are unseen.
    function _onKeysRemoved(uint256 operatorId, uint256 newTotal) internal override {
        CuratedStorage storage $ = _curated();
        if ($.vettedLimit[operatorId] > newTotal) {
            $.vettedLimit[operatorId] = newTotal;
            emit VettedLimitSet(operatorId, newTotal);
        }
    }

    function _keyLimit(uint256 operatorId, OperatorRecord storage) internal view override returns (uint256) {
        return _curated().vettedLimit[operatorId];
    }
}
