// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {QueueFixture} from "./QueueFixture.sol";

/// @notice WithdrawalQueue.finalize, run by Accounting at the end of every report.
contract FinalizeTest is QueueFixture {
    function test_finalize_afterDelayLocksValueAtRequest() public {
        uint256 id = _request(bob, 1, 10 ether);
        uint256 buffered = pool.buffered();
        _reportAfter(2 * FRAME);
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertTrue(r.finalized, "finalized");
        assertEq(r.assets, 10 ether, "B still at 1 wei/share");
        assertEq(queue.reserved(), 10 ether, "reserved");
        assertEq(address(pool).balance, pool.buffered() + 10 ether, "the pool keeps the reserved ETH");
        assertEq(pool.buffered(), buffered - 10 ether, "buffered -> reserved");
        assertEq(book.navOf(1), 20 ether, "nav -= amount");
        assertEq(tokens[1].totalSupply(), 20 ether, "shares burnt");
        assertEq(queue.pendingDemand(), 0, "demand cleared");
        assertEq(queue.pendingRedeemRequest(id, bob), 0, "no longer pending");
        assertEq(queue.claimableRedeemRequest(id, bob), 10 ether, "claimable");
    }

    function test_finalize_respectsRedeemDelay() public {
        uint256 id = _request(bob, 1, 10 ether);
        _reportAfter(2 * FRAME - 1);
        assertFalse(queue.getRequest(id).finalized, "one second early");
        _reportAfter(1);
        assertTrue(queue.getRequest(id).finalized, "on time");
    }

    function test_finalize_paysValueNowAfterALoss() public {
        uint256 id = _request(bob, 1, 10 ether);
        assertEq(queue.getRequest(id).assets, 10 ether, "value at request");
        // 13 ETH lost: C (10) wiped, B 30 → 27 for 30e18 shares.
        _lossAfter(FRAME, 13 ether);
        assertEq(book.navOf(1), 27 ether, "B took 3");
        _reportAfter(FRAME);
        // ⌊10e18 · (27e18 + 1) / (30e18 + 1)⌋
        uint256 ten = 10 ether;
        uint256 expected = (ten * (27 ether + 1)) / (30 ether + 1);
        assertEq(queue.getRequest(id).assets, expected, "min(at request, now) = now");
        assertLt(expected, 10 ether, "the redeemer shares the loss");
    }

    function test_finalize_paysValueAtRequestAfterAGain() public {
        uint256 id = _request(carol, 2, 5 ether);
        _rewardAfter(FRAME, 1 ether);
        assertGt(book.convertToAssets(2, 5 ether), 5 ether, "C gained");
        _reportAfter(FRAME);
        assertEq(queue.getRequest(id).assets, 5 ether, "min(at request, now) = at request");
        assertGt(tokens[2].price(), 1 ether, "the gain stays with the class");
    }

    function test_finalize_isFifoPerClassWithoutSkipping() public {
        address dave = makeAddr("dave");
        // B's default cover is 2,500 bps (B at most 4× C): junior money first, so dave's 62 ETH fits.
        _deposit(makeAddr("erin"), 2, 13 ether);
        _deposit(dave, 1, 62 ether);
        // Stake what the allocation takes so that buffered is small: 98 − 32·d.
        _depositAll(2);
        _applyDirect(_activateAllReport());
        // dave asks for all but a few ETH of the buffer; bob's next request is 1 ETH more than
        // what is then left, and his third would fit but must wait its turn.
        uint256 first = pool.buffered() - 4 ether;
        if (first > 62 ether) first = 62 ether;
        uint256 left = pool.buffered() - first;
        assertLt(left + 2 ether, 30 ether, "bob's class-B position covers both his requests");
        uint256 a = _request(dave, 1, first);
        uint256 b = _request(bob, 1, left + 1 ether);
        uint256 c = _request(bob, 1, 1 ether);
        _reportAfter(2 * FRAME);
        assertTrue(queue.getRequest(a).finalized, "first fits");
        assertFalse(queue.getRequest(b).finalized, "second does not fit");
        assertFalse(queue.getRequest(c).finalized, "third would fit but waits its turn");
        (uint256 total, uint256 head) = queue.requestCount(1);
        assertEq(total, 3, "three requests");
        assertEq(head, 1, "head stops at the first that does not fit");
        assertEq(pool.buffered(), left, "what the first left stays buffered");
    }

    function test_finalize_classesInIdOrder() public {
        uint256 c = _request(carol, 2, 10 ether);
        uint256 b = _request(bob, 1, 30 ether);
        _reportAfter(2 * FRAME);
        assertTrue(queue.getRequest(b).finalized, "senior class served first");
        assertFalse(queue.getRequest(c).finalized, "junior waits: 6 ETH left");
    }

    function test_finalize_revertsUnlessAccounting() public {
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, stranger));
        vm.prank(stranger);
        queue.finalize(1 ether, 1);
    }

    function test_bookInflow_revertsUnlessRouter() public {
        vm.deal(stranger, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, stranger));
        vm.prank(stranger);
        pool.bookInflow{value: 1 ether}();
    }

    function test_withdrawForDeposit_revertsUnlessRouter() public {
        uint256 buffered = pool.buffered();
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, stranger));
        vm.prank(stranger);
        pool.withdrawForDeposit(1 ether);
        assertEq(pool.buffered(), buffered, "buffered unchanged");
    }

    function test_withdrawForDeposit_keepsRedemptionDemandBuffered() public {
        _request(bob, 1, 10 ether);
        uint256 available = pool.depositable();
        assertEq(available, pool.buffered() - 10 ether, "the request's value stays buffered");
        vm.expectRevert(
            abi.encodeWithSelector(ICascadePool.NotEnoughBuffered.selector, available + 1, available)
        );
        vm.prank(address(router));
        pool.withdrawForDeposit(available + 1);
    }

    function test_finalize_wipedClassPaysZeroAtOnce() public {
        uint256 id = _request(carol, 2, 4 ether);
        _lossAfter(1, 11 ether);
        assertTrue(book.getClass(2).wiped, "C wiped");
        assertTrue(queue.getRequest(id).finalized, "finalized in the same report, before the delay");
        assertEq(queue.getRequest(id).assets, 0, "at zero");
        assertEq(queue.pendingDemand(), 0, "demand cleared");
    }
}
