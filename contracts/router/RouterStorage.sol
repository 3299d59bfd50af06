// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {IDepositSecurity} from "../interfaces/IDepositSecurity.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";

/// @title RouterStorage
/// @notice The storage of StakingRouter, shared with RouterExtension (which runs by DELEGATECALL
/// on it): one ERC-7201 namespace.
abstract contract RouterStorage {
    /// @dev A module as stored: the public `IStakingRouter.Module` view, packed so that a report
    /// reads one slot per module for its checks and writes back that same slot (DESIGN §2
    /// "Layout v2", docs/gas.md "Reports"), plus the fee recipient's slot; the module's address
    /// is read only for its callback. Validator counts fit 32 bits (4·10⁹ validators, ~1,000×
    /// the network) and CL balances 96 bits of wei (7.9·10¹⁰ ETH, ~650× the supply); every
    /// narrowing write is checked.
    struct ModuleRecord {
        // slot 0: what a report checks and writes, and the allocation's per-module inputs
        uint32 deposited;
        uint32 clValidators;
        uint32 exited;
        uint96 clBalance;
        uint16 reputationBps;
        IStakingRouter.ModuleStatus status;
        bool snapshotsAtReport; // the module asked for `onExitedReported` at every report
        uint16 moduleFeeBps;
        uint16 stakeShareLimitBps;
        // slot 1: the report's fee recipient, the allocation's base weight
        address feeRecipient;
        uint64 baseWeight;
        // slot 2
        address module;
    }

    /// @custom:storage-location erc7201:cascade.storage.StakingRouter
    struct RouterStore {
        IDepositContract depositContract;
        IDepositSecurity depositSecurity;
        address withdrawalVault;
        address executionRewardsVault;
        uint16 collateralBoostBps;
        uint16 minReputationBps;
        ModuleRecord[] modules;
        mapping(address module => uint256 idPlusOne) moduleIds;
        mapping(bytes32 pubkeyHash => uint256 moduleIdPlusOne) pubkeyOwner;
        ICascadePool pool;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.StakingRouter")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x1d7422f1ab79353861a3f5d808f4944ef0879ec6e6a4c9afa8730aeb6cebc000;

    function _s() internal pure returns (RouterStore storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    function _module(uint256 moduleId) internal view returns (ModuleRecord storage) {
        ModuleRecord[] storage ms = _s().modules;
        require(moduleId < ms.length, IStakingRouter.UnknownModule(moduleId));
        return ms[moduleId];
    }
}
