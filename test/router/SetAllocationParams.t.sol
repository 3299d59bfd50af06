// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract SetAllocationParamsTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function test_setAllocationParams_writesAndEmits() public {
        vm.expectEmit(address(router));
        emit IStakingRouter.AllocationParamsUpdated(2_000, 9_500);
        vm.prank(moduleManager);
        router.setAllocationParams(2_000, 9_500);
        (uint256 boost, uint256 minRep) = router.allocationParams();
        assertEq(boost, 2_000, "boost");
        assertEq(minRep, 9_500, "min reputation");
    }

    function test_setAllocationParams_minReputationZeroesWeight() public {
        vm.prank(moduleManager);
        router.setAllocationParams(0, 10_000);
        assertGt(router.moduleWeights()[0], 0, "at the minimum still weighs");
        _addModule(address(_newCurated()), 1, 10_000, 9_999);
        assertEq(router.moduleWeights()[2], 0, "below the minimum weighs nothing");
    }

    function test_setAllocationParams_revertsAboveBps() public {
        vm.startPrank(moduleManager);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 10_001));
        router.setAllocationParams(10_001, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 10_001));
        router.setAllocationParams(0, 10_001);
        vm.stopPrank();
        (uint256 boost, uint256 minRep) = router.allocationParams();
        assertEq(boost, BOOST_BPS, "boost unchanged");
        assertEq(minRep, MIN_REP_BPS, "min reputation unchanged");
    }

    function test_setAllocationParams_revertsForStranger() public {
        bytes32 role = router.MODULE_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        router.setAllocationParams(0, 0);
        (uint256 boost, ) = router.allocationParams();
        assertEq(boost, BOOST_BPS, "unchanged");
    }
}
