// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice Service rewards go to the pool as they are paid (the payer pays for the transfer),
/// held there unbooked: not in buffered nor any NAV until a report books them, exactly as when
/// the registry kept them; the report moves what it books from the counter into buffered.
contract ServiceRewardsInPoolTest is ServicesFixture {
    address private payer = makeAddr("payer");

    function _pay(uint256 svc, uint256 amount) private {
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(svc);
    }

    function _pending() private view returns (uint256 sum) {
        for (uint256 t = 1; t <= 7; ++t) {
            (uint256 p, ) = registry.tierTotals(t);
            sum += p;
        }
    }

    /// @dev Fails on the old code: the registry kept the ETH until the report.
    function test_payRewards_forwardsToPoolUnbooked() public {
        _standardSetup();
        uint256 svc = _service(1, 1_000);
        uint256 poolEth = address(pool).balance;
        uint256 buffered = pool.buffered();
        uint256 nav = book.totalNav();
        vm.expectEmit(address(pool));
        emit ICascadePool.ServiceRewardsReceived(3 ether);
        _pay(svc, 3 ether);
        assertEq(address(registry).balance, 0, "the registry keeps no ETH");
        assertEq(address(pool).balance, poolEth + 3 ether, "the ETH is in the pool at payment");
        assertEq(pool.unbookedServiceRewards(), 3 ether, "held unbooked");
        assertEq(pool.buffered(), buffered, "not buffered before a report");
        assertEq(book.totalNav(), nav, "no NAV before a report");
        // Not depositable either: the router can take buffered only.
        vm.prank(address(router));
        vm.expectRevert(
            abi.encodeWithSelector(ICascadePool.NotEnoughBuffered.selector, buffered + 1, buffered)
        );
        pool.withdrawForDeposit(buffered + 1);
    }

    /// @dev Payments over many frames with no report: nothing is booked until a report, which
    /// books all of it into buffered at once (the NAVs as the reference split).
    function test_payRewards_manyFramesWithoutReportThenOneBooking() public {
        _standardSetup();
        uint256 s1 = _service(1, 1_000);
        uint256 s2 = _service(2, 1_000);
        uint256 buffered = pool.buffered();
        uint256 nav = book.totalNav();
        uint256 total;
        for (uint256 frame; frame < 12; ++frame) {
            vm.warp(block.timestamp + FRAME);
            _pay(s1, 1 ether + frame);
            _pay(s2, 2 ether + frame);
            total += 3 ether + 2 * frame;
            assertEq(pool.buffered(), buffered, "never buffered between reports");
            assertEq(book.totalNav(), nav, "never in a NAV between reports");
            assertEq(pool.unbookedServiceRewards(), total, "the counter grows with each payment");
            assertEq(_pending(), total, "the counter is the registry's pending sum");
        }
        vm.expectEmit(address(pool));
        emit ICascadePool.ServiceRewardsBooked(total, 0);
        _report();
        assertEq(pool.unbookedServiceRewards(), 0, "all booked");
        assertEq(_pending(), 0, "nothing pending");
        assertEq(pool.buffered(), buffered + total, "booked into buffered");
        assertEq(book.totalNav(), nav + total, "and into the NAVs");
        _assertNavWithinPooled("after many frames");
    }

    /// @dev A retired service's payment is refused: nothing reaches the pool.
    function test_payRewards_retiredRefusedNothingForwarded() public {
        _standardSetup();
        uint256 svc = _service(1, 1_000);
        vm.prank(serviceManager);
        registry.setServiceStatus(svc, IServiceRegistry.ServiceStatus.Retired);
        uint256 poolEth = address(pool).balance;
        vm.deal(payer, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.ServiceNotActive.selector,
                svc,
                IServiceRegistry.ServiceStatus.Retired
            )
        );
        vm.prank(payer);
        registry.payRewards{value: 1 ether}(svc);
        assertEq(address(pool).balance, poolEth, "nothing forwarded");
        assertEq(pool.unbookedServiceRewards(), 0, "nothing unbooked");
    }

    /// @dev The registration fee goes to the pool at registration, unbooked.
    function test_registerService_feeForwardedUnbooked() public {
        _standardSetup();
        vm.prank(admin);
        registry.setRegistrationFee(1 ether);
        uint256 buffered = pool.buffered();
        vm.deal(address(this), 1 ether);
        registry.registerService{value: 1 ether}(_svcParams(2, 1_000, 1, 10_000));
        assertEq(address(registry).balance, 0, "the registry keeps no ETH");
        assertEq(pool.unbookedServiceRewards(), 1 ether, "the fee waits unbooked in the pool");
        assertEq(pool.buffered(), buffered, "not buffered");
        _report();
        assertEq(pool.unbookedServiceRewards(), 0, "booked by the report");
        assertEq(pool.buffered(), buffered + 1 ether, "into buffered");
    }

    /// @dev Only the registry may hand the pool service rewards; plain ETH is refused too.
    function test_receiveServiceRewards_strangerRefused() public {
        _standardSetup();
        vm.deal(stranger, 2 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, stranger));
        pool.receiveServiceRewards{value: 1 ether}();
        vm.prank(stranger);
        (bool ok, ) = address(pool).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH refused");
        assertEq(pool.unbookedServiceRewards(), 0, "nothing unbooked");
    }

    /// @dev A report cannot book more service rewards than the registry forwarded (the pool
    /// checks its counter, whatever Accounting passes).
    function test_applyReport_cannotBookMoreThanReceived() public {
        _standardSetup();
        uint256 svc = _service(1, 1_000);
        _pay(svc, 1 ether);
        uint256[] memory paid = new uint256[](1);
        uint8[] memory tiers = new uint8[](1);
        paid[0] = 1 ether + 1;
        tiers[0] = 1;
        uint256[] memory fees = new uint256[](1);
        address[] memory recipients = new address[](1);
        recipients[0] = treasury;
        IYieldClasses.ReportMoney memory m = IYieldClasses.ReportMoney({
            fees: fees,
            feeRecipients: recipients,
            treasuryIndex: 0,
            rewardsNet: 0,
            servicePaid: paid,
            serviceTiers: tiers,
            serviceFeeBps: SERVICE_FEE_BPS,
            loss: 0
        });
        vm.prank(address(accounting));
        vm.expectRevert(
            abi.encodeWithSelector(ICascadePool.ServiceRewardsExceeded.selector, 1 ether + 1, 1 ether)
        );
        book.applyReport(m);
        paid[0] = 1 ether;
        uint256 buffered = pool.buffered();
        vm.prank(address(accounting));
        book.applyReport(m);
        assertEq(pool.unbookedServiceRewards(), 0, "booked exactly what was received");
        assertEq(pool.buffered(), buffered + 1 ether, "into buffered");
    }
}
