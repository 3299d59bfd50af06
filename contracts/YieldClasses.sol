// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ClassToken} from "./ClassToken.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IServiceRegistry} from "./interfaces/IServiceRegistry.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS, MAX_CLASSES} from "./libraries/Constants.sol";
import {SharesMath} from "./libraries/SharesMath.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Waterfall} from "./libraries/Waterfall.sol";

/// @title YieldClasses
/// @notice The tranche book: NAV and supply of every class, deposits with the cover rule,
/// the report waterfall (fees, split, premium, service rewards, junior-first losses) and
/// redemption burns. Holds no ETH: the router does.
contract YieldClasses is CascadeUpgradeable, IYieldClasses {
    bytes32 public constant CLASS_MANAGER_ROLE = keccak256("CLASS_MANAGER_ROLE");

    struct Class {
        ClassToken token;
        ClassParams params;
        bool open;
        bool wiped;
        uint128 nav; // nav and supply share one slot: a deposit writes it once
        uint128 supply;
    }

    /// @custom:storage-location erc7201:cascade.storage.YieldClasses
    struct BookStorage {
        address router;
        address accounting;
        address queue;
        uint32 minRedeemDelay;
        Class[] classes;
        IServiceRegistry registry;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.YieldClasses")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0xb47d306947784e9ab7dc168ae22f7c55f9fce4924029268e9e5bccd8e2619900;

    function _s() private pure returns (BookStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param classManager CLASS_MANAGER_ROLE
    /// @param minRedeemDelay_ floor under every class's redemption delay
    function initialize(address admin, address classManager, uint256 minRedeemDelay_) external initializer {
        __Cascade_init(admin);
        _grantRole(CLASS_MANAGER_ROLE, classManager);
        _s().minRedeemDelay = SafeCast.toUint32(minRedeemDelay_);
        emit MinRedeemDelaySet(minRedeemDelay_);
    }

    /// @notice Wires the router, accounting and queue once. DEFAULT_ADMIN_ROLE.
    function setLinks(
        address router,
        address accounting,
        address queue
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        BookStorage storage $ = _s();
        require($.router == address(0), AlreadyLinked());
        require(router != address(0) && accounting != address(0) && queue != address(0), ZeroAddress());
        ($.router, $.accounting, $.queue) = (router, accounting, queue);
        emit LinksSet(router, accounting, queue);
    }

    /// @notice Links the ServiceRegistry once, so class parameter changes respect the §8
    /// redemption-delay rule. DEFAULT_ADMIN_ROLE.
    function setServiceRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        BookStorage storage $ = _s();
        require(address($.registry) == address(0), AlreadyLinked());
        require(registry != address(0), ZeroAddress());
        $.registry = IServiceRegistry(registry);
        emit ServiceRegistrySet(registry);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IYieldClasses
    function addClass(
        address token,
        ClassParams calldata params
    ) external onlyRole(CLASS_MANAGER_ROLE) returns (uint256 classId) {
        BookStorage storage $ = _s();
        classId = $.classes.length;
        require(classId < MAX_CLASSES, TooManyClasses(MAX_CLASSES));
        ClassToken t = ClassToken(token);
        require(
            address(t.BOOK()) == address(this) && t.CLASS_ID() == classId && t.totalSupply() == 0,
            BadToken(token)
        );
        _checkParams(classId, params);
        Class storage c = $.classes.push();
        c.token = t;
        c.params = params;
        c.open = true;
        emit ClassAdded(classId, token, params);
    }

    /// @inheritdoc IYieldClasses
    function setClassParams(
        uint256 classId,
        ClassParams calldata params
    ) external onlyRole(CLASS_MANAGER_ROLE) {
        Class storage c = _class(classId);
        _checkParams(classId, params);
        c.params = params;
        emit ClassParamsSet(classId, params);
    }

    /// @inheritdoc IYieldClasses
    function setClassOpen(uint256 classId, bool open) external onlyRole(CLASS_MANAGER_ROLE) {
        Class storage c = _class(classId);
        require(!c.wiped, ClassIsWiped(classId));
        c.open = open;
        emit ClassOpenSet(classId, open);
    }

    /// @inheritdoc IYieldClasses
    function setMinRedeemDelay(uint256 delay) external onlyRole(CLASS_MANAGER_ROLE) {
        BookStorage storage $ = _s();
        for (uint256 k; k < $.classes.length; ++k) {
            uint256 d = $.classes[k].params.redeemDelay;
            require(d >= delay, RedeemDelayTooShort(k, d, delay));
        }
        $.minRedeemDelay = SafeCast.toUint32(delay);
        emit MinRedeemDelaySet(delay);
    }

    // ---------------------------------------------------------------- protocol

    /// @inheritdoc IYieldClasses
    function onDeposit(
        uint256 classId,
        address receiver,
        uint256 assets,
        uint256 minShares
    ) external returns (uint256 shares) {
        BookStorage storage $ = _s();
        require(msg.sender == $.router, NotAuthorized(msg.sender));
        require(receiver != address(0), ZeroAddress());
        require(assets != 0, ZeroAmount());
        Class storage c = _class(classId);
        require(!c.wiped, ClassIsWiped(classId));
        require(c.open, ClassClosed(classId));
        uint256 nav = c.nav;
        uint256 supply = c.supply;
        shares = SharesMath.toSharesDown(assets, nav, supply);
        require(shares != 0, ZeroShares());
        require(shares >= minShares, Slippage(shares, minShares));
        nav += assets;
        uint256 cap = c.params.depositCap;
        require(cap == 0 || nav <= cap, DepositCapExceeded(classId, nav, cap));
        // Only this class's cover can fall: more senior classes gain junior capital.
        uint256 minCover = c.params.minCoverBps;
        if (minCover != 0) {
            uint256 junior;
            for (uint256 j = classId + 1; j < $.classes.length; ++j) junior += $.classes[j].nav;
            require(junior * BPS >= nav * minCover, CoverTooLow(classId, (junior * BPS) / nav, minCover));
        }
        c.nav = SafeCast.toUint128(nav);
        c.supply = SafeCast.toUint128(supply + shares);
        emit Deposited(classId, receiver, assets, shares);
        c.token.mint(receiver, shares);
    }

    /// @inheritdoc IYieldClasses
    function applyReport(
        ReportMoney calldata m
    ) external returns (uint256[] memory feeEth, uint256 treasuryEth) {
        BookStorage storage $ = _s();
        require(msg.sender == $.accounting, NotAuthorized(msg.sender));
        require(m.fees.length == m.feeRecipients.length, LengthMismatch());
        require(m.servicePaid.length == m.serviceTiers.length, LengthMismatch());
        uint256 k = $.classes.length;
        require(k != 0, UnknownClass(0));
        uint256[] memory navs0 = navs();
        uint256[] memory add = new uint256[](k);

        // 4. Staking split on start-of-report NAVs; 5. premiums on that split.
        (uint256[] memory parts, bool distributed) = Waterfall.splitByNavDown(m.rewardsNet, navs0, 0);
        {
            (uint256[] memory paid, uint256[] memory received) = Waterfall.premiumsDown(
                parts,
                navs0,
                _paramsU16(0),
                _paramsU16(1),
                _paramsU16(2)
            );
            for (uint256 i; i < k; ++i) add[i] = parts[i] - paid[i] + received[i];
        }
        // 3. Fees (and 6. service fees) as shares of the most senior class that is not wiped, each
        // at its pre-report price; with every class wiped they are owed as ETH instead (§5).
        uint256 t = _feeClass();
        feeEth = new uint256[](m.fees.length);
        uint256 feeAssets;
        uint256 feeShares;
        for (uint256 i; i < m.fees.length; ++i) {
            if (t == k) feeEth[i] = m.fees[i];
            else feeShares += _mintFeeAt(m.feeRecipients[i], m.fees[i], t, navs0[t]);
            feeAssets += m.fees[i];
        }
        if (!distributed && m.rewardsNet != 0) {
            if (t == k) treasuryEth = m.rewardsNet;
            else feeShares += _mintFeeAt(m.treasury, m.rewardsNet, t, navs0[t]);
            feeAssets += m.rewardsNet;
        }
        {
            (uint256 sAssets, uint256 sShares) = _serviceRewards(m, navs0, add, t);
            feeAssets += sAssets;
            feeShares += sShares;
            if (t == k) treasuryEth += sAssets;
        }
        // Book all additions, then 7. the loss junior first.
        uint256[] memory newNavs = new uint256[](k);
        for (uint256 i; i < k; ++i) newNavs[i] = navs0[i] + add[i];
        if (t != k) newNavs[t] += feeAssets;
        Waterfall.absorbLossJuniorFirst(newNavs, m.loss);
        for (uint256 i; i < k; ++i) {
            Class storage c = $.classes[i];
            uint256 supply = i == t ? c.supply + feeShares : c.supply;
            _setNav(i, c, newNavs[i], supply);
        }
    }

    /// @inheritdoc IYieldClasses
    function applySlashLoss(uint256 amount, uint256 fromClass) external returns (uint256 unabsorbed) {
        BookStorage storage $ = _s();
        require(msg.sender == $.accounting, NotAuthorized(msg.sender));
        uint256 k = $.classes.length;
        uint256[] memory n = navs();
        unabsorbed = amount;
        // Exposed classes first (junior up to `fromClass`), then the ones above, junior first.
        for (uint256 i = k; i > fromClass && unabsorbed != 0; --i) unabsorbed = _take(n, i - 1, unabsorbed);
        for (uint256 i = fromClass; i > 0 && unabsorbed != 0; --i) unabsorbed = _take(n, i - 1, unabsorbed);
        for (uint256 i; i < k; ++i) {
            Class storage c = $.classes[i];
            if (n[i] != c.nav) {
                emit ClassLossTaken(i, c.nav - n[i]);
                _setNav(i, c, n[i], c.supply);
            }
        }
    }

    /// @inheritdoc IYieldClasses
    function burnForRedemption(uint256 classId, uint256 shares, uint256 assets) external {
        BookStorage storage $ = _s();
        require(msg.sender == $.queue, NotAuthorized(msg.sender));
        Class storage c = _class(classId);
        c.nav -= SafeCast.toUint128(assets);
        c.supply -= SafeCast.toUint128(shares);
        emit RedemptionBurned(classId, shares, assets);
        emit ClassNavChanged(classId, c.nav, c.supply);
        c.token.burn(msg.sender, shares);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IYieldClasses
    function classCount() external view returns (uint256) {
        return _s().classes.length;
    }

    /// @inheritdoc IYieldClasses
    function getClass(uint256 classId) external view returns (ClassInfo memory info) {
        Class storage c = _class(classId);
        info = ClassInfo(address(c.token), c.nav, c.supply, c.params, c.open, c.wiped);
    }

    /// @inheritdoc IYieldClasses
    function navOf(uint256 classId) external view returns (uint256) {
        return _class(classId).nav;
    }

    /// @inheritdoc IYieldClasses
    function navs() public view returns (uint256[] memory n) {
        Class[] storage cs = _s().classes;
        n = new uint256[](cs.length);
        for (uint256 i; i < cs.length; ++i) n[i] = cs[i].nav;
    }

    /// @inheritdoc IYieldClasses
    function totalNav() external view returns (uint256 total) {
        Class[] storage cs = _s().classes;
        for (uint256 i; i < cs.length; ++i) total += cs[i].nav;
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
    function withdrawalQueue() external view returns (address) {
        return _s().queue;
    }

    /// @inheritdoc IYieldClasses
    function minRedeemDelay() external view returns (uint256) {
        return _s().minRedeemDelay;
    }

    /// @notice The router, accounting and queue this book serves.
    function links() external view returns (address router, address accounting, address queue) {
        BookStorage storage $ = _s();
        return ($.router, $.accounting, $.queue);
    }

    // ---------------------------------------------------------------- internal

    function _class(uint256 classId) private view returns (Class storage) {
        Class[] storage cs = _s().classes;
        require(classId < cs.length, UnknownClass(classId));
        return cs[classId];
    }

    function _setNav(uint256 classId, Class storage c, uint256 nav, uint256 supply) private {
        c.nav = SafeCast.toUint128(nav);
        c.supply = SafeCast.toUint128(supply);
        emit ClassNavChanged(classId, nav, supply);
        if (nav == 0 && supply != 0 && !c.wiped) {
            // A zero-NAV class with holders closes for good (DESIGN §5 "wiped class").
            c.wiped = true;
            c.open = false;
            emit ClassWiped(classId, supply);
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
        Class[] storage cs = _s().classes;
        while (t < cs.length && cs[t].wiped) ++t;
    }

    /// @dev Mints the shares of class `t` for one fee at the given pre-report NAV and the class's
    /// current supply (unchanged until the report's shares are booked).
    function _mintFeeAt(
        address to,
        uint256 assets,
        uint256 t,
        uint256 navT
    ) private returns (uint256 shares) {
        Class storage c = _s().classes[t];
        shares = SharesMath.toSharesDown(assets, navT, c.supply);
        if (shares != 0) {
            emit FeeMinted(t, to, assets, shares);
            c.token.mint(to, shares);
        }
    }

    /// @dev Step 6: each service's net reward to the classes it exposes (into `add`), its fee
    /// (or all of it when no exposed class has NAV) to the treasury as shares of class `t`
    /// (none minted when `t` is the class count: the caller owes them as ETH).
    function _serviceRewards(
        ReportMoney calldata m,
        uint256[] memory navs0,
        uint256[] memory add,
        uint256 t
    ) private returns (uint256 feeAssets, uint256 feeShares) {
        bool mint = t < add.length;
        uint256 supplyT = mint ? _s().classes[t].supply : 0;
        for (uint256 s; s < m.servicePaid.length; ++s) {
            (uint256[] memory sp, uint256 toTreasury) = Waterfall.serviceRewardDown(
                m.servicePaid[s],
                m.serviceFeeBps,
                navs0,
                m.serviceTiers[s]
            );
            for (uint256 i; i < add.length; ++i) add[i] += sp[i];
            feeAssets += toTreasury;
            if (!mint) continue;
            // Each service fee is converted on its own (same rounding as one mint per service);
            // the treasury receives their sum in one mint.
            uint256 shares = SharesMath.toSharesDown(toTreasury, navs0[t], supplyT);
            if (shares != 0) emit FeeMinted(t, m.treasury, toTreasury, shares);
            feeShares += shares;
        }
        if (feeShares != 0) _s().classes[t].token.mint(m.treasury, feeShares);
    }

    function _paramsU16(uint256 which) private view returns (uint16[] memory out) {
        Class[] storage cs = _s().classes;
        out = new uint16[](cs.length);
        for (uint256 i; i < cs.length; ++i) {
            ClassParams storage p = cs[i].params;
            out[i] =
                which == 0
                    ? p.basePremiumBps
                    : which == 1
                        ? p.maxPremiumBps
                        : p.minCoverBps;
        }
    }

    function _checkParams(uint256 classId, ClassParams calldata p) private view {
        require(
            p.basePremiumBps <= BPS && p.maxPremiumBps <= BPS && p.minCoverBps <= 10 * BPS,
            InvalidParams(classId)
        );
        BookStorage storage $ = _s();
        uint256 minDelay = $.minRedeemDelay;
        // §8: a class cannot flee a slash it is due: its delay covers every exposed service's
        // slashing + veto window.
        if (address($.registry) != address(0)) {
            uint256 needed = $.registry.requiredRedeemDelay(classId);
            if (needed > minDelay) minDelay = needed;
        }
        require(p.redeemDelay >= minDelay, RedeemDelayTooShort(classId, p.redeemDelay, minDelay));
    }
}
