// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {IBondedModule} from "./interfaces/IBondedModule.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";
import {IServiceRegistry} from "./interfaces/IServiceRegistry.sol";
import {IStakingModule} from "./interfaces/IStakingModule.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS, MAX_SERVICES} from "./libraries/Constants.sol";
import {ServiceRegistryStorage} from "./services/ServiceRegistryStorage.sol";

/// @title ServiceRegistry
/// @notice Restaked services: who secures what, with how much stake, and the slashing path
/// (request → veto window → execution). Losses are booked at execution through Accounting,
/// so nobody can front-run a due slash by redeeming (DESIGN §8, §12). Services, opt-ins,
/// rewards and the views run here; allocations with the exposure limit and the robustness
/// gate (ServiceAllocations) and the slashing path with opt-outs (ServiceSlashing) run by
/// DELEGATECALL on this storage, so every piece fits EIP-170 at the default optimizer setting. Roles are checked here first.
contract ServiceRegistry is CascadeUpgradeable, ServiceRegistryStorage, IServiceRegistry {
    /// @dev Bounds every loop over the services array: retired services free a live slot
    /// (MAX_SERVICES) but keep their id, so the array itself needs a (larger) bound too.
    uint256 public constant MAX_REGISTRATIONS = 256;
    /// @dev Code run by DELEGATECALL on this contract's storage (EIP-170 leaves no room for it
    /// here): allocations and the exposure limit, and the slashing path. Fixed per
    /// implementation, so an upgrade replaces them together with it.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable ALLOCATIONS;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable SLASHING;

    /// @param allocations the ServiceAllocations extension deployed with this implementation
    /// @param slashing the ServiceSlashing extension deployed with this implementation
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address allocations, address slashing) {
        require(allocations != address(0) && slashing != address(0), ZeroAddress());
        ALLOCATIONS = allocations;
        SLASHING = slashing;
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
        _setMinGamma(1_000);
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
            ServiceRecord({
                tier: p.tier,
                maxSlashBps: p.maxSlashBps,
                slashingWindow: p.slashingWindow,
                vetoWindow: p.vetoWindow,
                minOperators: p.minOperators,
                maxOperatorShareBps: p.maxOperatorShareBps,
                allocation: 0,
                slasher: p.slasher,
                status: ServiceStatus.Pending,
                recipient: p.recipient,
                rewardsPaid: SafeCast.toUint128(msg.value)
            })
        );
        emit ServiceRegistered(serviceId, msg.sender, p);
        // The recipient's payout slot is made non-zero now (once per service), so the slash
        // that credits it rewrites a slot instead of filling a fresh one. address(0) burns.
        if (p.recipient != address(0)) ICascadePool(address($.book)).openPayout(p.recipient);
        if (msg.value != 0) {
            _bookReward(p.tier, msg.value);
            emit RewardsPaid(serviceId, msg.sender, msg.value);
        }
    }

    /// @inheritdoc IServiceRegistry
    /// @dev Run by ServiceSlashing (EIP-170 leaves no room here); the role is checked here first.
    function setServiceStatus(uint256, ServiceStatus) external onlyRole(SERVICE_MANAGER_ROLE) {
        _delegate(SLASHING);
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
        ServiceRecord storage s = _service(serviceId);
        require(s.status == ServiceStatus.Active, ServiceNotActive(serviceId, s.status));
        s.rewardsPaid += SafeCast.toUint128(msg.value);
        _bookReward(s.tier, msg.value);
        emit RewardsPaid(serviceId, msg.sender, msg.value);
    }

    /// @dev Adds a reward to its tier's pending total (what the next report books for the
    /// classes that tier exposes) and marks the tier. An unmarked tier's total is stale (a report
    /// booked all of it and left the slot as it was, so this rewrites a non-zero slot: 2,900 gas
    /// instead of 20,000): the first payment after a booking replaces it. The ETH goes to the
    /// pool now, held there unbooked until a report books it (the payer pays for the transfer,
    /// not the report).
    function _bookReward(uint256 tier, uint256 amount) private {
        RegistryStorage storage $ = _s();
        uint256 mask = $.rewardTiers;
        uint256 bit = 1 << tier; // 1 ≤ tier ≤ TIERS (registration)
        uint256 p = mask & bit == 0 ? 0 : $.tierRewards[tier - 1];
        $.tierRewards[tier - 1] = SafeCast.toUint128(p + amount);
        if (mask & bit == 0) $.rewardTiers = uint8(mask | bit);
        ICascadePool(address($.book)).receiveServiceRewards{value: amount}();
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc IServiceRegistry
    function optIn(uint256 serviceId, uint256 moduleId, uint256 operatorId) external {
        ServiceRecord storage s = _service(serviceId);
        require(s.status == ServiceStatus.Active, ServiceNotActive(serviceId, s.status));
        address module = _checkManager(moduleId, operatorId);
        OptIn storage o = _s().optIns[serviceId][_key(moduleId, operatorId)];
        require(!o.optedIn || o.outAt != 0, AlreadyOptedIn(serviceId, moduleId, operatorId));
        _recordModule(moduleId, module);
        _probeBond(moduleId, module);
        o.optedIn = true;
        o.outAt = 0;
        emit OptedIn(serviceId, moduleId, operatorId);
    }

    /// @dev Records the module behind `moduleId` at its first opt-in, once it has shown it takes
    /// this registry's slash and lock calls (`registry()`): an operator of a module built for
    /// another registry could never be slashed, so it cannot opt in.
    function _recordModule(uint256 moduleId, address module) private {
        RegistryStorage storage $ = _s();
        if (address($.modules[moduleId]) == module) return;
        address moduleRegistry = IStakingModule(module).registry();
        require(moduleRegistry == address(this), ModuleRegistryMismatch(module, moduleRegistry));
        $.modules[moduleId] = IStakingModule(module);
        emit ModuleRecorded(moduleId, module);
    }

    /// @dev Records once per module that it holds no operator bonds: a module that does not
    /// answer IBondedModule's `kappaBond` has none (the curated module), and slash requests
    /// against its operators then skip the bond-lock call through the router and the module
    /// (requestSlash, below). Every stake a request can slash was allocated after an
    /// opt-in, so the bit is known before any request (a bonded module is probed again at each
    /// opt-in: one warm view, no slot of its own). Run before the opt-in's own writes: a
    /// caller cannot starve the probe into a false "no bond", as the 1/64 of gas it leaves
    /// behind (EIP-150) would then have to pay for those writes and events (≥ 6,000 gas: the
    /// probe would have had ≥ 380,000, where a view of one slot needs under 10,000).
    function _probeBond(uint256 moduleId, address module) private {
        RegistryStorage storage $ = _s();
        uint32 bit = uint32(uint256(1) << moduleId); // moduleId < MAX_MODULES = 32 (the router's bound)
        if ($.bondlessModules & bit != 0) return;
        try IBondedModule(module).kappaBond() returns (uint256) {
            return;
        } catch {
            $.bondlessModules |= bit;
            emit ModuleBondless(moduleId);
        }
    }

    /// @inheritdoc IServiceRegistry
    function optOut(uint256, uint256, uint256) external {
        _delegate(SLASHING);
    }

    // ---------------------------------------------------------------- robustness gate

    /// @inheritdoc IServiceRegistry
    function setServiceRisk(uint256, uint256, uint256) external {
        _delegate(SLASHING);
    }

    /// @inheritdoc IServiceRegistry
    function setMinGamma(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinGamma(bps);
    }

    // ---------------------------------------------------------------- allocator

    /// @inheritdoc IServiceRegistry
    function setAllocation(uint256, uint256, uint64[] calldata) external onlyRole(ALLOCATOR_ROLE) {
        _delegate(ALLOCATIONS);
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc IServiceRegistry
    /// @dev Here, not in ServiceSlashing: the extension would be one more account entered
    /// cold (2,600 gas) on a request.
    function requestSlash(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId,
        uint256 bps,
        bytes32 evidence
    ) external returns (uint256 slashId) {
        RegistryStorage storage $ = _s();
        ServiceRecord storage s = _service(serviceId);
        require(msg.sender == s.slasher, NotSlasher(serviceId, msg.sender));
        require(bps != 0 && bps <= s.maxSlashBps, SlashBpsTooHigh(bps, s.maxSlashBps));
        Stake storage st = $.stakes[serviceId][_key(moduleId, operatorId)];
        uint256 stake = st.stake + (block.timestamp < st.releaseAt ? st.pending : 0); // _stakeOf
        require(stake != 0, NoStake(serviceId, moduleId, operatorId));
        uint256 count = $.pendingCount;
        require(count < MAX_PENDING_SLASHES, TooManyPendingSlashes(MAX_PENDING_SLASHES));
        // Requests pending against one operator cannot add up past the per-incident maximum.
        uint256 pendingBps = st.pendingBps + bps;
        require(pendingBps <= s.maxSlashBps, SlashBpsTooHigh(pendingBps, s.maxSlashBps));
        st.pendingBps = uint16(pendingBps); // ≤ maxSlashBps, a uint16
        uint256 expected = (stake * bps) / BPS;
        // Dust requests cannot be repeated to wear a module down (one executed slash costs the
        // module reputation in proportion to what it took).
        require(expected >= $.minSlashAmount, SlashTooSmall(expected, $.minSlashAmount));
        slashId = $.slashCount;
        $.slashCount = SafeCast.toUint32(slashId + 1);
        $.slashes[slashId] = SlashRequest({
            serviceId: SafeCast.toUint32(serviceId),
            moduleId: SafeCast.toUint32(moduleId),
            operatorId: SafeCast.toUint32(operatorId),
            bps: SafeCast.toUint16(bps),
            requestedAt: SafeCast.toUint40(block.timestamp),
            status: SlashStatus.Requested,
            lockedBond: 0,
            evidence: evidence
        });
        $.pendingIds[count] = uint32(slashId + 1); // ≤ slashCount, a uint32
        $.pendingCount = uint8(count + 1); // ≤ MAX_PENDING_SLASHES
        emit SlashRequested(slashId, serviceId, moduleId, operatorId, bps, evidence);
        // The operator cannot withdraw the bond that will pay for this while it is pending. The
        // lock actually taken is recorded, so a veto releases exactly it and never another's.
        // A module without bonds (probed at opt-in) has nothing to lock: no module call (a proxy
        // entered cold). The module was recorded at the operator's opt-in.
        if ($.bondlessModules & (uint256(1) << moduleId) != 0) return slashId;
        uint256 locked = $.modules[moduleId].lockBond(operatorId, expected);
        // Written into the request's first slot, fresh in this transaction (100 gas); a bond
        // lock never exceeds the operator's bond, far below uint96.
        if (locked != 0) $.slashes[slashId].lockedBond = SafeCast.toUint96(locked);
    }

    /// @inheritdoc IServiceRegistry
    function vetoSlash(uint256) external onlyRole(VETO_ROLE) {
        _delegate(SLASHING);
    }

    /// @inheritdoc IServiceRegistry
    function executeSlash(uint256) external returns (uint256) {
        _delegate(SLASHING);
    }

    /// @inheritdoc IServiceRegistry
    function slashingModule() external view returns (address module) {
        assembly ("memory-safe") {
            module := tload(SLASHING_MODULE_SLOT)
        }
    }

    /// @inheritdoc IServiceRegistry
    function setSlashParams(address, uint256, uint256) external {
        _delegate(SLASHING);
    }

    // ---------------------------------------------------------------- accounting

    /// @inheritdoc IServiceRegistry
    function collectRewards(uint256 maxTotal) external returns (uint256[] memory paid, uint8[] memory tiers) {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), NotAccounting(msg.sender));
        uint256 mask = $.rewardTiers;
        paid = new uint256[](TIERS);
        tiers = new uint8[](TIERS);
        // In tier order, each tier's pending total books what is left of maxTotal; the rest
        // stays pending for later reports (the per-report reward cap, DESIGN §9). One entry per
        // tier: the pool floors the service fee once per tier (docs/money-math.md).
        uint256 j;
        uint256 left = maxTotal;
        for (uint256 t = 1; mask >> t != 0 && left != 0; ++t) {
            if (mask & (1 << t) == 0) continue;
            uint256 p = $.tierRewards[t - 1];
            uint256 take = p < left ? p : left;
            // Booked whole: the bit goes, the slot stays as it was (stale, see _bookReward).
            if (take == p) mask &= ~(1 << t);
            else $.tierRewards[t - 1] = uint128(p - take); // < p, a uint128
            left -= take;
            paid[j] = take;
            tiers[j] = uint8(t);
            ++j;
        }
        if (left != maxTotal) $.rewardTiers = uint8(mask);
        // Only the tiers that booked something (the arrays were sized for all of them).
        assembly ("memory-safe") {
            mstore(paid, j)
            mstore(tiers, j)
        }
        // The ETH is already in the CascadePool (the book), forwarded at payment
        // (`_bookReward`); its report step moves what `paid` books into buffered.
    }

    /// @inheritdoc IServiceRegistry
    function enforceExposure(uint256[] calldata navs) external {
        _delegate(ALLOCATIONS);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IServiceRegistry
    function serviceCount() external view returns (uint256) {
        return _s().services.length;
    }

    /// @inheritdoc IServiceRegistry
    function getService(uint256 serviceId) external view returns (Service memory) {
        ServiceRecord storage s = _service(serviceId);
        return
            Service(
                ServiceParams(
                    s.tier,
                    s.maxSlashBps,
                    s.slashingWindow,
                    s.vetoWindow,
                    s.minOperators,
                    s.maxOperatorShareBps,
                    s.slasher,
                    s.recipient
                ),
                s.status,
                s.allocation,
                s.rewardsPaid
            );
    }

    /// @inheritdoc IServiceRegistry
    function tierTotals(uint256 tier) external view returns (uint256 pendingRewards, uint256 allocated) {
        if (tier == 0 || tier > TIERS) return (0, 0);
        RegistryStorage storage $ = _s();
        pendingRewards = $.rewardTiers & (1 << tier) == 0 ? 0 : $.tierRewards[tier - 1];
        allocated = $.tierAllocated[tier - 1];
    }

    /// @inheritdoc IServiceRegistry
    function getSlash(uint256 slashId) external view returns (SlashRequest memory) {
        return _slash(slashId);
    }

    /// @inheritdoc IServiceRegistry
    function stakeOf(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId
    ) external view returns (uint256) {
        return _stakeOf(serviceId, _key(moduleId, operatorId));
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
            ServiceRecord storage s = $.services[i];
            if (s.tier >= tier)
                needed += ((uint256(s.allocation) + _deallocatingOf(i)) * s.maxSlashBps) / BPS;
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
            ServiceRecord storage s = $.services[i];
            if (s.tier > classId || s.status == ServiceStatus.Pending) continue;
            // A retired service's deallocating stake is still slashable: it still binds.
            if (s.status == ServiceStatus.Retired && s.allocation == 0 && _deallocatingOf(i) == 0) continue;
            uint256 w = uint256(s.slashingWindow) + s.vetoWindow;
            if (w > delay) delay = w;
        }
    }

    /// @inheritdoc IServiceRegistry
    function pendingSlashes() external view returns (uint256[] memory ids) {
        RegistryStorage storage $ = _s();
        ids = new uint256[]($.pendingCount);
        for (uint256 i; i < ids.length; ++i) ids[i] = $.pendingIds[i] - 1;
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

    /// @inheritdoc IServiceRegistry
    function certifiedGammaBps() public view returns (uint256) {
        uint256 maxLoad = _s().maxLoad;
        if (maxLoad == 0) return type(uint256).max;
        uint256 inv = WAD_BPS / maxLoad;
        return inv > BPS ? inv - BPS : 0;
    }

    /// @inheritdoc IServiceRegistry
    function operatorLoad(
        uint256 moduleId,
        uint256 operatorId
    ) external view returns (uint256 load, uint256 sigma) {
        OperatorRisk storage o = _s().operatorRisks[_key(moduleId, operatorId)];
        return (o.load, o.slashable < o.active ? o.slashable : o.active);
    }

    /// @inheritdoc IServiceRegistry
    function serviceRisk(
        uint256 serviceId
    ) external view returns (uint256 profit, uint256 alphaBps, uint256 sigma, uint256 quota) {
        ServiceRisk storage r = _s().risks[serviceId];
        return (r.profit, r.alphaBps, r.sigma, r.quota);
    }

    /// @inheritdoc IServiceRegistry
    function cascadeBoundBps(uint256 psiBps) external view returns (uint256) {
        uint256 gamma = certifiedGammaBps();
        if (gamma == 0) return type(uint256).max;
        if (gamma == type(uint256).max) return psiBps;
        // ψ·(1 + 1/γ) = ψ·(γ + 10⁴)/γ with γ in bps, rounded up (the bound never understated).
        return (psiBps * (gamma + BPS) + gamma - 1) / gamma;
    }

    /// @inheritdoc IServiceRegistry
    function minGammaBps() external view returns (uint256) {
        return _s().minGammaBps;
    }

    /// @inheritdoc IServiceRegistry
    function extensions() external view returns (address allocations, address slashing) {
        return (ALLOCATIONS, SLASHING);
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

    /// @dev Runs `impl`'s code on this contract's storage with the calldata as received, and
    /// returns or reverts with its result (the extension has the same ABI as the registry function forwarding to it).
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function _delegate(address impl) private {
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

    function _setMinGamma(uint256 bps) private {
        require(bps <= 10 * BPS, InvalidMinGamma(bps));
        _s().minGammaBps = SafeCast.toUint16(bps);
        emit MinGammaSet(bps);
    }

    function _setCoverFactor(uint256 bps) private {
        require(bps != 0 && bps <= 10 * BPS, InvalidServiceParams());
        _s().coverFactorBps = SafeCast.toUint16(bps);
        emit CoverFactorSet(bps);
    }
}
