// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../interfaces/IAccounting.sol";
import {IExitManager} from "../interfaces/IExitManager.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BPS, MAX_CLASSES} from "../libraries/Constants.sol";

/// @title ServiceRegistryStorage
/// @notice The ServiceRegistry's state (one ERC-7201 namespace) and the helpers every piece of
/// it reads. The registry proxy runs ServiceRegistry's code and, by DELEGATECALL, the code of
/// its extensions (ServiceSlashing): all of them inherit this contract, so they see one layout.
abstract contract ServiceRegistryStorage {
    bytes32 public constant SERVICE_MANAGER_ROLE = keccak256("SERVICE_MANAGER_ROLE");
    bytes32 public constant ALLOCATOR_ROLE = keccak256("ALLOCATOR_ROLE");
    bytes32 public constant VETO_ROLE = keccak256("VETO_ROLE");

    /// @dev Bounds the per-service operator loop of allocations.
    uint256 public constant MAX_SERVICE_OPERATORS = 32;
    /// @dev Bounds Σ over services of allocated operators, so the report's exposure scaling
    /// (one storage update per allocated operator) stays far below a block (bench: enforce_exposure).
    uint256 public constant MAX_ALLOCATED_OPERATORS = 512;
    /// @dev Bounds the pending-slash list keepers and `previewDeposit` read.
    uint256 public constant MAX_PENDING_SLASHES = 64;
    uint256 internal constant OPERATOR_BITS = 32;
    /// @dev 10⁴ (bps) · 10¹⁸ (WAD): γ_bps = ⌊WAD_BPS / max_v T_v⌋ − 10⁴.
    uint256 internal constant WAD_BPS = 1e22;
    /// @dev q_s of a service with π_s > 0 and σ_s = 0: the empty coalition attacks it (γ = 0).
    /// 2^200: the loads stay far from overflow with every service unbacked.
    uint256 internal constant UNBACKED = 1 << 200;
    /// @dev Service tiers: 1 ≤ tier < classCount ≤ MAX_CLASSES (the per-tier totals, index tier − 1).
    uint256 internal constant TIERS = MAX_CLASSES - 1;

    struct Stake {
        // One slot per (service, operator): the report's exposure scaling touches one slot per
        // allocated operator (bench: report_apply_exposure_worst). 2^96 wei is ~79 billion ETH.
        uint96 stake; // allocated now
        uint96 pending; // removed by a scale-down or a smaller allocation, slashable until releaseAt
        uint40 releaseAt; // seconds: fits until the year 36,812
        // Σ bps of the slash requests pending against this stake (≤ the service's maxSlashBps):
        // in the slot a request reads anyway, so a request writes it for 2,900 gas instead of
        // a fresh slot's 22,100.
        uint16 pendingBps;
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

    /// @dev The robustness gate's figures of a service (DESIGN §8): π_s, α_s, and while π_s > 0
    /// its securing stake σ_s = Σ_{v∈N(s)} σ_v and load share q_s = ⌈π_s·10²²/(α_s·σ_s)⌉.
    struct ServiceRisk {
        uint96 profit; // π_s, wei an attacker gains by corrupting the service (< 2^96: see maxLoad)
        uint16 alphaBps; // α_s, share of σ_s a coalition needs to attack
        uint96 sigma; // σ_s (0 while π_s = 0: not kept)
        uint256 quota; // q_s in 1e18 units (WAD); UNBACKED when π_s > 0 and σ_s = 0
    }

    /// @dev Per operator v: Σ_s ⌊a_{s,v}·maxSlashBps_s/10⁴⌋, its active stake when last read,
    /// and T_v = Σ_{s∈N(v), π_s>0} q_s (WAD, each term rounded up). σ_v = min(active, slashable).
    struct OperatorRisk {
        uint96 slashable;
        uint96 active;
        uint32 links; // bits set in riskServices[v], in this slot so an unloaded operator costs one read
        uint256 load;
    }

    /// @dev A service as stored: `IServiceRegistry.Service` with its fields regrouped (getService
    /// returns the ABI struct). Slot 0 holds every parameter an execution, a veto, an allocation
    /// and a report's exposure scaling read, with the allocation they write: an execution reads
    /// the record in two cold slots (this and the recipient's), not three.
    struct ServiceRecord {
        // slot 0
        uint8 tier; // ≥ 1; class k is exposed iff tier ≤ k
        uint16 maxSlashBps;
        uint32 slashingWindow;
        uint32 vetoWindow;
        uint16 minOperators;
        uint16 maxOperatorShareBps;
        uint128 allocation; // ETH of stake securing the service
        // slot 1: what a slash request checks besides slot 0
        address slasher;
        IServiceRegistry.ServiceStatus status;
        // slot 2
        address recipient; // of slashed ETH; address(0) burns it
        // slot 3
        uint128 rewardsPaid;
    }

    /// @dev Transient slot: the module an execution is slashing, for the length of its `onSlash`
    /// call (keccak256("cascade.transient.ServiceRegistry.slashingModule") - 1).
    bytes32 internal constant SLASHING_MODULE_SLOT =
        0x2a4763b325d75de2cee3d7d69afd4c1ba2207f52d2198ccf034a5b012fab5fba;

    /// @custom:storage-location erc7201:cascade.storage.ServiceRegistry
    struct RegistryStorage {
        IStakingRouter router;
        // Beside the router, in the slot a slash request and an execution read anyway (so each
        // writes it warm, once): the modules found to hold no operator bonds (bit = module id;
        // MAX_MODULES is 32; probed at opt-in, ServiceRegistry.optIn), so a request against
        // one of their operators makes no bond-lock call through the router and the module;
        // the pending count; and the number of slash requests ever made (ids 0, 1, ...).
        uint32 bondlessModules;
        uint8 pendingCount; // pendingIds[0, pendingCount) are the pending slash requests
        uint32 slashCount;
        // Services with π > 0 (setServiceRisk). While 0 no service is gated and no operator has
        // a link, so an execution moves only the operator's slashable sum: it reads no gate slot
        // but that one (ServiceSlashing._slashStake).
        uint16 gatedServices;
        IYieldClasses book;
        // Accounting's slash parameters (setSlashParams), beside `book`: an execution reads both
        // (the pool's payout, the router's charge), one cold slot instead of two.
        uint16 slashPenaltyBps; // ≤ 10⁴
        uint32 exitDeadline; // seconds
        IAccounting accounting;
        uint16 coverFactorBps;
        // Bit t: tier t has rewards pending, tierRewards[t − 1]; beside `accounting`, which
        // `collectRewards` reads for its caller check (one cold read finds the caller and the
        // tiers to book). Without its bit a tier's total is stale and means 0.
        uint8 rewardTiers;
        ServiceRecord[] services;
        mapping(uint256 slashId => IServiceRegistry.SlashRequest) slashes; // ids < slashCount
        // The pending slash ids plus one (the list keepers, `previewDeposit` and the bond-lock
        // rules read), 8 per slot. Entries at and past pendingCount are stale and never
        // cleared (and never 0 once written: id + 1), so a request's entry rewrites a non-zero
        // slot (5,000 gas) instead of filling a fresh one (22,100) once the system has seen a
        // request at that position or a neighbour of it.
        uint32[MAX_PENDING_SLASHES] pendingIds;
        mapping(uint256 serviceId => uint64[]) operators;
        mapping(uint256 serviceId => mapping(uint64 key => Stake)) stakes;
        mapping(uint256 serviceId => mapping(uint64 key => OptIn)) optIns;
        mapping(uint256 serviceId => Deallocating) deallocating;
        uint128 minSlashAmount; // smallest expected slash a request may ask for (wei)
        uint128 registrationFee; // wei a registration pays, booked as the service's rewards
        uint32 liveServices; // registered and not retired (bounded by MAX_SERVICES)
        uint32 allocatedOperators; // Σ_s operators[s].length (bounded by MAX_ALLOCATED_OPERATORS)
        // ---- robustness gate (DESIGN §8); N(s) = operators[s] with a non-zero stake
        mapping(uint256 serviceId => ServiceRisk) risks;
        mapping(uint64 key => OperatorRisk) operatorRisks;
        // Bit s: s ∈ N(v) with π_s > 0 (service ids < MAX_REGISTRATIONS = 256). One slot per
        // operator: the report reads and rewrites each operator's set once (a list was 1 + n/8 slots).
        mapping(uint64 key => uint256) riskServices;
        uint64[] loaded; // operators with riskServices non-empty (T_v may be > 0)
        mapping(uint64 key => uint256 indexPlusOne) loadedIndex;
        // One slot, read by every gated change. max_v T_v over operators with σ_v > 0: each T_v
        // is a sum of ≤ 256 terms q_s ≤ ⌈π_s·10²²/(α_s·σ_s)⌉ < 2^96·2^74, so it fits 208 bits.
        uint208 maxLoad;
        uint16 minGammaBps; // certified γ the gate keeps (bps; initialize sets 1,000)
        uint32 unbacked; // services with π_s > 0 and σ_s = 0 (flagged, outside the certified graph)
        // ---- executed slashes (appended: the fields above keep their slots). An execution books
        // the slash itself, with the module (the bond and the operator's exits, onSlash) and the
        // pool (the classes and the payout, settleSlash): Accounting's slash parameters, copied here by
        // Accounting.setServiceRegistry and every setParams (setSlashParams; `exits` is kept as
        // Accounting names it, the slash no longer calls it; slashPenaltyBps and exitDeadline
        // sit beside `book`, above).
        IExitManager exits;
        // ---- per-tier running totals (appended), so a report reads ≤ TIERS slots, not every
        // service (`rewardTiers`, beside `accounting`, marks the tiers with rewards pending).
        // Per tier t (index t − 1, two per slot): service rewards paid and not yet booked.
        uint128[TIERS] tierRewards;
        // Per tier t (index t − 1): Σ ⌊allocation·maxSlashBps/10⁴⌋ over its services, the same
        // per-service floors `exposure` sums; updated wherever an allocation changes (`_setAllocated`).
        uint128[TIERS] tierAllocated;
        // The module behind each module id, recorded at its first opt-in (ServiceRegistry._probeModule,
        // which checks the module takes this registry's calls): every stake a request can slash
        // was allocated after an opt-in, so a request's module is always here, and its locks
        // and its execution call the module directly (the router only for a reputation penalty).
        // The router only ever appends modules, so an id keeps its module.
        mapping(uint256 moduleId => IStakingModule) modules;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ServiceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x28ee7fe59a7b6ead640897f70b83a0d46f0b4db055689561f4eab42784d13000;

    function _s() internal pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    function _service(uint256 serviceId) internal view returns (ServiceRecord storage) {
        ServiceRecord[] storage ss = _s().services;
        require(serviceId < ss.length, IServiceRegistry.UnknownService(serviceId));
        return ss[serviceId];
    }

    /// @dev Storage slots of one `ServiceRecord` (a struct that changes must change this too:
    /// test/services/RegisterService.t.sol checks it against the array's own indexing).
    uint256 internal constant SERVICE_SLOTS = 4;

    /// @dev A service known to exist (a slash request's): no bounds check, which reads
    /// `services.length`, a cold slot the execution has no other use for (2,100 gas).
    function _serviceAt(uint256 serviceId) internal view returns (ServiceRecord storage s) {
        ServiceRecord[] storage ss = _s().services;
        assembly ("memory-safe") {
            mstore(0, ss.slot)
            s.slot := add(keccak256(0, 32), mul(serviceId, SERVICE_SLOTS))
        }
    }

    function _slash(uint256 slashId) internal view returns (IServiceRegistry.SlashRequest storage) {
        RegistryStorage storage $ = _s();
        require(slashId < $.slashCount, IServiceRegistry.UnknownSlash(slashId));
        return $.slashes[slashId];
    }

    /// @dev Writes a service's allocation and keeps its tier's `tierAllocated` equal to the sum
    /// `exposure` would compute (the service's own floored term replaced).
    function _setAllocated(ServiceRecord storage s, uint256 next) internal {
        uint256 cur = s.allocation;
        s.allocation = SafeCast.toUint128(next);
        if (next == cur) return;
        uint256 m = s.maxSlashBps;
        uint128[TIERS] storage a = _s().tierAllocated;
        uint256 i = s.tier - 1; // ≥ 1 at registration, < classCount ≤ MAX_CLASSES
        // The tier's sum holds this service's term ⌊cur·m/10⁴⌋, so the subtraction cannot underflow.
        a[i] = SafeCast.toUint128(a[i] - (cur * m) / BPS + (next * m) / BPS);
    }

    /// @dev Slashable stake of an operator in a service now (allocation plus what is still deallocating).
    function _stakeOf(uint256 serviceId, uint64 key) internal view returns (uint256) {
        Stake storage st = _s().stakes[serviceId][key];
        return st.stake + (block.timestamp < st.releaseAt ? st.pending : 0);
    }

    /// @dev Lowers a stake to `next`, keeping the difference slashable until `releaseAt`.
    function _deallocate(Stake storage st, uint256 next, uint64 releaseAt) internal returns (uint256 moved) {
        uint256 cur = st.stake;
        if (next >= cur) return 0;
        uint256 stillPending = block.timestamp < st.releaseAt ? st.pending : 0;
        moved = cur - next;
        // Both at most the stored stake + pending (each < 2^96, their sum was placed once).
        st.pending = SafeCast.toUint96(stillPending + moved);
        st.stake = uint96(next); // next < cur = st.stake, a uint96
        st.releaseAt = SafeCast.toUint40(releaseAt);
    }

    /// @dev Service-level mirror of `_deallocate`: adds `moved`, removes `back` (deallocating
    /// stake allocated again), and extends the release to `releaseAt` when something moved.
    function _addDeallocating(uint256 serviceId, uint256 moved, uint256 back, uint64 releaseAt) internal {
        Deallocating storage d = _s().deallocating[serviceId];
        uint256 live = _deallocatingOf(serviceId) + moved;
        d.amount = SafeCast.toUint128(back < live ? live - back : 0);
        if (moved != 0 && releaseAt > d.until) d.until = releaseAt;
    }

    /// @dev The service's deallocating stake still slashable now.
    function _deallocatingOf(uint256 serviceId) internal view returns (uint256) {
        Deallocating storage d = _s().deallocating[serviceId];
        return block.timestamp < d.until ? d.amount : 0;
    }

    function _checkManager(uint256 moduleId, uint256 operatorId) internal view returns (address module) {
        module = _s().router.getModule(moduleId).module;
        address manager = IStakingModule(module).operatorManager(operatorId);
        require(manager == msg.sender, IServiceRegistry.NotOperatorManager(moduleId, operatorId, msg.sender));
    }

    function _key(uint256 moduleId, uint256 operatorId) internal pure returns (uint64) {
        return SafeCast.toUint64((moduleId << OPERATOR_BITS) | operatorId);
    }
}
