// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice Random sequences of allocations, opt-ins, risk changes, cover-factor cuts (the next
/// report scales allocations down) and report frames in which curated operators exit
/// validators, over 3 services and the 4 standard operators (96 ETH each): after every
/// successful call and after every report the certified γ is at least the minimum (reports
/// never revert: they restore γ by retiring allocations), and the registry's incremental
/// figures (σ_v, T_v, γ) equal a from-scratch recomputation of DESIGN §8's definitions to the wei.
contract RobustnessGateFuzzTest is ServicesFixture {
    uint256 private constant SERVICES = 3;
    uint256 private constant DEPTH = 16;
    uint256 private constant UNBACKED = 1 << 200;
    uint64[4] private ops;
    uint16[3] private maxSlash = [uint16(10_000), 5_000, 2_500];
    uint32[2] private exitedOf; // validators curated operators 0 and 1 have exited

    function setUp() public {
        _standardSetup();
        ops = [_opKey(0, 0), _opKey(0, 1), _opKey(1, 0), _opKey(1, 1)];
        for (uint256 s; s < SERVICES; ++s) _service(_svcParams(1, maxSlash[s], 1, 10_000));
        // Operators 0 and 1 opt in everywhere; 2 and 3 through the fuzzed sequence.
        for (uint256 s; s < SERVICES; ++s) {
            _optIn(s, 0, 0);
            _optIn(s, 0, 1);
        }
    }

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_gate_neverBelowMinimum(uint256 seed) public {
        uint256 ok;
        for (uint256 step; step < DEPTH; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 svc = r % SERVICES;
            uint256 kind = (r >> 8) % 6;
            bool success;
            if (kind == 5) {
                // Governance cuts the cover factor: the next report scales allocations down and
                // restores γ in the same transaction (the plan sees the scaled stakes).
                vm.prank(admin);
                registry.setCoverFactor(bound(r >> 16, 1_000, 10_000));
                _report();
                success = true;
            } else if (kind == 4) {
                // A frame in which a curated operator exits a validator, then the frame that
                // reads it (exits are booked after the report's exposure step): never refused.
                uint32 op = uint32((r >> 16) % 2);
                if (exitedOf[op] < 3) ++exitedOf[op];
                IAccounting.Report memory rep = _neutralReport();
                rep.operatorExits = new IAccounting.OperatorExited[](1);
                rep.operatorExits[0] = IAccounting.OperatorExited({
                    moduleId: 0,
                    operatorId: op,
                    exited: exitedOf[op]
                });
                rep.modules[0].exited = exitedOf[0] + exitedOf[1];
                _submit(rep);
                _report();
                success = true;
            } else if (kind == 0) {
                uint256 op = 2 + ((r >> 16) % 2);
                vm.prank(_managerOf(ops[op] >> 32, uint32(ops[op])));
                try registry.optIn(svc, ops[op] >> 32, uint32(ops[op])) {
                    success = true;
                } catch {}
            } else if (kind == 1 || kind == 2) {
                uint256 amount = bound(r >> 24, 0, 150 ether);
                uint64[] memory keys = _subset(r >> 120);
                vm.prank(allocator);
                try registry.setAllocation(svc, keys.length == 0 ? 0 : amount, keys) {
                    success = true;
                } catch (bytes memory err) {
                    _expectKnown(err);
                }
            } else {
                uint256 profit = bound(r >> 24, 0, 80 ether);
                uint256 alpha = bound(r >> 120, 1_000, 10_000);
                vm.prank(serviceManager);
                try registry.setServiceRisk(svc, profit, alpha) {
                    success = true;
                } catch (bytes memory err) {
                    _expectKnown(err);
                }
            }
            if (!success) continue;
            ++ok;
            uint256 gamma = _checkAgainstReference();
            assertGe(gamma, registry.minGammaBps(), "gamma never below the minimum after a successful call");
        }
        // Record how much of the sequence went through (the reference check ran each time).
        assertLe(ok, DEPTH, "steps");
    }

    /// @dev Random non-empty subset of the 4 operators, or empty (deallocate all).
    function _subset(uint256 r) private view returns (uint64[] memory keys) {
        uint256 mask = r % 16;
        uint256 n;
        for (uint256 i; i < 4; ++i) if (mask & (1 << i) != 0) ++n;
        keys = new uint64[](n);
        n = 0;
        for (uint256 i; i < 4; ++i) if (mask & (1 << i) != 0) keys[n++] = ops[i];
    }

    /// @dev Only the refusals this sequence can provoke; anything else fails the test.
    function _expectKnown(bytes memory err) private pure {
        bytes4 sel = bytes4(err);
        assertTrue(
            sel == IServiceRegistry.RobustnessTooLow.selector ||
                sel == IServiceRegistry.UnbackedService.selector ||
                sel == IServiceRegistry.NotOptedIn.selector ||
                sel == IServiceRegistry.ExposureLimitExceeded.selector ||
                sel == IServiceRegistry.NotEnoughOperators.selector ||
                sel == IServiceRegistry.AllocationNotPlaceable.selector,
            "a known refusal"
        );
    }

    /// @dev σ_v, T_v and γ from scratch (DESIGN §8), compared with the registry's; returns γ.
    function _checkAgainstReference() private view returns (uint256 gamma) {
        uint256[4] memory sigma;
        for (uint256 i; i < 4; ++i) {
            uint256 slashable;
            for (uint256 s; s < SERVICES; ++s) slashable += (_stakeIn(s, ops[i]) * maxSlash[s]) / 10_000;
            uint256 active = _active(ops[i]);
            sigma[i] = slashable < active ? slashable : active;
        }
        uint256[4] memory load;
        uint256 unbacked;
        for (uint256 s; s < SERVICES; ++s) {
            (uint256 profit, uint256 alpha, , ) = registry.serviceRisk(s);
            if (profit == 0) continue;
            uint256 sigmaS;
            for (uint256 i; i < 4; ++i) if (_stakeIn(s, ops[i]) != 0) sigmaS += sigma[i];
            uint256 q = sigmaS == 0 ? UNBACKED : (profit * 1e22 + alpha * sigmaS - 1) / (alpha * sigmaS);
            if (sigmaS == 0) ++unbacked;
            for (uint256 i; i < 4; ++i) if (_stakeIn(s, ops[i]) != 0) load[i] += q;
        }
        uint256 maxLoad;
        for (uint256 i; i < 4; ++i) {
            (uint256 l, uint256 sg) = registry.operatorLoad(ops[i] >> 32, uint32(ops[i]));
            // σ_v is the active stake when last read: the report re-reads it for every operator
            // of a gated service (the only ones whose σ_v enters a load).
            if (l != 0 || load[i] != 0) assertEq(sg, sigma[i], "sigma_v = reference");
            assertEq(l, load[i], "T_v = reference");
            // Zero-stake operators are skipped (DESIGN §8).
            if (sigma[i] != 0 && load[i] > maxLoad) maxLoad = load[i];
        }
        // Unbacked services hold no stake: outside the certified graph (flagged, not in γ).
        assertEq(unbacked, _unbackedOnChain(), "unbacked services = reference");
        gamma = maxLoad == 0 ? type(uint256).max : (1e22 / maxLoad > 10_000 ? 1e22 / maxLoad - 10_000 : 0);
        assertEq(registry.certifiedGammaBps(), gamma, "gamma = reference");
    }

    function _unbackedOnChain() private view returns (uint256 n) {
        for (uint256 s; s < SERVICES; ++s) {
            (, , , uint256 q) = registry.serviceRisk(s);
            if (q == UNBACKED) ++n;
        }
    }

    function _stakeIn(uint256 s, uint64 key) private view returns (uint256) {
        (uint64[] memory keys, uint256[] memory stakes) = registry.allocationOf(s);
        for (uint256 i; i < keys.length; ++i) if (keys[i] == key) return stakes[i];
        return 0;
    }

    function _active(uint64 key) private view returns (uint256) {
        return
            (
                key >> 32 == 0
                    ? curated.activeValidatorsOf(uint32(key))
                    : bonded.activeValidatorsOf(uint32(key))
            ) * 32 ether;
    }
}
