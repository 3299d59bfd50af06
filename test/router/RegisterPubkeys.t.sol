// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract RegisterPubkeysTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function test_registerPubkeys_marksUploadedKeys() public {
        _curatedOperator(curated, 2);
        assertTrue(router.isPubkeyRegistered(_pubkey(address(curated), 0, 0)), "key 0 registered");
        assertTrue(router.isPubkeyRegistered(_pubkey(address(curated), 0, 1)), "key 1 registered");
        assertFalse(router.isPubkeyRegistered(_pubkey(address(curated), 0, 2)), "key 2 not uploaded");
    }

    function test_registerPubkeys_revertsOnDuplicateInSameModule() public {
        _curatedOperator(curated, 1);
        uint256 op2 = _curatedOperator(curated, 0);
        address manager2 = curated.getOperator(op2).manager;
        bytes memory pk = _pubkey(address(curated), 0, 0);
        bytes memory sig = _signature(address(curated), op2, 0);
        uint256 nonceBefore = curated.keyNonce();
        vm.expectRevert(
            abi.encodeWithSelector(IStakingRouter.PubkeyAlreadyRegistered.selector, keccak256(pk))
        );
        vm.prank(manager2);
        curated.addKeys(op2, pk, sig);
        assertEq(curated.getOperator(op2).totalKeys, 0, "no key stored");
        assertEq(curated.keyNonce(), nonceBefore, "nonce unchanged");
    }

    function test_registerPubkeys_revertsOnDuplicateAcrossModules() public {
        _curatedOperator(curated, 1);
        bytes memory pk = _pubkey(address(curated), 0, 0);
        bytes memory sig = _signature(address(bonded), 0, 0);
        address op = makeAddr("bondedOp");
        vm.deal(op, 2.4 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingRouter.PubkeyAlreadyRegistered.selector, keccak256(pk))
        );
        vm.prank(op);
        bonded.registerOperator{value: 2.4 ether}("op", op, pk, sig);
        assertEq(bonded.operatorCount(), 0, "no operator registered");
        assertEq(op.balance, 2.4 ether, "bond refunded by the revert");
    }

    function test_registerPubkeys_revertsOnDuplicateInOneBatch() public {
        uint256 op = _curatedOperator(curated, 0);
        address manager = curated.getOperator(op).manager;
        bytes memory pk = _pubkey(address(curated), op, 0);
        bytes memory sig = _signature(address(curated), op, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingRouter.PubkeyAlreadyRegistered.selector, keccak256(pk))
        );
        vm.prank(manager);
        curated.addKeys(op, bytes.concat(pk, pk), bytes.concat(sig, sig));
        assertFalse(router.isPubkeyRegistered(pk), "nothing registered");
    }

    function test_registerPubkeys_revertsForNonModule() public {
        bytes memory pk = _pubkey(address(curated), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.NotModule.selector, stranger));
        vm.prank(stranger);
        router.registerPubkeys(0, 0, pk, _signature(address(curated), 0, 0));
        assertFalse(router.isPubkeyRegistered(pk), "nothing registered");
    }

    function test_registerPubkeys_releasedKeyCanMove() public {
        uint256 op = _curatedOperator(curated, 1);
        address manager = curated.getOperator(op).manager;
        (bytes memory pk, bytes memory sig) = _keys(address(curated), op, 0, 1);
        vm.prank(manager);
        curated.removeKeys(op, pk, sig);
        assertFalse(router.isPubkeyRegistered(pk), "released");
        address bop = makeAddr("bondedOp");
        vm.deal(bop, 2.4 ether);
        vm.prank(bop);
        bonded.registerOperator{value: 2.4 ether}("op", bop, pk, sig);
        assertTrue(router.isPubkeyRegistered(pk), "registered by the bonded module");
    }

    function test_releasePubkeys_revertsForOtherModule() public {
        _curatedOperator(curated, 1);
        (bytes memory pk, bytes memory sig) = _keys(address(curated), 0, 0, 1);
        // The bonded module (id 1) cannot release the curated module's key at the same position.
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.KeyMismatch.selector, 1, 0, 0));
        vm.prank(address(bonded));
        router.releasePubkeys(0, 0, pk, sig);
        assertTrue(router.isPubkeyRegistered(pk), "still registered");
    }
}
