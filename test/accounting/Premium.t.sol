// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice DESIGN §6 step 5 on the deployed contracts: a class pays its premium only on the part
/// of its NAV the junior capital covers (issue 12, finding 3).
contract PremiumTest is SystemFixture {
    address private attacker = makeAddr("attacker");
    address private bob = makeAddr("bob");

    function setUp() public {
        _deploySystem();
        // B without a cover minimum, as in the finding: the premium rule alone must hold.
        IYieldClasses.ClassParams memory b = book.getClass(1).params;
        b.minCoverBps = 0;
        vm.prank(classManager);
        book.setClassParams(1, b);
        vm.warp(block.timestamp + FRAME);
    }

    /// @dev One report paying `el` of execution-layer rewards (no CL change).
    function _elReport(uint256 el) private {
        vm.deal(address(elv), address(elv).balance + el);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = el;
        _applyViaOracle(r);
    }

    function test_handleReport_thinJuniorEarnsNoSeniorPremium() public {
        _deposit(attacker, 2, 1); // 1 wei of junior capital
        _deposit(bob, 1, 32 ether);
        uint256 navB0 = book.navOf(1);
        vm.warp(block.timestamp + FRAME);
        _elReport(1 ether);

        // Rnet = 1 ETH less the 5 % treasury fee; B holds all but 1 wei of the class NAV.
        uint256 rnet = 1 ether - (1 ether * 500) / 10_000;
        uint256 gainB = book.navOf(1) - navB0;
        // Before the fix B paid its capped 15 % premium to the 1 wei: 0.1425 ETH.
        assertGe(gainB, rnet - 2, "B keeps its whole reward share");
        assertLe(book.navOf(2), 3, "1 wei of cover is worth at most its own rounding dust");
        assertEq(book.totalNav(), accounting.pooled(), "pooled == sum of navs");
        // The junior class still prices a real deposit (before: 0.01 ETH minted zero shares).
        uint256 shares = _deposit(makeAddr("carol"), 2, 0.01 ether);
        assertGt(shares, 0.001 ether, "a junior deposit mints shares at a sane price");
    }

    function test_handleReport_premiumScalesWithCoveredPart() public {
        // C covers B at exactly half the 2,500 bps target: B pays its rate on half its reward.
        _deposit(makeAddr("carol"), 2, 4 ether);
        _deposit(bob, 1, 32 ether); // cover 4/32 = 1,250 bps
        vm.warp(block.timestamp + FRAME);
        uint256[] memory navs0 = book.navs();
        _elReport(1 ether);
        uint256 rnet = 1 ether - (1 ether * 500) / 10_000;
        uint256 rB = (rnet * navs0[1]) / (navs0[1] + navs0[2]);
        // u = 32/4 = 80,000 bps → p = min(1500, 500·8) = 1500; covered = 4·10⁴/2500 = 16 of 32 ETH.
        uint256 premium = (rB * 1500 * 16 ether) / (10_000 * 32 ether);
        assertEq(book.navOf(1), navs0[1] + rB - premium, "B pays the premium on its covered half");
        assertEq(book.navOf(2) + book.navOf(1), navs0[1] + navs0[2] + rnet, "C receives it (and the dust)");
    }
}
