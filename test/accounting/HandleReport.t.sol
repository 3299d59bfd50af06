// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {stdError} from "forge-std/StdError.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice Accounting.handleReport: the §9 sanity rules, each rejected with its named error and
/// nothing applied; and the rules' boundaries that must pass.
contract HandleReportTest is SystemFixture {
    uint256 private constant YEAR = 365 days;

    struct Snap {
        uint256[] navs;
        uint256 buffered;
        uint256 refSlot;
        uint256 time;
        uint256 pooled;
        IStakingRouter.Module m0;
        IStakingRouter.Module m1;
    }

    function setUp() public {
        _deploySystem();
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        _seedClasses();
        _stake(2); // one validator per module, 32 ETH each
        vm.warp(block.timestamp + 30 days);
    }

    function _snap() private view returns (Snap memory s) {
        s.navs = book.navs();
        s.buffered = pool.buffered();
        (s.refSlot, s.time) = accounting.lastReport();
        s.pooled = accounting.pooled();
        s.m0 = router.getModule(0);
        s.m1 = router.getModule(1);
    }

    function _assertUnchanged(Snap memory s) private view {
        Snap memory n = _snap();
        assertEq(n.navs, s.navs, "navs unchanged");
        assertEq(n.buffered, s.buffered, "buffered unchanged");
        assertEq(n.refSlot, s.refSlot, "lastReport refSlot unchanged");
        assertEq(n.time, s.time, "lastReport time unchanged");
        assertEq(n.pooled, s.pooled, "pooled unchanged");
        assertEq(n.m0.clBalance, s.m0.clBalance, "module 0 balance unchanged");
        assertEq(n.m0.clValidators, s.m0.clValidators, "module 0 validators unchanged");
        assertEq(n.m0.exited, s.m0.exited, "module 0 exited unchanged");
        assertEq(n.m0.reputationBps, s.m0.reputationBps, "module 0 reputation unchanged");
        assertEq(n.m1.clBalance, s.m1.clBalance, "module 1 balance unchanged");
    }

    function _expectRejected(IAccounting.Report memory r, bytes memory err) private {
        Snap memory s = _snap();
        vm.expectRevert(err);
        vm.prank(address(oracle));
        accounting.handleReport(r);
        _assertUnchanged(s);
    }

    /// @dev Seconds between the last applied report's reference slot and `refSlot`.
    function _span(uint256 refSlot) private view returns (uint256) {
        (, uint256 sps, ) = oracle.frameConfig();
        (uint256 last, ) = accounting.lastReport();
        return (refSlot - last) * sps;
    }

    /// @dev The APR cap on the fixture's 64 ETH at maxApr 10 % over the reference-slot span.
    function _maxGain(uint256 refSlot) private view returns (uint256) {
        return (64 ether * uint256(1000) * _span(refSlot)) / (10_000 * YEAR);
    }

    // ---------------------------------------------------------------- access

    function test_handleReport_revertsUnlessOracle() public {
        IAccounting.Report memory r = _emptyReport();
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IAccounting.NotOracle.selector, stranger));
        vm.prank(stranger);
        accounting.handleReport(r);
        _assertUnchanged(s);
    }

    // ---------------------------------------------------------------- §9 rules

    function test_handleReport_revertsWhenRefSlotNotIncreasing() public {
        IAccounting.Report memory r = _emptyReport();
        (uint256 last, ) = accounting.lastReport();
        r.refSlot = last;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.RefSlotNotIncreasing.selector, last, last));
    }

    function test_handleReport_revertsOnModuleCountMismatch() public {
        IAccounting.Report memory r = _emptyReport();
        IAccounting.ModuleReport[] memory one = new IAccounting.ModuleReport[](1);
        one[0] = r.modules[0];
        r.modules = one;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.ModuleCountMismatch.selector, 1, 2));
    }

    function test_handleReport_revertsWhenValidatorsDecrease() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clValidators = 0;
        r.modules[0].clBalance = 0;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.ValidatorsDecreased.selector, 0, 0, 1));
    }

    function test_handleReport_revertsWhenValidatorsAboveDeposited() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[1].clValidators = 2;
        r.modules[1].clBalance = 64 ether;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.ValidatorsAboveDeposited.selector, 1, 2, 1));
    }

    function test_handleReport_revertsWhenExitedDecreases() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].exited = 1;
        r.modules[0].clBalance = 0;
        r.modules[0].withdrawn = 32 ether;
        vm.deal(address(wv), 32 ether);
        _applyDirect(r);
        r = _emptyReport();
        r.modules[0].exited = 0;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.ExitedDecreased.selector, 0, 0, 1));
    }

    function test_handleReport_revertsWhenExitedAboveValidators() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].exited = 2;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.ExitedAboveValidators.selector, 0, 2, 1));
    }

    function test_handleReport_revertsWhenAprTooHigh() public {
        IAccounting.Report memory r = _emptyReport();
        uint256 maxGain = _maxGain(r.refSlot);
        r.modules[0].clBalance += uint128(maxGain + 1);
        _expectRejected(r, abi.encodeWithSelector(IAccounting.AprTooHigh.selector, maxGain + 1, maxGain));
    }

    function test_handleReport_acceptsGainAtAprLimit() public {
        IAccounting.Report memory r = _emptyReport();
        uint256 maxGain = _maxGain(r.refSlot);
        assertGt(maxGain, 0.5 ether, "30 days at 10% of 64 ETH");
        r.modules[0].clBalance += uint128(maxGain);
        uint256 pooled = accounting.pooled();
        _applyDirect(r);
        assertEq(accounting.pooled(), pooled + maxGain, "gain booked");
        assertEq(book.totalNav(), accounting.pooled(), "navs follow");
    }

    /// @dev 4 % APR on the fixture's 64 ETH over one frame.
    function _honestFrameGain() private pure returns (uint256) {
        return (64 ether * uint256(400) * FRAME) / (10_000 * YEAR);
    }

    function test_handleReport_honestReportAfterLateOnePasses() public {
        // Frame N's report is applied late in its frame, frame N+1's a tenth of a frame after it:
        // the gain accrued over one frame of reference slots, not over the FRAME/10 between the
        // two transactions (before: AprTooHigh, the wall-clock cap was 1 % APR).
        vm.warp(oracle.currentRefSlot() * SECONDS_PER_SLOT + _genesis() + FRAME - FRAME / 10);
        _applyViaOracle(_emptyReport());
        vm.warp(block.timestamp + FRAME / 10);
        for (uint256 frame; frame < 3; ++frame) {
            IAccounting.Report memory r = _emptyReport();
            r.modules[0].clBalance += uint128(_honestFrameGain());
            uint256 pooled = accounting.pooled();
            _applyViaOracle(r);
            assertEq(accounting.pooled(), pooled + _honestFrameGain(), "an honest 4 % APR frame is booked");
            vm.warp(block.timestamp + FRAME);
        }
    }

    function test_handleReport_staleReportEarnsNoGap() public {
        // The last report is applied; a report for the very next frame arrives 30 days later. Its
        // balances accrued over one frame of slots, so the cap is one frame's, not 30 days'.
        _applyViaOracle(_emptyReport());
        (uint256 last, ) = accounting.lastReport();
        vm.warp(block.timestamp + 30 days);
        IAccounting.Report memory r = _emptyReport();
        r.refSlot = last + SLOTS_PER_FRAME;
        uint256 maxGain = _maxGain(r.refSlot);
        assertLt(maxGain, 0.0001 ether, "one frame at 10 % of 64 ETH");
        r.modules[0].clBalance += 0.5 ether; // within 30 days at 10 %: passed the wall-clock cap
        _expectRejected(r, abi.encodeWithSelector(IAccounting.AprTooHigh.selector, 0.5 ether, maxGain));
    }

    function _genesis() private view returns (uint256 genesis) {
        (genesis, , ) = oracle.frameConfig();
    }

    function test_handleReport_revertsWhenDropTooHigh() public {
        IAccounting.Report memory r = _emptyReport();
        uint256 maxDrop = (64 ether * uint256(500)) / 10_000; // 3.2 ETH
        r.modules[0].clBalance -= uint128(maxDrop + 1);
        _expectRejected(r, abi.encodeWithSelector(IAccounting.DropTooHigh.selector, maxDrop + 1, maxDrop));
    }

    function test_handleReport_acceptsDropExplainedBySlashing() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clBalance -= 20 ether;
        r.modules[0].slashedValidators = 1; // allows 3.2 + 32 ETH
        uint256 navC = book.navOf(2);
        _applyDirect(r);
        assertEq(book.navOf(2), 0, "C wiped (10 ETH)");
        assertEq(book.navOf(1), 30 ether - (20 ether - navC), "B took the rest");
        assertEq(book.totalNav(), accounting.pooled(), "pooled = sum of navs");
    }

    function test_handleReport_revertsWhenWithdrawnAboveVault() public {
        vm.deal(address(wv), 1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].withdrawn = 1 ether + 1;
        r.modules[0].clBalance -= 1 ether + 1;
        _expectRejected(
            r,
            abi.encodeWithSelector(IAccounting.WithdrawnAboveVault.selector, 1 ether + 1, 1 ether)
        );
    }

    function test_handleReport_revertsWhenElRewardsAboveVault() public {
        vm.deal(address(elv), 1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 1 ether + 1;
        _expectRejected(
            r,
            abi.encodeWithSelector(IAccounting.ElRewardsAboveVault.selector, 1 ether + 1, 1 ether)
        );
    }

    function test_handleReport_revertsWhenSlashedAboveValidators() public {
        // Without the rule, 2 slashings on module 0 (1 validator) "explain" a 64 ETH drop: here
        // module 1's unexplained 20 ETH drop, which would wipe C and cut B.
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].slashedValidators = 2;
        r.modules[1].clBalance -= 20 ether;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.SlashedAboveValidators.selector, 0, 2, 1));
    }

    function test_handleReport_revertsWhenPerfTooHigh() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[1].perfBps = 10_001;
        _expectRejected(r, abi.encodeWithSelector(IAccounting.PerfTooHigh.selector, 1, 10_001));
    }

    function test_handleReport_revertsOnTooManyExitRequests() public {
        IAccounting.Report memory r = _emptyReport();
        r.exits = new IAccounting.ExitRequest[](65);
        _expectRejected(r, abi.encodeWithSelector(IAccounting.TooManyExitRequests.selector, 65, 64));
    }

    function test_handleReport_revertsOnTooManyLosses() public {
        IAccounting.Report memory r = _emptyReport();
        r.losses = new IAccounting.OperatorLoss[](65);
        _expectRejected(r, abi.encodeWithSelector(IAccounting.TooManyLosses.selector, 65, 64));
    }

    function test_handleReport_revertsOnUnknownModuleInLosses() public {
        IAccounting.Report memory r = _emptyReport();
        r.losses = new IAccounting.OperatorLoss[](1);
        r.losses[0] = IAccounting.OperatorLoss({moduleId: 2, operatorId: 0, amount: 1 ether});
        _expectRejected(r, abi.encodeWithSelector(IAccounting.UnknownModuleId.selector, 2));
    }

    function test_handleReport_revertsOnUnknownModuleInExits() public {
        IAccounting.Report memory r = _emptyReport();
        r.exits = new IAccounting.ExitRequest[](1);
        r.exits[0] = IAccounting.ExitRequest({moduleId: 7, operatorId: 0, count: 1});
        _expectRejected(r, abi.encodeWithSelector(IAccounting.UnknownModuleId.selector, 7));
    }

    function test_handleReport_revertsOnUnknownOperatorInLosses() public {
        IAccounting.Report memory r = _emptyReport();
        r.losses = new IAccounting.OperatorLoss[](1);
        r.losses[0] = IAccounting.OperatorLoss({moduleId: 1, operatorId: 9, amount: 1 ether});
        _expectRejected(r, abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, 9));
    }

    // ---------------------------------------------------------------- happy paths

    function test_handleReport_movesVaultEthIntoBuffered() public {
        vm.deal(address(wv), 2 ether);
        vm.deal(address(elv), 1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.modules[1].withdrawn = 2 ether; // skimmed: balance drops by what was withdrawn
        r.modules[1].clBalance -= 2 ether;
        r.elRewards = 1 ether;
        uint256 buffered = pool.buffered();
        _applyDirect(r);
        assertEq(pool.buffered(), buffered + 3 ether, "vault ETH buffered");
        assertEq(address(wv).balance, 0, "withdrawal vault emptied");
        assertEq(address(elv).balance, 0, "EL vault emptied");
        assertEq(book.totalNav(), accounting.pooled(), "only E is a reward");
    }

    function test_handleReport_chargesBondOfReportedOperator() public {
        (uint256 bondBefore, ) = bonded.bondOf(0);
        IAccounting.Report memory r = _emptyReport();
        r.modules[1].clBalance -= 1 ether;
        r.losses = new IAccounting.OperatorLoss[](1);
        r.losses[0] = IAccounting.OperatorLoss({moduleId: 1, operatorId: 0, amount: 1 ether});
        uint256[] memory navs = book.navs();
        _applyDirect(r);
        (uint256 bondAfter, ) = bonded.bondOf(0);
        assertEq(bondBefore - bondAfter, 1 ether, "bond charged");
        assertEq(book.navs(), navs, "the bond covered the whole loss");
        assertEq(book.totalNav(), accounting.pooled(), "pooled = sum of navs");
    }

    function test_handleReport_requestsExits() public {
        IAccounting.Report memory r = _emptyReport();
        r.exits = new IAccounting.ExitRequest[](1);
        r.exits[0] = IAccounting.ExitRequest({moduleId: 0, operatorId: 0, count: 1});
        _applyDirect(r);
        assertEq(curated.getOperator(0).exitRequested, 1, "exit requested");
    }

    // ---------------------------------------------------------------- fee bounds

    /// A module fee and the treasury fee are each capped at MAX_FEE_BPS (5,000), so their sum
    /// never exceeds a reward and no fee setting can make reports revert (this was a finding:
    /// both were bounded only by 10,000 each and could underflow the waterfall).
    function test_updateModule_revertsWhenFeeAboveCap() public {
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        p.moduleFeeBps = 5_001;
        uint256 before = router.getModule(0).moduleFeeBps;
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 5_001));
        vm.prank(moduleManager);
        router.updateModule(0, p);
        assertEq(router.getModule(0).moduleFeeBps, before, "unchanged");
        p.moduleFeeBps = 5_000; // at the cap: accepted, and a reward report still applies
        vm.prank(moduleManager);
        router.updateModule(0, p);
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clBalance += 0.1 ether;
        vm.prank(address(oracle));
        accounting.handleReport(r);
        (uint256 refSlot, ) = accounting.lastReport();
        assertEq(refSlot, r.refSlot, "report applied");
    }
}
