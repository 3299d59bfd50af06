// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Accounting} from "../../contracts/Accounting.sol";
import {YieldClasses} from "../../contracts/YieldClasses.sol";
import {SystemHandler} from "./SystemHandler.t.sol";

/// @notice The handler's actions really reach the system (no silent early returns): a fixed
/// sequence deposits, stakes, reports a gain, a slashing that wipes C, redeems and claims.
contract SystemHandlerSmokeTest is Test {
    SystemHandler internal handler;

    function setUp() public {
        handler = new SystemHandler();
    }

    function test_handler_drivesEveryAction() public {
        (, address b, , address a) = handler.system();
        YieldClasses book = YieldClasses(b);
        handler.deposit(0, 2, 20 ether);
        handler.deposit(1, 1, 40 ether);
        handler.deposit(2, 0, 50 ether);
        handler.stake(3);
        handler.report(SystemHandler.ReportInput(30 days, 0.5 ether, 0, 0.1 ether, 0, 0, 2));
        assertEq(handler.reportsApplied(), 1, "report applied");
        handler.requestRedeem(1, 1, 10 ether);
        handler.transfer(0, 3, 2, 1 ether);
        handler.topUpBond(1 ether);
        // flags: winner 0, slash (bits 1-2 = 0), loss on (bits 3-4 = 0), bond charge (bit 5 = 0).
        handler.report(SystemHandler.ReportInput(30 days, 0, type(uint256).max, 0, 0, 1 ether, 0));
        assertEq(handler.lossReports(), 1, "loss report");
        handler.report(SystemHandler.ReportInput(30 days, 0, 0, 0, 0, 0, 1 << 3));
        assertGt(handler.requestCount(), 0, "a request");
        handler.claim(0, 0);
        assertEq(handler.claimsPaid(), 1, "claim paid");
        assertEq(book.totalNav(), Accounting(a).pooled(), "pooled = sum of navs");
        assertEq(handler.juniorFirstViolations(), 0, "junior first");
        assertEq(handler.priceDrops(), 0, "no price drop");
    }
}
