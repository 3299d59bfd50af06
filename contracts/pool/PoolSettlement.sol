// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";
import {PoolStorage} from "./PoolStorage.sol";

/// @title PoolSettlement
/// @notice The service-slash money helpers shared by CascadePool (which runs `settleSlash`
/// itself: no second DELEGATECALL on the slash path) and PoolExtension (`payServiceSlash`, the
/// debt repayment, the report's class wipe): the class-loss walk, the debt split and the
/// recipient's payout credit.
abstract contract PoolSettlement is PoolStorage {
    /// @dev Bounds the debt repayment loop (one recipient per service at most).
    uint256 internal constant MAX_DEBTORS = 64;

    /// @dev A service slash's class loss (`settleSlash`): up to `loss` from the exposed classes
    /// (junior up to `fromClass`), then the ones above, junior first. A class is read only when
    /// the walk reaches it (a loss the junior class absorbs reads one class, not all K), and
    /// each class that lost is written once, in class order (the events as before). The total
    /// NAV is left to the caller (one write with buffered).
    /// @return taken what the classes absorbed
    function _takeSlashLoss(
        PoolStore storage $,
        uint256 loss,
        uint256 fromClass
    ) internal returns (uint256 taken) {
        uint256 k = $.classCount;
        uint256[] memory took = new uint256[](k);
        uint256 left = loss;
        uint256 lo = k; // the most senior class the walk reached
        for (uint256 i = k; i > fromClass && left != 0; --i) left = _tookFrom($, took, lo = i - 1, left);
        for (uint256 i = fromClass; i > 0 && left != 0; --i) left = _tookFrom($, took, lo = i - 1, left);
        for (uint256 i = lo; i < k; ++i) {
            uint256 t = took[i];
            if (t == 0) continue;
            Class storage c = $.classes[i];
            (uint256 nav, uint256 supply) = _readBook(c);
            nav -= t;
            emit IYieldClasses.ClassLossTaken(i, t);
            _writeBook(c, nav, supply);
            emit IYieldClasses.ClassNavChanged(i, nav, supply);
            if (nav == 0 && supply != 0 && !_isWiped(c)) _wipeWithEvent(i, c, supply);
        }
        return loss - left;
    }

    /// @dev Class `i`'s part of the walk: up to `left` of its NAV, recorded in `took`.
    function _tookFrom(
        PoolStore storage $,
        uint256[] memory took,
        uint256 i,
        uint256 left
    ) private view returns (uint256) {
        (uint256 nav, ) = _readBook($.classes[i]);
        uint256 t = left < nav ? left : nav;
        took[i] = t;
        return left - t;
    }

    /// @dev A zero-NAV class with holders closes for good (DESIGN §5 "wiped class").
    function _wipeWithEvent(uint256 classId, Class storage c, uint256 supply) internal {
        uint256 head = (_readHead(c) | CLASS_WIPED) & ~CLASS_OPEN;
        assembly {
            sstore(c.slot, head)
        }
        emit IYieldClasses.ClassWiped(classId, supply);
    }

    /// @dev A slash payout's split: `paid` = min(amount, buffered `b`), the rest owed to
    /// `recipient` as debt (listed as a debtor on its first debt). The caller credits `paid`.
    function _owe(
        PoolStore storage $,
        address recipient,
        uint256 amount,
        uint256 b
    ) internal returns (uint256 paid) {
        paid = amount < b ? amount : b;
        uint256 owed = amount - paid;
        if (owed != 0) {
            if ($.owed[recipient] == 0) {
                require($.debtors.length < MAX_DEBTORS, ICascadePool.TooManyDebtors(MAX_DEBTORS));
                $.debtors.push(recipient);
            }
            $.owed[recipient] += owed;
            $.debt = SafeCast.toUint128(uint256($.debt) + owed);
        }
        emit ICascadePool.ServiceSlashPaid(recipient, paid, owed);
    }

    /// @dev Slashed ETH is pulled by its recipient, so a reverting recipient cannot block
    /// reports; address(0) burns it at once. The amount adds below PAYOUT_OPEN (an open
    /// account's flag, see `payouts`): a credit never reaches it (payoutsTotal is a uint96).
    function _credit(PoolStore storage $, address recipient, uint256 amount) internal {
        if (amount == 0) return;
        if (recipient == address(0)) {
            (bool ok, ) = address(0).call{value: amount}("");
            require(ok, IWithdrawalQueue.EthTransferFailed(address(0), amount));
            return;
        }
        $.payouts[recipient] += amount;
        $.payoutsTotal = SafeCast.toUint96(uint256($.payoutsTotal) + amount);
    }
}
