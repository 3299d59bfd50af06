// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract UpdateModuleTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function test_updateModule_writesParams() public {
        IStakingRouter.ModuleParams memory p = _params(7, 2_500);
        p.moduleFeeBps = 1_000;
        vm.expectEmit(address(router));
        emit IStakingRouter.ModuleParamsUpdated(1, p);
        vm.prank(moduleManager);
        router.updateModule(1, p);
        IStakingRouter.Module memory info = router.getModule(1);
        assertEq(info.baseWeight, 7, "weight");
        assertEq(info.stakeShareLimitBps, 2_500, "limit");
        assertEq(info.moduleFeeBps, 1_000, "fee");
        assertEq(info.reputationBps, 10_000, "reputation untouched");
        assertEq(uint256(info.status), uint256(IStakingRouter.ModuleStatus.Active), "status untouched");
    }

    function test_updateModule_revertsOnUnknownModule() public {
        IStakingRouter.ModuleParams memory p = _params(7, 2_500);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, 2));
        vm.prank(moduleManager);
        router.updateModule(2, p);
    }

    function test_updateModule_revertsForStranger() public {
        IStakingRouter.ModuleParams memory p = _params(7, 2_500);
        bytes32 role = router.MODULE_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        router.updateModule(0, p);
        assertEq(router.getModule(0).baseWeight, 1, "unchanged");
    }

    function test_updateModule_revertsOnBadParams() public {
        IStakingRouter.ModuleParams memory p = _params(0, 2_500);
        vm.startPrank(moduleManager);
        vm.expectRevert(IStakingRouter.ZeroWeight.selector);
        router.updateModule(0, p);
        p = _params(1, 10_001);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 10_001));
        router.updateModule(0, p);
        p = _params(1, 100);
        p.feeRecipient = address(0);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        router.updateModule(0, p);
        vm.stopPrank();
        assertEq(router.getModule(0).stakeShareLimitBps, 10_000, "unchanged");
    }
}
