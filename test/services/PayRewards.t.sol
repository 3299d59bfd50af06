// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract PayRewardsTest is ServicesFixture {
    address private payer = makeAddr("payer");

    function _pay(uint256 svc, uint256 amount) private {
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(svc);
    }

    function _tierPending(uint256 tier) private view returns (uint256 p) {
        (p, ) = registry.tierTotals(tier);
    }

    function test_payRewards_splitByEligibilityLessServiceFee() public {
        _standardSetup(); // A/B/C = 200/100/100
        uint256 t1 = _service(1, 1_000);
        uint256 t2 = _service(2, 1_000);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.RewardsPaid(t1, payer, 10 ether);
        _pay(t1, 10 ether);
        _pay(t2, 6 ether);
        _pay(t2, 4 ether);
        assertEq(_tierPending(1), 10 ether, "tier 1 pending");
        assertEq(_tierPending(2), 10 ether, "tier 2 pending accumulates");
        assertEq(registry.getService(t2).rewardsPaid, 10 ether, "t2's payments");
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(a + b + c, 400 ether, "booked only at the report");
        uint256 buffered = pool.buffered();
        _report();
        (a, b, c) = _navs();
        // Each 10 ETH: 1 ETH fee to the treasury; t1's 9 to B and C by NAV (4.5 each), t2's 9 to C.
        assertEq(a, 202 ether, "A gains only the treasury's fee assets");
        assertEq(b, 104.5 ether, "B: tier-1 share");
        assertEq(c, 113.5 ether, "C: tier-1 share + all of tier 2");
        assertEq(tokens[0].balanceOf(treasury), 2 ether, "treasury fee as class-0 shares at price 1");
        assertEq(pool.buffered(), buffered + 20 ether, "ETH moved to the router");
        assertEq(address(registry).balance, 0, "registry keeps nothing");
        assertEq(_tierPending(1), 0, "tier 1 collected");
        assertEq(_tierPending(2), 0, "tier 2 collected");
        assertEq(registry.getService(t1).rewardsPaid, 10 ether, "t1's payments stay counted");
        _assertNavWithinPooled("after service rewards");
    }

    function test_payRewards_noEligibleNavGoesToTreasury() public {
        _standardSetup(250 ether, 150 ether, 0); // class C empty
        uint256 t2 = _service(2, 1_000);
        _pay(t2, 10 ether);
        _report();
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(c, 0, "C still empty");
        assertEq(b, 150 ether, "B not eligible for tier 2");
        assertEq(a, 260 ether, "all 10 ETH booked to the treasury's class-0 shares");
        assertEq(tokens[0].balanceOf(treasury), 10 ether, "treasury got all of it");
        _assertNavWithinPooled("no eligible NAV");
    }

    function test_payRewards_revertsOnZero() public {
        _deployServices();
        uint256 svc = _service(1, 1_000);
        vm.expectRevert(IServiceRegistry.ZeroAmount.selector);
        registry.payRewards(svc);
        assertEq(_tierPending(1), 0, "nothing pending");
        assertEq(registry.getService(svc).rewardsPaid, 0, "nothing paid");
    }

    function test_payRewards_revertsWhenNotActive() public {
        _deployServices();
        uint256 svc = registry.registerService(_svcParams(1, 1_000, 1, 10_000));
        vm.deal(payer, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ServiceNotActive.selector,
                svc,
                IServiceRegistry.ServiceStatus.Pending
            )
        );
        vm.prank(payer);
        registry.payRewards{value: 1 ether}(svc);
        assertEq(address(registry).balance, 0, "ETH returned");
    }

    function test_payRewards_revertsOnUnknownService() public {
        _deployServices();
        vm.deal(payer, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownService.selector, 0));
        vm.prank(payer);
        registry.payRewards{value: 1 ether}(0);
    }

    function test_collectRewards_revertsForNonAccounting() public {
        _deployServices();
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotAccounting.selector, stranger));
        vm.prank(stranger);
        registry.collectRewards(type(uint256).max);
    }

    function test_payRewards_fuzzSplit(uint256 amount) public {
        _standardSetup();
        amount = bound(amount, 1, 1_000 ether);
        uint256 t1 = _service(1, 1_000);
        _pay(t1, amount);
        uint256 before = book.totalNav();
        _report();
        (uint256 a, uint256 b, uint256 c) = _navs();
        uint256 fee = (amount * SERVICE_FEE_BPS) / 10_000;
        assertEq(a, 200 ether + fee, "A: exactly the fee");
        assertEq(b + c, 200 ether + amount - fee, "B + C: the net");
        assertEq(a + b + c, before + amount, "nothing lost");
        assertGe(c, b, "dust to the junior");
        _assertNavWithinPooled("fuzz");
    }
}
