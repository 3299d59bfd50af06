// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {Vm} from "forge-std/Vm.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract RequestSlashTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup();
        svc = _service(1, 1_000);
        _optIn(svc, 1, 0);
        _allocate(svc, 96 ether, _one(_opKey(1, 0)));
    }

    function _assertNothingRequested() private view {
        assertEq(registry.pendingSlashes().length, 0, "no pending slash");
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 0, "no bond locked");
    }

    function test_requestSlash_recordsAndLocksBond() public {
        vm.expectEmit(address(registry));
        emit IServiceRegistry.SlashRequested(0, svc, 1, 0, 500, bytes32("ev"));
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, 500, bytes32("ev"));
        IServiceRegistry.SlashRequest memory r = registry.getSlash(id);
        assertEq(uint8(r.status), uint8(IServiceRegistry.SlashStatus.Requested), "requested");
        assertEq(r.bps, 500, "bps");
        assertEq(r.requestedAt, block.timestamp, "time");
        assertEq(r.lockedBond, 4.8 ether, "5% of 96 ETH expected");
        assertEq(r.evidence, bytes32("ev"), "evidence");
        uint256[] memory p = registry.pendingSlashes();
        assertEq(p.length, 1, "one pending");
        assertEq(p[0], id, "pending id");
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "bond untouched");
        assertEq(locked, 4.8 ether, "bond locked for the slash");
        assertEq(bonded.withdrawableBond(0), 0, "locked bond not withdrawable");
    }

    /// Fresh slots (zero before, non-zero after) the next request creates.
    function _freshSlotsOfARequest(uint256 bps) private returns (uint256 fresh, uint256 id) {
        uint256 snap = vm.snapshotState();
        vm.record();
        vm.prank(slasher);
        id = registry.requestSlash(svc, 1, 0, bps, bytes32("ev"));
        (, bytes32[] memory writes) = vm.accesses(address(registry));
        bytes32[] memory written = new bytes32[](writes.length);
        for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(registry), writes[i]);
        vm.revertToState(snap);
        for (uint256 i; i < writes.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) seen = seen || writes[j] == writes[i];
            if (!seen && vm.load(address(registry), writes[i]) == 0 && written[i] != 0) ++fresh;
        }
    }

    /// The storage a request creates: its two slots (everything but the evidence packed in
    /// one, the bond lock included), nothing else. The pending bps sit in the operator's stake
    /// slot and the pending count beside the router, which the request reads anyway; the
    /// pending entry shares a slot with seven others (one pending before it here).
    function test_requestSlash_createsOnlyItsTwoRequestSlots() public {
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 400, bytes32("ev")); // locks 3.84 of the 5 ETH bond
        (uint256 fresh, uint256 id) = _freshSlotsOfARequest(500);
        assertEq(fresh, 2, "two request slots");
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 500, bytes32("ev"));
        assertEq(registry.getSlash(id).lockedBond, 1.16 ether, "the rest of the bond is locked");
        uint256[] memory p = registry.pendingSlashes();
        assertEq(p.length, 2, "two pending");
        assertEq(p[1], id, "in request order");
    }

    /// A pending entry is never cleared when it leaves the list: once the list is empty again,
    /// the next request rewrites the first entry's slot instead of filling a fresh one.
    function test_requestSlash_reusesTheLeftPendingEntrySlot() public {
        vm.prank(slasher);
        uint256 first = registry.requestSlash(svc, 1, 0, 400, bytes32("ev"));
        vm.prank(vetoer);
        registry.vetoSlash(first);
        assertEq(registry.pendingSlashes().length, 0, "list empty");
        (uint256 fresh, ) = _freshSlotsOfARequest(500);
        assertEq(fresh, 2, "two request slots, the pending entry rewritten");
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, 500, bytes32("ev"));
        uint256[] memory p = registry.pendingSlashes();
        assertEq(p.length, 1, "one pending");
        assertEq(p[0], id, "the new request");
    }

    /// A curated operator has no bond: the request makes no call to the module nor the router
    /// (the module was found bondless at its operator's opt-in), and its lock stays 0.
    function test_requestSlash_makesNoBondLockCallForABondlessModule() public {
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
        vm.expectCall(address(curated), abi.encodeWithSelector(curated.lockBond.selector), 0);
        vm.expectCall(address(router), "", 0);
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 0, 0, 500, bytes32("ev"));
        IServiceRegistry.SlashRequest memory r = registry.getSlash(id);
        assertEq(r.lockedBond, 0, "nothing locked");
        assertEq(uint8(r.status), uint8(IServiceRegistry.SlashStatus.Requested), "requested");
        assertEq(registry.pendingSlashes().length, 1, "pending");
    }

    /// The bond probe at opt-in: the curated module is marked once (one event at its first
    /// opt-in, none at the next), the bonded module never, so requests against bonded
    /// operators still lock.
    function test_optIn_marksOnlyTheBondlessModuleOnce() public {
        uint256 other = _service(1, 1_000);
        vm.recordLogs();
        _optIn(svc, 0, 0);
        _optIn(other, 0, 0);
        _optIn(other, 1, 0);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 marked;
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter != address(registry) ||
                logs[i].topics[0] != IServiceRegistry.ModuleBondless.selector
            ) continue;
            assertEq(uint256(logs[i].topics[1]), 0, "the curated module");
            ++marked;
        }
        assertEq(marked, 1, "marked once");
        // The bonded operator's lock goes to its module directly, not through the router.
        vm.expectCall(address(bonded), abi.encodeWithSelector(bonded.lockBond.selector), 1);
        vm.expectCall(address(router), "", 0);
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 500, bytes32("ev"));
    }

    /// The registry records each module at its operators' first opt-in (one ModuleRecorded per
    /// module, none at later opt-ins), after the module answered that it takes this registry's
    /// slash calls. setUp's opt-in recorded the bonded module; the curated one is recorded here.
    function test_optIn_recordsEachModuleOnce() public {
        uint256 other = _service(1, 1_000);
        vm.recordLogs();
        _optIn(svc, 0, 0);
        _optIn(other, 0, 0);
        _optIn(other, 1, 0);
        _optIn(svc, 0, 1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 recorded;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] != IServiceRegistry.ModuleRecorded.selector) continue;
            assertEq(logs[i].emitter, address(registry), "the registry's event");
            assertEq(uint256(logs[i].topics[1]), 0, "the curated module's id");
            assertEq(abi.decode(logs[i].data, (address)), address(curated), "the router's module 0");
            ++recorded;
        }
        assertEq(recorded, 1, "once, at its first opt-in");
    }

    /// A module built for another registry would refuse this registry's slash calls, so its
    /// operators could never be slashed: none of them can opt in, and nothing is recorded.
    function test_optIn_refusesAModuleBuiltForAnotherRegistry() public {
        address elsewhere = makeAddr("otherRegistry");
        CuratedModule foreign = CuratedModule(
            address(
                new ERC1967Proxy(
                    address(new CuratedModule(address(router), elsewhere)),
                    abi.encodeCall(CuratedModule.initialize, (admin, operatorManager))
                )
            )
        );
        uint256 moduleId = _addModule(address(foreign), 1, 10_000, 10_000);
        uint256 op = _curatedOperator(foreign, 1);
        address manager = foreign.operatorManager(op);
        vm.recordLogs();
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ModuleRegistryMismatch.selector,
                address(foreign),
                elsewhere
            )
        );
        vm.prank(manager);
        registry.optIn(svc, moduleId, op);
        assertEq(vm.getRecordedLogs().length, 0, "nothing recorded");
    }

    function test_requestSlash_revertsForNonSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotSlasher.selector, svc, stranger));
        vm.prank(stranger);
        registry.requestSlash(svc, 1, 0, 500, bytes32("ev"));
        _assertNothingRequested();
    }

    function test_requestSlash_revertsAboveMaxSlashBps() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.SlashBpsTooHigh.selector, 1_001, 1_000));
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 1_001, bytes32("ev"));
        _assertNothingRequested();
    }

    function test_requestSlash_revertsOnZeroBps() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.SlashBpsTooHigh.selector, 0, 1_000));
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 0, bytes32("ev"));
        _assertNothingRequested();
    }

    function test_requestSlash_revertsOnNoStake() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NoStake.selector, svc, 1, 1));
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 1, 500, bytes32("ev"));
        _assertNothingRequested();
    }

    function test_requestSlash_revertsOnUnknownService() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownService.selector, 5));
        vm.prank(slasher);
        registry.requestSlash(5, 1, 0, 500, bytes32("ev"));
        _assertNothingRequested();
    }

    function test_requestSlash_fuzzBpsWithinMax(uint256 bps) public {
        bps = bound(bps, 1, 1_000);
        (uint256 bond, uint256 lockedBefore) = bonded.bondOf(0);
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, bps, bytes32("ev"));
        uint256 expected = (96 ether * bps) / 10_000;
        uint256 free = bond - lockedBefore;
        assertEq(
            registry.getSlash(id).lockedBond,
            expected < free ? expected : free,
            "lock = min(expected, free bond)"
        );
    }

    /// A second request locks only what is left of the bond, and its veto releases exactly that:
    /// the first request's lock stays whole (this was a finding: the veto used to release the
    /// full expected amount).
    function test_vetoSlash_releasesOnlyItsOwnLock() public {
        vm.startPrank(slasher);
        registry.requestSlash(svc, 1, 0, 500, bytes32("a")); // expects 4.8, locks 4.8
        uint256 second = registry.requestSlash(svc, 1, 0, 500, bytes32("b")); // locks the last 0.2
        vm.stopPrank();
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 5 ether, "lock capped at the bond");
        vm.prank(vetoer);
        registry.vetoSlash(second);
        (, locked) = bonded.bondOf(0);
        assertEq(locked, 4.8 ether, "first request's 4.8 ETH lock intact");
    }
}
