// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Reputation} from "../../contracts/libraries/Reputation.sol";

contract ReputationTest is Test {
    function test_update_movesTowardPerformance() public pure {
        // (8000·9000 + 10000·1000)/10000 = 8200
        assertEq(Reputation.update(8000, 10_000, 1000, 0, 500), 8200, "EMA toward perf");
    }

    function test_update_appliesPenaltyPerSlashedValidator() public pure {
        // 8200 → ⌊8200·0.95⌋ = 7790 → ⌊7790·0.95⌋ = 7400 (7400.5 floored)
        assertEq(Reputation.update(8000, 10_000, 1000, 2, 500), 7400, "two penalties, each floored");
    }

    function test_update_zeroPenaltyIgnoresHugeSlashCount() public pure {
        assertEq(
            Reputation.update(8000, 8000, 1000, type(uint256).max, 0),
            8000,
            "no loop without a penalty"
        );
    }

    function test_update_fullPenaltyZeroes() public pure {
        assertEq(Reputation.update(9000, 9000, 1000, type(uint256).max, 10_000), 0, "stops at zero");
    }

    function testFuzz_update_staysBetweenRepAndPerf(uint256 rep, uint256 perf, uint256 lambda) public pure {
        rep = bound(rep, 0, 10_000);
        perf = bound(perf, 0, 10_000);
        lambda = bound(lambda, 0, 10_000);
        uint256 next = Reputation.update(rep, perf, lambda, 0, 0);
        uint256 lo = rep < perf ? rep : perf;
        uint256 hi = rep < perf ? perf : rep;
        assertGe(next, lo, "EMA not below both inputs");
        assertLe(next, hi, "EMA not above both inputs");
    }

    function testFuzz_update_slashingNeverRaises(
        uint256 rep,
        uint256 perf,
        uint256 count,
        uint256 pen
    ) public pure {
        rep = bound(rep, 0, 10_000);
        perf = bound(perf, 0, 10_000);
        count = bound(count, 0, 50);
        pen = bound(pen, 0, 10_000);
        uint256 clean = Reputation.update(rep, perf, 2000, 0, pen);
        assertLe(Reputation.update(rep, perf, 2000, count, pen), clean, "slashes only lower reputation");
    }
}
