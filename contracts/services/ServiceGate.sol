// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
import {IStakingRouter} from "../interfaces/IStakingRouter.sol";
import {BPS, DEPOSIT_SIZE} from "../libraries/Constants.sol";
import {ServiceRegistryStorage} from "./ServiceRegistryStorage.sol";

/// @title ServiceGate
/// @notice The on-chain robustness gate (DESIGN §8, Durvasula & Roughgarden's Corollary 2 per
/// operator): keeps T_v = Σ_{s∈N(v)} π_s/(α_s·σ_s) for every operator and max_v T_v, so the
/// certified slack γ_cert = 1/max_v T_v − 1 is one storage read. Internal code shared by the
/// registry's extensions; every change goes through one `Sync` (start → changes → end).
///
/// Locality: a change of service s's stakes detaches s (its q_s leaves the loads of N(s)),
/// updates the touched operators' σ_v, re-derives σ and q of the other gated services those
/// operators secure (and the loads of their operators), then attaches s again. Only services
/// with π > 0 are kept, so a graph without declared profits costs one slot per operator touched.
///
/// Rounding, all toward the safe side (γ_cert never above the exact certified value): σ_v
/// terms floor, q_s rounds up, T_v is the exact sum of the rounded q_s, γ floors.
///
/// Max tracking: `maxLoad` rises with any load above it; when a load equal to it falls, the
/// loaded operators are rescanned once at the end (≤ MAX_ALLOCATED_OPERATORS reads, only in
/// that case), so reading γ costs one SLOAD and a change pays for the max only when it lowers it.
abstract contract ServiceGate is ServiceRegistryStorage {
    /// @dev Cap on the service ids a Sync marks dirty (a bounded memory list).
    uint256 private constant MAX_DIRTY = 256;

    struct Sync {
        uint256 maxBefore;
        uint256 max;
        bool rescan;
        uint256[] dirty; // services whose σ changed, re-quoted at the end
        uint256 dirtyCount;
    }

    function _syncStart() internal view returns (Sync memory x) {
        RegistryStorage storage $ = _s();
        x.max = $.maxLoad;
        x.maxBefore = $.unbacked != 0 ? UNBACKED : x.max;
        x.dirty = new uint256[](MAX_DIRTY);
    }

    /// @dev Re-quotes the dirty services, fixes the max, stores it and publishes γ if it changed.
    /// @return before γ_cert before the change (bps)
    /// @return gamma γ_cert after it (bps)
    function _syncEnd(Sync memory x) internal returns (uint256 before, uint256 gamma) {
        RegistryStorage storage $ = _s();
        for (uint256 i; i < x.dirtyCount; ++i) _requote(x.dirty[i], x);
        if (x.rescan) {
            uint256 m;
            uint64[] storage l = $.loaded;
            for (uint256 i; i < l.length; ++i) {
                OperatorRisk storage o = $.operatorRisks[l[i]];
                uint256 load = o.load;
                if (load > m && _sigma(o) != 0) m = load;
            }
            x.max = m;
        }
        $.maxLoad = x.max;
        before = _gammaOf(x.maxBefore);
        gamma = _gammaOf($.unbacked != 0 ? UNBACKED : x.max);
        if (gamma != before) emit IServiceRegistry.RobustnessChanged(before, gamma);
    }

    /// @dev Refuses a change that leaves γ below the minimum and lowers it (a change that
    /// raises γ is always allowed: de-risking must work while the network is below it).
    function _syncCheck(Sync memory x) internal {
        (uint256 before, uint256 gamma) = _syncEnd(x);
        uint256 minGamma = _s().minGammaBps;
        require(gamma >= minGamma || gamma >= before, IServiceRegistry.RobustnessTooLow(gamma, minGamma));
    }

    /// @dev γ_cert in bps for a max load T (WAD): ⌊10²²/T⌋ − 10⁴, 0 when T ≥ 1 (nothing
    /// certified), type(uint256).max when no operator carries load.
    function _gammaOf(uint256 maxLoad) internal pure returns (uint256) {
        if (maxLoad == 0) return type(uint256).max;
        uint256 inv = WAD_BPS / maxLoad;
        return inv > BPS ? inv - BPS : 0;
    }

    /// @dev Operator v's σ_v after its slashable stake moved by `-down + up` (each a ⌊a·m/10⁴⌋
    /// term) and, when `active != KEEP`, its active stake was read anew. A changed σ_v moves
    /// σ of every gated service it secures (those are re-quoted at the end).
    function _touch(uint64 key, uint256 down, uint256 up, uint256 active, Sync memory x) internal {
        RegistryStorage storage $ = _s();
        OperatorRisk storage o = $.operatorRisks[key];
        uint256 slashable = o.slashable;
        uint256 act = o.active;
        uint256 oldSigma = slashable < act ? slashable : act;
        slashable = slashable + up - down;
        if (active != KEEP) act = active;
        if (down == up && active == KEEP) return;
        o.slashable = SafeCast.toUint96(slashable);
        o.active = SafeCast.toUint96(act);
        uint256 newSigma = slashable < act ? slashable : act;
        if (newSigma == oldSigma || o.links == 0) return; // no gated service: no load to move
        // Zero-stake operators are skipped (they add nothing to any coalition): the max
        // counts a load only while its operator has σ_v > 0.
        if (oldSigma == 0 || newSigma == 0) {
            uint256 load = o.load;
            if (oldSigma == 0 && load > x.max) x.max = load;
            else if (newSigma == 0 && load != 0 && load == x.max) x.rescan = true;
        }
        uint32[] storage list = $.riskServices[key];
        for (uint256 i; i < list.length; ++i) {
            uint256 sid = list[i];
            ServiceRisk storage r = $.risks[sid];
            // σ_s ≥ σ_v for every v ∈ N(s), so the subtraction cannot underflow.
            r.sigma = SafeCast.toUint96(uint256(r.sigma) + newSigma - oldSigma);
            _markDirty(sid, x);
        }
    }

    uint256 internal constant KEEP = type(uint256).max;

    /// @dev Takes a gated service's q_s out of its operators' loads (before its stakes change).
    function _detach(uint256 serviceId, Sync memory x) internal {
        RegistryStorage storage $ = _s();
        ServiceRisk storage r = $.risks[serviceId];
        if (r.profit == 0) return;
        uint256 q = r.quota;
        uint64[] storage keys = $.operators[serviceId];
        for (uint256 i; i < keys.length; ++i) {
            uint64 key = keys[i];
            if ($.stakes[serviceId][key].stake == 0) continue;
            _addLoad(key, q, 0, x);
            _unlink(key, serviceId);
        }
        r.sigma = 0;
        _setQuota(r, 0);
    }

    /// @dev Puts a gated service back: σ_s from its operators' σ_v now, q_s, their loads.
    /// `fresh` re-reads each operator's active stake first (callers without it in hand).
    function _attach(uint256 serviceId, bool fresh, Sync memory x) internal {
        RegistryStorage storage $ = _s();
        ServiceRisk storage r = $.risks[serviceId];
        if (r.profit == 0) return;
        uint64[] storage keys = $.operators[serviceId];
        uint256 sigma;
        for (uint256 i; i < keys.length; ++i) {
            uint64 key = keys[i];
            if ($.stakes[serviceId][key].stake == 0) continue;
            if (fresh) _touch(key, 0, 0, _activeOf(key), x);
            OperatorRisk storage o = $.operatorRisks[key];
            sigma += o.slashable < o.active ? o.slashable : o.active;
        }
        r.sigma = SafeCast.toUint96(sigma);
        uint256 q = _quota(r.profit, r.alphaBps, sigma);
        _setQuota(r, q);
        for (uint256 i; i < keys.length; ++i) {
            uint64 key = keys[i];
            if ($.stakes[serviceId][key].stake == 0) continue;
            _addLoad(key, 0, q, x);
            _link(key, serviceId);
        }
    }

    /// @dev q_s = ⌈π·10²²/(α·σ)⌉ (WAD), rounded up; UNBACKED when σ = 0.
    function _quota(uint256 profit, uint256 alphaBps, uint256 sigma) internal pure returns (uint256) {
        if (profit == 0) return 0;
        if (sigma == 0) return UNBACKED;
        uint256 den = alphaBps * sigma;
        return (profit * WAD_BPS + den - 1) / den;
    }

    /// @dev One ⌊a·maxSlashBps/10⁴⌋ term of an operator's slashable stake.
    function _slashableTerm(uint256 stake, uint256 maxSlashBps) internal pure returns (uint256) {
        return (stake * maxSlashBps) / BPS;
    }

    /// @dev Active stake of an operator now: 32 ETH per active validator.
    function _activeOf(uint64 key) internal view returns (uint256) {
        IStakingRouter.Module memory m = _s().router.getModule(key >> OPERATOR_BITS);
        return IStakingModule(m.module).activeValidatorsOf(uint32(key)) * DEPOSIT_SIZE;
    }

    function _requote(uint256 serviceId, Sync memory x) private {
        RegistryStorage storage $ = _s();
        ServiceRisk storage r = $.risks[serviceId];
        uint256 old = r.quota;
        uint256 q = _quota(r.profit, r.alphaBps, r.sigma);
        if (q == old) return;
        _setQuota(r, q);
        uint64[] storage keys = $.operators[serviceId];
        for (uint256 i; i < keys.length; ++i)
            if ($.stakes[serviceId][keys[i]].stake != 0) _addLoad(keys[i], old, q, x);
    }

    function _sigma(OperatorRisk storage o) internal view returns (uint256) {
        uint256 slashable = o.slashable;
        uint256 active = o.active;
        return slashable < active ? slashable : active;
    }

    /// @dev Stores q_s, counting the services that are unbacked (π_s > 0, σ_s = 0).
    function _setQuota(ServiceRisk storage r, uint256 q) private {
        uint256 old = r.quota;
        if (old == q) return;
        if (old == UNBACKED) --_s().unbacked;
        if (q == UNBACKED) ++_s().unbacked;
        r.quota = q;
    }

    function _addLoad(uint64 key, uint256 minus, uint256 plus, Sync memory x) private {
        OperatorRisk storage o = _s().operatorRisks[key];
        uint256 old = o.load;
        uint256 load = old + plus - minus;
        o.load = load;
        if (_sigma(o) == 0) return; // skipped: not in the max
        if (load > x.max) x.max = load;
        else if (load < old && old == x.max) x.rescan = true;
    }

    function _markDirty(uint256 serviceId, Sync memory x) private pure {
        for (uint256 i; i < x.dirtyCount; ++i) if (x.dirty[i] == serviceId) return;
        x.dirty[x.dirtyCount++] = serviceId;
    }

    function _link(uint64 key, uint256 serviceId) private {
        RegistryStorage storage $ = _s();
        uint32[] storage list = $.riskServices[key];
        list.push(uint32(serviceId)); // < MAX_REGISTRATIONS
        $.operatorRisks[key].links = uint32(list.length);
        if (list.length == 1) {
            $.loaded.push(key);
            $.loadedIndex[key] = $.loaded.length;
        }
    }

    function _unlink(uint64 key, uint256 serviceId) private {
        RegistryStorage storage $ = _s();
        uint32[] storage list = $.riskServices[key];
        uint256 n = list.length;
        for (uint256 i; i < n; ++i) {
            if (list[i] == serviceId) {
                list[i] = list[n - 1];
                list.pop();
                break;
            }
        }
        $.operatorRisks[key].links = uint32(list.length);
        if (list.length != 0) return;
        // Swap-and-pop out of the loaded list.
        uint64[] storage l = $.loaded;
        uint256 idx = $.loadedIndex[key] - 1;
        uint64 last = l[l.length - 1];
        l[idx] = last;
        $.loadedIndex[last] = idx + 1;
        l.pop();
        delete $.loadedIndex[key];
    }
}
