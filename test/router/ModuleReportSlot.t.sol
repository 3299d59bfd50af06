// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {Reputation} from "../../contracts/libraries/Reputation.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice A report's module step (issue 16): each module's report-written fields share one
/// router slot (one write per module), one `ModulesReported` event per report carries every module's new state and reputation,
/// and a module's `onExitedReported` runs only when its exited count changed or it asked for
/// every report (the bonded module's κ snapshot). Module 0 is curated, module 1 bonded.
contract ModuleReportSlotTest is SystemFixture {
    function setUp() public {
        _deploySystem();
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        _seedClasses();
        _stake(2); // one validator per module
        vm.warp(block.timestamp + 30 days);
        _applyDirect(_activateAllReport());
        vm.warp(block.timestamp + 30 days);
    }

    /// @dev A report that moves every report-written field: CL balance up, reputation down
    /// (performance below par).
    function _movingReport() private view returns (IAccounting.Report memory r) {
        r = _emptyReport();
        for (uint256 id; id < r.modules.length; ++id) {
            r.modules[id].clBalance += 0.01 ether;
            r.modules[id].perfBps = 9_000;
        }
    }

    function test_handleReport_writesOneRouterSlotPerModule() public {
        IAccounting.Report memory r = _movingReport();
        IStakingRouter.Module memory before0 = router.getModule(0);
        vm.record();
        _applyDirect(r);
        (, bytes32[] memory writes) = vm.accesses(address(router));
        uint256 distinct;
        for (uint256 i; i < writes.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) if (writes[j] == writes[i]) seen = true;
            if (!seen) ++distinct;
        }
        assertEq(distinct, router.moduleCount(), "one router slot written per module");
        IStakingRouter.Module memory after0 = router.getModule(0);
        assertEq(after0.clBalance, before0.clBalance + 0.01 ether, "balance booked");
        assertLt(after0.reputationBps, before0.reputationBps, "reputation booked in the same slot");
    }

    /// @dev One `ModulesReported` per report (not one event per module): entry `id` carries that
    /// module's booked report fields in the ModuleWord layout and nothing else.
    function test_handleReport_emitsOneModulesReportedWithEveryModule() public {
        IAccounting.Report memory r = _movingReport();
        IStakingRouter.Module memory m = router.getModule(1);
        IAccounting.Params memory p = accounting.params();
        uint256 rep = Reputation.update(m.reputationBps, 9_000, p.lambdaBps, 0, p.slashPenaltyBps);
        vm.recordLogs();
        _applyDirect(r);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 events;
        uint256[] memory states;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(router)) continue;
            assertTrue(
                logs[i].topics[0] != IStakingRouter.ReputationChanged.selector,
                "no separate reputation event in a report"
            );
            if (logs[i].topics[0] != IStakingRouter.ModulesReported.selector) continue;
            ++events;
            states = abi.decode(logs[i].data, (uint256[]));
        }
        assertEq(events, 1, "one ModulesReported per report");
        assertEq(states.length, router.moduleCount(), "one entry per module");
        for (uint256 id; id < states.length; ++id) {
            IStakingRouter.Module memory booked = router.getModule(id);
            assertEq(uint32(states[id]), 0, "no deposited count in the event");
            assertEq(uint32(states[id] >> 32), r.modules[id].clValidators, "validators in the event");
            assertEq(uint32(states[id] >> 64), r.modules[id].exited, "exited in the event");
            assertEq(uint96(states[id] >> 96), r.modules[id].clBalance, "balance in the event");
            assertEq(uint16(states[id] >> 192), booked.reputationBps, "the booked reputation in the event");
            assertEq(states[id] >> 208, 0, "no status, fee or limit in the event");
        }
        assertEq(uint16(states[1] >> 192), rep, "the report's reputation step (DESIGN step 8)");
    }

    function test_handleReport_callsOnExitedReportedOnlyWhenAsked() public {
        IAccounting.Report memory r = _movingReport();
        // Curated: exited unchanged, no snapshot asked: no call. Bonded: every report.
        vm.expectCall(address(curated), abi.encodeWithSelector(IStakingModule.onExitedReported.selector), 0);
        vm.expectCall(address(bonded), abi.encodeCall(IStakingModule.onExitedReported, (0)), 1);
        _applyDirect(r);
        assertEq(
            router.getModule(0).clBalance,
            r.modules[0].clBalance,
            "curated's report booked without the call"
        );
    }

    function test_handleReport_callsOnExitedReportedWhenExitedChanges() public {
        // Curated's exited count rises: it is told (it records the module-level count).
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].exited = 1;
        vm.expectCall(address(curated), abi.encodeCall(IStakingModule.onExitedReported, (1)), 1);
        vm.expectCall(address(bonded), abi.encodeCall(IStakingModule.onExitedReported, (0)), 1);
        _applyDirect(r);
        assertEq(router.getModule(0).exited, 1, "exited booked");
    }

    function test_addModule_readsSnapshotsAtReport() public view {
        // What each registered module answered decides the callback above; the router asked it.
        assertTrue(IStakingModule(address(bonded)).snapshotsAtReport(), "bonded snapshots kappa each report");
        assertFalse(
            IStakingModule(address(curated)).snapshotsAtReport(),
            "curated needs exited changes only"
        );
    }

    function test_handleReport_revertsOnBalanceAbove96Bits() public {
        // The router's word holds 96 bits of balance: Accounting, which builds the word, refuses
        // a wider one rather than truncate it.
        IAccounting.Report memory r = _emptyReport();
        uint256 big = uint256(type(uint96).max) + 1;
        r.modules[0].clBalance = uint128(big);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 96, big));
        _applyDirect(r);
    }

    function test_handleReport_revertsOnValidatorsAboveDeposited() public {
        // A count wider than the word's 32 bits is above `deposited` (itself 32 bits) first.
        IAccounting.Report memory r = _emptyReport();
        uint256 big = uint256(type(uint32).max) + 1;
        r.modules[1].clValidators = uint64(big);
        uint256 deposited = router.getModule(1).deposited;
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.ValidatorsAboveDeposited.selector, 1, big, deposited)
        );
        _applyDirect(r);
    }
}
