// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ClassToken} from "../../contracts/ClassToken.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {MAX_CLASSES} from "../../contracts/libraries/Constants.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

contract AddClassTest is SystemFixture {
    function setUp() public {
        _deploySystem();
    }

    function _p(uint32 delay) private pure returns (IYieldClasses.ClassParams memory) {
        return IYieldClasses.ClassParams(100, 200, 0, delay, 7 ether);
    }

    function test_addClass_appendsMostJuniorOpenClass() public {
        ClassToken t = new ClassToken("D", "cD", address(book), 3);
        vm.expectEmit(address(book));
        emit IYieldClasses.ClassAdded(3, address(t), _p(uint32(FRAME)));
        vm.prank(classManager);
        uint256 id = book.addClass(address(t), _p(uint32(FRAME)));
        assertEq(id, 3, "next id");
        assertEq(book.classCount(), 4, "count");
        IYieldClasses.ClassInfo memory c = book.getClass(3);
        assertEq(c.token, address(t), "token");
        assertTrue(c.open, "open");
        assertFalse(c.wiped, "not wiped");
        assertEq(c.nav, 0, "empty nav");
        assertEq(c.params.depositCap, 7 ether, "params stored");
        assertEq(c.params.basePremiumBps, 100, "base premium stored");
    }

    function test_addClass_revertsForStranger() public {
        ClassToken t = new ClassToken("D", "cD", address(book), 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                book.CLASS_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        book.addClass(address(t), _p(uint32(FRAME)));
    }

    function test_addClass_revertsOnTokenOfOtherBook() public {
        ClassToken t = new ClassToken("D", "cD", stranger, 3);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.BadToken.selector, address(t)));
        vm.prank(classManager);
        book.addClass(address(t), _p(uint32(FRAME)));
    }

    function test_addClass_revertsOnWrongClassId() public {
        ClassToken t = new ClassToken("D", "cD", address(book), 2);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.BadToken.selector, address(t)));
        vm.prank(classManager);
        book.addClass(address(t), _p(uint32(FRAME)));
        assertEq(book.classCount(), 3, "nothing added");
    }

    function test_addClass_revertsOnPremiumAboveBps(uint16 bps) public {
        bps = uint16(bound(bps, 10_001, type(uint16).max));
        ClassToken t = new ClassToken("D", "cD", address(book), 3);
        IYieldClasses.ClassParams memory p = _p(uint32(FRAME));
        p.maxPremiumBps = bps;
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.InvalidParams.selector, 3));
        vm.prank(classManager);
        book.addClass(address(t), p);
    }

    function test_addClass_revertsOnShortRedeemDelay() public {
        ClassToken t = new ClassToken("D", "cD", address(book), 3);
        vm.expectRevert(
            abi.encodeWithSelector(IYieldClasses.RedeemDelayTooShort.selector, 3, FRAME - 1, FRAME)
        );
        vm.prank(classManager);
        book.addClass(address(t), _p(uint32(FRAME - 1)));
    }

    function test_addClass_revertsAboveMaxClasses() public {
        for (uint256 k = 3; k < MAX_CLASSES; ++k) _addClass(_p(uint32(FRAME)));
        ClassToken t = new ClassToken("X", "cX", address(book), MAX_CLASSES);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.TooManyClasses.selector, MAX_CLASSES));
        vm.prank(classManager);
        book.addClass(address(t), _p(uint32(FRAME)));
    }
}
