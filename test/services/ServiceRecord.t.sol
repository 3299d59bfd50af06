// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServiceRegistryStorage} from "../../contracts/services/ServiceRegistryStorage.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

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

/// @notice The registry stores a service as `ServiceRecord` (parameters regrouped so an
/// execution reads two cold slots of it) and returns the ABI `Service`: every field must come
/// back as registered, and the execution's slot arithmetic must match the array's.
contract ServiceRecordTest is ServicesFixture {
    function setUp() public {
        _deployServices();
    }

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
