// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

contract SetMinRedeemDelayTest is SystemFixture {
    function setUp() public {
        _deploySystem();
    }

    function test_setMinRedeemDelay_raisesUpToShortestClassDelay(uint256 delay) public {
        // Class A's delay (one frame) is the shortest.
        delay = bound(delay, 0, FRAME);
        vm.expectEmit(address(book));
        emit IYieldClasses.MinRedeemDelaySet(delay);
        vm.prank(classManager);
        book.setMinRedeemDelay(delay);
        assertEq(book.minRedeemDelay(), delay, "stored");
    }

    function test_setMinRedeemDelay_revertsAboveAClassDelay() public {
        vm.expectRevert(
            abi.encodeWithSelector(IYieldClasses.RedeemDelayTooShort.selector, 0, FRAME, FRAME + 1)
        );
        vm.prank(classManager);
        book.setMinRedeemDelay(FRAME + 1);
        assertEq(book.minRedeemDelay(), FRAME, "unchanged");
    }

    function test_setMinRedeemDelay_appliesToNewParams() public {
        vm.prank(classManager);
        book.setMinRedeemDelay(FRAME / 2);
        IYieldClasses.ClassParams memory p = book.getClass(0).params;
        p.redeemDelay = uint32(FRAME / 2);
        vm.prank(classManager);
        book.setClassParams(0, p);
        assertEq(
            book.getClass(0).params.redeemDelay,
            FRAME / 2,
            "shorter delay accepted under the new floor"
        );
    }

    function test_setMinRedeemDelay_revertsForStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                book.CLASS_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        book.setMinRedeemDelay(1);
    }
}
