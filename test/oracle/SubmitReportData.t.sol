// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IReportOracle} from "../../contracts/interfaces/IReportOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

contract SubmitReportDataTest is OracleFixture {
    function test_submitReportData_appliesAgreedReport() public {
        _vote(0, hash);
        _vote(1, hash);
        vm.expectEmit(address(oracle));
        emit IReportOracle.ReportProcessed(report.refSlot, hash, members[2]);
        _submit(2);
        (uint256 refSlot, uint256 time) = accounting.lastReport();
        assertEq(refSlot, report.refSlot, "accounting applied it");
        assertEq(time, block.timestamp, "at this time");
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "processed");
    }

    function test_submitReportData_appliedOnce() public {
        _vote(0, hash);
        _vote(1, hash);
        _submit(0);
        vm.expectRevert(
            abi.encodeWithSelector(IReportOracle.RefSlotAlreadyProcessed.selector, report.refSlot)
        );
        _submit(1);
    }

    function test_submitReportData_revertsWithoutConsensus() public {
        _vote(0, hash);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NoConsensus.selector, report.refSlot));
        _submit(0);
        (uint256 refSlot, ) = accounting.lastReport();
        assertEq(refSlot, 0, "nothing applied");
    }

    function test_submitReportData_revertsOnHashMismatch() public {
        _vote(0, hash);
        _vote(1, hash);
        report.elRewards = 1; // not what was agreed
        bytes32 given = keccak256(abi.encode(report));
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.HashMismatch.selector, hash, given));
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), 0, "nothing processed");
    }

    function test_submitReportData_revertsForNonMember() public {
        _vote(0, hash);
        _vote(1, hash);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NotMember.selector, stranger));
        vm.prank(stranger);
        oracle.submitReportData(report);
    }

    function test_submitReportData_revertsWhenAccountingRejects() public {
        // A sanity failure in Accounting reverts the whole submission: the frame stays open.
        report.modules.pop();
        hash = keccak256(abi.encode(report));
        _vote(0, hash);
        _vote(1, hash);
        vm.expectRevert();
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), 0, "not marked processed");
    }

    function test_submitReportData_hashReportMatchesEncoding() public view {
        assertEq(oracle.hashReport(report), hash, "hashReport = keccak256(abi.encode(report))");
    }

    function test_submitReportData_revertsWhenVoterRemovedBeforeData() public {
        _vote(0, hash);
        _vote(1, hash);
        // member 1 leaves; the agreed hash keeps one current vote of quorum 2.
        vm.prank(admin);
        oracle.removeMember(members[1], 2);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NoConsensus.selector, report.refSlot));
        _submit(0);
    }

    function test_submitReportData_needsRaisedQuorumAfterAgreement() public {
        _vote(0, hash);
        _vote(1, hash);
        vm.prank(admin);
        oracle.addMember(makeAddr("newcomer"), 3);
        vm.expectRevert(abi.encodeWithSelector(IReportOracle.NoConsensus.selector, report.refSlot));
        _submit(0);
        _vote(2, hash);
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "applied once the raised quorum is met");
    }

    function test_submitReportData_revertsOnceNextFrameStarted() public {
        _vote(0, hash);
        _vote(1, hash);
        // The last second of the frame still applies; the next frame's reference slot does not.
        (uint256 genesis, uint256 sps, uint256 spf) = oracle.frameConfig();
        uint256 nextRefTime = genesis + (report.refSlot + spf) * sps;
        vm.warp(nextRefTime);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReportOracle.ReportFrameExpired.selector,
                report.refSlot,
                report.refSlot + spf
            )
        );
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), 0, "a late report is not applied");
        vm.warp(nextRefTime - 1);
        _submit(0);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "applied within its frame");
    }

    /// @dev The report is hashed as received and forwarded as received: the very bytes voted
    /// (canonical ABI encoding) reach Accounting, in one call.
    function test_submitReportData_forwardsTheVotedBytes() public {
        _vote(0, hash);
        _vote(1, hash);
        vm.expectCall(address(accounting), abi.encodeCall(IAccounting.handleReport, (report)), 1);
        _submit(2);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "applied");
    }

    /// @dev Another encoding of the agreed report (here the canonical one with a trailing word) is
    /// not the voted bytes: refused with the hash of what was sent, nothing applied.
    function test_submitReportData_revertsOnNonCanonicalEncoding() public {
        _vote(0, hash);
        _vote(1, hash);
        bytes memory data = bytes.concat(
            abi.encodeCall(IReportOracle.submitReportData, (report)),
            bytes32(0)
        );
        bytes32 given = keccak256(_afterSelector(data));
        vm.prank(members[0]);
        (bool ok, bytes memory ret) = address(oracle).call(data);
        assertFalse(ok, "refused");
        assertEq(
            ret,
            abi.encodeWithSelector(IReportOracle.HashMismatch.selector, hash, given),
            "as a hash mismatch"
        );
        assertEq(oracle.lastProcessedRefSlot(), 0, "nothing processed");
    }

    function _afterSelector(bytes memory data) private pure returns (bytes memory out) {
        out = new bytes(data.length - 4);
        for (uint256 i; i < out.length; ++i) out[i] = data[i + 4];
    }
}
