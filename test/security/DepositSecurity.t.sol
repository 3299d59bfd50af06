// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

abstract contract DepositSecurityFixture is RouterFixture {
    function setUp() public virtual {
        _deployDefault();
    }

    function _nonce() internal view returns (uint256) {
        return curated.keyNonce();
    }
}

contract DepositSecurityVerifyTest is DepositSecurityFixture {
    function test_verify_acceptsQuorum() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        ds.verify(a, 0, _nonce(), dc.get_deposit_root());
        assertEq(a.signatures.length, QUORUM, "quorum of signatures accepted");
    }

    function test_verify_digestIsEip712() public view {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Cascade DepositSecurity"),
                keccak256("1"),
                block.chainid,
                address(ds)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Attestation(uint256 moduleId,uint256 keyNonce,bytes32 depositRoot,uint256 blockNumber,bytes32 blockHash)"
                ),
                uint256(5),
                uint256(6),
                bytes32(uint256(1)),
                3,
                bytes32(uint256(4))
            )
        );
        assertEq(
            ds.attestationDigest(5, 6, bytes32(uint256(1)), 3, bytes32(uint256(4))),
            keccak256(abi.encodePacked("\x19\x01", domain, structHash)),
            "EIP-712 typed data hash"
        );
    }

    function test_verify_revertsUnderQuorum() public {
        bytes32 root = dc.get_deposit_root();
        uint256 nonce = _nonce();
        IDepositSecurity.Attestation memory a = _attestWith(0, nonce, root, 1);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.QuorumNotReached.selector, 1, QUORUM));
        ds.verify(a, 0, nonce, root);
    }

    function test_verify_revertsWhenStale() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.roll(a.blockNumber + MAX_AGE);
        ds.verify(a, 0, a.keyNonce, a.depositRoot); // exactly maxAge old: still fresh
        vm.roll(block.number + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.StaleAttestation.selector,
                a.blockNumber,
                block.number,
                MAX_AGE
            )
        );
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsWhenKeyNoncesChanged() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        _curatedOperator(curated, 1); // vetted keys: bumps the curated module's key nonce
        uint256 current = _nonce();
        assertTrue(current != a.keyNonce, "nonce moved");
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.KeyNonceChanged.selector, 0, current, a.keyNonce)
        );
        ds.verify(a, 0, current, a.depositRoot);
    }

    function test_verify_revertsForAnotherModule() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.WrongModule.selector, 1, 0));
        ds.verify(a, 1, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsWhenDepositRootChanged() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        // Someone front-runs a deposit straight into the deposit contract.
        bytes memory pk = _pubkey(address(this), 0, 0);
        bytes memory sig = _signature(address(this), 0, 0);
        bytes memory wc = abi.encodePacked(bytes32(0));
        vm.deal(address(this), 1 ether);
        dc.deposit{value: 1 ether}(pk, wc, sig, _depositDataRoot(pk, wc, sig, 1 ether));
        bytes32 current = dc.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.DepositRootChanged.selector, current, a.depositRoot)
        );
        ds.verify(a, 0, a.keyNonce, current);
    }

    function test_verify_revertsOnNonGuardian() public {
        (address eve, uint256 eveKey) = makeAddrAndKey("eve");
        IDepositSecurity.Attestation memory a = _attest(0);
        bytes32 digest = ds.attestationDigest(0, a.keyNonce, a.depositRoot, a.blockNumber, a.blockHash);
        a.signatures[0] = _sign(eveKey, digest);
        if (eve > guardians[1]) {
            a.signatures[1] = a.signatures[0];
            a.signatures[0] = _sign(guardianKeys[1], digest);
        }
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, eve));
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsOnNonAscendingSigners() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        (a.signatures[0], a.signatures[1]) = (a.signatures[1], a.signatures[0]);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.SignersNotAscending.selector, guardians[0]));
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsOnRepeatedSigner() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        a.signatures[1] = a.signatures[0];
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.SignersNotAscending.selector, guardians[0]));
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsOnFutureBlockAndHashMismatch() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        a.blockNumber = block.number;
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.FutureBlock.selector, block.number));
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
        a = _attest(0);
        bytes32 real = a.blockHash;
        a.blockHash = keccak256("forged");
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.BlockHashMismatch.selector,
                a.blockNumber,
                real,
                a.blockHash
            )
        );
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }

    function test_verify_revertsWhilePaused() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.prank(guardians[2]);
        ds.pause();
        vm.expectRevert(IDepositSecurity.DepositsPaused.selector);
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
    }
}

contract DepositSecurityPauseTest is DepositSecurityFixture {
    function test_pause_byGuardian() public {
        vm.expectEmit(address(ds));
        emit IDepositSecurity.DepositsPausedBy(guardians[1], block.number);
        vm.prank(guardians[1]);
        ds.pause();
        assertTrue(ds.isPaused(), "paused");
    }

    function test_pause_revertsForNonGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, stranger));
        vm.prank(stranger);
        ds.pause();
        assertFalse(ds.isPaused(), "not paused");
    }
}

contract DepositSecurityPauseWithSignatureTest is DepositSecurityFixture {
    function test_pauseWithSignature_anyoneSubmitsGuardianSignature() public {
        vm.roll(block.number + 10);
        uint256 bn = block.number - 2;
        IDepositSecurity.Signature memory sig = _sign(guardianKeys[0], ds.pauseDigest(bn, ds.pauseNonce()));
        vm.expectEmit(address(ds));
        emit IDepositSecurity.DepositsPausedBy(guardians[0], bn);
        vm.prank(stranger);
        ds.pauseWithSignature(bn, sig);
        assertTrue(ds.isPaused(), "paused");
    }

    function test_pauseWithSignature_revertsOnNonGuardianSignature() public {
        (address eve, uint256 eveKey) = makeAddrAndKey("eve");
        IDepositSecurity.Signature memory sig = _sign(eveKey, ds.pauseDigest(block.number, ds.pauseNonce()));
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, eve));
        ds.pauseWithSignature(block.number, sig);
        assertFalse(ds.isPaused(), "not paused");
    }

    function test_pauseWithSignature_revertsWhenStaleOrFuture() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory sig = _sign(guardianKeys[0], ds.pauseDigest(bn, ds.pauseNonce()));
        vm.roll(bn + MAX_AGE + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.StaleAttestation.selector, bn, block.number, MAX_AGE)
        );
        ds.pauseWithSignature(bn, sig);
        uint256 future = block.number + 1;
        sig = _sign(guardianKeys[0], ds.pauseDigest(future, ds.pauseNonce()));
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.FutureBlock.selector, future));
        ds.pauseWithSignature(future, sig);
        assertFalse(ds.isPaused(), "not paused");
    }

    /// Open item 12 of docs/security.md §6 (closed): a pause signature used to be replayable
    /// after an unpause for maxAttestationAge blocks (the same signature paused again). It is
    /// bound to the pause nonce now, which the unpause increments.
    function test_pauseWithSignature_revertsOnReplayAfterUnpause() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory sig = _sign(guardianKeys[0], ds.pauseDigest(bn, ds.pauseNonce()));
        ds.pauseWithSignature(bn, sig);
        vm.prank(admin);
        ds.unpause();
        assertEq(ds.pauseNonce(), 1, "unpause increments the pause nonce");
        // The digest under the new nonce recovers some other address: not a guardian.
        address recovered = ecrecover(
            ds.pauseDigest(bn, 1),
            uint8(uint256(sig.vs >> 255)) + 27,
            sig.r,
            bytes32(uint256(sig.vs) & ((1 << 255) - 1))
        );
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, recovered));
        vm.prank(stranger);
        ds.pauseWithSignature(bn, sig);
        assertFalse(ds.isPaused(), "the old signature no longer pauses");
        // A fresh signature under the new nonce still works.
        ds.pauseWithSignature(bn, _sign(guardianKeys[0], ds.pauseDigest(bn, 1)));
        assertTrue(ds.isPaused(), "fresh signature pauses");
    }
}

contract DepositSecurityUnpauseTest is DepositSecurityFixture {
    function test_unpause_byAdmin() public {
        vm.prank(guardians[0]);
        ds.pause();
        vm.expectEmit(address(ds));
        emit IDepositSecurity.DepositsUnpaused(1);
        vm.prank(admin);
        ds.unpause();
        assertFalse(ds.isPaused(), "unpaused");
    }

    function test_unpause_revertsForGuardianAndStranger() public {
        vm.prank(guardians[0]);
        ds.pause();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardians[0],
                bytes32(0)
            )
        );
        vm.prank(guardians[0]);
        ds.unpause();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                bytes32(0)
            )
        );
        vm.prank(stranger);
        ds.unpause();
        assertTrue(ds.isPaused(), "still paused");
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(IDepositSecurity.NotPaused.selector);
        vm.prank(admin);
        ds.unpause();
    }
}

/// Issue 12 remainder: a bonded operator's front-run made the guardians pause deposits for EVERY
/// module (one global flag), so one hostile operator stopped the curated module too. A guardian's
/// pause now names a module (bound to that module's pause nonce) and stops deposits to it only;
/// the global pause stays for emergencies; governance unpauses each module.
contract DepositSecurityModulePauseTest is DepositSecurityFixture {
    function setUp() public override {
        super.setUp();
        _curatedOperator(curated, 4);
        _bondedOperator(4);
    }

    function _modulePauseSig(
        uint256 guardian,
        uint256 moduleId,
        uint256 bn
    ) private view returns (IDepositSecurity.Signature memory) {
        return
            _sign(guardianKeys[guardian], ds.modulePauseDigest(moduleId, bn, ds.modulePauseNonce(moduleId)));
    }

    function test_pauseModule_stopsThatModuleOnlyAtTheRouter() public {
        _fund(4);
        (uint256[] memory alloc, ) = router.previewAllocation(4);
        assertGt(alloc[0], 0, "curated has a share");
        assertGt(alloc[1], 0, "bonded has a share");
        IStakingRouter.ModuleKeys memory mk0 = _moduleKeysOf(0, alloc[0]);
        IStakingRouter.ModuleKeys memory mk1 = _moduleKeysOf(1, alloc[1]);
        IDepositSecurity.Attestation memory a0 = _attest(0);
        IDepositSecurity.Attestation memory a1 = _attest(1);

        vm.expectEmit(address(ds));
        emit IDepositSecurity.ModulePausedBy(1, guardians[0], block.number);
        vm.prank(guardians[0]);
        ds.pauseModule(1);

        assertTrue(ds.isModulePaused(1), "bonded paused");
        assertFalse(ds.isModulePaused(0), "curated not paused");
        assertFalse(ds.isPaused(), "no global pause");
        // The paused module is allocated nothing, so there is nothing to deposit to it (the
        // guardians' check behind it would refuse too: ModuleDepositsPaused).
        vm.expectRevert(IStakingRouter.NothingToDeposit.selector);
        vm.prank(keeper);
        router.depositToBeacon(1, 4, mk1, a1);
        // The paused module's share goes to the others instead of idling in the buffer (it used
        // to stay buffered until governance unpaused the module).
        (uint256[] memory paused, ) = router.previewAllocation(4);
        assertEq(paused[1], 0, "the paused module gets no share");
        assertEq(paused[0], 4, "curated takes the whole batch");
        mk0 = _moduleKeysOf(0, 4);
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 4, mk0, a0), 4, "curated deposits the paused module's share too");
        assertEq(router.getModule(0).deposited, 4, "curated deposited");
        assertEq(router.getModule(1).deposited, 0, "bonded deposited nothing");
        assertEq(pool.buffered(), 0, "nothing idles in the buffer");

        vm.prank(admin);
        ds.unpauseModule(1);
        _fund(4);
        (uint256[] memory after_, ) = router.previewAllocation(4);
        assertGt(after_[1], 0, "unpaused, the bonded module has a share again");
    }

    function test_pauseModuleWithSignature_anyoneSubmitsForThatModule() public {
        vm.roll(block.number + 10);
        uint256 bn = block.number - 2;
        IDepositSecurity.Signature memory sig = _modulePauseSig(1, 1, bn);
        vm.expectEmit(address(ds));
        emit IDepositSecurity.ModulePausedBy(1, guardians[1], bn);
        vm.prank(stranger);
        ds.pauseModuleWithSignature(1, bn, sig);
        assertTrue(ds.isModulePaused(1), "module 1 paused");
        IDepositSecurity.Attestation memory a = _attest(0);
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
        a = _attest(1);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.ModuleDepositsPaused.selector, 1));
        ds.verify(a, 1, a.keyNonce, a.depositRoot);
    }

    /// A signature over module 1 recovers another address for module 0: it pauses nothing else.
    function test_pauseModuleWithSignature_revertsForAnotherModule() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory sig = _modulePauseSig(0, 1, bn);
        address recovered = _recover(ds.modulePauseDigest(0, bn, 0), sig);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, recovered));
        ds.pauseModuleWithSignature(0, bn, sig);
        assertFalse(ds.isModulePaused(0), "module 0 not paused");
        assertFalse(ds.isModulePaused(1), "nothing paused");
    }

    /// A global pause signature is not a module pause, and a module pause signature is not a
    /// global one (distinct EIP-712 types).
    function test_pauseWithSignature_moduleAndGlobalSignaturesDoNotMix() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory moduleSig = _modulePauseSig(0, 1, bn);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.NotGuardian.selector,
                _recover(ds.pauseDigest(bn, 0), moduleSig)
            )
        );
        ds.pauseWithSignature(bn, moduleSig);
        IDepositSecurity.Signature memory globalSig = _sign(guardianKeys[0], ds.pauseDigest(bn, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.NotGuardian.selector,
                _recover(ds.modulePauseDigest(1, bn, 0), globalSig)
            )
        );
        ds.pauseModuleWithSignature(1, bn, globalSig);
        assertFalse(ds.isPaused(), "no global pause");
        assertFalse(ds.isModulePaused(1), "no module pause");
    }

    function test_pauseModuleWithSignature_revertsOnReplayAfterUnpause() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory sig = _modulePauseSig(0, 1, bn);
        ds.pauseModuleWithSignature(1, bn, sig);
        vm.expectEmit(address(ds));
        emit IDepositSecurity.ModuleUnpaused(1, 1);
        vm.prank(admin);
        ds.unpauseModule(1);
        assertEq(ds.modulePauseNonce(1), 1, "module 1's unpause increments its nonce");
        assertFalse(ds.isModulePaused(1), "unpaused");
        address recovered = _recover(ds.modulePauseDigest(1, bn, 1), sig);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, recovered));
        vm.prank(stranger);
        ds.pauseModuleWithSignature(1, bn, sig);
        assertFalse(ds.isModulePaused(1), "the old signature no longer pauses");
        ds.pauseModuleWithSignature(1, bn, _modulePauseSig(0, 1, bn));
        assertTrue(ds.isModulePaused(1), "a fresh signature under the new nonce pauses");
    }

    function test_modulePauseNonce_perModule(uint256 rounds) public {
        rounds = bound(rounds, 1, 5);
        for (uint256 i; i < rounds; ++i) {
            vm.prank(guardians[i % QUORUM]);
            ds.pauseModule(1);
            vm.prank(admin);
            ds.unpauseModule(1);
        }
        assertEq(ds.modulePauseNonce(1), rounds, "module 1 counts its own unpauses");
        assertEq(ds.modulePauseNonce(0), 0, "module 0's nonce untouched");
        assertEq(ds.pauseNonce(), 0, "global nonce untouched");
        // Module 0's signature made before module 1's unpauses is still valid for module 0.
        uint256 bn = block.number;
        ds.pauseModuleWithSignature(0, bn, _modulePauseSig(0, 0, bn));
        assertTrue(ds.isModulePaused(0), "module 0 paused with its own nonce");
    }

    function test_pauseModule_secondGuardianIsNoOp() public {
        vm.prank(guardians[0]);
        ds.pauseModule(1);
        vm.recordLogs();
        vm.prank(guardians[1]);
        ds.pauseModule(1);
        assertEq(vm.getRecordedLogs().length, 0, "already paused: no event, no revert");
        assertTrue(ds.isModulePaused(1), "still paused");
    }

    function test_pauseModule_revertsForNonGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, stranger));
        vm.prank(stranger);
        ds.pauseModule(0);
        assertFalse(ds.isModulePaused(0), "not paused");
    }

    function test_pauseModuleWithSignature_revertsWhenStaleOrFuture() public {
        uint256 bn = block.number;
        IDepositSecurity.Signature memory sig = _modulePauseSig(0, 1, bn);
        vm.roll(bn + MAX_AGE + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.StaleAttestation.selector, bn, block.number, MAX_AGE)
        );
        ds.pauseModuleWithSignature(1, bn, sig);
        uint256 future = block.number + 1;
        sig = _modulePauseSig(0, 1, future);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.FutureBlock.selector, future));
        ds.pauseModuleWithSignature(1, future, sig);
        assertFalse(ds.isModulePaused(1), "not paused");
    }

    function test_unpauseModule_onlyAdminAndOnlyWhenPaused() public {
        vm.prank(guardians[0]);
        ds.pauseModule(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardians[0],
                bytes32(0)
            )
        );
        vm.prank(guardians[0]);
        ds.unpauseModule(1);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.ModuleNotPaused.selector, 0));
        vm.prank(admin);
        ds.unpauseModule(0);
        assertTrue(ds.isModulePaused(1), "still paused");
    }

    /// The global pause still stops every module, whatever the module pauses.
    function test_pause_globalStillStopsEveryModule() public {
        vm.prank(guardians[0]);
        ds.pause();
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.expectRevert(IDepositSecurity.DepositsPaused.selector);
        ds.verify(a, 0, a.keyNonce, a.depositRoot);
        assertFalse(ds.isModulePaused(0), "no module pause involved");
    }

    function _recover(bytes32 digest, IDepositSecurity.Signature memory sig) private pure returns (address) {
        return
            ecrecover(
                digest,
                uint8(uint256(sig.vs >> 255)) + 27,
                sig.r,
                bytes32(uint256(sig.vs) & ((1 << 255) - 1))
            );
    }

    /// The allocation reads every module's pause from one bitmap: it must say what the
    /// per-module view says, for any set of paused ids, before and after unpauses.
    function test_pausedModules_matchesPerModuleView(uint256 mask, uint256 unpauseMask) public {
        mask = bound(mask, 0, type(uint40).max);
        unpauseMask &= mask;
        for (uint256 id; id < 40; ++id) {
            if ((mask >> id) & 1 == 0) continue;
            vm.prank(guardians[id % guardians.length]);
            ds.pauseModule(id);
        }
        assertEq(ds.pausedModules(), mask, "bit set for each paused module");
        for (uint256 id; id < 48; ++id) {
            assertEq(ds.isModulePaused(id), (mask >> id) & 1 != 0, "bitmap bit == per-module view");
        }
        for (uint256 id; id < 40; ++id) {
            if ((unpauseMask >> id) & 1 == 0) continue;
            vm.prank(admin);
            ds.unpauseModule(id);
        }
        uint256 left = mask & ~unpauseMask;
        assertEq(ds.pausedModules(), left, "unpaused bits cleared, the others kept");
        for (uint256 id; id < 48; ++id) {
            assertEq(
                ds.isModulePaused(id),
                (left >> id) & 1 != 0,
                "bitmap bit == per-module view after unpauses"
            );
        }
    }

    function test_pauseModule_revertsBeyondBitmap(uint256 moduleId) public {
        moduleId = bound(moduleId, ds.MAX_PAUSABLE_MODULES(), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.ModuleIdOutOfRange.selector,
                moduleId,
                ds.MAX_PAUSABLE_MODULES()
            )
        );
        vm.prank(guardians[0]);
        ds.pauseModule(moduleId);
        assertEq(ds.pausedModules(), 0, "nothing paused");
        assertFalse(ds.isModulePaused(moduleId), "an id past the bitmap is never paused");
    }

    /// Paused, the module's share goes to the others; unpaused, it deposits its own share again.
    function test_unpauseModule_moduleDepositsItsShareAgain() public {
        vm.prank(guardians[0]);
        ds.pauseModule(1);
        _fund(4);
        IDepositSecurity.Attestation memory a0 = _attest(0);
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 4, _moduleKeysOf(0, 4), a0), 4, "curated takes the whole batch");
        assertEq(router.getModule(1).deposited, 0, "the paused module got nothing");

        vm.prank(admin);
        ds.unpauseModule(1);
        _fund(4);
        (uint256[] memory alloc, ) = router.previewAllocation(4);
        assertGt(alloc[1], 0, "unpaused: a share again");
        IDepositSecurity.Attestation memory a1 = _attest(1);
        vm.prank(keeper);
        assertEq(
            router.depositToBeacon(1, 4, _moduleKeysOf(1, alloc[1]), a1),
            alloc[1],
            "the unpaused module deposits its share"
        );
        assertEq(router.getModule(1).deposited, alloc[1], "deposited booked");
    }

    /// The allocation asks DepositSecurity once for every module's pause, not once per module.
    function test_previewAllocation_readsEveryPauseInOneCall() public {
        vm.prank(guardians[0]);
        ds.pauseModule(1);
        _fund(4);
        vm.expectCall(address(ds), abi.encodeWithSignature("isModulePaused(uint256)", 0), 0);
        vm.expectCall(address(ds), abi.encodeWithSignature("isModulePaused(uint256)", 1), 0);
        vm.expectCall(address(ds), abi.encodeWithSignature("pausedModules()"), 1);
        (uint256[] memory alloc, ) = router.previewAllocation(4);
        assertEq(alloc[1], 0, "the paused module gets no share");
        assertEq(alloc[0], 4, "the other module takes the batch");
    }
}
