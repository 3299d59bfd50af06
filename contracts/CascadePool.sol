// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IClassFace} from "./interfaces/IClassFace.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS} from "./libraries/Constants.sol";
import {SharesMath} from "./libraries/SharesMath.sol";
import {PoolStorage} from "./pool/PoolStorage.sol";

/// @title CascadePool
/// @notice The ETH and class ledger (docs/architecture.md): buffered and reserved ETH, every
/// class's NAV/supply/parameters, every class balance and the redemption requests. Deposits,
/// transfers (through each class's ClassToken face), redemption requests and claims run here and
/// touch no other proxy. Class administration, the report's money steps, finalization, the ETH
/// the router and the registry move, and service debt and payouts run in PoolExtension by
/// DELEGATECALL on this storage (cold paths: they keep this contract small).
contract CascadePool is CascadeUpgradeable, PoolStorage, ICascadePool, IERC20Errors {
    bytes32 public constant CLASS_MANAGER_ROLE = keccak256("CLASS_MANAGER_ROLE");

    /// @dev Code run by DELEGATECALL on this contract's storage; fixed per implementation, so an
    /// upgrade replaces both together.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable EXTENSION;

    /// @param extension_ the PoolExtension deployed with this implementation
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        require(extension_ != address(0), ZeroAddress());
        EXTENSION = extension_;
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param classManager CLASS_MANAGER_ROLE
    /// @param minRedeemDelay_ floor under every class's redemption delay
    /// @param router the StakingRouter (bookInflow, withdrawForDeposit)
    function initialize(
        address admin,
        address classManager,
        uint256 minRedeemDelay_,
        address router
    ) external initializer {
        __Cascade_init(admin);
        require(router != address(0), ZeroAddress());
        _grantRole(CLASS_MANAGER_ROLE, classManager);
        PoolStore storage $ = _s();
        $.router = router;
        $.minRedeemDelay = SafeCast.toUint32(minRedeemDelay_);
        emit MinRedeemDelaySet(minRedeemDelay_);
    }

    // ---------------------------------------------------------------- depositors

    /// @inheritdoc ICascadePool
    function deposit(
        uint256 classId,
        address receiver,
        uint256 minShares
    ) external payable returns (uint256 shares) {
        PoolStore storage $ = _s();
        require(receiver != address(0), ZeroAddress());
        require(msg.value != 0, ZeroAmount());
        Class storage c = $.classes[classId];
        // Each of the class's two first slots and the hot slot is read once (one SLOAD each).
        uint256 head = _readHead(c);
        address face = address(uint160(head)); // a class that exists has a face
        require(face != address(0), UnknownClass(classId));
        require(head & CLASS_WIPED == 0, ClassIsWiped(classId));
        require(head & CLASS_OPEN != 0, ClassClosed(classId));
        (uint256 nav, uint256 supply) = _readBook(c);
        shares = SharesMath.toSharesDown(msg.value, nav, supply);
        require(shares != 0, ZeroShares());
        require(shares >= minShares, Slippage(shares, minShares));
        nav += msg.value;
        if (head & CLASS_CAPPED != 0) {
            uint256 cap = c.depositCap;
            require(nav <= cap, DepositCapExceeded(classId, nav, cap));
        }
        (uint256 buffered_, uint256 total) = _readHot($);
        total += msg.value;
        // Only this class's cover can fall: more senior classes gain junior capital. The junior
        // NAV is the total less this class and the ones above it (none above class 0).
        uint256 minCover = uint16(head >> CLASS_COVER_SHIFT);
        if (minCover != 0) {
            uint256 notJunior = nav;
            for (uint256 j; j < classId; ++j) notJunior += $.classes[j].nav;
            uint256 junior = total - notJunior;
            require(junior * BPS >= nav * minCover, CoverTooLow(classId, (junior * BPS) / nav, minCover));
        }
        _writeBook(c, nav, supply + shares);
        // total ≤ Σ of the uint128 class NAVs: checked with them in _writeHot.
        _writeHot($, buffered_ + msg.value, total);
        $.balances[classId][receiver] += shares;
        emit Deposited(classId, receiver, msg.value, shares);
        IClassFace(face).emitMint(receiver, shares);
    }

    /// @inheritdoc ICascadePool
    function faceTransfer(uint256 classId, address from, address to, uint256 amount) external {
        PoolStore storage $ = _s();
        // An unknown class has no face (address zero), so this also bounds classId.
        require(msg.sender == $.classes[classId].face, NotFace(classId, msg.sender));
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        mapping(address => uint256) storage b = $.balances[classId];
        uint256 balance = b[from];
        require(balance >= amount, ERC20InsufficientBalance(from, balance, amount));
        unchecked {
            b[from] = balance - amount;
        }
        b[to] += amount;
    }

    /// @inheritdoc ICascadePool
    function balanceOf(address holder, uint256 classId) external view returns (uint256) {
        PoolStore storage $ = _s();
        uint256 balance = $.balances[classId][holder];
        return holder == address(this) ? balance + $.queues[classId].escrowed : balance;
    }

    /// @inheritdoc ICascadePool
    function totalSupply(uint256 classId) external view returns (uint256) {
        return _s().classes[classId].supply;
    }

    // ---------------------------------------------------------------- redemptions

    /// @inheritdoc IWithdrawalQueue
    function requestRedeem(
        uint256 classId,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 requestId) {
        PoolStore storage $ = _s();
        require(shares != 0, ZeroShares());
        require(controller != address(0), ZeroAddress());
        (address face, uint256 assets) = _valueAtRequest($, classId, shares);
        // The shares move into the class queue's escrow (they stay in the supply until finalized).
        mapping(address => uint256) storage b = $.balances[classId];
        uint256 balance = b[owner];
        require(balance >= shares, ERC20InsufficientBalance(owner, balance, shares));
        unchecked {
            b[owner] = balance - shares;
        }
        uint256 index = _pushRequest($.queues[classId], assets, shares);
        requestId = (classId << INDEX_BITS) | index;
        _storeRequest($.requests[classId][index], controller, assets, shares);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
        // The face spends the caller's allowance when it is not the owner (reverting the whole
        // request without one) and emits the escrow's Transfer.
        IClassFace(face).emitTransfer(msg.sender, owner, address(this), shares);
    }

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256 requestId, address receiver) external returns (uint256 assets) {
        PoolStore storage $ = _s();
        require(receiver != address(0), ZeroAddress());
        // One slot read and cleared: the head (controller, amount, finalized flag). The msg.sender
        // check also proves the request exists and is unclaimed (a head is zero only before the
        // request and after its claim; msg.sender is never zero).
        StoredRequest storage r = _requestAt(requestId);
        RequestHead memory h = r.head;
        if (h.controller != msg.sender) _refuseClaim(r, requestId);
        require(h.finalized, NotFinalized(requestId));
        assets = h.assets;
        delete r.head;
        $.reserved -= uint128(assets);
        emit Claimed(requestId, msg.sender, receiver, assets);
        // Head cleared first: a reentrant claim reverts AlreadyClaimed. A receiver that rejects
        // ETH reverts the whole call, so the request stays claimable.
        (bool ok, ) = receiver.call{value: assets}("");
        require(ok, EthTransferFailed(receiver, assets));
    }

    /// @dev The class's face and what `shares` are worth now, read with one SLOAD of each of the
    /// class's two first slots; reverts `UnknownClass` (no face) and `RedeemBelowMinimum`.
    function _valueAtRequest(
        PoolStore storage $,
        uint256 classId,
        uint256 shares
    ) private view returns (address face, uint256 assets) {
        Class storage c = $.classes[classId];
        uint256 head = _readHead(c);
        face = address(uint160(head)); // a class that exists has a face
        require(face != address(0), UnknownClass(classId));
        (uint256 nav, uint256 supply) = _readBook(c);
        assets = SharesMath.toAssetsDown(shares, nav, supply);
        // Dust requests would cost the reports gas and everyone behind them time; a wiped
        // class (worth 0) stays redeemable so its holders can burn their shares.
        uint256 minimum = $.minRedeemAssets;
        require(assets >= minimum || head & CLASS_WIPED != 0, RedeemBelowMinimum(classId, assets, minimum));
    }

    /// @dev Why a claim by someone other than the request's controller fails: a request never
    /// made (`UnknownRequest`), one already claimed (its head is cleared), another controller's.
    function _refuseClaim(StoredRequest storage r, uint256 requestId) private view {
        require(r.requestedAt != 0, UnknownRequest(requestId));
        address controller = r.head.controller;
        require(controller != address(0), AlreadyClaimed(requestId));
        revert NotController(requestId, msg.sender);
    }

    // ---------------------------------------------------------------- cold paths (PoolExtension)
    // Parameters are named (though PoolExtension reads them) so the ABI carries the names that
    // wallets, the SDK's decoder and `cascade gov --dry-run` show.

    /// @inheritdoc IYieldClasses
    function addClass(
        address token,
        ClassParams calldata params
    ) external onlyRole(CLASS_MANAGER_ROLE) returns (uint256) {
        _delegate();
    }

    /// @inheritdoc IYieldClasses
    function setClassParams(
        uint256 classId,
        ClassParams calldata params
    ) external onlyRole(CLASS_MANAGER_ROLE) {
        _delegate();
    }

    /// @inheritdoc IYieldClasses
    function setClassOpen(uint256 classId, bool open) external onlyRole(CLASS_MANAGER_ROLE) {
        _delegate();
    }

    /// @inheritdoc IYieldClasses
    function setMinRedeemDelay(uint256 delay) external onlyRole(CLASS_MANAGER_ROLE) {
        _delegate();
    }

    /// @inheritdoc IWithdrawalQueue
    function setMinRedeemAssets(uint256 minimum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function setAccounting(address accounting) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function setServiceRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _delegate();
    }

    /// @inheritdoc IYieldClasses
    function applyReport(ReportMoney calldata money) external returns (uint256[] memory feeEth) {
        _delegate();
    }

    /// @inheritdoc IYieldClasses
    function applySlashLoss(uint256 amount, uint256 fromClass) external returns (uint256 unabsorbed) {
        _delegate();
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 budget, uint256 maxRequests) external returns (uint256 total) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function bookInflow() external payable {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function withdrawForDeposit(uint256 amount) external {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function receiveServiceRewards() external payable {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function payServiceSlash(address recipient, uint256 amount) external {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function repayDebt() external returns (uint256 repaid) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function claimServicePayout() external returns (uint256 amount) {
        _delegate();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IYieldClasses
    function classCount() external view returns (uint256) {
        return _s().classCount;
    }

    /// @inheritdoc IYieldClasses
    function getClass(uint256 classId) external view returns (ClassInfo memory info) {
        Class storage c = _class(classId);
        info = ClassInfo(c.face, c.nav, c.supply, _params(c), c.open, c.wiped);
    }

    /// @inheritdoc IYieldClasses
    function navOf(uint256 classId) external view returns (uint256) {
        return _class(classId).nav;
    }

    /// @inheritdoc IYieldClasses
    function navs() external view returns (uint256[] memory) {
        return _navs();
    }

    /// @inheritdoc IYieldClasses
    function totalNav() external view returns (uint256) {
        return _s().totalNav;
    }

    /// @inheritdoc IYieldClasses
    function convertToAssets(uint256 classId, uint256 shares) external view returns (uint256) {
        Class storage c = _class(classId);
        return SharesMath.toAssetsDown(shares, c.nav, c.supply);
    }

    /// @inheritdoc IYieldClasses
    function convertToShares(uint256 classId, uint256 assets) external view returns (uint256) {
        Class storage c = _class(classId);
        return SharesMath.toSharesDown(assets, c.nav, c.supply);
    }

    /// @inheritdoc IYieldClasses
    function minRedeemDelay() external view returns (uint256) {
        return _s().minRedeemDelay;
    }

    /// @inheritdoc IWithdrawalQueue
    function minRedeemAssets() external view returns (uint256) {
        return _s().minRedeemAssets;
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        StoredRequest storage r = _request(requestId);
        RequestHead memory h = r.head;
        // A claimed request's head is zero: no controller, not even address(0), has it pending.
        return h.controller == controller && controller != address(0) && !h.finalized ? r.shares : 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        StoredRequest storage r = _request(requestId);
        RequestHead memory h = r.head;
        return h.controller == controller && h.finalized ? r.shares : 0; // claimed: finalized is cleared
    }

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory) {
        StoredRequest storage r = _request(requestId);
        RequestHead memory h = r.head;
        bool claimed = h.controller == address(0);
        return Request(h.controller, r.requestedAt, h.finalized || claimed, claimed, r.shares, h.assets);
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingDemand() external view returns (uint256) {
        return _pendingDemand(_s());
    }

    /// @inheritdoc IWithdrawalQueue
    function reserved() external view returns (uint256) {
        return _s().reserved;
    }

    /// @inheritdoc IWithdrawalQueue
    function requestCount(uint256 classId) external view returns (uint256 total, uint256 head) {
        Queue storage q = _s().queues[classId];
        return (q.length, q.head);
    }

    /// @inheritdoc ICascadePool
    function buffered() external view returns (uint256) {
        return _s().buffered;
    }

    /// @inheritdoc ICascadePool
    function depositable() external view returns (uint256) {
        return _depositable(_s());
    }

    /// @inheritdoc ICascadePool
    function debt() external view returns (uint256) {
        return _s().debt;
    }

    /// @inheritdoc ICascadePool
    function servicePayoutOf(address recipient) external view returns (uint256) {
        return _s().payouts[recipient];
    }

    /// @inheritdoc ICascadePool
    function servicePayoutsTotal() external view returns (uint256) {
        return _s().payoutsTotal;
    }

    /// @inheritdoc ICascadePool
    function extension() external view returns (address) {
        return EXTENSION;
    }

    /// @inheritdoc ICascadePool
    function links() external view returns (address router, address accounting) {
        PoolStore storage $ = _s();
        return ($.router, $.accounting);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Runs PoolExtension's code on this contract's storage with the calldata as received
    /// and returns or reverts with its result (same ABI as the forwarding function).
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function _delegate() private {
        address impl = EXTENSION;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }
}
