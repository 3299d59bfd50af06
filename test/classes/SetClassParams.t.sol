// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

contract SetClassParamsTest is SystemFixture {
    function setUp() public {
        _deploySystem();
    }

    function test_setClassParams_storesAndEmits() public {
        IYieldClasses.ClassParams memory p = IYieldClasses.ClassParams(
            2000,
            3000,
            5000,
            uint32(3 * FRAME),
            9 ether
        );
        vm.expectEmit(address(book));
        emit IYieldClasses.ClassParamsSet(0, p);
        vm.prank(classManager);
        book.setClassParams(0, p);
        IYieldClasses.ClassParams memory got = book.getClass(0).params;
        assertEq(got.basePremiumBps, 2000, "base");
        assertEq(got.maxPremiumBps, 3000, "max");
        assertEq(got.minCoverBps, 5000, "cover");
        assertEq(got.redeemDelay, 3 * FRAME, "delay");
        assertEq(got.depositCap, 9 ether, "cap");
    }

    function test_setClassParams_revertsForStranger() public {
        IYieldClasses.ClassParams memory p = book.getClass(0).params;
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                book.CLASS_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        book.setClassParams(0, p);
    }

    function test_setClassParams_revertsOnUnknownClass() public {
        IYieldClasses.ClassParams memory p = book.getClass(0).params;
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.UnknownClass.selector, 3));
        vm.prank(classManager);
        book.setClassParams(3, p);
    }

    function test_setClassParams_revertsOnBadBounds(uint16 base) public {
        base = uint16(bound(base, 10_001, type(uint16).max));
        IYieldClasses.ClassParams memory p = book.getClass(1).params;
        p.basePremiumBps = base;
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.InvalidParams.selector, 1));
        vm.prank(classManager);
        book.setClassParams(1, p);
        assertEq(book.getClass(1).params.basePremiumBps, 500, "unchanged");
    }

    function test_setClassParams_revertsOnDelayBelowFloor() public {
        IYieldClasses.ClassParams memory p = book.getClass(1).params;
        p.redeemDelay = 0;
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.RedeemDelayTooShort.selector, 1, 0, FRAME));
        vm.prank(classManager);
        book.setClassParams(1, p);
    }
}
