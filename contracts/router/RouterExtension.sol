// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "../governance/CascadeUpgradeable.sol";
import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {IDepositSecurity} from "../interfaces/IDepositSecurity.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {BPS, MAX_FEE_BPS, MAX_MODULES} from "../libraries/Constants.sol";
import {RouterStorage} from "./RouterStorage.sol";

/// @title RouterExtension
/// @notice StakingRouter's cold paths, run only by DELEGATECALL from the router proxy on its
/// storage (the router checks the caller's role before forwarding): initialization, the vault
/// and pool links, module registration, parameters and status, and the allocation parameters.
/// Key registration and removal run here too (once per upload, not per key). The hot paths
/// (allocation, beacon deposits and their key checks, the report's module step, bonds) stay in
/// the router.
/// @dev Called directly (on its own, empty storage) every function reverts `NotDelegated`.
contract RouterExtension is RouterStorage {
    error NotDelegated();

    address private immutable SELF = address(this);

    modifier onlyDelegated() {
        require(address(this) != SELF, NotDelegated());
        _;
    }

    /// @notice See StakingRouter.initialize: the router's part past the roles (run inside its
    /// `initializer`).
    function initialize(
        address,
        address depositContract_,
        address depositSecurity_,
        uint256 collateralBoostBps_,
        uint256 minReputationBps_
    ) external onlyDelegated {
        require(
            depositContract_ != address(0) && depositSecurity_ != address(0),
            CascadeUpgradeable.ZeroAddress()
        );
        RouterStore storage $ = _s();
        $.depositContract = IDepositContract(depositContract_);
        $.depositSecurity = IDepositSecurity(depositSecurity_);
        _setAllocationParams(collateralBoostBps_, minReputationBps_);
    }

    // ---------------------------------------------------------------- links (DEFAULT_ADMIN_ROLE)

    /// @notice See StakingRouter.setVaults.
    function setVaults(address withdrawalVault_, address executionRewardsVault_) external onlyDelegated {
        RouterStore storage $ = _s();
        require($.withdrawalVault == address(0), IStakingRouter.VaultsAlreadySet());
        require(
            withdrawalVault_ != address(0) && executionRewardsVault_ != address(0),
            CascadeUpgradeable.ZeroAddress()
        );
        $.withdrawalVault = withdrawalVault_;
        $.executionRewardsVault = executionRewardsVault_;
        emit IStakingRouter.VaultsSet(withdrawalVault_, executionRewardsVault_);
    }

    /// @notice See IStakingRouter.setPool.
    function setPool(address pool_) external onlyDelegated {
        RouterStore storage $ = _s();
        require(address($.pool) == address(0), IStakingRouter.VaultsAlreadySet());
        require(pool_ != address(0), CascadeUpgradeable.ZeroAddress());
        $.pool = ICascadePool(pool_);
        emit IStakingRouter.PoolSet(pool_);
    }

    // ---------------------------------------------------------------- keys (registered modules)

    /// @notice See IStakingRouter.registerPubkeys: one fresh slot per key.
    function registerPubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external onlyDelegated {
        (uint256 position, uint256 count) = _keyRun(operatorId, firstIndex, pubkeys);
        mapping(bytes32 => uint256) storage registry = _s().keyEntries;
        for (uint256 i; i < count; ++i) {
            (bytes32 h, uint256 entry) = _entry(pubkeys, signatures, i, position);
            require(registry[h] == 0, IStakingRouter.PubkeyAlreadyRegistered(h));
            registry[h] = entry;
            position += 1 << ENTRY_INDEX_SHIFT;
        }
    }

    /// @notice See IStakingRouter.releasePubkeys: each entry must name exactly the calling
    /// module, the operator and the key's index, with this signature.
    function releasePubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external onlyDelegated {
        (uint256 position, uint256 count) = _keyRun(operatorId, firstIndex, pubkeys);
        mapping(bytes32 => uint256) storage registry = _s().keyEntries;
        for (uint256 i; i < count; ++i) {
            (bytes32 h, uint256 entry) = _entry(pubkeys, signatures, i, position);
            require(
                registry[h] == entry,
                IStakingRouter.KeyMismatch(
                    uint8(position) - 1,
                    operatorId,
                    uint32(position >> ENTRY_INDEX_SHIFT)
                )
            );
            delete registry[h];
            position += 1 << ENTRY_INDEX_SHIFT;
        }
    }

    /// @dev The calling module's first key position and the number of keys (the module checked
    /// the byte lengths). The 32-bit fields are checked: a wider value would spill into the
    /// neighbouring field of the entry.
    function _keyRun(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys
    ) private view returns (uint256 position, uint256 count) {
        uint256 owner = _s().moduleIds[msg.sender];
        require(owner != 0, IStakingRouter.NotModule(msg.sender));
        count = pubkeys.length / 48;
        position = _position(
            owner,
            SafeCast.toUint32(operatorId),
            SafeCast.toUint32(firstIndex + count) - count
        );
    }

    // ---------------------------------------------------------------- modules (MODULE_MANAGER_ROLE)

    /// @notice See IStakingRouter.addModule.
    function addModule(
        address module,
        IStakingRouter.ModuleParams calldata params,
        uint256 reputationBps
    ) external onlyDelegated returns (uint256 moduleId) {
        RouterStore storage $ = _s();
        require(module != address(0), CascadeUpgradeable.ZeroAddress());
        require($.moduleIds[module] == 0, IStakingRouter.ModuleAlreadyAdded(module));
        address moduleRouter = IStakingModule(module).router();
        require(moduleRouter == address(this), IStakingRouter.ModuleRouterMismatch(module, moduleRouter));
        moduleId = $.modules.length;
        require(moduleId < MAX_MODULES, IStakingRouter.TooManyModules(MAX_MODULES));
        require(reputationBps <= BPS, IStakingRouter.InvalidReputation(reputationBps));
        _checkParams(params);
        ModuleRecord storage m = $.modules.push();
        m.module = module;
        m.status = IStakingRouter.ModuleStatus.Active;
        m.reputationBps = SafeCast.toUint16(reputationBps);
        // Asked once: a module whose state must be snapshotted at every report (the bonded
        // module's κ bond) gets `onExitedReported` each report, the others only when their
        // exited count changes (what the callback records for them).
        m.snapshotsAtReport = IStakingModule(module).snapshotsAtReport();
        _writeParams(m, params);
        $.moduleIds[module] = moduleId + 1;
        emit IStakingRouter.ModuleAdded(moduleId, module, params, reputationBps);
    }

    /// @notice See IStakingRouter.updateModule.
    function updateModule(
        uint256 moduleId,
        IStakingRouter.ModuleParams calldata params
    ) external onlyDelegated {
        ModuleRecord storage m = _module(moduleId);
        _checkParams(params);
        _writeParams(m, params);
        emit IStakingRouter.ModuleParamsUpdated(moduleId, params);
    }

    /// @notice See IStakingRouter.setModuleStatus (the router checks who may set which status).
    function setModuleStatus(uint256 moduleId, IStakingRouter.ModuleStatus status) external onlyDelegated {
        ModuleRecord storage m = _module(moduleId);
        require(status != IStakingRouter.ModuleStatus.None, IStakingRouter.InvalidStatus(status));
        require(m.status != IStakingRouter.ModuleStatus.Stopped, IStakingRouter.ModuleStopped(moduleId));
        m.status = status;
        emit IStakingRouter.ModuleStatusChanged(moduleId, status);
    }

    /// @notice See IStakingRouter.setAllocationParams.
    function setAllocationParams(
        uint256 collateralBoostBps_,
        uint256 minReputationBps_
    ) external onlyDelegated {
        _setAllocationParams(collateralBoostBps_, minReputationBps_);
    }

    // ---------------------------------------------------------------- internal

    function _checkParams(IStakingRouter.ModuleParams calldata p) private pure {
        require(p.baseWeight != 0, IStakingRouter.ZeroWeight());
        require(p.stakeShareLimitBps <= BPS, IStakingRouter.BpsTooHigh(p.stakeShareLimitBps));
        require(p.moduleFeeBps <= MAX_FEE_BPS, IStakingRouter.BpsTooHigh(p.moduleFeeBps));
        require(p.feeRecipient != address(0), CascadeUpgradeable.ZeroAddress());
    }

    function _writeParams(ModuleRecord storage m, IStakingRouter.ModuleParams calldata p) private {
        m.baseWeight = p.baseWeight;
        m.stakeShareLimitBps = p.stakeShareLimitBps;
        m.moduleFeeBps = p.moduleFeeBps;
        m.feeRecipient = p.feeRecipient;
    }

    function _setAllocationParams(uint256 boostBps, uint256 minRepBps) private {
        require(boostBps <= BPS, IStakingRouter.BpsTooHigh(boostBps));
        require(minRepBps <= BPS, IStakingRouter.BpsTooHigh(minRepBps));
        RouterStore storage $ = _s();
        $.collateralBoostBps = SafeCast.toUint16(boostBps);
        $.minReputationBps = SafeCast.toUint16(minRepBps);
        emit IStakingRouter.AllocationParamsUpdated(boostBps, minRepBps);
    }
}
