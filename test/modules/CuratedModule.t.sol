// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {ICuratedModule} from "../../contracts/interfaces/ICuratedModule.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {ModuleBase} from "../../contracts/modules/ModuleBase.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

abstract contract CuratedFixture is RouterFixture {
    address internal opManager = makeAddr("opManager");
    uint256 internal op;

    function setUp() public virtual {
        _deployDefault();
        vm.prank(operatorManager);
        op = curated.addOperator("alpha", opManager, opManager);
    }

    function _upload(uint256 from, uint256 count) internal {
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, from, count);
        vm.prank(opManager);
        curated.addKeys(op, pks, sigs);
    }

    function _vet(uint256 limit) internal {
        vm.prank(operatorManager);
        curated.setVettedLimit(op, limit);
    }

    function _depositViaRouter(uint256 count) internal {
        // The router checks the keys' bytes (DepositToBeacon.t.sol); the module only walks.
        vm.prank(address(router));
        curated.onDeposit(count);
    }
}

contract CuratedAddOperatorTest is CuratedFixture {
    function test_addOperator_storesOperator() public {
        address m = makeAddr("m2");
        address r = makeAddr("r2");
        vm.expectEmit(address(curated));
        emit ModuleBase.OperatorAdded(1, m, r, "beta");
        vm.prank(operatorManager);
        uint256 id = curated.addOperator("beta", m, r);
        ModuleBase.Operator memory o = curated.getOperator(id);
        assertEq(id, 1, "second id");
        assertEq(curated.operatorCount(), 2, "count");
        assertEq(o.manager, m, "manager");
        assertEq(o.rewardAddress, r, "reward");
        assertTrue(o.active, "active");
    }

    function test_addOperator_revertsForStranger() public {
        bytes32 role = curated.OPERATOR_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        curated.addOperator("x", stranger, stranger);
        assertEq(curated.operatorCount(), 1, "unchanged");
    }

    function test_addOperator_revertsOnZeroAddress() public {
        vm.startPrank(operatorManager);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        curated.addOperator("x", address(0), stranger);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        curated.addOperator("x", stranger, address(0));
        vm.stopPrank();
        assertEq(curated.operatorCount(), 1, "unchanged");
    }
}

contract CuratedAddKeysTest is CuratedFixture {
    function test_addKeys_storesCommitmentsNotYetDepositable() public {
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 3);
        uint256 nonce = curated.keyNonce();
        vm.expectEmit(address(curated));
        emit IStakingModule.KeysAdded(op, 0, pks, sigs);
        vm.prank(opManager);
        curated.addKeys(op, pks, sigs);
        assertEq(curated.getOperator(op).totalKeys, 3, "total keys");
        (bool registered, uint256 moduleId, uint256 operatorId, uint256 keyIndex) = router.keyOf(
            _pubkey(address(curated), op, 1)
        );
        assertTrue(registered, "registered in the router");
        assertEq(moduleId, router.moduleIdOf(address(curated)), "entry names the module");
        assertEq(operatorId, op, "entry names the operator");
        assertEq(keyIndex, 1, "entry names the index");
        assertTrue(
            router.isKeyAt(
                moduleId,
                op,
                1,
                _pubkey(address(curated), op, 1),
                _signature(address(curated), op, 1)
            ),
            "entry commits to the signature"
        );
        assertEq(curated.depositableKeys(), 0, "unvetted keys are not depositable");
        // The depositable set did not change: attestations over the old nonce stay valid.
        assertEq(curated.keyNonce(), nonce, "nonce unchanged");
    }

    function test_addKeys_revertsForNonManager() public {
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotOperatorManager.selector, op, stranger));
        vm.prank(stranger);
        curated.addKeys(op, pks, sigs);
        assertEq(curated.getOperator(op).totalKeys, 0, "unchanged");
    }

    function test_addKeys_revertsOnBadLengths() public {
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 2);
        vm.startPrank(opManager);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.InvalidKeysLength.selector, 95, 192));
        curated.addKeys(op, _slice(pks, 95), sigs);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.InvalidKeysLength.selector, 96, 191));
        curated.addKeys(op, pks, _slice(sigs, 191));
        vm.expectRevert(IStakingModule.ZeroKeys.selector);
        curated.addKeys(op, "", "");
        vm.stopPrank();
        assertEq(curated.getOperator(op).totalKeys, 0, "unchanged");
    }

    function test_addKeys_revertsAboveMaxPerCall() public {
        uint256 max = curated.MAX_KEYS_PER_CALL();
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, max + 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.TooManyKeys.selector, max + 1, max));
        vm.prank(opManager);
        curated.addKeys(op, pks, sigs);
    }

    function test_addKeys_revertsForInactiveOperator() public {
        vm.prank(operatorManager);
        curated.setOperatorActive(op, false);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.OperatorInactive.selector, op));
        vm.prank(opManager);
        curated.addKeys(op, pks, sigs);
    }

    function _slice(bytes memory b, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        for (uint256 i; i < len; ++i) out[i] = b[i];
    }
}

contract CuratedRemoveKeysTest is CuratedFixture {
    function test_removeKeys_deletesTailAndReleasesPubkeys() public {
        _upload(0, 3);
        _vet(3);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 1, 2);
        vm.prank(opManager);
        curated.removeKeys(op, pks, sigs);
        assertEq(curated.getOperator(op).totalKeys, 1, "one left");
        (bool registered, , , ) = router.keyOf(_pubkey(address(curated), op, 2));
        assertFalse(registered, "entry deleted");
        assertEq(curated.depositableKeys(), 1, "depositable shrinks to the keys left");
        assertFalse(router.isPubkeyRegistered(_pubkey(address(curated), op, 2)), "released");
        assertTrue(router.isPubkeyRegistered(_pubkey(address(curated), op, 0)), "kept");
    }

    function test_removeKeys_lowersVettedLimit() public {
        _upload(0, 3);
        _vet(3);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 1, 2);
        vm.prank(opManager);
        curated.removeKeys(op, pks, sigs);
        assertEq(curated.vettedLimit(op), 1, "vetting shrinks with the keys");
        // different keys uploaded at the freed indexes were never vetted
        (pks, sigs) = _keys(address(curated), op, 7, 2);
        vm.prank(opManager);
        curated.addKeys(op, pks, sigs);
        assertEq(curated.depositableKeys(), 1, "re-uploaded indexes need a new vote");
    }

    function test_removeKeys_revertsOnWrongBytes() public {
        _upload(0, 2);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 1); // not the tail
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingRouter.KeyMismatch.selector,
                router.moduleIdOf(address(curated)),
                op,
                1
            )
        );
        vm.prank(opManager);
        curated.removeKeys(op, pks, sigs);
        assertEq(curated.getOperator(op).totalKeys, 2, "unchanged");
    }

    function test_removeKeys_revertsOnDepositedKeys() public {
        _upload(0, 2);
        _vet(2);
        _depositViaRouter(1);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.RemoveDepositedKeys.selector, op, 0, 1));
        vm.prank(opManager);
        curated.removeKeys(op, pks, sigs);
        assertEq(curated.getOperator(op).totalKeys, 2, "unchanged");
    }

    function test_removeKeys_revertsForNonManager() public {
        _upload(0, 1);
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotOperatorManager.selector, op, stranger));
        vm.prank(stranger);
        curated.removeKeys(op, pks, sigs);
    }
}

contract CuratedSetVettedLimitTest is CuratedFixture {
    function test_setVettedLimit_capsDepositableAtTotalKeys() public {
        _upload(0, 3);
        uint256 nonce = curated.keyNonce();
        vm.expectEmit(address(curated));
        emit ICuratedModule.VettedLimitSet(op, 2);
        _vet(2);
        assertEq(curated.depositableKeys(), 2, "vetted two");
        assertGt(curated.keyNonce(), nonce, "nonce bumped");
        _vet(10);
        assertEq(curated.vettedLimit(op), 3, "vetting covers only uploaded keys");
        assertEq(curated.depositableKeys(), 3, "capped at uploaded keys");
    }

    function test_setVettedLimit_keysUploadedLaterNeedNewVetting() public {
        _upload(0, 1);
        _vet(5); // governance has seen one key
        _upload(1, 2);
        assertEq(curated.depositableKeys(), 1, "keys uploaded after the vote are not depositable");
        _vet(3);
        assertEq(curated.depositableKeys(), 3, "depositable once vetted");
    }

    function test_setVettedLimit_clampsBelowDeposited() public {
        _upload(0, 3);
        _vet(3);
        _depositViaRouter(2);
        _vet(0);
        assertEq(curated.vettedLimit(op), 2, "clamped to deposited");
        assertEq(curated.depositableKeys(), 0, "nothing left to deposit");
    }

    function test_setVettedLimit_revertsForStrangerAndUnknown() public {
        bytes32 role = curated.OPERATOR_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        curated.setVettedLimit(op, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, 9));
        vm.prank(operatorManager);
        curated.setVettedLimit(9, 1);
        assertEq(curated.vettedLimit(op), 0, "unchanged");
    }
}

contract CuratedSetOperatorActiveTest is CuratedFixture {
    function test_setOperatorActive_togglesDepositable() public {
        _upload(0, 2);
        _vet(2);
        vm.expectEmit(address(curated));
        emit ModuleBase.OperatorActiveChanged(op, false);
        vm.prank(operatorManager);
        curated.setOperatorActive(op, false);
        assertEq(curated.depositableKeys(), 0, "inactive operator has no depositable keys");
        assertFalse(curated.getOperator(op).active, "inactive");
        vm.prank(operatorManager);
        curated.setOperatorActive(op, true);
        assertEq(curated.depositableKeys(), 2, "back");
    }

    function test_setOperatorActive_revertsForStranger() public {
        bytes32 role = curated.OPERATOR_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        curated.setOperatorActive(op, false);
        assertTrue(curated.getOperator(op).active, "unchanged");
    }
}
