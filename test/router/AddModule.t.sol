// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract AddModuleTest is RouterFixture {
    function setUp() public {
        _deployCore();
    }

    function test_addModule_registersActiveModule() public {
        address m = address(_newCurated());
        vm.expectEmit(address(router));
        emit IStakingRouter.ModuleAdded(0, m, _params(3, 4_000), 9_000);
        uint256 id = _addModule(m, 3, 4_000, 9_000);
        IStakingRouter.Module memory info = router.getModule(id);
        assertEq(id, 0, "first id is 0");
        assertEq(router.moduleCount(), 1, "count");
        assertEq(router.moduleIdOf(m), 0, "id lookup");
        assertEq(info.module, m, "address");
        assertEq(uint256(info.status), uint256(IStakingRouter.ModuleStatus.Active), "active");
        assertEq(info.baseWeight, 3, "weight");
        assertEq(info.stakeShareLimitBps, 4_000, "limit");
        assertEq(info.moduleFeeBps, 500, "fee");
        assertEq(info.reputationBps, 9_000, "reputation");
        assertEq(info.feeRecipient, feeRecipient, "fee recipient");
    }

    function test_addModule_revertsForStranger() public {
        address m = address(_newCurated());
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        bytes32 role = router.MODULE_MANAGER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        router.addModule(m, p, 10_000);
        assertEq(router.moduleCount(), 0, "nothing added");
    }

    function test_addModule_revertsWhenAlreadyAdded() public {
        address m = address(_newCurated());
        _addModule(m, 1, 10_000, 10_000);
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.ModuleAlreadyAdded.selector, m));
        vm.prank(moduleManager);
        router.addModule(m, p, 10_000);
        assertEq(router.moduleCount(), 1, "still one");
    }

    function test_addModule_revertsOnZeroAddress() public {
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        vm.prank(moduleManager);
        router.addModule(address(0), p, 10_000);
        assertEq(router.moduleCount(), 0, "nothing added");
    }

    function test_addModule_revertsOnBadParams() public {
        address m = address(_newCurated());
        IStakingRouter.ModuleParams memory p = _params(0, 10_000);
        vm.startPrank(moduleManager);
        vm.expectRevert(IStakingRouter.ZeroWeight.selector);
        router.addModule(m, p, 10_000);
        p = _params(1, 10_001);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 10_001));
        router.addModule(m, p, 10_000);
        p = _params(1, 10_000);
        p.moduleFeeBps = 10_001;
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BpsTooHigh.selector, 10_001));
        router.addModule(m, p, 10_000);
        p = _params(1, 10_000);
        p.feeRecipient = address(0);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        router.addModule(m, p, 10_000);
        p = _params(1, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.InvalidReputation.selector, 10_001));
        router.addModule(m, p, 10_001);
        vm.stopPrank();
        assertEq(router.moduleCount(), 0, "nothing added");
    }

    function test_addModule_revertsAboveMaxModules() public {
        for (uint256 i; i < 32; ++i) _addModule(address(_newCurated()), 1, 10_000, 10_000);
        address m = address(_newCurated());
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.TooManyModules.selector, 32));
        vm.prank(moduleManager);
        router.addModule(m, p, 10_000);
        assertEq(router.moduleCount(), 32, "bounded at 32");
    }
}
