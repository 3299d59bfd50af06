// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ClassToken} from "./ClassToken.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {SharesMath} from "./libraries/SharesMath.sol";

/// @title WithdrawalQueue
/// @notice ERC-7540-shaped asynchronous redemption paid in ETH (DESIGN §6 step 10).
contract WithdrawalQueue is CascadeUpgradeable, IWithdrawalQueue {
    uint256 private constant INDEX_BITS = 128;

    /// @custom:storage-location erc7201:cascade.storage.WithdrawalQueue
    struct QueueStorage {
        IYieldClasses book;
        address accounting;
        address router;
        uint256 pendingDemand;
        uint256 reserved;
        mapping(uint256 classId => Request[]) requests;
        mapping(uint256 classId => uint256) head; // first unfinalized index
        uint256 minRedeemAssets; // smallest request, in wei of value at request (anti-dust)
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.WithdrawalQueue")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x8002d8747d73ae3c3f5c35a141a1b43777071bac12c373cafb605bc1a3bbf000;

    function _s() private pure returns (QueueStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param book the YieldClasses book
    /// @param accounting the report applier
    /// @param router the ETH custodian that funds finalized requests
    function initialize(
        address admin,
        address book,
        address accounting,
        address router
    ) external initializer {
        __Cascade_init(admin);
        require(book != address(0) && accounting != address(0) && router != address(0), ZeroAddress());
        QueueStorage storage $ = _s();
        $.book = IYieldClasses(book);
        $.accounting = accounting;
        $.router = router;
    }

    /// @inheritdoc IWithdrawalQueue
    function requestRedeem(
        uint256 classId,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 requestId) {
        QueueStorage storage $ = _s();
        require(shares != 0, ZeroShares());
        require(controller != address(0), ZeroAddress());
        IYieldClasses.ClassInfo memory c = $.book.getClass(classId);
        uint256 assets = SharesMath.toAssetsDown(shares, c.nav, c.supply);
        // Dust requests would cost the reports gas and everyone behind them time; a wiped
        // class (worth 0) stays redeemable so its holders can burn their shares.
        uint256 minimum = $.minRedeemAssets;
        require(assets >= minimum || c.wiped, RedeemBelowMinimum(classId, assets, minimum));
        Request[] storage list = $.requests[classId];
        requestId = (classId << INDEX_BITS) | list.length;
        list.push(
            Request(
                controller,
                SafeCast.toUint64(block.timestamp),
                false,
                false,
                SafeCast.toUint128(shares),
                SafeCast.toUint128(assets)
            )
        );
        $.pendingDemand += assets;
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
        // Reverts on missing balance or allowance (ERC-20 errors), undoing the request.
        ClassToken(c.token).escrowForRedeem(owner, msg.sender, shares);
    }

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256 requestId, address receiver) external returns (uint256 assets) {
        QueueStorage storage $ = _s();
        require(receiver != address(0), ZeroAddress());
        Request storage r = _request(requestId);
        require(r.controller == msg.sender, NotController(requestId, msg.sender));
        require(r.finalized, NotFinalized(requestId));
        require(!r.claimed, AlreadyClaimed(requestId));
        r.claimed = true;
        assets = r.assets;
        $.reserved -= assets;
        emit Claimed(requestId, msg.sender, receiver, assets);
        // Claimed flag set first: a reentrant claim reverts AlreadyClaimed. A receiver that
        // rejects ETH reverts the whole call, so the request stays claimable.
        (bool ok, ) = receiver.call{value: assets}("");
        require(ok, EthTransferFailed(receiver, assets));
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 budget, uint256 maxRequests) external returns (uint256 total) {
        QueueStorage storage $ = _s();
        require(msg.sender == $.accounting, NotAuthorized(msg.sender));
        uint256 classes = $.book.classCount();
        if (classes == 0) return 0;
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
        $.reserved += total;
    }

    /// @inheritdoc IWithdrawalQueue
    function setMinRedeemAssets(uint256 minimum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().minRedeemAssets = minimum;
        emit MinRedeemAssetsSet(minimum);
    }

    /// @inheritdoc IWithdrawalQueue
    function minRedeemAssets() external view returns (uint256) {
        return _s().minRedeemAssets;
    }

    /// @dev Finalizes up to `cap` due requests of class `k`, FIFO, within `budget` wei.
    function _finalizeClass(
        uint256 k,
        uint256 budget,
        uint256 cap
    ) private returns (uint256 total, uint256 done) {
        QueueStorage storage $ = _s();
        IYieldClasses.ClassInfo memory c = $.book.getClass(k);
        Request[] storage list = $.requests[k];
        uint256 i = $.head[k];
        uint256 nav = c.nav;
        uint256 supply = c.supply;
        for (; i < list.length && done < cap; ++i) {
            Request storage r = list[i];
            uint256 amount;
            if (!c.wiped) {
                if (block.timestamp - r.requestedAt < c.params.redeemDelay) break;
                amount = SharesMath.redeemAssetsDown(r.shares, r.assets, nav, supply);
                if (amount > budget - total) break;
            }
            $.pendingDemand -= r.assets;
            nav -= amount;
            supply -= r.shares;
            r.assets = SafeCast.toUint128(amount);
            r.finalized = true;
            total += amount;
            ++done;
            emit RedeemFinalized((k << INDEX_BITS) | i, r.shares, amount);
        }
        // One burn per class for all its finalized requests: the book only subtracts, so
        // the end state equals one burn per request, for one call and one set of events.
        if (done != 0) $.book.burnForRedemption(k, c.supply - supply, c.nav - nav);
        $.head[k] = i;
    }

    /// @inheritdoc IWithdrawalQueue
    function fund() external payable {
        require(msg.sender == _s().router, NotAuthorized(msg.sender));
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        Request storage r = _request(requestId);
        return r.controller == controller && !r.finalized ? r.shares : 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        Request storage r = _request(requestId);
        return r.controller == controller && r.finalized && !r.claimed ? r.shares : 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _request(requestId);
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingDemand() external view returns (uint256) {
        return _s().pendingDemand;
    }

    /// @inheritdoc IWithdrawalQueue
    function reserved() external view returns (uint256) {
        return _s().reserved;
    }

    /// @inheritdoc IWithdrawalQueue
    function requestCount(uint256 classId) external view returns (uint256 total, uint256 head) {
        QueueStorage storage $ = _s();
        return ($.requests[classId].length, $.head[classId]);
    }

    function _request(uint256 requestId) private view returns (Request storage) {
        Request[] storage list = _s().requests[requestId >> INDEX_BITS];
        uint256 index = uint128(requestId);
        require(index < list.length, UnknownRequest(requestId));
        return list[index];
    }
}
