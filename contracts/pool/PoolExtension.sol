// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "../governance/CascadeUpgradeable.sol";
import {IClassFace} from "../interfaces/IClassFace.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";
import {BPS, MAX_CLASSES} from "../libraries/Constants.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {Waterfall} from "../libraries/Waterfall.sol";
import {PoolSettlement} from "./PoolSettlement.sol";

/// @title PoolExtension
/// @notice CascadePool's cold paths, run only by DELEGATECALL from the pool proxy on its storage
/// (the pool checks the governance roles before forwarding; the protocol links are checked
/// here): class administration, the report's money steps on the class books (DESIGN §6 steps
/// 3–7), service-slash losses, finalization of redemptions, the ETH the router and the registry
/// move in and out of buffered, and service debt and payouts.
/// @dev Called directly (on its own, empty storage) every function reverts `NotDelegated`.
contract PoolExtension is PoolSettlement {
    error NotDelegated();

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
        _setFlag(c, CLASS_OPEN, true);
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
        require(!_isWiped(c), IYieldClasses.ClassIsWiped(classId));
        _setFlag(c, CLASS_OPEN, open);
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

    /// @dev A report's view of every class, read with one SLOAD of each class's two first
    /// slots: slot 0 (face, flags, cover, premium parameters), the start-of-report NAV and
    /// supply, and each class's running addition (steps 4–6), then its report-end NAV.
    struct Books {
        uint256[] heads;
        uint256[] navs;
        uint256[] supplies;
        uint256[] add;
        uint256[] tail; // tail[i] = Σ_{j≥i} navs[j] (tail[k] = 0): each split's eligible NAV
        uint256 junior; // the most junior class with NAV (dust of every split)
        uint256 booked; // Σ service rewards the report books (step 6), from `serviceRewards`
    }

    /// @notice See IYieldClasses.applyReport. One `FeeMinted` per recipient with a nonzero mint;
    /// one `ClassNavChanged` per class whose NAV or supply the report changed.
    function applyReport(
        IYieldClasses.ReportMoney calldata m
    ) external onlyDelegated returns (uint256[] memory feeEth, uint256[] memory navs) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        uint256 n = m.fees.length;
        require(n == m.feeRecipients.length && m.treasuryIndex < n, IYieldClasses.LengthMismatch());
        require(m.servicePaid.length == m.serviceTiers.length, IYieldClasses.LengthMismatch());
        Books memory b = _readBooks($);
        // 4–5. The staking split and its premiums, into each class's addition.
        bool distributed = _stakingShares(m.rewardsNet, b);
        // 3. Fees per recipient; Rnet with no NAV to split over and 6. the service fees join the
        // treasury's entry, so each recipient's total is converted once (one rounding each).
        feeEth = m.fees;
        if (!distributed) feeEth[m.treasuryIndex] += m.rewardsNet;
        feeEth[m.treasuryIndex] += _serviceRewards(m, b);
        // Minted as shares of the most senior class that is not wiped at its pre-report price;
        // with every class wiped they are owed as ETH instead (§5).
        uint256 k = b.navs.length;
        uint256 t;
        while (t < k && b.heads[t] & CLASS_WIPED != 0) ++t;
        uint256 feeShares;
        uint256[] memory add = b.add;
        if (t != k) {
            uint256 feeAssets;
            (feeAssets, feeShares) = _mintFees(m.feeRecipients, feeEth, t, b);
            feeEth = new uint256[](0); // nothing owed as ETH
            add[t] += feeAssets;
        }
        // Book all additions, then 7. the loss junior first.
        for (uint256 i; i < k; ++i) add[i] += b.navs[i];
        if (m.loss != 0) Waterfall.absorbLossJuniorFirst(add, m.loss);
        _bookNavs($, b, t, feeShares);
        navs = add; // the report-end NAVs, as booked
    }

    /// @dev Every class's slot 0, NAV and supply, one SLOAD per slot; reverts with no class.
    function _readBooks(PoolStore storage $) private view returns (Books memory b) {
        uint256 k = $.classCount;
        require(k != 0, IYieldClasses.UnknownClass(0));
        b.heads = new uint256[](k);
        b.navs = new uint256[](k);
        b.supplies = new uint256[](k);
        b.add = new uint256[](k);
        b.tail = new uint256[](k + 1);
        for (uint256 i; i < k; ++i) {
            Class storage c = $.classes[i];
            b.heads[i] = _readHead(c);
            (b.navs[i], b.supplies[i]) = _readBook(c);
        }
        for (uint256 i = k; i > 0;) {
            --i;
            uint256 nav = b.navs[i];
            b.tail[i] = b.tail[i + 1] + nav;
            if (nav != 0 && b.tail[i + 1] == 0) b.junior = i; // none junior to it has NAV
        }
    }

    /// @dev Splits `amount` over classes `fromClass…` pro rata to their start-of-report NAVs,
    /// into `b.add` (Waterfall.splitByNavDown's parts); false, adding nothing, when none of
    /// them has NAV.
    function _split(uint256 amount, uint256 fromClass, Books memory b) private pure returns (bool) {
        uint256 eligible = fromClass < b.navs.length ? b.tail[fromClass] : 0;
        if (eligible == 0) return false;
        if (amount != 0) Waterfall.splitByNavInto(amount, b.navs, fromClass, eligible, b.junior, b.add);
        return true;
    }

    /// @dev 4. The staking split of `rewardsNet` on start-of-report NAVs and 5. the premiums paid
    /// on it, into `b.add`; returns whether any class had NAV to split over. The premiums run
    /// junior first: a class's premium goes only to classes junior to it, so when a class pays,
    /// its addition is still its step-4 part (the same amounts as Waterfall.premiumsDown).
    function _stakingShares(uint256 rewardsNet, Books memory b) private pure returns (bool distributed) {
        uint256[] memory navs0 = b.navs;
        uint256[] memory add = b.add;
        distributed = _split(rewardsNet, 0, b);
        if (rewardsNet == 0) return distributed;
        uint256 juniorNav;
        for (uint256 k = navs0.length; k > 0;) {
            --k;
            uint256 nav = navs0[k];
            uint256 head = b.heads[k];
            uint256 base = uint16(head >> CLASS_BASE_SHIFT);
            if (juniorNav != 0 && nav != 0 && base != 0) {
                uint256 premium = Waterfall.premiumDown(
                    add[k],
                    nav,
                    juniorNav,
                    base,
                    uint16(head >> CLASS_MAX_SHIFT),
                    uint16(head >> CLASS_COVER_SHIFT)
                );
                if (premium != 0) {
                    add[k] -= premium;
                    _split(premium, k + 1, b); // juniorNav > 0: distributed
                }
            }
            juniorNav += nav;
        }
    }

    /// @dev Writes each class's report-end NAV and supply (the fee class's supply grows by the
    /// fee shares) where they changed, wipes a class left with holders and no NAV, and writes
    /// the pool's total.
    function _bookNavs(PoolStore storage $, Books memory b, uint256 t, uint256 feeShares) private {
        uint256[] memory newNavs = b.add;
        uint256 total;
        for (uint256 i; i < newNavs.length; ++i) {
            Class storage c = $.classes[i];
            uint256 nav = newNavs[i];
            uint256 supply = b.supplies[i];
            if (i == t) supply += feeShares;
            if (nav != b.navs[i] || supply != b.supplies[i]) {
                _writeBook(c, nav, supply);
                emit IYieldClasses.ClassNavChanged(i, nav, supply);
            }
            if (nav == 0 && supply != 0 && b.heads[i] & CLASS_WIPED == 0) _wipeWithEvent(i, c, supply);
            total += nav;
        }
        uint256 booked = b.booked;
        if (booked == 0) {
            $.totalNav = SafeCast.toUint128(total);
            return;
        }
        // The booked service rewards move from the unbooked counter into buffered, written
        // with the total NAV (one slot).
        uint256 unbooked = $.serviceRewards;
        require(booked <= unbooked, ICascadePool.ServiceRewardsExceeded(booked, unbooked));
        $.serviceRewards = uint96(unbooked - booked);
        uint256 buffered_ = uint256($.buffered) + booked;
        _writeHot($, buffered_, total);
        emit ICascadePool.ServiceRewardsBooked(booked, unbooked - booked);
        emit ICascadePool.BufferedChanged(buffered_);
    }

    /// @notice See IWithdrawalQueue.finalize. The finalized amounts move from buffered to
    /// reserved here (no ETH leaves the pool).
    function finalize(uint256 budget, uint256 maxRequests) external onlyDelegated returns (uint256 total) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        // §6 step 10: service debt first, then redemptions (one call for the report's step).
        _repayDebt($);
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
        $.serviceRewards = SafeCast.toUint96(uint256($.serviceRewards) + msg.value);
    }

    // ---------------------------------------------------------------- service debt and payouts

    /// @notice See ICascadePool.payServiceSlash.
    function payServiceSlash(address recipient, uint256 amount) external onlyDelegated {
        PoolStore storage $ = _s();
        // Accounting only (fees no class could take): an executed slash pays in settleSlash.
        _onlyAccounting($);
        uint256 b = $.buffered;
        uint256 paid = _owe($, recipient, amount, b);
        _setBuffered($, b - paid);
        _credit($, recipient, paid);
    }

    /// @notice See ICascadePool.repayDebt.
    function repayDebt() external onlyDelegated returns (uint256 repaid) {
        PoolStore storage $ = _s();
        _onlyAccounting($);
        return _repayDebt($);
    }

    /// @dev Repays service debt from buffered ETH, oldest debtor first. No debt (no debtor: a
    /// debtor is listed while it is owed) costs one SLOAD.
    function _repayDebt(PoolStore storage $) private returns (uint256 repaid) {
        uint256 d = $.debt;
        if (d == 0) return 0;
        address[] storage debtors = $.debtors;
        uint256 b = $.buffered;
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

    /// @notice See ICascadePool.openPayout.
    function openPayout(address recipient) external onlyDelegated {
        PoolStore storage $ = _s();
        require(msg.sender == address($.registry), IYieldClasses.NotAuthorized(msg.sender));
        uint256 word = $.payouts[recipient];
        if (word & PAYOUT_OPEN != 0) return; // already open (a recipient of several services)
        $.payouts[recipient] = word | PAYOUT_OPEN;
        emit ICascadePool.PayoutOpened(recipient);
    }

    /// @notice See ICascadePool.claimServicePayout.
    function claimServicePayout() external onlyDelegated returns (uint256 amount) {
        PoolStore storage $ = _s();
        uint256 word = $.payouts[msg.sender];
        amount = word & ~PAYOUT_OPEN;
        require(amount != 0, ICascadePool.NothingToClaim());
        // An open account stays open (its flag kept: the next credit rewrites a non-zero slot).
        $.payouts[msg.sender] = word ^ amount;
        $.payoutsTotal -= uint96(amount); // ≤ payoutsTotal, the sum of every payout
        emit ICascadePool.ServicePayoutClaimed(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, IWithdrawalQueue.EthTransferFailed(msg.sender, amount));
    }

    // ---------------------------------------------------------------- internal

    function _onlyAccounting(PoolStore storage $) private view {
        require(msg.sender == $.accounting, IYieldClasses.NotAuthorized(msg.sender));
    }

    /// @dev A class's finalization walk: its start-of-walk book, running as requests finalize.
    struct Walk {
        uint256 nav;
        uint256 supply;
        uint256 demand; // Σ value at request of the finalized requests
        uint256 total; // Σ paid
        uint256 done;
    }

    /// @dev Finalizes up to `cap` due requests of class `k`, FIFO, within `budget` wei, and
    /// burns their escrowed shares once for the class. A class whose queue holds no request
    /// (CLASS_QUEUED clear in its slot 0, which the report has read) costs one warm SLOAD.
    function _finalizeClass(
        uint256 k,
        uint256 budget,
        uint256 cap
    ) private returns (uint256 total, uint256 done) {
        PoolStore storage $ = _s();
        Class storage c = $.classes[k];
        uint256 head = _readHead(c); // the queued and wiped flags and the delay, read once
        if (head & CLASS_QUEUED == 0) return (0, 0); // nothing waiting
        Queue storage q = $.queues[k];
        uint256 queue;
        assembly {
            queue := sload(q.slot)
        }
        // Layout: see _pushRequest (length ‖ head ‖ pendingAssets ‖ escrowed).
        Walk memory w;
        (w.nav, w.supply) = _readBook(c);
        uint256 i = _walk(k, head, queue, budget, cap, w);
        if (w.done != 0) _burnFinalized($, k, c, q, queue, i, w);
        return (w.total, w.done);
    }

    /// @dev The requests of class `k` from the queue's head while they are due, fit the budget
    /// and `cap`; returns the new head.
    function _walk(
        uint256 k,
        uint256 head,
        uint256 queue,
        uint256 budget,
        uint256 cap,
        Walk memory w
    ) private returns (uint256 i) {
        mapping(uint256 => StoredRequest) storage requests = _s().requests[k];
        uint256 delay = uint32(head >> CLASS_DELAY_SHIFT);
        for (i = uint32(queue >> 32); i < uint32(queue) && w.done < cap; ++i) {
            StoredRequest storage r = requests[i];
            uint256 packed = _loadRequest(r); // the request's one slot, read once
            uint256 shares = uint88(packed >> REQ_SHARES_SHIFT);
            uint256 amount;
            if (head & CLASS_WIPED == 0) {
                if (block.timestamp - uint40(packed >> REQ_TIME_SHIFT) < delay) break;
                amount = SharesMath.redeemAssetsDown(shares, uint88(packed), w.nav, w.supply);
                if (amount > budget - w.total) break;
            }
            w.demand += uint88(packed); // the value at request
            w.nav -= amount;
            w.supply -= shares;
            emit IWithdrawalQueue.RedeemFinalized((k << CLASS_SHIFT) | i, shares, amount);
            // The amount (≤ the value at request, a uint88: the price can only lower what is
            // paid) is written over the value at request, with the finalized flag; shares, time
            // and key stay.
            packed = (packed & ~uint256(type(uint88).max)) | amount | REQ_FINALIZED;
            assembly {
                sstore(r.slot, packed)
            }
            w.total += amount;
            ++w.done;
        }
    }

    /// @dev One burn per class for all its finalized requests: the end state equals one burn per
    /// request, for one face call and one set of events. The queue's slot (new head, pending
    /// value and escrow less the finalized requests') and the class's book are written once.
    function _burnFinalized(
        PoolStore storage $,
        uint256 k,
        Class storage c,
        Queue storage q,
        uint256 queue,
        uint256 newHead,
        Walk memory w
    ) private {
        (uint256 nav0, uint256 supply0) = _readBook(c);
        uint256 burned = supply0 - w.supply;
        uint256 burnedAssets = nav0 - w.nav;
        // The finalized requests' value and shares are part of the queue's sums: no underflow.
        queue =
            uint32(queue) |
            (newHead << 32) |
            ((uint96(queue >> 64) - w.demand) << 64) |
            (((queue >> 160) - burned) << 160);
        assembly {
            sstore(q.slot, queue)
        }
        // The queue is empty once its head reaches its length: the report skips it until the
        // next request.
        if (newHead == uint32(queue)) _setFlag(c, CLASS_QUEUED, false);
        _writeBook(c, w.nav, w.supply);
        $.totalNav -= uint128(burnedAssets);
        emit IYieldClasses.RedemptionBurned(k, burned, burnedAssets);
        emit IYieldClasses.ClassNavChanged(k, w.nav, w.supply);
        IClassFace(address(uint160(_readHead(c)))).emitTransfer(
            address(0),
            address(this),
            address(0),
            burned
        );
    }

    /// @dev Mints each recipient's fee total as shares of class `t` at its pre-report NAV and
    /// supply (unchanged until the report's shares are booked): one rounding per recipient.
    function _mintFees(
        address[] calldata recipients,
        uint256[] memory fees,
        uint256 t,
        Books memory b
    ) private returns (uint256 feeAssets, uint256 feeShares) {
        uint256 navT = b.navs[t];
        uint256 supplyT = b.supplies[t];
        IClassFace face = IClassFace(address(uint160(b.heads[t])));
        mapping(address => uint256) storage balances = _s().balances[t];
        for (uint256 i; i < fees.length; ++i) {
            uint256 assets = fees[i];
            if (assets == 0) continue; // no shares
            feeAssets += assets;
            uint256 shares = SharesMath.toSharesDown(assets, navT, supplyT);
            if (shares == 0) continue;
            feeShares += shares;
            address to = recipients[i];
            emit IYieldClasses.FeeMinted(t, to, assets, shares);
            balances[to] += shares;
            face.emitMint(to, shares);
        }
    }

    /// @dev Step 6: each service's net reward to the classes it exposes (into `b.add`); returns
    /// the service fees (or all of a reward when no exposed class has NAV), which go to the
    /// treasury (the same amounts as Waterfall.serviceRewardDown).
    function _serviceRewards(
        IYieldClasses.ReportMoney calldata m,
        Books memory b
    ) private pure returns (uint256 feeAssets) {
        uint256[] calldata paid = m.servicePaid;
        uint8[] calldata tiers = m.serviceTiers;
        uint256 feeBps = m.serviceFeeBps;
        for (uint256 s; s < paid.length;) {
            uint256 amount = paid[s];
            uint256 tier = tiers[s];
            unchecked {
                ++s;
            }
            if (amount != 0) feeAssets += _serviceReward(amount, tier, feeBps, b);
            b.booked += amount;
        }
    }

    /// @dev One service's reward `amount` (Waterfall.serviceRewardDown): its fee ⌊amount·fee/BPS⌋
    /// to the treasury and the rest split over the classes from `tier` into `b.add`, or all of it
    /// to the treasury when none of them has NAV; returns the treasury's part.
    function _serviceReward(
        uint256 amount,
        uint256 tier,
        uint256 feeBps,
        Books memory b
    ) private pure returns (uint256 toTreasury) {
        toTreasury = (amount * feeBps) / BPS;
        uint256[] memory tail = b.tail; // k + 1 entries, the last 0: a tier past the classes
        uint256 eligible = tail[tier < tail.length ? tier : tail.length - 1];
        if (eligible == 0) return amount; // no exposed class has NAV
        uint256 net = amount - toTreasury;
        if (net != 0) Waterfall.splitByNavInto(net, b.navs, tier, eligible, b.junior, b.add);
    }

    function _writeParams(Class storage c, IYieldClasses.ClassParams calldata p) private {
        c.minCoverBps = p.minCoverBps;
        c.redeemDelay = p.redeemDelay;
        _setFlag(c, CLASS_CAPPED, p.depositCap != 0);
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
