// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../interfaces/IStakingModule.sol";
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
///
/// Unbacked services (π_s > 0, σ_s = 0) hold no stake: no coalition of Cascade operators loses
/// anything by corrupting them, so they are outside the certified graph (they add no load) and
/// are flagged instead (`ServiceUnbacked`, q_s = UNBACKED). A call may not create one
/// (`UnbackedService`); exits, slashes and the report's robustness restore can.
abstract contract ServiceGate is ServiceRegistryStorage {
    /// @dev Cap on the service ids a Sync marks dirty (a bounded memory list).
    uint256 private constant MAX_DIRTY = 256;
    uint256 internal constant KEEP = type(uint256).max;

    struct Sync {
        uint256 maxBefore;
        uint256 max;
        bool rescan;
        uint256[] dirty; // services whose σ changed, re-quoted by `_settle` (allocated on first use)
        uint256 dirtyCount;
        uint256 dirtyBits; // bit s set while s is in `dirty` (ids < MAX_REGISTRATIONS = 256)
        uint256 newUnbacked; // 1 + id of a service this Sync left unbacked, 0 if none
        // The report's scale-down with the gated graph in memory: loaded operators' slashable
        // stake is written once at the end (ServiceAllocations._writeGate), not per edge.
        bool deferLoaded;
    }

    function _syncStart() internal view returns (Sync memory x) {
        x.max = _s().maxLoad;
        x.maxBefore = x.max;
    }

    /// @dev Brings the Sync's max up to date: re-quotes the dirty services, rescans if the max fell.
    function _settle(Sync memory x) internal {
        RegistryStorage storage $ = _s();
        for (uint256 i; i < x.dirtyCount; ++i) _requote(x.dirty[i], x);
        (x.dirtyCount, x.dirtyBits) = (0, 0);
        if (!x.rescan) return;
        x.rescan = false;
        uint256 m;
        uint64[] storage l = $.loaded;
        for (uint256 i; i < l.length; ++i) {
            OperatorRisk storage o = $.operatorRisks[l[i]];
            uint256 load = o.load;
            if (load > m) {
                (uint256 slashable, uint256 active, ) = _readOp(o);
                if (slashable != 0 && active != 0) m = load;
            }
        }
        x.max = m;
    }

    /// @dev Settles, stores the max and publishes γ if it changed.
    /// @return before γ_cert before the change (bps)
    /// @return gamma γ_cert after it (bps)
    function _syncEnd(Sync memory x) internal returns (uint256 before, uint256 gamma) {
        _settle(x);
        // Every load of an operator with σ_v > 0 is a sum of ≤ 256 finite q_s < 2^179 (π < 2^96).
        if (x.max != x.maxBefore) _s().maxLoad = uint208(x.max);
        before = _gammaOf(x.maxBefore);
        gamma = _gammaOf(x.max);
        if (gamma != before) emit IServiceRegistry.RobustnessChanged(before, gamma);
    }

    /// @dev Refuses a change that leaves a service unbacked, or γ below the minimum while
    /// raising the max load (a change that does not raise it is always allowed: de-risking
    /// must work while the network is below the minimum). The load is compared, not γ: γ
    /// floors at 0 once some T_v ≥ 1 (and to whole bps), so "γ did not fall" let a change
    /// raise the load further while γ was already 0.
    function _syncCheck(Sync memory x) internal {
        (, uint256 gamma) = _syncEnd(x);
        if (x.newUnbacked != 0) revert IServiceRegistry.UnbackedService(x.newUnbacked - 1);
        if (x.max <= x.maxBefore) return;
        uint256 minGamma = _s().minGammaBps;
        require(gamma >= minGamma, IServiceRegistry.RobustnessTooLow(gamma, minGamma));
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
    /// σ of every gated service it secures (those are re-quoted by `_settle`).
    function _touch(uint64 key, uint256 down, uint256 up, uint256 active, Sync memory x) internal {
        if (down == up && active == KEEP) return;
        RegistryStorage storage $ = _s();
        OperatorRisk storage o = $.operatorRisks[key];
        (uint256 slashable, uint256 act, uint256 links) = _readOp(o);
        uint256 oldSigma = slashable < act ? slashable : act;
        slashable = slashable + up - down;
        if (active != KEEP) act = active;
        _writeOp(o, slashable, act, links);
        uint256 newSigma = slashable < act ? slashable : act;
        if (newSigma == oldSigma || links == 0) return; // no gated service: no load to move
        // Zero-stake operators are skipped (they add nothing to any coalition): the max
        // counts a load only while its operator has σ_v > 0.
        if (oldSigma == 0 || newSigma == 0) {
            uint256 load = o.load;
            if (oldSigma == 0 && load > x.max) x.max = load;
            else if (newSigma == 0 && load != 0 && load == x.max) x.rescan = true;
        }
        uint256 bits = $.riskServices[key];
        for (uint256 sid; bits != 0;) {
            if (bits & 0xff == 0) {
                (bits, sid) = (bits >> 8, sid + 8);
                continue;
            }
            if (bits & 1 != 0) {
                ServiceRisk storage r = $.risks[sid];
                // σ_s ≥ σ_v for every v ∈ N(s), so the subtraction cannot underflow.
                r.sigma = SafeCast.toUint96(uint256(r.sigma) + newSigma - oldSigma);
                _markDirty(sid, x);
            }
            (bits, sid) = (bits >> 1, sid + 1);
        }
    }

    /// @dev `_touch(key, down, up, KEEP, ·)` without a Sync, for a change of an ungated service
    /// (π_s = 0: `_detach`/`_attach` do nothing) on an operator that secures no gated service
    /// (links = 0): only its slashable sum moves, no σ_s, q_s, load or max can, so the Sync's
    /// read of `maxLoad` is saved. Writes nothing and returns false when the operator is linked.
    function _touchUnlinked(uint64 key, uint256 down, uint256 up) internal returns (bool done) {
        if (down == up) return true; // `_touch` returns at once, `_detach`/`_attach` do nothing
        OperatorRisk storage o = _s().operatorRisks[key];
        (uint256 slashable, uint256 act, uint256 links) = _readOp(o);
        if (links != 0) return false;
        _writeOp(o, slashable + up - down, act, 0);
        return true;
    }

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
        _setQuota(serviceId, r, 0, x);
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
            (uint256 slashable, uint256 active, ) = _readOp($.operatorRisks[key]);
            sigma += slashable < active ? slashable : active;
        }
        r.sigma = SafeCast.toUint96(sigma);
        uint256 q = _quota(r.profit, r.alphaBps, sigma);
        _setQuota(serviceId, r, q, x);
        // An unbacked service's operators all have σ_v = 0: its UNBACKED quota sits in loads
        // the max skips, and the links re-quote it as soon as one of them gains stake.
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
        // Two words back instead of the whole Module struct (read at every report per loaded operator).
        (address module, ) = _s().router.moduleAndStake(key >> OPERATOR_BITS);
        return IStakingModule(module).activeValidatorsOf(uint32(key)) * DEPOSIT_SIZE;
    }

    function _requote(uint256 serviceId, Sync memory x) private {
        RegistryStorage storage $ = _s();
        ServiceRisk storage r = $.risks[serviceId];
        uint256 old = r.quota;
        uint256 q = _quota(r.profit, r.alphaBps, r.sigma);
        if (q == old) return;
        _setQuota(serviceId, r, q, x);
        uint64[] storage keys = $.operators[serviceId];
        for (uint256 i; i < keys.length; ++i)
            if ($.stakes[serviceId][keys[i]].stake != 0) _addLoad(keys[i], old, q, x);
    }

    /// @dev An operator's first slot in one SLOAD: (slashable, active, links).
    function _readOp(
        OperatorRisk storage o
    ) internal view returns (uint256 slashable, uint256 active, uint256 links) {
        uint256 w;
        assembly ("memory-safe") {
            w := sload(o.slot)
        }
        // OperatorRisk packs slashable (bits 0..95), active (96..191), links (192..223).
        return (uint96(w), uint96(w >> 96), uint32(w >> 192));
    }

    /// @dev Writes an operator's first slot in one SSTORE (two field writes would cost two).
    function _writeOp(OperatorRisk storage o, uint256 slashable, uint256 active, uint256 links) internal {
        uint256 w =
            SafeCast.toUint96(slashable) | (uint256(SafeCast.toUint96(active)) << 96) | (links << 192);
        assembly ("memory-safe") {
            sstore(o.slot, w)
        }
    }

    /// @dev Stores q_s, counting the unbacked services (π_s > 0, σ_s = 0) and flagging each one
    /// that becomes unbacked.
    function _setQuota(uint256 serviceId, ServiceRisk storage r, uint256 q, Sync memory x) internal {
        uint256 old = r.quota;
        if (old == q) return;
        if (old == UNBACKED) --_s().unbacked;
        if (q == UNBACKED) {
            ++_s().unbacked;
            x.newUnbacked = serviceId + 1;
            emit IServiceRegistry.ServiceUnbacked(serviceId, r.profit);
        }
        r.quota = q;
    }

    function _addLoad(uint64 key, uint256 minus, uint256 plus, Sync memory x) private {
        OperatorRisk storage o = _s().operatorRisks[key];
        uint256 old = o.load;
        uint256 load = old + plus - minus;
        o.load = load;
        bool up = load > x.max;
        if (!up && !(load < old && old == x.max)) return;
        (uint256 slashable, uint256 active, ) = _readOp(o);
        if (slashable == 0 || active == 0) return; // skipped: not in the max
        if (up) x.max = load;
        else x.rescan = true;
    }

    /// @dev O(1) per call: a bitmap over the service ids (< 256) instead of a scan of the list,
    /// which cost links × dirty steps per stake change on a shared operator.
    function _markDirty(uint256 serviceId, Sync memory x) private pure {
        uint256 bit = 1 << serviceId;
        if (x.dirtyBits & bit != 0) return;
        x.dirtyBits |= bit;
        if (x.dirty.length == 0) x.dirty = new uint256[](MAX_DIRTY);
        x.dirty[x.dirtyCount++] = serviceId;
    }

    function _link(uint64 key, uint256 serviceId) private {
        RegistryStorage storage $ = _s();
        uint256 bits = $.riskServices[key];
        uint256 bit = 1 << serviceId; // < MAX_REGISTRATIONS
        if (bits & bit != 0) return;
        $.riskServices[key] = bits | bit;
        OperatorRisk storage o = $.operatorRisks[key];
        o.links += 1;
        if (bits == 0) {
            $.loaded.push(key);
            $.loadedIndex[key] = $.loaded.length;
        }
    }

    function _unlink(uint64 key, uint256 serviceId) private {
        RegistryStorage storage $ = _s();
        uint256 bits = $.riskServices[key];
        uint256 bit = 1 << serviceId;
        if (bits & bit == 0) return;
        $.riskServices[key] = bits ^ bit;
        $.operatorRisks[key].links -= 1;
        if (bits != bit) return;
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
