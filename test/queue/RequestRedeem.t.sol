// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {QueueFixture} from "./QueueFixture.sol";

contract RequestRedeemTest is QueueFixture {
    function test_requestRedeem_byOwnerEscrowsAndRecords(uint256 shares) public {
        shares = bound(shares, 1, 30 ether);
        uint256 navBefore = book.navOf(1);
        uint256 expectedAssets = book.convertToAssets(1, shares);
        uint256 expectedId = (uint256(uint160(bob)) << 96) | (uint256(1) << 64) | 0;
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.RedeemRequest(bob, bob, expectedId, bob, shares);
        uint256 id = _request(bob, 1, shares);
        assertEq(id, expectedId, "id = controller << 96 | class << 64 | index");
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(r.controller, bob, "controller");
        assertEq(r.requestedAt, block.timestamp, "requestedAt");
        assertEq(r.shares, shares, "shares");
        assertEq(r.assets, expectedAssets, "value at request");
        assertFalse(r.finalized, "pending");
        assertEq(tokens[1].balanceOf(address(queue)), shares, "shares escrowed");
        assertEq(tokens[1].balanceOf(bob), 30 ether - shares, "owner balance");
        assertEq(tokens[1].totalSupply(), 30 ether, "shares stay in supply until finalized");
        assertEq(book.navOf(1), navBefore, "nav unchanged at request");
        assertEq(queue.pendingDemand(), expectedAssets, "pending demand");
        assertEq(queue.pendingRedeemRequest(id, bob), shares, "pending view");
        assertEq(queue.claimableRedeemRequest(id, bob), 0, "claimable view");
        assertEq(queue.pendingRedeemRequest(id, alice), 0, "other controller sees nothing");
    }

    function test_requestRedeem_bySpenderWithAllowance() public {
        vm.prank(bob);
        tokens[1].approve(alice, 5 ether);
        vm.prank(alice);
        uint256 id = queue.requestRedeem(1, 4 ether, alice, bob);
        assertEq(tokens[1].allowance(bob, alice), 1 ether, "allowance spent");
        assertEq(tokens[1].balanceOf(bob), 26 ether, "owner's shares escrowed");
        assertEq(queue.getRequest(id).controller, alice, "spender controls");
    }

    function test_requestRedeem_revertsForSpenderWithoutAllowance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, alice, 0, 1 ether)
        );
        vm.prank(alice);
        queue.requestRedeem(1, 1 ether, alice, bob);
        assertEq(queue.pendingDemand(), 0, "no request left behind");
        (uint256 total, ) = queue.requestCount(1);
        assertEq(total, 0, "no request stored");
    }

    function test_requestRedeem_revertsAboveBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                bob,
                30 ether,
                30 ether + 1
            )
        );
        _request(bob, 1, 30 ether + 1);
    }

    function test_requestRedeem_revertsOnZeroShares() public {
        vm.expectRevert(IYieldClasses.ZeroShares.selector);
        _request(bob, 1, 0);
    }

    function test_requestRedeem_revertsOnZeroController() public {
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        vm.prank(bob);
        queue.requestRedeem(1, 1, address(0), bob);
    }

    function test_requestRedeem_revertsOnUnknownClass() public {
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.UnknownClass.selector, 5));
        _request(bob, 5, 1);
    }

    function test_requestRedeem_doesNotMovePrice() public {
        uint256 price = tokens[1].price();
        _request(bob, 1, 7 ether);
        assertEq(tokens[1].price(), price, "request leaves the price");
    }

    /// @dev What one request writes in the pool's storage, and how often: the owner's balance
    /// word (with the owner's request key on its first request), the class's queue slot (count,
    /// head, pending value, escrow: one packed slot) and the request's ONE new slot (value ‖
    /// shares ‖ time ‖ key ‖ flag), each written once. Main wrote two new request slots (head:
    /// controller ‖ value ‖ flag; tail: time ‖ shares) and the queue slot field by field.
    function test_requestRedeem_writesEachSlotOnceAndOneNewSlot(bool firstRequest) public {
        vm.prank(bob);
        tokens[1].transfer(alice, 1 ether);
        if (!firstRequest) _request(bob, 1, 1 ether); // bob's key already set
        _request(alice, 1, 1 ether); // not the first request in the queue
        uint256 snap = vm.snapshotState();
        vm.record();
        _request(bob, 1, 2 ether);
        (, bytes32[] memory writes) = vm.accesses(address(pool));
        bytes32[] memory written = new bytes32[](writes.length);
        for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(pool), writes[i]);
        vm.revertToState(snap);
        uint256 fresh;
        for (uint256 i; i < writes.length; ++i) {
            for (uint256 j; j < i; ++j) assertTrue(writes[j] != writes[i], "a slot written twice");
            if (vm.load(address(pool), writes[i]) == 0 && written[i] != 0) ++fresh;
        }
        assertEq(writes.length, 3, "balance word, queue slot, request slot");
        assertEq(fresh, 1, "the request's slot is the only new one");
    }

    /// @dev A request whose controller is not the owner gives the controller a key in its own
    /// balance word (even with no shares) without changing its balance; only it can claim.
    function test_requestRedeem_forAnotherControllerGivesItAKey() public {
        address dave = makeAddr("dave");
        uint256 id = _requestFor(bob, dave, 4 ether);
        assertEq(tokens[1].balanceOf(dave), 0, "the key is not a balance");
        assertEq(queue.getRequest(id).controller, dave, "controller from the id");
        assertEq(queue.pendingRedeemRequest(id, dave), 4 ether, "pending for dave");
        assertEq(queue.pendingRedeemRequest(id, bob), 0, "not for the owner");
        uint256 id2 = _requestFor(bob, dave, 3 ether);
        assertEq(queue.getRequest(id2).controller, dave, "dave's key reused");
        _reportAfter(2 * FRAME);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotController.selector, id, bob));
        vm.prank(bob);
        queue.claim(id, bob);
        vm.prank(dave);
        assertEq(queue.claim(id, dave), 4 ether, "dave claims");
        vm.prank(dave);
        assertEq(queue.claim(id2, dave), 3 ether, "and his second request");
    }

    /// @dev An id is only valid with its request's controller: the same position under another
    /// address is unknown to every view and to claim, whoever holds a key.
    function test_requestRedeem_idWithAnotherControllerIsUnknown(address forger) public {
        vm.assume(forger != bob && forger != address(0));
        uint256 id = _request(bob, 1, 5 ether);
        vm.prank(bob);
        tokens[1].transfer(alice, 1 ether);
        _request(alice, 1, 1 ether); // alice holds a key too
        uint256 forged = (id & ((uint256(1) << 96) - 1)) | (uint256(uint160(forger)) << 96);
        _reportAfter(2 * FRAME);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.UnknownRequest.selector, forged));
        queue.getRequest(forged);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.UnknownRequest.selector, forged));
        queue.claimableRedeemRequest(forged, forger);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.UnknownRequest.selector, forged));
        vm.prank(forger);
        queue.claim(forged, forger);
        assertEq(queue.claimableRedeemRequest(id, bob), 5 ether, "still bob's");
    }

    /// @dev The key shares the balance word: balances, transfers, the ERC-20 errors and the
    /// supply read without it, and the key survives the balance going to zero and back.
    function test_requestRedeem_keyNeverShowsInBalances(uint256 amount) public {
        amount = bound(amount, 1, 25 ether);
        uint256 id = _request(bob, 1, 5 ether); // bob's key set
        assertEq(tokens[1].balanceOf(bob), 25 ether, "balance without the key");
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                bob,
                25 ether,
                25 ether + 1
            )
        );
        vm.prank(bob);
        tokens[1].transfer(alice, 25 ether + 1);
        vm.prank(bob);
        tokens[1].transfer(alice, 25 ether);
        assertEq(tokens[1].balanceOf(bob), 0, "all sent");
        assertEq(tokens[1].balanceOf(alice), 25 ether, "all received");
        vm.prank(alice);
        tokens[1].transfer(bob, amount);
        assertEq(tokens[1].balanceOf(bob), amount, "received back");
        assertEq(queue.getRequest(id).controller, bob, "bob's key kept at zero balance");
        uint256 id2 = _request(bob, 1, amount);
        assertEq(queue.getRequest(id2).controller, bob, "same key for the next request");
        assertEq(tokens[1].balanceOf(bob), 0, "escrowed");
        assertEq(tokens[1].totalSupply(), 30 ether, "supply unchanged by requests");
    }

    function _requestFor(address owner, address controller, uint256 shares) private returns (uint256) {
        vm.prank(owner);
        return queue.requestRedeem(1, shares, controller, owner);
    }

    /// @dev The queue slot is rewritten whole: count, head (set by an earlier finalization),
    /// pending value and escrow must all read back exactly, and the request's fields too.
    function test_requestRedeem_keepsEveryQueueFieldExactly(uint256 first, uint256 second) public {
        first = bound(first, 1, 10 ether);
        second = bound(second, 1, 10 ether);
        _request(bob, 1, 5 ether);
        _reportAfter(2 * FRAME); // finalizes it: the queue head moves to 1
        (uint256 total, uint256 head) = queue.requestCount(1);
        assertEq(head, 1, "first request finalized");
        uint256 a1 = book.convertToAssets(1, first);
        _request(bob, 1, first);
        vm.warp(block.timestamp + 1);
        uint256 a2 = book.convertToAssets(1, second);
        uint256 id = _request(bob, 1, second);
        (uint256 total2, uint256 head2) = queue.requestCount(1);
        assertEq(total2, total + 2, "count (low 32 bits) += 2");
        assertEq(head2, head, "head untouched by a request");
        assertEq(queue.pendingDemand(), a1 + a2, "pending value = sum of values at request");
        assertEq(tokens[1].balanceOf(address(queue)), first + second, "escrow = sum of pending shares");
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(r.controller, bob, "controller (from the id, checked against the key)");
        assertEq(r.assets, a2, "value at request (low 88 bits)");
        assertFalse(r.finalized || r.claimed, "flags clear");
        assertEq(r.requestedAt, block.timestamp, "time (bits 176-215)");
        assertEq(r.shares, second, "shares (bits 88-175)");
    }
}
