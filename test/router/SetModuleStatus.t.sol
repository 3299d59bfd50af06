// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {StakingModule__Mock} from "../harness/StakingModule__Mock.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract SetModuleStatusTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function _status(uint256 id) private view returns (IStakingRouter.ModuleStatus) {
        return router.getModule(id).status;
    }

    function test_setModuleStatus_managerPausesAndResumes() public {
        vm.expectEmit(address(router));
        emit IStakingRouter.ModuleStatusChanged(0, IStakingRouter.ModuleStatus.Paused);
        vm.prank(moduleManager);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Paused);
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Paused), "paused");
        assertEq(router.moduleWeights()[0], 0, "paused module weighs nothing");
        vm.prank(moduleManager);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Active);
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Active), "active again");
        assertGt(router.moduleWeights()[0], 0, "weight back");
    }

    function test_setModuleStatus_pauserMayOnlyPause() public {
        vm.prank(pauser);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Paused);
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Paused), "pauser paused");
        bytes32 role = router.MODULE_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, pauser, role)
        );
        vm.prank(pauser);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Active);
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Paused), "still paused");
    }

    function test_setModuleStatus_revertsForStranger() public {
        bytes32 role = router.MODULE_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.Paused);
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Active), "unchanged");
    }

    function test_setModuleStatus_stoppedIsFinal() public {
        vm.startPrank(moduleManager);
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Stopped);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.ModuleStopped.selector, 1));
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Active);
        vm.stopPrank();
        assertEq(uint256(_status(1)), uint256(IStakingRouter.ModuleStatus.Stopped), "still stopped");
        assertEq(router.moduleWeights()[1], 0, "stopped module weighs nothing");
    }

    function test_setModuleStatus_revertsOnNoneAndUnknown() public {
        vm.startPrank(moduleManager);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingRouter.InvalidStatus.selector, IStakingRouter.ModuleStatus.None)
        );
        router.setModuleStatus(0, IStakingRouter.ModuleStatus.None);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, 5));
        router.setModuleStatus(5, IStakingRouter.ModuleStatus.Paused);
        vm.stopPrank();
        assertEq(uint256(_status(0)), uint256(IStakingRouter.ModuleStatus.Active), "unchanged");
    }

    /// A stopped module is never asked anything: even one whose views revert (e.g. after a bad
    /// upgrade) cannot block allocation for the others (attestations are per module, so the
    /// others' checks never read it).
    function test_setModuleStatus_stoppedModuleIsNotQueried() public {
        StakingModule__Mock m = new StakingModule__Mock();
        uint256 id = _addModule(address(m), 1, 10_000, 10_000);
        vm.prank(moduleManager);
        router.setModuleStatus(id, IStakingRouter.ModuleStatus.Stopped);
        m.setBroken(true);
        (uint256[] memory alloc, ) = router.previewAllocation(1);
        assertEq(alloc[id], 0, "stopped module gets nothing");
    }
}
