// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IBondedModule} from "../interfaces/IBondedModule.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {BPS, DEPOSIT_SIZE} from "../libraries/Constants.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title BondedModule
/// @notice Permissionless operators securing their validators with an ETH bond. A key is
/// depositable only while the bond (less locks) covers it under the operator's curve; the
/// bond is charged first for the operator's losses and for service slashes.
contract BondedModule is ModuleBase, IBondedModule {
    bytes32 public constant CURVE_MANAGER_ROLE = keccak256("CURVE_MANAGER_ROLE");
    bytes32 public constant REPUTATION_MANAGER_ROLE = keccak256("REPUTATION_MANAGER_ROLE");

    struct Bond {
        uint128 amount;
        uint128 locked;
    }

    /// @custom:storage-location erc7201:cascade.storage.BondedModule
    struct BondedStorage {
        BondCurve standard;
        BondCurve proven;
        // One slot, read together at every report (κ's snapshot) and bond change. Each ≤ the
        // ETH the module holds (every deposit is checked into a uint128 operator bond).
        uint128 totalBond;
        // Total bond that counts for κ: the total at the last report, lowered at once by any
        // withdrawal or charge, never raised between reports (a flash top-up cannot inflate κ).
        uint128 kappaBond;
        mapping(uint256 operatorId => Bond) bonds;
        mapping(uint256 operatorId => bool) isProven;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.BondedModule")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0xa32fa79a18aad4ac9d8986acedbb7f7771ecfc4084cfc71192edef2b11120000;

    function _bonded() private pure returns (BondedStorage storage $) {
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
    /// @param standard default bond curve (e.g. 2.4 ETH, then 1.3 ETH per key)
    /// @param proven curve for operators with proven reputation
    function initialize(
        address admin,
        BondCurve calldata standard,
        BondCurve calldata proven
    ) external initializer {
        __ModuleBase_init(admin);
        _setCurves(standard, proven);
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc IBondedModule
    function registerOperator(
        string calldata name,
        address rewardAddress,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable returns (uint256 operatorId) {
        // A registration costs at least one first-key bond: operator slots are bounded
        // (MAX_OPERATORS), so they must not be free to fill.
        uint256 minBond = _bonded().standard.first;
        require(msg.value >= minBond, InsufficientBond(minBond, msg.value));
        operatorId = _newOperator(msg.sender, rewardAddress, name);
        _deposit(operatorId, msg.value);
        if (pubkeys.length != 0) {
            uint256 count = _checkKeyLengths(pubkeys, signatures);
            uint256 required = _required(operatorId, count);
            require(msg.value >= required, InsufficientBond(required, msg.value));
            _addKeys(operatorId, pubkeys, signatures);
        }
    }

    /// @inheritdoc ModuleBase
    /// @dev Bonded keys may be uploaded without bond; they become depositable once bonded.
    function addKeys(
        uint256 operatorId,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external override onlyManager(operatorId) {
        _addKeys(operatorId, pubkeys, signatures);
    }

    /// @notice Uploads keys and adds bond in one call. Manager only.
    /// @param operatorId operator
    /// @param pubkeys concatenated pubkeys
    /// @param signatures concatenated signatures
    function addKeysWithBond(
        uint256 operatorId,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable onlyManager(operatorId) {
        if (msg.value != 0) _deposit(operatorId, msg.value);
        _addKeys(operatorId, pubkeys, signatures);
    }

    /// @inheritdoc IBondedModule
    function topUpBond(uint256 operatorId) external payable {
        _operator(operatorId);
        require(msg.value != 0, ZeroAmount());
        _deposit(operatorId, msg.value);
        _refresh(operatorId);
    }

    /// @inheritdoc IBondedModule
    function withdrawBond(uint256 operatorId, uint256 amount, address to) external onlyManager(operatorId) {
        require(amount != 0, ZeroAmount());
        require(to != address(0), ZeroAddress());
        uint256 free = withdrawableBond(operatorId);
        require(amount <= free, BondLocked(operatorId, amount, free));
        uint256 left = _takeBond(operatorId, amount);
        emit BondWithdrawn(operatorId, to, amount, left);
        // State is final before the call: a reentrant withdraw sees the reduced bond.
        (bool ok, ) = to.call{value: amount}("");
        require(ok, EthTransferFailed(to, amount));
    }

    // ---------------------------------------------------------------- router

    /// @inheritdoc IStakingModule
    function chargeBond(uint256 operatorId, uint256 amount) external onlyRouter returns (uint256 charged) {
        _operator(operatorId);
        charged = _charge(operatorId, amount);
        if (charged != 0) IStakingRouter(ROUTER).receiveBondCover{value: charged}();
    }

    /// @dev A slash's bond step (ModuleBase.onSlash): its released locks, then the free bond,
    /// sent straight to the pool (`payTo`, a plain value call: one transfer per slash), whose
    /// `settleSlash` books it only if exactly `charged` arrived from this module.
    function _slashBond(
        uint256 operatorId,
        uint256 amount,
        uint256 unlock,
        address payTo
    ) internal override returns (uint256 charged) {
        uint256 left;
        uint256 locked;
        (charged, left, locked) = _take(operatorId, amount, unlock);
        emit BondSlashed(operatorId, amount, charged, left, locked);
        if (charged == 0) return 0;
        // State is final before the call (the pool's `receive`).
        (bool ok, ) = payTo.call{value: charged}("");
        require(ok, EthTransferFailed(payTo, charged));
    }

    /// @dev Takes up to `amount` of the operator's free bond (the caller sends it on).
    function _charge(uint256 operatorId, uint256 amount) private returns (uint256 charged) {
        // Only free bond: locked bond is held for pending service slashes, and each lock is
        // released by its own execution or veto alone (the registry unlocks before it charges),
        // so a report's loss can never turn a lock into withdrawable bond.
        uint256 left;
        (charged, left, ) = _take(operatorId, amount, 0);
        emit BondCharged(operatorId, amount, charged, left);
    }

    /// @dev Releases `unlock` of the operator's locks, then takes up to `amount` of its free
    /// bond: the bond and lock in one write, the totals in one, and the depositable keys
    /// refreshed only if the free bond moved (a slash whose lock covers its charge leaves it,
    /// the key nonce and the depositable counts as they were). Returns the charge, the bond
    /// left and the lock left.
    function _take(
        uint256 operatorId,
        uint256 amount,
        uint256 unlock
    ) private returns (uint256 charged, uint256 left, uint256 kept) {
        BondedStorage storage $ = _bonded();
        Bond storage b = $.bonds[operatorId];
        uint256 bond = b.amount;
        uint256 locked = b.locked;
        kept = unlock < locked ? locked - unlock : 0;
        uint256 free = bond - kept;
        charged = amount < free ? amount : free;
        left = bond - charged;
        // Bond.amount ‖ Bond.locked in one write (each ≤ its old uint128 value).
        assembly ("memory-safe") {
            sstore(b.slot, or(left, shl(128, kept)))
        }
        _lowerTotals($, charged);
        // The free bond moves by the charge less the lock released.
        if (charged != locked - kept) _refresh(operatorId);
    }

    /// @inheritdoc IStakingModule
    function lockBond(uint256 operatorId, uint256 amount) external onlyRegistry returns (uint256 added) {
        _operator(operatorId);
        Bond storage b = _bonded().bonds[operatorId];
        uint256 locked = b.locked + amount;
        if (locked > b.amount) locked = b.amount;
        added = locked - b.locked;
        _setLock(operatorId, b, locked);
    }

    /// @inheritdoc IStakingModule
    function unlockBond(uint256 operatorId, uint256 amount) external onlyRegistry {
        _operator(operatorId);
        _unlock(operatorId, amount);
    }

    function _unlock(uint256 operatorId, uint256 amount) private {
        Bond storage b = _bonded().bonds[operatorId];
        _setLock(operatorId, b, amount < b.locked ? b.locked - amount : 0);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IBondedModule
    function setBondCurves(
        BondCurve calldata standard,
        BondCurve calldata proven
    ) external onlyRole(CURVE_MANAGER_ROLE) {
        _setCurves(standard, proven);
    }

    /// @inheritdoc IBondedModule
    function setOperatorProven(uint256 operatorId, bool proven) external onlyRole(REPUTATION_MANAGER_ROLE) {
        _operator(operatorId);
        _bonded().isProven[operatorId] = proven;
        _refresh(operatorId);
        emit OperatorProvenSet(operatorId, proven);
    }

    /// @notice The operator leaves: no new deposits; once its validators have exited its whole
    /// bond (less locks) becomes withdrawable. Manager only.
    function leave(uint256 operatorId) external onlyManager(operatorId) {
        _setOperatorActive(operatorId, false);
    }

    /// @notice Deactivates or reactivates an operator (e.g. after a proven fault). DEFAULT_ADMIN_ROLE.
    function setOperatorActive(uint256 operatorId, bool active) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setOperatorActive(operatorId, active);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IBondedModule
    function bondRequired(uint256 operatorId, uint256 keys) external view returns (uint256) {
        return _required(operatorId, keys);
    }

    /// @inheritdoc IBondedModule
    function withdrawableBond(uint256 operatorId) public view returns (uint256) {
        OperatorRecord storage op = _operator(operatorId);
        Bond storage b = _bonded().bonds[operatorId];
        uint256 needed = _required(operatorId, op.depositedKeys - op.exitedKeys);
        // An active operator keeps one first-key bond: its slot stays paid for (see registerOperator).
        uint256 floor = op.active ? _curve(operatorId).first : 0;
        if (needed < floor) needed = floor;
        needed += b.locked; // max(required, floor) + locked
        return b.amount > needed ? b.amount - needed : 0;
    }

    /// @inheritdoc IBondedModule
    function bondOf(uint256 operatorId) external view returns (uint256 bond, uint256 locked) {
        Bond storage b = _bonded().bonds[operatorId];
        return (b.amount, b.locked);
    }

    /// @notice The bond curves (standard, proven).
    function bondCurves() external view returns (BondCurve memory standard, BondCurve memory proven) {
        BondedStorage storage $ = _bonded();
        return ($.standard, $.proven);
    }

    /// @notice Whether the operator is on the proven curve.
    function isProven(uint256 operatorId) external view returns (bool) {
        return _bonded().isProven[operatorId];
    }

    /// @notice Total bond held by the module.
    function totalBond() external view returns (uint256) {
        return _bonded().totalBond;
    }

    /// @inheritdoc IBondedModule
    function kappaBond() external view returns (uint256) {
        return _bonded().kappaBond;
    }

    /// @inheritdoc IStakingModule
    function collateralBps() external view returns (uint256) {
        uint256 active = activeValidators();
        if (active == 0) return 0;
        uint256 kappa = (_bonded().kappaBond * BPS) / (active * DEPOSIT_SIZE);
        return kappa > BPS ? BPS : kappa;
    }

    // ---------------------------------------------------------------- internal

    function _deposit(uint256 operatorId, uint256 amount) private {
        BondedStorage storage $ = _bonded();
        Bond storage b = $.bonds[operatorId];
        b.amount += SafeCast.toUint128(amount);
        $.totalBond += uint128(amount); // checked into the uint128 bond just above
        emit BondDeposited(operatorId, msg.sender, amount, b.amount);
    }

    /// @dev Takes `amount` (≤ the bond) out of the operator's bond; returns what is left.
    function _takeBond(uint256 operatorId, uint256 amount) private returns (uint256 left) {
        BondedStorage storage $ = _bonded();
        Bond storage b = $.bonds[operatorId];
        left = b.amount - amount;
        b.amount = uint128(left); // ≤ the old uint128 amount
        _lowerTotals($, amount);
        _refresh(operatorId);
    }

    function _setLock(uint256 operatorId, Bond storage b, uint256 locked) private {
        b.locked = uint128(locked); // ≤ b.amount or the old lock, both uint128
        _refresh(operatorId);
        emit BondLockChanged(operatorId, locked);
    }

    /// @inheritdoc IStakingModule
    /// @dev κ's bond snapshot is taken at every report (`_onReport`), or a top-up between
    /// reports would count only at the next exit.
    function snapshotsAtReport() external pure override(IStakingModule, ModuleBase) returns (bool) {
        return true;
    }

    /// @dev κ's bond snapshot: the total bond as the report found it (the report's charges
    /// then lower it through `_lowerKappaBond`).
    function _onReport() internal override {
        BondedStorage storage $ = _bonded();
        uint256 total = $.totalBond;
        if ($.kappaBond != total) {
            $.kappaBond = uint128(total); // a uint128
            emit KappaBondChanged(total);
        }
    }

    /// @dev Takes `amount` (≤ an operator's bond ≤ the total) out of the total bond and lowers
    /// κ's bond to the new total if it was above: both in one write.
    function _lowerTotals(BondedStorage storage $, uint256 amount) private {
        uint256 total = $.totalBond - amount;
        uint256 kappa = $.kappaBond;
        if (kappa > total) {
            kappa = total;
            emit KappaBondChanged(total);
        }
        // Slot 2 of BondedStorage: totalBond (low 128 bits) ‖ kappaBond, each a uint128.
        assembly ("memory-safe") {
            sstore(add($.slot, 2), or(total, shl(128, kappa)))
        }
    }

    function _curve(uint256 operatorId) private view returns (BondCurve storage) {
        BondedStorage storage $ = _bonded();
        return $.isProven[operatorId] ? $.proven : $.standard;
    }

    function _required(uint256 operatorId, uint256 keys) private view returns (uint256) {
        if (keys == 0) return 0;
        BondCurve storage c = _curve(operatorId);
        return c.first + (keys - 1) * c.next;
    }

    /// @dev Keys the free bond covers: exited keys need no bond any more.
    function _keyLimit(
        uint256 operatorId,
        OperatorRecord storage op
    ) internal view override returns (uint256) {
        Bond storage b = _bonded().bonds[operatorId];
        uint256 free = b.amount - b.locked;
        BondCurve storage c = _curve(operatorId);
        if (free < c.first) return op.exitedKeys;
        return op.exitedKeys + 1 + (free - c.first) / c.next;
    }

    function _setCurves(BondCurve calldata standard, BondCurve calldata proven) private {
        require(standard.first != 0 && standard.next != 0, InvalidCurve(standard.first, standard.next));
        require(
            proven.first != 0 &&
                proven.next != 0 &&
                proven.first <= standard.first &&
                proven.next <= standard.next,
            InvalidCurve(proven.first, proven.next)
        );
        BondedStorage storage $ = _bonded();
        $.standard = standard;
        $.proven = proven;
        // A curve change moves every operator's limit: refresh the cached depositable counts
        // (bounded by MAX_OPERATORS).
        uint256 n = _base().operatorCount;
        for (uint256 id; id < n; ++id) _refresh(id);
        emit BondCurvesSet(standard, proven);
    }
}
