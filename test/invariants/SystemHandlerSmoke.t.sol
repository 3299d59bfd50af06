// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Accounting} from "../../contracts/Accounting.sol";
import {CascadePool} from "../../contracts/CascadePool.sol";
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
        CascadePool book = CascadePool(payable(b));
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

    function test_handler_drivesServiceActions() public {
        (, address b, , address a) = handler.system();
        CascadePool book = CascadePool(payable(b));
        handler.deposit(0, 2, 20 ether);
        handler.deposit(1, 1, 40 ether);
        handler.deposit(2, 0, 50 ether);
        handler.stake(3);
        handler.report(SystemHandler.ReportInput(30 days, 0, 0, 0, 0, 0, 1 << 3));
        // Both operators on service 0 (tier 1), then service 1 (tier 2) on the bonded one.
        handler.setAllocation(0, 40 ether, 2);
        handler.setAllocation(1, 30 ether, 1);
        assertEq(handler.allocationsSet(), 2, "allocations");
        handler.payRewards(1, 1 ether);
        handler.requestSlash(0, 0, 500); // curated operator
        handler.vetoSlash(0);
        assertEq(handler.slashesVetoed(), 1, "veto");
        handler.requestSlash(0, 1, 1000); // bonded operator, service 0
        handler.requestSlash(1, 1, 2000); // bonded operator, service 1
        handler.executeSlash(0);
        handler.executeSlash(0);
        assertEq(handler.slashesExecuted(), 2, "executions");
        assertEq(handler.bondedSlashes(), 2, "bonded executions");
        handler.claimServicePayout();
        assertEq(handler.payoutsClaimed(), 1, "payout claimed");
        handler.topUpBond(5 ether);
        handler.withdrawBond(1 ether);
        assertEq(handler.bondWithdrawals(), 1, "bond withdrawn");
        handler.addKeys(2);
        assertEq(handler.keyAdditions(), 1, "keys added");
        handler.report(SystemHandler.ReportInput(30 days, 0, 0, 0, 0, 0, 1 << 3));
        assertLe(book.totalNav(), Accounting(a).pooled(), "sum of navs <= pooled");
        assertEq(handler.exposedViolations(), 0, "exposed classes only");
        assertEq(handler.bondOrderViolations(), 0, "bond first");
    }
}
