// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "../governance/CascadeUpgradeable.sol";
import {IClassFace} from "../interfaces/IClassFace.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";
import {BPS, MAX_CLASSES} from "../libraries/Constants.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {Waterfall} from "../libraries/Waterfall.sol";
import {PoolStorage} from "./PoolStorage.sol";

/// @title PoolExtension
/// @notice CascadePool's cold paths, run only by DELEGATECALL from the pool proxy on its storage
/// (the pool checks the governance roles before forwarding; the protocol links are checked
/// here): class administration, the report's money steps on the class books (DESIGN §6 steps
/// 3–7), service-slash losses, finalization of redemptions, the ETH the router and the registry
/// move in and out of buffered, and service debt and payouts.
/// @dev Called directly (on its own, empty storage) every function reverts `NotDelegated`.
contract PoolExtension is PoolStorage {
    error NotDelegated();

    /// @dev Bounds the debt repayment loop (one recipient per service at most).
    uint256 private constant MAX_DEBTORS = 64;

    address private immutable SELF = address(this);

    modifier onlyDelegated() {
        require(address(this) != SELF, NotDelegated());
        _;
    }

    // ---------------------------------------------------------------- links (DEFAULT_ADMIN_ROLE)

    /// @notice See ICascadePool.setAccounting.
    function setAccounting(address accounting) external onlyDelegated {
        PoolStore storage $ = _s();
        require($.accounting == address(0), IYieldClasses.AlreadyLinked());
        require(accounting != address(0), CascadeUpgradeable.ZeroAddress());
        $.accounting = accounting;
        emit IYieldClasses.AccountingSet(accounting);
    }

    /// @notice See ICascadePool.setServiceRegistry.
    function setServiceRegistry(address registry) external onlyDelegated {
        PoolStore storage $ = _s();
        require(address($.registry) == address(0), IYieldClasses.AlreadyLinked());
        require(registry != address(0), CascadeUpgradeable.ZeroAddress());
        $.registry = IServiceRegistry(registry);
        emit IYieldClasses.ServiceRegistrySet(registry);
    }

    // ---------------------------------------------------------------- classes (CLASS_MANAGER_ROLE)

    /// @notice See IYieldClasses.addClass.
    function addClass(
        address token,
        IYieldClasses.ClassParams calldata params
    ) external onlyDelegated returns (uint256 classId) {
        PoolStore storage $ = _s();
        classId = $.classCount;
        require(classId < MAX_CLASSES, IYieldClasses.TooManyClasses(MAX_CLASSES));
        IClassFace t = IClassFace(token);
        require(t.POOL() == address(this) && t.CLASS_ID() == classId, IYieldClasses.BadToken(token));
        _checkParams(classId, params);
        Class storage c = $.classes[classId];
        c.face = token;
        _writeParams(c, params);
        c.open = true;
        $.classCount = uint8(classId + 1);
        emit IYieldClasses.ClassAdded(classId, token, params);
    }

    /// @notice See IYieldClasses.setClassParams.
    function setClassParams(
        uint256 classId,
        IYieldClasses.ClassParams calldata params
    ) external onlyDelegated {
        Class storage c = _class(classId);
        _checkParams(classId, params);
        _writeParams(c, params);
        emit IYieldClasses.ClassParamsSet(classId, params);
    }

    /// @notice See IYieldClasses.setClassOpen.
    function setClassOpen(uint256 classId, bool open) external onlyDelegated {
        Class storage c = _class(classId);
        require(!c.wiped, IYieldClasses.ClassIsWiped(classId));
        c.open = open;
        emit IYieldClasses.ClassOpenSet(classId, open);
    }

    /// @notice See IYieldClasses.setMinRedeemDelay.
    function setMinRedeemDelay(uint256 delay) external onlyDelegated {
        PoolStore storage $ = _s();
        for (uint256 k; k < $.classCount; ++k) {
            uint256 d = $.classes[k].redeemDelay;
            require(d >= delay, IYieldClasses.RedeemDelayTooShort(k, d, delay));
        }
        $.minRedeemDelay = SafeCast.toUint32(delay);
        emit IYieldClasses.MinRedeemDelaySet(delay);
    }

    /// @notice See IWithdrawalQueue.setMinRedeemAssets (DEFAULT_ADMIN_ROLE).
    function setMinRedeemAssets(uint256 minimum) external onlyDelegated {
        _s().minRedeemAssets = minimum;
        emit IWithdrawalQueue.MinRedeemAssetsSet(minimum);
    }

    // ---------------------------------------------------------------- reports (Accounting)

    /// @notice See IYieldClasses.applyReport. One `FeeMinted` per recipient with a nonzero mint.
    function applyReport(
        IYieldClasses.ReportMoney calldata m
    ) external onlyDelegated returns (uint256[] memory feeEth) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        uint256 n = m.fees.length;
        require(n == m.feeRecipients.length && m.treasuryIndex < n, IYieldClasses.LengthMismatch());
        require(m.servicePaid.length == m.serviceTiers.length, IYieldClasses.LengthMismatch());
        uint256 k = $.classCount;
        require(k != 0, IYieldClasses.UnknownClass(0));
        uint256[] memory navs0 = _navs();
        (uint256[] memory add, bool distributed) = _stakingShares(m.rewardsNet, navs0, k);
        // 3. Fees per recipient; Rnet with no NAV to split over and 6. the service fees join the
        // treasury's entry, so each recipient's total is converted once (one rounding each).
        feeEth = m.fees;
        if (!distributed) feeEth[m.treasuryIndex] += m.rewardsNet;
        feeEth[m.treasuryIndex] += _serviceRewards(m, navs0, add);
        // Minted as shares of the most senior class that is not wiped at its pre-report price;
        // with every class wiped they are owed as ETH instead (§5).
        uint256 t = _feeClass();
        uint256 feeAssets;
        uint256 feeShares;
        if (t != k) {
            (feeAssets, feeShares) = _mintFees(m.feeRecipients, feeEth, t, navs0[t]);
            feeEth = new uint256[](0); // nothing owed as ETH
        }
        // Book all additions, then 7. the loss junior first.
        for (uint256 i; i < k; ++i) add[i] += navs0[i];
        if (t != k) add[t] += feeAssets;
        Waterfall.absorbLossJuniorFirst(add, m.loss);
        _bookNavs(add, t, feeShares);
    }

    /// @dev 4. The staking split of `rewardsNet` on start-of-report NAVs and 5. the premiums paid
    /// on it: each class's addition, and whether any class had NAV to split over.
    function _stakingShares(
        uint256 rewardsNet,
        uint256[] memory navs0,
        uint256 k
    ) private view returns (uint256[] memory add, bool distributed) {
        uint256[] memory parts;
        (parts, distributed) = Waterfall.splitByNavDown(rewardsNet, navs0, 0);
        (uint256[] memory paid, uint256[] memory received) = Waterfall.premiumsDown(
            parts,
            navs0,
            _paramsU16(0),
            _paramsU16(1),
            _paramsU16(2)
        );
        add = new uint256[](k);
        for (uint256 i; i < k; ++i) add[i] = parts[i] - paid[i] + received[i];
    }

    /// @dev Writes each class's report-end NAV (the fee class's supply grows by the fee shares)
    /// and the pool's total.
    function _bookNavs(uint256[] memory newNavs, uint256 t, uint256 feeShares) private {
        PoolStore storage $ = _s();
        uint256 total;
        for (uint256 i; i < newNavs.length; ++i) {
            Class storage c = $.classes[i];
            uint256 supply = i == t ? c.supply + feeShares : c.supply;
            _setNav(i, c, newNavs[i], supply);
            total += newNavs[i];
        }
        $.totalNav = SafeCast.toUint128(total);
    }

    /// @notice See IYieldClasses.applySlashLoss.
    function applySlashLoss(
        uint256 amount,
        uint256 fromClass
    ) external onlyDelegated returns (uint256 unabsorbed) {
        PoolStore storage $ = _s();
        // The router, in StakingRouter.slashOperator (the slot classCount is read from).
        require(msg.sender == $.router, IYieldClasses.NotAuthorized(msg.sender));
        uint256 k = $.classCount;
        uint256[] memory n = _navs();
        unabsorbed = amount;
        // Exposed classes first (junior up to `fromClass`), then the ones above, junior first.
        for (uint256 i = k; i > fromClass && unabsorbed != 0; --i) unabsorbed = _take(n, i - 1, unabsorbed);
        for (uint256 i = fromClass; i > 0 && unabsorbed != 0; --i) unabsorbed = _take(n, i - 1, unabsorbed);
        for (uint256 i; i < k; ++i) {
            Class storage c = $.classes[i];
            if (n[i] != c.nav) {
                emit IYieldClasses.ClassLossTaken(i, c.nav - n[i]);
                _setNav(i, c, n[i], c.supply);
            }
        }
        $.totalNav -= uint128(amount - unabsorbed);
    }

    /// @notice See IWithdrawalQueue.finalize. The finalized amounts move from buffered to
    /// reserved here (no ETH leaves the pool).
    function finalize(uint256 budget, uint256 maxRequests) external onlyDelegated returns (uint256 total) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        uint256 classes = $.classCount;
        if (classes == 0) return 0;
        uint256 buffered = $.buffered;
        if (budget > buffered) budget = buffered;
        // Every class first gets an equal part of the request budget, so a flood of small
        // requests in one class cannot hold back the others; what the classes leave unused
        // then goes, in class order, to those that had more due.
        uint256 share = maxRequests / classes;
        if (share == 0) share = 1;
        uint256 left = maxRequests;
        uint256 more; // bit k: class k used its whole share
        for (uint256 k; k < classes && left != 0; ++k) {
            uint256 cap = share < left ? share : left;
            (uint256 amount, uint256 n) = _finalizeClass(k, budget - total, cap);
            total += amount;
            left -= n;
            if (n == cap) more |= 1 << k;
        }
        for (uint256 k; k < classes && left != 0; ++k) {
            if (more & (1 << k) == 0) continue;
            (uint256 amount, uint256 n) = _finalizeClass(k, budget - total, left);
            total += amount;
            left -= n;
        }
        if (total != 0) {
            $.reserved = SafeCast.toUint128(uint256($.reserved) + total);
            emit ICascadePool.RedemptionsFunded(total);
            _setBuffered($, buffered - total);
        }
    }

    // ---------------------------------------------------------------- ETH (router, registry)

    /// @notice See ICascadePool.bookInflow.
    function bookInflow() external payable onlyDelegated {
        PoolStore storage $ = _s();
        require(msg.sender == $.router, IYieldClasses.NotAuthorized(msg.sender));
        _setBuffered($, uint256($.buffered) + msg.value);
    }

    /// @notice See ICascadePool.bookBondCover.
    function bookBondCover() external payable onlyDelegated {
        PoolStore storage $ = _s();
        IStakingRouter($.router).moduleIdOf(msg.sender); // reverts NotModule: a registered module only
        _setBuffered($, uint256($.buffered) + msg.value);
    }

    /// @notice See ICascadePool.withdrawForDeposit.
    function withdrawForDeposit(uint256 amount) external onlyDelegated {
        PoolStore storage $ = _s();
        address router = $.router;
        require(msg.sender == router, IYieldClasses.NotAuthorized(msg.sender));
        uint256 available = _depositable($);
        require(amount <= available, ICascadePool.NotEnoughBuffered(amount, available));
        emit ICascadePool.WithdrawnForDeposit(amount);
        _setBuffered($, $.buffered - amount);
        (bool ok, ) = router.call{value: amount}("");
        require(ok, IWithdrawalQueue.EthTransferFailed(router, amount));
    }

    /// @notice See ICascadePool.receiveServiceRewards.
    function receiveServiceRewards() external payable onlyDelegated {
        PoolStore storage $ = _s();
        require(msg.sender == address($.registry), IYieldClasses.NotAuthorized(msg.sender));
        emit ICascadePool.ServiceRewardsReceived(msg.value);
        _setBuffered($, uint256($.buffered) + msg.value);
    }

    // ---------------------------------------------------------------- service debt and payouts

    /// @notice See ICascadePool.payServiceSlash.
    function payServiceSlash(address recipient, uint256 amount) external onlyDelegated {
        PoolStore storage $ = _s();
        // The registry (an executed slash) or Accounting (fees no class could take).
        require(
            msg.sender == address($.registry) || msg.sender == $.accounting,
            IYieldClasses.NotAuthorized(msg.sender)
        );
        uint256 b = $.buffered;
        uint256 paid = amount < b ? amount : b;
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
        _setBuffered($, b - paid);
        _credit($, recipient, paid);
    }

    /// @notice See ICascadePool.repayDebt.
    function repayDebt() external onlyDelegated returns (uint256 repaid) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        address[] storage debtors = $.debtors;
        uint256 b = $.buffered;
        uint256 d = $.debt;
        // Oldest debtor first; a fully repaid debtor leaves the list.
        while (debtors.length != 0 && b != 0) {
            address r = debtors[0];
            uint256 o = $.owed[r];
            uint256 pay = o < b ? o : b;
            $.owed[r] = o - pay;
            b -= pay;
            d -= pay;
            repaid += pay;
            _credit($, r, pay);
            if (o != pay) break;
            debtors[0] = debtors[debtors.length - 1];
            debtors.pop();
        }
        if (repaid != 0) {
            $.debt = uint128(d);
            emit ICascadePool.DebtRepaid(repaid, d);
            _setBuffered($, b);
        }
    }

    /// @notice See ICascadePool.claimServicePayout.
    function claimServicePayout() external onlyDelegated returns (uint256 amount) {
        PoolStore storage $ = _s();
        amount = $.payouts[msg.sender];
        require(amount != 0, ICascadePool.NothingToClaim());
        $.payouts[msg.sender] = 0;
        $.payoutsTotal -= uint96(amount); // ≤ payoutsTotal, the sum of every payout
        emit ICascadePool.ServicePayoutClaimed(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, IWithdrawalQueue.EthTransferFailed(msg.sender, amount));
    }

    // ---------------------------------------------------------------- internal

    function _onlyAccounting(PoolStore storage $) private view {
        require(msg.sender == $.accounting, IYieldClasses.NotAuthorized(msg.sender));
    }

    /// @dev Slashed ETH is pulled by its recipient, so a reverting recipient cannot block
    /// reports; address(0) burns it at once.
    function _credit(PoolStore storage $, address recipient, uint256 amount) private {
        if (amount == 0) return;
        if (recipient == address(0)) {
            (bool ok, ) = address(0).call{value: amount}("");
            require(ok, IWithdrawalQueue.EthTransferFailed(address(0), amount));
            return;
        }
        $.payouts[recipient] += amount;
        $.payoutsTotal = SafeCast.toUint96(uint256($.payoutsTotal) + amount);
    }

    /// @dev Finalizes up to `cap` due requests of class `k`, FIFO, within `budget` wei, and
    /// burns their escrowed shares once for the class.
    function _finalizeClass(
        uint256 k,
        uint256 budget,
        uint256 cap
    ) private returns (uint256 total, uint256 done) {
        Class storage c = _s().classes[k];
        Queue storage q = _s().queues[k];
        uint256 i = q.head;
        uint256 nav = c.nav;
        uint256 supply = c.supply;
        uint256 demand;
        for (; i < q.length && done < cap; ++i) {
            StoredRequest storage r = _s().requests[k][i];
            uint256 packed = _loadRequest(r); // the request's one slot, read once
            uint256 amount;
            if (!c.wiped) {
                if (block.timestamp - uint40(packed >> REQ_TIME_SHIFT) < c.redeemDelay) break;
                amount = SharesMath.redeemAssetsDown(
                    uint88(packed >> REQ_SHARES_SHIFT),
                    uint88(packed),
                    nav,
                    supply
                );
                if (amount > budget - total) break;
            }
            demand += uint88(packed); // the value at request
            nav -= amount;
            supply -= uint88(packed >> REQ_SHARES_SHIFT);
            emit IWithdrawalQueue.RedeemFinalized(
                (k << CLASS_SHIFT) | i,
                uint88(packed >> REQ_SHARES_SHIFT),
                amount
            );
            // The amount (≤ the value at request, a uint88: the price can only lower what is
            // paid) is written over the value at request, with the finalized flag; shares, time
            // and key stay.
            packed = (packed & ~uint256(type(uint88).max)) | amount | REQ_FINALIZED;
            assembly {
                sstore(r.slot, packed)
            }
            total += amount;
            ++done;
        }
        q.head = uint32(i);
        if (done != 0) _burnFinalized(_s(), k, c, nav, supply, demand);
    }

    /// @dev One burn per class for all its finalized requests: the end state equals one burn per
    /// request, for one face call and one set of events.
    function _burnFinalized(
        PoolStore storage $,
        uint256 k,
        Class storage c,
        uint256 nav,
        uint256 supply,
        uint256 demand
    ) private {
        Queue storage q = $.queues[k];
        uint256 burned = c.supply - supply;
        uint256 burnedAssets = c.nav - nav;
        q.pendingAssets -= uint96(demand);
        q.escrowed -= uint96(burned);
        c.nav = uint128(nav);
        c.supply = uint128(supply);
        $.totalNav -= uint128(burnedAssets);
        emit IYieldClasses.RedemptionBurned(k, burned, burnedAssets);
        emit IYieldClasses.ClassNavChanged(k, nav, supply);
        IClassFace(c.face).emitTransfer(address(0), address(this), address(0), burned);
    }

    function _setNav(uint256 classId, Class storage c, uint256 nav, uint256 supply) private {
        c.nav = SafeCast.toUint128(nav);
        c.supply = SafeCast.toUint128(supply);
        emit IYieldClasses.ClassNavChanged(classId, nav, supply);
        if (nav == 0 && supply != 0 && !c.wiped) {
            // A zero-NAV class with holders closes for good (DESIGN §5 "wiped class").
            c.wiped = true;
            c.open = false;
            emit IYieldClasses.ClassWiped(classId, supply);
        }
    }

    function _take(uint256[] memory n, uint256 i, uint256 remaining) private pure returns (uint256) {
        uint256 t = remaining < n[i] ? remaining : n[i];
        n[i] -= t;
        return remaining - t;
    }

    /// @dev The class fees are minted into (§5: the most senior class that is not wiped; a class
    /// closed to deposits by governance still has holders and a price), or the class count when
    /// every class is wiped.
    function _feeClass() private view returns (uint256 t) {
        PoolStore storage $ = _s();
        uint256 k = $.classCount;
        while (t < k && $.classes[t].wiped) ++t;
    }

    /// @dev Mints each recipient's fee total as shares of class `t` at its pre-report NAV and
    /// supply (unchanged until the report's shares are booked): one rounding per recipient.
    function _mintFees(
        address[] calldata recipients,
        uint256[] memory fees,
        uint256 t,
        uint256 navT
    ) private returns (uint256 feeAssets, uint256 feeShares) {
        Class storage c = _s().classes[t];
        uint256 supplyT = c.supply;
        for (uint256 i; i < fees.length; ++i) {
            uint256 assets = fees[i];
            feeAssets += assets;
            uint256 shares = SharesMath.toSharesDown(assets, navT, supplyT);
            if (shares == 0) continue;
            feeShares += shares;
            emit IYieldClasses.FeeMinted(t, recipients[i], assets, shares);
            _mint(c, t, recipients[i], shares);
        }
    }

    /// @dev Step 6: each service's net reward to the classes it exposes (into `add`); returns the
    /// service fees (or all of a reward when no exposed class has NAV), which go to the treasury.
    function _serviceRewards(
        IYieldClasses.ReportMoney calldata m,
        uint256[] memory navs0,
        uint256[] memory add
    ) private pure returns (uint256 feeAssets) {
        for (uint256 s; s < m.servicePaid.length; ++s) {
            (uint256[] memory sp, uint256 toTreasury) = Waterfall.serviceRewardDown(
                m.servicePaid[s],
                m.serviceFeeBps,
                navs0,
                m.serviceTiers[s]
            );
            for (uint256 i; i < add.length; ++i) add[i] += sp[i];
            feeAssets += toTreasury;
        }
    }

    function _paramsU16(uint256 which) private view returns (uint16[] memory out) {
        PoolStore storage $ = _s();
        out = new uint16[]($.classCount);
        for (uint256 i; i < out.length; ++i) {
            Class storage c = $.classes[i];
            out[i] =
                which == 0
                    ? c.basePremiumBps
                    : which == 1
                        ? c.maxPremiumBps
                        : c.minCoverBps;
        }
    }

    function _writeParams(Class storage c, IYieldClasses.ClassParams calldata p) private {
        c.minCoverBps = p.minCoverBps;
        c.redeemDelay = p.redeemDelay;
        c.capped = p.depositCap != 0;
        c.basePremiumBps = p.basePremiumBps;
        c.maxPremiumBps = p.maxPremiumBps;
        c.depositCap = p.depositCap;
    }

    function _checkParams(uint256 classId, IYieldClasses.ClassParams calldata p) private view {
        require(
            p.basePremiumBps <= BPS && p.maxPremiumBps <= BPS && p.minCoverBps <= 10 * BPS,
            IYieldClasses.InvalidParams(classId)
        );
        PoolStore storage $ = _s();
        uint256 minDelay = $.minRedeemDelay;
        // §8: a class cannot flee a slash it is due: its delay covers every exposed service's
        // slashing + veto window.
        if (address($.registry) != address(0)) {
            uint256 needed = $.registry.requiredRedeemDelay(classId);
            if (needed > minDelay) minDelay = needed;
        }
        require(
            p.redeemDelay >= minDelay,
            IYieldClasses.RedeemDelayTooShort(classId, p.redeemDelay, minDelay)
        );
    }
}
