// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ClassToken} from "../../contracts/ClassToken.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice The usual ERC-20 and ERC-2612 behaviours, run against EVERY class's token face: the
/// faces keep allowances and nonces, the pool keeps balances, and every event comes from the
/// face's own address (wallets and indexers read one token per class).
contract ClassFacesTest is SystemFixture {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    address internal holder;
    uint256 internal holderKey;
    address internal spender = makeAddr("spender");
    address internal other = makeAddr("other");

    function setUp() public {
        _deploySystem();
        (holder, holderKey) = makeAddrAndKey("faceHolder");
        // Junior first so every class's cover holds: each class gets 10 ETH of `holder`'s.
        for (uint256 k = tokens.length; k > 0; --k) _deposit(holder, k - 1, 10 ether);
    }

    function _permitSig(
        ClassToken t,
        address owner,
        uint256 key,
        address to,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) private view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, to, value, nonce, deadline));
        (v, r, s) = vm.sign(key, keccak256(abi.encodePacked(hex"1901", t.DOMAIN_SEPARATOR(), structHash)));
    }

    // ---------------------------------------------------------------- metadata

    function test_metadata_perFace() public view {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            assertEq(t.decimals(), 18, "18 decimals");
            assertEq(t.name(), string.concat("Cascade class ", vm.toString(k)), "name");
            assertEq(t.symbol(), string.concat("c", vm.toString(k)), "symbol");
            assertEq(t.POOL(), address(pool), "face of this pool");
            assertEq(t.CLASS_ID(), k, "face of class k");
            assertEq(t.totalSupply(), pool.totalSupply(k), "supply is the pool's");
            assertEq(t.totalSupply(), 10 ether, "10 ETH at 1 share/wei");
            assertEq(t.balanceOf(holder), pool.balanceOf(holder, k), "balance is the pool's");
        }
    }

    // ---------------------------------------------------------------- transfer

    function test_transfer_movesBalanceAndEmitsFromFace(uint256 amount) public {
        amount = bound(amount, 0, 10 ether);
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.expectEmit(address(t));
            emit IERC20.Transfer(holder, other, amount);
            vm.prank(holder);
            assertTrue(t.transfer(other, amount), "returns true");
            assertEq(t.balanceOf(holder), 10 ether - amount, "sender debited");
            assertEq(t.balanceOf(other), amount, "receiver credited");
            assertEq(t.totalSupply(), 10 ether, "supply unchanged");
            // No other class moved.
            for (uint256 j; j < tokens.length; ++j)
                if (j > k) assertEq(tokens[j].balanceOf(other), 0, "other classes untouched");
        }
    }

    function test_transfer_toSelfKeepsBalance() public {
        for (uint256 k; k < tokens.length; ++k) {
            vm.prank(holder);
            tokens[k].transfer(holder, 4 ether);
            assertEq(tokens[k].balanceOf(holder), 10 ether, "self transfer changes nothing");
        }
    }

    function test_transfer_revertsOnInsufficientBalance() public {
        for (uint256 k; k < tokens.length; ++k) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC20Errors.ERC20InsufficientBalance.selector,
                    holder,
                    10 ether,
                    10 ether + 1
                )
            );
            vm.prank(holder);
            tokens[k].transfer(other, 10 ether + 1);
        }
    }

    function test_transfer_revertsToZeroAddress() public {
        for (uint256 k; k < tokens.length; ++k) {
            vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
            vm.prank(holder);
            tokens[k].transfer(address(0), 1);
        }
    }

    // ---------------------------------------------------------------- approve / transferFrom

    function test_approve_setsAllowanceAndEmitsFromFace(uint256 value) public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.expectEmit(address(t));
            emit IERC20.Approval(holder, spender, value);
            vm.prank(holder);
            assertTrue(t.approve(spender, value), "returns true");
            assertEq(t.allowance(holder, spender), value, "allowance set");
            // Allowances are per face: approving class k grants nothing on the others.
            for (uint256 j; j < tokens.length; ++j)
                if (j > k) assertEq(tokens[j].allowance(holder, spender), 0, "per-class allowance");
        }
    }

    function test_approve_revertsOnZeroSpender() public {
        for (uint256 k; k < tokens.length; ++k) {
            vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
            vm.prank(holder);
            tokens[k].approve(address(0), 1);
        }
    }

    function test_transferFrom_spendsAllowance(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 0, 10 ether);
        amount = bound(amount, 0, allowance);
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, allowance);
            vm.expectEmit(address(t));
            emit IERC20.Transfer(holder, other, amount);
            vm.prank(spender);
            assertTrue(t.transferFrom(holder, other, amount), "returns true");
            assertEq(t.allowance(holder, spender), allowance - amount, "allowance spent");
            assertEq(t.balanceOf(other), amount, "receiver credited");
            assertEq(t.balanceOf(holder), 10 ether - amount, "owner debited");
        }
    }

    function test_transferFrom_infiniteAllowanceIsNotSpent() public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, type(uint256).max);
            vm.recordLogs();
            vm.prank(spender);
            t.transferFrom(holder, other, 3 ether);
            assertEq(t.allowance(holder, spender), type(uint256).max, "infinite stays infinite");
            assertEq(vm.getRecordedLogs().length, 1, "only the Transfer event, no Approval");
        }
    }

    function test_transferFrom_revertsOnInsufficientAllowance() public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, 1 ether);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC20Errors.ERC20InsufficientAllowance.selector,
                    spender,
                    1 ether,
                    1 ether + 1
                )
            );
            vm.prank(spender);
            t.transferFrom(holder, other, 1 ether + 1);
            assertEq(t.balanceOf(holder), 10 ether, "nothing moved");
        }
    }

    function test_transferFrom_revertsOnInsufficientBalance() public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, type(uint256).max);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC20Errors.ERC20InsufficientBalance.selector,
                    holder,
                    10 ether,
                    11 ether
                )
            );
            vm.prank(spender);
            t.transferFrom(holder, other, 11 ether);
        }
    }

    function test_transferFrom_revertsToZeroAddress() public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, 1 ether);
            vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
            vm.prank(spender);
            t.transferFrom(holder, address(0), 1);
            assertEq(t.allowance(holder, spender), 1 ether, "allowance untouched by the failed call");
        }
    }

    // ---------------------------------------------------------------- permit (ERC-2612)

    function test_permit_setsAllowanceAndUsesNonce(uint256 value) public {
        uint256 deadline = block.timestamp + 1 hours;
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            assertEq(t.nonces(holder), 0, "fresh nonce per face");
            (uint8 v, bytes32 r, bytes32 s) = _permitSig(t, holder, holderKey, spender, value, 0, deadline);
            vm.expectEmit(address(t));
            emit IERC20.Approval(holder, spender, value);
            t.permit(holder, spender, value, deadline, v, r, s);
            assertEq(t.allowance(holder, spender), value, "allowance from the signature");
            assertEq(t.nonces(holder), 1, "nonce used");
        }
    }

    function test_permit_domainIsPerFace() public view {
        for (uint256 k; k < tokens.length; ++k)
            for (uint256 j = k + 1; j < tokens.length; ++j)
                assertTrue(tokens[k].DOMAIN_SEPARATOR() != tokens[j].DOMAIN_SEPARATOR(), "distinct domains");
    }

    function test_permit_revertsWhenExpired() public {
        uint256 deadline = block.timestamp + 1 hours;
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            (uint8 v, bytes32 r, bytes32 s) = _permitSig(t, holder, holderKey, spender, 1 ether, 0, deadline);
            vm.warp(deadline + 1);
            vm.expectRevert(abi.encodeWithSelector(ClassToken.ERC2612ExpiredSignature.selector, deadline));
            t.permit(holder, spender, 1 ether, deadline, v, r, s);
            assertEq(t.nonces(holder), 0, "nonce not used");
            vm.warp(deadline - 1 hours);
        }
    }

    function test_permit_revertsOnWrongSigner() public {
        (address mallory, uint256 malloryKey) = makeAddrAndKey("mallory");
        uint256 deadline = block.timestamp + 1 hours;
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            // Mallory signs a permit over the holder's tokens.
            (uint8 v, bytes32 r, bytes32 s) = _permitSig(
                t,
                holder,
                malloryKey,
                spender,
                1 ether,
                0,
                deadline
            );
            vm.expectRevert(
                abi.encodeWithSelector(ClassToken.ERC2612InvalidSigner.selector, mallory, holder)
            );
            t.permit(holder, spender, 1 ether, deadline, v, r, s);
            assertEq(t.allowance(holder, spender), 0, "no allowance");
        }
    }

    function test_permit_revertsOnReplay() public {
        uint256 deadline = block.timestamp + 1 hours;
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            (uint8 v, bytes32 r, bytes32 s) = _permitSig(t, holder, holderKey, spender, 1 ether, 0, deadline);
            t.permit(holder, spender, 1 ether, deadline, v, r, s);
            vm.prank(spender);
            t.transferFrom(holder, other, 1 ether);
            // The same signature again: the nonce moved on, so it recovers another signer.
            vm.expectRevert();
            t.permit(holder, spender, 1 ether, deadline, v, r, s);
            assertEq(t.allowance(holder, spender), 0, "replay grants nothing");
        }
    }

    function test_permit_signatureOfOneFaceFailsOnAnother() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(
            tokens[0],
            holder,
            holderKey,
            spender,
            1 ether,
            0,
            deadline
        );
        for (uint256 k = 1; k < tokens.length; ++k) {
            vm.expectRevert();
            tokens[k].permit(holder, spender, 1 ether, deadline, v, r, s);
            assertEq(tokens[k].allowance(holder, spender), 0, "cross-face replay grants nothing");
        }
        assertEq(Nonces(address(tokens[0])).nonces(holder), 0, "face 0 nonce unused");
    }

    // ---------------------------------------------------------------- mint / escrow / burn events

    function test_deposit_emitsMintFromFace() public {
        for (uint256 k; k < tokens.length; ++k) {
            vm.deal(other, 1 ether);
            vm.expectEmit(address(tokens[k]));
            emit IERC20.Transfer(address(0), other, 1 ether);
            vm.prank(other);
            pool.deposit{value: 1 ether}(k, other, 0);
        }
    }

    function test_requestRedeem_bySpenderUsesFaceAllowance() public {
        for (uint256 k; k < tokens.length; ++k) {
            ClassToken t = tokens[k];
            vm.prank(holder);
            t.approve(spender, 2 ether);
            vm.expectEmit(address(t));
            emit IERC20.Transfer(holder, address(pool), 2 ether);
            vm.prank(spender);
            pool.requestRedeem(k, 2 ether, spender, holder);
            assertEq(t.allowance(holder, spender), 0, "allowance spent by the request");
            // Without allowance the request reverts and nothing is escrowed.
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, spender, 0, 1 ether)
            );
            vm.prank(spender);
            pool.requestRedeem(k, 1 ether, spender, holder);
            assertEq(t.balanceOf(holder), 8 ether, "only the approved request escrowed");
        }
    }

    function test_finalize_emitsBurnFromFace() public {
        _request(holder, 2, 4 ether);
        vm.warp(block.timestamp + 2 * FRAME);
        vm.expectEmit(address(tokens[2]));
        emit IERC20.Transfer(address(pool), address(0), 4 ether);
        _applyDirect(_emptyReport());
        assertEq(tokens[2].totalSupply(), 6 ether, "burnt from the supply");
        assertEq(tokens[2].balanceOf(address(pool)), 0, "escrow emptied");
    }
}
