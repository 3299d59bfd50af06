// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {BPS, DEPOSIT_SIZE} from "../libraries/Constants.sol";
import {ServiceExtension} from "./ServiceExtension.sol";
import {ServiceGate} from "./ServiceGate.sol";

/// @title ServiceAllocations
/// @notice Allocations and the exposure limit of the ServiceRegistry (DESIGN §8): the split of
/// a service's stake over its operators, the deallocation delay, the limit checked on new
/// allocations and restored at reports. Run only by DELEGATECALL from the registry proxy, on
/// its storage (the registry checks ALLOCATOR_ROLE before forwarding `setAllocation`).
contract ServiceAllocations is ServiceExtension, ServiceGate {
    /// @dev Greedy steps of the report's robustness restore before it retires every remaining
    /// gated allocation at once (bounds the report's gas: bench report_apply_gamma_restore_worst).
    uint256 internal constant MAX_RESTORE_STEPS = 4;

    /// @notice See IServiceRegistry.setAllocation (the registry checks ALLOCATOR_ROLE, then forwards).
    function setAllocation(
        uint256 serviceId,
        uint256 amount,
        uint64[] calldata operatorKeys
    ) external onlyDelegated {
        IServiceRegistry.Service storage s = _service(serviceId);
        require(
            s.status == IServiceRegistry.ServiceStatus.Active || amount == 0,
            IServiceRegistry.ServiceNotActive(serviceId, s.status)
        );
        uint256 n = operatorKeys.length;
        require(n <= MAX_SERVICE_OPERATORS, IServiceRegistry.TooManyOperators(MAX_SERVICE_OPERATORS));
        require(
            amount == 0 || n >= s.params.minOperators,
            IServiceRegistry.NotEnoughOperators(n, s.params.minOperators)
        );
        (uint256[] memory stakes, uint256[] memory owns) = amount == 0
            ? (new uint256[](n), new uint256[](0))
            : _split(serviceId, s, amount, operatorKeys);
        uint256 slashableBefore = s.allocation + _deallocatingOf(serviceId);

        Sync memory x = _syncStart();
        _detach(serviceId, x);
        uint256 placed = _place(serviceId, s, stakes, owns, operatorKeys, x);
        _attach(serviceId, false, x);
        // Stake moved to deallocating stays slashable, so it counts against the limit until it
        // is released: rotating stake between operators cannot double what is slashable. A call
        // that does not raise this service's slashable stake is always allowed (de-risking must
        // work even while losses keep the limit broken).
        if (placed + _deallocatingOf(serviceId) > slashableBefore) _checkExposure();
        emit IServiceRegistry.AllocationSet(serviceId, placed, n);
        _syncCheck(x);
    }

    /// @notice See IServiceRegistry.optOut (the registry forwards the call unchanged).
    function optOut(uint256 serviceId, uint256 moduleId, uint256 operatorId) external onlyDelegated {
        IServiceRegistry.Service storage s = _service(serviceId);
        _checkManager(moduleId, operatorId);
        OptIn storage o = _s().optIns[serviceId][_key(moduleId, operatorId)];
        require(o.optedIn && o.outAt == 0, IServiceRegistry.NotOptedIn(serviceId, moduleId, operatorId));
        uint256 effectiveAt = block.timestamp + s.params.slashingWindow;
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
            _touch(_key(moduleId, operatorId), _slashableTerm(removed, s.params.maxSlashBps), 0, KEEP, x);
            _attach(serviceId, false, x);
            // Leaving is the operator's right: never refused, the new γ is published.
            _syncEnd(x);
            // Plain narrowing: at most `from`, itself a uint128 (EIP-170 leaves no room for a check).
            s.allocation = uint128(from - removed);
            _addDeallocating(serviceId, removed, 0, SafeCast.toUint64(effectiveAt));
            emit IServiceRegistry.AllocationScaled(serviceId, from, from - removed, effectiveAt);
        }
    }

    /// @notice See IServiceRegistry.enforceExposure (the registry forwards the call unchanged).
    function enforceExposure() external onlyDelegated {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), IServiceRegistry.NotAccounting(msg.sender));
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
        Sync memory x = _syncStart();
        if (n != d) {
            // In phases, so the gate's cost is linear in the allocations: detach every scaled
            // service (its q_s leaves its operators' loads and links), scale them all, attach
            // each once. A stake change then moves σ only of the services that are not scaled;
            // one at a time, every change on a shared operator re-priced every other gated
            // service on it (services² × operators updates: 29.4M gas for 16 × 32).
            uint256 count = $.services.length;
            uint256[] memory ids = new uint256[](count);
            uint256 m;
            for (uint256 i; i < count; ++i) {
                IServiceRegistry.Service storage s = $.services[i];
                if (s.allocation == 0) continue;
                uint256 tier = s.params.tier;
                if (tier >= maxTier || num[tier] == den[tier]) continue;
                ids[m++] = i;
                _detach(i, x);
            }
            for (uint256 j; j < m; ++j) {
                uint256 tier = $.services[ids[j]].params.tier;
                _scale(ids[j], $.services[ids[j]], num[tier], den[tier], x);
            }
            for (uint256 j; j < m; ++j) _attach(ids[j], false, x);
        }
        // Losses and exits lower active stakes: re-read them where they carry load, restore γ
        // if it fell below the minimum, and publish it.
        uint64[] storage l = $.loaded;
        for (uint256 i; i < l.length; ++i) _touch(l[i], 0, 0, _activeOf(l[i]), x);
        _restore(x);
        _syncEnd(x);
    }

    /// @dev The report's robustness restore (DESIGN §8, docs/risk.md): while γ_cert < minimum,
    /// retire the whole allocation of the binding service — the largest q_s on an operator
    /// carrying the max load. A proportional scale-down cannot restore γ (a smaller σ_s raises
    /// every q_s it enters), but a retired service's q_s leaves every load it was in. Each step
    /// retires one of the G gated allocated services for good, and with none left no operator
    /// carries load (γ unbounded), so the loop ends after at most G steps with γ ≥ minimum. Gas:
    /// each step is linear in the allocations (≤ MAX_ALLOCATED_OPERATORS edges) and at most
    /// MAX_RESTORE_STEPS steps run, fewer when one does not help (below); past them every
    /// remaining gated allocation is retired in one pass (bench: report_apply_gamma_restore_worst).
    function _restore(Sync memory x) private {
        RegistryStorage storage $ = _s();
        uint256 minGamma = $.minGammaBps;
        uint256 lastInv;
        for (uint256 step; step < MAX_RESTORE_STEPS; ++step) {
            _settle(x);
            if (_gammaOf(x.max) >= minGamma) return;
            // A step that did not raise 1/max_v T_v by a whole bps ends the greedy phase: when
            // the operators' σ_v are slash-limited, retiring one service lowers σ of the others
            // on its operators and raises their q_s by as much as it removes (the dense gated
            // graph: every step left the max where it was, at ~2M gas each).
            uint256 inv = WAD_BPS / x.max; // x.max > 0: γ is below the minimum
            if (step != 0 && inv <= lastInv) break;
            lastInv = inv;
            _retire(_bindingService(x), x);
        }
        _settle(x);
        if (_gammaOf(x.max) >= minGamma) return;
        // Still below after the bounded steps: retire every gated service that carries load, in
        // one pass — all detached first (their operators lose every link, so the stake changes
        // below move no other service's σ), then scaled to zero, then attached (unbacked).
        uint64[] storage l = $.loaded;
        uint256[] memory ids = new uint256[]($.services.length);
        uint256 n;
        while (l.length != 0) {
            uint256 sid = $.riskServices[l[l.length - 1]][0];
            _detach(sid, x); // unlinks sid from all its operators: the list shrinks
            ids[n++] = sid;
        }
        for (uint256 i; i < n; ++i) _scale(ids[i], $.services[ids[i]], 0, 1, x);
        for (uint256 i; i < n; ++i) _attach(ids[i], false, x);
    }

    /// @dev Retires a gated service's allocation: every stake to deallocating (slashable for
    /// the slashing window, as the exposure limit's scale-down), the service left unbacked.
    function _retire(uint256 serviceId, Sync memory x) private {
        IServiceRegistry.Service storage s = _s().services[serviceId];
        _detach(serviceId, x);
        _scale(serviceId, s, 0, 1, x);
        _attach(serviceId, false, x);
    }

    /// @notice See IServiceRegistry.setServiceRisk (the registry forwards the call unchanged).
    function setServiceRisk(uint256 serviceId, uint256 profit, uint256 alphaBps) external onlyDelegated {
        RegistryStorage storage $ = _s();
        IServiceRegistry.Service storage s = _service(serviceId);
        ServiceRisk storage r = $.risks[serviceId];
        bool governance = IAccessControl(address(this)).hasRole(SERVICE_MANAGER_ROLE, msg.sender);
        require(
            governance || msg.sender == s.params.slasher,
            IServiceRegistry.NotSlasher(serviceId, msg.sender)
        );
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
        r.profit = SafeCast.toUint96(profit);
        r.alphaBps = uint16(alphaBps); // ≤ BPS
        emit IServiceRegistry.ServiceRiskSet(serviceId, profit, alphaBps);
        // Active stakes read now: the cached ones may predate the last report.
        _attach(serviceId, true, x);
        _syncCheck(x);
    }

    /// @dev Split by active stake with each share capped (maxOperatorShareBps and the operator's
    /// own stake); capped excess is refilled over the uncapped operators until placed.
    function _split(
        uint256 serviceId,
        IServiceRegistry.Service storage s,
        uint256 amount,
        uint64[] calldata keys
    ) private view returns (uint256[] memory stakes, uint256[] memory owns) {
        RegistryStorage storage $ = _s();
        uint256 n = keys.length;
        stakes = new uint256[](n);
        uint256[] memory caps = new uint256[](n);
        owns = new uint256[](n);
        uint256 shareCap = (amount * s.params.maxOperatorShareBps) / BPS;
        for (uint256 i; i < n; ++i) {
            uint64 key = keys[i];
            for (uint256 j; j < i; ++j)
                require(keys[j] != key, IServiceRegistry.AlreadyOptedIn(serviceId, key >> 32, uint32(key)));
            OptIn storage o = $.optIns[serviceId][key];
            // Opted-out (or leaving) operators cannot be newly allocated.
            require(
                o.optedIn && o.outAt == 0,
                IServiceRegistry.NotOptedIn(serviceId, key >> OPERATOR_BITS, uint32(key))
            );
            IStakingRouter.Module memory m = $.router.getModule(key >> OPERATOR_BITS);
            uint256 own = IStakingModule(m.module).activeValidatorsOf(uint32(key)) * DEPOSIT_SIZE;
            owns[i] = own;
            caps[i] = own < shareCap ? own : shareCap;
        }
        {
            // An operator with no active stake secures nothing: it does not count toward minOperators.
            uint256 withStake;
            for (uint256 i; i < n; ++i) if (owns[i] != 0) ++withStake;
            require(
                withStake >= s.params.minOperators,
                IServiceRegistry.NotEnoughOperators(withStake, s.params.minOperators)
            );
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
        require(remaining == 0, IServiceRegistry.AllocationNotPlaceable(amount, amount - remaining));
    }

    /// @dev Replaces the service's operators and stakes. Old stakes that shrink stay slashable
    /// for one slashing window (deallocation delay); deallocating stake allocated again moves back.
    function _place(
        uint256 serviceId,
        IServiceRegistry.Service storage s,
        uint256[] memory stakes,
        uint256[] memory owns,
        uint64[] calldata keys,
        Sync memory x
    ) private returns (uint256 placed) {
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.params.slashingWindow);
        uint256 moved = _releaseAll(serviceId, s.params.maxSlashBps, releaseAt, x);
        uint256 back;
        (placed, back) = _placeAll(serviceId, s.params.maxSlashBps, stakes, owns, keys, x);
        _setOperators(serviceId, keys);
        s.allocation = SafeCast.toUint128(placed);
        _addDeallocating(serviceId, moved, back, releaseAt);
    }

    /// @dev Sets the new stakes; deallocating stake allocated again moves back (`back`). The
    /// active stakes were read by the split (none to read when deallocating all).
    function _placeAll(
        uint256 serviceId,
        uint256 maxSlashBps,
        uint256[] memory stakes,
        uint256[] memory owns,
        uint64[] calldata keys,
        Sync memory x
    ) private returns (uint256 placed, uint256 back) {
        for (uint256 i; i < keys.length; ++i) {
            back += _placeOne(
                serviceId,
                keys[i],
                stakes[i],
                owns.length == 0 ? KEEP : owns[i],
                maxSlashBps,
                x
            );
            placed += stakes[i];
        }
    }

    function _setOperators(uint256 serviceId, uint64[] calldata keys) private {
        RegistryStorage storage $ = _s();
        uint256 total = $.allocatedOperators + keys.length - $.operators[serviceId].length;
        require(
            total <= MAX_ALLOCATED_OPERATORS,
            IServiceRegistry.TooManyAllocatedOperators(total, MAX_ALLOCATED_OPERATORS)
        );
        $.allocatedOperators = SafeCast.toUint32(total);
        $.operators[serviceId] = keys;
    }

    /// @dev Sets one operator's stake; deallocating stake allocated again moves back (returned).
    function _placeOne(
        uint256 serviceId,
        uint64 key,
        uint256 stake,
        uint256 active,
        uint256 maxSlashBps,
        Sync memory x
    ) private returns (uint256 again) {
        Stake storage st = _s().stakes[serviceId][key];
        uint256 live = block.timestamp < st.releaseAt ? st.pending : 0;
        again = stake < live ? stake : live;
        st.pending = uint96(live - again); // ≤ st.pending, a uint96
        st.stake = SafeCast.toUint96(stake);
        _touch(key, 0, _slashableTerm(stake, maxSlashBps), active, x);
    }

    /// @dev Moves every current stake of the service to deallocating (slashable until `releaseAt`).
    function _releaseAll(
        uint256 serviceId,
        uint256 maxSlashBps,
        uint64 releaseAt,
        Sync memory x
    ) private returns (uint256 moved) {
        RegistryStorage storage $ = _s();
        uint64[] storage current = $.operators[serviceId];
        for (uint256 i; i < current.length; ++i) {
            uint256 out = _deallocate($.stakes[serviceId][current[i]], 0, releaseAt);
            moved += out;
            _touch(current[i], _slashableTerm(out, maxSlashBps), 0, KEEP, x);
        }
    }

    function _scale(
        uint256 serviceId,
        IServiceRegistry.Service storage s,
        uint256 available,
        uint256 needed,
        Sync memory x
    ) private {
        uint256 to;
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.params.slashingWindow);
        uint64[] storage keys = _s().operators[serviceId];
        uint256 moved;
        uint256 m = s.params.maxSlashBps;
        for (uint256 i; i < keys.length; ++i) {
            (uint256 out, uint256 next) = _scaleOne(serviceId, keys[i], available, needed, m, releaseAt, x);
            moved += out;
            to += next;
        }
        uint256 from = s.allocation;
        s.allocation = SafeCast.toUint128(to);
        _addDeallocating(serviceId, moved, 0, releaseAt);
        emit IServiceRegistry.AllocationScaled(serviceId, from, to, releaseAt);
    }

    function _scaleOne(
        uint256 serviceId,
        uint64 key,
        uint256 available,
        uint256 needed,
        uint256 m,
        uint64 releaseAt,
        Sync memory x
    ) private returns (uint256 moved, uint256 next) {
        Stake storage st = _s().stakes[serviceId][key];
        uint256 cur = st.stake;
        next = (cur * available) / needed;
        _touch(key, _slashableTerm(cur, m), _slashableTerm(next, m), KEEP, x);
        moved = _deallocate(st, next, releaseAt);
    }

    function _checkExposure() private view {
        uint256 maxTier = _s().book.classCount();
        (uint256[] memory needed, uint256[] memory available) = _exposures(maxTier, true);
        for (uint256 t = 1; t < maxTier; ++t) {
            require(
                needed[t] <= available[t],
                IServiceRegistry.ExposureLimitExceeded(t, needed[t], available[t])
            );
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
            IServiceRegistry.Service storage s = $.services[i];
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
}
