// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IBondedModule} from "../../contracts/interfaces/IBondedModule.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev Bond held for a pending service slash (review finding 7): a report's bond charge takes
/// free bond only, a lock is released only by its own execution or veto, and an execution takes
/// other requests' locks only when its own lock and the free bond fall short. Bonded operator 0 has 3 active validators (5 ETH of curve bond)
/// and secures 96 ETH of a tier-1 service with a 100% max slash.
contract BondLockTest is ServicesFixture {
    uint256 private svc;
    address private manager;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
        manager = bonded.operatorManager(0);
    }

    function _topUpTo(uint256 target) private {
        _topUpBondTo(0, target);
    }

    function _request(uint256 bps) private returns (uint256) {
        return _slashRequest(svc, 1, 0, bps);
    }

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
