// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IClassFace} from "./interfaces/IClassFace.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";
import {IServiceRegistry} from "./interfaces/IServiceRegistry.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS} from "./libraries/Constants.sol";
import {SharesMath} from "./libraries/SharesMath.sol";
import {PoolSettlement} from "./pool/PoolSettlement.sol";
import {RewardsVault} from "./vaults/RewardsVault.sol";

/// @title CascadePool
/// @notice The ETH and class ledger (docs/architecture.md): buffered and reserved ETH, every
/// class's NAV/supply/parameters, every class balance and the redemption requests. Deposits,
/// transfers (through each class's ClassToken face), redemption requests and claims run here and
/// touch no other proxy. Class administration, the report's money steps, finalization, the ETH
/// the router and the registry move, and service debt and payouts run in PoolExtension by
/// DELEGATECALL on this storage (cold paths: they keep this contract small); an executed slash's
/// settlement runs here (PoolSettlement's helpers, shared with PoolExtension).
contract CascadePool is CascadeUpgradeable, PoolSettlement, ICascadePool, IERC20Errors {
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
        uint256 word = b[from];
        uint256 balance = uint128(word); // the high bits are the holder's request key
        require(balance >= amount, ERC20InsufficientBalance(from, balance, amount));
        unchecked {
            b[from] = word - amount;
        }
        b[to] += amount; // ≤ the supply, a uint128: never reaches the key
    }

    /// @inheritdoc ICascadePool
    function balanceOf(address holder, uint256 classId) external view returns (uint256) {
        PoolStore storage $ = _s();
        uint256 balance = uint128($.balances[classId][holder]);
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
        uint256 index = _pushRequest($.queues[classId], assets, shares);
        // The shares move into the class queue's escrow (they stay in the supply until finalized).
        uint256 key = _escrow($.balances[classId], owner, controller, shares, index);
        requestId = _requestId(controller, classId, index);
        _storeRequest($.requests[classId][index], key, assets, shares);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
        // The face spends the caller's allowance when it is not the owner (reverting the whole
        // request without one) and emits the escrow's Transfer.
        IClassFace(face).emitTransfer(msg.sender, owner, address(this), shares);
    }

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256 requestId, address receiver) external returns (uint256 assets) {
        PoolStore storage $ = _s();
        require(receiver != address(0), ZeroAddress());
        // The id names the controller; the request's slot holds the controller's key, which
        // only the controller's own balance word holds. A slot is zero before the request and
        // after its claim.
        (address controller, uint256 classId, uint256 index) = _decodeId(requestId);
        StoredRequest storage r = $.requests[classId][index];
        uint256 packed = _loadRequest(r);
        if (
            controller != msg.sender ||
            packed == 0 ||
            uint32(packed >> REQ_KEY_SHIFT) != _keyOf($, classId, msg.sender)
        ) _refuseClaim($, requestId, packed);
        require(packed & REQ_FINALIZED != 0, NotFinalized(requestId));
        assets = uint88(packed);
        assembly {
            sstore(r.slot, 0) // the 4,800 refund
        }
        $.reserved -= uint128(assets);
        emit Claimed(requestId, msg.sender, receiver, assets);
        // Slot cleared first: a reentrant claim reverts AlreadyClaimed. A receiver that rejects
        // ETH reverts the whole call, so the request stays claimable.
        (bool ok, ) = receiver.call{value: assets}("");
        require(ok, EthTransferFailed(receiver, assets));
    }

    /// @dev The class's face and what `shares` are worth now, read with one SLOAD of each of the
    /// class's two first slots; reverts `UnknownClass` (no face) and `RedeemBelowMinimum`.
    /// Marks the class's queue as holding requests (CLASS_QUEUED) when it was empty.
    function _valueAtRequest(
        PoolStore storage $,
        uint256 classId,
        uint256 shares
    ) private returns (address face, uint256 assets) {
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
        if (head & CLASS_QUEUED == 0) {
            assembly {
                sstore(c.slot, or(head, CLASS_QUEUED))
            }
        }
    }

    /// @dev Moves `shares` from `owner`'s balance to the queue's escrow (`_pushRequest` counted
    /// them) and returns the controller's request key, giving the controller one (this
    /// request's index + 1) if it has none: written into the owner's balance word, which the
    /// escrow rewrites anyway, or into another controller's.
    function _escrow(
        mapping(address => uint256) storage b,
        address owner,
        address controller,
        uint256 shares,
        uint256 index
    ) private returns (uint256 key) {
        uint256 word = b[owner];
        uint256 balance = uint128(word);
        require(balance >= shares, ERC20InsufficientBalance(owner, balance, shares));
        unchecked {
            word -= shares;
        }
        if (controller == owner) {
            key = word >> KEY_SHIFT;
            if (key == 0) {
                key = index + 1; // ≤ 2^32 − 1: _pushRequest checked index + 1 fits the count
                word |= key << KEY_SHIFT;
            }
            b[owner] = word;
            return key;
        }
        b[owner] = word;
        uint256 other = b[controller];
        key = other >> KEY_SHIFT;
        if (key == 0) {
            key = index + 1;
            b[controller] = other | (key << KEY_SHIFT);
        }
    }

    /// @dev Why a claim fails when the id's controller is not the caller or its slot does not
    /// match: no request at that position (`UnknownRequest`), one already claimed (its slot is
    /// cleared), an id whose controller is not the request's (`UnknownRequest`), or another
    /// controller's request (`NotController`).
    function _refuseClaim(PoolStore storage $, uint256 requestId, uint256 packed) private view {
        (address controller, uint256 classId, uint256 index) = _decodeId(requestId);
        require(packed != 0 || index >= $.queues[classId].length, AlreadyClaimed(requestId));
        require(
            packed != 0 && uint32(packed >> REQ_KEY_SHIFT) == _keyOf($, classId, controller),
            UnknownRequest(requestId)
        );
        revert NotController(requestId, msg.sender);
    }

    /// @dev A request by id: its slot (0 once claimed) and controller. Reverts `UnknownRequest`
    /// for a position never used, or an id whose controller's key is not the request's.
    function _request(uint256 requestId) private view returns (uint256 packed, address controller) {
        PoolStore storage $ = _s();
        uint256 classId;
        uint256 index;
        (controller, classId, index) = _decodeId(requestId);
        packed = _loadRequest($.requests[classId][index]);
        if (packed == 0) {
            require(index < $.queues[classId].length, UnknownRequest(requestId));
            return (0, address(0)); // claimed
        }
        require(uint32(packed >> REQ_KEY_SHIFT) == _keyOf($, classId, controller), UnknownRequest(requestId));
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
    function applyReport(
        ReportMoney calldata money
    ) external returns (uint256[] memory feeEth, uint256[] memory navs) {
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

    /// @dev Transient slot: the vault `pullFromVaults` is pulling from, the only sender whose
    /// ETH `receive` takes (keccak256("cascade.transient.CascadePool.pullingVault") - 1).
    bytes32 private constant PULLING_VAULT_SLOT =
        0xc0fdc809e198c53f19d4f1ca427ccbb24d80af7b5a3cdd4e469eec3ebaec4334;

    /// @inheritdoc ICascadePool
    function pullFromVaults(
        address withdrawalVault,
        uint256 withdrawn,
        address elVault,
        uint256 elRewards
    ) external {
        PoolStore storage $ = _s();
        require(msg.sender == $.accounting, NotAuthorized(msg.sender));
        uint256 before = address(this).balance;
        _pull(withdrawalVault, withdrawn);
        _pull(elVault, elRewards);
        // Book exactly what Accounting asked for, and only if exactly that arrived.
        uint256 total = withdrawn + elRewards;
        require(address(this).balance - before == total, EthTransferFailed(address(this), total));
        if (total != 0) _setBuffered($, uint256($.buffered) + total);
    }

    /// @dev One vault pays `amount` into this contract, which accepts it in `receive` because
    /// the vault is named in the transient slot for the call's duration only.
    function _pull(address vault, uint256 amount) private {
        if (amount == 0) return;
        assembly ("memory-safe") {
            tstore(PULLING_VAULT_SLOT, vault)
        }
        RewardsVault(payable(vault)).payPool(amount);
        assembly ("memory-safe") {
            tstore(PULLING_VAULT_SLOT, 0)
        }
    }

    /// @dev Transient slot: the bond charge received from the module the registry is slashing,
    /// booked (and cleared) by `settleSlash` in the same execution of the registry's
    /// (keccak256("cascade.transient.CascadePool.slashBond") - 1).
    bytes32 private constant SLASH_BOND_SLOT =
        0x6c8700900fe8d569e6fc01c2364fba22ff04260e349e3182bb32d01671eb306d;

    /// @notice Takes ETH only from the vault `pullFromVaults` is pulling from, while it pulls,
    /// or from the module the registry is slashing, while its `onSlash` runs (its bond charge,
    /// counted for `settleSlash`); everything else (strangers, donations, a vault or a module
    /// paying on its own) reverts, so no ETH joins the pool unbooked.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        address vault;
        assembly ("memory-safe") {
            vault := tload(PULLING_VAULT_SLOT)
        }
        if (vault == address(0)) {
            // The registry's slot: `settleSlash` reads it next, warm (and the payout total in it).
            // Before a registry is linked no module can be slashing.
            IServiceRegistry registry = _s().registry;
            address module = address(registry) == address(0) ? address(0) : registry.slashingModule();
            require(module != address(0) && msg.sender == module, NotAuthorized(msg.sender));
            assembly ("memory-safe") {
                tstore(SLASH_BOND_SLOT, add(tload(SLASH_BOND_SLOT), callvalue()))
            }
            return;
        }
        require(msg.sender == vault, NotAuthorized(msg.sender));
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
    function settleSlash(
        address recipient,
        uint256 amount,
        uint256 fromClass,
        uint256 bond
    ) external returns (uint256 classLoss) {
        PoolStore storage $ = _s();
        // The registry, in its executeSlash (the slot the payout total is in).
        require(msg.sender == address($.registry), NotAuthorized(msg.sender));
        // Exactly the charge the module returned must have reached `receive` from it.
        uint256 received;
        assembly ("memory-safe") {
            received := tload(SLASH_BOND_SLOT)
            tstore(SLASH_BOND_SLOT, 0)
        }
        require(received == bond, EthTransferFailed(address(this), bond));
        // Checked: a module that charged (and sent) more than the slash X reverts here.
        if (amount != bond) classLoss = _takeSlashLoss($, amount - bond, fromClass);
        (uint256 b, uint256 total) = _readHot($);
        // The bond charge joins buffered, then the slash is paid from it (as bookBondCover then
        // payServiceSlash did): one write of the hot slot, none when neither moved.
        uint256 held = b + bond;
        uint256 left = held - _owe($, recipient, bond + classLoss, held);
        if (left != b || classLoss != 0) _writeHot($, left, total - classLoss);
        if (left != b) emit BufferedChanged(left);
        _credit($, recipient, held - left);
    }

    /// @inheritdoc ICascadePool
    function repayDebt() external returns (uint256 repaid) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function claimServicePayout() external returns (uint256 amount) {
        _delegate();
    }

    /// @inheritdoc ICascadePool
    function openPayout(address recipient) external {
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
        info = ClassInfo(c.face, c.nav, c.supply, _params(c), _isOpen(c), _isWiped(c));
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
        (uint256 packed, address c) = _request(requestId);
        // A claimed request reads as zero: no controller, not even address(0), has it pending.
        return
            packed != 0 && c == controller && packed & REQ_FINALIZED == 0
                ? uint88(packed >> REQ_SHARES_SHIFT)
                : 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        (uint256 packed, address c) = _request(requestId);
        return c == controller && packed & REQ_FINALIZED != 0 ? uint88(packed >> REQ_SHARES_SHIFT) : 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory) {
        (uint256 packed, address c) = _request(requestId);
        if (packed == 0) return Request(address(0), 0, true, true, 0, 0); // claimed
        return
            Request(
                c,
                uint40(packed >> REQ_TIME_SHIFT),
                packed & REQ_FINALIZED != 0,
                false,
                uint88(packed >> REQ_SHARES_SHIFT),
                uint88(packed)
            );
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
        return _s().payouts[recipient] & ~PAYOUT_OPEN;
    }

    /// @inheritdoc ICascadePool
    function servicePayoutsTotal() external view returns (uint256) {
        return _s().payoutsTotal;
    }

    /// @inheritdoc ICascadePool
    function unbookedServiceRewards() external view returns (uint256) {
        return _s().serviceRewards;
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
