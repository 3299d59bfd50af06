// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev Open item 14 of docs/security.md §6: opting out removes the allocation, operators without
/// active stake do not count toward minOperators, and several services slashing one operator
/// never take more than the book holds, at any cover factor.
contract ServiceBoundsTest is ServicesFixture {
    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
    }

    function test_optOut_removesTheAllocation() public {
        uint256 svc = _service(1, 1_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
        vm.prank(_managerOf(1, 0));
        registry.optOut(svc, 1, 0);
        assertEq(registry.getService(svc).allocation, 96 ether, "the leaver's 96 ETH left the allocation");
        (, uint256[] memory stakes) = registry.allocationOf(svc);
        assertEq(stakes[0], 0, "no allocated stake left");
        assertEq(registry.stakeOf(svc, 1, 0), 96 ether, "still slashable until the opt-out takes effect");
        (uint256 needed, ) = registry.exposure(1);
        assertEq(needed, 19.2 ether, "both stakes still count: 10% of 192 ETH");
        vm.warp(block.timestamp + SLASHING_WINDOW);
        assertEq(registry.stakeOf(svc, 1, 0), 0, "released when the opt-out takes effect");
        (needed, ) = registry.exposure(1);
        assertEq(needed, 9.6 ether, "only the remaining operator counts");
    }

    function test_setAllocation_operatorsWithoutStakeDoNotCount() public {
        uint256 svc = _service(_svcParams(1, 1_000, 2, 10_000));
        (uint256 idle, ) = _bondedOperator(1); // keys, no deposited validator
        _optIn(svc, 0, 0);
        _optIn(svc, 1, idle);
        vm.prank(allocator);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotEnoughOperators.selector, 1, 2));
        registry.setAllocation(svc, 50 ether, _two(_opKey(0, 0), _opKey(1, idle)));
        _optIn(svc, 1, 0);
        _allocate(svc, 50 ether, _two(_opKey(0, 0), _opKey(1, 0)));
        assertEq(registry.getService(svc).allocation, 50 ether, "two staked operators suffice");
    }

    /// Five services at a 5× cover factor slash one curated operator in full: 480 ETH against a
    /// book of 400 ETH. The last slash takes what is left, not more (the pool would owe more
    /// than it holds, and `pooled` would underflow).
    function test_executeSlash_severalServicesNeverTakeMoreThanTheBook() public {
        vm.prank(admin);
        registry.setCoverFactor(50_000);
        uint256[] memory ids = new uint256[](5);
        for (uint256 i; i < 5; ++i) {
            uint256 svc = _service(1, 10_000);
            _optIn(svc, 0, 0);
            _optIn(svc, 0, 1);
            _allocate(svc, 192 ether, _two(_opKey(0, 0), _opKey(0, 1)));
            vm.prank(slasher);
            ids[i] = registry.requestSlash(svc, 0, 0, 10_000, bytes32("ev"));
        }
        uint256 book = 400 ether;
        assertEq(accounting.pooled(), book, "pooled before");
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 slashed;
        for (uint256 i; i < 5; ++i) {
            slashed += registry.executeSlash(ids[i]);
            _assertNavWithinPooled("after each slash");
        }
        assertEq(slashed, 480 ether, "the registry asked for 5 x 96 ETH");
        assertEq(accounting.pooled(), 0, "the book paid everything it held and no more");
        assertEq(
            pool.servicePayoutOf(recipient) + pool.debt(),
            book,
            "the service got the 400 ETH the book held, not 480"
        );
    }
}
