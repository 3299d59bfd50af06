// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {MAX_SERVICES} from "../../contracts/libraries/Constants.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";
import {ServiceRegistryStorage} from "../../contracts/services/ServiceRegistryStorage.sol";

contract RegisterServiceTest is ServicesFixture {
    function setUp() public {
        _deployServices();
    }

    function _assertBadParams(IServiceRegistry.ServiceParams memory p, string memory what) private {
        uint256 before = registry.serviceCount();
        vm.expectRevert(IServiceRegistry.InvalidServiceParams.selector);
        registry.registerService(p);
        assertEq(registry.serviceCount(), before, string.concat("nothing registered: ", what));
    }

    function test_registerService_storesPendingService() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(2, 1_000, 2, 6_000);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.ServiceRegistered(0, stranger, p);
        vm.prank(stranger);
        uint256 id = registry.registerService(p);
        assertEq(id, 0, "first id");
        assertEq(registry.serviceCount(), 1, "count");
        IServiceRegistry.Service memory s = registry.getService(id);
        assertEq(uint8(s.status), uint8(IServiceRegistry.ServiceStatus.Pending), "pending");
        assertEq(s.params.tier, 2, "tier");
        assertEq(s.params.maxSlashBps, 1_000, "maxSlashBps");
        assertEq(s.params.minOperators, 2, "minOperators");
        assertEq(s.params.maxOperatorShareBps, 6_000, "maxOperatorShareBps");
        assertEq(s.params.slasher, slasher, "slasher");
        assertEq(s.params.recipient, recipient, "recipient");
        assertEq(s.allocation, 0, "no allocation");
        assertEq(registry.requiredRedeemDelay(2), 0, "a pending service exposes nobody");
    }

    function test_registerService_revertsOnTierZero() public {
        _assertBadParams(_svcParams(0, 1_000, 1, 10_000), "tier 0");
    }

    function test_registerService_revertsOnZeroMaxSlash() public {
        _assertBadParams(_svcParams(1, 0, 1, 10_000), "maxSlash 0");
    }

    function test_registerService_revertsOnMaxSlashAboveBps() public {
        _assertBadParams(_svcParams(1, 10_001, 1, 10_000), "maxSlash > BPS");
    }

    function test_registerService_revertsOnZeroOperatorShare() public {
        _assertBadParams(_svcParams(1, 1_000, 1, 0), "share 0");
    }

    function test_registerService_revertsOnOperatorShareAboveBps() public {
        _assertBadParams(_svcParams(1, 1_000, 1, 10_001), "share > BPS");
    }

    function test_registerService_revertsOnZeroMinOperators() public {
        _assertBadParams(_svcParams(1, 1_000, 0, 10_000), "minOperators 0");
    }

    function test_registerService_revertsOnTooManyMinOperators() public {
        uint16 max = uint16(registry.MAX_SERVICE_OPERATORS());
        _assertBadParams(_svcParams(1, 1_000, max + 1, 10_000), "minOperators > max");
    }

    function test_registerService_revertsOnZeroSlasher() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        p.slasher = address(0);
        _assertBadParams(p, "slasher 0");
    }

    function test_registerService_acceptsBurnRecipient() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        p.recipient = address(0);
        uint256 id = registry.registerService(p);
        assertEq(registry.getService(id).params.recipient, address(0), "burn recipient kept");
    }

    function test_registerService_boundedAtMaxServices() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        for (uint256 i; i < MAX_SERVICES; ++i) registry.registerService(p);
        assertEq(registry.serviceCount(), MAX_SERVICES, "filled to the bound");
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.TooManyServices.selector, MAX_SERVICES));
        registry.registerService(p);
        assertEq(registry.serviceCount(), MAX_SERVICES, "still at the bound");
    }

    /// @dev Open item 14 (fixed): the bound counted Pending and Retired services, so anyone could
    /// fill all 64 slots with junk for free. Now only services that can still act count, and a
    /// registration pays the fee (booked as the service's rewards).
    function test_registerService_retiredJunkFreesItsSlot() public {
        IServiceRegistry.ServiceParams memory junk = _svcParams(1, 1, 1, 1);
        junk.slasher = stranger;
        vm.startPrank(stranger);
        for (uint256 i; i < MAX_SERVICES; ++i) registry.registerService(junk);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.TooManyServices.selector, MAX_SERVICES));
        registry.registerService(_svcParams(1, 1_000, 1, 10_000));
        // Governance rejecting the junk frees a slot.
        vm.prank(serviceManager);
        registry.setServiceStatus(0, IServiceRegistry.ServiceStatus.Retired);
        uint256 id = registry.registerService(_svcParams(1, 1_000, 1, 10_000));
        assertEq(id, MAX_SERVICES, "a real service registers after the junk is retired");
        assertEq(registry.liveServiceCount(), MAX_SERVICES, "live services at the bound again");
    }

    function test_registerService_revertsWithoutTheFee() public {
        vm.prank(admin);
        registry.setRegistrationFee(1 ether);
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        vm.deal(stranger, 2 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.WrongRegistrationFee.selector, 0, 1 ether));
        registry.registerService(p);
        vm.prank(stranger);
        uint256 id = registry.registerService{value: 1 ether}(p);
        assertEq(registry.getService(id).rewardsPaid, 1 ether, "the fee is the service's reward");
        (uint256 pending, ) = registry.tierTotals(1);
        assertEq(pending, 1 ether, "booked to its tier, collected by the next report");
        assertEq(address(registry).balance, 0, "forwarded to the pool at registration");
        assertEq(pool.unbookedServiceRewards(), 1 ether, "held unbooked in the pool until a report books it");
    }

    function test_registerService_boundedAtMaxRegistrations() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        uint256 max = registry.MAX_REGISTRATIONS();
        for (uint256 i; i < max; ++i) {
            registry.registerService(p);
            vm.prank(serviceManager);
            registry.setServiceStatus(i, IServiceRegistry.ServiceStatus.Retired);
        }
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.TooManyRegistrations.selector, max));
        registry.registerService(p);
        assertEq(registry.serviceCount(), max, "every loop over services stays bounded");
    }

    /// @dev Finding (fixed): a tier at or above the class count exposed no class, so its
    /// allocations escaped the exposure limit and its slashes reverted out of bounds.
    function test_registerService_revertsOnTierWithoutClass() public {
        _assertBadParams(_svcParams(uint8(K), 1_000, 1, 10_000), "tier = class count");
        _assertBadParams(_svcParams(255, 1_000, 1, 10_000), "tier 255");
    }
    // ----------------------------------------------------------------
    // The registry stores a service as `ServiceRecord` (parameters regrouped so an execution
    // reads two cold slots of it) and returns the ABI `Service`: every field must come back as
    // registered, and the execution's slot arithmetic must match the array's.

    /// @dev SERVICE_SLOTS is the record's size in storage: `_serviceAt(id)` lands where
    /// `services[id]` is, for every id (a wrong constant moves every service past 0).
    function test_serviceAt_matchesTheArraysIndexing() public {
        ServiceRecordHarness h = new ServiceRecordHarness();
        h.grow(6);
        for (uint256 id; id < 6; ++id) {
            (uint256 byIndex, uint256 computed) = h.slots(id);
            assertEq(computed, byIndex, "slot of the record");
        }
    }

    /// @dev Two services with every field distinct: getService rebuilds each from the record.
    function test_getService_returnsEveryFieldAsRegistered() public {
        vm.prank(admin);
        registry.setRegistrationFee(0.25 ether);
        IServiceRegistry.ServiceParams memory p = IServiceRegistry.ServiceParams({
            tier: 2,
            maxSlashBps: 1_234,
            slashingWindow: 7 days + 11,
            vetoWindow: 2 days + 3,
            minOperators: 3,
            maxOperatorShareBps: 4_321,
            slasher: makeAddr("slasher A"),
            recipient: makeAddr("recipient A")
        });
        IServiceRegistry.ServiceParams memory q = IServiceRegistry.ServiceParams({
            tier: 1,
            maxSlashBps: 10_000,
            slashingWindow: type(uint32).max,
            vetoWindow: type(uint32).max - 1,
            minOperators: 32,
            maxOperatorShareBps: 9_999,
            slasher: makeAddr("slasher B"),
            recipient: address(0)
        });
        vm.deal(address(this), 1 ether);
        uint256 a = registry.registerService{value: 0.25 ether}(p);
        uint256 b = registry.registerService{value: 0.25 ether}(q);
        _assertService(registry.getService(a), p);
        _assertService(registry.getService(b), q);
    }

    function _assertService(
        IServiceRegistry.Service memory s,
        IServiceRegistry.ServiceParams memory p
    ) private pure {
        assertEq(s.params.tier, p.tier, "tier");
        assertEq(s.params.maxSlashBps, p.maxSlashBps, "maxSlashBps");
        assertEq(s.params.slashingWindow, p.slashingWindow, "slashingWindow");
        assertEq(s.params.vetoWindow, p.vetoWindow, "vetoWindow");
        assertEq(s.params.minOperators, p.minOperators, "minOperators");
        assertEq(s.params.maxOperatorShareBps, p.maxOperatorShareBps, "maxOperatorShareBps");
        assertEq(s.params.slasher, p.slasher, "slasher");
        assertEq(s.params.recipient, p.recipient, "recipient");
        assertEq(uint8(s.status), uint8(IServiceRegistry.ServiceStatus.Pending), "status");
        assertEq(s.allocation, 0, "allocation");
        assertEq(s.rewardsPaid, 0.25 ether, "rewardsPaid: the fee");
    }
}

/// @dev Exposes the two ways the registry finds a service's record: the array's own indexing
/// (`_service`, bounds-checked) and the slot arithmetic of `_serviceAt` (SERVICE_SLOTS).
contract ServiceRecordHarness is ServiceRegistryStorage {
    function grow(uint256 n) external {
        for (uint256 i; i < n; ++i) _s().services.push();
    }

    function slots(uint256 id) external view returns (uint256 byIndex, uint256 computed) {
        ServiceRecord storage a = _service(id);
        ServiceRecord storage b = _serviceAt(id);
        assembly ("memory-safe") {
            byIndex := a.slot
            computed := b.slot
        }
    }
}
