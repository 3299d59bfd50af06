// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {IServiceRegistry} from "./interfaces/IServiceRegistry.sol";
import {IStakingModule} from "./interfaces/IStakingModule.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS, DEPOSIT_SIZE, MAX_SERVICES} from "./libraries/Constants.sol";

/// @title ServiceRegistry
/// @notice Restaked services: who secures what, with how much stake, and the slashing path
/// (request → veto window → execution). Losses are booked at execution through Accounting,
/// so nobody can front-run a due slash by redeeming (DESIGN §8, §12).
contract ServiceRegistry is CascadeUpgradeable, IServiceRegistry {
    bytes32 public constant SERVICE_MANAGER_ROLE = keccak256("SERVICE_MANAGER_ROLE");
    bytes32 public constant ALLOCATOR_ROLE = keccak256("ALLOCATOR_ROLE");
    bytes32 public constant VETO_ROLE = keccak256("VETO_ROLE");

    /// @dev Bounds the per-service operator loop of allocations.
    uint256 public constant MAX_SERVICE_OPERATORS = 32;
    /// @dev Bounds the pending-slash list keepers and `previewDeposit` read.
    uint256 public constant MAX_PENDING_SLASHES = 64;
    /// @dev Bounds every loop over the services array: retired services free a live slot
    /// (MAX_SERVICES) but keep their id, so the array itself needs a (larger) bound too.
    uint256 public constant MAX_REGISTRATIONS = 256;
    /// @dev Bounds Σ over services of allocated operators, so the report's exposure scaling
    /// (one storage update per allocated operator) stays far below a block (bench: enforce_exposure).
    uint256 public constant MAX_ALLOCATED_OPERATORS = 512;
    uint256 private constant OPERATOR_BITS = 32;

    struct Stake {
        // One slot per (service, operator): the report's exposure scaling touches one slot per
        // allocated operator (bench: report_apply_exposure_worst). 2^96 wei is ~79 billion ETH.
        uint96 stake; // allocated now
        uint96 pending; // removed by a scale-down or a smaller allocation, slashable until releaseAt
        uint64 releaseAt;
    }

    struct OptIn {
        bool optedIn;
        uint64 outAt; // 0 while opted in; opt-out effective time otherwise
    }

    /// @dev Per service: Σ of its operators' deallocating stake, slashable until `until` (the
    /// latest of their release times, so the sum never undercounts what is still slashable).
    struct Deallocating {
        uint128 amount;
        uint64 until;
    }

    /// @custom:storage-location erc7201:cascade.storage.ServiceRegistry
    struct RegistryStorage {
        IStakingRouter router;
        IYieldClasses book;
        IAccounting accounting;
        uint16 coverFactorBps;
        Service[] services;
        SlashRequest[] slashes;
        uint256[] pending;
        mapping(uint256 serviceId => uint64[]) operators;
        mapping(uint256 serviceId => mapping(uint64 key => Stake)) stakes;
        mapping(uint256 serviceId => mapping(uint64 key => OptIn)) optIns;
        mapping(uint256 serviceId => mapping(uint64 key => uint256 bps)) pendingBps;
        mapping(uint256 serviceId => Deallocating) deallocating;
        uint128 minSlashAmount; // smallest expected slash a request may ask for (wei)
        uint128 registrationFee; // wei a registration pays, booked as the service's rewards
        uint32 liveServices; // registered and not retired (bounded by MAX_SERVICES)
        uint32 allocatedOperators; // Σ_s operators[s].length (bounded by MAX_ALLOCATED_OPERATORS)
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ServiceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x28ee7fe59a7b6ead640897f70b83a0d46f0b4db055689561f4eab42784d13000;

    function _s() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param router the StakingRouter (module addresses)
    /// @param book the YieldClasses book (NAVs for the exposure limit)
    /// @param accounting books executed slashes
    /// @param coverFactorBps_ the exposure limit's cover factor (10,000 = 1×)
    function initialize(
        address admin,
        address router,
        address book,
        address accounting,
        uint256 coverFactorBps_
    ) external initializer {
        __Cascade_init(admin);
        require(router != address(0) && book != address(0) && accounting != address(0), ZeroAddress());
        RegistryStorage storage $ = _s();
        $.router = IStakingRouter(router);
        $.book = IYieldClasses(book);
        $.accounting = IAccounting(accounting);
        _setCoverFactor(coverFactorBps_);
    }

    // ---------------------------------------------------------------- services

    /// @inheritdoc IServiceRegistry
    function registerService(ServiceParams calldata p) external payable returns (uint256 serviceId) {
        RegistryStorage storage $ = _s();
        serviceId = $.services.length;
        require(serviceId < MAX_REGISTRATIONS, TooManyRegistrations(MAX_REGISTRATIONS));
        // Only services that can still act count: a retired one frees its slot.
        require($.liveServices < MAX_SERVICES, TooManyServices(MAX_SERVICES));
        // Registration costs the fee, so strangers cannot fill the slots for free; the fee is
        // booked as the service's rewards (the classes it would expose earn it at the next report).
        require(msg.value == $.registrationFee, WrongRegistrationFee(msg.value, $.registrationFee));
        // A tier at or above the class count exposes no class: its allocations would escape the
        // exposure limit and its slashes would index past the book's classes.
        require(
            p.tier >= 1 &&
                p.tier < $.book.classCount() &&
                p.maxSlashBps != 0 &&
                p.maxSlashBps <= BPS &&
                p.maxOperatorShareBps != 0 &&
                p.maxOperatorShareBps <= BPS &&
                p.minOperators != 0 &&
                p.minOperators <= MAX_SERVICE_OPERATORS &&
                p.slasher != address(0),
            InvalidServiceParams()
        );
        ++$.liveServices;
        $.services.push(
            Service({
                params: p,
                status: ServiceStatus.Pending,
                allocation: 0,
                pendingRewards: SafeCast.toUint128(msg.value)
            })
        );
        emit ServiceRegistered(serviceId, msg.sender, p);
        if (msg.value != 0) emit RewardsPaid(serviceId, msg.sender, msg.value);
    }

    /// @inheritdoc IServiceRegistry
    function setServiceStatus(
        uint256 serviceId,
        ServiceStatus status
    ) external onlyRole(SERVICE_MANAGER_ROLE) {
        Service storage s = _service(serviceId);
        ServiceStatus from = s.status;
        bool ok =
            (status == ServiceStatus.Active &&
                (from == ServiceStatus.Pending || from == ServiceStatus.Paused)) ||
                (status == ServiceStatus.Paused && from == ServiceStatus.Active) ||
                (status == ServiceStatus.Retired && from != ServiceStatus.Retired);
        require(ok, InvalidStatusChange(from, status));
        if (status == ServiceStatus.Active) _checkRedeemDelays(s.params);
        if (status == ServiceStatus.Retired) --_s().liveServices;
        s.status = status;
        emit ServiceStatusChanged(serviceId, status);
    }

    /// @notice Sets the exposure limit's cover factor. DEFAULT_ADMIN_ROLE.
    function setCoverFactor(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCoverFactor(bps);
    }

    /// @inheritdoc IServiceRegistry
    function setMinSlashAmount(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().minSlashAmount = SafeCast.toUint128(amount);
        emit MinSlashAmountSet(amount);
    }

    /// @inheritdoc IServiceRegistry
    function setRegistrationFee(uint256 fee) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().registrationFee = SafeCast.toUint128(fee);
        emit RegistrationFeeSet(fee);
    }

    /// @inheritdoc IServiceRegistry
    function payRewards(uint256 serviceId) external payable {
        require(msg.value != 0, ZeroAmount());
        Service storage s = _service(serviceId);
        require(s.status == ServiceStatus.Active, ServiceNotActive(serviceId, s.status));
        s.pendingRewards += SafeCast.toUint128(msg.value);
        emit RewardsPaid(serviceId, msg.sender, msg.value);
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc IServiceRegistry
    function optIn(uint256 serviceId, uint256 moduleId, uint256 operatorId) external {
        Service storage s = _service(serviceId);
        require(s.status == ServiceStatus.Active, ServiceNotActive(serviceId, s.status));
        _checkManager(moduleId, operatorId);
        OptIn storage o = _s().optIns[serviceId][_key(moduleId, operatorId)];
        require(!o.optedIn || o.outAt != 0, AlreadyOptedIn(serviceId, moduleId, operatorId));
        o.optedIn = true;
        o.outAt = 0;
        emit OptedIn(serviceId, moduleId, operatorId);
    }

    /// @inheritdoc IServiceRegistry
    function optOut(uint256 serviceId, uint256 moduleId, uint256 operatorId) external {
        Service storage s = _service(serviceId);
        _checkManager(moduleId, operatorId);
        OptIn storage o = _s().optIns[serviceId][_key(moduleId, operatorId)];
        require(o.optedIn && o.outAt == 0, NotOptedIn(serviceId, moduleId, operatorId));
        uint256 effectiveAt = block.timestamp + s.params.slashingWindow;
        o.outAt = SafeCast.toUint64(effectiveAt);
        emit OptOutRequested(serviceId, moduleId, operatorId, effectiveAt);
        // The allocation leaves with the operator at once; the stake stays slashable (deallocating)
        // until the opt-out takes effect, so nothing escapes a slash it is due.
        Stake storage st = _s().stakes[serviceId][_key(moduleId, operatorId)];
        uint256 removed = st.stake;
        if (removed != 0) {
            uint256 from = s.allocation;
            _deallocate(st, 0, SafeCast.toUint64(effectiveAt));
            // Plain narrowing: at most `from`, itself a uint128 (EIP-170 leaves no room for a check).
            s.allocation = uint128(from - removed);
            _addDeallocating(serviceId, removed, 0, SafeCast.toUint64(effectiveAt));
            emit AllocationScaled(serviceId, from, from - removed, effectiveAt);
        }
    }

    // ---------------------------------------------------------------- allocator

    /// @inheritdoc IServiceRegistry
    function setAllocation(
        uint256 serviceId,
        uint256 amount,
        uint64[] calldata operatorKeys
    ) external onlyRole(ALLOCATOR_ROLE) {
        Service storage s = _service(serviceId);
        require(s.status == ServiceStatus.Active || amount == 0, ServiceNotActive(serviceId, s.status));
        uint256 n = operatorKeys.length;
        require(n <= MAX_SERVICE_OPERATORS, TooManyOperators(MAX_SERVICE_OPERATORS));
        require(amount == 0 || n >= s.params.minOperators, NotEnoughOperators(n, s.params.minOperators));
        uint256[] memory stakes = amount == 0 ? new uint256[](n) : _split(serviceId, s, amount, operatorKeys);
        uint256 slashableBefore = s.allocation + _deallocatingOf(serviceId);

        uint256 placed = _place(serviceId, s, stakes, operatorKeys);
        // Stake moved to deallocating stays slashable, so it counts against the limit until it
        // is released: rotating stake between operators cannot double what is slashable. A call
        // that does not raise this service's slashable stake is always allowed (de-risking must
        // work even while losses keep the limit broken).
        if (placed + _deallocatingOf(serviceId) > slashableBefore) _checkExposure();
        emit AllocationSet(serviceId, placed, n);
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc IServiceRegistry
    function requestSlash(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId,
        uint256 bps,
        bytes32 evidence
    ) external returns (uint256 slashId) {
        RegistryStorage storage $ = _s();
        Service storage s = _service(serviceId);
        require(msg.sender == s.params.slasher, NotSlasher(serviceId, msg.sender));
        require(bps != 0 && bps <= s.params.maxSlashBps, SlashBpsTooHigh(bps, s.params.maxSlashBps));
        uint256 stake = stakeOf(serviceId, moduleId, operatorId);
        require(stake != 0, NoStake(serviceId, moduleId, operatorId));
        require($.pending.length < MAX_PENDING_SLASHES, TooManyPendingSlashes(MAX_PENDING_SLASHES));
        // Requests pending against one operator cannot add up past the per-incident maximum.
        uint64 key = _key(moduleId, operatorId);
        uint256 pendingBps = $.pendingBps[serviceId][key] + bps;
        require(pendingBps <= s.params.maxSlashBps, SlashBpsTooHigh(pendingBps, s.params.maxSlashBps));
        $.pendingBps[serviceId][key] = pendingBps;
        uint256 expected = (stake * bps) / BPS;
        // Dust requests cannot be repeated to wear a module down (one executed slash costs the
        // module reputation in proportion to what it took).
        require(expected >= $.minSlashAmount, SlashTooSmall(expected, $.minSlashAmount));
        slashId = $.slashes.length;
        $.slashes.push(
            SlashRequest({
                serviceId: SafeCast.toUint32(serviceId),
                moduleId: SafeCast.toUint32(moduleId),
                operatorId: SafeCast.toUint32(operatorId),
                bps: SafeCast.toUint16(bps),
                requestedAt: uint64(block.timestamp), // fits until the year 584,942,417,355
                status: SlashStatus.Requested,
                lockedBond: 0,
                evidence: evidence
            })
        );
        $.pending.push(slashId);
        emit SlashRequested(slashId, serviceId, moduleId, operatorId, bps, evidence);
        // The operator cannot withdraw the bond that will pay for this while it is pending. The
        // lock actually taken is recorded, so a veto releases exactly it and never another's.
        uint256 locked = $.router.lockOperatorBond(moduleId, operatorId, expected);
        $.slashes[slashId].lockedBond = SafeCast.toUint128(locked);
    }

    /// @inheritdoc IServiceRegistry
    function vetoSlash(uint256 slashId) external onlyRole(VETO_ROLE) {
        RegistryStorage storage $ = _s();
        SlashRequest storage r = _slash(slashId);
        require(r.status == SlashStatus.Requested, SlashNotPending(slashId, r.status));
        uint256 endsAt = r.requestedAt + $.services[r.serviceId].params.vetoWindow;
        require(block.timestamp < endsAt, VetoWindowOver(slashId, endsAt));
        r.status = SlashStatus.Vetoed;
        $.pendingBps[r.serviceId][_key(r.moduleId, r.operatorId)] -= r.bps;
        _removePending(slashId);
        emit SlashVetoed(slashId, msg.sender);
        $.router.unlockOperatorBond(r.moduleId, r.operatorId, r.lockedBond);
    }

    /// @inheritdoc IServiceRegistry
    function executeSlash(uint256 slashId) external returns (uint256 amount) {
        RegistryStorage storage $ = _s();
        SlashRequest storage r = _slash(slashId);
        require(r.status == SlashStatus.Requested, SlashNotPending(slashId, r.status));
        Service storage s = $.services[r.serviceId];
        uint256 endsAt = r.requestedAt + s.params.vetoWindow;
        require(block.timestamp >= endsAt, VetoWindowOpen(slashId, endsAt));
        uint64 key = _key(r.moduleId, r.operatorId);
        Stake storage st = $.stakes[r.serviceId][key];
        // Stake still deallocating when the slash was requested stays slashable until it is
        // executed: the veto window must not let it run out (stakeOf would drop it at releaseAt).
        uint256 stake = uint256(st.stake) + (r.requestedAt < st.releaseAt ? st.pending : 0);
        amount = (stake * r.bps) / BPS;
        r.status = SlashStatus.Executed;
        $.pendingBps[r.serviceId][key] -= r.bps;
        _removePending(slashId);
        // The slashed stake no longer secures the service.
        uint256 fromStake = amount < st.stake ? amount : st.stake;
        // Plain narrowing below: each amount is at most the uint96/uint128 field it is taken from.
        st.stake -= uint96(fromStake);
        uint256 fromPending = amount - fromStake > st.pending ? st.pending : amount - fromStake;
        st.pending -= uint96(fromPending);
        if (fromPending != 0) {
            Deallocating storage d = $.deallocating[r.serviceId];
            d.amount -= uint128(fromPending > d.amount ? d.amount : fromPending);
        }
        s.allocation -= uint128(fromStake > s.allocation ? s.allocation : fromStake);
        emit SlashExecuted(slashId, amount);
        $.accounting.applyServiceSlash(
            r.moduleId,
            r.operatorId,
            amount,
            r.lockedBond,
            s.params.tier,
            s.params.recipient
        );
    }

    // ---------------------------------------------------------------- accounting

    /// @inheritdoc IServiceRegistry
    function collectRewards(uint256 maxTotal) external returns (uint256[] memory paid, uint8[] memory tiers) {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), NotAccounting(msg.sender));
        uint256 count = $.services.length;
        paid = new uint256[](count);
        tiers = new uint8[](count);
        // In id order, each service books what is left of maxTotal; the rest stays pending for
        // later reports (the per-report reward cap, DESIGN §9).
        uint256 j;
        uint256 left = maxTotal;
        for (uint256 i; i < count && left != 0; ++i) {
            Service storage s = $.services[i];
            uint256 p = s.pendingRewards;
            if (p == 0) continue;
            uint256 take = p < left ? p : left;
            s.pendingRewards = uint128(p - take);
            left -= take;
            paid[j] = take;
            tiers[j] = s.params.tier;
            ++j;
        }
        // Only the services that booked something (the arrays were sized for all of them).
        assembly ("memory-safe") {
            mstore(paid, j)
            mstore(tiers, j)
        }
        if (left != maxTotal) $.router.receiveServiceRewards{value: maxTotal - left}();
    }

    /// @inheritdoc IServiceRegistry
    function enforceExposure() external {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), NotAccounting(msg.sender));
        uint256 maxTier = $.book.classCount();
        // Allocations only: deallocating stake cannot be scaled (it stays slashable until
        // released), so the limit is restored for what remains once it is.
        (uint256[] memory needed, uint256[] memory available) = _exposures(maxTier, false);
        // One pass: a service of tier τ is scaled once, by the smallest available/needed over
        // the tiers t ≤ τ (every such tier counts it). Each tier t then needs at most
        // Σ_{τ≥t} f_τ·n_τ ≤ (available_t/needed_t)·needed_t, with floors only lowering it.
        uint256[] memory num = new uint256[](maxTier);
        uint256[] memory den = new uint256[](maxTier);
        (uint256 n, uint256 d) = (1, 1);
        for (uint256 t = 1; t < maxTier; ++t) {
            if (needed[t] > available[t] && available[t] * d < n * needed[t])
                (n, d) = (available[t], needed[t]);
            (num[t], den[t]) = (n, d);
        }
        if (n == d) return;
        uint256 count = $.services.length;
        for (uint256 i; i < count; ++i) {
            Service storage s = $.services[i];
            if (s.allocation == 0) continue;
            uint256 tier = s.params.tier;
            if (tier >= maxTier || num[tier] == den[tier]) continue;
            _scale(i, s, num[tier], den[tier]);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IServiceRegistry
    function serviceCount() external view returns (uint256) {
        return _s().services.length;
    }

    /// @inheritdoc IServiceRegistry
    function getService(uint256 serviceId) external view returns (Service memory) {
        return _service(serviceId);
    }

    /// @inheritdoc IServiceRegistry
    function getSlash(uint256 slashId) external view returns (SlashRequest memory) {
        return _slash(slashId);
    }

    /// @inheritdoc IServiceRegistry
    function stakeOf(uint256 serviceId, uint256 moduleId, uint256 operatorId) public view returns (uint256) {
        Stake storage st = _s().stakes[serviceId][_key(moduleId, operatorId)];
        return st.stake + (block.timestamp < st.releaseAt ? st.pending : 0);
    }

    /// @inheritdoc IServiceRegistry
    function allocationOf(
        uint256 serviceId
    ) external view returns (uint64[] memory keys, uint256[] memory stakes) {
        RegistryStorage storage $ = _s();
        keys = $.operators[serviceId];
        stakes = new uint256[](keys.length);
        for (uint256 i; i < keys.length; ++i) stakes[i] = $.stakes[serviceId][keys[i]].stake;
    }

    /// @inheritdoc IServiceRegistry
    function exposure(uint256 tier) public view returns (uint256 needed, uint256 available) {
        RegistryStorage storage $ = _s();
        for (uint256 i; i < $.services.length; ++i) {
            Service storage s = $.services[i];
            if (s.params.tier >= tier)
                needed += ((uint256(s.allocation) + _deallocatingOf(i)) * s.params.maxSlashBps) / BPS;
        }
        uint256[] memory navs = $.book.navs();
        uint256 junior;
        for (uint256 k = tier; k < navs.length; ++k) junior += navs[k];
        available = (junior * $.coverFactorBps) / BPS;
    }

    /// @inheritdoc IServiceRegistry
    function requiredRedeemDelay(uint256 classId) external view returns (uint256 delay) {
        RegistryStorage storage $ = _s();
        for (uint256 i; i < $.services.length; ++i) {
            Service storage s = $.services[i];
            if (s.params.tier > classId || s.status == ServiceStatus.Pending) continue;
            // A retired service's deallocating stake is still slashable: it still binds.
            if (s.status == ServiceStatus.Retired && s.allocation == 0 && _deallocatingOf(i) == 0) continue;
            uint256 w = uint256(s.params.slashingWindow) + s.params.vetoWindow;
            if (w > delay) delay = w;
        }
    }

    /// @inheritdoc IServiceRegistry
    function pendingSlashes() external view returns (uint256[] memory) {
        return _s().pending;
    }

    /// @inheritdoc IServiceRegistry
    function deallocatingOf(uint256 serviceId) external view returns (uint256 amount, uint256 until) {
        Deallocating storage d = _s().deallocating[serviceId];
        return (_deallocatingOf(serviceId), d.until);
    }

    /// @inheritdoc IServiceRegistry
    function minSlashAmount() external view returns (uint256) {
        return _s().minSlashAmount;
    }

    /// @inheritdoc IServiceRegistry
    function registrationFee() external view returns (uint256) {
        return _s().registrationFee;
    }

    /// @inheritdoc IServiceRegistry
    function liveServiceCount() external view returns (uint256) {
        return _s().liveServices;
    }

    /// @notice The exposure limit's cover factor in bps.
    function coverFactorBps() external view returns (uint256) {
        return _s().coverFactorBps;
    }

    /// @notice Whether an operator is opted in (and since when it is leaving, if it is).
    function optInOf(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId
    ) external view returns (OptIn memory) {
        return _s().optIns[serviceId][_key(moduleId, operatorId)];
    }

    // ---------------------------------------------------------------- internal

    /// @dev Split by active stake with each share capped (maxOperatorShareBps and the operator's
    /// own stake); capped excess is refilled over the uncapped operators until placed.
    function _split(
        uint256 serviceId,
        Service storage s,
        uint256 amount,
        uint64[] calldata keys
    ) private view returns (uint256[] memory stakes) {
        RegistryStorage storage $ = _s();
        uint256 n = keys.length;
        stakes = new uint256[](n);
        uint256[] memory caps = new uint256[](n);
        uint256[] memory owns = new uint256[](n);
        uint256 shareCap = (amount * s.params.maxOperatorShareBps) / BPS;
        for (uint256 i; i < n; ++i) {
            uint64 key = keys[i];
            for (uint256 j; j < i; ++j)
                require(keys[j] != key, AlreadyOptedIn(serviceId, key >> 32, uint32(key)));
            OptIn storage o = $.optIns[serviceId][key];
            // Opted-out (or leaving) operators cannot be newly allocated.
            require(o.optedIn && o.outAt == 0, NotOptedIn(serviceId, key >> OPERATOR_BITS, uint32(key)));
            IStakingRouter.Module memory m = $.router.getModule(key >> OPERATOR_BITS);
            uint256 own = IStakingModule(m.module).activeValidatorsOf(uint32(key)) * DEPOSIT_SIZE;
            owns[i] = own;
            caps[i] = own < shareCap ? own : shareCap;
        }
        {
            // An operator with no active stake secures nothing: it does not count toward minOperators.
            uint256 withStake;
            for (uint256 i; i < n; ++i) if (owns[i] != 0) ++withStake;
            require(withStake >= s.params.minOperators, NotEnoughOperators(withStake, s.params.minOperators));
        }
        uint256 remaining = amount;
        // Water-fill: each round gives the rest pro rata to the uncapped operators' active stake
        // (weighting by the caps would flatten every stake above the share cap to that cap).
        for (uint256 round; round < n && remaining != 0; ++round) {
            uint256 weight;
            for (uint256 i; i < n; ++i) if (stakes[i] < caps[i]) weight += owns[i];
            if (weight == 0) break;
            uint256 given;
            for (uint256 i; i < n; ++i) {
                if (stakes[i] >= caps[i]) continue;
                uint256 add = (remaining * owns[i]) / weight;
                if (stakes[i] + add > caps[i]) add = caps[i] - stakes[i];
                stakes[i] += add;
                given += add;
            }
            remaining -= given;
            if (given == 0) break;
        }
        // Rounding dust goes to the first operator with room.
        for (uint256 i; i < n && remaining != 0; ++i) {
            uint256 room = caps[i] - stakes[i];
            uint256 add = room < remaining ? room : remaining;
            stakes[i] += add;
            remaining -= add;
        }
        require(remaining == 0, AllocationNotPlaceable(amount, amount - remaining));
    }

    /// @dev Replaces the service's operators and stakes. Old stakes that shrink stay slashable
    /// for one slashing window (deallocation delay); deallocating stake allocated again moves back.
    function _place(
        uint256 serviceId,
        Service storage s,
        uint256[] memory stakes,
        uint64[] calldata keys
    ) private returns (uint256 placed) {
        RegistryStorage storage $ = _s();
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.params.slashingWindow);
        uint64[] storage current = $.operators[serviceId];
        uint256 moved;
        for (uint256 i; i < current.length; ++i)
            moved += _deallocate($.stakes[serviceId][current[i]], 0, releaseAt);
        uint256 back;
        for (uint256 i; i < keys.length; ++i) {
            Stake storage st = $.stakes[serviceId][keys[i]];
            uint256 live = block.timestamp < st.releaseAt ? st.pending : 0;
            uint256 again = stakes[i] < live ? stakes[i] : live;
            st.pending = uint96(live - again); // ≤ st.pending, a uint96
            st.stake = SafeCast.toUint96(stakes[i]);
            placed += stakes[i];
            back += again;
        }
        uint256 total = $.allocatedOperators + keys.length - current.length;
        require(total <= MAX_ALLOCATED_OPERATORS, TooManyAllocatedOperators(total, MAX_ALLOCATED_OPERATORS));
        $.allocatedOperators = SafeCast.toUint32(total);
        $.operators[serviceId] = keys;
        s.allocation = SafeCast.toUint128(placed);
        _addDeallocating(serviceId, moved, back, releaseAt);
    }

    function _scale(uint256 serviceId, Service storage s, uint256 available, uint256 needed) private {
        RegistryStorage storage $ = _s();
        uint256 from = s.allocation;
        uint256 to;
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.params.slashingWindow);
        uint64[] storage keys = $.operators[serviceId];
        uint256 moved;
        for (uint256 i; i < keys.length; ++i) {
            Stake storage st = $.stakes[serviceId][keys[i]];
            uint256 next = (uint256(st.stake) * available) / needed;
            moved += _deallocate(st, next, releaseAt);
            to += next;
        }
        s.allocation = SafeCast.toUint128(to);
        _addDeallocating(serviceId, moved, 0, releaseAt);
        emit AllocationScaled(serviceId, from, to, releaseAt);
    }

    /// @dev Lowers a stake to `next`, keeping the difference slashable until `releaseAt`.
    function _deallocate(Stake storage st, uint256 next, uint64 releaseAt) private returns (uint256 moved) {
        uint256 cur = st.stake;
        if (next >= cur) return 0;
        uint256 stillPending = block.timestamp < st.releaseAt ? st.pending : 0;
        moved = cur - next;
        // Both at most the stored stake + pending (each < 2^96, their sum was placed once).
        st.pending = SafeCast.toUint96(stillPending + moved);
        st.stake = uint96(next); // next < cur = st.stake, a uint96
        st.releaseAt = releaseAt;
    }

    /// @dev Service-level mirror of `_deallocate`: adds `moved`, removes `back` (deallocating
    /// stake allocated again), and extends the release to `releaseAt` when something moved.
    function _addDeallocating(uint256 serviceId, uint256 moved, uint256 back, uint64 releaseAt) private {
        Deallocating storage d = _s().deallocating[serviceId];
        uint256 live = _deallocatingOf(serviceId) + moved;
        d.amount = SafeCast.toUint128(back < live ? live - back : 0);
        if (moved != 0 && releaseAt > d.until) d.until = releaseAt;
    }

    /// @dev The service's deallocating stake still slashable now.
    function _deallocatingOf(uint256 serviceId) private view returns (uint256) {
        Deallocating storage d = _s().deallocating[serviceId];
        return block.timestamp < d.until ? d.amount : 0;
    }

    function _checkExposure() private view {
        uint256 maxTier = _s().book.classCount();
        (uint256[] memory needed, uint256[] memory available) = _exposures(maxTier, true);
        for (uint256 t = 1; t < maxTier; ++t) {
            require(needed[t] <= available[t], ExposureLimitExceeded(t, needed[t], available[t]));
        }
    }

    /// @dev `exposure(t)` for every tier `t < maxTier` (index t) in one pass over the services
    /// and one read of the NAVs, instead of one pass and one external call per tier. Same
    /// per-service floors summed, so the figures equal `exposure(t)` exactly.
    function _exposures(
        uint256 maxTier,
        bool withDeallocating
    ) private view returns (uint256[] memory needed, uint256[] memory available) {
        RegistryStorage storage $ = _s();
        needed = new uint256[](maxTier + 1);
        uint256 count = $.services.length;
        for (uint256 i; i < count; ++i) {
            Service storage s = $.services[i];
            uint256 stake = s.allocation;
            if (withDeallocating) stake += _deallocatingOf(i);
            if (stake == 0) continue;
            uint256 tier = s.params.tier;
            if (tier > maxTier) tier = maxTier;
            needed[tier] += (stake * s.params.maxSlashBps) / BPS;
        }
        // Suffix sums: needed[t] = Σ over services of tier ≥ t.
        for (uint256 t = maxTier; t > 0; --t) needed[t - 1] += needed[t];
        uint256[] memory navs = $.book.navs();
        uint256 cover = $.coverFactorBps;
        available = new uint256[](maxTier);
        uint256 junior;
        for (uint256 k = navs.length; k > 0; --k) {
            junior += navs[k - 1];
            if (k - 1 < maxTier) available[k - 1] = (junior * cover) / BPS;
        }
    }

    function _checkRedeemDelays(ServiceParams storage p) private view {
        IYieldClasses book = _s().book;
        uint256 needed = uint256(p.slashingWindow) + p.vetoWindow;
        uint256 k = book.classCount();
        for (uint256 c = p.tier; c < k; ++c) {
            uint256 d = book.getClass(c).params.redeemDelay;
            require(d >= needed, RedeemDelayTooShort(c, d, needed));
        }
    }

    function _checkManager(uint256 moduleId, uint256 operatorId) private view {
        IStakingRouter.Module memory m = _s().router.getModule(moduleId);
        address manager = IStakingModule(m.module).operatorManager(operatorId);
        require(manager == msg.sender, NotOperatorManager(moduleId, operatorId, msg.sender));
    }

    function _removePending(uint256 slashId) private {
        uint256[] storage p = _s().pending;
        for (uint256 i; i < p.length; ++i) {
            if (p[i] == slashId) {
                p[i] = p[p.length - 1];
                p.pop();
                return;
            }
        }
    }

    function _setCoverFactor(uint256 bps) private {
        require(bps != 0 && bps <= 10 * BPS, InvalidServiceParams());
        _s().coverFactorBps = SafeCast.toUint16(bps);
        emit CoverFactorSet(bps);
    }

    function _service(uint256 serviceId) private view returns (Service storage) {
        Service[] storage ss = _s().services;
        require(serviceId < ss.length, UnknownService(serviceId));
        return ss[serviceId];
    }

    function _slash(uint256 slashId) private view returns (SlashRequest storage) {
        SlashRequest[] storage sl = _s().slashes;
        require(slashId < sl.length, UnknownSlash(slashId));
        return sl[slashId];
    }

    function _key(uint256 moduleId, uint256 operatorId) private pure returns (uint64) {
        return SafeCast.toUint64((moduleId << OPERATOR_BITS) | operatorId);
    }
}
