// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {BPS} from "../libraries/Constants.sol";
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
        ServiceRecord storage s = _service(serviceId);
        require(
            s.status == IServiceRegistry.ServiceStatus.Active || amount == 0,
            IServiceRegistry.ServiceNotActive(serviceId, s.status)
        );
        uint256 n = operatorKeys.length;
        require(n <= MAX_SERVICE_OPERATORS, IServiceRegistry.TooManyOperators(MAX_SERVICE_OPERATORS));
        require(amount == 0 || n >= s.minOperators, IServiceRegistry.NotEnoughOperators(n, s.minOperators));
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
    /// The NAVs come from Accounting (checked as the caller), as the pool booked them.
    function enforceExposure(uint256[] memory navs) external onlyDelegated {
        RegistryStorage storage $ = _s();
        require(msg.sender == address($.accounting), IServiceRegistry.NotAccounting(msg.sender));
        (uint256 scaled, uint256[] memory num, uint256[] memory den) = _scaleFactors(navs);
        uint64[] storage l = $.loaded;
        uint256 loaded = l.length;
        if (loaded == 0) {
            // No loaded operator: none links a gated service (`loaded` holds exactly the operators
            // with a link), so no stake change here moves a load, the max or γ: the gate's slot is
            // not read (`_touch` returns before the Sync for an operator without links).
            Sync memory none;
            if (scaled != 0) _scaleAll(scaled, 0, num, den, false, none);
            return;
        }
        Sync memory x = _syncStart();
        // Losses and exits lower active stakes: re-read them where they carry load.
        for (uint256 i; i < loaded; ++i) _touch(l[i], 0, 0, _activeOf(l[i]), x);
        // Re-quoted now: the plan reads a settled graph.
        _settle(x);
        // The robustness restore is decided on a memory copy of the graph before any stake moves
        // (`_plan`); the stakes are then scaled once (the retired services straight to 0) and
        // the gate's figures the plan computed are written once (`_writeGate`).
        uint256 minGamma = $.minGammaBps;
        if (scaled != 0 || _gammaOf(x.max) < minGamma) {
            Graph memory g = _graph(scaled, num, den);
            uint256 retire = _plan(g, minGamma);
            if (scaled | retire != 0) {
                _scaleAll(scaled | retire, retire, num, den, true, x);
                _writeGate(g, retire, x);
            }
        }
        _syncEnd(x);
    }

    /// @dev The exposure limit's scale-down (DESIGN §8): the services it scales (bit s, ids <
    /// MAX_REGISTRATIONS = 256) and the factor num[t]/den[t] of each tier t, on the class
    /// NAVs `navs` (one per class: the pool's `navs()`).
    function _scaleFactors(
        uint256[] memory navs
    ) private view returns (uint256 scaled, uint256[] memory num, uint256[] memory den) {
        RegistryStorage storage $ = _s();
        uint256 maxTier = navs.length; // the pool's classCount
        // Allocations only: deallocating stake cannot be scaled (it stays slashable until
        // released), so the limit is restored for what remains once it is. The per-tier sums
        // are kept where allocations change (`_setAllocated`): ≤ 4 slots, not every service.
        uint256[] memory available = _available(navs, maxTier);
        uint256[] memory needed = new uint256[](maxTier + 1);
        for (uint256 t = maxTier; t > 1;) {
            --t;
            needed[t] = needed[t + 1] + $.tierAllocated[t - 1];
        }
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
            ServiceRecord storage s = $.services[i];
            if (s.allocation == 0) continue;
            uint256 tier = s.tier;
            if (tier < maxTier && num[tier] != den[tier]) scaled |= 1 << i;
        }
    }

    /// @dev Scales every changed service once (the retired ones to 0). With the gated graph in
    /// memory (`graph`), the loaded operators' slashable stake is not touched per edge: the
    /// plan already holds each one's final figure, written once by `_writeGate`.
    function _scaleAll(
        uint256 changed,
        uint256 retire,
        uint256[] memory num,
        uint256[] memory den,
        bool graph,
        Sync memory x
    ) private {
        RegistryStorage storage $ = _s();
        x.deferLoaded = graph;
        uint256 count = $.services.length;
        for (uint256 i; i < count; ++i) {
            if (changed & (1 << i) == 0) continue;
            ServiceRecord storage s = $.services[i];
            uint256 tier = s.tier;
            if (retire & (1 << i) != 0) _scale(i, s, 0, 1, x);
            else _scale(i, s, num[tier], den[tier], x);
        }
    }

    /// @dev Writes the gate's figures as the plan left them, once each, instead of detaching every
    /// changed service and attaching it again: per gated service σ_s and q_s (a retired one is
    /// unbacked), per loaded operator σ_v's slashable stake, T_v and its list of gated services
    /// (the retired ones and the edges scaled to 0 leave it), then the loaded list and the max.
    /// The plan evaluated exactly this graph (the same sums the incremental path keeps), so the
    /// stored figures equal a from-scratch recomputation.
    function _writeGate(Graph memory g, uint256 retire, Sync memory x) private {
        RegistryStorage storage $ = _s();
        uint256 n = g.keys.length;
        // Per operator: bit s, s keeps its edge (every such edge is linked: stake ≠ 0, π > 0),
        // and how many.
        (uint256[] memory keep, uint256[] memory kept) = (new uint256[](n), new uint256[](n));
        for (uint256 j; j < g.services; ++j) {
            uint256 sid = uint8(g.meta[j]);
            ServiceRisk storage r = $.risks[sid];
            if (retire & (1 << sid) != 0) {
                r.sigma = 0;
                _setQuota(sid, r, UNBACKED, x); // π > 0: every service in the graph is gated
                continue;
            }
            r.sigma = SafeCast.toUint96(g.sigma[j]);
            _setQuota(sid, r, g.quota[j], x);
            for (uint256 e = g.start[j]; e < g.start[j + 1]; ++e) {
                uint256 i = uint16(g.edge[e]);
                (keep[i], kept[i]) = (keep[i] | (1 << sid), kept[i] + 1);
            }
        }
        uint256 left;
        for (uint256 i; i < n; ++i) {
            uint64 key = uint64(g.keys[i]);
            OperatorRisk storage o = $.operatorRisks[key];
            if ($.riskServices[key] != keep[i]) $.riskServices[key] = keep[i];
            if (o.load != g.load[i]) o.load = g.load[i];
            _writeOp(o, g.slash[i], g.active[i], kept[i]);
            // Stable compaction of the loaded list: operators left without load leave it.
            if (kept[i] == 0) {
                delete $.loadedIndex[key];
                continue;
            }
            if (left != i) {
                $.loaded[left] = key;
                $.loadedIndex[key] = left + 1;
            }
            ++left;
        }
        uint64[] storage l = $.loaded;
        if (left == 0) delete $.loaded;
        else for (uint256 i = left; i < n; ++i) l.pop();
        (x.max, x.rescan) = (g.max, false);
    }

    /// @dev The gated graph as the scale-down will leave it, in memory: the loaded operators
    /// (in `loaded` order) and every gated service with stake (ascending ids) with its edges.
    struct Graph {
        uint256[] keys; // per operator: its key
        uint256[] slash; // per operator: Σ ⌊a·maxSlashBps/10⁴⌋ after the scale-down and retirements
        uint256[] active; // per operator: active stake read by this report
        uint256[] load; // per operator: T_v (scratch of `_evaluate`)
        uint256[] opSigma; // per operator: σ_v (scratch of `_evaluate`)
        uint256[] meta; // per service: id | α << 8 | π << 24
        uint256[] quota; // per service: q_s (scratch)
        uint256[] sigma; // per service: σ_s (scratch)
        uint256[] start; // per service: its edges are [start[j], start[j + 1])
        uint256[] edge; // operator index | slashable term after the scale-down << 16
        uint256 services;
        uint256 gated; // bit s: a gated service with stake
        uint256 max; // max_v T_v over operators with σ_v > 0 of the last evaluation
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
    /// Leaves `g` evaluated for the returned set (slashable stakes, σ_s, q_s, T_v, max).
    /// Unchecked: indices are below 2^16 and every figure a sum of ≤ 512 values below 2^201.
    /// @return retire bit s: service s is retired (scaled to 0) by this report
    function _plan(Graph memory g, uint256 minGamma) private pure returns (uint256 retire) {
        uint256 lastInv;
        unchecked {
            for (uint256 step; ; ++step) {
                (uint256 max, uint256 at) = _evaluate(g, retire);
                g.max = max;
                if (_gammaOf(max) >= minGamma) return retire;
                uint256 inv = WAD_BPS / max; // max > 0: γ is below the minimum
                uint256 pick = type(uint256).max; // every service left
                if (step != MAX_RESTORE_STEPS && (step == 0 || inv > lastInv)) {
                    // The binding service: the largest q_s among the services on operator `at`.
                    uint256 best;
                    for (uint256 j; j < g.services; ++j) {
                        if (retire & (1 << uint8(g.meta[j])) != 0 || g.quota[j] <= best) continue;
                        if (_hasEdge(g, j, at)) (best, pick) = (g.quota[j], j);
                    }
                }
                for (uint256 j; j < g.services; ++j) {
                    uint256 bit = 1 << uint8(g.meta[j]);
                    if (retire & bit != 0 || (pick != j && pick != type(uint256).max)) continue;
                    retire |= bit;
                    _dropEdges(g, j);
                }
                if (pick == type(uint256).max) {
                    (g.max, ) = _evaluate(g, retire); // no load left
                    return retire;
                }
                lastInv = inv;
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
        (g.keys, g.opSigma) = (new uint256[](n), new uint256[](n));
        unchecked {
            for (uint256 i; i < n; ++i) {
                uint64 key = l[i];
                g.keys[i] = key;
                (g.slash[i], g.active[i], ) = _readOp($.operatorRisks[key]);
                g.gated |= $.riskServices[key];
            }
            uint256 count = $.services.length;
            (g.meta, g.quota, g.sigma, g.start) = (
                new uint256[](count),
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
                    uint256 tier = $.services[s].tier;
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
        uint256 m = $.services[s].maxSlashBps;
        bool isGated = g.gated & (1 << s) != 0;
        uint64[] memory keys = $.operators[s]; // one SLOAD per 4 keys
        unchecked {
            for (uint256 k; k < keys.length; ++k) {
                uint256 stake;
                uint256 idx;
                {
                    uint64 key = keys[k];
                    (stake, idx) = ($.stakes[s][key].stake, $.loadedIndex[key]);
                }
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
    /// over operators with σ_v > 0 and the first such operator carrying it. The edge loops read
    /// memory directly (indices come from `_graph`, within the arrays; sums as in `_plan`'s note):
    /// the plan runs up to MAX_RESTORE_STEPS + 1 evaluations over up to 512 edges.
    function _evaluate(Graph memory g, uint256 retired) private pure returns (uint256 max, uint256 at) {
        (uint256[] memory slash, uint256[] memory active, uint256[] memory load, uint256[] memory sig) = (
            g.slash,
            g.active,
            g.load,
            g.opSigma
        );
        uint256 n = slash.length;
        assembly ("memory-safe") {
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let o := mul(add(i, 1), 0x20)
                let sl := mload(add(slash, o))
                let ac := mload(add(active, o))
                if lt(ac, sl) {
                    sl := ac
                }
                mstore(add(sig, o), sl) // σ_v = min(slashable, active)
                mstore(add(load, o), 0)
            }
        }
        unchecked {
            for (uint256 j; j < g.services; ++j) if (retired & (1 << uint8(g.meta[j])) == 0) _quoteOne(g, j);
            for (uint256 i; i < n; ++i) if (load[i] > max && sig[i] != 0) (max, at) = (load[i], i);
        }
    }

    /// @dev σ_s and q_s of service j of the memory graph from its operators' σ_v; adds q_s to
    /// their loads.
    function _quoteOne(Graph memory g, uint256 j) private pure {
        (uint256 from, uint256 to, uint256 meta) = (g.start[j], g.start[j + 1], g.meta[j]);
        (uint256[] memory edge, uint256[] memory sig, uint256[] memory load) = (g.edge, g.opSigma, g.load);
        uint256 sigma;
        assembly ("memory-safe") {
            for {
                let e := from
            } lt(e, to) {
                e := add(e, 1)
            } {
                let v := and(mload(add(edge, mul(add(e, 1), 0x20))), 0xffff)
                sigma := add(sigma, mload(add(sig, mul(add(v, 1), 0x20))))
            }
        }
        uint256 q = _quota(meta >> 24, uint16(meta >> 8), sigma);
        (g.quota[j], g.sigma[j]) = (q, sigma);
        assembly ("memory-safe") {
            for {
                let e := from
            } lt(e, to) {
                e := add(e, 1)
            } {
                let v := and(mload(add(edge, mul(add(e, 1), 0x20))), 0xffff)
                let ptr := add(load, mul(add(v, 1), 0x20))
                mstore(ptr, add(mload(ptr), q))
            }
        }
    }

    /// @dev Whether service j of the memory graph has an edge to operator `at`.
    function _hasEdge(Graph memory g, uint256 j, uint256 at) private pure returns (bool found) {
        (uint256 from, uint256 to, uint256[] memory edge) = (g.start[j], g.start[j + 1], g.edge);
        assembly ("memory-safe") {
            for {
                let e := from
            } lt(e, to) {
                e := add(e, 1)
            } {
                if eq(and(mload(add(edge, mul(add(e, 1), 0x20))), 0xffff), at) {
                    found := 1
                    break
                }
            }
        }
    }

    /// @dev Takes retired service j's slashable terms out of its operators' slashable stake.
    function _dropEdges(Graph memory g, uint256 j) private pure {
        (uint256 from, uint256 to, uint256[] memory edge, uint256[] memory slash) = (
            g.start[j],
            g.start[j + 1],
            g.edge,
            g.slash
        );
        assembly ("memory-safe") {
            for {
                let e := from
            } lt(e, to) {
                e := add(e, 1)
            } {
                let w := mload(add(edge, mul(add(e, 1), 0x20)))
                let ptr := add(slash, mul(add(and(w, 0xffff), 1), 0x20))
                mstore(ptr, sub(mload(ptr), shr(16, w))) // the term is part of the sum
            }
        }
    }

    /// @dev Split by active stake with each share capped (maxOperatorShareBps and the operator's
    /// own stake); capped excess is refilled over the uncapped operators until placed.
    function _split(
        uint256 serviceId,
        ServiceRecord storage s,
        uint256 amount,
        uint64[] calldata keys
    ) private view returns (uint256[] memory stakes, uint256[] memory owns) {
        RegistryStorage storage $ = _s();
        uint256 n = keys.length;
        stakes = new uint256[](n);
        uint256[] memory caps = new uint256[](n);
        owns = new uint256[](n);
        uint256 shareCap = (amount * s.maxOperatorShareBps) / BPS;
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
            uint256 own = _activeOf(key);
            owns[i] = own;
            caps[i] = own < shareCap ? own : shareCap;
        }
        {
            // An operator with no active stake secures nothing: it does not count toward minOperators.
            uint256 withStake;
            for (uint256 i; i < n; ++i) if (owns[i] != 0) ++withStake;
            require(
                withStake >= s.minOperators,
                IServiceRegistry.NotEnoughOperators(withStake, s.minOperators)
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
        ServiceRecord storage s,
        uint256[] memory stakes,
        uint256[] memory owns,
        uint64[] calldata keys,
        Sync memory x
    ) private returns (uint256 placed) {
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.slashingWindow);
        uint256 moved = _releaseAll(serviceId, s.maxSlashBps, releaseAt, x);
        uint256 back;
        (placed, back) = _placeAll(serviceId, s.maxSlashBps, stakes, owns, keys, x);
        _setOperators(serviceId, keys);
        _setAllocated(s, placed);
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
        ServiceRecord storage s,
        uint256 available,
        uint256 needed,
        Sync memory x
    ) private {
        uint256 to;
        uint64 releaseAt = SafeCast.toUint64(block.timestamp + s.slashingWindow);
        // In memory: one SLOAD per 4 keys (a storage index re-reads the length for its bound).
        uint64[] memory keys = _s().operators[serviceId];
        uint256 moved;
        uint256 m = s.maxSlashBps;
        for (uint256 i; i < keys.length; ++i) {
            (uint256 out, uint256 next) = _scaleOne(serviceId, keys[i], available, needed, m, releaseAt, x);
            moved += out;
            to += next;
        }
        uint256 from = s.allocation;
        _setAllocated(s, to);
        _addDeallocating(serviceId, moved, 0, releaseAt);
        emit IServiceRegistry.AllocationScaled(serviceId, from, to, releaseAt);
    }

    /// @dev One stake scaled to ⌊stake·available/needed⌋, the rest moved to deallocating as
    /// `_deallocate` does, read and written in one SLOAD and one SSTORE (per field, the compiler
    /// writes the packed slot three times: 512 edges in the dense report).
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
        uint256 w;
        assembly ("memory-safe") {
            w := sload(st.slot)
        }
        // Stake packs stake (bits 0..95), pending (96..191), releaseAt (192..231), pendingBps (232..247).
        uint256 cur = uint96(w);
        next = (cur * available) / needed; // available ≤ needed
        // A loaded operator's slashable stake is written once by `_writeGate`.
        if (!x.deferLoaded || _s().loadedIndex[key] == 0)
            _touch(key, _slashableTerm(cur, m), _slashableTerm(next, m), KEEP, x);
        if (next >= cur) return (0, next);
        uint256 stillPending = block.timestamp < uint40(w >> 192) ? uint96(w >> 96) : 0;
        moved = cur - next;
        w =
            next |
            (uint256(SafeCast.toUint96(stillPending + moved)) << 96) |
            (uint256(SafeCast.toUint40(releaseAt)) << 192) |
            ((w >> 232) << 232);
        assembly ("memory-safe") {
            sstore(st.slot, w)
        }
    }

    function _checkExposure() private view {
        uint256 maxTier = _s().book.classCount();
        (uint256[] memory needed, uint256[] memory available) = _exposures(maxTier);
        for (uint256 t = 1; t < maxTier; ++t) {
            require(
                needed[t] <= available[t],
                IServiceRegistry.ExposureLimitExceeded(t, needed[t], available[t])
            );
        }
    }

    /// @dev `exposure(t)` (allocations and deallocating stake) for every tier `t < maxTier` (index t) in one pass over the services
    /// and one read of the NAVs, instead of one pass and one external call per tier. Same
    /// per-service floors summed, so the figures equal `exposure(t)` exactly.
    function _exposures(
        uint256 maxTier
    ) private view returns (uint256[] memory needed, uint256[] memory available) {
        RegistryStorage storage $ = _s();
        needed = new uint256[](maxTier + 1);
        uint256 count = $.services.length;
        for (uint256 i; i < count; ++i) {
            ServiceRecord storage s = $.services[i];
            uint256 stake = s.allocation + _deallocatingOf(i);
            if (stake == 0) continue;
            uint256 tier = s.tier;
            if (tier > maxTier) tier = maxTier;
            needed[tier] += (stake * s.maxSlashBps) / BPS;
        }
        // Suffix sums: needed[t] = Σ over services of tier ≥ t.
        for (uint256 t = maxTier; t > 0; --t) needed[t - 1] += needed[t];
        available = _available(_s().book.navs(), maxTier);
    }

    /// @dev `coverFactor · Σ_{k ≥ t} nav_k` for every tier `t < maxTier` (index t), from the
    /// class NAVs `navs` (the pool's `navs()`).
    function _available(
        uint256[] memory navs,
        uint256 maxTier
    ) private view returns (uint256[] memory available) {
        uint256 cover = _s().coverFactorBps;
        available = new uint256[](maxTier);
        uint256 junior;
        for (uint256 k = navs.length; k > 0; --k) {
            junior += navs[k - 1];
            if (k - 1 < maxTier) available[k - 1] = (junior * cover) / BPS;
        }
    }
}
