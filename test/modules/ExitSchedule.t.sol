// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice A module's exit schedule (ModuleBase.requestExits): requests beyond the active
/// validators are capped, a later request never gets an earlier deadline, exited parts are pruned
/// and a repeat reports the deadline of the part that covers it (0 when nothing is outstanding).
contract ExitScheduleTest is RouterFixture {
    address internal alice = makeAddr("alice");
    uint256 internal op;

    function setUp() public {
        _deployDefault();
        vm.deal(alice, 100 ether);
        // Bonded operator with 4 deposited validators (2.4 + 3 × 1.3 = 6.3 ETH of bond).
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), 0, 0, 4);
        vm.prank(alice);
        op = bonded.registerOperator{value: 6.3 ether}("alice", alice, pks, sigs);
        vm.prank(address(router));
        bonded.onDeposit(4);
        assertEq(bonded.getOperator(op).depositedKeys, 4, "four deposited");
    }

    function _request(uint256 count, uint256 deadline) internal {
        vm.prank(address(exits));
        bonded.requestExits(op, count, deadline);
    }

    function _exited(uint256 exited) internal {
        uint256[] memory ids = new uint256[](1);
        uint256[] memory ex = new uint256[](1);
        ids[0] = op;
        ex[0] = exited;
        vm.prank(address(exits));
        bonded.updateExited(ids, ex);
    }

    function test_requestExits_capsAtActiveValidators(uint256 count) public {
        count = bound(count, 5, 1_000);
        uint256 deadline = block.timestamp + 1 days;
        vm.expectEmit(address(bonded));
        emit IStakingModule.ExitRequested(op, 4, deadline);
        _request(count, deadline);
        (uint256 requested, uint256 due) = bonded.exitRequestOf(op);
        assertEq(requested, 4, "capped at the four active validators");
        assertEq(due, deadline, "deadline set");
    }

    function test_requestExits_laterRequestKeepsEarlierDeadlineOrder() public {
        uint256 first = block.timestamp + 2 days;
        _request(1, first);
        // A shorter exit deadline later on cannot overtake the first part: the new part joins it.
        vm.expectEmit(address(bonded));
        emit IStakingModule.ExitRequested(op, 2, first);
        _request(2, block.timestamp + 1 days);
        (uint256[] memory upTo, uint256[] memory deadlines) = bonded.exitTranchesOf(op);
        assertEq(upTo.length, 1, "merged into one part");
        assertEq(upTo[0], 2, "the part now covers two validators");
        assertEq(deadlines[0], first, "at the first deadline");
    }

    function test_requestExits_prunesExitedPartsAndReportsDueDeadline() public {
        uint256 d1 = block.timestamp + 1 days;
        uint256 d2 = block.timestamp + 2 days;
        _request(1, d1);
        _request(2, d2);
        (uint256[] memory upTo, ) = bonded.exitTranchesOf(op);
        assertEq(upTo.length, 2, "two parts: up to 1 by d1, up to 2 by d2");
        _exited(1);
        (uint256 requested, uint256 due) = bonded.exitRequestOf(op);
        assertEq(requested, 2, "two requested in all");
        assertEq(due, d2, "the first part is done: the second's deadline is due");
        // A repeat asking for what is already requested reports the covering part's deadline.
        vm.expectEmit(address(bonded));
        emit IStakingModule.ExitRequested(op, 1, d2);
        _request(1, block.timestamp + 5 days);
        (upTo, ) = bonded.exitTranchesOf(op);
        assertEq(upTo.length, 1, "one part left");
        assertEq(upTo[0], 2, "up to 2");
    }

    function test_requestExits_repeatAfterAllExitedReportsNoDeadline() public {
        _request(2, block.timestamp + 1 days);
        _exited(2);
        (, uint256 due) = bonded.exitRequestOf(op);
        assertEq(due, 0, "nothing outstanding");
        vm.expectEmit(address(bonded));
        emit IStakingModule.ExitRequested(op, 0, 0);
        _request(0, block.timestamp + 3 days);
        (uint256 requested, ) = bonded.exitRequestOf(op);
        assertEq(requested, 2, "nothing new requested");
        assertFalse(bonded.exitOverdue(op), "not overdue");
    }

    function test_requestExits_fullScheduleExtendsTheLastPart() public {
        uint256 max = bonded.MAX_EXIT_TRANCHES();
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 4, max);
        vm.startPrank(alice);
        bonded.addKeysWithBond{value: 1.3 ether * max}(op, pks, sigs);
        vm.stopPrank();
        vm.prank(address(router));
        bonded.onDeposit(max);
        // Requests are cumulative: part i covers up to i + 1 validators.
        for (uint256 i; i < max; ++i) _request(i + 1, block.timestamp + (i + 1) * 1 days);
        uint256 lastDeadline = block.timestamp + max * 1 days;
        // The schedule is full: a further request joins the last part at its deadline.
        vm.expectEmit(address(bonded));
        emit IStakingModule.ExitRequested(op, max + 1, lastDeadline);
        _request(max + 1, block.timestamp + 30 days);
        (uint256[] memory upTo, uint256[] memory deadlines) = bonded.exitTranchesOf(op);
        assertEq(upTo.length, max, "still MAX_EXIT_TRANCHES parts");
        assertEq(upTo[max - 1], max + 1, "the last part covers the extra validator");
        assertEq(deadlines[max - 1], lastDeadline, "at the last part's deadline");
    }
}
