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

    /// @notice See IServiceRegistry.enforceExposure (the registry forwards the call unchanged).
    function enforceExposure() external onlyDelegated {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), IServiceRegistry.NotAccounting(msg.sender));
        (uint256 scaled, uint256[] memory num, uint256[] memory den) = _scaleFactors();
        Sync memory x = _syncStart();
        // Losses and exits lower active stakes: re-read them where they carry load.
        uint64[] storage l = $.loaded;
        for (uint256 i; i < l.length; ++i) _touch(l[i], 0, 0, _activeOf(l[i]), x);
        // Re-quoted now: the plan reads a settled graph, and a service still marked dirty must
        // not be detached (its re-quote would put an UNBACKED q back into its operators' loads).
        _settle(x);
        // The robustness restore is decided on a memory copy of the graph before any stake moves
        // (`_plan`), so the scale-down and the retirements share one detach/scale/attach cycle.
        uint256 minGamma = $.minGammaBps;
        uint256 retire;
        if (l.length != 0 && (scaled != 0 || _gammaOf(x.max) < minGamma))
            retire = _plan(scaled, num, den, minGamma);
        if (scaled | retire != 0) _apply(scaled | retire, retire, num, den, x);
        _syncEnd(x);
    }

    /// @dev The exposure limit's scale-down (DESIGN §8): the services it scales (bit s, ids <
    /// MAX_REGISTRATIONS = 256) and the factor num[t]/den[t] of each tier t.
    function _scaleFactors()
        private
        view
        returns (uint256 scaled, uint256[] memory num, uint256[] memory den)
    {
        RegistryStorage storage $ = _s();
        uint256 maxTier = $.book.classCount();
        // Allocations only: deallocating stake cannot be scaled (it stays slashable until
        // released), so the limit is restored for what remains once it is.
        (uint256[] memory needed, uint256[] memory available) = _exposures(maxTier, false);
        // One pass: a service of tier τ is scaled once, by the smallest available/needed over
        // the tiers t ≤ τ (every such tier counts it). Each tier t then needs at most
        // Σ_{τ≥t} f_τ·n_τ ≤ (available_t/needed_t)·needed_t, with floors only lowering it.
        num = new uint256[](maxTier);
        den = new uint256[](maxTier);
        (uint256 n, uint256 d) = (1, 1);
        for (uint256 t = 1; t < maxTier; ++t) {
            if (needed[t] > available[t] && available[t] * d < n * needed[t])
                (n, d) = (available[t], needed[t]);
            (num[t], den[t]) = (n, d);
        }
        if (n == d) return (0, num, den);
        uint256 count = $.services.length;
        for (uint256 i; i < count; ++i) {
            IServiceRegistry.Service storage s = $.services[i];
            if (s.allocation == 0) continue;
            uint256 tier = s.params.tier;
            if (tier < maxTier && num[tier] != den[tier]) scaled |= 1 << i;
        }
    }

    /// @dev Applies the report's changes in phases, so the gate's cost is linear in the
    /// allocations: every changed gated service detached at once (its q_s leaves its operators'
    /// loads and links), all scaled (the retired ones to 0), each attached once. A stake change
    /// then moves σ only of the services that are not changed; one service at a time, every
    /// change on a shared operator re-priced every other gated service on it.
    function _apply(
        uint256 changed,
        uint256 retire,
        uint256[] memory num,
        uint256[] memory den,
        Sync memory x
    ) private {
        RegistryStorage storage $ = _s();
        uint256 count = $.services.length;
        _detachAll(changed, x);
        for (uint256 i; i < count; ++i) {
            if (changed & (1 << i) == 0) continue;
            IServiceRegistry.Service storage s = $.services[i];
            uint256 tier = s.params.tier;
            if (retire & (1 << i) != 0) _scale(i, s, 0, 1, x);
            else _scale(i, s, num[tier], den[tier], x);
        }
        for (uint256 i; i < count; ++i) if (changed & (1 << i) != 0) _attach(i, false, x);
    }

    /// @dev The gated graph as the scale-down will leave it, in memory: the loaded operators
    /// (in `loaded` order) and every gated service with stake (ascending ids) with its edges.
    struct Graph {
        uint256[] slash; // per operator: Σ ⌊a·maxSlashBps/10⁴⌋ after the scale-down and retirements
        uint256[] active; // per operator: active stake read by this report
        uint256[] load; // per operator: T_v (scratch of `_evaluate`)
        uint256[] meta; // per service: id | α << 8 | π << 24
        uint256[] quota; // per service: q_s (scratch)
        uint256[] start; // per service: its edges are [start[j], start[j + 1])
        uint256[] edge; // operator index | slashable term after the scale-down << 16
        uint256 services;
        uint256 gated; // bit s: a gated service with stake
    }

    /// @dev The report's robustness restore (DESIGN §8, docs/risk.md), decided on the memory
    /// graph: while γ_cert < minimum, retire the whole allocation of the binding service — the
    /// largest q_s (lowest id on a tie) on the first loaded operator with σ_v > 0 carrying the
    /// max load. A proportional scale-down cannot restore γ (a smaller σ_s raises every q_s it
    /// enters), but a retired service's q_s leaves every load it was in. At most
    /// MAX_RESTORE_STEPS greedy steps, and a step that did not raise 1/max_v T_v by a whole bps
    /// ends them (when the operators' σ_v are slash-limited, retiring one service lowers σ of
    /// the others on its operators and raises their q_s by as much as it removes); if γ is
    /// still short, every gated service with stake is retired (then no operator carries load).
    /// Unchecked: indices are below 2^16 and every figure a sum of ≤ 512 values below 2^201.
    /// @return retire bit s: service s is retired (scaled to 0) by this report
    function _plan(
        uint256 scaled,
        uint256[] memory num,
        uint256[] memory den,
        uint256 minGamma
    ) private view returns (uint256 retire) {
        Graph memory g = _graph(scaled, num, den);
        uint256 lastInv;
        unchecked {
            for (uint256 step; ; ++step) {
                (uint256 max, uint256 at) = _evaluate(g, retire);
                if (_gammaOf(max) >= minGamma) return retire;
                uint256 inv = WAD_BPS / max; // max > 0: γ is below the minimum
                if (step == MAX_RESTORE_STEPS || (step != 0 && inv <= lastInv)) return g.gated;
                lastInv = inv;
                // The binding service: the largest q_s among the services on operator `at`.
                (uint256 best, uint256 pick) = (0, 0);
                for (uint256 j; j < g.services; ++j) {
                    if (retire & (1 << uint8(g.meta[j])) != 0 || g.quota[j] <= best) continue;
                    for (uint256 e = g.start[j]; e < g.start[j + 1]; ++e) {
                        if (uint16(g.edge[e]) == at) (best, pick) = (g.quota[j], j);
                    }
                }
                retire |= 1 << uint8(g.meta[pick]);
                for (uint256 e = g.start[pick]; e < g.start[pick + 1]; ++e)
                    g.slash[uint16(g.edge[e])] -= g.edge[e] >> 16;
            }
        }
    }

    /// @dev Builds the memory graph from storage (the loaded operators' figures after this
    /// report's re-read of active stakes) and the scale-down's factors.
    function _graph(
        uint256 scaled,
        uint256[] memory num,
        uint256[] memory den
    ) private view returns (Graph memory g) {
        RegistryStorage storage $ = _s();
        uint64[] storage l = $.loaded;
        uint256 n = l.length;
        (g.slash, g.active, g.load) = (new uint256[](n), new uint256[](n), new uint256[](n));
        unchecked {
            for (uint256 i; i < n; ++i) {
                uint64 key = l[i];
                (g.slash[i], g.active[i], ) = _readOp($.operatorRisks[key]);
                uint32[] storage list = $.riskServices[key];
                for (uint256 k; k < list.length; ++k) g.gated |= 1 << list[k];
            }
            uint256 count = $.services.length;
            (g.meta, g.quota, g.start) = (
                new uint256[](count),
                new uint256[](count),
                new uint256[](count + 1)
            );
            g.edge = new uint256[]($.allocatedOperators);
            uint256 e;
            for (uint256 s; s < count; ++s) {
                bool isGated = g.gated & (1 << s) != 0;
                if (!isGated && scaled & (1 << s) == 0) continue;
                if (isGated) {
                    ServiceRisk storage r = $.risks[s];
                    g.meta[g.services] = s | (uint256(r.alphaBps) << 8) | (uint256(r.profit) << 24);
                    g.start[g.services++] = e;
                }
                (uint256 a, uint256 b) = (1, 1);
                if (scaled & (1 << s) != 0) {
                    uint256 tier = $.services[s].params.tier;
                    (a, b) = (num[tier], den[tier]);
                }
                e = _edges(g, s, a, b, e);
            }
            g.start[g.services] = e;
        }
    }

    /// @dev Service s's stakes scaled by a/b: moves the slashable stake of its loaded operators
    /// and, for a gated service, records its edges from `e`; returns the next edge.
    function _edges(
        Graph memory g,
        uint256 s,
        uint256 a,
        uint256 b,
        uint256 e
    ) private view returns (uint256) {
        RegistryStorage storage $ = _s();
        uint256 m = $.services[s].params.maxSlashBps;
        bool isGated = g.gated & (1 << s) != 0;
        uint64[] storage keys = $.operators[s];
        unchecked {
            for (uint256 k; k < keys.length; ++k) {
                uint256 stake = $.stakes[s][keys[k]].stake;
                uint256 idx = $.loadedIndex[keys[k]];
                // No stake, or an operator without gated load (outside the graph).
                if (stake == 0 || idx == 0) continue;
                uint256 next = (stake * a) / b; // stake < 2^96, a ≤ b < 2^128
                uint256 term = _slashableTerm(next, m);
                g.slash[idx - 1] -= _slashableTerm(stake, m) - term;
                if (isGated && next != 0) g.edge[e++] = (idx - 1) | (term << 16);
            }
        }
        return e;
    }

    /// @dev q_s and T_v of the memory graph without the services in `retired`; returns max_v T_v
    /// over operators with σ_v > 0 and the first such operator carrying it.
    function _evaluate(Graph memory g, uint256 retired) private pure returns (uint256 max, uint256 at) {
        uint256 n = g.slash.length;
        unchecked {
            for (uint256 i; i < n; ++i) g.load[i] = 0;
            for (uint256 j; j < g.services; ++j) {
                uint256 meta = g.meta[j];
                if (retired & (1 << uint8(meta)) != 0) continue;
                (uint256 from, uint256 to) = (g.start[j], g.start[j + 1]);
                uint256 sigma;
                for (uint256 e = from; e < to; ++e) sigma += _sigmaOf(g, uint16(g.edge[e]));
                uint256 q = _quota(meta >> 24, uint16(meta >> 8), sigma);
                g.quota[j] = q;
                for (uint256 e = from; e < to; ++e) g.load[uint16(g.edge[e])] += q;
            }
            for (uint256 i; i < n; ++i)
                if (g.load[i] > max && _sigmaOf(g, i) != 0) (max, at) = (g.load[i], i);
        }
    }

    /// @dev σ_v = min(slashable, active) of operator i of the memory graph.
    function _sigmaOf(Graph memory g, uint256 i) private pure returns (uint256) {
        (uint256 sl, uint256 ac) = (g.slash[i], g.active[i]);
        return sl < ac ? sl : ac;
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
