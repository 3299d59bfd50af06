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
        uint256 expectedId = (uint256(1) << 128) | 0;
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.RedeemRequest(bob, bob, expectedId, bob, shares);
        uint256 id = _request(bob, 1, shares);
        assertEq(id, expectedId, "id = class << 128 | index");
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
}
