// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ServiceRegistry} from "../../contracts/ServiceRegistry.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract OptOutTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup();
        svc = _service(1, 1_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 1, 1);
    }

    function test_optOut_effectiveAfterSlashingWindow() public {
        address m = _managerOf(1, 0);
        uint256 at = block.timestamp + SLASHING_WINDOW;
        vm.expectEmit(address(registry));
        emit IServiceRegistry.OptOutRequested(svc, 1, 0, at);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        ServiceRegistry.OptIn memory o = registry.optInOf(svc, 1, 0);
        assertTrue(o.optedIn, "still recorded");
        assertEq(o.outAt, at, "effective after the slashing window");
    }

    function test_optOut_keepsAllocatedStakeSlashableDuringWindow() public {
        _allocate(svc, 96 ether, _one(_opKey(1, 0)));
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        vm.warp(block.timestamp + SLASHING_WINDOW - 1);
        assertEq(registry.stakeOf(svc, 1, 0), 96 ether, "slashable during the window");
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, 100, bytes32("e"));
        assertEq(registry.getSlash(id).lockedBond, 0.96 ether, "requested on the full stake");
    }

    function test_optOut_operatorCannotBeNewlyAllocated() public {
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOptedIn.selector, svc, 1, 0));
        vm.prank(allocator);
        registry.setAllocation(svc, 10 ether, _one(_opKey(1, 0)));
        assertEq(registry.getService(svc).allocation, 0, "nothing allocated");
        assertEq(registry.stakeOf(svc, 1, 0), 0, "no stake");
        // Also after the opt-out took effect.
        vm.warp(block.timestamp + SLASHING_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOptedIn.selector, svc, 1, 0));
        vm.prank(allocator);
        registry.setAllocation(svc, 10 ether, _one(_opKey(1, 0)));
    }

    function test_optOut_revertsForOtherManager() public {
        address other = _managerOf(1, 1);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOperatorManager.selector, 1, 0, other));
        vm.prank(other);
        registry.optOut(svc, 1, 0);
        assertEq(registry.optInOf(svc, 1, 0).outAt, 0, "still opted in");
    }

    function test_optOut_revertsWhenNotOptedIn() public {
        address m = _managerOf(0, 0);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOptedIn.selector, svc, 0, 0));
        vm.prank(m);
        registry.optOut(svc, 0, 0);
    }

    function test_optOut_revertsWhenAlreadyLeaving() public {
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        uint256 outAt = registry.optInOf(svc, 1, 0).outAt;
        vm.warp(block.timestamp + 10);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOptedIn.selector, svc, 1, 0));
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        assertEq(registry.optInOf(svc, 1, 0).outAt, outAt, "window not restarted");
    }

    /// @dev Open item 14 (fixed): an opt-out never removed the operator's allocation; after it
    /// took effect the operator still secured the service and stayed slashable. Now the
    /// allocation leaves at once and the stake is slashable only until the opt-out takes effect.
    function test_optOut_effectiveOptOutLeavesNoStake() public {
        _allocate(svc, 96 ether, _one(_opKey(1, 0)));
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        assertEq(registry.getService(svc).allocation, 0, "allocation removed at once");
        assertEq(registry.stakeOf(svc, 1, 0), 96 ether, "slashable until the opt-out takes effect");
        vm.warp(block.timestamp + SLASHING_WINDOW + 1 days);
        assertEq(registry.stakeOf(svc, 1, 0), 0, "nothing left after the opt-out took effect");
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NoStake.selector, svc, 1, 0));
        registry.requestSlash(svc, 1, 0, 100, bytes32("late"));
    }
}
