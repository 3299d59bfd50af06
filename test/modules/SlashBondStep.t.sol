// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IBondedModule} from "../../contracts/interfaces/IBondedModule.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";

/// @dev The module's step of an executed slash (gas pass "modslash"): the lock released and the
/// charge taken in one bond write, κ's bond lowered in the totals' one write, the depositable
/// keys refreshed (and the key nonce bumped) only if the free bond moved, the exit request's
/// parts and deadline in one write. Bonded operator 0 has 3 active validators and 5 more keys
/// uploaded; it secures 96 ETH of a tier-1 service with a 100% max slash. Events are matched by
/// their signatures so this file also builds against the contracts before the change.
contract SlashBondStepTest is ServicesFixture {
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.BondedModule")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant BONDED_SLOT = 0xa32fa79a18aad4ac9d8986acedbb7f7771ecfc4084cfc71192edef2b11120000;
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ModuleBase")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant BASE_SLOT = 0x26e13468e3f5ab206c492c6efa3f2d4400de346ad6be0b2f4bfcb78b92f83500;
    bytes32 private constant KEY_NONCE_CHANGED = keccak256("KeyNonceChanged(uint256)");
    bytes32 private constant BOND_SLASHED = keccak256("BondSlashed(uint256,uint256,uint256,uint256,uint256)");
    bytes32 private constant BOND_LOCK_CHANGED = keccak256("BondLockChanged(uint256,uint256)");
    bytes32 private constant BOND_CHARGED = keccak256("BondCharged(uint256,uint256,uint256,uint256)");

    uint256 private svc;
    address private manager;
    address private reputationManager = makeAddr("reputationManager");

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
        manager = bonded.operatorManager(0);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), 0, 3, 5);
        vm.prank(manager);
        bonded.addKeys(0, pks, sigs);
        bytes32 role = bonded.REPUTATION_MANAGER_ROLE();
        vm.prank(admin);
        bonded.grantRole(role, reputationManager);
    }

    function _topUpTo(uint256 target) private {
        _topUpBondTo(0, target);
    }

    function _request(uint256 bps) private returns (uint256) {
        return _slashRequest(svc, 1, 0, bps);
    }

    function _count(Vm.Log[] memory logs, bytes32 topic) private view returns (uint256 n) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(bonded) && logs[i].topics[0] == topic) ++n;
        }
    }

    function _writes(bytes32[] memory writes, uint256 slot) private pure returns (uint256 n) {
        for (uint256 i; i < writes.length; ++i) if (uint256(writes[i]) == slot) ++n;
    }

    /// @dev The cached depositable counts match a fresh computation: a forced refresh (marking
    /// the operator proven, then not) moves neither them nor the key nonce.
    function _assertDepositableFresh(string memory where) private {
        uint256 nonce = bonded.keyNonce();
        uint256 depositable = bonded.getOperator(0).depositable;
        uint256 total = bonded.depositableKeys();
        vm.prank(reputationManager);
        bonded.setOperatorProven(0, false);
        assertEq(bonded.keyNonce(), nonce, string.concat("no refresh was owed: ", where));
        assertEq(bonded.getOperator(0).depositable, depositable, string.concat("depositable: ", where));
        assertEq(bonded.depositableKeys(), total, string.concat("module total: ", where));
    }

    /// A slash whose lock the bond covers releases the lock and takes the charge without
    /// moving the free bond: the depositable keys and the key nonce (the guardians'
    /// attestations) stay as they were. Before this pass the nonce was bumped twice (the
    /// release made 3 keys depositable, the charge took them back).
    function test_executeSlash_bondCovers_keepsTheKeyNonce() public {
        _topUpTo(10 ether); // free 10 ETH: 6 keys, 3 of them depositable
        assertEq(bonded.getOperator(0).depositable, 3, "3 undeposited keys covered");
        uint256 id = _request(1000); // 9.6 ETH locked: free 0.4 ETH covers none
        assertEq(bonded.getOperator(0).depositable, 0, "the lock holds the bond");
        uint256 nonce = bonded.keyNonce();
        vm.warp(block.timestamp + VETO_WINDOW);

        vm.recordLogs();
        registry.executeSlash(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 0.4 ether, "the lock's 9.6 ETH charged");
        assertEq(locked, 0, "the lock released");
        assertEq(bonded.keyNonce(), nonce, "the key nonce did not move");
        assertEq(_count(logs, KEY_NONCE_CHANGED), 0, "no KeyNonceChanged");
        assertEq(bonded.getOperator(0).depositable, 0, "still none depositable");
        assertEq(_count(logs, BOND_SLASHED), 1, "one event for the bond step");
        assertEq(_count(logs, BOND_LOCK_CHANGED) + _count(logs, BOND_CHARGED), 0, "in place of two");
        _assertDepositableFresh("after the slash");
    }

    /// The module's writes for that slash: the bond (amount ‖ lock) once, the bond totals
    /// (total ‖ κ's bond) once, the operator's exit request in one slot (the exit word:
    /// exitRequested ‖ marker ‖ parts, gas pass "exitpack"; slot 1 was written beside it
    /// before), and nothing of the module totals (depositable ‖ key nonce).
    function test_executeSlash_writesEachModuleSlotOnce() public {
        _topUpTo(10 ether);
        uint256 id = _request(1000);
        _report(); // κ's bond snapshot: the charge lowers it
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 kappaBefore = bonded.kappaBond();
        uint256 opSlot = uint256(keccak256(abi.encode(uint256(0), BASE_SLOT + 2)));
        bytes32 slot1Before = vm.load(address(bonded), bytes32(opSlot + 1));

        vm.record();
        registry.executeSlash(id);
        (, bytes32[] memory writes) = vm.accesses(address(bonded));

        uint256 bondSlot = uint256(keccak256(abi.encode(uint256(0), BONDED_SLOT + 3)));
        assertEq(_writes(writes, bondSlot), 1, "bond and lock: one write");
        assertEq(_writes(writes, BONDED_SLOT + 2), 1, "total and kappa bond: one write");
        assertEq(_writes(writes, opSlot + 1), 0, "slot 1 (exited, depositable, reward): not written");
        assertEq(_writes(writes, opSlot + 2), 1, "exitRequested and parts: one write");
        assertEq(_writes(writes, BASE_SLOT), 0, "module totals and nonce untouched");
        assertEq(writes.length, 3, "nothing else");
        assertEq(vm.load(address(bonded), bytes32(opSlot + 1)), slot1Before, "slot 1 unchanged");
        // The exit word: exitRequested 3 (low 56 bits) ‖ the marker (bit 56) ‖ one part
        // (upTo 3 ‖ deadline) from bit 64.
        uint256 part = 3 | ((block.timestamp + EXIT_DEADLINE) << 24);
        assertEq(
            uint256(vm.load(address(bonded), bytes32(opSlot + 2))),
            3 | (1 << 56) | (part << 64),
            "the word"
        );

        assertEq(bonded.kappaBond(), kappaBefore - 9.6 ether, "kappa lowered by the charge");
        assertEq(bonded.kappaBond(), bonded.totalBond(), "to the new total");
        assertEq(bonded.getOperator(0).exitDeadline, block.timestamp + EXIT_DEADLINE, "by the exit deadline");
        (uint256[] memory upTo, uint256[] memory deadlines) = bonded.exitTranchesOf(0);
        assertEq(upTo.length, 1, "one part");
        assertEq(upTo[0], 3, "every active validator");
        assertEq(deadlines[0], block.timestamp + EXIT_DEADLINE, "its deadline");
    }

    /// A slash the bond does not cover moves the free bond: the depositable keys are refreshed
    /// once (one nonce bump), and the lock is released in full.
    function test_executeSlash_bondShort_refreshesOnce() public {
        _topUpTo(12 ether); // free 12 ETH: 8 keys (all), 5 depositable
        assertEq(bonded.getOperator(0).depositable, 5, "every undeposited key covered");
        uint256 id = _request(10_000); // 96 ETH asked: the whole bond locked
        (uint256 bond0, uint256 locked0) = bonded.bondOf(0);
        assertEq(locked0, bond0, "all of it locked");
        uint256 nonce = bonded.keyNonce();
        uint256 totalBefore = bonded.totalBond();
        vm.warp(block.timestamp + VETO_WINDOW);

        vm.recordLogs();
        registry.executeSlash(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 0, "the whole bond charged");
        assertEq(locked, 0, "the lock released");
        assertEq(bonded.totalBond(), totalBefore - bond0, "the total lowered by the charge");
        // The lock had taken the depositable keys to 0 already: nothing moved.
        assertEq(bonded.keyNonce(), nonce, "no refresh owed");
        assertEq(_count(logs, KEY_NONCE_CHANGED), 0, "no KeyNonceChanged");
        _assertDepositableFresh("after a short bond");
    }

    /// A lock smaller than the charge: the release adds free bond, the charge takes more than
    /// the release, so the free bond falls and the depositable keys with it (one bump).
    function test_executeSlash_chargeAboveTheLock_bumpsTheNonceOnce() public {
        _topUpTo(12 ether);
        uint256 id = _request(1000); // 9.6 ETH locked, free 2.4 ETH: 1 key
        assertEq(bonded.getOperator(0).depositable, 0, "1 key covered, 3 deposited");
        // A second request locks the rest; the first's execution takes its own 9.6 ETH only.
        uint256 id2 = _request(1000); // 2.4 ETH more locked (all the bond)
        (, uint256 locked0) = bonded.bondOf(0);
        assertEq(locked0, 12 ether, "the whole bond locked");
        vm.warp(block.timestamp + VETO_WINDOW);
        _topUpTo(25 ether); // free 13 ETH: 9 keys, every one of the 8 (5 depositable)
        assertEq(bonded.getOperator(0).depositable, 5, "topped up");
        uint256 nonce = bonded.keyNonce();

        vm.recordLogs();
        registry.executeSlash(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 15.4 ether, "9.6 ETH charged");
        assertEq(locked, 2.4 ether, "the second request's lock stays");
        assertEq(bonded.keyNonce(), nonce, "free 13 ETH before and after: no bump");
        assertEq(_count(logs, KEY_NONCE_CHANGED), 0, "no KeyNonceChanged");

        // The second request: its 2.4 ETH lock released, 10% of the 86.4 ETH stake left after
        // the first (8.64 ETH) charged from 15.4 ETH free.
        vm.recordLogs();
        registry.executeSlash(id2);
        logs = vm.getRecordedLogs();
        (bond, locked) = bonded.bondOf(0);
        assertEq(bond, 6.76 ether, "8.64 ETH charged");
        assertEq(locked, 0, "no lock left");
        // Free 13 → 6.76 ETH: 4 keys, 1 depositable.
        assertEq(bonded.getOperator(0).depositable, 1, "the free bond fell");
        assertEq(bonded.keyNonce(), nonce + 1, "one bump");
        assertEq(_count(logs, KEY_NONCE_CHANGED), 1, "one KeyNonceChanged");
        _assertDepositableFresh("after the second slash");
    }

    /// Slashes across report frames: each execution's bond, lock, totals and κ's bond, and the
    /// operator's exit request (the earlier deadline kept) stay what the separate steps gave.
    function test_executeSlash_sequenceAcrossFrames() public {
        _topUpTo(30 ether);
        uint256 a = _request(500); // 4.8 ETH locked
        uint256 b = _request(500); // 4.8 ETH more
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 9.6 ether, "two locks");
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 firstDeadline = block.timestamp + EXIT_DEADLINE;
        registry.executeSlash(a);
        (uint256 bond, uint256 lockedA) = bonded.bondOf(0);
        assertEq(bond, 25.2 ether, "a: 4.8 ETH charged");
        assertEq(lockedA, 4.8 ether, "b's lock stays");
        assertEq(bonded.getOperator(0).exitDeadline, firstDeadline, "a: exits by its deadline");
        _assertDepositableFresh("after a");

        _report(); // a frame later: κ's bond snapshot
        assertEq(bonded.kappaBond(), bonded.totalBond(), "snapshot");
        uint256 total = bonded.totalBond();
        registry.executeSlash(b);
        (bond, locked) = bonded.bondOf(0);
        // 5% of the 91.2 ETH stake the first slash left.
        assertEq(bond, 20.64 ether, "b: 4.56 ETH charged");
        assertEq(locked, 0, "no lock left");
        assertEq(bonded.totalBond(), total - 4.56 ether, "total lowered");
        assertEq(bonded.kappaBond(), total - 4.56 ether, "kappa lowered with it");
        assertEq(bonded.getOperator(0).exitDeadline, firstDeadline, "b: the earlier deadline kept");
        assertEq(bonded.getOperator(0).exitRequested, 3, "every active validator once");
        _assertDepositableFresh("after b");
    }

    /// The registry's `onSlash` for an operator the module never added reverts UnknownOperator on
    /// both modules (the check reads the operator's own slot, not the module totals), and
    /// nothing moves.
    function test_onSlash_unknownOperatorReverts() public {
        for (uint256 m; m < 2; ++m) {
            IStakingModule mod = m == 0 ? IStakingModule(address(curated)) : IStakingModule(address(bonded));
            uint256 unknown = m == 0 ? curated.operatorCount() : bonded.operatorCount();
            uint256 nonce = mod.keyNonce();
            vm.expectRevert(abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, unknown));
            vm.prank(address(registry));
            mod.onSlash(unknown, 1 ether, 1 ether, block.timestamp + 1, address(this));
            vm.expectRevert(
                abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, type(uint256).max)
            );
            vm.prank(address(registry));
            mod.onSlash(type(uint256).max, 0, 0, block.timestamp + 1, address(this));
            assertEq(mod.keyNonce(), nonce, "nothing moved");
        }
        assertEq(bonded.totalBond(), 10 ether, "both bonds whole");
    }

    // ----------------------------------------------------------------
    // Moved from its own file (one system-embedding test contract less: the coverage build's
    // output is bounded by the wasm solc's memory, scripts/coverage-build.ts).
    // The operator's exit word (gas pass "exitword"): the slot of the exit parts (and, since gas
    // pass "exitpack", of `exitRequested`, in place of a cached `exitDeadline`) is never zero from
    // the operator's creation on (a marker set by `_newOperator` and kept by every write), so no
    // exit request fills a fresh slot; the deadline views still read 0 when nothing is
    // outstanding. And the router's slash/lock/unlock find their module without the
    // array's length, still refusing an unknown module. Curated operator 0 and bonded operator 0
    // each have 3 active validators and secure 96 ETH of a tier-1 service.

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.StakingRouter")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant ROUTER_SLOT = 0x1d7422f1ab79353861a3f5d808f4944ef0879ec6e6a4c9afa8730aeb6cebc000;
    uint256 private constant MODULES_FIELD = 4; // RouterStore.modules
    uint256 private constant MODULE_SLOTS = 3; // slots per ModuleRecord; `module` is the third

    function _module(uint256 moduleId) private view returns (IStakingModule) {
        return IStakingModule(router.getModule(moduleId).module);
    }

    /// @dev The raw third slot of the operator's record (`exitRequested` ‖ marker ‖ parts).
    function _exitWord(uint256 moduleId, uint256 operatorId) private view returns (uint256) {
        uint256 op = uint256(keccak256(abi.encode(operatorId, BASE_SLOT + 2)));
        return uint256(vm.load(address(_module(moduleId)), bytes32(op + 2)));
    }

    function _assertNothingOutstanding(
        uint256 moduleId,
        uint256 operatorId,
        string memory where
    ) private view {
        IStakingModule m = _module(moduleId);
        (, uint256 deadline) = m.exitRequestOf(operatorId);
        assertEq(deadline, 0, string.concat("exitRequestOf: no deadline: ", where));
        uint256 field =
            moduleId == 0
                ? curated.getOperator(operatorId).exitDeadline
                : bonded.getOperator(operatorId).exitDeadline;
        assertEq(field, 0, string.concat("getOperator.exitDeadline: 0: ", where));
        (uint256[] memory upTo, ) = m.exitTranchesOf(operatorId);
        assertEq(upTo.length, 0, string.concat("no parts: ", where));
        assertFalse(m.exitOverdue(operatorId), string.concat("not overdue: ", where));
    }

    /// A new operator's exit word is already written (non-zero) in both modules, and every view
    /// reads no deadline and no parts.
    function test_newOperator_exitWordIsNonZero() public {
        uint256 c = _curatedOperator(curated, 0);
        (uint256 b, ) = _bondedOperator(1);
        assertNotEq(_exitWord(0, c), 0, "curated: the word is written at creation");
        assertNotEq(_exitWord(1, b), 0, "bonded: the word is written at creation");
        assertTrue(curated.getOperator(c).registered, "curated: marker");
        assertTrue(bonded.getOperator(b).registered, "bonded: marker");
        _assertNothingOutstanding(0, c, "new curated operator");
        _assertNothingOutstanding(1, b, "new bonded operator");
    }

    /// Every exited validator pruned from the schedule leaves the word non-zero (the marker and
    /// `exitRequested`, which the prune keeps), with the deadline and the parts back to 0; the
    /// next request rewrites it.
    function test_fullExitAndPrune_keepsTheWordNonZero() public {
        uint256 deadline = block.timestamp + 1 days;
        for (uint256 moduleId; moduleId < 2; ++moduleId) {
            IStakingModule m = _module(moduleId);
            vm.prank(address(exits));
            m.requestExits(0, 3, deadline);
            (uint256 requested, uint256 due) = m.exitRequestOf(0);
            assertEq(requested, 3, "three asked");
            assertEq(due, deadline, "deadline set");
            uint256[] memory ids = new uint256[](1);
            uint256[] memory exited = new uint256[](1);
            exited[0] = 3;
            vm.prank(address(exits));
            m.updateExited(ids, exited);
            assertNotEq(_exitWord(moduleId, 0), 0, "the pruned word keeps its marker");
            assertEq(_exitWord(moduleId, 0), 3 | (1 << 56), "requested 3 and the marker, no parts");
            (requested, ) = m.exitRequestOf(0);
            assertEq(requested, 3, "the prune keeps the requested count");
            _assertNothingOutstanding(moduleId, 0, "after the full prune");
        }
    }

    /// An executed slash of an operator never asked to exit: the word is non-zero before it, the
    /// exit request is the same as before the pass (deadline, one part, the event), and the
    /// module fills no fresh slot (the curated row paid 20,000 for one).
    function test_executeSlash_firstExitRequestFillsNoFreshSlot() public {
        for (uint256 moduleId; moduleId < 2; ++moduleId) {
            IStakingModule m = _module(moduleId);
            vm.prank(slasher);
            uint256 id = registry.requestSlash(svc, moduleId, 0, 100, bytes32("ev"));
            vm.warp(block.timestamp + VETO_WINDOW);
            assertNotEq(_exitWord(moduleId, 0), 0, "the word is written before the slash");
            _assertNothingOutstanding(moduleId, 0, "before the slash");

            uint256 snap = vm.snapshotState();
            vm.record();
            vm.expectEmit(address(m));
            emit IStakingModule.ExitRequested(0, 3, block.timestamp + EXIT_DEADLINE);
            registry.executeSlash(id);
            (, bytes32[] memory writes) = vm.accesses(address(m));
            bytes32[] memory written = new bytes32[](writes.length);
            for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(m), writes[i]);
            (uint256 requested, uint256 due) = m.exitRequestOf(0);
            assertEq(requested, 3, "every active validator asked to exit");
            assertEq(due, block.timestamp + EXIT_DEADLINE, "by the exit deadline");
            (uint256[] memory upTo, uint256[] memory deadlines) = m.exitTranchesOf(0);
            assertEq(upTo.length, 1, "one part");
            assertEq(upTo[0], 3, "up to every active validator");
            assertEq(deadlines[0], block.timestamp + EXIT_DEADLINE, "its deadline");
            vm.revertToState(snap);

            uint256 fresh;
            for (uint256 i; i < writes.length; ++i) {
                bool seen;
                for (uint256 j; j < i; ++j) seen = seen || writes[j] == writes[i];
                if (!seen && vm.load(address(m), writes[i]) == 0 && written[i] != 0) ++fresh;
            }
            assertEq(fresh, 0, "no fresh module slot");
            registry.executeSlash(id);
        }
    }

    /// A module id whose record slot would alias `target` in the router's storage.
    function _aliasing(uint256 target) private pure returns (uint256 id) {
        uint256 data = uint256(keccak256(abi.encode(ROUTER_SLOT + MODULES_FIELD)));
        unchecked {
            // 3 · 0xAAAA…AAAB ≡ 1 (mod 2^256): the inverse of MODULE_SLOTS.
            id = (target - 2 - data) * 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab;
            require(data + id * MODULE_SLOTS + 2 == target, "aliasing id");
        }
    }

    /// The router's slash penalty refuses a module id past the array's end (below MAX_MODULES:
    /// a record never written) and one whose record would alias a non-zero router slot (the
    /// deposit contract's address), even from the registry (SERVICES_ROLE).
    function test_penalizeSlash_revertsOnUnknownModule() public {
        uint256 aliased = _aliasing(ROUTER_SLOT);
        assertNotEq(uint256(vm.load(address(router), bytes32(ROUTER_SLOT))), 0, "a non-zero slot");
        uint256[3] memory ids = [router.moduleCount(), 31, aliased];
        for (uint256 i; i < ids.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, ids[i]));
            vm.prank(address(registry));
            router.penalizeSlash(ids[i], 1 ether, 100);
        }
    }

    // ----------------------------------------------------------------
    // Bond locks (was test/services/BondLock.t.sol: the same set-up, one system-embedding test
    // contract less for the coverage build, scripts/coverage-build.ts).
    // Bond held for a pending service slash (review finding 7): a report's bond charge takes
    // free bond only, a lock is released only by its own execution or veto, and an execution takes
    // other requests' locks only when its own lock and the free bond fall short. Bonded operator 0 has 3 active validators (5 ETH of curve bond)
    // and secures 96 ETH of a tier-1 service with a 100% max slash.

    /// @dev An honest report: bonded operator 0's validators lost `loss`, reported as its loss.
    function _reportLoss(uint256 loss) private {
        IAccounting.Report memory r = _neutralReport();
        r.modules[1].clBalance -= uint128(loss);
        r.losses = new IAccounting.OperatorLoss[](1);
        r.losses[0] = IAccounting.OperatorLoss({moduleId: 1, operatorId: 0, amount: uint128(loss)});
        _submit(r);
    }

    /// The measured scenario: 25 ETH bond, 9.6 ETH locked, a report charges 8 ETH.
    function test_chargeBond_takesFreeBondAndKeepsTheLock() public {
        _topUpTo(25 ether);
        uint256 id = _request(1000);
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 9.6 ether, "10% of 96 ETH locked");

        _reportLoss(8 ether);
        (uint256 bond, uint256 lockedAfter) = bonded.bondOf(0);
        assertEq(bond, 17 ether, "the report charged 8 ETH");
        assertEq(lockedAfter, 9.6 ether, "the lock of the pending slash is intact");
        // 17 − 9.6 locked − 5.0 for the 3 active validators (was 10.4 before the fix).
        assertEq(bonded.withdrawableBond(0), 2.4 ether, "only free bond above the curve is withdrawable");

        vm.prank(manager);
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.BondLocked.selector, 0, 2.5 ether, 2.4 ether));
        bonded.withdrawBond(0, 2.5 ether, manager);
        vm.prank(manager);
        bonded.withdrawBond(0, 2.4 ether, manager);

        // The slash lands on the bond alone: class C keeps every wei.
        (, , uint256 c) = _navs();
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        (, , uint256 c2) = _navs();
        assertEq(c2, c, "class C untouched: the locked bond paid the slash (3 ETH before the fix)");
        (bond, locked) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "14.6 - 9.6: the curve bond of the 3 validators is left");
        assertEq(locked, 0, "the executed request released its lock");
        _assertNavWithinPooled("after slash");
    }

    /// A report loss above the free bond leaves the lock alone; the rest goes to the classes.
    function test_chargeBond_neverChargesLockedBond() public {
        _request(1000); // 9.6 ETH of the 5 ETH bond: lock capped at 5 ETH
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 5 ether, "lock capped by the bond");
        _reportLoss(3 ether);
        (uint256 bond, uint256 lockedAfter) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "no free bond: nothing charged");
        assertEq(lockedAfter, 5 ether, "lock intact");
        assertEq(bonded.withdrawableBond(0), 0, "a locked bond is never withdrawable");
    }

    /// An execution larger than its own lock takes free bond, never another request's lock.
    function test_executeSlash_neverTakesOtherRequestsLocks() public {
        uint256 first = _request(1000); // expects 9.6 ETH, lock capped at the 5 ETH bond
        _topUpTo(25 ether);
        _request(1000); // locks 9.6 ETH
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 14.6 ether, "both locks");

        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(first);
        (uint256 bond, uint256 lockedAfter) = bonded.bondOf(0);
        assertEq(bond, 15.4 ether, "9.6 ETH charged: its own 5 ETH lock plus 4.6 ETH of free bond");
        assertEq(lockedAfter, 9.6 ether, "the second request's lock is intact (5 ETH before the fix)");
        assertEq(bonded.withdrawableBond(0), 0.8 ether, "15.4 - 9.6 locked - 5.0 curve");
    }

    /// An execution whose own lock and the free bond fall short takes the other requests' locks
    /// before any class loses (CI invariant counterexample, stop 22: the classes lost 4.6 ETH while
    /// 20 ETH of bond sat locked for a request that could still be vetoed). The other request keeps
    /// what is left, and its veto then frees exactly that.
    function test_executeSlash_takesOtherLocksBeforeTheClasses() public {
        uint256 first = _request(1000); // expects 9.6 ETH, lock capped at the 5 ETH bond
        vm.warp(block.timestamp + VETO_WINDOW / 2); // the second stays vetoable after the first
        _topUpTo(25 ether);
        uint256 second = _request(2500); // expects 24 ETH, locks the 20 ETH left
        assertEq(registry.getSlash(second).lockedBond, 20 ether, "second lock");
        (uint256 a0, uint256 b0, uint256 c0) = _navs();

        vm.warp(uint256(registry.getSlash(first).requestedAt) + VETO_WINDOW);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.SlashLockTaken(second, 4.6 ether, 15.4 ether);
        registry.executeSlash(first);
        (uint256 a1, uint256 b1, uint256 c1) = _navs();
        assertEq(a1 + b1 + c1, a0 + b0 + c0, "the bond covered all 9.6 ETH: no class lost");
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 15.4 ether, "9.6 ETH charged");
        assertEq(locked, 15.4 ether, "the second request keeps what is left");
        assertEq(registry.getSlash(second).lockedBond, locked, "its record follows");

        vm.prank(vetoer);
        registry.vetoSlash(second);
        (, locked) = bonded.bondOf(0);
        assertEq(locked, 0, "the veto frees exactly the second request's lock");
    }

    /// A veto releases exactly its own lock.
    function test_vetoSlash_releasesOnlyItsOwnLock() public {
        _topUpTo(25 ether);
        uint256 first = _request(1000);
        _request(2000);
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 25 ether, "9.6 + 19.2 ETH of locks capped by the 25 ETH bond");
        vm.prank(vetoer);
        registry.vetoSlash(first);
        (, uint256 lockedAfter) = bonded.bondOf(0);
        assertEq(lockedAfter, 25 ether - 9.6 ether, "the second request keeps its 15.4 ETH lock");
    }
}
