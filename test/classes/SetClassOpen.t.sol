// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

contract SetClassOpenTest is SystemFixture {
    function setUp() public {
        _deploySystem();
    }

    function test_setClassOpen_closesAndReopens() public {
        vm.expectEmit(address(book));
        emit IYieldClasses.ClassOpenSet(2, false);
        vm.prank(classManager);
        book.setClassOpen(2, false);
        assertFalse(book.getClass(2).open, "closed");
        vm.prank(classManager);
        book.setClassOpen(2, true);
        assertTrue(book.getClass(2).open, "reopened");
        _deposit(makeAddr("carol"), 2, 1 ether);
        assertEq(book.navOf(2), 1 ether, "deposits accepted again");
    }

    function test_setClassOpen_revertsForStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                book.CLASS_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        book.setClassOpen(2, false);
    }

    function test_setClassOpen_revertsOnUnknownClass() public {
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.UnknownClass.selector, 9));
        vm.prank(classManager);
        book.setClassOpen(9, true);
    }

    function test_setClassOpen_cannotReopenWipedClass() public {
        _curatedOperator(curated, 1);
        _bondedOperator(1);
        _seedClasses();
        _stake(2);
        IAccounting.Report memory r = _emptyReport();
        r.modules[1].clBalance = 20 ether;
        r.modules[1].slashedValidators = 1;
        _applyDirect(r);
        assertTrue(book.getClass(2).wiped, "C wiped");
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.ClassIsWiped.selector, 2));
        vm.prank(classManager);
        book.setClassOpen(2, true);
        assertFalse(book.getClass(2).open, "stays closed");
    }
}
