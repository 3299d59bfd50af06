// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {EthRejecter__Mock} from "./EthRejecter__Mock.sol";
import {QueueFixture} from "./QueueFixture.sol";

contract ClaimTest is QueueFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _request(bob, 1, 10 ether);
        _reportAfter(2 * FRAME);
        require(queue.getRequest(id).finalized, "fixture finalized");
    }

    function test_claim_paysLockedAmountToReceiver() public {
        address to = makeAddr("receiver");
        uint256 poolEth = address(pool).balance;
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.Claimed(id, bob, to, 10 ether);
        vm.prank(bob);
        uint256 paid = queue.claim(id, to);
        assertEq(paid, 10 ether, "returned amount");
        assertEq(to.balance, 10 ether, "receiver paid");
        assertEq(queue.reserved(), 0, "reserved released");
        assertEq(address(pool).balance, poolEth - 10 ether, "the reserved ETH left the pool");
        assertEq(address(pool).balance, pool.buffered(), "only buffered ETH remains");
        assertTrue(queue.getRequest(id).claimed, "claimed");
        assertEq(queue.claimableRedeemRequest(id, bob), 0, "no longer claimable");
    }

    function test_claim_onlyOnce() public {
        vm.prank(bob);
        queue.claim(id, bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.AlreadyClaimed.selector, id));
        vm.prank(bob);
        queue.claim(id, bob);
        assertEq(bob.balance, 10 ether, "paid once");
    }

    function test_claim_clearsTheRequestSlot() public {
        vm.prank(bob);
        queue.claim(id, bob);
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(r.controller, address(0), "controller reads 0");
        assertEq(r.assets, 0, "amount cleared (refund)");
        assertEq(r.shares, 0, "shares cleared (RedeemRequest has them)");
        assertEq(r.requestedAt, 0, "time cleared");
        assertTrue(r.finalized && r.claimed, "reads finalized and claimed");
        // A cleared slot must not read as pending or claimable for anyone, address(0) included.
        assertEq(queue.pendingRedeemRequest(id, address(0)), 0, "not pending for address(0)");
        assertEq(queue.claimableRedeemRequest(id, address(0)), 0, "not claimable for address(0)");
        assertEq(queue.pendingRedeemRequest(id, bob), 0, "not pending for the controller");
        assertEq(queue.claimableRedeemRequest(id, bob), 0, "not claimable for the controller");
    }

    function test_claim_revertsAlreadyClaimedForAnyCallerOnceClaimed() public {
        vm.prank(bob);
        queue.claim(id, bob);
        uint256 aliceEth = alice.balance;
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.AlreadyClaimed.selector, id));
        vm.prank(alice);
        queue.claim(id, alice);
        assertEq(alice.balance, aliceEth, "nothing paid to a stranger");
    }

    function test_claim_revertsForNonController() public {
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotController.selector, id, alice));
        vm.prank(alice);
        queue.claim(id, alice);
        assertEq(queue.reserved(), 10 ether, "still reserved");
    }

    function test_claim_revertsWhenNotFinalized() public {
        uint256 pending = _request(bob, 1, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotFinalized.selector, pending));
        vm.prank(bob);
        queue.claim(pending, bob);
    }

    function test_claim_revertsOnUnknownRequest() public {
        uint256 unknown = (uint256(uint160(bob)) << 96) | (uint256(1) << 64) | 7;
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.UnknownRequest.selector, unknown));
        vm.prank(bob);
        queue.claim(unknown, bob);
    }

    function test_claim_revertsOnZeroReceiver() public {
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        vm.prank(bob);
        queue.claim(id, address(0));
    }

    function test_claim_rejectingReceiverRevertsAndStaysClaimable() public {
        EthRejecter__Mock rejecter = new EthRejecter__Mock();
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalQueue.EthTransferFailed.selector, address(rejecter), 10 ether)
        );
        vm.prank(bob);
        queue.claim(id, address(rejecter));
        assertEq(queue.claimableRedeemRequest(id, bob), 10 ether, "still claimable");
        assertEq(queue.reserved(), 10 ether, "still reserved");
        assertFalse(queue.getRequest(id).claimed, "not marked claimed");
        rejecter.setAccept(true);
        vm.prank(bob);
        queue.claim(id, address(rejecter));
        assertEq(address(rejecter).balance, 10 ether, "paid once it accepts");
    }
}
