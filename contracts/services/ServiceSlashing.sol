// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IExitManager} from "../interfaces/IExitManager.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";
import {BPS, DEPOSIT_SIZE} from "../libraries/Constants.sol";
import {ServiceExtension} from "./ServiceExtension.sol";
import {ServiceGate} from "./ServiceGate.sol";

/// @title ServiceSlashing
/// @notice The slashing path of the ServiceRegistry after the request (veto window → execution),
/// the operators' opt-out (the stake leaves the allocation but stays slashable for the slashing
/// window) and the services' risk declarations (π, α: what corrupting a service is worth), run
/// only by DELEGATECALL from the registry proxy, on the registry's storage: the registry's
/// `vetoSlash`, `executeSlash`, `setSlashParams`, `optOut` and `setServiceRisk` forward here (the request runs in
/// the registry itself: one cold account less on it). Split out so
/// each piece of the registry fits EIP-170 at the default optimizer setting. Called directly,
/// every function reverts (`NotDelegated`): this contract has no state of its own.
contract ServiceSlashing is ServiceExtension, ServiceGate {
    /// @notice See IServiceRegistry.vetoSlash (the registry checks VETO_ROLE, then forwards).
    function vetoSlash(uint256 slashId) external onlyDelegated {
        RegistryStorage storage $ = _s();
        IServiceRegistry.SlashRequest storage r = _slash(slashId);
        require(
            r.status == IServiceRegistry.SlashStatus.Requested,
            IServiceRegistry.SlashNotPending(slashId, r.status)
        );
        uint256 endsAt = r.requestedAt + _serviceAt(r.serviceId).vetoWindow;
        require(block.timestamp < endsAt, IServiceRegistry.VetoWindowOver(slashId, endsAt));
        r.status = IServiceRegistry.SlashStatus.Vetoed;
        $.stakes[r.serviceId][_key(r.moduleId, r.operatorId)].pendingBps -= r.bps;
        _removePending(slashId);
        emit IServiceRegistry.SlashVetoed(slashId, msg.sender);
        $.modules[r.moduleId].unlockBond(r.operatorId, r.lockedBond);
    }

    /// @notice See IServiceRegistry.executeSlash (the registry forwards the call unchanged).
    function executeSlash(uint256 slashId) external onlyDelegated returns (uint256 amount) {
        IServiceRegistry.SlashRequest storage r = _slash(slashId);
        // The request's first slot, read once: serviceId (bits 0..31), moduleId (32..63),
        // operatorId (64..95), bps (96..111), requestedAt (112..151), status (152..159),
        // lockedBond (160..255).
        uint256 w;
        assembly ("memory-safe") {
            w := sload(r.slot)
        }
        uint8 status = uint8(w >> 152);
        require(
            status == uint8(IServiceRegistry.SlashStatus.Requested),
            IServiceRegistry.SlashNotPending(slashId, IServiceRegistry.SlashStatus(status))
        );
        uint256 serviceId = uint32(w);
        ServiceRecord storage s = _serviceAt(serviceId); // the request's: it exists
        uint256 endsAt = uint40(w >> 112) + uint256(s.vetoWindow);
        require(block.timestamp >= endsAt, IServiceRegistry.VetoWindowOpen(slashId, endsAt));
        // Status Requested → Executed (1 → 3), the rest of the slot unchanged.
        w ^= uint256(2) << 152;
        assembly ("memory-safe") {
            sstore(r.slot, w)
        }
        amount = _slashStake(
            s,
            serviceId,
            uint64((uint256(uint32(w >> 32)) << OPERATOR_BITS) | uint32(w >> 64)),
            w
        );
        _removePending(slashId);
        _chargeSlash(slashId, r, s, amount);
    }

    /// @dev Takes the executed slash's X = ⌊stake·bps/10⁴⌋ from the operator's stake (`key`),
    /// then from what it still has deallocating; `req` is the request's first slot.
    function _slashStake(
        ServiceRecord storage s,
        uint256 serviceId,
        uint64 key,
        uint256 req
    ) private returns (uint256 amount) {
        Stake storage st = _s().stakes[serviceId][key];
        uint256 w;
        assembly ("memory-safe") {
            w := sload(st.slot)
        }
        uint256 fromStake;
        uint256 fromPending;
        (amount, w, fromStake, fromPending) = _slashWord(w, req);
        uint256 m = s.maxSlashBps;
        uint256 left = uint96(w);
        // The slashed stake no longer secures the service (nor counts in the robustness gate:
        // γ is published, never refused here). An ungated service's slash on an operator that
        // secures no gated one moves only the operator's slashable sum: no Sync (and with no
        // gated service at all, no read of the service's π either).
        if (
            (_s().gatedServices == 0 || _s().risks[serviceId].profit == 0) &&
            _touchUnlinked(key, _slashableTerm(left + fromStake, m), _slashableTerm(left, m))
        ) {
            _writeSlashed(s, st, w, serviceId, fromStake, fromPending);
            return amount;
        }
        Sync memory x = _syncStart();
        _detach(serviceId, x);
        _touch(key, _slashableTerm(left + fromStake, m), _slashableTerm(left, m), KEEP, x);
        _writeSlashed(s, st, w, serviceId, fromStake, fromPending);
        _attach(serviceId, false, x);
        _syncEnd(x);
    }

    /// @dev The stake slot `w` (stake bits 0..95, pending 96..191, releaseAt 192..231,
    /// pendingBps 232..247) after the slash of request slot `req`: X from the stake first, then
    /// from the pending part, and the request's bps out of pendingBps. Stake still deallocating
    /// when the slash was requested stays slashable until it is executed: the veto window must
    /// not let it run out (stakeOf would drop it at releaseAt).
    function _slashWord(
        uint256 w,
        uint256 req
    ) private pure returns (uint256 amount, uint256 next, uint256 fromStake, uint256 fromPending) {
        uint256 staked = uint96(w);
        uint256 pending = uint96(w >> 96);
        uint256 bps = uint16(req >> 96);
        amount = ((staked + (uint40(req >> 112) < uint40(w >> 192) ? pending : 0)) * bps) / BPS;
        fromStake = amount < staked ? amount : staked;
        fromPending = amount - fromStake > pending ? pending : amount - fromStake;
        // Checked: pendingBps holds this request's bps (a veto or an execution takes it out once).
        uint256 pendingBps = uint16(w >> 232) - bps;
        // Each part at most its field: no borrow crosses into the next one.
        next = (uint256(uint232(w)) - fromStake - (fromPending << 96)) | (pendingBps << 232);
    }

    /// @dev Writes the slashed stake's slot, the service's deallocating sum and its allocation.
    function _writeSlashed(
        ServiceRecord storage s,
        Stake storage st,
        uint256 w,
        uint256 serviceId,
        uint256 fromStake,
        uint256 fromPending
    ) private {
        assembly ("memory-safe") {
            sstore(st.slot, w)
        }
        if (fromPending != 0) {
            Deallocating storage d = _s().deallocating[serviceId];
            // Plain narrowing: at most d.amount, a uint128.
            d.amount -= uint128(fromPending > d.amount ? d.amount : fromPending);
        }
        uint256 allocation = s.allocation;
        _setAllocated(s, fromStake > allocation ? 0 : allocation - fromStake);
    }

    /// @dev Books an executed slash: one module call releases this request's lock, charges the
    /// operator's free bond before any class and asks the operator's validators to leave, one
    /// pool call takes the rest from the classes and pays the recipient, and a router call
    /// applies the module's reputation penalty when there is one. When this request's lock and the free bond together
    /// fall short of `amount`, the locks of the operator's other pending requests are opened
    /// for the charge too (the bond pays before the classes, DESIGN §8), and what the charge
    /// left of them is locked again. A request whose lock was taken records the smaller lock
    /// (`SlashLockTaken`), so each veto still releases exactly its own.
    function _chargeSlash(
        uint256 slashId,
        IServiceRegistry.SlashRequest storage r,
        ServiceRecord storage p,
        uint256 amount
    ) private {
        RegistryStorage storage $ = _s();
        (uint256 moduleId, uint256 operatorId) = (r.moduleId, r.operatorId);
        // A bondless module's operators lock no bond (requestSlash): no other lock to open.
        uint256 others =
            amount > r.lockedBond && $.bondlessModules & (uint256(1) << moduleId) == 0
                ? _lockedByOthers(moduleId, operatorId)
                : 0;
        // The operator's validators must leave (the slash lands on it): the module asks them in
        // the same call, by the exit deadline.
        (uint256 charged, uint256 classLoss) = _slashOperator(
            moduleId,
            operatorId,
            amount,
            r.lockedBond + others,
            p
        );
        // One event for the execution: the slash X and what the bond and the classes took.
        emit IServiceRegistry.SlashExecuted(slashId, amount, charged, classLoss);
        if (others == 0) return;
        uint256 kept = $.modules[moduleId].lockBond(operatorId, others);
        if (kept < others) _takeLocks(moduleId, operatorId, others - kept);
    }

    /// @dev `_chargeSlash`'s calls (their own frame: the stack): the module's bond step and exit
    /// requests (`onSlash`, the module named in `SLASHING_MODULE_SLOT` while it runs: the pool
    /// takes its bond charge only then), the pool's settlement, then the router's reputation
    /// penalty only when it cannot be zero.
    function _slashOperator(
        uint256 moduleId,
        uint256 operatorId,
        uint256 amount,
        uint256 unlock,
        ServiceRecord storage p
    ) private returns (uint256 charged, uint256 classLoss) {
        RegistryStorage storage $ = _s();
        IStakingModule module = $.modules[moduleId]; // recorded at the operator's opt-in
        address pool = address($.book); // the pool, in the slot of the penalty and the deadline
        uint256 penaltyBps = $.slashPenaltyBps;
        uint256 active;
        assembly ("memory-safe") {
            tstore(SLASHING_MODULE_SLOT, module)
        }
        (charged, active) = module.onSlash(
            operatorId,
            amount,
            unlock,
            block.timestamp + $.exitDeadline,
            pool
        );
        assembly ("memory-safe") {
            tstore(SLASHING_MODULE_SLOT, 0)
        }
        // The charge (booked only if exactly that arrived from the module) into buffered, the
        // rest from the classes, the recipient paid. No slash takes more than the book holds:
        // what no class can absorb is neither taken nor paid (several services slashing one
        // operator at a cover factor above 1x could otherwise pay out more than the pool, and
        // Invariant A would break).
        classLoss = ICascadePool(pool).settleSlash(p.recipient, amount, p.tier, charged);
        // The router's penalty ⌊penaltyBps·slashed/(active·32 ETH)⌋ is non-zero only when
        // penaltyBps·slashed ≥ active·32 ETH (or nothing is at risk). The module's count is the
        // router's (never above it), so this skips only penalties that round to zero.
        uint256 slashed = charged + classLoss;
        if (slashed != 0 && penaltyBps * slashed >= active * DEPOSIT_SIZE) {
            $.router.penalizeSlash(moduleId, slashed, penaltyBps);
        }
    }

    /// @notice See IServiceRegistry.setServiceStatus (the registry checks SERVICE_MANAGER_ROLE,
    /// then forwards). Here since the per-tier totals left the registry no room (EIP-170): the
    /// rule that a service may only go active while every class it exposes keeps its redeem
    /// delay ≥ slashing + veto window is a slashing rule (no class can flee a due slash, §8).
    function setServiceStatus(
        uint256 serviceId,
        IServiceRegistry.ServiceStatus status
    ) external onlyDelegated {
        ServiceRecord storage s = _service(serviceId);
        IServiceRegistry.ServiceStatus from = s.status;
        bool ok =
            (status == IServiceRegistry.ServiceStatus.Active &&
                (from == IServiceRegistry.ServiceStatus.Pending ||
                    from == IServiceRegistry.ServiceStatus.Paused)) ||
                (status == IServiceRegistry.ServiceStatus.Paused &&
                    from == IServiceRegistry.ServiceStatus.Active) ||
                (status == IServiceRegistry.ServiceStatus.Retired &&
                    from != IServiceRegistry.ServiceStatus.Retired);
        require(ok, IServiceRegistry.InvalidStatusChange(from, status));
        if (status == IServiceRegistry.ServiceStatus.Active) _checkRedeemDelays(s);
        if (status == IServiceRegistry.ServiceStatus.Retired) --_s().liveServices;
        s.status = status;
        emit IServiceRegistry.ServiceStatusChanged(serviceId, status);
    }

    function _checkRedeemDelays(ServiceRecord storage p) private view {
        IYieldClasses book = _s().book;
        uint256 needed = uint256(p.slashingWindow) + p.vetoWindow;
        uint256 k = book.classCount();
        for (uint256 c = p.tier; c < k; ++c) {
            uint256 d = book.getClass(c).params.redeemDelay;
            require(d >= needed, IServiceRegistry.RedeemDelayTooShort(c, d, needed));
        }
    }

    /// @notice See IServiceRegistry.setSlashParams (the registry forwards the call unchanged).
    function setSlashParams(
        address exits,
        uint256 slashPenaltyBps,
        uint256 exitDeadline
    ) external onlyDelegated {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), IServiceRegistry.NotAccounting(msg.sender));
        // Accounting checked both bounds (slashPenaltyBps ≤ 10⁴, exitDeadline a uint32 there).
        $.exits = IExitManager(exits);
        $.slashPenaltyBps = uint16(slashPenaltyBps);
        $.exitDeadline = uint32(exitDeadline);
        emit IServiceRegistry.SlashParamsSet(exits, slashPenaltyBps, exitDeadline);
    }

    /// @dev Bond locked by the operator's pending requests (the executed one is no longer pending).
    function _lockedByOthers(uint256 moduleId, uint256 operatorId) private view returns (uint256 sum) {
        RegistryStorage storage $ = _s();
        uint256 count = $.pendingCount;
        for (uint256 i; i < count; ++i) {
            IServiceRegistry.SlashRequest storage o = $.slashes[$.pendingIds[i] - 1];
            if (o.moduleId == moduleId && o.operatorId == operatorId) sum += o.lockedBond;
        }
    }

    /// @notice See IServiceRegistry.optOut (the registry forwards the call unchanged). Here
    /// rather than with the allocations: leaving is about what stays slashable, and it keeps
    /// ServiceAllocations under the size bound with the report's restore plan.
    function optOut(uint256 serviceId, uint256 moduleId, uint256 operatorId) external onlyDelegated {
        ServiceRecord storage s = _service(serviceId);
        _checkManager(moduleId, operatorId);
        OptIn storage o = _s().optIns[serviceId][_key(moduleId, operatorId)];
        require(o.optedIn && o.outAt == 0, IServiceRegistry.NotOptedIn(serviceId, moduleId, operatorId));
        uint256 effectiveAt = block.timestamp + s.slashingWindow;
        o.outAt = SafeCast.toUint64(effectiveAt);
        emit IServiceRegistry.OptOutRequested(serviceId, moduleId, operatorId, effectiveAt);
        // The allocation leaves with the operator at once; the stake stays slashable (deallocating)
        // until the opt-out takes effect, so nothing escapes a slash it is due.
        Stake storage st = _s().stakes[serviceId][_key(moduleId, operatorId)];
        uint256 removed = st.stake;
        if (removed != 0) {
            uint256 from = s.allocation;
            Sync memory x = _syncStart();
            _detach(serviceId, x);
            _deallocate(st, 0, SafeCast.toUint64(effectiveAt));
            _touch(_key(moduleId, operatorId), _slashableTerm(removed, s.maxSlashBps), 0, KEEP, x);
            _attach(serviceId, false, x);
            // Leaving is the operator's right: never refused, the new γ is published.
            _syncEnd(x);
            // Plain narrowing: at most `from`, itself a uint128 (EIP-170 leaves no room for a check).
            _setAllocated(s, from - removed);
            _addDeallocating(serviceId, removed, 0, SafeCast.toUint64(effectiveAt));
            emit IServiceRegistry.AllocationScaled(serviceId, from, from - removed, effectiveAt);
        }
    }

    /// @dev Lowers the recorded locks of the operator's pending requests, in pending-list order,
    /// by the `taken` wei an execution charged from them.
    function _takeLocks(uint256 moduleId, uint256 operatorId, uint256 taken) private {
        RegistryStorage storage $ = _s();
        uint256 count = $.pendingCount;
        for (uint256 i; i < count && taken != 0; ++i) {
            uint256 id = $.pendingIds[i] - 1;
            IServiceRegistry.SlashRequest storage o = $.slashes[id];
            if (o.moduleId != moduleId || o.operatorId != operatorId || o.lockedBond == 0) continue;
            uint256 cut = taken < o.lockedBond ? taken : o.lockedBond;
            o.lockedBond -= uint96(cut); // cut ≤ lockedBond, a uint96
            taken -= cut;
            emit IServiceRegistry.SlashLockTaken(id, cut, o.lockedBond);
        }
    }

    /// @dev Swaps the last pending entry into the removed one's place. The last position is
    /// left stale (not cleared): see RegistryStorage.pendingIds.
    function _removePending(uint256 slashId) private {
        RegistryStorage storage $ = _s();
        uint256 last = $.pendingCount - 1;
        // A pending request is on the list: when it is the only one, it is the first entry,
        // and the list's slot need not be read (2,100 gas).
        if (last == 0) {
            $.pendingCount = 0;
            return;
        }
        for (uint256 i; i <= last; ++i) {
            if ($.pendingIds[i] == slashId + 1) {
                if (i != last) $.pendingIds[i] = $.pendingIds[last];
                $.pendingCount = uint8(last);
                return;
            }
        }
    }

    /// @notice See IServiceRegistry.setServiceRisk (the registry forwards the call unchanged). Here
    /// rather than with the allocations: it keeps ServiceAllocations under the size bound with
    /// the report's restore (the plan and the one write of the gate's figures).
    function setServiceRisk(uint256 serviceId, uint256 profit, uint256 alphaBps) external onlyDelegated {
        RegistryStorage storage $ = _s();
        ServiceRecord storage s = _service(serviceId);
        ServiceRisk storage r = $.risks[serviceId];
        bool governance = IAccessControl(address(this)).hasRole(SERVICE_MANAGER_ROLE, msg.sender);
        require(governance || msg.sender == s.slasher, IServiceRegistry.NotSlasher(serviceId, msg.sender));
        require(alphaBps != 0 && alphaBps <= BPS, IServiceRegistry.InvalidRiskParams(alphaBps));
        if (!governance) {
            // The service may only declare more risk: raise π, lower α (or set α the first time).
            require(
                profit >= r.profit && (r.alphaBps == 0 || alphaBps <= r.alphaBps),
                IServiceRegistry.RiskNotTightened(r.profit, profit, r.alphaBps, alphaBps)
            );
        }
        Sync memory x = _syncStart();
        _detach(serviceId, x);
        if ((r.profit == 0) != (profit == 0)) {
            // At most MAX_REGISTRATIONS services: the count fits its uint16.
            if (profit == 0) --$.gatedServices;
            else ++$.gatedServices;
        }
        r.profit = SafeCast.toUint96(profit);
        r.alphaBps = uint16(alphaBps); // ≤ BPS
        emit IServiceRegistry.ServiceRiskSet(serviceId, profit, alphaBps);
        // Active stakes read now: the cached ones may predate the last report.
        _attach(serviceId, true, x);
        _syncCheck(x);
    }
}
