// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Test.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice The pool's report step (issue 16, pool pass): each class's parameters the report
/// needs sit in the class's first slot, so a report reads two slots per class; a class whose
/// book the report leaves as it was is not rewritten and emits no `ClassNavChanged`; an empty
/// redemption queue costs one read; `finalize` repays service debt first (report step 10 in one
/// call).
contract PoolReportStepTest is SystemFixture {
    /// @dev CascadePool's ERC-7201 namespace and the `classes` mapping's field (its 7th slot,
    /// docs/storage-layout.json); a `Class` spans 3 slots.
    bytes32 private constant POOL_SLOT = 0x8ef819bb0faa576e739ddbab276786652b946d5774fed7338010953f7fef6b00;
    uint256 private constant CLASSES_FIELD = 6;
    uint256 private constant QUEUES_FIELD = 8;

    address private alice = makeAddr("alice");
    address private carol = makeAddr("carol");
    address private payee = makeAddr("payee");

    function setUp() public {
        _deploySystem();
        _seedClasses(); // C, B, A = 10 / 30 / 60 ETH, all buffered
        vm.warp(block.timestamp + FRAME);
    }

    function _classSlot(uint256 classId, uint256 offset) private pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode(classId, uint256(POOL_SLOT) + CLASSES_FIELD))) + offset);
    }

    function _queueSlot(uint256 classId) private pure returns (bytes32) {
        return keccak256(abi.encode(classId, uint256(POOL_SLOT) + QUEUES_FIELD));
    }

    function _count(bytes32[] memory slots, bytes32 slot) private pure returns (uint256 n) {
        for (uint256 i; i < slots.length; ++i) if (slots[i] == slot) ++n;
    }

    function _navEvents(Vm.Log[] memory logs) private view returns (uint256 n) {
        for (uint256 i; i < logs.length; ++i)
            if (
                logs[i].emitter == address(pool) &&
                logs[i].topics[0] == IYieldClasses.ClassNavChanged.selector
            ) ++n;
    }

    /// A report reads each class's first two slots and never the third (the deposit cap): the
    /// premium parameters are in slot 0. Before, the report read slot 2 for them (3 cold slots
    /// per class).
    function test_report_readsTwoSlotsPerClass() public {
        vm.deal(address(elv), 1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 1 ether; // rewards, fees and premiums: every step runs
        vm.record();
        _applyDirect(r);
        (bytes32[] memory reads, ) = vm.accesses(address(pool));
        for (uint256 k; k < 3; ++k) {
            assertGt(_count(reads, _classSlot(k, 0)), 0, "slot 0 read");
            assertGt(_count(reads, _classSlot(k, 1)), 0, "slot 1 read");
            assertEq(_count(reads, _classSlot(k, 2)), 0, "slot 2 (deposit cap) not read");
        }
        // The premium parameters still apply: A and B paid C a premium (C's NAV grew by more
        // than its pro-rata part of Rnet).
        assertGt(book.getClass(2).nav, 10 ether + ((1 ether * 95) / 100) / 10, "C received premiums");
    }

    /// A report that changes no class book writes none and emits no `ClassNavChanged`; the
    /// total NAV stays. Before, every class was rewritten with its event.
    function test_report_unchangedBooksEmitNoNavEvent() public {
        uint256 total = book.totalNav();
        IYieldClasses.ClassInfo memory a = book.getClass(0);
        vm.recordLogs();
        vm.record();
        _applyDirect(_emptyReport());
        assertEq(_navEvents(vm.getRecordedLogs()), 0, "no ClassNavChanged");
        (, bytes32[] memory writes) = vm.accesses(address(pool));
        for (uint256 k; k < 3; ++k) assertEq(_count(writes, _classSlot(k, 1)), 0, "book not rewritten");
        assertEq(book.totalNav(), total, "total NAV kept");
        assertEq(book.getClass(0).nav, a.nav, "A's NAV kept");
        assertEq(book.getClass(0).supply, a.supply, "A's supply kept");
    }

    /// A report that changes the books emits one `ClassNavChanged` per changed class, with the
    /// stored values.
    function test_report_changedBooksEmitTheirNavs() public {
        vm.deal(address(elv), 1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 1 ether;
        vm.recordLogs();
        _applyDirect(r);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(_navEvents(logs), 3, "one per class");
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter != address(pool) ||
                logs[i].topics[0] != IYieldClasses.ClassNavChanged.selector
            ) continue;
            IYieldClasses.ClassInfo memory c = book.getClass(uint256(logs[i].topics[1]));
            (uint256 nav, uint256 supply) = abi.decode(logs[i].data, (uint256, uint256));
            assertEq(nav, c.nav, "event NAV == stored");
            assertEq(supply, c.supply, "event supply == stored");
        }
    }

    /// With no request waiting, finalization writes nothing and reads neither the queues' slots
    /// nor the books: each class's slot 0 (which the report has just read) says its queue is
    /// empty. Before, it read every queue and book and rewrote every queue's head.
    function test_finalize_emptyQueuesReadOnlyTheClassSlot() public {
        uint256 id = _request(carol, 2, book.getClass(2).supply / 4);
        vm.warp(block.timestamp + 2 * FRAME);
        _applyDirect(_emptyReport()); // finalizes C's request: C's queue is empty again
        assertTrue(queue.getRequest(id).finalized, "finalized");
        vm.record();
        vm.prank(address(accounting));
        assertEq(queue.finalize(type(uint256).max, 100), 0, "nothing finalized");
        (bytes32[] memory reads, bytes32[] memory writes) = vm.accesses(address(pool));
        assertEq(writes.length, 0, "no write");
        for (uint256 k; k < 3; ++k) {
            assertGt(_count(reads, _classSlot(k, 0)), 0, "class slot 0 read");
            assertEq(_count(reads, _queueSlot(k)), 0, "queue not read");
            assertEq(_count(reads, _classSlot(k, 1)), 0, "book not read");
        }
    }

    /// A queue emptied by a report and filled again by a later request is finalized again: the
    /// request that finds the queue empty marks it, across several report frames.
    function test_reports_refilledQueueIsFinalizedAgain() public {
        for (uint256 round; round < 3; ++round) {
            uint256 id = _request(carol, 2, book.getClass(2).supply / 8);
            _request(alice, 0, book.getClass(0).supply / 8);
            vm.warp(block.timestamp + 2 * FRAME);
            _applyDirect(_emptyReport());
            assertTrue(queue.getRequest(id).finalized, "C's request finalized");
            assertEq(queue.pendingDemand(), 0, "nothing pending");
        }
        (uint256 total, uint256 head) = queue.requestCount(2);
        assertEq(total, 3, "three requests");
        assertEq(head, 3, "all finalized");
    }

    /// Service debt: 150 ETH owed with 100 buffered leaves 50 of debt.
    function _debt() private {
        vm.prank(address(accounting));
        pool.payServiceSlash(payee, 150 ether);
        assertEq(pool.debt(), 50 ether, "debt");
        assertEq(pool.buffered(), 0, "buffered spent");
    }

    /// `finalize` repays service debt before funding redemptions (report step 10 in one call).
    /// Before, finalize left the debt to a separate repayDebt call and funded the request first.
    function test_finalize_repaysDebtBeforeRedemptions() public {
        uint256 id = _request(carol, 2, book.getClass(2).supply / 2); // 5 ETH of C
        _debt();
        _deposit(alice, 2, 52 ether); // buffered 52: debt 50 first, then 2 for the request
        vm.warp(block.timestamp + 2 * FRAME);
        vm.expectEmit(address(pool));
        emit ICascadePool.DebtRepaid(50 ether, 0);
        vm.prank(address(accounting));
        uint256 funded = queue.finalize(type(uint256).max, 10);
        assertEq(pool.debt(), 0, "debt repaid");
        assertEq(pool.servicePayoutOf(payee), 150 ether, "payee credited in full");
        assertEq(funded, 0, "2 ETH left: the 5 ETH request waits");
        assertFalse(queue.getRequest(id).finalized, "request waits behind the debt");
        assertEq(pool.buffered(), 2 ether, "what is left");
    }

    /// The report repays debt through finalize (Accounting makes one pool call for step 10).
    function test_report_repaysDebt() public {
        _debt();
        _deposit(alice, 2, 20 ether);
        vm.expectEmit(address(pool));
        emit ICascadePool.DebtRepaid(20 ether, 30 ether);
        _applyDirect(_emptyReport());
        assertEq(pool.debt(), 30 ether, "partly repaid");
        vm.warp(block.timestamp + FRAME);
        _deposit(alice, 2, 40 ether);
        _applyDirect(_emptyReport());
        assertEq(pool.debt(), 0, "repaid");
        assertEq(pool.buffered(), 10 ether, "the rest stays buffered");
    }

    /// Several reports in a row with redemptions queued in two classes: each report finalizes
    /// what is due, and the queue's sums follow (pending demand back to zero, escrow burned).
    function test_reports_finalizeQueuedRedemptionsAcrossFrames() public {
        _request(carol, 2, book.getClass(2).supply / 4);
        _request(alice, 0, book.getClass(0).supply / 4);
        uint256 reservedBefore = queue.reserved();
        _applyDirect(_emptyReport()); // A's delay (1 frame) is over by the next report
        vm.warp(block.timestamp + FRAME);
        _applyDirect(_emptyReport());
        vm.warp(block.timestamp + FRAME);
        _applyDirect(_emptyReport());
        assertEq(queue.pendingDemand(), 0, "every request finalized");
        (uint256 total, uint256 head) = queue.requestCount(0);
        assertEq(head, total, "A's queue done");
        (total, head) = queue.requestCount(2);
        assertEq(head, total, "C's queue done");
        assertEq(queue.reserved() - reservedBefore, 2.5 ether + 15 ether, "C 2.5 + A 15 reserved");
        assertEq(book.balanceOf(address(pool), 0), 0, "A escrow burned");
        assertEq(book.balanceOf(address(pool), 2), 0, "C escrow burned");
        assertEq(book.totalNav(), 100 ether - 17.5 ether, "NAV less the redemptions");
    }
}
