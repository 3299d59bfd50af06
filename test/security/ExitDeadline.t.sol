// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// Finding 2 of the review: exit deadlines slid forever. A repeated exit request (the oracle
/// repeats its request every frame) and a service slash's request (every active validator)
/// overwrote the operator's deadline with now + exitDeadline, so an operator that never exits
/// was never overdue. Now only the part of a request above what is already requested gets a
/// deadline (DESIGN §6 step 9).
contract ExitDeadlineTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup();
        svc = _service(1, 1_000);
        _optIn(svc, 0, 0);
        _allocate(svc, 96 ether, _one(_opKey(0, 0)));
    }

    function _reportExits(uint256 count) private {
        IAccounting.Report memory r = _neutralReport();
        r.exits = new IAccounting.ExitRequest[](1);
        r.exits[0] = IAccounting.ExitRequest({moduleId: 0, operatorId: 0, count: uint32(count)});
        _submit(r);
    }

    /// The oracle repeats the same request every frame for `frames` frames: the deadline is the
    /// first one, and the operator is overdue once it passes.
    function test_requestExits_repeatNeverMovesDeadline(uint256 frames, uint256 count) public {
        frames = bound(frames, 1, 20);
        count = bound(count, 1, 3);
        _reportExits(count);
        uint256 due = block.timestamp + EXIT_DEADLINE;
        for (uint256 f; f < frames; ++f) {
            _reportExits(count);
            (uint256 requested, uint256 deadline) = curated.exitRequestOf(0);
            assertEq(requested, count, "requested unchanged");
            assertEq(deadline, due, "deadline of the first request");
            assertEq(curated.exitOverdue(0), block.timestamp > due, "overdue once past the first deadline");
        }
        vm.warp(due + 1);
        assertTrue(curated.exitOverdue(0), "overdue after the first deadline");
    }

    /// A service slash asks for every active validator: the part already requested by a report
    /// keeps its (earlier) deadline; only the new part gets the slash's.
    function test_executeSlash_keepsEarlierReportDeadline() public {
        _reportExits(1);
        uint256 d1 = block.timestamp + EXIT_DEADLINE;
        vm.warp(block.timestamp + FRAME);
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 0, 0, 100, bytes32("ev"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        uint256 d2 = block.timestamp + EXIT_DEADLINE;
        (uint256[] memory upTo, uint256[] memory deadlines) = curated.exitTranchesOf(0);
        assertEq(upTo.length, 2, "two parts");
        assertEq(upTo[0], 1, "report's part");
        assertEq(deadlines[0], d1, "report's deadline kept");
        assertEq(upTo[1], 3, "slash's part: every active validator");
        assertEq(deadlines[1], d2, "slash's deadline for the new part only");
        (, uint256 deadline) = curated.exitRequestOf(0);
        assertEq(deadline, d1, "oldest outstanding deadline");
        vm.warp(d1 + 1);
        assertTrue(curated.exitOverdue(0), "overdue at the report's deadline");
    }
}
