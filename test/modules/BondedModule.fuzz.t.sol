// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ModuleBase} from "../../contracts/modules/ModuleBase.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract BondedModuleFuzzTest is RouterFixture {
    address internal alice = makeAddr("alice");

    function setUp() public {
        _deployDefault();
        vm.deal(alice, 10_000 ether);
    }

    /// @dev The curve: depositable keys (on top of the active ones) are covered by free bond.
    function _assertCovered(uint256 op, string memory step) private view {
        ModuleBase.Operator memory o = bonded.getOperator(op);
        (uint256 bond, uint256 locked) = bonded.bondOf(op);
        assertLe(locked, bond, string.concat(step, ": lock within bond"));
        assertLe(
            uint256(o.depositedKeys) + o.depositable,
            o.totalKeys,
            string.concat(step, ": within uploaded")
        );
        if (o.depositable != 0) {
            uint256 keys = uint256(o.depositedKeys) - o.exitedKeys + o.depositable;
            assertLe(
                bonded.bondRequired(op, keys),
                bond - locked,
                string.concat(step, ": depositable keys covered by the free bond")
            );
        }
        assertEq(bonded.depositableKeys(), o.depositable, string.concat(step, ": module total = operator"));
    }

    function testFuzz_depositable_neverExceedsFreeBond(
        uint256 keyCount,
        uint256 extraBond,
        uint256 depositCount,
        uint256 exitCount,
        uint256 lockAmount,
        uint256 chargeAmount,
        uint256 withdrawAmount
    ) public {
        keyCount = bound(keyCount, 1, 30);
        uint256 bond = bonded.bondRequired(0, 1) + bound(extraBond, 0, 60 ether);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), 0, 0, keyCount);
        // upload one key with the registration, the rest without bond
        vm.startPrank(alice);
        bonded.registerOperator{value: bond}("alice", alice, _slice(pks, 0, 48), _slice(sigs, 0, 96));
        if (keyCount > 1) bonded.addKeys(0, _slice(pks, 48, pks.length), _slice(sigs, 96, sigs.length));
        vm.stopPrank();
        _assertCovered(0, "register");

        depositCount = bound(depositCount, 0, bonded.depositableKeys());
        if (depositCount != 0) {
            vm.prank(address(router));
            bonded.onDeposit(depositCount);
        }
        _assertCovered(0, "deposit");

        exitCount = bound(exitCount, 0, depositCount);
        if (exitCount != 0) {
            uint256[] memory ids = new uint256[](1);
            uint256[] memory ex = new uint256[](1);
            ex[0] = exitCount;
            vm.prank(address(exits));
            bonded.updateExited(ids, ex);
        }
        _assertCovered(0, "exit");

        vm.prank(moduleRegistry);
        bonded.lockBond(0, bound(lockAmount, 0, 80 ether));
        _assertCovered(0, "lock");

        withdrawAmount = bound(withdrawAmount, 0, bonded.withdrawableBond(0));
        if (withdrawAmount != 0) {
            vm.prank(alice);
            bonded.withdrawBond(0, withdrawAmount, alice);
        }
        _assertCovered(0, "withdraw");

        vm.prank(address(router));
        bonded.chargeBond(0, bound(chargeAmount, 0, 80 ether));
        _assertCovered(0, "charge");

        vm.prank(moduleRegistry);
        bonded.unlockBond(0, type(uint128).max);
        _assertCovered(0, "unlock");
    }

    function testFuzz_chargeBond_neverAboveBond(uint256 bond, uint256 amount, uint256 lockAmount) public {
        bond = bound(bond, 2.4 ether, 1_000 ether);
        amount = bound(amount, 0, 2_000 ether);
        vm.prank(alice);
        bonded.registerOperator{value: bond}("alice", alice, "", "");
        vm.prank(moduleRegistry);
        bonded.lockBond(0, bound(lockAmount, 0, 2_000 ether));
        (, uint256 lockedBefore) = bonded.bondOf(0);
        uint256 free = bond - lockedBefore;
        uint256 routerBefore = address(router).balance;
        uint256 moduleBefore = address(bonded).balance;

        vm.prank(address(router));
        uint256 charged = bonded.chargeBond(0, amount);

        (uint256 left, uint256 locked) = bonded.bondOf(0);
        assertEq(charged, amount < free ? amount : free, "charged = min(amount, free bond)");
        assertEq(locked, lockedBefore, "a report's charge never takes a lock");
        assertLe(charged, bond, "never more than the bond");
        assertEq(address(router).balance - routerBefore, charged, "router receives exactly charged");
        assertEq(moduleBefore - address(bonded).balance, charged, "module pays exactly charged");
        assertEq(left, bond - charged, "bond left");
        assertEq(bonded.totalBond(), left, "total bond tracks");
        assertLe(locked, left, "lock within bond");
    }

    function _slice(bytes memory b, uint256 from, uint256 to) private pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) out[i] = b[from + i];
    }
}
