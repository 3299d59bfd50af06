// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract DepositToBeaconTest is RouterFixture {
    bytes32 private constant DEPOSIT_EVENT = keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)");

    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 2);
        _curatedOperator(curated, 2);
        _bondedOperator(3);
    }

    // ---------------------------------------------------------------- helpers

    struct Snap {
        uint256 buffered;
        bytes depositCount;
        uint64 deposited0;
        uint64 deposited1;
        uint256 dcBalance;
    }

    function _snap() private view returns (Snap memory s) {
        s.buffered = pool.buffered();
        s.depositCount = dc.get_deposit_count();
        s.deposited0 = router.getModule(0).deposited;
        s.deposited1 = router.getModule(1).deposited;
        s.dcBalance = address(dc).balance;
    }

    function _assertUnchanged(Snap memory s) private view {
        Snap memory n = _snap();
        assertEq(n.buffered, s.buffered, "buffered unchanged");
        assertEq(n.depositCount, s.depositCount, "deposit count unchanged");
        assertEq(n.deposited0, s.deposited0, "module 0 unchanged");
        assertEq(n.deposited1, s.deposited1, "module 1 unchanged");
        assertEq(n.dcBalance, s.dcBalance, "deposit contract balance unchanged");
    }

    function _prepare(
        uint256 id,
        uint256 n
    ) private returns (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) {
        (uint256[] memory alloc, ) = router.previewAllocation(n);
        mk = _moduleKeysOf(id, alloc[id]);
        a = _attest(id);
    }

    // ---------------------------------------------------------------- happy path

    function test_depositToBeacon_depositsAllocatedKeys() public {
        _fund(4);
        (uint256[] memory alloc, uint256 total) = router.previewAllocation(4);
        assertEq(total, 4, "all four allocatable");
        assertEq(alloc[0], 2, "curated gets half");
        assertEq(alloc[1], 2, "bonded gets half");
        IStakingRouter.ModuleKeys[] memory mk = _moduleKeys(alloc);
        IDepositSecurity.Attestation memory a0 = _attest(0);
        IDepositSecurity.Attestation memory a1 = _attest(1);
        uint256 nonceBefore = curated.keyNonce();

        vm.recordLogs();
        vm.prank(keeper);
        uint256 deposited = router.depositToBeacon(0, 4, mk[0], a0);
        assertEq(deposited, 2, "module 0's share");
        assertEq(router.getModule(1).deposited, 0, "module 1's share stays buffered for its own call");
        // The root moved with module 0's deposits: module 1 needs an attestation over it.
        a1 = _attest(1);
        vm.prank(keeper);
        deposited += router.depositToBeacon(1, 2, mk[1], a1);

        assertEq(deposited, 4, "returned counts");
        assertEq(dc.get_deposit_count(), abi.encodePacked(_le64(4)), "deposit contract count");
        assertEq(address(dc).balance, 128 ether, "deposit contract holds 4 x 32 ETH");
        assertEq(pool.buffered(), 0, "buffered decreased by 128 ETH");
        assertEq(router.getModule(0).deposited, 2, "curated deposited");
        assertEq(router.getModule(1).deposited, 2, "bonded deposited");
        assertEq(router.transientBalance(), 128 ether, "transient");
        assertEq(curated.getOperator(0).depositedKeys, 2, "curated op 0 keys used first");
        assertEq(bonded.getOperator(0).depositedKeys, 2, "bonded op keys used");
        assertGt(curated.keyNonce(), nonceBefore, "deposits bump the nonce");

        bytes memory wc = abi.encodePacked(bytes1(0x01), bytes11(0), address(wv));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(dc) || logs[i].topics[0] != DEPOSIT_EVENT) continue;
            (bytes memory pk, bytes memory gotWc, bytes memory amount, , bytes memory index) = abi.decode(
                logs[i].data,
                (bytes, bytes, bytes, bytes, bytes)
            );
            assertEq(gotWc, wc, "withdrawal credentials 0x01 ++ 0 ++ vault");
            assertEq(amount, abi.encodePacked(_le64(32 gwei)), "32 ETH in gwei, little endian");
            assertEq(index, abi.encodePacked(_le64(uint64(seen))), "index");
            bytes memory expected =
                seen < 2 ? _pubkey(address(curated), 0, seen) : _pubkey(address(bonded), 0, seen - 2);
            assertEq(pk, expected, "keys in module order, depositPlan order within");
            ++seen;
        }
        assertEq(seen, 4, "four DepositEvents");
    }

    function test_depositToBeacon_rotatesOperatorsAcrossCalls() public {
        _fund(4);
        assertEq(_depositAll(4), 4, "first");
        // curated cursor moved past operator 0: the next plan starts at operator 1
        (uint256[] memory ops, uint256[] memory firsts, ) = curated.depositPlan(1);
        assertEq(ops[0], 1, "rotation to operator 1");
        assertEq(firsts[0], 0, "its first key");
        vm.prank(pauser);
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Paused);
        _fund(2);
        assertEq(_depositAll(2), 2, "second");
        assertEq(curated.getOperator(1).depositedKeys, 2, "operator 1 used");
        assertEq(curated.getOperator(0).depositedKeys, 2, "operator 0 untouched");
    }

    function test_depositToBeacon_respectsMaxCount() public {
        _fund(4);
        assertEq(_depositAll(2), 2, "bounded by maxCount");
        assertEq(pool.buffered(), 64 ether, "rest stays buffered");
    }

    function test_depositToBeacon_anyCallerWithQuorum() public {
        // Deposits are permissionless (DESIGN §1: keeper = anyone); the guardians are the gate.
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        vm.prank(stranger);
        assertEq(router.depositToBeacon(0, 2, mk, a), 1, "stranger deposits with a quorum");
    }

    // ---------------------------------------------------------------- bad input

    function test_depositToBeacon_revertsWithoutQuorum() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        a.signatures = new IDepositSecurity.Signature[](0);
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.QuorumNotReached.selector, 0, QUORUM));
        vm.prank(stranger);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsOnUnknownModule() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, 2));
        vm.prank(keeper);
        router.depositToBeacon(2, 2, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsForPausedModule() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, ) = _prepare(0, 2); // planned while active
        vm.prank(pauser);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Paused);
        IDepositSecurity.Attestation memory a = _attest(0);
        Snap memory s = _snap();
        vm.expectRevert(IStakingRouter.NothingToDeposit.selector);
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
        (uint256[] memory alloc, ) = router.previewAllocation(2);
        assertEq(alloc[0], 0, "paused module gets nothing");
        assertEq(alloc[1], 2, "the rest goes to the active module");
    }

    function test_depositToBeacon_revertsWithAttestationForAnotherModule() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, ) = _prepare(0, 2);
        IDepositSecurity.Attestation memory a = _attest(1);
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.WrongModule.selector, 0, 1));
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
    }

    /// Finding 4 (issue 12): any key upload bumped the module's nonce and the attestation covered
    /// every module's nonce, so a one-key upload in the bonded module front-running each deposit
    /// reverted curated deposits too (KeyNoncesChanged). Attestations are per module now.
    function test_depositToBeacon_uploadInOtherModuleDoesNotRevert() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        uint256 bondedNonce = bonded.keyNonce();
        // The hostile bonded operator front-runs with a bonded (depositable) key.
        (bytes memory pk, bytes memory sig) = _keys(address(bonded), 0, 3, 1);
        address manager = bonded.operatorManager(0);
        vm.deal(manager, 1.3 ether);
        vm.prank(manager);
        bonded.addKeysWithBond{value: 1.3 ether}(0, pk, sig);
        assertGt(bonded.keyNonce(), bondedNonce, "the bonded module's depositable set changed");
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 2, mk, a), 1, "the curated deposit goes through");
        assertEq(router.getModule(0).deposited, 1, "curated deposited");
    }

    /// A curated upload beyond the vetted limit is not depositable: it leaves the nonce (and the
    /// guardians' attestation) alone.
    function test_addKeys_unvettedUploadKeepsNonce() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        uint256 nonce = curated.keyNonce();
        (bytes memory pk, bytes memory sig) = _keys(address(curated), 0, 2, 1);
        vm.prank(curated.operatorManager(0));
        curated.addKeys(0, pk, sig);
        assertEq(curated.keyNonce(), nonce, "unvetted upload: nonce unchanged");
        assertEq(curated.getOperator(0).totalKeys, 3, "key stored");
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 2, mk, a), 1, "attestation still valid");
    }

    /// An upload that is depositable at once changes the module's set: its own attestation dies.
    function test_depositToBeacon_revertsWhenOwnNonceChanged() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(1, 2);
        (bytes memory pk, bytes memory sig) = _keys(address(bonded), 0, 3, 1);
        address manager = bonded.operatorManager(0);
        vm.deal(manager, 1.3 ether);
        vm.prank(manager);
        bonded.addKeysWithBond{value: 1.3 ether}(0, pk, sig);
        Snap memory s = _snap();
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.KeyNonceChanged.selector,
                1,
                bonded.keyNonce(),
                a.keyNonce
            )
        );
        vm.prank(keeper);
        router.depositToBeacon(1, 2, mk, a);
        _assertUnchanged(s);
    }

    /// The keeper may send more keys than the share (the share can shrink when another module's
    /// depositable keys grow): only the first `count` in plan order are used.
    function test_depositToBeacon_extraKeysIgnored() public {
        _fund(2);
        IStakingRouter.ModuleKeys memory mk = _moduleKeysOf(0, 3);
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 2, mk, a), 1, "share of 2");
        assertEq(curated.getOperator(0).depositedKeys, 1, "first key in plan order");
        assertEq(address(dc).balance, 32 ether, "one deposit");
    }

    function test_depositToBeacon_revertsOnWrongKeyBytes() public {
        _fund(4);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 4);
        // swap the curated module's two keys (and their roots): valid keys, wrong order
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), 0, 0, 2);
        (bytes memory pk1, bytes memory sig1) = _keys(address(curated), 0, 1, 1);
        (bytes memory pk0, bytes memory sig0) = _keys(address(curated), 0, 0, 1);
        assertEq(mk.pubkeys, pks, "plan order");
        assertEq(mk.signatures, sigs, "plan order");
        mk.pubkeys = bytes.concat(pk1, pk0);
        mk.signatures = bytes.concat(sig1, sig0);
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeyMismatch.selector, 0, 0, 0));
        vm.prank(keeper);
        router.depositToBeacon(0, 4, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsOnWrongCount() public {
        _fund(4);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(1, 4);
        (mk.pubkeys, mk.signatures) = _keys(address(bonded), 0, 0, 1);
        mk.depositDataRoots = new bytes32[](1);
        Snap memory s = _snap();
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeysCountMismatch.selector, 1, 2, 1));
        vm.prank(keeper);
        router.depositToBeacon(1, 4, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsOnWrongKeyLengths() public {
        _fund(4);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(1, 4);
        bytes memory sigs = mk.signatures;
        mk.signatures = _trim(sigs); // 191 bytes for two keys
        Snap memory s = _snap();
        // The router checks lengths against the allocation before the module sees them, so a
        // short one surfaces as KeysCountMismatch (supplied = roots).
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeysCountMismatch.selector, 1, 2, 2));
        vm.prank(keeper);
        router.depositToBeacon(1, 4, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsWhenNotEnoughBuffered() public {
        _addBuffered(31 ether);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 1);
        Snap memory s = _snap();
        vm.expectRevert(
            abi.encodeWithSelector(IStakingRouter.NotEnoughBuffered.selector, 32 ether, 31 ether)
        );
        vm.prank(keeper);
        router.depositToBeacon(0, 1, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsOnZeroCount() public {
        _fund(1);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 1);
        vm.expectRevert(IStakingRouter.ZeroCount.selector);
        vm.prank(keeper);
        router.depositToBeacon(0, 0, mk, a);
        assertEq(pool.buffered(), 32 ether, "unchanged");
    }

    function test_depositToBeacon_revertsWhenNothingAllocatable() public {
        vm.startPrank(moduleManager);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Paused);
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Paused);
        vm.stopPrank();
        _fund(2);
        IStakingRouter.ModuleKeys memory mk;
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.expectRevert(IStakingRouter.NothingToDeposit.selector);
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        assertEq(pool.buffered(), 64 ether, "unchanged");
    }

    function test_depositToBeacon_revertsWhenNonceChangedAfterAttestation() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        _curatedOperator(curated, 1); // new vetted keys after the guardians looked
        Snap memory s = _snap();
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.KeyNonceChanged.selector,
                0,
                curated.keyNonce(),
                a.keyNonce
            )
        );
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsWhenAttestationStale() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        vm.roll(a.blockNumber + MAX_AGE + 1);
        Snap memory s = _snap();
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.StaleAttestation.selector,
                a.blockNumber,
                block.number,
                MAX_AGE
            )
        );
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
    }

    function test_depositToBeacon_revertsOnWrongDepositDataRoot() public {
        _fund(2);
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare(0, 2);
        bytes32 good = mk.depositDataRoots[0];
        mk.depositDataRoots[0] = keccak256("bad");
        Snap memory s = _snap();
        vm.expectRevert(
            abi.encodeWithSignature("DepositDataRootMismatch(bytes32,bytes32)", good, keccak256("bad"))
        );
        vm.prank(keeper);
        router.depositToBeacon(0, 2, mk, a);
        _assertUnchanged(s);
    }

    function _trim(bytes memory b) private pure returns (bytes memory out) {
        out = new bytes(b.length - 1);
        for (uint256 i; i < out.length; ++i) out[i] = b[i];
    }
}
