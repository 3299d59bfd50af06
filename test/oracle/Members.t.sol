// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IReportOracle} from "../../contracts/interfaces/IReportOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

/// @notice ReportOracle.addMember / removeMember and the quorum bounds.
contract MembersTest is OracleFixture {
    address internal newcomer = makeAddr("newcomer");

    function test_addMember_addsAndSetsQuorum() public {
        vm.expectEmit(address(oracle));
        emit IReportOracle.MemberAdded(newcomer);
        vm.prank(admin);
        oracle.addMember(newcomer, 3);
        assertEq(oracle.getMembers().length, 4, "four members");
        assertEq(oracle.quorum(), 3, "quorum");
        vm.prank(newcomer);
        oracle.submitReportHash(report.refSlot, hash);
    }

    function test_addMember_revertsOnQuorumBounds(uint256 q) public {
        // 4 members: quorum must be in [3, 4].
        q = bound(q, 0, 20);
        vm.assume(q < 3 || q > 4);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.InvalidQuorum.selector, q, 4));
        vm.prank(admin);
        oracle.addMember(newcomer, q);
        assertEq(oracle.getMembers().length, 3, "not added");
    }

    function test_addMember_revertsOnDuplicate() public {
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.MemberExists.selector, members[0]));
        vm.prank(admin);
        oracle.addMember(members[0], 2);
    }

    function test_addMember_revertsOnZeroAddress() public {
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        vm.prank(admin);
        oracle.addMember(address(0), 3);
    }

    function test_addMember_revertsAboveMax() public {
        vm.startPrank(admin);
        for (uint256 i = 3; i < 16; ++i)
            oracle.addMember(makeAddr(string.concat("m", vm.toString(i))), i + 1);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.TooManyMembers.selector, 16));
        oracle.addMember(newcomer, 16);
        vm.stopPrank();
    }

    function test_addMember_revertsForStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                bytes32(0)
            )
        );
        vm.prank(stranger);
        oracle.addMember(newcomer, 3);
    }

    function test_removeMember_removesAndSetsQuorum() public {
        vm.expectEmit(address(oracle));
        emit IReportOracle.MemberRemoved(members[2]);
        vm.prank(admin);
        oracle.removeMember(members[2], 2);
        assertEq(oracle.getMembers().length, 2, "two left");
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NotMember.selector, members[2]));
        _vote(2, hash);
    }

    function test_removeMember_revertsOnQuorumBounds() public {
        // 2 members left: quorum must be 2.
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.InvalidQuorum.selector, 1, 2));
        vm.prank(admin);
        oracle.removeMember(members[2], 1);
    }

    function test_removeMember_revertsForNonMember() public {
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NotMember.selector, stranger));
        vm.prank(admin);
        oracle.removeMember(stranger, 2);
    }

    function test_removeMember_withdrawsTheRemovedVote() public {
        // Member 0 votes, is removed; member 1's single vote must not reach quorum 2 with it.
        _vote(0, hash);
        vm.prank(admin);
        oracle.removeMember(members[0], 2);
        _vote(1, hash);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "a removed member's vote does not count");
        _vote(2, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "two current members agree");
    }

    function test_removeMember_readdedMemberVotesAfresh() public {
        _vote(0, hash);
        vm.startPrank(admin);
        oracle.removeMember(members[0], 2);
        oracle.addMember(members[0], 2);
        vm.stopPrank();
        _vote(0, hash);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "one vote, not two");
    }

    /// @dev Five members (two newcomers join the fixture's three) with quorum 4.
    function _fiveAtQuorumFour() private returns (address m3, address m4) {
        (m3, m4) = (makeAddr("member3"), makeAddr("member4"));
        vm.startPrank(admin);
        oracle.addMember(m3, 3);
        oracle.addMember(m4, 4);
        vm.stopPrank();
    }

    function test_removeMember_loweredQuorumAgreesOnCastVotes() public {
        (, address m4) = _fiveAtQuorumFour();
        _vote(0, hash);
        _vote(1, hash);
        _vote(2, hash);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "3 of quorum 4: no consensus");
        // A member that did not vote leaves and the quorum drops to 3: the three votes agree now.
        vm.expectEmit(address(oracle));
        emit IReportOracle.ConsensusReached(report.refSlot, hash, 3);
        vm.prank(admin);
        oracle.removeMember(m4, 3);
        assertEq(oracle.consensusHash(report.refSlot), hash, "agreed at the lowered quorum");
        // Before the fix the data reverted NoConsensus and the voters got AlreadyVoted.
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "the agreed report is applied");
    }

    function test_removeMember_removedVoteStaysWithdrawnAtLowerQuorum() public {
        _fiveAtQuorumFour();
        _vote(0, hash);
        _vote(1, hash);
        _vote(2, hash);
        // A voter leaves and the quorum drops to 3: its vote is gone, two votes remain.
        vm.prank(admin);
        oracle.removeMember(members[2], 3);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "2 current votes of quorum 3");
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NoConsensus.selector, report.refSlot));
        _submit(0);
    }

    function test_addMember_raisedQuorumClearsAgreement() public {
        _vote(0, hash);
        _vote(1, hash);
        assertEq(oracle.consensusHash(report.refSlot), hash, "agreed at quorum 2");
        vm.expectEmit(address(oracle));
        emit IReportOracle.ConsensusLost(report.refSlot, hash, 2);
        vm.prank(admin);
        oracle.addMember(newcomer, 3);
        assertEq(oracle.consensusHash(report.refSlot), bytes32(0), "2 votes no longer agree at quorum 3");
    }
}
