// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

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
    /// (total ‖ κ's bond) once, the operator's exit request in two slots (exitRequested; parts
    /// ‖ deadline) once each, and nothing of the module totals (depositable ‖ key nonce).
    function test_executeSlash_writesEachModuleSlotOnce() public {
        _topUpTo(10 ether);
        uint256 id = _request(1000);
        _report(); // κ's bond snapshot: the charge lowers it
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 kappaBefore = bonded.kappaBond();

        vm.record();
        registry.executeSlash(id);
        (, bytes32[] memory writes) = vm.accesses(address(bonded));

        uint256 bondSlot = uint256(keccak256(abi.encode(uint256(0), BONDED_SLOT + 3)));
        uint256 opSlot = uint256(keccak256(abi.encode(uint256(0), BASE_SLOT + 2)));
        assertEq(_writes(writes, bondSlot), 1, "bond and lock: one write");
        assertEq(_writes(writes, BONDED_SLOT + 2), 1, "total and kappa bond: one write");
        assertEq(_writes(writes, opSlot + 1), 1, "exitRequested: one write");
        assertEq(_writes(writes, opSlot + 2), 1, "exit parts and deadline: one write");
        assertEq(_writes(writes, BASE_SLOT), 0, "module totals and nonce untouched");
        assertEq(writes.length, 4, "nothing else");

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

    /// The router's `onSlash` for an operator the module never added reverts UnknownOperator on
    /// both modules (the check reads the operator's own slot, not the module totals), and
    /// nothing moves.
    function test_onSlash_unknownOperatorReverts() public {
        for (uint256 m; m < 2; ++m) {
            IStakingModule mod = m == 0 ? IStakingModule(address(curated)) : IStakingModule(address(bonded));
            uint256 unknown = m == 0 ? curated.operatorCount() : bonded.operatorCount();
            uint256 nonce = mod.keyNonce();
            vm.expectRevert(abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, unknown));
            vm.prank(address(router));
            mod.onSlash(unknown, 1 ether, 1 ether, block.timestamp + 1, address(this));
            vm.expectRevert(
                abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, type(uint256).max)
            );
            vm.prank(address(router));
            mod.onSlash(type(uint256).max, 0, 0, block.timestamp + 1, address(this));
            assertEq(mod.keyNonce(), nonce, "nothing moved");
        }
        assertEq(bonded.totalBond(), 10 ether, "both bonds whole");
    }
}
