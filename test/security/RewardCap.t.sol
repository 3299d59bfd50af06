// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Test.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice §9's reward cap (security.md §6 item 7): EL and service rewards together are booked
/// at most at `maxRewardAprBps` on the CL base over the report's reference-slot span; the excess
/// stays in the ExecutionRewardsVault or pending in the registry and later reports book it, so a
/// deposit just before one report cannot take a large MEV frame.
contract RewardCapTest is ServicesFixture {
    uint256 private constant YEAR = 365 days;
    uint256 private constant SLOTS = 30 days / 12; // one report every 30 days of reference slots
    uint16 private constant REWARD_APR_BPS = 1000;
    uint256 private constant CL_BASE = 384 ether; // _standardSetup: 12 validators at 32 ETH

    address private payer = makeAddr("payer");

    function setUp() public {
        _standardSetup(); // A/B/C = 200/100/100, 12 validators
        _report(); // the validators are seen: the CL base is 384 ETH from here on
        IAccounting.Limits memory l = accounting.limits();
        l.maxRewardAprBps = REWARD_APR_BPS;
        vm.prank(admin);
        accounting.setLimits(l);
    }

    /// @dev The cap for one 30-day span, computed from the fixture's figures.
    function _cap() private pure returns (uint256) {
        return (CL_BASE * REWARD_APR_BPS * SLOTS * 12) / (10_000 * YEAR);
    }

    /// @dev A neutral report 30 days of reference slots after the last one, reporting the whole
    /// EL vault balance (as the oracle daemon does).
    function _capReport() private {
        IAccounting.Report memory r = _neutralReport();
        r.refSlot = refSlot + SLOTS;
        r.elRewards = address(elv).balance;
        vm.warp(r.refSlot * 12 + 1);
        refSlot = r.refSlot;
        vm.prank(oracle);
        accounting.handleReport(r);
    }

    function _pay(uint256 svc, uint256 amount) private {
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(svc);
    }

    function _tierPending(uint256 tier) private view returns (uint256 p) {
        (p, ) = registry.tierTotals(tier);
    }

    function test_handleReport_mevFrameBookedOverSeveralReportsWithinTheCap() public {
        uint256 mev = 100 ether;
        vm.deal(address(elv), mev);
        uint256 cap = _cap();
        uint256 booked;
        uint256 reports;
        while (booked < mev) {
            uint256 buffered = pool.buffered();
            uint256 navBefore = book.totalNav();
            _capReport();
            ++reports;
            uint256 want = mev - booked < cap ? mev - booked : cap;
            assertEq(pool.buffered() - buffered, want, "each report pulls min(left, cap) into buffered");
            assertLe(book.totalNav() - navBefore, cap, "the book gains at most the cap");
            booked += want;
            assertEq(address(elv).balance, mev - booked, "the excess stays in the vault");
            assertLe(reports, 100, "the frame is booked in finitely many reports");
        }
        assertEq(reports, (mev + cap - 1) / cap, "100 ETH over ceil(100 / cap) reports");
        assertGt(reports, 1, "more than one report");
        _capReport();
        assertEq(address(elv).balance, 0, "nothing left");
        _assertNavWithinPooled("after the carried MEV");
    }

    function test_handleReport_serviceRewardsAboveTheCapStayPending() public {
        uint256 t1 = _service(1, 1_000);
        uint256 t2 = _service(2, 1_000);
        _pay(t1, 5 ether);
        _pay(t2, 20 ether);
        uint256 cap = _cap();
        vm.deal(address(elv), 1 ether);
        uint256 buffered = pool.buffered();
        _capReport();
        // EL first (1 ETH), then the tiers in order with what is left of the cap.
        assertEq(pool.buffered() - buffered, cap, "EL + service rewards booked = cap");
        assertEq(address(elv).balance, 0, "EL under the cap is pulled whole");
        uint256 t1Booked = cap - 1 ether < 5 ether ? cap - 1 ether : 5 ether;
        assertEq(_tierPending(1), 5 ether - t1Booked, "tier 1 books first");
        assertEq(
            _tierPending(2),
            20 ether - (cap - 1 ether - t1Booked),
            "tier 2 gets what is left of the cap"
        );
        // The ETH went to the pool at payment: the rest waits there, unbooked (not buffered).
        assertEq(address(registry).balance, 0, "the registry keeps no ETH");
        assertEq(
            pool.unbookedServiceRewards(),
            25 ether - (cap - 1 ether),
            "the rest waits unbooked in the pool"
        );
        uint256 left = 25 ether - (cap - 1 ether);
        uint256 reports;
        while (left != 0) {
            buffered = pool.buffered();
            _capReport();
            uint256 want = left < cap ? left : cap;
            assertEq(pool.buffered() - buffered, want, "later reports book the carry within the cap");
            left -= want;
            assertEq(pool.unbookedServiceRewards(), left, "the pool holds unbooked what is still pending");
            ++reports;
            assertLe(reports, 100, "finitely many reports");
        }
        assertEq(_tierPending(1), 0, "tier 1 booked");
        assertEq(_tierPending(2), 0, "tier 2 booked");
        assertEq(registry.getService(t1).rewardsPaid, 5 ether, "t1's lifetime payments stay");
        _assertNavWithinPooled("after the carried service rewards");
    }

    function test_handleReport_sandwichGainsAtMostTheCappedAmount() public {
        // Honest world: one report so the class prices have moved; then a 100 ETH MEV frame
        // lands in the vault and the attacker deposits just before the report.
        _capReport();
        vm.deal(address(elv), 100 ether);
        address attacker = makeAddr("attacker");
        uint256 d = 100 ether;
        uint256 shares = _depositFor(attacker, d);
        uint256 value0 = tokens[0].convertToAssets(shares);
        uint256 navA = book.navs()[0];
        _capReport();
        uint256 gain = tokens[0].convertToAssets(shares) - value0;
        uint256 cap = _cap();
        // Class A takes at most all of the booked rewards; the attacker at most its NAV share.
        assertLe(gain, (cap * shares) / tokens[0].totalSupply() + 1, "gain <= attacker's share of the cap");
        assertLe(gain, (cap * d) / navA + 1, "gain <= cap x D / NAV_A");
        assertGe(address(elv).balance, 100 ether - cap, "the rest of the frame is still in the vault");
    }

    function _depositFor(address who, uint256 amount) private returns (uint256 shares) {
        vm.deal(who, amount);
        vm.prank(who);
        shares = pool.deposit{value: amount}(0, who, 0);
    }

    /// @dev How many `RewardsCapped` the last recorded logs hold.
    function _cappedEvents() private returns (uint256 n) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i)
            if (
                logs[i].emitter == address(accounting) &&
                logs[i].topics[0] == IAccounting.RewardsCapped.selector
            ) ++n;
    }

    /// A capped configuration whose report books everything (EL and service rewards under the
    /// cap) emits no `RewardsCapped`; before, every report under a configured cap emitted it.
    function test_handleReport_noRewardsCappedWhenNothingHeldBack() public {
        uint256 t1 = _service(1, 1_000);
        _pay(t1, _cap() / 4);
        vm.deal(address(elv), _cap() / 4);
        vm.recordLogs();
        _capReport();
        assertEq(_cappedEvents(), 0, "nothing held back: no event");
        assertEq(address(elv).balance, 0, "EL booked whole");
    }

    /// EL rewards above the cap, or service rewards that use the whole budget left, emit it.
    function test_handleReport_rewardsCappedWhenHeldBack() public {
        vm.deal(address(elv), 2 * _cap());
        vm.recordLogs();
        vm.expectEmit(address(accounting));
        emit IAccounting.RewardsCapped(2 * _cap(), _cap(), 0);
        _capReport();
        assertEq(_cappedEvents(), 1, "EL held back");
        // Service rewards above what the cap leaves: the budget is used up.
        uint256 t1 = _service(1, 1_000);
        _pay(t1, 2 * _cap());
        vm.recordLogs();
        _capReport(); // the vault's last cap of EL takes the whole cap: no budget for services
        assertEq(_cappedEvents(), 1, "service rewards held back (no budget)");
        assertEq(address(elv).balance, 0, "EL all booked");
        vm.recordLogs();
        _capReport(); // no EL: the services' pending rewards fill the whole budget
        assertEq(_cappedEvents(), 1, "service rewards held back (budget used up)");
    }
}
