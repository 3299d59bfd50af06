// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ServiceRegistry} from "../../contracts/ServiceRegistry.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract OptInTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup();
        svc = _service(1, 1_000);
    }

    function _optedIn(uint256 moduleId, uint256 op) private view returns (bool) {
        ServiceRegistry.OptIn memory o = registry.optInOf(svc, moduleId, op);
        return o.optedIn && o.outAt == 0;
    }

    function test_optIn_byOperatorManager() public {
        vm.expectEmit(address(registry));
        emit IServiceRegistry.OptedIn(svc, 1, 0);
        _optIn(svc, 1, 0);
        assertTrue(_optedIn(1, 0), "bonded op 0 opted in");
        _optIn(svc, 0, 1);
        assertTrue(_optedIn(0, 1), "curated op 1 opted in");
        assertFalse(_optedIn(0, 0), "others untouched");
    }

    function test_optIn_revertsForOtherManager() public {
        address other = _managerOf(1, 1);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOperatorManager.selector, 1, 0, other));
        vm.prank(other);
        registry.optIn(svc, 1, 0);
        assertFalse(_optedIn(1, 0), "not opted in");
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotOperatorManager.selector, 0, 0, stranger));
        vm.prank(stranger);
        registry.optIn(svc, 0, 0);
        assertFalse(_optedIn(0, 0), "not opted in");
    }

    function test_optIn_revertsWhenAlreadyOptedIn() public {
        _optIn(svc, 1, 0);
        address m = _managerOf(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.AlreadyOptedIn.selector, svc, 1, 0));
        vm.prank(m);
        registry.optIn(svc, 1, 0);
        assertTrue(_optedIn(1, 0), "still opted in");
    }

    function test_optIn_revertsWhenServiceNotActive() public {
        uint256 pending = registry.registerService(_svcParams(1, 1_000, 1, 10_000));
        address m = _managerOf(1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ServiceNotActive.selector,
                pending,
                IServiceRegistry.ServiceStatus.Pending
            )
        );
        vm.prank(m);
        registry.optIn(pending, 1, 0);
        assertFalse(registry.optInOf(pending, 1, 0).optedIn, "not opted in");
    }

    function test_optIn_revertsOnUnknownService() public {
        address m = _managerOf(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownService.selector, 9));
        vm.prank(m);
        registry.optIn(9, 1, 0);
    }

    function test_optIn_againWhileLeavingCancelsOptOut() public {
        _optIn(svc, 1, 0);
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optOut(svc, 1, 0);
        assertFalse(_optedIn(1, 0), "leaving");
        vm.prank(m);
        registry.optIn(svc, 1, 0);
        assertTrue(_optedIn(1, 0), "back in");
    }
}
