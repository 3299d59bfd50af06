// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {IExitManager} from "./interfaces/IExitManager.sol";
import {IStakingModule} from "./interfaces/IStakingModule.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {IWithdrawalRequester} from "./vaults/RewardsVault.sol";

/// @title ExitManager
/// @notice Exits and forced exits (DESIGN §6 step 9), out of the router: it drives the
/// modules' exit schedules (they accept these calls from holders of the router's
/// EXIT_MANAGER_ROLE) and sends forced exits through the WithdrawalVault. It holds no ETH.
contract ExitManager is CascadeUpgradeable, IExitManager {
    bytes32 public constant ACCOUNTING_ROLE = keccak256("ACCOUNTING_ROLE");
    /// @dev Reputation a module loses when one of its operators is forced out (bps).
    uint256 public constant FORCED_EXIT_PENALTY_BPS = 1_000;

    uint256 private constant PUBKEY_LENGTH = 48;
    uint256 private constant SIGNATURE_LENGTH = 96;

    /// @custom:storage-location erc7201:cascade.storage.ExitManager
    struct ExitStorage {
        IStakingRouter router;
        mapping(bytes32 pubkeyHash => bool) exitForced;
        mapping(uint256 moduleOperator => uint256 deadline) penalizedDeadline;
        mapping(uint256 moduleOperator => uint256 count) forcedCount;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ExitManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0xc4b7f8a37855998fe5329f642c7ab604d42a2eea8dfbc83646ac9d0c504e9b00;

    function _s() private pure returns (ExitStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param router_ the StakingRouter (module registry, reputation, withdrawal credentials)
    function initialize(address admin, address router_) external initializer {
        __Cascade_init(admin);
        require(router_ != address(0), ZeroAddress());
        _s().router = IStakingRouter(router_);
    }

    // ---------------------------------------------------------------- accounting

    /// @inheritdoc IExitManager
    function applyReportExits(
        IAccounting.ExitRequest[] calldata requests,
        IAccounting.OperatorExited[] calldata exited,
        uint256 deadline
    ) external onlyRole(ACCOUNTING_ROLE) {
        for (uint256 i; i < requests.length; ++i) {
            IAccounting.ExitRequest calldata e = requests[i];
            _moduleOf(e.moduleId).requestExits(e.operatorId, e.count, deadline);
        }
        for (uint256 i; i < exited.length; ++i) {
            IAccounting.OperatorExited calldata x = exited[i];
            _updateExited(x.moduleId, x.operatorId, x.exited);
        }
    }

    /// @inheritdoc IExitManager
    function updateOperatorExited(
        uint256 moduleId,
        uint256 operatorId,
        uint256 exited
    ) external onlyRole(ACCOUNTING_ROLE) {
        _updateExited(moduleId, operatorId, exited);
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc IExitManager
    function forceExit(
        uint256 moduleId,
        uint256 operatorId,
        uint256[] calldata keyIndexes,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable {
        IStakingModule module = _moduleOf(moduleId);
        require(module.exitOverdue(operatorId), ExitNotOverdue(moduleId, operatorId));
        uint256 n = keyIndexes.length;
        require(
            n != 0 && pubkeys.length == n * PUBKEY_LENGTH && signatures.length == n * SIGNATURE_LENGTH,
            KeysCountMismatch(moduleId, n, pubkeys.length / PUBKEY_LENGTH)
        );
        uint256 deposited = module.depositedKeysOf(operatorId);
        for (uint256 i; i < n; ++i) {
            require(keyIndexes[i] < deposited, KeyNotDeposited(moduleId, operatorId, keyIndexes[i]));
            _markForced(
                moduleId,
                operatorId,
                keyIndexes[i],
                pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH],
                signatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH]
            );
        }
        bool penalize = _boundForced(module, moduleId, operatorId, n);
        emit ForcedExit(moduleId, operatorId, n, msg.value);
        IStakingRouter r = _s().router;
        if (penalize) r.penalizeReputation(moduleId, FORCED_EXIT_PENALTY_BPS);
        // The validators' withdrawal-credential address is the only sender EIP-7002 accepts.
        address vault = address(uint160(uint256(r.withdrawalCredentials())));
        IWithdrawalRequester(vault).requestFullExits{value: msg.value}(pubkeys);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IExitManager
    function router() external view returns (address) {
        return address(_s().router);
    }

    /// @inheritdoc IExitManager
    function isExitForced(bytes32 pubkeyHash) external view returns (bool) {
        return _s().exitForced[pubkeyHash];
    }

    /// @inheritdoc IExitManager
    function forcedCountOf(uint256 moduleId, uint256 operatorId) external view returns (uint256) {
        return _s().forcedCount[_opKey(moduleId, operatorId)];
    }

    // ---------------------------------------------------------------- internal

    /// @dev The module contract of `moduleId` (the router reverts UnknownModule). Not cached:
    /// a cache slot costs a 22.1k first write, more than the router read it saves (measured on
    /// execute_slash).
    function _moduleOf(uint256 moduleId) private view returns (IStakingModule) {
        (address module, ) = _s().router.moduleAndStake(moduleId); // reverts UnknownModule
        return IStakingModule(module);
    }

    function _updateExited(uint256 moduleId, uint256 operatorId, uint256 exited) private {
        uint256[] memory ids = new uint256[](1);
        uint256[] memory counts = new uint256[](1);
        ids[0] = operatorId;
        counts[0] = exited;
        _moduleOf(moduleId).updateExited(ids, counts);
    }

    function _opKey(uint256 moduleId, uint256 operatorId) private pure returns (uint256) {
        return (moduleId << 128) | operatorId;
    }

    /// @dev Never more validators forced than were ever requested to exit; one reputation
    /// penalty per missed deadline, however many calls force it (returns whether this call
    /// owes it).
    function _boundForced(
        IStakingModule module,
        uint256 moduleId,
        uint256 operatorId,
        uint256 n
    ) private returns (bool penalize) {
        ExitStorage storage $ = _s();
        (uint256 requested, uint256 deadline) = module.exitRequestOf(operatorId);
        uint256 opKey = _opKey(moduleId, operatorId);
        uint256 forced = $.forcedCount[opKey] + n;
        require(forced <= requested, KeysCountMismatch(moduleId, requested, forced));
        $.forcedCount[opKey] = forced;
        if ($.penalizedDeadline[opKey] != deadline) {
            $.penalizedDeadline[opKey] = deadline;
            penalize = true;
        }
    }

    /// @dev The key is the operator's (the router's registry entry) and is forced out once only, so
    /// repeated calls cannot grief the module.
    function _markForced(
        uint256 moduleId,
        uint256 operatorId,
        uint256 idx,
        bytes calldata pubkey,
        bytes calldata signature
    ) private {
        // The router's registry entry of the pubkey must name this module, operator and index
        // and commit to this signature (a key of another operator cannot be forced out here).
        require(
            _s().router.isKeyAt(moduleId, operatorId, idx, pubkey, signature),
            KeyMismatch(moduleId, operatorId, idx)
        );
        bytes32 h = keccak256(pubkey);
        ExitStorage storage $ = _s();
        require(!$.exitForced[h], ExitAlreadyForced(h));
        $.exitForced[h] = true;
    }
}
