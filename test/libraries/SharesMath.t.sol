// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {SharesMath} from "../../contracts/libraries/SharesMath.sol";

contract SharesMathTest is Test {
    uint256 internal constant MAX_AMOUNT = 2 ** 128;

    function test_toSharesDown_emptyClassMintsOneToOne() public pure {
        assertEq(SharesMath.toSharesDown(5 ether, 0, 0), 5 ether, "empty class: 1 share per wei");
    }

    function test_toSharesDown_roundsDown() public pure {
        // 10·(3+1)/(6+1) = 40/7 = 5.71 → 5
        assertEq(SharesMath.toSharesDown(10, 6, 3), 5, "floor of 40/7");
    }

    function test_toAssetsDown_roundsDown() public pure {
        // 5·(6+1)/(3+1) = 35/4 = 8.75 → 8
        assertEq(SharesMath.toAssetsDown(5, 6, 3), 8, "floor of 35/4");
    }

    function test_toSharesDown_donationSizedInputsDoNotOverflow() public pure {
        uint256 big = type(uint256).max / 2;
        // big·big/(big+1) = big − big/(big+1): one below big, computed without overflow.
        assertEq(SharesMath.toSharesDown(big, big, big - 1), big - 1, "mulDiv keeps the 512-bit product");
    }

    function test_redeemAssetsDown_takesLowerOfRequestAndNow() public pure {
        assertEq(SharesMath.redeemAssetsDown(10, 7, 100, 9), 7, "capped at the value at request");
        assertEq(SharesMath.redeemAssetsDown(10, 70, 9, 9), (10 * 10) / 10, "value now when lower");
    }

    function testFuzz_roundTrip_neverGains(uint256 assets, uint256 nav, uint256 supply) public pure {
        assets = bound(assets, 0, MAX_AMOUNT);
        nav = bound(nav, 0, MAX_AMOUNT);
        supply = bound(supply, 0, MAX_AMOUNT);
        uint256 shares = SharesMath.toSharesDown(assets, nav, supply);
        // After the deposit the class holds nav + assets behind supply + shares.
        uint256 back = SharesMath.toAssetsDown(shares, nav + assets, supply + shares);
        assertLe(back, assets, "deposit then redeem returns at most the deposit");
    }

    function testFuzz_toSharesDown_isFloor(uint256 assets, uint256 nav, uint256 supply) public pure {
        assets = bound(assets, 0, MAX_AMOUNT);
        nav = bound(nav, 0, MAX_AMOUNT);
        supply = bound(supply, 0, MAX_AMOUNT);
        uint256 shares = SharesMath.toSharesDown(assets, nav, supply);
        assertLe(shares * (nav + 1), assets * (supply + 1), "shares never above exact value");
        assertGt((shares + 1) * (nav + 1), assets * (supply + 1), "shares is the floor, not lower");
    }

    function testFuzz_toAssetsDown_isFloor(uint256 shares, uint256 nav, uint256 supply) public pure {
        shares = bound(shares, 0, MAX_AMOUNT);
        nav = bound(nav, 0, MAX_AMOUNT);
        supply = bound(supply, 0, MAX_AMOUNT);
        uint256 assets = SharesMath.toAssetsDown(shares, nav, supply);
        assertLe(assets * (supply + 1), shares * (nav + 1), "assets never above exact value");
        assertGt((assets + 1) * (supply + 1), shares * (nav + 1), "assets is the floor, not lower");
    }

    function testFuzz_toAssetsDown_allSharesNeverExceedNav(uint256 nav, uint256 supply) public pure {
        nav = bound(nav, 0, MAX_AMOUNT);
        supply = bound(supply, 0, MAX_AMOUNT);
        assertLe(SharesMath.toAssetsDown(supply, nav, supply), nav, "the whole supply is worth at most nav");
    }
}
