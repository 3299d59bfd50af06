// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IReportOracle} from "../../contracts/interfaces/IReportOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

contract SubmitReportHashTest is OracleFixture {
    function test_submitReportHash_countsSupport() public {
        vm.expectEmit(address(oracle));
        emit IReportOracle.ReportHashSubmitted(report.refSlot, members[0], hash, 1);
        _vote(0, hash);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "one vote is not a quorum");
    }

    function test_submitReportHash_reachesConsensusAtQuorum() public {
        _vote(0, hash);
        vm.expectEmit(address(oracle));
        emit IReportOracle.ConsensusReached(report.refSlot, hash, 2);
        _vote(1, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "agreed");
        _vote(2, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "a third vote keeps it");
    }

    function test_submitReportHash_revertsForNonMember() public {
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NotMember.selector, stranger));
        vm.prank(stranger);
        oracle.submitReportHash(report.refSlot, hash);
    }

    function test_submitReportHash_revertsOnSameHashTwice() public {
        _vote(0, hash);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.AlreadyVoted.selector, members[0], hash));
        _vote(0, hash);
    }

    function test_submitReportHash_voteChangeMovesSupport() public {
        bytes32 other = keccak256("other");
        _vote(0, other);
        _vote(1, hash);
        // member 0 switches: `hash` now has 2 votes, `other` none.
        vm.expectEmit(address(oracle));
        emit IReportOracle.ReportHashSubmitted(report.refSlot, members[0], hash, 2);
        _vote(0, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "agreed after the change");
        // switching back to `other` gives it 1 vote, not 2: the old vote was withdrawn.
        vm.expectEmit(address(oracle));
        emit IReportOracle.ReportHashSubmitted(report.refSlot, members[0], other, 1);
        _vote(0, other);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "agreed hash lost its quorum");
    }

    function test_submitReportHash_revertsForStaleFrame() public {
        uint256 stale = report.refSlot;
        vm.warp(block.timestamp + FRAME);
        uint256 current = oracle.currentRefSlot();
        assertEq(current, stale + SLOTS_PER_FRAME, "next frame");
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.RefSlotNotCurrent.selector, stale, current));
        vm.prank(members[0]);
        oracle.submitReportHash(stale, hash);
    }

    function test_submitReportHash_revertsForFutureFrame() public {
        uint256 future = report.refSlot + SLOTS_PER_FRAME;
        vm.expectRevert(
            abi.encodeWithSelector(IReportOracle.RefSlotNotCurrent.selector, future, report.refSlot)
        );
        vm.prank(members[0]);
        oracle.submitReportHash(future, hash);
    }

    function test_submitReportHash_revertsOnceProcessed() public {
        _vote(0, hash);
        _vote(1, hash);
        _submit(0);
        vm.expectRevert(
            abi.encodeWithSelector(IReportOracle.RefSlotAlreadyProcessed.selector, report.refSlot)
        );
        _vote(2, hash);
    }

    function test_submitReportHash_revertsAtGenesisFrame() public {
        // refSlot 0 is never reportable: the accounting starts at lastRefSlot 0.
        vm.warp(block.timestamp - FRAME);
        assertEq(oracle.currentRefSlot(), 0, "genesis frame");
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.RefSlotAlreadyProcessed.selector, 0));
        vm.prank(members[0]);
        oracle.submitReportHash(0, hash);
    }

    /// The consensus slot is reused frame after frame: an unsubmitted frame's agreement never
    /// counts for the next frame, and the next frame agrees on its own.
    function test_submitReportHash_nextFrameStartsWithoutConsensus() public {
        uint256 first = report.refSlot;
        _vote(0, hash);
        _vote(1, hash);
        assertEq(oracle.consensusHash(first), hash, "first frame agreed");
        vm.warp(block.timestamp + FRAME);
        _prepare();
        assertEq(report.refSlot, first + SLOTS_PER_FRAME, "next frame");
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "no consensus carried over");
        _vote(0, hash);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "one vote is not a quorum");
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NoConsensus.selector, report.refSlot));
        _submit(0);
        _vote(1, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "next frame agreed");
        assertEq(oracle.consensusHash(first), bytes32(0), "a past frame's consensus is no longer kept");
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "next frame applied");
    }
}
