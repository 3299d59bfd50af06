// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {Reputation} from "../../contracts/libraries/Reputation.sol";
import {ModuleWord} from "../../contracts/router/ModuleWord.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice A report reads every module as the router's raw packed word (`reportStates`) and hands
/// the router one word per module (`applyModuleReports`), both in ModuleWord's layout (issue 16):
/// that layout is the compiler's for `RouterStorage.ModuleRecord` slot 0, and the router books
/// only a word's report fields. Module 0 is curated, module 1 bonded.
contract ModuleWordTest is SystemFixture {
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.StakingRouter")) - 1)) & ~0xff;
    // `modules` is the store's fifth slot (four links and parameters before it), 3 slots a record.
    uint256 private constant ROUTER_STORE =
        0x1d7422f1ab79353861a3f5d808f4944ef0879ec6e6a4c9afa8730aeb6cebc000;

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

    function _wordSlot(uint256 id) private pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode(ROUTER_STORE + 4))) + 3 * id);
    }

    function _words() private view returns (uint256[] memory ws) {
        (ws, ) = router.reportStates();
    }

    function test_reportStates_returnsTheStoredWordsAndRecipients() public view {
        (uint256[] memory ws, address[] memory rs) = router.reportStates();
        assertEq(ws.length, router.moduleCount(), "one word per module");
        assertEq(rs.length, ws.length, "one recipient per module");
        for (uint256 id; id < ws.length; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            assertEq(ws[id], uint256(vm.load(address(router), _wordSlot(id))), "the record's slot 0, raw");
            assertEq(rs[id], m.feeRecipient, "the fee recipient");
            assertEq(
                ModuleWord.snapshotsAtReport(ws[id]),
                IStakingModule(m.module).snapshotsAtReport(),
                "the callback flag the module asked for"
            );
        }
    }

    /// @dev Any content of the slot reads the same through ModuleWord as through the compiler's
    /// struct (`getModule`): one layout, no second copy of the bit maths.
    function test_reportStates_layoutIsTheRecords(uint256 word, uint256 status, bool snapshots) public {
        status = bound(status, 0, uint256(type(IStakingRouter.ModuleStatus).max));
        word &= ~(uint256(0xffff) << ModuleWord.STATUS_SHIFT); // status and the flag, set below
        word |=
            (status << ModuleWord.STATUS_SHIFT) | (uint256(snapshots ? 1 : 0) << ModuleWord.SNAPSHOTS_SHIFT);
        vm.store(address(router), _wordSlot(1), bytes32(word));
        uint256 w = _words()[1];
        IStakingRouter.Module memory m = router.getModule(1);
        assertEq(w, word, "reportStates returns the slot as stored");
        assertEq(ModuleWord.deposited(w), m.deposited, "deposited");
        assertEq(ModuleWord.clValidators(w), m.clValidators, "clValidators");
        assertEq(ModuleWord.exited(w), m.exited, "exited");
        assertEq(ModuleWord.clBalance(w), m.clBalance, "clBalance");
        assertEq(ModuleWord.reputationBps(w), m.reputationBps, "reputationBps");
        assertEq(ModuleWord.status(w), uint256(m.status), "status");
        assertEq(ModuleWord.snapshotsAtReport(w), snapshots, "snapshotsAtReport");
        assertEq(ModuleWord.moduleFeeBps(w), m.moduleFeeBps, "moduleFeeBps");
        assertEq(ModuleWord.stakeShareLimitBps(w), m.stakeShareLimitBps, "stakeShareLimitBps");
    }

    /// @dev Whatever word Accounting hands over, the router books its report fields only: the
    /// module's deposits, status, callback flag, fee and limit stay as stored.
    function test_applyModuleReports_booksOnlyTheReportFields(uint256 report) public {
        uint256[] memory before = _words();
        uint256[] memory words = new uint256[](before.length);
        words[0] = before[0];
        words[1] = report;
        vm.prank(address(accounting));
        router.applyModuleReports(words);
        uint256[] memory after_ = _words();
        assertEq(after_[0], before[0], "an unchanged word stays");
        assertEq(
            after_[1] & ~ModuleWord.REPORT_MASK,
            before[1] & ~ModuleWord.REPORT_MASK,
            "other fields kept"
        );
        assertEq(after_[1] & ModuleWord.REPORT_MASK, report & ModuleWord.REPORT_MASK, "report fields booked");
        IStakingRouter.Module memory m = router.getModule(1);
        assertEq(m.clValidators, uint32(report >> ModuleWord.CL_VALIDATORS_SHIFT), "validators as sent");
        assertEq(m.clBalance, uint96(report >> ModuleWord.CL_BALANCE_SHIFT), "balance as sent");
        assertEq(m.reputationBps, uint16(report >> ModuleWord.REPUTATION_SHIFT), "reputation as sent");
    }

    function test_applyModuleReports_revertsForAnyoneButAccounting(address caller) public {
        vm.assume(caller != address(accounting));
        uint256[] memory words = _words();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                router.ACCOUNTING_ROLE()
            )
        );
        vm.prank(caller);
        router.applyModuleReports(words);
    }

    /// @dev A report reads the words once and books them in one router call; what it books is
    /// each module's report (validators, exited, balance) and its step-8 reputation.
    function test_handleReport_readsAndWritesTheWordsInOneCallEach() public {
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clBalance += 0.02 ether;
        r.modules[1].perfBps = 8_000;
        uint256[] memory before = _words();
        IAccounting.Params memory p = accounting.params();
        uint256[] memory expected = new uint256[](2);
        for (uint256 id; id < 2; ++id) {
            uint256 rep = Reputation.update(
                ModuleWord.reputationBps(before[id]),
                r.modules[id].perfBps,
                p.lambdaBps,
                0,
                p.slashPenaltyBps
            );
            expected[id] = ModuleWord.reportFields(
                r.modules[id].clValidators,
                r.modules[id].exited,
                r.modules[id].clBalance,
                rep
            );
        }
        vm.expectCall(address(router), abi.encodeCall(IStakingRouter.reportStates, ()), 1);
        vm.expectCall(address(router), abi.encodeCall(IStakingRouter.applyModuleReports, (expected)), 1);
        _applyDirect(r);
        for (uint256 id; id < 2; ++id)
            assertEq(
                uint256(vm.load(address(router), _wordSlot(id))),
                ModuleWord.withReport(before[id], expected[id]),
                "the word as booked"
            );
    }
}
