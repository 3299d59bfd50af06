// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "../governance/CascadeUpgradeable.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {EXIT_MANAGER_ROLE_ID} from "../libraries/Constants.sol";

/// @title ModuleBase
/// @notice Operators and their keys, shared by the curated and the bonded module. The module
/// keeps per-operator key counts only: a key is one slot in the router's registry (under
/// `keccak256(pubkey)`, naming module, operator, index and committing to the signature); its
/// bytes are in `KeysAdded` and come back in calldata at deposit time, checked by the router
/// against that slot. What limits an operator's depositable keys (vetting, bond) is the
/// subclass's `_keyLimit`.
abstract contract ModuleBase is CascadeUpgradeable, IStakingModule {
    uint256 internal constant PUBKEY_LENGTH = 48;
    uint256 internal constant SIGNATURE_LENGTH = 96;
    /// @dev Bounds the operator loop of `depositPlan`/`onDeposit`.
    uint256 public constant MAX_OPERATORS = 256;
    /// @dev Bounds one upload so it stays under 8M gas: a key costs ~28k (one new slot, the
    /// router's registry entry, plus 144 B of calldata and of event data).
    uint256 public constant MAX_KEYS_PER_CALL = 250;
    /// @dev Exit requests outstanding at once per operator, each with its own deadline. With
    /// one report per frame and a deadline of a few frames, an operator that exits in time has
    /// at most a few; past that, a new part shares the newest deadline (earlier, never later).
    /// Three: the parts live in the operator's third slot beside `exitRequested` (64 bits each).
    uint256 public constant MAX_EXIT_TRANCHES = 3;
    /// @dev One outstanding part in `OperatorRecord.exitParts`: `upTo` in the low 24 bits (validators:
    /// 2^24 of them would hold more than every ether in existence), its deadline in the next 40.
    uint256 private constant PART_BITS = 64;
    uint256 private constant UP_TO_BITS = 24;

    /// @dev An operator in storage, three slots. Slot 0: manager ‖ active ‖ totalKeys ‖
    /// depositedKeys; slot 1: exitedKeys ‖ depositable ‖ rewardAddress (its top 32 bits unused:
    /// `exitRequested` was there before gas pass "exitpack"); slot 2, the exit word:
    /// exitRequested (bits 0–55) ‖ registered (bit 56) ‖ exitParts (bits 64–255). An exit request
    /// (a slash's, an ExitManager's) changes the requested count and the parts together, so it
    /// writes the exit word only (`_setParts`): one SSTORE where slot 1 was rewritten beside it.
    /// The oldest part's deadline, which this slot cached before, is read from the low part
    /// (`_oldestDeadline`). `getOperator` returns the `Operator` view, unchanged.
    struct OperatorRecord {
        address manager; // adds and removes keys, manages the bond
        bool active;
        uint32 totalKeys;
        uint32 depositedKeys;
        uint32 exitedKeys;
        uint32 depositable; // cached `_depositable(op)`, summed in `totalDepositable`
        address rewardAddress;
        // Validators asked to exit, cumulative (never lowered; ≤ depositedKeys, a uint32). 56
        // bits wide: it does not fit slot 1's last 32 bits, so it opens slot 2 and fills the
        // bits below `registered`, which keeps `registered` and `exitParts` where they were.
        uint56 exitRequested;
        // Set when the operator is added and kept by every write of this slot (`_setParts`):
        // the slot is never zero, so an exit request (a slash's, an ExitManager's) rewrites it
        // (5,000 gas) where it would fill a fresh slot (20,000) on the first request.
        bool registered;
        // The outstanding parts of the exit requests, oldest in the low bits, 64 bits each
        // (exited keys must reach `upTo` by `deadline`; an empty part is 0, a part's upTo ≥ 1).
        // In the slot of `exitRequested`: one slot, not three (a separate schedule's head ‖ len
        // and its first part).
        uint192 exitParts;
    }

    /// @notice An operator's record as `getOperator` returns it (the ABI before gas pass
    /// "exitpack"): `exitDeadline` is the oldest outstanding part's deadline (0: none).
    struct Operator {
        address manager;
        bool active;
        uint32 totalKeys;
        uint32 depositedKeys;
        uint32 exitedKeys;
        uint32 depositable;
        address rewardAddress;
        uint32 exitRequested;
        uint56 exitDeadline;
        bool registered;
        uint192 exitParts;
    }

    /// @custom:storage-location erc7201:cascade.storage.ModuleBase
    struct ModuleBaseStorage {
        uint64 keyNonce;
        uint32 operatorCount;
        uint32 cursor; // operator the next deposit plan starts from (rotation)
        uint64 totalDepositable;
        // Second slot: what `activeValidators` reads, and all `onExitedReported` reads.
        uint64 totalDeposited;
        uint64 totalExited;
        uint64 reportedExited; // module-level exited validators as the oracle reported them
        mapping(uint256 operatorId => OperatorRecord) operators;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ModuleBase")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x26e13468e3f5ab206c492c6efa3f2d4400de346ad6be0b2f4bfcb78b92f83500;

    /// @dev The StakingRouter, fixed in the implementation (an upgrade builds the new one with
    /// the same router): `onlyRouter` and the router calls read no storage.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address internal immutable ROUTER;

    /// @dev The ServiceRegistry, fixed the same way: it books executed slashes and bond locks
    /// with the module itself (no hop through the router), and `onlyRegistry` reads no storage.
    /// The registry refuses an opt-in through a module built for another registry.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address internal immutable REGISTRY;

    event OperatorAdded(
        uint256 indexed operatorId,
        address indexed manager,
        address rewardAddress,
        string name
    );
    event OperatorActiveChanged(uint256 indexed operatorId, bool active);
    event OperatorRewardAddressChanged(uint256 indexed operatorId, address rewardAddress);

    /// @param router_ the StakingRouter proxy
    /// @param registry_ the ServiceRegistry proxy
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router_, address registry_) {
        require(router_ != address(0) && registry_ != address(0), ZeroAddress());
        ROUTER = router_;
        REGISTRY = registry_;
    }

    function _base() internal pure returns (ModuleBaseStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    // Modifiers call private checks: a modifier's body is copied into every function that
    // uses it, and the modules must stay under 20 KiB at 1,000 optimizer runs.
    modifier onlyRouter() {
        _checkRouter();
        _;
    }

    /// @dev Executed slashes and bond locks come from the ServiceRegistry alone.
    modifier onlyRegistry() {
        _checkRegistry();
        _;
    }

    /// @dev Exit requests and exited counts come from the exit contract, which the router's
    /// admin names by granting it the router's EXIT_MANAGER_ROLE.
    modifier onlyExitManager() {
        _checkExitManager();
        _;
    }

    modifier onlyManager(uint256 operatorId) {
        _checkManager(operatorId);
        _;
    }

    function _checkRouter() private view {
        require(msg.sender == ROUTER, NotRouter(msg.sender));
    }

    function _checkRegistry() private view {
        require(msg.sender == REGISTRY, NotRegistry(msg.sender));
    }

    function _checkExitManager() private view {
        require(IAccessControl(ROUTER).hasRole(EXIT_MANAGER_ROLE_ID, msg.sender), NotExitManager(msg.sender));
    }

    function _checkManager(uint256 operatorId) private view {
        require(msg.sender == _operator(operatorId).manager, NotOperatorManager(operatorId, msg.sender));
    }

    // solhint-disable-next-line func-name-mixedcase
    function __ModuleBase_init(address admin) internal onlyInitializing {
        __Cascade_init(admin);
    }

    // ---------------------------------------------------------------- keys (operator)

    /// @notice Uploads keys for an operator. Only its manager.
    /// @param operatorId operator
    /// @param pubkeys concatenated 48-byte BLS pubkeys
    /// @param signatures concatenated 96-byte deposit signatures (checked off-chain by the SDK;
    /// the deposit contract does not check them, so a bad one only hurts this operator's bond)
    function addKeys(
        uint256 operatorId,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external virtual onlyManager(operatorId) {
        _addKeys(operatorId, pubkeys, signatures);
    }

    /// @notice Removes the operator's last undeposited keys. The caller supplies their bytes
    /// (from `KeysAdded`); the router checks each against its entry (this module, operator and
    /// index, that signature) and releases the pubkeys router-wide.
    /// @param operatorId operator
    /// @param pubkeys concatenated pubkeys of keys `[newTotal, totalKeys)`
    /// @param signatures their signatures
    function removeKeys(
        uint256 operatorId,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external onlyManager(operatorId) {
        ModuleBaseStorage storage $ = _base();
        OperatorRecord storage op = $.operators[operatorId];
        uint256 count = _checkKeyLengths(pubkeys, signatures);
        uint256 total = op.totalKeys;
        require(count <= total, RemoveDepositedKeys(operatorId, 0, op.depositedKeys));
        uint256 newTotal = total - count;
        require(newTotal >= op.depositedKeys, RemoveDepositedKeys(operatorId, newTotal, op.depositedKeys));
        op.totalKeys = SafeCast.toUint32(newTotal);
        _onKeysRemoved(operatorId, newTotal);
        // Keys leave only from the end: the depositable set changes only if the count does.
        _refresh(operatorId);
        emit KeysRemoved(operatorId, newTotal, count);
        IStakingRouter(ROUTER).releasePubkeys(operatorId, newTotal, pubkeys, signatures);
    }

    // ---------------------------------------------------------------- router

    /// @inheritdoc IStakingModule
    function onDeposit(uint256 count) external onlyRouter returns (uint256[] memory walk) {
        ModuleBaseStorage storage $ = _base();
        require(count <= $.totalDepositable, NotEnoughDepositableKeys(count, $.totalDepositable));
        uint256 n = $.operatorCount;
        uint256 id = $.cursor;
        uint256 done;
        uint256 runs;
        walk = new uint256[](n < count ? n : count);
        // Walk operators from the cursor, taking each one's depositable keys in index order:
        // the same walk as `depositPlan`, so the keeper knows which bytes to send. The router
        // checks the bytes of each key against its registry entry for (module, id, index).
        for (uint256 step; step < n && done < count; ++step) {
            OperatorRecord storage op = $.operators[id];
            uint256 take = op.depositable;
            if (take != 0) {
                if (take > count - done) take = count - done;
                uint256 first = op.depositedKeys;
                walk[runs++] = id | (first << 32) | (take << 64);
                op.depositedKeys = SafeCast.toUint32(first + take);
                op.depositable -= SafeCast.toUint32(take);
                done += take;
                emit KeysDeposited(id, first, take);
            }
            id = id + 1 == n ? 0 : id + 1;
        }
        assembly ("memory-safe") {
            mstore(walk, runs)
        }
        $.cursor = SafeCast.toUint32(id);
        $.totalDepositable -= SafeCast.toUint64(count);
        $.totalDeposited += SafeCast.toUint64(count);
        // Deposits change which keys come next, so attestations over the old nonce die.
        _bumpNonce();
    }

    /// @inheritdoc IStakingModule
    function updateExited(
        uint256[] calldata operatorIds,
        uint256[] calldata exited
    ) external onlyExitManager {
        ModuleBaseStorage storage $ = _base();
        require(operatorIds.length == exited.length, InvalidKeysLength(operatorIds.length, exited.length));
        for (uint256 i; i < operatorIds.length; ++i) {
            OperatorRecord storage op = _operator(operatorIds[i]);
            uint256 e = exited[i];
            require(e <= op.depositedKeys, ExitedAboveDeposited(operatorIds[i], e, op.depositedKeys));
            if (e > op.exitedKeys) {
                $.totalExited += SafeCast.toUint64(e - op.exitedKeys);
                op.exitedKeys = SafeCast.toUint32(e);
                _pruneExits(op);
                _refresh(operatorIds[i]);
                emit OperatorExitedUpdated(operatorIds[i], e);
            }
        }
    }

    /// @inheritdoc IStakingModule
    /// @dev None by default: the module-level exited count is all the callback records here.
    function snapshotsAtReport() external pure virtual returns (bool) {
        return false;
    }

    /// @inheritdoc IStakingModule
    function onExitedReported(uint256 exited) external onlyRouter {
        _onReport();
        ModuleBaseStorage storage $ = _base();
        if (exited > $.reportedExited) $.reportedExited = SafeCast.toUint64(exited);
    }

    /// @inheritdoc IStakingModule
    /// @dev The oracle repeats its request every frame, and a slash requests every active
    /// validator: a request only adds a part with its own deadline when it raises the target
    /// (`exitedKeys + count` above `exitRequested`), so no deadline ever moves later and an
    /// operator that ignores a request becomes overdue (DESIGN §6 step 9).
    function requestExits(uint256 operatorId, uint256 count, uint256 deadline) external onlyExitManager {
        _requestExits(operatorId, _operator(operatorId), count, deadline);
    }

    /// @inheritdoc IStakingModule
    /// @dev One registry call per executed slash: the bond (`_slashBond`, none without one), then
    /// every active validator asked to leave (the slash lands on the operator, DESIGN §8).
    function onSlash(
        uint256 operatorId,
        uint256 amount,
        uint256 unlock,
        uint256 deadline,
        address payTo
    ) external onlyRegistry returns (uint256 charged, uint256 active) {
        OperatorRecord storage op = _base().operators[operatorId];
        // Every operator has a manager (`_newOperator`; never zeroed): an unknown id has none.
        // Its slot is read below anyway, so this check reads no other (`_operator` would read
        // the module's totals for `operatorCount`).
        require(op.manager != address(0), UnknownOperator(operatorId));
        charged = _slashBond(operatorId, amount, unlock, payTo);
        uint256 operatorActive = op.depositedKeys - op.exitedKeys;
        if (operatorActive != 0) _requestExits(operatorId, op, operatorActive, deadline);
        // For the registry's reputation-penalty check: never above the router's count (deposited
        // less what reports said exited, which reaches `reportedExited` with every change).
        active = activeValidators();
    }

    function _requestExits(
        uint256 operatorId,
        OperatorRecord storage op,
        uint256 count,
        uint256 deadline
    ) private {
        uint256 exited = op.exitedKeys;
        (uint256 requested, uint256 stored) = _exitWord(op);
        // Parts the operator has exited are dropped (written below with whatever else changes).
        uint256 parts = _pruned(stored, exited);
        uint256 active = op.depositedKeys - exited;
        if (count > active) count = active;
        uint256 target = exited + count;
        if (target > requested) {
            requested = target; // ≤ depositedKeys, a uint32
            uint256 len = _partCount(parts);
            uint256 upTo = SafeCast.toUint24(target);
            uint256 shift = len * PART_BITS;
            // The newest part's deadline (0 when none): deadlines stay in request order (a
            // shorter exitDeadline cannot overtake).
            uint256 last = len == 0 ? 0 : uint40(parts >> (shift - PART_BITS + UP_TO_BITS));
            if (deadline < last) deadline = last;
            if (len != 0 && (deadline == last || len == MAX_EXIT_TRANCHES)) {
                // The newest part's upTo becomes the target (its deadline stays).
                shift -= PART_BITS;
                parts = (parts & ~(uint256(type(uint24).max) << shift)) | (upTo << shift);
                deadline = last;
            } else {
                parts |= (upTo | (uint256(SafeCast.toUint40(deadline)) << UP_TO_BITS)) << shift;
            }
        } else {
            // A repeat (or a smaller request): nothing new is due; report when the target falls due.
            deadline = _dueBy(parts, target);
        }
        // Parts exited are dropped and a new target recorded in one write of the exit word. A
        // raised target always changes the parts (the newest part's upTo becomes it), so
        // `parts != stored` covers a changed `requested` too.
        if (parts != stored) _setParts(op, requested, parts);
        emit ExitRequested(operatorId, count, deadline);
    }

    /// @dev Drops the parts the operator has exited; the oldest remaining part's deadline is
    /// the one `exitOverdue` checks.
    function _pruneExits(OperatorRecord storage op) private {
        (uint256 requested, uint256 stored) = _exitWord(op);
        uint256 parts = _pruned(stored, op.exitedKeys);
        if (parts != stored) _setParts(op, requested, parts);
    }

    /// @dev `parts` without those `exited` validators have reached (they are the oldest).
    function _pruned(uint256 parts, uint256 exited) private pure returns (uint256) {
        while (parts != 0 && uint24(parts) <= exited) parts >>= PART_BITS;
        return parts;
    }

    /// @dev The exit word read once: `exitRequested` (low 56 bits) and `exitParts` (from bit 64).
    function _exitWord(OperatorRecord storage op) private view returns (uint256 requested, uint256 parts) {
        assembly ("memory-safe") {
            let word := sload(add(op.slot, 2))
            requested := and(word, 0xffffffffffffff)
            parts := shr(64, word)
        }
    }

    /// @dev Writes `requested` (≤ depositedKeys, a uint32) and the outstanding parts (< 2^192: at
    /// most MAX_EXIT_TRANCHES of 64 bits) in one write: the operator's third slot is
    /// `exitRequested` (low 56 bits) ‖ `registered` (bit 56, kept set: 2^56) ‖ `exitParts` (from
    /// bit 64). The exit word's only writer after `_newOperator`.
    function _setParts(OperatorRecord storage op, uint256 requested, uint256 parts) private {
        assembly ("memory-safe") {
            sstore(add(op.slot, 2), or(or(requested, shl(64, parts)), 0x100000000000000))
        }
    }

    /// @dev The deadline of the oldest outstanding part, the low one (0: none outstanding): what
    /// `exitDeadline` cached before gas pass "exitpack".
    function _oldestDeadline(uint256 parts) private pure returns (uint256) {
        return uint40(parts >> UP_TO_BITS);
    }

    /// @dev Deadline of the first outstanding part that covers `target` (0: nothing outstanding).
    function _dueBy(uint256 parts, uint256 target) private pure returns (uint256) {
        for (; parts != 0; parts >>= PART_BITS) {
            if (uint24(parts) >= target) return uint40(parts >> UP_TO_BITS);
        }
        return 0;
    }

    /// @dev Outstanding parts in `parts` (they fill the low bits, none empty in between).
    function _partCount(uint256 parts) private pure returns (uint256 len) {
        for (; parts != 0; parts >>= PART_BITS) ++len;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IStakingModule
    function depositableKeys() external view returns (uint256) {
        return _base().totalDepositable;
    }

    /// @inheritdoc IStakingModule
    function keyNonce() external view returns (uint256) {
        return _base().keyNonce;
    }

    /// @inheritdoc IStakingModule
    function depositPlan(
        uint256 count
    )
        external
        view
        returns (uint256[] memory operatorIds, uint256[] memory firstIndexes, uint256[] memory counts)
    {
        ModuleBaseStorage storage $ = _base();
        uint256 n = $.operatorCount;
        operatorIds = new uint256[](n);
        firstIndexes = new uint256[](n);
        counts = new uint256[](n);
        uint256 runs;
        uint256 id = $.cursor;
        uint256 done;
        for (uint256 step; step < n && done < count; ++step) {
            OperatorRecord storage op = $.operators[id];
            uint256 take = op.depositable;
            if (take != 0) {
                if (take > count - done) take = count - done;
                operatorIds[runs] = id;
                firstIndexes[runs] = op.depositedKeys;
                counts[runs] = take;
                ++runs;
                done += take;
            }
            id = id + 1 == n ? 0 : id + 1;
        }
        assembly {
            mstore(operatorIds, runs)
            mstore(firstIndexes, runs)
            mstore(counts, runs)
        }
    }

    /// @notice An operator's record.
    /// @dev Built from the stored record: `exitDeadline` is the oldest outstanding part's.
    function getOperator(uint256 operatorId) external view returns (Operator memory) {
        OperatorRecord storage op = _operator(operatorId);
        Operator memory o;
        uint256 parts = op.exitParts;
        o.manager = op.manager;
        o.active = op.active;
        o.totalKeys = op.totalKeys;
        o.depositedKeys = op.depositedKeys;
        o.exitedKeys = op.exitedKeys;
        o.depositable = op.depositable;
        o.rewardAddress = op.rewardAddress;
        o.exitRequested = uint32(op.exitRequested);
        o.exitDeadline = uint56(_oldestDeadline(parts));
        o.registered = op.registered;
        o.exitParts = uint192(parts);
        return o;
    }

    /// @notice Number of operators ever added.
    function operatorCount() external view returns (uint256) {
        return _base().operatorCount;
    }

    /// @inheritdoc IStakingModule
    function operatorManager(uint256 operatorId) external view returns (address) {
        return _operator(operatorId).manager;
    }

    /// @inheritdoc IStakingModule
    function activeValidatorsOf(uint256 operatorId) external view returns (uint256) {
        OperatorRecord storage op = _operator(operatorId);
        return op.depositedKeys - op.exitedKeys;
    }

    /// @inheritdoc IStakingModule
    function depositedKeysOf(uint256 operatorId) external view returns (uint256) {
        return _operator(operatorId).depositedKeys;
    }

    /// @inheritdoc IStakingModule
    function exitRequestOf(uint256 operatorId) external view returns (uint256 requested, uint256 deadline) {
        OperatorRecord storage op = _operator(operatorId);
        return (op.exitRequested, _oldestDeadline(op.exitParts));
    }

    /// @inheritdoc IStakingModule
    function exitTranchesOf(
        uint256 operatorId
    ) external view returns (uint256[] memory upTo, uint256[] memory deadlines) {
        uint256 parts = _operator(operatorId).exitParts;
        uint256 len = _partCount(parts);
        upTo = new uint256[](len);
        deadlines = new uint256[](len);
        for (uint256 i; i < len; ++i) {
            upTo[i] = uint24(parts);
            deadlines[i] = uint40(parts >> UP_TO_BITS);
            parts >>= PART_BITS;
        }
    }

    /// @inheritdoc IStakingModule
    function exitOverdue(uint256 operatorId) external view returns (bool) {
        OperatorRecord storage op = _operator(operatorId);
        uint256 deadline = _oldestDeadline(op.exitParts);
        return deadline != 0 && block.timestamp > deadline && op.exitedKeys < op.exitRequested;
    }

    /// @inheritdoc IStakingModule
    function router() external view returns (address) {
        return ROUTER;
    }

    /// @inheritdoc IStakingModule
    function registry() external view returns (address) {
        return REGISTRY;
    }

    /// @notice Validators deposited and not exited.
    function activeValidators() public view returns (uint256) {
        ModuleBaseStorage storage $ = _base();
        // The oracle reports exits per module every frame; per-operator counts arrive later
        // (updateExited). Use whichever is further along so collateral coverage is per
        // validator actually still active.
        uint256 exited = $.reportedExited > $.totalExited ? $.reportedExited : $.totalExited;
        return $.totalDeposited - exited;
    }

    // ---------------------------------------------------------------- internal

    function _newOperator(
        address manager,
        address rewardAddress,
        string memory name
    ) internal returns (uint256 id) {
        ModuleBaseStorage storage $ = _base();
        require(manager != address(0) && rewardAddress != address(0), ZeroAddress());
        id = $.operatorCount;
        require(id < MAX_OPERATORS, TooManyOperators(MAX_OPERATORS));
        $.operatorCount = SafeCast.toUint32(id + 1);
        OperatorRecord storage op = $.operators[id];
        op.manager = manager;
        op.rewardAddress = rewardAddress;
        op.active = true;
        // The exit word's marker: one fresh slot here, once per operator, so no exit request
        // (the first, or the first after a full prune) ever fills one.
        assembly ("memory-safe") {
            sstore(add(op.slot, 2), 0x100000000000000) // `registered`: the slot is new (id unused)
        }
        emit OperatorAdded(id, manager, rewardAddress, name);
    }

    function _addKeys(uint256 operatorId, bytes calldata pubkeys, bytes calldata signatures) internal {
        ModuleBaseStorage storage $ = _base();
        OperatorRecord storage op = $.operators[operatorId];
        require(op.active, OperatorInactive(operatorId));
        uint256 count = _checkKeyLengths(pubkeys, signatures);
        require(count != 0, ZeroKeys());
        require(count <= MAX_KEYS_PER_CALL, TooManyKeys(count, MAX_KEYS_PER_CALL));
        uint256 first = op.totalKeys;
        op.totalKeys = SafeCast.toUint32(first + count);
        // Only an upload that is depositable at once changes the depositable set (and the
        // nonce): keys beyond the vetted limit or the bond do not invalidate attestations.
        _refresh(operatorId);
        emit KeysAdded(operatorId, first, pubkeys, signatures);
        // The keys' only storage, one slot each: reverts PubkeyAlreadyRegistered on a duplicate.
        IStakingRouter(ROUTER).registerPubkeys(operatorId, first, pubkeys, signatures);
    }

    /// @dev Recomputes an operator's depositable keys and the module total; bumps the key
    /// nonce when they changed.
    function _refresh(uint256 operatorId) internal returns (bool changed) {
        ModuleBaseStorage storage $ = _base();
        OperatorRecord storage op = $.operators[operatorId];
        uint256 limit = op.active ? _keyLimit(operatorId, op) : 0;
        if (limit > op.totalKeys) limit = op.totalKeys;
        uint256 fresh = limit > op.depositedKeys ? limit - op.depositedKeys : 0;
        uint256 old = op.depositable;
        if (fresh != old) {
            op.depositable = SafeCast.toUint32(fresh);
            $.totalDepositable = SafeCast.toUint64($.totalDepositable + fresh - old);
            _bumpNonce();
            changed = true;
        }
    }

    function _setOperatorActive(uint256 operatorId, bool active) internal {
        OperatorRecord storage op = _operator(operatorId);
        op.active = active;
        _refresh(operatorId);
        emit OperatorActiveChanged(operatorId, active);
    }

    function _bumpNonce() internal {
        ModuleBaseStorage storage $ = _base();
        uint256 nonce = $.keyNonce + 1;
        $.keyNonce = SafeCast.toUint64(nonce);
        emit KeyNonceChanged(nonce);
    }

    function _operator(uint256 operatorId) internal view returns (OperatorRecord storage op) {
        ModuleBaseStorage storage $ = _base();
        require(operatorId < $.operatorCount, UnknownOperator(operatorId));
        op = $.operators[operatorId];
    }

    function _checkKeyLengths(
        bytes calldata pubkeys,
        bytes calldata signatures
    ) internal pure returns (uint256 count) {
        count = pubkeys.length / PUBKEY_LENGTH;
        require(
            pubkeys.length % PUBKEY_LENGTH == 0 && signatures.length == count * SIGNATURE_LENGTH,
            InvalidKeysLength(pubkeys.length, signatures.length)
        );
    }

    /// @dev Hook after an operator's keys were cut to `newTotal` (state only, no calls).
    function _onKeysRemoved(uint256 operatorId, uint256 newTotal) internal virtual {}

    /// @dev A slash's bond step (`onSlash`, the operator checked): release `unlock` of the
    /// operator's locks, send up to `amount` of its free bond to `payTo` (the pool); returns the
    /// charge.
    function _slashBond(
        uint256 operatorId,
        uint256 amount,
        uint256 unlock,
        address payTo
    ) internal virtual returns (uint256);

    /// @dev Called by `onExitedReported` (before the report's bond charges): at every report when
    /// `snapshotsAtReport` is true, else only when the module's exited count changed.
    function _onReport() internal virtual {}

    /// @dev Keys `[0, limit)` of the operator may be deposited (exited ones included).
    function _keyLimit(uint256 operatorId, OperatorRecord storage op) internal view virtual returns (uint256);
}
