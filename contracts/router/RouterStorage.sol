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
        // Every key's only storage (StakingRouter's ENTRY_* layout): module, operator, index and
        // a signature commitment under the full pubkey hash.
        mapping(bytes32 pubkeyHash => uint256 entry) keyEntries;
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

    /// @dev A key's registry entry (`keyEntries[keccak256(pubkey)]`, its only storage): moduleId+1
    /// in bits 0–7 (MAX_MODULES = 32), operatorId in 8–39, keyIndex in 40–71 and, in 72–255, the
    /// top 184 bits of `keccak256(pubkey ‖ signature)` (docs/security.md "Key registry").
    uint256 internal constant ENTRY_OPERATOR_SHIFT = 8;
    uint256 internal constant ENTRY_INDEX_SHIFT = 40;
    uint256 private constant ENTRY_POSITION_MASK = (uint256(1) << 72) - 1;
    uint256 private constant KEY_PUBKEY_LENGTH = 48;
    uint256 private constant KEY_SIGNATURE_LENGTH = 96;

    /// @dev The `i`-th key's registry slot `h = keccak256(pubkey)` and the entry it must hold at
    /// `position` (`_position`), both hashed from one copy in scratch memory (a calldata slice
    /// would be copied to newly allocated memory on every key).
    function _entry(
        bytes calldata pubkeys,
        bytes calldata signatures,
        uint256 i,
        uint256 position
    ) internal pure returns (bytes32 h, uint256 entry) {
        uint256 c;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, add(pubkeys.offset, mul(i, KEY_PUBKEY_LENGTH)), KEY_PUBKEY_LENGTH)
            calldatacopy(
                add(ptr, KEY_PUBKEY_LENGTH),
                add(signatures.offset, mul(i, KEY_SIGNATURE_LENGTH)),
                KEY_SIGNATURE_LENGTH
            )
            h := keccak256(ptr, KEY_PUBKEY_LENGTH)
            c := keccak256(ptr, add(KEY_PUBKEY_LENGTH, KEY_SIGNATURE_LENGTH))
        }
        entry = (c & ~ENTRY_POSITION_MASK) | position;
    }

    /// @dev The low 72 bits of an entry: where the key sits. Fields < 2^8, 2^32, 2^32 (checked by
    /// the callers): a wider value would spill into the neighbouring field.
    function _position(
        uint256 idPlusOne,
        uint256 operatorId,
        uint256 keyIndex
    ) internal pure returns (uint256) {
        return idPlusOne | (operatorId << ENTRY_OPERATOR_SHIFT) | (keyIndex << ENTRY_INDEX_SHIFT);
    }

    function _module(uint256 moduleId) internal view returns (ModuleRecord storage) {
        ModuleRecord[] storage ms = _s().modules;
        require(moduleId < ms.length, IStakingRouter.UnknownModule(moduleId));
        return ms[moduleId];
    }
}
