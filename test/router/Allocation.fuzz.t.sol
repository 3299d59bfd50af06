// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {StakingModule__Mock} from "../harness/StakingModule__Mock.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice previewAllocation (the same `_allocate` depositToBeacon uses) over random modules,
/// against an independent reading of DESIGN §7 / money-math "Allocation".
contract AllocationFuzzTest is RouterFixture {
    uint256 private constant BPS = 10_000;

    struct Case {
        uint256 count;
        uint256[] weight;
        uint256[] target;
        uint256[] cap;
        uint256[] active;
    }

    function setUp() public {
        _deployCore();
    }

    function _rand(uint256 seed, uint256 i, string memory tag) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, i, tag)));
    }

    /// @dev Adds `count` mock modules with random parameters; returns the reference model.
    function _build(uint256 seed, uint256 count, uint256 n) private returns (Case memory c) {
        c.count = count;
        c.weight = new uint256[](count);
        c.target = new uint256[](count);
        c.cap = new uint256[](count);
        c.active = new uint256[](count);
        uint256[] memory depositable = new uint256[](count);
        uint256 minRep = _rand(seed, 0, "minRep") % (BPS + 1);
        uint256 boost = _rand(seed, 0, "boost") % (BPS + 1);
        vm.prank(moduleManager);
        router.setAllocationParams(boost, minRep);
        uint256 sumW;
        uint256 nTotal = n;
        uint256[] memory limit = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            (limit[i], depositable[i]) = _addRandomModule(c, seed, i, boost, minRep);
            sumW += c.weight[i];
            nTotal += c.active[i];
        }
        for (uint256 i; i < count; ++i) {
            if (sumW != 0) {
                uint256 byW = (c.weight[i] * nTotal) / sumW;
                uint256 byL = (limit[i] * nTotal) / BPS;
                c.target[i] = byW < byL ? byW : byL;
            }
            uint256 room = c.active[i] + depositable[i];
            c.cap[i] = c.target[i] < room ? c.target[i] : room;
        }
    }

    function _addRandomModule(
        Case memory c,
        uint256 seed,
        uint256 i,
        uint256 boost,
        uint256 minRep
    ) private returns (uint256 limit, uint256 depositable) {
        StakingModule__Mock m = new StakingModule__Mock();
        uint64 baseWeight = uint64(1 + (_rand(seed, i, "w") % 1_000));
        uint256 rep = _rand(seed, i, "rep") % (BPS + 1);
        limit = _rand(seed, i, "limit") % (BPS + 1);
        uint256 kappa = _rand(seed, i, "kappa") % (BPS + 1);
        depositable = _rand(seed, i, "dep") % 40;
        c.active[i] = _rand(seed, i, "active") % 40;
        m.set(depositable, kappa);
        uint256 id = _addModule(address(m), baseWeight, uint16(limit), rep);
        _setDeposited(id, uint64(c.active[i]));
        if (_rand(seed, i, "paused") % 5 == 0) {
            vm.prank(pauser);
            router.setModuleStatus(id, IStakingRouter.ModuleStatus.Paused);
        } else if (rep >= minRep) {
            c.weight[i] = uint256(baseWeight) * rep * (BPS * BPS + boost * kappa);
        }
    }

    function testFuzz_allocation_properties(uint256 seed, uint256 count, uint256 n) public {
        count = bound(count, 1, 32);
        n = bound(n, 0, 300);
        Case memory c = _build(seed, count, n);
        (uint256[] memory alloc, uint256 total) = router.previewAllocation(n);
        uint256[] memory weights = router.moduleWeights();

        uint256 capacity;
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            assertEq(weights[i], c.weight[i], "weight formula");
            if (c.cap[i] > c.active[i]) capacity += c.cap[i] - c.active[i];
            sum += alloc[i];
            if (c.weight[i] == 0)
                assertEq(alloc[i], 0, "zero-weight module (paused / low reputation) gets nothing");
            if (alloc[i] != 0)
                assertLe(c.active[i] + alloc[i], c.cap[i], "never above min(T, active + depositable)");
        }
        assertEq(sum, total, "total is the sum");
        assertEq(total, n < capacity ? n : capacity, "total == min(n, capacity)");

        // min-first: no unit given to i could have gone to a module j still below its cap that
        // is further below its target than i was before that unit.
        for (uint256 i; i < count; ++i) {
            if (alloc[i] == 0) continue;
            int256 deficitBeforeLast = int256(c.target[i]) - int256(c.active[i] + alloc[i] - 1);
            for (uint256 j; j < count; ++j) {
                uint256 cur = c.active[j] + alloc[j];
                if (j == i || cur >= c.cap[j]) continue;
                int256 dj = int256(c.target[j]) - int256(cur);
                assertLe(dj, deficitBeforeLast, "min-first: j was further below target");
                if (j < i) assertLt(dj, deficitBeforeLast, "ties go to the lower id");
            }
        }
    }

    function test_allocation_floorsLeaveBufferedWhenFewerThanModules() public {
        // Equal weights, nothing active: T_m = floor(n / M) = 0 for n < M. DESIGN §7 floors the
        // targets, so such an n stays buffered until enough ETH accumulates.
        for (uint256 i; i < 4; ++i) {
            StakingModule__Mock m = new StakingModule__Mock();
            m.set(10, 0);
            _addModule(address(m), 1, 10_000, 10_000);
        }
        (, uint256 total) = router.previewAllocation(3);
        assertEq(total, 0, "3 validators over 4 equal modules: all targets floor to 0");
        (, total) = router.previewAllocation(4);
        assertEq(total, 4, "4 validators: one each");
    }
}
