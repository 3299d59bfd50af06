// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Allocation} from "../../contracts/libraries/Allocation.sol";
import {MoneyMath__Harness} from "./MoneyMath__Harness.sol";

contract AllocationTest is Test {
    MoneyMath__Harness internal harness;

    struct Case {
        uint256[] w;
        uint16[] limit;
        uint256[] active;
        uint256[] dep;
        uint256 n;
    }

    function setUp() public {
        harness = new MoneyMath__Harness();
    }

    /// @dev Up to 32 modules from a seed: some inactive (w = 0), varied caps, actives and keys.
    function _case(uint256 seed, uint256 count, uint256 n) internal pure returns (Case memory c) {
        count = bound(count, 1, 32);
        c.n = bound(n, 0, 1000);
        c.w = new uint256[](count);
        c.limit = new uint16[](count);
        c.active = new uint256[](count);
        c.dep = new uint256[](count);
        for (uint256 m; m < count; ++m) {
            uint256 h = uint256(keccak256(abi.encode(seed, m)));
            c.w[m] =
                h % 5 == 0
                    ? 0
                    : Allocation.weight(
                        1 + (h % 100),
                        5000 + ((h >> 8) % 5001),
                        (h >> 24) % 10_001,
                        10_000,
                        0,
                        true
                    );
            c.limit[m] = uint16(1 + ((h >> 40) % 10_000));
            c.active[m] = (h >> 56) % 300;
            c.dep[m] = (h >> 72) % 3 == 0 ? 0 : (h >> 80) % 400;
        }
    }

    function _sum(uint256[] memory xs) internal pure returns (uint256 s) {
        for (uint256 i; i < xs.length; ++i) s += xs[i];
    }

    function test_kappaBps_capsAndZeroWithoutValidators() public pure {
        assertEq(Allocation.kappaBps(8 ether, 2), 1250, "8 ETH over 64 ETH = 12.5%");
        assertEq(Allocation.kappaBps(100 ether, 1), 10_000, "capped at BPS");
        assertEq(Allocation.kappaBps(5 ether, 0), 0, "no active validators");
    }

    function test_weight_zeroBelowMinReputationOrInactive() public pure {
        assertEq(Allocation.weight(1, 4999, 0, 0, 5000, true), 0, "below the floor");
        assertEq(Allocation.weight(1, 9000, 0, 0, 5000, false), 0, "inactive");
        assertEq(Allocation.weight(2, 9000, 5000, 10_000, 5000, true), 2 * 9000 * (1e8 + 5e7), "formula");
    }

    function test_allocate_minFirstWithTiesToLowerId() public view {
        Case memory c;
        c.w = new uint256[](2);
        (c.w[0], c.w[1]) = (1, 1);
        c.limit = new uint16[](2);
        (c.limit[0], c.limit[1]) = (10_000, 10_000);
        c.active = new uint256[](2);
        c.dep = new uint256[](2);
        (c.dep[0], c.dep[1]) = (100, 100);
        c.n = 3;
        // N = 3, T = (1, 1): caps 1 each → 2 placed; T gaps tie → module 0 first, both get one.
        (uint256[] memory a, uint256 total) = Allocation.allocate(c.w, c.limit, c.active, c.dep, c.n);
        assertEq(total, 2, "targets bound the fill");
        assertEq(a[0], 1, "module 0 takes one");
        assertEq(a[1], 1, "module 1 takes one");
        (uint256[] memory ref, ) = harness.allocateUnitByUnit(c.w, c.limit, c.active, c.dep, c.n);
        assertEq(ref[0], a[0], "matches the unit-by-unit fill");
    }

    function test_allocate_zeroWeightEverywherePlacesNothing() public pure {
        uint256[] memory w = new uint256[](3);
        uint16[] memory l = new uint16[](3);
        uint256[] memory d = new uint256[](3);
        d[0] = 5;
        (, uint256 total) = Allocation.allocate(w, l, new uint256[](3), d, 10);
        assertEq(total, 0, "W = 0: everything stays buffered");
    }

    /// @dev The fill's cost does not grow with n (bisection over the fill level): 32 modules
    /// placing 1,000 validators cost less than 3x placing 10, where a unit-by-unit fill would
    /// cost ~100x. A ratio of two measurements in the same build, so it holds under `--coverage`
    /// instrumentation too (an absolute gas bound does not: instrumentation roughly doubles
    /// it; absolute figures belong in the bench).
    function test_allocate_gasFlatInN() public view {
        Case memory c = _case(42, 32, 10);
        uint256 g = gasleft();
        (, uint256 total) = Allocation.allocate(c.w, c.limit, c.active, c.dep, c.n);
        uint256 small = g - gasleft();
        assertEq(total, 10, "10 placed by the bisection (capacity exceeds n)");
        c.n = 1000;
        g = gasleft();
        (, total) = Allocation.allocate(c.w, c.limit, c.active, c.dep, c.n);
        uint256 large = g - gasleft();
        assertEq(total, 1000, "1,000 placed by the bisection (capacity exceeds n)");
        assertLt(large, 3 * small, "100x the validators costs < 3x the gas");
    }

    function testFuzz_allocate_matchesUnitByUnit(uint256 seed, uint256 count, uint256 n) public view {
        Case memory c = _case(seed, count, n);
        (uint256[] memory a, uint256 total) = Allocation.allocate(c.w, c.limit, c.active, c.dep, c.n);
        (uint256[] memory ref, uint256 refTotal) = harness.allocateUnitByUnit(
            c.w,
            c.limit,
            c.active,
            c.dep,
            c.n
        );
        assertEq(total, refTotal, "same total as the literal fill");
        for (uint256 m; m < a.length; ++m) assertEq(a[m], ref[m], "same module counts as the literal fill");
    }

    function testFuzz_allocate_properties(uint256 seed, uint256 count, uint256 n) public pure {
        Case memory c = _case(seed, count, n);
        (uint256[] memory a, uint256 total) = Allocation.allocate(c.w, c.limit, c.active, c.dep, c.n);
        uint256[] memory t = Allocation.targets(c.w, c.limit, _sum(c.active), c.n);
        uint256 capacity;
        uint256[] memory cap = new uint256[](a.length);
        for (uint256 m; m < a.length; ++m) {
            uint256 top = t[m] < c.active[m] + c.dep[m] ? t[m] : c.active[m] + c.dep[m];
            cap[m] = top > c.active[m] ? top - c.active[m] : 0;
            capacity += cap[m];
            assertLe(a[m], cap[m], "no module above min(T, active + depositable) - active");
            if (c.w[m] == 0) assertEq(a[m], 0, "zero-weight module gets nothing");
        }
        assertEq(_sum(a), total, "total is the sum");
        assertEq(total, c.n < capacity ? c.n : capacity, "total = min(n, capacity)");
        // Min-first: no unit of i could move to a module j that sits further below its target.
        for (uint256 i; i < a.length; ++i) {
            if (a[i] == 0) continue;
            // gap of i's last unit before it was placed
            uint256 gapI = t[i] - (c.active[i] + a[i] - 1);
            for (uint256 j; j < a.length; ++j) {
                if (j == i || a[j] >= cap[j]) continue;
                uint256 gapJ = t[j] - (c.active[j] + a[j]);
                assertTrue(
                    gapJ < gapI || (gapJ == gapI && i < j),
                    "min-first: no unit could move further below"
                );
            }
        }
    }
}
