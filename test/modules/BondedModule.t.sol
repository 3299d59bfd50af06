// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IBondedModule} from "../../contracts/interfaces/IBondedModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

abstract contract BondedFixture is RouterFixture {
    address internal alice = makeAddr("alice");

    function setUp() public virtual {
        _deployDefault();
        vm.deal(alice, 1_000 ether);
    }

    function _register(uint256 keyCount, uint256 bond) internal returns (uint256 op) {
        op = bonded.operatorCount();
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 0, keyCount);
        vm.prank(alice);
        bonded.registerOperator{value: bond}("alice", alice, pks, sigs);
    }

    function _deposit(uint256 op, uint256 count) internal {
        // The router checks the keys' bytes (DepositToBeacon.t.sol); the module walks its
        // operators and names the keys: here they must all be `op`'s.
        vm.prank(address(router));
        uint256[] memory walk = bonded.onDeposit(count);
        for (uint256 r; r < walk.length; ++r) assertEq(uint32(walk[r]), op, "walk takes op's keys");
    }

    function _exit(uint256 op, uint256 exited) internal {
        uint256[] memory ids = new uint256[](1);
        uint256[] memory ex = new uint256[](1);
        ids[0] = op;
        ex[0] = exited;
        vm.prank(address(exits));
        bonded.updateExited(ids, ex);
    }

    function _bond(uint256 op) internal view returns (uint256 amount) {
        (amount, ) = bonded.bondOf(op);
    }

    function _locked(uint256 op) internal view returns (uint256 locked) {
        (, locked) = bonded.bondOf(op);
    }
}

contract BondedRegisterOperatorTest is BondedFixture {
    function test_registerOperator_withKeysAndExactBond() public {
        uint256 op = _register(3, 5 ether);
        assertEq(_bond(op), 5 ether, "bond held");
        assertEq(bonded.totalBond(), 5 ether, "total bond");
        assertEq(bonded.getOperator(op).manager, alice, "manager = caller");
        assertEq(bonded.getOperator(op).totalKeys, 3, "keys");
        assertEq(bonded.depositableKeys(), 3, "2.4 + 2*1.3 = 5 covers three keys");
        assertEq(address(bonded).balance, 5 ether, "ETH held by the module");
    }

    function test_registerOperator_revertsOnInsufficientBond() public {
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), 0, 0, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IBondedModule.InsufficientBond.selector, 3.7 ether, 3.6 ether)
        );
        vm.prank(alice);
        bonded.registerOperator{value: 3.6 ether}("alice", alice, pks, sigs);
        assertEq(bonded.operatorCount(), 0, "no operator");
        assertEq(bonded.totalBond(), 0, "no bond");
        assertEq(alice.balance, 1_000 ether, "ETH returned");
    }

    /// Operator slots are bounded (MAX_OPERATORS): registering costs at least one first-key
    /// bond, so filling the module is not free (256 × 2.4 ETH, kept while the slots are active).
    function test_registerOperator_revertsWithoutMinimumBond() public {
        vm.deal(stranger, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.InsufficientBond.selector, 2.4 ether, 1 ether));
        vm.prank(stranger);
        bonded.registerOperator{value: 1 ether}("grief", stranger, "", "");
        assertEq(bonded.operatorCount(), 0, "no slot taken");
        assertEq(bonded.totalBond(), 0, "no bond taken");
    }

    function test_registerOperator_withoutKeys() public {
        uint256 op = _register(0, 2.4 ether);
        assertEq(bonded.operatorCount(), 1, "registered");
        assertEq(_bond(op), 2.4 ether, "minimum bond");
        assertEq(bonded.depositableKeys(), 0, "nothing depositable");
    }
}

contract BondedAddKeysTest is BondedFixture {
    function test_addKeys_unbondedKeysAreNotDepositable() public {
        uint256 op = _register(1, 2.4 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 1, 2);
        vm.prank(alice);
        bonded.addKeys(op, pks, sigs);
        assertEq(bonded.getOperator(op).totalKeys, 3, "uploaded");
        assertEq(bonded.depositableKeys(), 1, "only the bonded key is depositable");
    }

    function test_addKeys_revertsForNonManager() public {
        uint256 op = _register(0, 2.4 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotOperatorManager.selector, op, stranger));
        vm.prank(stranger);
        bonded.addKeys(op, pks, sigs);
        assertEq(bonded.getOperator(op).totalKeys, 0, "unchanged");
    }
}

contract BondedAddKeysWithBondTest is BondedFixture {
    function test_addKeysWithBond_makesKeysDepositable() public {
        uint256 op = _register(1, 2.4 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 1, 2);
        vm.prank(alice);
        bonded.addKeysWithBond{value: 2.6 ether}(op, pks, sigs);
        assertEq(_bond(op), 5 ether, "bond");
        assertEq(bonded.depositableKeys(), 3, "all three covered");
    }

    function test_addKeysWithBond_revertsForNonManager() public {
        uint256 op = _register(0, 2.4 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 0, 1);
        vm.deal(stranger, 3 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotOperatorManager.selector, op, stranger));
        vm.prank(stranger);
        bonded.addKeysWithBond{value: 3 ether}(op, pks, sigs);
        assertEq(_bond(op), 2.4 ether, "bond unchanged");
    }
}

contract BondedTopUpBondTest is BondedFixture {
    function test_topUpBond_anyoneCanTopUp() public {
        uint256 op = _register(1, 2.4 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 1, 1);
        vm.prank(alice);
        bonded.addKeys(op, pks, sigs);
        assertEq(bonded.depositableKeys(), 1, "one covered");
        vm.deal(stranger, 1.3 ether);
        vm.prank(stranger);
        bonded.topUpBond{value: 1.3 ether}(op);
        assertEq(_bond(op), 3.7 ether, "bond");
        assertEq(bonded.depositableKeys(), 2, "second key covered");
    }

    function test_topUpBond_revertsOnZeroAndUnknown() public {
        uint256 op = _register(0, 2.4 ether);
        vm.expectRevert(IBondedModule.ZeroAmount.selector);
        bonded.topUpBond(op);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, 7));
        bonded.topUpBond{value: 1 ether}(7);
        assertEq(bonded.totalBond(), 2.4 ether, "unchanged");
    }
}

contract BondedWithdrawBondTest is BondedFixture {
    function test_withdrawBond_freeBondBeforeDeposits() public {
        uint256 op = _register(1, 5 ether);
        assertEq(bonded.withdrawableBond(op), 2.6 ether, "nothing deposited: all but the slot bond free");
        address to = makeAddr("to");
        vm.prank(alice);
        bonded.withdrawBond(op, 2.6 ether, to);
        assertEq(to.balance, 2.6 ether, "paid");
        assertEq(_bond(op), 2.4 ether, "left");
        assertEq(bonded.depositableKeys(), 1, "still covers one key");
    }

    function test_withdrawBond_revertsAboveWithdrawable() public {
        uint256 op = _register(2, 4 ether);
        _deposit(op, 2);
        // two active keys need 3.7 ETH: 0.3 ETH is free
        assertEq(bonded.withdrawableBond(op), 0.3 ether, "withdrawable");
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.BondLocked.selector, op, 0.4 ether, 0.3 ether));
        vm.prank(alice);
        bonded.withdrawBond(op, 0.4 ether, alice);
        assertEq(_bond(op), 4 ether, "unchanged");
    }

    function test_withdrawBond_afterExits() public {
        uint256 op = _register(2, 3.7 ether);
        _deposit(op, 2);
        assertEq(bonded.withdrawableBond(op), 0, "all bond backs active keys");
        _exit(op, 1);
        assertEq(bonded.withdrawableBond(op), 1.3 ether, "one exited key frees its bond");
        uint256 before = alice.balance;
        vm.prank(alice);
        bonded.withdrawBond(op, 1.3 ether, alice);
        assertEq(alice.balance - before, 1.3 ether, "paid");
        _exit(op, 2);
        assertEq(bonded.withdrawableBond(op), 0, "all exited: the active slot keeps its bond");
        vm.prank(alice);
        bonded.leave(op);
        assertEq(bonded.withdrawableBond(op), 2.4 ether, "left: all free");
    }

    function test_withdrawBond_respectsLock() public {
        uint256 op = _register(0, 5 ether);
        vm.prank(moduleRegistry);
        bonded.lockBond(op, 1 ether);
        assertEq(bonded.withdrawableBond(op), 1.6 ether, "lock (and slot bond) held back");
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.BondLocked.selector, op, 3 ether, 1.6 ether));
        vm.prank(alice);
        bonded.withdrawBond(op, 3 ether, alice);
    }

    function test_withdrawBond_revertsForNonManagerAndZero() public {
        uint256 op = _register(0, 3 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotOperatorManager.selector, op, stranger));
        vm.prank(stranger);
        bonded.withdrawBond(op, 1 ether, stranger);
        vm.expectRevert(IBondedModule.ZeroAmount.selector);
        vm.prank(alice);
        bonded.withdrawBond(op, 0, alice);
        assertEq(_bond(op), 3 ether, "unchanged");
    }
}

contract BondedLockBondTest is BondedFixture {
    function test_lockBond_reducesDepositableAndClamps() public {
        uint256 op = _register(2, 3.7 ether);
        vm.prank(moduleRegistry);
        bonded.lockBond(op, 1.3 ether);
        assertEq(_locked(op), 1.3 ether, "locked");
        assertEq(bonded.depositableKeys(), 1, "locked bond covers no key");
        vm.prank(moduleRegistry);
        bonded.lockBond(op, 100 ether);
        assertEq(_locked(op), 3.7 ether, "clamped at the bond");
        assertEq(bonded.depositableKeys(), 0, "nothing free");
    }

    function test_lockBond_revertsForAnyoneButTheRegistry() public {
        uint256 op = _register(0, 2.4 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, stranger));
        vm.prank(stranger);
        bonded.lockBond(op, 1 ether);
        // Not the router either: the registry books its locks with the module directly.
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, address(router)));
        vm.prank(address(router));
        bonded.lockBond(op, 1 ether);
        assertEq(_locked(op), 0, "unchanged");
    }
}

contract BondedUnlockBondTest is BondedFixture {
    function test_unlockBond_releases() public {
        uint256 op = _register(2, 3.7 ether);
        vm.startPrank(moduleRegistry);
        bonded.lockBond(op, 2 ether);
        bonded.unlockBond(op, 1.5 ether);
        assertEq(_locked(op), 0.5 ether, "partially unlocked");
        bonded.unlockBond(op, 10 ether);
        vm.stopPrank();
        assertEq(_locked(op), 0, "floored at zero");
        assertEq(bonded.depositableKeys(), 2, "all covered again");
    }

    function test_unlockBond_revertsForAnyoneButTheRegistry() public {
        uint256 op = _register(0, 2.4 ether);
        vm.prank(moduleRegistry);
        bonded.lockBond(op, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, alice));
        vm.prank(alice);
        bonded.unlockBond(op, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, address(router)));
        vm.prank(address(router));
        bonded.unlockBond(op, 1 ether);
        assertEq(_locked(op), 1 ether, "unchanged");
    }
}

contract BondedChargeBondTest is BondedFixture {
    function test_chargeBond_sendsChargedToRouter() public {
        uint256 op = _register(1, 3 ether);
        uint256 before = address(router).balance;
        vm.expectEmit(address(router));
        emit IStakingRouter.BondCoverReceived(address(bonded), 1 ether);
        vm.prank(address(router));
        uint256 charged = bonded.chargeBond(op, 1 ether);
        assertEq(charged, 1 ether, "charged");
        assertEq(address(router).balance - before, 1 ether, "router received");
        assertEq(_bond(op), 2 ether, "bond left");
        assertEq(bonded.depositableKeys(), 0, "2 ETH no longer covers a key");
    }

    function test_chargeBond_cappedAtFreeBond() public {
        uint256 op = _register(0, 3 ether);
        vm.prank(moduleRegistry);
        bonded.lockBond(op, 1 ether);
        uint256 before = address(router).balance;
        vm.prank(address(router));
        uint256 charged = bonded.chargeBond(op, 10 ether);
        // A report's charge takes free bond only: the lock stays for the slash it was taken for.
        assertEq(charged, 2 ether, "only the free bond");
        assertEq(address(router).balance - before, 2 ether, "router received exactly charged");
        assertEq(_bond(op), 1 ether, "the locked part stays");
        assertEq(_locked(op), 1 ether, "lock kept");
        assertEq(bonded.totalBond(), 1 ether, "total bond");
    }

    function test_chargeBond_revertsForNonRouter() public {
        uint256 op = _register(0, 3 ether);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRouter.selector, stranger));
        vm.prank(stranger);
        bonded.chargeBond(op, 1 ether);
        assertEq(_bond(op), 3 ether, "unchanged");
    }
}

contract BondedCollateralBpsTest is BondedFixture {
    function test_collateralBps_bondPerActiveValidator() public {
        uint256 op = _register(2, 3.7 ether);
        assertEq(bonded.collateralBps(), 0, "no active validators");
        _deposit(op, 2);
        assertEq(bonded.collateralBps(), 0, "bond counts for kappa from the next report");
        vm.prank(address(router));
        bonded.onExitedReported(0); // a report: the bond held now counts
        assertEq(bonded.collateralBps(), uint256(3.7 ether * 10_000) / 64 ether, "bond / (2 * 32 ETH)");
        vm.prank(alice);
        bonded.topUpBond{value: 100 ether}(op);
        assertEq(
            bonded.collateralBps(),
            uint256(3.7 ether * 10_000) / 64 ether,
            "a top-up waits for a report"
        );
        vm.prank(address(router));
        bonded.onExitedReported(0);
        assertEq(bonded.collateralBps(), 10_000, "capped at 100%");
    }
}
