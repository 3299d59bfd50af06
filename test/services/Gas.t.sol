// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice Gas of the services hot paths. Each test measures exactly one call with
/// `vm.snapshotGasLastCall` (group "services", written to snapshots/ by `--snapshot`).
contract ServicesGasTest is ServicesFixture {
    function setUp() public {
        _standardSetup();
    }

    function test_gas_service_register() public {
        IServiceRegistry.ServiceParams memory p = _svcParams(1, 1_000, 1, 10_000);
        registry.registerService(p);
        vm.snapshotGasLastCall("services", "service_register");
    }

    function test_gas_opt_in() public {
        uint256 svc = _service(1, 1_000);
        address m = _managerOf(1, 0);
        vm.prank(m);
        registry.optIn(svc, 1, 0);
        vm.snapshotGasLastCall("services", "opt_in");
    }

    /// @dev `count` active services, each already allocated 1 ETH over two operators (so the
    /// exposure check walks live allocations), then one more setAllocation of 96 ETH over
    /// four operators is measured.
    function _allocationAt(uint256 count, string memory name) private {
        uint64[] memory two = _two(_opKey(0, 0), _opKey(1, 0));
        uint64[] memory four = new uint64[](4);
        (four[0], four[1], four[2], four[3]) = (_opKey(0, 0), _opKey(0, 1), _opKey(1, 0), _opKey(1, 1));
        for (uint256 i; i < count; ++i) {
            uint256 svc = _service(uint8(1 + (i % 2)), 1_000);
            for (uint256 j; j < 4; ++j) _optIn(svc, four[j] >> 32, uint32(four[j]));
            _allocate(svc, 1 ether, two);
        }
        vm.prank(allocator);
        registry.setAllocation(count - 1, 96 ether, four);
        vm.snapshotGasLastCall("services", name);
    }

    function test_gas_set_allocation_s8() public {
        _allocationAt(8, "set_allocation_s8");
    }

    function test_gas_set_allocation_s64() public {
        _allocationAt(64, "set_allocation_s64");
        assertEq(registry.serviceCount(), 64, "64 services registered");
    }

    function _slashable() private returns (uint256 svc) {
        svc = _service(1, 1_000);
        _optIn(svc, 1, 0);
        _allocate(svc, 96 ether, _one(_opKey(1, 0)));
    }

    function test_gas_request_slash() public {
        uint256 svc = _slashable();
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 1_000, bytes32("ev"));
        vm.snapshotGasLastCall("services", "request_slash");
    }

    function test_gas_execute_slash() public {
        uint256 svc = _slashable();
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, 1_000, bytes32("ev"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id); // bond (5 ETH) then class C (4.6 ETH), exits, reputation
        vm.snapshotGasLastCall("services", "execute_slash");
    }

    function test_gas_pay_rewards() public {
        uint256 svc = _service(1, 1_000);
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        registry.payRewards{value: 1 ether}(svc);
        vm.snapshotGasLastCall("services", "pay_rewards");
    }
}
