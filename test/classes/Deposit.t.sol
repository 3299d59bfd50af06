// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice CascadePool.deposit (DESIGN §5, money-math "Deposit").
contract DepositTest is SystemFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        _deploySystem();
    }

    struct Snap {
        uint256 buffered;
        uint256[] navs;
        uint256 supply;
        uint256 routerBalance;
    }

    function _snap(uint256 classId) private view returns (Snap memory s) {
        s.buffered = pool.buffered();
        s.navs = book.navs();
        s.supply = tokens[classId].totalSupply();
        s.routerBalance = address(router).balance;
    }

    function _assertUnchanged(Snap memory s, uint256 classId) private view {
        assertEq(pool.buffered(), s.buffered, "buffered unchanged");
        assertEq(book.navs(), s.navs, "navs unchanged");
        assertEq(tokens[classId].totalSupply(), s.supply, "supply unchanged");
        assertEq(address(router).balance, s.routerBalance, "router balance unchanged");
    }

    /// @dev Books `amount` of EL rewards (no fees matter here: they go to class 0).
    function _elReward(uint256 amount) private {
        vm.deal(address(elv), address(elv).balance + amount);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = amount;
        _applyDirect(r);
    }

    // ---------------------------------------------------------------- happy path

    function test_deposit_firstHolderGetsOneSharePerWei(uint256 amount) public {
        amount = bound(amount, 1, 1e30);
        vm.deal(carol, amount);
        vm.prank(carol);
        uint256 shares = pool.deposit{value: amount}(2, carol, amount);
        assertEq(shares, amount, "empty class: a*(0+1)/(0+1)");
        assertEq(tokens[2].balanceOf(carol), amount, "minted to receiver");
        assertEq(book.navOf(2), amount, "nav += a");
        assertEq(pool.buffered(), amount, "buffered += a");
        assertEq(address(pool).balance, amount, "the pool holds the ETH");
        assertEq(address(router).balance, 0, "the router holds none");
    }

    /// @dev deposit writes nav‖supply and buffered‖totalNav as whole packed slots: every field
    /// of both slots, and the neighbouring class's, must read back exactly.
    function test_deposit_writesEveryPackedFieldExactly(uint256 first, uint256 second) public {
        first = bound(first, 1, 1e30);
        second = bound(second, 1, 1e30);
        _deposit(carol, 2, first);
        uint256 supplyBefore = tokens[2].totalSupply();
        uint256 navB = book.navOf(1);
        uint256 supplyB = tokens[1].totalSupply();
        uint256 shares = _deposit(bob, 2, second);
        IYieldClasses.ClassInfo memory c = book.getClass(2);
        assertEq(c.nav, first + second, "nav (low half) = sum of deposits");
        assertEq(c.supply, supplyBefore + shares, "supply (high half) += shares");
        assertEq(pool.buffered(), first + second, "buffered (low half) = sum of deposits");
        assertEq(pool.totalNav(), first + second, "totalNav (high half) = sum of navs");
        assertEq(book.navOf(1), navB, "class B's nav untouched");
        assertEq(tokens[1].totalSupply(), supplyB, "class B's supply untouched");
        assertTrue(c.open && !c.wiped, "class flags in the slot before untouched");
    }

    function test_deposit_nextHolderPaysCurrentPrice() public {
        _deposit(carol, 2, 10 ether);
        _elReward(1 ether);
        uint256 nav = book.navOf(2);
        uint256 supply = tokens[2].totalSupply();
        assertGt(nav, 10 ether, "reward raised C");
        uint256 expected = (3 ether * (supply + 1)) / (nav + 1);
        uint256 shares = _deposit(bob, 2, 3 ether);
        assertEq(shares, expected, "a*(S+1)/(N+1) rounded down");
        assertLt(shares, 3 ether, "fewer shares than wei after a reward");
        assertEq(book.navOf(2), nav + 3 ether, "nav += a");
        // The price after the deposit is not below the price before it.
        assertGe((nav + 3 ether + 1) * (supply + 1), (nav + 1) * (supply + shares + 1), "price kept");
    }

    function test_deposit_toOtherReceiver() public {
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        uint256 shares = pool.deposit{value: 1 ether}(2, bob, 0);
        assertEq(tokens[2].balanceOf(bob), shares, "receiver gets the shares");
        assertEq(tokens[2].balanceOf(alice), 0, "payer gets none");
    }

    function test_deposit_seniorAtExactCover() public {
        _deposit(carol, 2, 10 ether);
        _deposit(bob, 1, 30 ether);
        // 40 ETH junior · 1e4 ≥ nav_A · 2500 ⇔ nav_A ≤ 160 ETH.
        _deposit(alice, 0, 160 ether);
        assertEq(book.navOf(0), 160 ether, "A at exactly 4x its cover");
    }

    // ---------------------------------------------------------------- bad input

    function test_deposit_revertsWhenCoverTooLow() public {
        _deposit(carol, 2, 10 ether);
        _deposit(bob, 1, 30 ether);
        Snap memory s = _snap(0);
        uint256 amount = 160 ether + 1;
        vm.deal(alice, amount);
        // cover = 40e18·1e4 / (160e18+1) = 2499 bps
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.CoverTooLow.selector, 0, 2499, 2500));
        vm.prank(alice);
        pool.deposit{value: amount}(0, alice, 0);
        _assertUnchanged(s, 0);
    }

    function test_deposit_revertsWhenSeniorHasNoJunior() public {
        vm.deal(alice, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.CoverTooLow.selector, 0, 0, 2500));
        vm.prank(alice);
        pool.deposit{value: 1 ether}(0, alice, 0);
    }

    function test_deposit_juniorNotBlockedByThinCover() public {
        _seedClasses();
        // Cover is checked only for the deposited class: a junior deposit always passes.
        _deposit(carol, 2, 1 wei);
        assertEq(book.navOf(2), 10 ether + 1, "junior deposit accepted");
    }

    function test_deposit_revertsAboveCap() public {
        vm.prank(classManager);
        book.setClassParams(2, IYieldClasses.ClassParams(0, 0, 0, uint32(2 * FRAME), 5 ether));
        _deposit(carol, 2, 4 ether);
        Snap memory s = _snap(2);
        vm.deal(bob, 2 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IYieldClasses.DepositCapExceeded.selector, 2, 6 ether, 5 ether)
        );
        vm.prank(bob);
        pool.deposit{value: 2 ether}(2, bob, 0);
        _assertUnchanged(s, 2);
        _deposit(bob, 2, 1 ether);
        assertEq(book.navOf(2), 5 ether, "up to the cap is fine");
    }

    function test_deposit_revertsOnSlippage() public {
        _deposit(carol, 2, 10 ether);
        _elReward(1 ether);
        uint256 expected = book.convertToShares(2, 1 ether);
        Snap memory s = _snap(2);
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.Slippage.selector, expected, 1 ether));
        vm.prank(bob);
        pool.deposit{value: 1 ether}(2, bob, 1 ether);
        _assertUnchanged(s, 2);
    }

    function test_deposit_revertsWhenClosed() public {
        vm.prank(classManager);
        book.setClassOpen(2, false);
        vm.deal(carol, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.ClassClosed.selector, 2));
        vm.prank(carol);
        pool.deposit{value: 1 ether}(2, carol, 0);
        assertEq(pool.buffered(), 0, "nothing buffered");
    }

    function test_deposit_revertsWhenWiped() public {
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        _seedClasses();
        _stake(2);
        // Module 0 loses 12 ETH of its 32 with one slashing: C (10) is wiped, B loses 2.
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clBalance = 20 ether;
        r.modules[0].slashedValidators = 1;
        _applyDirect(r);
        assertTrue(book.getClass(2).wiped, "C wiped");
        assertEq(book.navOf(1), 28 ether, "B took the rest");
        Snap memory s = _snap(2);
        vm.deal(carol, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.ClassIsWiped.selector, 2));
        vm.prank(carol);
        pool.deposit{value: 1 ether}(2, carol, 0);
        _assertUnchanged(s, 2);
    }

    function test_deposit_revertsOnZeroAmount() public {
        vm.expectRevert(IYieldClasses.ZeroAmount.selector);
        vm.prank(carol);
        pool.deposit(2, carol, 0);
    }

    function test_deposit_revertsOnZeroReceiver() public {
        vm.deal(carol, 1 ether);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        vm.prank(carol);
        pool.deposit{value: 1 ether}(2, address(0), 0);
    }

    function test_deposit_revertsOnUnknownClass() public {
        vm.deal(carol, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.UnknownClass.selector, 3));
        vm.prank(carol);
        pool.deposit{value: 1 ether}(3, carol, 0);
    }

    function test_deposit_revertsOnZeroShares() public {
        _deposit(carol, 2, 1 ether);
        _elReward(1 ether);
        // 1 wei buys ⌊1·(S+1)/(N+1)⌋ = 0 shares once the price is above 1.
        vm.deal(bob, 1);
        vm.expectRevert(IYieldClasses.ZeroShares.selector);
        vm.prank(bob);
        pool.deposit{value: 1}(2, bob, 0);
    }
}
