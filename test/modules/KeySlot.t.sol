// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {stdError} from "forge-std/StdError.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice One storage slot per key (issue 16): the router's registry entry under
/// `keccak256(pubkey)` is a key's only storage; it names module, operator and index and commits
/// to the signature, and every deposit, removal and re-registration is checked against it.
/// Module 0 is curated (operators 0 and 1, two keys each), module 1 bonded (operator 0, 3 keys).
contract KeySlotTest is RouterFixture {
    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 2);
        _curatedOperator(curated, 2);
        _bondedOperator(3);
    }

    // ---------------------------------------------------------------- storage

    /// @dev Storage slots of `who` written by the last recorded call that were zero before it
    /// (the call ran between `vm.snapshotState` and here; state is rolled back to re-read).
    function _freshWrites(uint256 snap, address[2] memory who) private returns (uint256 fresh) {
        bytes32[][2] memory writes;
        for (uint256 a; a < 2; ++a) (, writes[a]) = vm.accesses(who[a]);
        vm.revertToState(snap);
        for (uint256 a; a < 2; ++a) {
            for (uint256 i; i < writes[a].length; ++i) {
                bool seen;
                for (uint256 j; j < i; ++j) if (writes[a][j] == writes[a][i]) seen = true;
                if (!seen && vm.load(who[a], writes[a][i]) == bytes32(0)) ++fresh;
            }
        }
    }

    function test_addKeys_writesOneSlotPerKey() public {
        uint256 op = 0;
        address manager = curated.getOperator(op).manager;
        for (uint256 n = 1; n <= 5; n += 4) {
            (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 2, n);
            uint256 snap = vm.snapshotState();
            vm.record();
            vm.prank(manager);
            curated.addKeys(op, pks, sigs);
            assertEq(curated.getOperator(op).totalKeys, 2 + n, "keys added");
            assertEq(
                _freshWrites(snap, [address(router), address(curated)]),
                n,
                "one fresh slot per key over the router and the module"
            );
        }
    }

    function test_addKeys_entryNamesModuleOperatorIndex() public view {
        (bool registered, uint256 moduleId, uint256 operatorId, uint256 keyIndex) = router.keyOf(
            _pubkey(address(bonded), 0, 2)
        );
        assertTrue(registered, "registered");
        assertEq(moduleId, 1, "bonded module");
        assertEq(operatorId, 0, "operator");
        assertEq(keyIndex, 2, "index");
        (registered, moduleId, operatorId, keyIndex) = router.keyOf(_pubkey(address(curated), 1, 1));
        assertTrue(registered && moduleId == 0 && operatorId == 1 && keyIndex == 1, "curated op 1 key 1");
        (registered, , , ) = router.keyOf(_pubkey(address(curated), 1, 2));
        assertFalse(registered, "never uploaded");
    }

    function test_isKeyAt_falseForAnyOtherPositionOrSignature() public view {
        bytes memory pk = _pubkey(address(curated), 1, 1);
        bytes memory sig = _signature(address(curated), 1, 1);
        assertTrue(router.isKeyAt(0, 1, 1, pk, sig), "its own position");
        assertFalse(router.isKeyAt(1, 1, 1, pk, sig), "other module");
        assertFalse(router.isKeyAt(0, 0, 1, pk, sig), "other operator");
        assertFalse(router.isKeyAt(0, 1, 0, pk, sig), "other index");
        assertFalse(router.isKeyAt(0, 1, 1, pk, _signature(address(curated), 1, 0)), "other signature");
        // Wider values must not alias a field (index 1 + 2^32 would spill into the commitment).
        assertFalse(router.isKeyAt(0, 1, 1 + (uint256(1) << 32), pk, sig), "index above 32 bits");
        assertFalse(router.isKeyAt(0, 1 + (uint256(1) << 32), 1, pk, sig), "operator above 32 bits");
        assertFalse(router.isKeyAt(256, 1, 1, pk, sig), "module above 8 bits");
        assertFalse(router.isKeyAt(0, 1, 1, pk, bytes.concat(sig, hex"00")), "signature length");
    }

    // ---------------------------------------------------------------- hostile deposits

    function _prepare()
        private
        returns (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a)
    {
        _fund(4);
        (uint256[] memory alloc, ) = router.previewAllocation(4);
        assertEq(alloc[0], 2, "curated takes operator 0's keys 0 and 1");
        mk = _moduleKeysOf(0, alloc[0]);
        a = _attest(0);
    }

    /// @dev Replaces key `j` of `mk` by `pk`/`sig`, deposits, and expects KeyMismatch at the
    /// position key `j` should have had (operator 0, index j).
    function _depositExpectMismatch(bytes memory pk, bytes memory sig, uint256 j) private {
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare();
        for (uint256 b; b < 48; ++b) mk.pubkeys[j * 48 + b] = pk[b];
        for (uint256 b; b < 96; ++b) mk.signatures[j * 96 + b] = sig[b];
        uint256 buffered = pool.buffered();
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeyMismatch.selector, 0, 0, j));
        vm.prank(keeper);
        router.depositToBeacon(0, 4, mk, a);
        assertEq(curated.getOperator(0).depositedKeys, 0, "nothing deposited");
        assertEq(pool.buffered(), buffered, "buffer unchanged");
    }

    function test_depositToBeacon_revertsOnKeyOfOtherOperator() public {
        // Curated operator 1's key 0: registered, same module and index, other operator.
        _depositExpectMismatch(_pubkey(address(curated), 1, 0), _signature(address(curated), 1, 0), 0);
    }

    function test_depositToBeacon_revertsOnKeyOfOtherModule() public {
        // The bonded module's operator 0, key 1: same operator id and index, other module.
        _depositExpectMismatch(_pubkey(address(bonded), 0, 1), _signature(address(bonded), 0, 1), 1);
    }

    function test_depositToBeacon_revertsOnKeyAtOtherIndex() public {
        // Operator 0's own key 1 in place of its key 0.
        _depositExpectMismatch(_pubkey(address(curated), 0, 1), _signature(address(curated), 0, 1), 0);
    }

    function test_depositToBeacon_revertsOnSwappedSignature() public {
        // The right pubkey with another signature: the withdrawal-credentials front-run needs
        // the deposit to carry exactly the registered bytes.
        _depositExpectMismatch(_pubkey(address(curated), 0, 0), _signature(address(curated), 0, 1), 0);
        bytes memory sig = _signature(address(curated), 0, 1);
        sig[95] ^= 0x01;
        _depositExpectMismatch(_pubkey(address(curated), 0, 1), sig, 1);
    }

    function test_depositToBeacon_revertsOnAnyMisplacedKey(
        uint256 j,
        uint256 moduleId,
        uint256 op,
        uint256 idx
    ) public {
        j = bound(j, 0, 1);
        moduleId = bound(moduleId, 0, 1);
        op = moduleId == 0 ? bound(op, 0, 1) : 0;
        idx = bound(idx, 0, moduleId == 0 ? 1 : 2);
        // Any registered key other than operator 0's key j of the curated module.
        vm.assume(!(moduleId == 0 && op == 0 && idx == j));
        address m = moduleId == 0 ? address(curated) : address(bonded);
        _depositExpectMismatch(_pubkey(m, op, idx), _signature(m, op, idx), j);
    }

    function test_depositToBeacon_acceptsRegisteredKeys() public {
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare();
        vm.prank(keeper);
        assertEq(router.depositToBeacon(0, 4, mk, a), 2, "two deposited");
        assertEq(curated.getOperator(0).depositedKeys, 2, "operator 0's keys deposited");
    }

    /// A module (buggy, or a hostile implementation) whose walk names fewer keys than the
    /// router deposits must not get the rest deposited unchecked: here the walk names operator
    /// 0's key 0 only, and the second supplied key is one nobody registered (the front-run key
    /// of DESIGN §7, with the attacker's own withdrawal credentials already on the beacon chain).
    function test_depositToBeacon_revertsWhenTheWalkNamesFewerKeys(bytes32 salt) public {
        (IStakingRouter.ModuleKeys memory mk, IDepositSecurity.Attestation memory a) = _prepare();
        bytes memory rogue = abi.encodePacked(keccak256(abi.encode(salt)), bytes16(salt));
        for (uint256 b; b < 48; ++b) mk.pubkeys[48 + b] = rogue[b];
        // A well-formed deposit for the rogue key: the deposit contract would accept it.
        bytes memory sig1 = _signature(address(curated), 0, 1);
        mk.depositDataRoots[1] = _depositDataRoot(
            rogue,
            abi.encodePacked(router.withdrawalCredentials()),
            sig1,
            32 ether
        );
        uint256[] memory walk = new uint256[](1);
        walk[0] = 0 | (0 << 32) | (1 << 64); // operator 0, first key 0, one key
        vm.mockCall(address(curated), abi.encodeCall(IStakingModule.onDeposit, (2)), abi.encode(walk));
        uint256 buffered = pool.buffered();
        vm.expectRevert(stdError.indexOOBError);
        vm.prank(keeper);
        router.depositToBeacon(0, 4, mk, a);
        assertEq(pool.buffered(), buffered, "buffer unchanged");
        assertFalse(router.isPubkeyRegistered(rogue), "the rogue key was never registered");
    }

    // ---------------------------------------------------------------- removal and re-registration

    function test_removeKeys_revertsOnOtherOperatorsKey() public {
        // Operator 1 tries to release operator 0's last key as its own last key.
        address manager1 = curated.getOperator(1).manager;
        (bytes memory pk, bytes memory sig) = _keys(address(curated), 0, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeyMismatch.selector, 0, 1, 1));
        vm.prank(manager1);
        curated.removeKeys(1, pk, sig);
        assertEq(curated.getOperator(1).totalKeys, 2, "operator 1 unchanged");
        assertTrue(router.isKeyAt(0, 0, 1, pk, sig), "operator 0's key still registered");
    }

    function test_removeKeys_revertsOnWrongSignature() public {
        address manager = curated.getOperator(0).manager;
        bytes memory pk = _pubkey(address(curated), 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeyMismatch.selector, 0, 0, 1));
        vm.prank(manager);
        curated.removeKeys(0, pk, _signature(address(curated), 0, 0));
        assertEq(curated.getOperator(0).totalKeys, 2, "unchanged");
    }

    function test_removeKeys_removedKeyCanBeRegisteredAgain() public {
        address manager0 = curated.getOperator(0).manager;
        address manager1 = curated.getOperator(1).manager;
        (bytes memory pk, bytes memory sig) = _keys(address(curated), 0, 1, 1);
        vm.prank(manager0);
        curated.removeKeys(0, pk, sig);
        (bool registered, , , ) = router.keyOf(pk);
        assertFalse(registered, "released");
        // Another operator uploads it at its own next index: the entry names the new position.
        vm.prank(manager1);
        curated.addKeys(1, pk, sig);
        (bool again, uint256 moduleId, uint256 operatorId, uint256 keyIndex) = router.keyOf(pk);
        assertTrue(again && moduleId == 0 && operatorId == 1 && keyIndex == 2, "re-registered at (0, 1, 2)");
        assertFalse(router.isKeyAt(0, 0, 1, pk, sig), "old position gone");
    }
}
