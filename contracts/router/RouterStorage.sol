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
    /// @custom:storage-location erc7201:cascade.storage.StakingRouter
    struct RouterStore {
        IDepositContract depositContract;
        IDepositSecurity depositSecurity;
        address withdrawalVault;
        address executionRewardsVault;
        uint16 collateralBoostBps;
        uint16 minReputationBps;
        IStakingRouter.Module[] modules;
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

    function _module(uint256 moduleId) internal view returns (IStakingRouter.Module storage) {
        IStakingRouter.Module[] storage ms = _s().modules;
        require(moduleId < ms.length, IStakingRouter.UnknownModule(moduleId));
        return ms[moduleId];
    }
}
