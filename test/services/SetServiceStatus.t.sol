// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract SetServiceStatusTest is ServicesFixture {
    uint256 private id;

    function setUp() public {
        _deployServices();
        id = registry.registerService(_svcParams(1, 1_000, 1, 10_000));
    }

    function _status(uint256 serviceId) private view returns (IServiceRegistry.ServiceStatus) {
        return registry.getService(serviceId).status;
    }

    function _set(IServiceRegistry.ServiceStatus s) private {
        vm.prank(serviceManager);
        registry.setServiceStatus(id, s);
    }

    function _expectBadChange(
        IServiceRegistry.ServiceStatus from,
        IServiceRegistry.ServiceStatus to
    ) private {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.InvalidStatusChange.selector, from, to));
        _set(to);
        assertEq(uint8(_status(id)), uint8(from), "status unchanged");
    }

    function test_setServiceStatus_approvesPausesResumesRetires() public {
        vm.expectEmit(address(registry));
        emit IServiceRegistry.ServiceStatusChanged(id, IServiceRegistry.ServiceStatus.Active);
        _set(IServiceRegistry.ServiceStatus.Active);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Active), "approved");
        assertEq(registry.requiredRedeemDelay(1), SLASHING_WINDOW + VETO_WINDOW, "B now bound");
        assertEq(registry.requiredRedeemDelay(2), SLASHING_WINDOW + VETO_WINDOW, "C now bound");
        assertEq(registry.requiredRedeemDelay(0), 0, "A never exposed");
        _set(IServiceRegistry.ServiceStatus.Paused);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Paused), "paused");
        _set(IServiceRegistry.ServiceStatus.Active);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Active), "resumed");
        _set(IServiceRegistry.ServiceStatus.Retired);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Retired), "retired");
        assertEq(registry.requiredRedeemDelay(2), 0, "retired without allocation binds nobody");
    }

    function test_setServiceStatus_retiresPending() public {
        _set(IServiceRegistry.ServiceStatus.Retired);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Retired), "retired from pending");
    }

    function test_setServiceStatus_revertsOnInvalidTransitions() public {
        _expectBadChange(IServiceRegistry.ServiceStatus.Pending, IServiceRegistry.ServiceStatus.Paused);
        _expectBadChange(IServiceRegistry.ServiceStatus.Pending, IServiceRegistry.ServiceStatus.Pending);
        _expectBadChange(IServiceRegistry.ServiceStatus.Pending, IServiceRegistry.ServiceStatus.None);
        _set(IServiceRegistry.ServiceStatus.Active);
        _expectBadChange(IServiceRegistry.ServiceStatus.Active, IServiceRegistry.ServiceStatus.Active);
        _expectBadChange(IServiceRegistry.ServiceStatus.Active, IServiceRegistry.ServiceStatus.Pending);
        _set(IServiceRegistry.ServiceStatus.Retired);
        _expectBadChange(IServiceRegistry.ServiceStatus.Retired, IServiceRegistry.ServiceStatus.Active);
        _expectBadChange(IServiceRegistry.ServiceStatus.Retired, IServiceRegistry.ServiceStatus.Retired);
        _expectBadChange(IServiceRegistry.ServiceStatus.Retired, IServiceRegistry.ServiceStatus.Paused);
    }

    function test_setServiceStatus_revertsForStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                registry.SERVICE_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        registry.setServiceStatus(id, IServiceRegistry.ServiceStatus.Active);
        assertEq(uint8(_status(id)), uint8(IServiceRegistry.ServiceStatus.Pending), "still pending");
    }

    function test_setServiceStatus_revertsOnUnknownService() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownService.selector, 7));
        vm.prank(serviceManager);
        registry.setServiceStatus(7, IServiceRegistry.ServiceStatus.Active);
    }

    function test_setServiceStatus_approvalBlockedByRedeemDelayTooShort() public {
        // Windows of 600 + 200 s exceed B's and C's 768 s delay.
        IServiceRegistry.ServiceParams memory p = _svcParams(2, 1_000, 1, 10_000);
        p.slashingWindow = 600;
        uint256 long = registry.registerService(p);
        vm.expectRevert(
            abi.encodeWithSelector(IServiceRegistry.RedeemDelayTooShort.selector, 2, 2 * FRAME, 800)
        );
        vm.prank(serviceManager);
        registry.setServiceStatus(long, IServiceRegistry.ServiceStatus.Active);
        assertEq(uint8(_status(long)), uint8(IServiceRegistry.ServiceStatus.Pending), "still pending");
        assertEq(registry.requiredRedeemDelay(2), 0, "C not bound");
        // Tier 1 checks B first.
        p.tier = 1;
        uint256 t1 = registry.registerService(p);
        vm.expectRevert(
            abi.encodeWithSelector(IServiceRegistry.RedeemDelayTooShort.selector, 1, 2 * FRAME, 800)
        );
        vm.prank(serviceManager);
        registry.setServiceStatus(t1, IServiceRegistry.ServiceStatus.Active);
        // After governance lengthens C's delay the tier-2 service is approvable.
        vm.prank(admin);
        book.setClassParams(2, _classParams(0, 0, 0, 800));
        vm.prank(serviceManager);
        registry.setServiceStatus(long, IServiceRegistry.ServiceStatus.Active);
        assertEq(registry.requiredRedeemDelay(2), 800, "C bound to 800 s");
    }

    function test_setServiceStatus_resumeRechecksRedeemDelay() public {
        _set(IServiceRegistry.ServiceStatus.Active);
        _set(IServiceRegistry.ServiceStatus.Paused);
        // A paused service still binds its classes: the delay cannot be lowered under it.
        vm.expectRevert(
            abi.encodeWithSelector(
                IYieldClasses.RedeemDelayTooShort.selector,
                1,
                SLASHING_WINDOW + VETO_WINDOW - 1,
                SLASHING_WINDOW + VETO_WINDOW
            )
        );
        vm.prank(admin);
        book.setClassParams(1, _classParams(500, 1500, 0, SLASHING_WINDOW + VETO_WINDOW - 1));
    }

    function test_setClassParams_cannotLowerDelayBelowExposedWindows() public {
        _set(IServiceRegistry.ServiceStatus.Active);
        uint256 needed = SLASHING_WINDOW + VETO_WINDOW;
        vm.expectRevert(
            abi.encodeWithSelector(IYieldClasses.RedeemDelayTooShort.selector, 2, needed - 1, needed)
        );
        vm.prank(admin);
        book.setClassParams(2, _classParams(0, 0, 0, needed - 1));
        assertEq(book.getClass(2).params.redeemDelay, 2 * FRAME, "C delay unchanged");
        // Exactly the windows is allowed; class A (never exposed) keeps the book's floor only.
        vm.prank(admin);
        book.setClassParams(2, _classParams(0, 0, 0, needed));
        assertEq(book.getClass(2).params.redeemDelay, needed, "C delay at the edge");
        vm.prank(admin);
        book.setClassParams(0, _classParams(1000, 2500, 2500, FRAME));
        assertEq(book.getClass(0).params.redeemDelay, FRAME, "A unaffected");
    }
}
