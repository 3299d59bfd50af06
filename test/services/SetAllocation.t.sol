// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev Operators with unequal stake: curated 0/1/2 hold 1/3/6 validators (32/96/192 ETH),
/// bonded 0/1 hold 2 each (64 ETH). Classes A/B/C = 300/150/150 ETH.
contract SetAllocationTest is ServicesFixture {
    uint64 private c0;
    uint64 private c1;
    uint64 private c2;
    uint64 private b0;
    uint64 private b1;

    function setUp() public {
        _deployServices();
        _seed(300 ether, 150 ether, 150 ether);
        _curatedOperator(curated, 1);
        _curatedOperator(curated, 3);
        _curatedOperator(curated, 6);
        _bondedOperator(2);
        _bondedOperator(2);
        _activate(0, 10);
        _activate(1, 4);
        (c0, c1, c2, b0, b1) = (_opKey(0, 0), _opKey(0, 1), _opKey(0, 2), _opKey(1, 0), _opKey(1, 1));
    }

    function _svc(uint8 tier, uint16 maxSlash, uint16 minOps, uint16 share) private returns (uint256 id) {
        id = _service(_svcParams(tier, maxSlash, minOps, share));
        for (uint256 op; op < 3; ++op) _optIn(id, 0, op);
        for (uint256 op; op < 2; ++op) _optIn(id, 1, op);
    }

    function _three() private view returns (uint64[] memory keys) {
        keys = new uint64[](3);
        (keys[0], keys[1], keys[2]) = (c0, c1, c2);
    }

    function _stake(uint256 svc, uint64 key) private view returns (uint256) {
        return registry.stakeOf(svc, key >> 32, uint32(key));
    }

    function _assertNoAllocation(uint256 svc) private view {
        assertEq(registry.getService(svc).allocation, 0, "allocation unchanged");
        (uint64[] memory keys, ) = registry.allocationOf(svc);
        assertEq(keys.length, 0, "no operators recorded");
        assertEq(_stake(svc, c2), 0, "no stake recorded");
    }

    function test_setAllocation_splitsByActiveStake() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationSet(svc, 100 ether, 3);
        _allocate(svc, 100 ether, _three());
        // 32 : 96 : 192 ETH of stake.
        assertEq(_stake(svc, c0), 10 ether, "c0 1/10");
        assertEq(_stake(svc, c1), 30 ether, "c1 3/10");
        assertEq(_stake(svc, c2), 60 ether, "c2 6/10");
        assertEq(registry.getService(svc).allocation, 100 ether, "allocation");
        (uint64[] memory keys, uint256[] memory stakes) = registry.allocationOf(svc);
        assertEq(keys.length, 3, "three operators");
        assertEq(stakes[0] + stakes[1] + stakes[2], 100 ether, "stakes add up");
    }

    function test_setAllocation_waterFillsOverTheShareCap() public {
        uint256 svc = _svc(1, 1_000, 1, 5_000);
        _allocate(svc, 100 ether, _three());
        // c2 would get 60 but is capped at 50; the 10 over goes to c0/c1 by stake (1 : 3).
        assertEq(_stake(svc, c2), 50 ether, "c2 at the 50% cap");
        assertEq(_stake(svc, c0), 12.5 ether, "c0 refilled by stake");
        assertEq(_stake(svc, c1), 37.5 ether, "c1 refilled by stake");
    }

    function test_setAllocation_capsAtOwnStake() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        // 300 ETH over 32/96/192: c0 and c1 hold less than their pro-rata share.
        _allocate(svc, 300 ether, _three());
        assertLe(_stake(svc, c0), 32 ether, "c0 within its stake");
        assertLe(_stake(svc, c1), 96 ether, "c1 within its stake");
        assertLe(_stake(svc, c2), 192 ether, "c2 within its stake");
        assertEq(_stake(svc, c0) + _stake(svc, c1) + _stake(svc, c2), 300 ether, "all placed");
    }

    function test_setAllocation_revertsWhenNotPlaceable() public {
        uint256 svc = _svc(1, 1_000, 1, 5_000);
        // Caps: min(own, 50% of 300) = 32 + 96 + 150 = 278 < 300.
        vm.expectRevert(
            abi.encodeWithSelector(IServiceRegistry.AllocationNotPlaceable.selector, 300 ether, 278 ether)
        );
        _allocate(svc, 300 ether, _three());
        _assertNoAllocation(svc);
    }

    function test_setAllocation_revertsBelowMinOperators() public {
        uint256 svc = _svc(1, 1_000, 2, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotEnoughOperators.selector, 1, 2));
        _allocate(svc, 10 ether, _one(c2));
        _assertNoAllocation(svc);
        _allocate(svc, 10 ether, _two(c1, c2));
        assertEq(registry.getService(svc).allocation, 10 ether, "two operators suffice");
    }

    function test_setAllocation_zeroClearsBelowMinOperators() public {
        uint256 svc = _svc(1, 1_000, 2, 10_000);
        _allocate(svc, 30 ether, _two(c1, c2));
        _allocate(svc, 0, new uint64[](0));
        assertEq(registry.getService(svc).allocation, 0, "cleared");
        assertEq(_stake(svc, c2), 20 ether, "old stake pending until the delay");
        vm.warp(block.timestamp + SLASHING_WINDOW);
        assertEq(_stake(svc, c2), 0, "released after the slashing window");
    }

    function test_setAllocation_exposureExactlyAtLimitPasses() public {
        // Tier 2, 100% max slash: needed = allocation, available = nav_C = 150 ETH.
        uint256 svc = _svc(2, 10_000, 1, 10_000);
        (uint256 needed, uint256 available) = registry.exposure(2);
        assertEq(available, 150 ether, "available = C");
        assertEq(needed, 0, "nothing needed yet");
        _allocate(svc, 150 ether, _two(c1, c2));
        (needed, available) = registry.exposure(2);
        assertEq(needed, available, "exactly at the limit");
    }

    function test_setAllocation_revertsOneWeiOverExposureLimit() public {
        uint256 svc = _svc(2, 10_000, 1, 10_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ExposureLimitExceeded.selector,
                2,
                150 ether + 1,
                150 ether
            )
        );
        _allocate(svc, 150 ether + 1, _two(c1, c2));
        _assertNoAllocation(svc);
    }

    function test_setAllocation_exposureSumsTiersAtOrAbove() public {
        // Tier 1 (B + C = 300 available) carries both services; tier 2 only the tier-2 one.
        uint256 t2 = _svc(2, 10_000, 1, 10_000);
        uint256 t1 = _svc(1, 10_000, 1, 10_000);
        _allocate(t2, 100 ether, _two(c1, c2));
        _allocate(t1, 200 ether, _two(c2, b0));
        (uint256 n1, uint256 a1) = registry.exposure(1);
        assertEq(n1, 300 ether, "tier 1 needs both");
        assertEq(a1, 300 ether, "B + C");
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ExposureLimitExceeded.selector,
                1,
                300 ether + 1,
                300 ether
            )
        );
        _allocate(t1, 200 ether + 1, _two(c2, b0));
        assertEq(registry.getService(t1).allocation, 200 ether, "t1 unchanged");
    }

    function test_setAllocation_revertsForNonAllocator() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                registry.ALLOCATOR_ROLE()
            )
        );
        vm.prank(stranger);
        registry.setAllocation(svc, 10 ether, _one(c2));
        _assertNoAllocation(svc);
    }

    function test_setAllocation_revertsOnNotOptedIn() public {
        uint256 svc = _service(_svcParams(1, 1_000, 1, 10_000));
        _optIn(svc, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOptedIn.selector, svc, 0, 1));
        _allocate(svc, 10 ether, _two(c2, c1));
        _assertNoAllocation(svc);
    }

    function test_setAllocation_revertsOnDuplicateOperator() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.AlreadyOptedIn.selector, svc, 0, 2));
        _allocate(svc, 10 ether, _two(c2, c2));
        _assertNoAllocation(svc);
    }

    function test_setAllocation_revertsOnTooManyOperators() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        uint256 max = registry.MAX_SERVICE_OPERATORS();
        uint64[] memory keys = new uint64[](max + 1);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.TooManyOperators.selector, max));
        _allocate(svc, 10 ether, keys);
        _assertNoAllocation(svc);
    }

    function test_setAllocation_revertsWhenServiceNotActive() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        vm.prank(serviceManager);
        registry.setServiceStatus(svc, IServiceRegistry.ServiceStatus.Paused);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ServiceNotActive.selector,
                svc,
                IServiceRegistry.ServiceStatus.Paused
            )
        );
        _allocate(svc, 10 ether, _one(c2));
        _assertNoAllocation(svc);
    }

    function test_setAllocation_shrinkKeepsRemovedStakeSlashable() public {
        uint256 svc = _svc(1, 1_000, 1, 10_000);
        _allocate(svc, 100 ether, _two(c1, c2));
        uint256 before = _stake(svc, c1);
        _allocate(svc, 90 ether, _one(c2));
        assertEq(_stake(svc, c1), before, "removed operator slashable during the delay");
        assertEq(_stake(svc, c2), 90 ether, "c2 holds the new allocation (no double count)");
        vm.warp(block.timestamp + SLASHING_WINDOW);
        assertEq(_stake(svc, c1), 0, "released");
        assertEq(_stake(svc, c2), 90 ether, "kept");
    }

    /// @dev Open item 14 (fixed): minOperators counted the keys passed, so an opted-in operator
    /// without active validators (cap 0, gets nothing) padded the count.
    function test_setAllocation_revertsWhenZeroStakeOperatorPadsMinOperators() public {
        uint256 empty = _curatedOperator(curated, 0);
        uint256 svc = _svc(1, 1_000, 2, 10_000);
        _optIn(svc, 0, empty);
        vm.prank(allocator);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotEnoughOperators.selector, 1, 2));
        registry.setAllocation(svc, 50 ether, _two(c2, _opKey(0, empty)));
        assertEq(_stake(svc, c2), 0, "nothing allocated");
    }
}
