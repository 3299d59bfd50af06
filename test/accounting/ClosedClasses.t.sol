// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice DESIGN §5 closed classes (issue 12, finding 5): a wiped class takes no fees; fees go to
/// the most senior class that is not wiped, and with every class wiped they are owed as ETH.
contract ClosedClassesTest is SystemFixture {
    function setUp() public {
        _deploySystem();
        _curatedOperator(curated, 12);
        _bondedOperator(12);
        // 384 ETH, all staked: nothing stays buffered, so a full CL loss wipes every class.
        _deposit(makeAddr("carol"), 2, 96 ether);
        _deposit(makeAddr("bob"), 1, 96 ether);
        _deposit(makeAddr("alice"), 0, 192 ether);
        _stake(12);
        assertEq(pool.buffered(), 0, "everything staked");
        vm.warp(block.timestamp + FRAME);
    }

    /// @dev Every validator's balance is lost (each one reported slashed, so the drop passes §9).
    function _wipeAll() private {
        IAccounting.Report memory r = _emptyReport();
        for (uint256 id; id < r.modules.length; ++id) {
            r.modules[id].clBalance = 0;
            r.modules[id].slashedValidators = uint16(r.modules[id].clValidators);
        }
        _applyViaOracle(r);
        for (uint256 k; k < 3; ++k) assertTrue(book.getClass(k).wiped, "every class wiped");
        vm.warp(block.timestamp + FRAME);
    }

    function _elReport(uint256 el) private {
        vm.deal(address(elv), address(elv).balance + el);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = el;
        _applyViaOracle(r);
    }

    function _assertBookMatchesTokens() private view {
        for (uint256 k; k < tokens.length; ++k) {
            assertEq(book.getClass(k).supply, tokens[k].totalSupply(), "book supply == token supply");
        }
        assertEq(book.totalNav(), accounting.pooled(), "Invariant A: sum of navs == pooled");
    }

    function test_handleReport_everyClassWipedOwesFeesAsEth() public {
        _wipeAll();
        uint256 supplyA = book.getClass(0).supply;
        // 10 ETH of EL rewards: treasury fee 5 %, and Rnet has no class with NAV, so the treasury
        // is due all of it. Before: minted as class-A shares at (0+1)/(supply+1), 9.5e18 · 1.92e20
        // shares > 2^128, truncated by the uint128 cast (book supply != token supply).
        vm.deal(address(elv), 10 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 10 ether;
        r.refSlot = oracle.currentRefSlot();
        bytes32 h = keccak256(abi.encode(r));
        for (uint256 i; i < ORACLE_QUORUM; ++i) {
            vm.prank(members[i]);
            oracle.submitReportHash(r.refSlot, h);
        }
        // One entry per recipient (DESIGN §2 (3)): the treasury's fee and Rnet together.
        vm.expectEmit(address(accounting));
        emit IAccounting.FeeAccruedAsEth(treasury, 10 ether);
        vm.prank(members[0]);
        oracle.submitReportData(r);
        assertEq(book.getClass(0).supply, supplyA, "no shares minted into the wiped class");
        assertEq(book.totalNav(), 0, "no class NAV");
        _assertBookMatchesTokens();
        // The ETH is claimable.
        uint256 before = treasury.balance;
        vm.prank(treasury);
        uint256 paid = pool.claimServicePayout();
        assertEq(paid, 10 ether, "the treasury claims the whole reward");
        assertEq(treasury.balance - before, 10 ether, "ETH received");
    }

    function test_handleReport_feesGoToMostSeniorClassNotWiped() public {
        _wipeAll();
        // Governance opens a fresh class; fees are minted there, never into the wiped A.
        uint256 fresh = _addClass(IYieldClasses.ClassParams(0, 0, 0, uint32(2 * FRAME), 0));
        _deposit(makeAddr("dave"), fresh, 10 ether);
        uint256 supplyA = book.getClass(0).supply;
        _elReport(1 ether);
        assertEq(book.getClass(0).supply, supplyA, "the wiped senior class takes no fee");
        assertEq(book.getClass(0).nav, 0, "and no NAV");
        assertEq(
            tokens[fresh].balanceOf(treasury),
            (0.05 ether * (10 ether + 1)) / (10 ether + 1),
            "fee shares of the fresh class"
        );
        assertEq(book.navOf(fresh), 11 ether, "the fresh class holds the reward and the fee");
        _assertBookMatchesTokens();
    }
}
