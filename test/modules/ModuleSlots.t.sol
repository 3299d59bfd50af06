// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {ModuleBase} from "../../contracts/modules/ModuleBase.sol";
import {ModuleWord} from "../../contracts/router/ModuleWord.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @dev The modules' report callback and router checks (gas pass "modslots"): the router is an
/// implementation immutable, κ's two bond totals share a slot, and the reported exited count
/// sits beside the totals: the bonded module's `onExitedReported` reads two storage slots. And
/// the operator's exit word (gas pass "exitpack"): an exit request writes one slot.
contract ModuleSlotsTest is RouterFixture {
    address private accounting = makeAddr("accounting");
    uint256 private constant EXITED = 3;
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ModuleBase")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant BASE_SLOT = 0x26e13468e3f5ab206c492c6efa3f2d4400de346ad6be0b2f4bfcb78b92f83500;
    uint256 private constant MARKER = 1 << 56; // `registered`

    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 10);
        _bondedOperator(10);
        _fund(20);
        _depositAll(20); // every key: 10 validators in each module
        bytes32 role = router.ACCOUNTING_ROLE();
        vm.prank(admin);
        router.grantRole(role, accounting);
        _report(0);
        assertEq(router.getModule(1).deposited, 10, "bonded: all 10 deposited");
        assertEq(router.getModule(0).deposited, 10, "curated: all 10 deposited");
    }

    function _report(uint256 exited) private {
        uint256[] memory words = new uint256[](2);
        for (uint256 id; id < 2; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            words[id] = ModuleWord.reportFields(
                m.deposited,
                exited,
                uint256(m.deposited - exited) * 32 ether,
                m.reputationBps
            );
        }
        vm.prank(accounting);
        router.applyModuleReports(words);
    }

    /// The bonded module's report callback reads the proxy's implementation slot, the bond
    /// totals' slot and the module totals' slot: nothing else (the router is an immutable).
    /// Before this pass it read five (the router's slot, `totalBond` and `kappaBond` apart).
    function test_onExitedReported_readsThreeSlots() public {
        vm.record();
        vm.prank(address(router));
        bonded.onExitedReported(EXITED);
        (bytes32[] memory reads, ) = vm.accesses(address(bonded));
        assertEq(_distinct(reads), 3, "implementation, bond totals, module totals");
        assertEq(bonded.activeValidators(), 10 - EXITED, "exits counted");
    }

    /// Only the router's calls may book a report, and only the registry's a slash, on either
    /// module: every hostile caller (and the module itself; the router for a slash, the
    /// registry for a report) is refused with NotRouter / NotRegistry, and nothing moves.
    function test_callbacks_revertForAnyoneButTheRouterOrTheRegistry() public {
        address[5] memory callers = [stranger, accounting, admin, address(bonded), address(0)];
        uint256 kb = bonded.kappaBond();
        vm.deal(address(this), 5 ether);
        bonded.topUpBond{value: 5 ether}(0); // a report now would raise κ's bond
        for (uint256 i; i < callers.length; ++i) {
            // The fifth round: the router slashing, the registry reporting.
            (address reporter, address slasher) = i == 4
                ? (moduleRegistry, address(router))
                : (callers[i], callers[i]);
            for (uint256 m; m < 2; ++m) {
                IStakingModule mod =
                    m == 0 ? IStakingModule(address(curated)) : IStakingModule(address(bonded));
                vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRouter.selector, reporter));
                vm.prank(reporter);
                mod.onExitedReported(EXITED);
                vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, slasher));
                vm.prank(slasher);
                mod.onSlash(0, 1 ether, 0, block.timestamp + 1, slasher);
            }
        }
        assertEq(bonded.kappaBond(), kb, "no snapshot taken");
        assertEq(bonded.activeValidators(), 10, "no exits booked (bonded)");
        assertEq(curated.activeValidators(), 10, "no exits booked (curated)");
        assertEq(bonded.getOperator(0).exitRequested, 0, "no bonded exits requested");
        assertEq(curated.getOperator(0).exitRequested, 0, "no curated exits requested");
    }

    /// The router is the implementation's: a module built for another router refuses this one,
    /// obeys that one, and a zero router (or registry) cannot be built.
    function test_router_isTheImplementations() public {
        address other = makeAddr("otherRouter");
        CuratedModule m = CuratedModule(
            address(
                new ERC1967Proxy(
                    address(new CuratedModule(other, moduleRegistry)),
                    abi.encodeCall(CuratedModule.initialize, (admin, operatorManager))
                )
            )
        );
        assertEq(m.router(), other, "router() is the immutable");
        assertEq(curated.router(), address(router), "the fixture's module names its router");
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRouter.selector, address(router)));
        vm.prank(address(router));
        m.onExitedReported(1);
        vm.prank(other);
        m.onExitedReported(1);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new BondedModule(address(0), moduleRegistry);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new BondedModule(address(router), address(0));
    }

    /// κ's bond over several reports: a top-up counts only from the next report, a charge that
    /// takes the total below the snapshot lowers it at once, and each report re-snapshots.
    function test_kappaBond_snapshotAcrossReports() public {
        uint256 total = bonded.totalBond();
        assertEq(bonded.kappaBond(), total, "report 1 took the snapshot");
        vm.deal(address(this), 30 ether);

        bonded.topUpBond{value: 10 ether}(0);
        assertEq(bonded.totalBond(), total + 10 ether, "topped up");
        assertEq(bonded.kappaBond(), total, "a top-up waits for the report");
        _report(0);
        assertEq(bonded.kappaBond(), total + 10 ether, "report 2 counts it");

        bonded.topUpBond{value: 4 ether}(0);
        vm.prank(address(router));
        uint256 charged = bonded.chargeBond(0, 1 ether);
        assertEq(charged, 1 ether, "charged");
        assertEq(bonded.kappaBond(), total + 10 ether, "a charge above the snapshot leaves it");
        vm.prank(address(router));
        charged = bonded.chargeBond(0, 6 ether);
        assertEq(bonded.totalBond(), total + 7 ether, "total after the charges");
        assertEq(bonded.kappaBond(), total + 7 ether, "a charge below the snapshot lowers it at once");

        bonded.topUpBond{value: 16 ether}(0);
        assertEq(bonded.kappaBond(), total + 7 ether, "still the lowered snapshot");
        _report(EXITED);
        assertEq(bonded.kappaBond(), total + 23 ether, "report 3 counts the top-up");
        assertEq(bonded.activeValidators(), 10 - EXITED, "report 3's exits booked");
        _report(EXITED);
        assertEq(bonded.kappaBond(), bonded.totalBond(), "report 4: unchanged snapshot");
        assertEq(bonded.kappaBond(), total + 23 ether, "report 4: unchanged snapshot (value)");
    }

    function _getOperator(uint256 moduleId) private view returns (ModuleBase.Operator memory) {
        return moduleId == 0 ? curated.getOperator(0) : bonded.getOperator(0);
    }

    /// Operator 0's exit word (the record's third slot) in module `mod`, and its slot 1.
    function _opSlots(address mod) private view returns (uint256 slot1, uint256 word) {
        uint256 op = uint256(keccak256(abi.encode(uint256(0), BASE_SLOT + 2)));
        slot1 = uint256(vm.load(mod, bytes32(op + 1)));
        word = uint256(vm.load(mod, bytes32(op + 2)));
    }

    /// An exit request (the ExitManager's path; a slash's `onSlash` shares `_requestExits`)
    /// writes one slot of the operator in both modules, the exit word: exitRequested (low 56
    /// bits) ‖ marker (bit 56) ‖ parts (from bit 64). Slot 1 (exitedKeys ‖ depositable ‖
    /// rewardAddress), where exitRequested lived before, is not written. Every view answers as
    /// before: the deadline is the oldest outstanding part's.
    function test_requestExits_writesTheExitWordOnly() public {
        for (uint256 moduleId; moduleId < 2; ++moduleId) {
            uint256 snap = vm.snapshotState();
            uint256 d1 = block.timestamp + 1 days;
            uint256 d2 = d1 + 1 days;
            _requestTwoParts(moduleId, d1, d2);
            _pruneTheFirst(moduleId, d1, d2);
            vm.revertToState(snap);
        }
    }

    function _module(uint256 moduleId) private view returns (IStakingModule) {
        return moduleId == 0 ? IStakingModule(address(curated)) : IStakingModule(address(bonded));
    }

    /// Requests 4 exits due by `d1`, then 6 due by `d2`: one write each, of the exit word.
    function _requestTwoParts(uint256 moduleId, uint256 d1, uint256 d2) private {
        IStakingModule mod = _module(moduleId);
        uint256 op = uint256(keccak256(abi.encode(uint256(0), BASE_SLOT + 2)));
        (uint256 slot1, uint256 word) = _opSlots(address(mod));
        assertEq(word, MARKER, "a new operator's word: the marker alone");

        vm.record();
        vm.prank(address(exits));
        mod.requestExits(0, 4, d1);
        (, bytes32[] memory writes) = vm.accesses(address(mod));
        assertEq(writes.length, 1, "one write");
        assertEq(uint256(writes[0]), op + 2, "of the exit word");
        uint256 p1 = 4 | (d1 << 24);
        (uint256 slot1After, uint256 wordAfter) = _opSlots(address(mod));
        assertEq(slot1After, slot1, "slot 1 unchanged");
        assertEq(wordAfter, 4 | MARKER | (p1 << 64), "requested 4 | marker | one part");

        // A second part with a later deadline: requested 6, still due by the first's.
        vm.record();
        vm.prank(address(exits));
        mod.requestExits(0, 6, d2);
        (, writes) = vm.accesses(address(mod));
        assertEq(writes.length, 1, "one write (second request)");
        uint256 parts = p1 | ((6 | (d2 << 24)) << 64);
        (slot1After, wordAfter) = _opSlots(address(mod));
        assertEq(slot1After, slot1, "slot 1 still unchanged");
        assertEq(wordAfter, 6 | MARKER | (parts << 64), "requested 6 | marker | two parts");
        _assertTwoParts(moduleId, d1, d2, parts);
    }

    /// Every view of the two parts: as before the pass, the deadline is the oldest part's.
    function _assertTwoParts(uint256 moduleId, uint256 d1, uint256 d2, uint256 parts) private view {
        IStakingModule mod = _module(moduleId);
        (uint256 requested, uint256 deadline) = mod.exitRequestOf(0);
        assertEq(requested, 6, "exitRequestOf: requested");
        assertEq(deadline, d1, "exitRequestOf: the oldest part's deadline");
        ModuleBase.Operator memory o = _getOperator(moduleId);
        assertEq(o.exitRequested, 6, "getOperator.exitRequested");
        assertEq(o.exitDeadline, d1, "getOperator.exitDeadline");
        assertEq(o.exitParts, parts, "getOperator.exitParts");
        assertTrue(o.registered, "getOperator.registered");
        assertEq(o.exitedKeys, 0, "getOperator.exitedKeys");
        assertEq(o.depositedKeys, 10, "getOperator.depositedKeys");
        (uint256[] memory upTo, uint256[] memory deadlines) = mod.exitTranchesOf(0);
        assertEq(upTo.length, 2, "two parts");
        assertEq(upTo[0] * 1e12 + deadlines[0], 4 * 1e12 + d1, "part 0");
        assertEq(upTo[1] * 1e12 + deadlines[1], 6 * 1e12 + d2, "part 1");
        assertFalse(mod.exitOverdue(0), "not yet due");
    }

    /// Past `d1` the operator is overdue; its first 4 exits prune the first part: the deadline
    /// becomes `d2`, the requested count stays 6.
    function _pruneTheFirst(uint256 moduleId, uint256 d1, uint256 d2) private {
        IStakingModule mod = _module(moduleId);
        vm.warp(d1 + 1);
        assertTrue(mod.exitOverdue(0), "the first part overdue");
        uint256[] memory ids = new uint256[](1);
        uint256[] memory exited = new uint256[](1);
        exited[0] = 4;
        vm.prank(address(exits));
        mod.updateExited(ids, exited);
        (, uint256 word) = _opSlots(address(mod));
        assertEq(word, 6 | MARKER | ((6 | (d2 << 24)) << 64), "requested 6 | marker | the second part");
        (uint256 requested, uint256 deadline) = mod.exitRequestOf(0);
        assertEq(requested * 1e12 + deadline, 6 * 1e12 + d2, "exitRequestOf after the prune");
        assertEq(_getOperator(moduleId).exitDeadline, d2, "getOperator.exitDeadline after the prune");
        assertFalse(mod.exitOverdue(0), "the second part not yet due");
        vm.warp(d2 + 1);
        assertTrue(mod.exitOverdue(0), "the second part overdue");
    }

    function _distinct(bytes32[] memory slots) private pure returns (uint256 n) {
        for (uint256 i; i < slots.length; ++i) {
            bool seen;
            for (uint256 j; j < i && !seen; ++j) seen = slots[j] == slots[i];
            if (!seen) ++n;
        }
    }
}
