// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {QueueFixture} from "./QueueFixture.sol";

/// Open item 6 of docs/security.md §6 (fixed): dust redemptions. Requests below the governance
/// minimum revert; and each class first gets an equal part of the per-report finalization
/// budget, so a flood of requests in one class cannot delay another class's redemptions.
contract DustTest is QueueFixture {
    function _setMinimum(uint256 minimum) private {
        vm.prank(admin);
        queue.setMinRedeemAssets(minimum);
    }

    function _setMaxFinalize(uint16 max) private {
        IAccounting.Limits memory l = accounting.limits();
        l.maxFinalizePerReport = max;
        vm.prank(admin);
        accounting.setLimits(l);
    }

    function test_requestRedeem_revertsBelowMinimum(uint256 minimum, uint256 shares) public {
        minimum = bound(minimum, 1, 30 ether);
        shares = bound(shares, 1, 30 ether);
        _setMinimum(minimum);
        // Class B (id 1) is at 1 wei per share.
        if (shares < minimum) {
            vm.expectRevert(
                abi.encodeWithSelector(IWithdrawalQueue.RedeemBelowMinimum.selector, 1, shares, minimum)
            );
            _request(bob, 1, shares);
        } else {
            uint256 id = _request(bob, 1, shares);
            assertEq(queue.getRequest(id).assets, shares, "request at the minimum or above accepted");
        }
    }

    function test_setMinRedeemAssets_revertsUnlessAdmin() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                queue.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(stranger);
        queue.setMinRedeemAssets(1);
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.MinRedeemAssetsSet(0.001 ether);
        _setMinimum(0.001 ether);
        assertEq(queue.minRedeemAssets(), 0.001 ether, "set by the admin");
    }

    /// A flood of `flood` small requests in class A (id 0) ahead of an honest class-C request:
    /// C is finalized by the first report, and A gets what C and B left of the budget.
    function test_finalize_floodInOneClassCannotDelayAnother(uint256 flood) public {
        uint16 max = 30;
        flood = bound(flood, max, 4 * uint256(max));
        _setMaxFinalize(max);
        for (uint256 i; i < flood; ++i) _request(alice, 0, 0.01 ether);
        uint256 honest = _request(carol, 2, 1 ether);
        _reportAfter(2 * FRAME);
        assertTrue(queue.getRequest(honest).finalized, "class C finalized by the first report");
        (, uint256 head) = queue.requestCount(0);
        assertEq(head, max - 1, "class A gets the rest of the budget");
        // Nothing is lost: the flood drains at the budget per report.
        uint256 reports = 1;
        while (head < flood) {
            _reportAfter(FRAME);
            (, uint256 next) = queue.requestCount(0);
            assertLe(next - head, max, "at most the budget per report");
            head = next;
            ++reports;
        }
        assertEq(reports, (flood + 1 + max - 1) / max, "flood drained at full speed");
    }
}
