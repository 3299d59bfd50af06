// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IBondedModule} from "../../contracts/interfaces/IBondedModule.sol";
import {ModuleBase} from "../../contracts/modules/ModuleBase.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice BondedModule's governance paths: the bond curves (every operator's limit moves), the
/// proven curve per operator and the admin's operator switch, with their views and events.
contract BondedModuleAdminTest is RouterFixture {
    address internal alice = makeAddr("alice");
    address internal curveManager = makeAddr("curveManager");
    address internal reputationManager = makeAddr("reputationManager");

    function setUp() public {
        _deployDefault();
        vm.deal(alice, 1_000 ether);
        vm.startPrank(admin);
        bonded.grantRole(bonded.CURVE_MANAGER_ROLE(), curveManager);
        bonded.grantRole(bonded.REPUTATION_MANAGER_ROLE(), reputationManager);
        vm.stopPrank();
    }

    /// @dev Registers with one key and `bond`, then uploads the other keys without bond: how
    /// many are depositable is then up to the curve alone.
    function _register(uint256 keyCount, uint256 bond) internal returns (uint256 op) {
        op = bonded.operatorCount();
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 0, 1);
        vm.prank(alice);
        bonded.registerOperator{value: bond}("alice", alice, pks, sigs);
        if (keyCount < 2) return op;
        (pks, sigs) = _keys(address(bonded), op, 1, keyCount - 1);
        vm.prank(alice);
        bonded.addKeys(op, pks, sigs);
    }

    function _curve(uint256 first, uint256 next) internal pure returns (IBondedModule.BondCurve memory) {
        return IBondedModule.BondCurve({first: uint128(first), next: uint128(next)});
    }

    // ---------------------------------------------------------------- setBondCurves

    function test_setBondCurves_refreshesEveryOperatorsLimit() public {
        _register(3, 5 ether); // standard 2.4 + 2 × 1.3 = 5.0: three keys
        _register(3, 2.4 ether); // one key
        assertEq(bonded.depositableKeys(), 4, "3 + 1 keys under the deploy curves");
        vm.expectEmit(address(bonded));
        emit IBondedModule.BondCurvesSet(_curve(1 ether, 1 ether), _curve(1 ether, 0.5 ether));
        vm.prank(curveManager);
        bonded.setBondCurves(_curve(1 ether, 1 ether), _curve(1 ether, 0.5 ether));
        // 5 ETH now covers 5 keys (3 uploaded), 2.4 ETH covers 2.
        assertEq(bonded.depositableKeys(), 5, "3 + 2 keys after the cheaper curve");
        (IBondedModule.BondCurve memory standard, IBondedModule.BondCurve memory proven) = bonded
            .bondCurves();
        assertEq(standard.first, 1 ether, "standard first");
        assertEq(standard.next, 1 ether, "standard next");
        assertEq(proven.first, 1 ether, "proven first");
        assertEq(proven.next, 0.5 ether, "proven next");
    }

    function test_setBondCurves_dearerCurveLowersLimits() public {
        _register(3, 5 ether);
        vm.prank(curveManager);
        bonded.setBondCurves(_curve(4 ether, 2 ether), _curve(1.5 ether, 1 ether));
        assertEq(bonded.depositableKeys(), 1, "5 ETH covers one key at 4 ETH + 2 ETH");
    }

    function test_setBondCurves_revertsOnZeroStandard(uint256 first, uint256 next) public {
        first = bound(first, 0, 10 ether);
        next = bound(next, 0, 10 ether);
        vm.assume(first == 0 || next == 0);
        vm.prank(curveManager);
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.InvalidCurve.selector, first, next));
        bonded.setBondCurves(_curve(first, next), _curve(1 ether, 1 ether));
    }

    function test_setBondCurves_revertsWhenProvenDearerThanStandard() public {
        vm.startPrank(curveManager);
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.InvalidCurve.selector, 3 ether, 1 ether));
        bonded.setBondCurves(_curve(2.4 ether, 1.3 ether), _curve(3 ether, 1 ether));
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.InvalidCurve.selector, 1 ether, 2 ether));
        bonded.setBondCurves(_curve(2.4 ether, 1.3 ether), _curve(1 ether, 2 ether));
        vm.expectRevert(abi.encodeWithSelector(IBondedModule.InvalidCurve.selector, 0, 1 ether));
        bonded.setBondCurves(_curve(2.4 ether, 1.3 ether), _curve(0, 1 ether));
        vm.stopPrank();
        (IBondedModule.BondCurve memory standard, ) = bonded.bondCurves();
        assertEq(standard.first, 2.4 ether, "curves unchanged");
    }

    function test_setBondCurves_revertsForNonCurveManager() public {
        bytes32 role = bonded.CURVE_MANAGER_ROLE();
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, role)
        );
        bonded.setBondCurves(_curve(1 ether, 1 ether), _curve(1 ether, 1 ether));
    }

    // ---------------------------------------------------------------- setOperatorProven

    function test_setOperatorProven_movesOperatorToProvenCurve() public {
        uint256 op = _register(3, 3.5 ether);
        assertEq(bonded.depositableKeys(), 1, "standard: 3.5 ETH covers 2.4 ETH, not 2.4 + 1.3");
        assertFalse(bonded.isProven(op), "not proven at registration");
        vm.expectEmit(address(bonded));
        emit IBondedModule.OperatorProvenSet(op, true);
        vm.prank(reputationManager);
        bonded.setOperatorProven(op, true);
        assertTrue(bonded.isProven(op), "proven");
        assertEq(bonded.depositableKeys(), 3, "proven: 1.5 + 2 x 1.0 = 3.5 ETH covers three keys");
        vm.prank(reputationManager);
        bonded.setOperatorProven(op, false);
        assertFalse(bonded.isProven(op), "back on the standard curve");
        assertEq(bonded.depositableKeys(), 1, "limit back to one key");
    }

    function test_setOperatorProven_revertsOnUnknownOperator(uint256 op) public {
        op = bound(op, bonded.operatorCount(), type(uint64).max);
        vm.prank(reputationManager);
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.UnknownOperator.selector, op));
        bonded.setOperatorProven(op, true);
    }

    function test_setOperatorProven_revertsForNonReputationManager() public {
        uint256 op = _register(1, 2.4 ether);
        bytes32 role = bonded.REPUTATION_MANAGER_ROLE();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role)
        );
        bonded.setOperatorProven(op, true);
        assertFalse(bonded.isProven(op), "unchanged");
    }

    // ---------------------------------------------------------------- setOperatorActive

    function test_setOperatorActive_adminStopsAndRestoresDeposits() public {
        uint256 op = _register(2, 3.7 ether);
        assertEq(bonded.depositableKeys(), 2, "two bonded keys");
        vm.expectEmit(address(bonded));
        emit ModuleBase.OperatorActiveChanged(op, false);
        vm.prank(admin);
        bonded.setOperatorActive(op, false);
        assertFalse(bonded.getOperator(op).active, "inactive");
        assertEq(bonded.depositableKeys(), 0, "an inactive operator's keys are not depositable");
        vm.prank(admin);
        bonded.setOperatorActive(op, true);
        assertTrue(bonded.getOperator(op).active, "active again");
        assertEq(bonded.depositableKeys(), 2, "keys depositable again");
    }

    function test_setOperatorActive_revertsForOperatorManager() public {
        uint256 op = _register(1, 2.4 ether);
        bytes32 role = bonded.DEFAULT_ADMIN_ROLE();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role)
        );
        bonded.setOperatorActive(op, true);
    }
}
