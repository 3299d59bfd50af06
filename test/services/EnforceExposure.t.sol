// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev A tier-2 service with a 100% max slash holds exactly C's 100 ETH over curated 0 and 1.
contract EnforceExposureTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup();
        svc = _service(2, 10_000);
        _optIn(svc, 0, 0);
        _optIn(svc, 0, 1);
        _allocate(svc, 100 ether, _two(_opKey(0, 0), _opKey(0, 1)));
    }

    /// @dev A report in which module 0 comes in `loss` short.
    function _lossReport(uint256 loss) private view returns (IAccounting.Report memory r) {
        r = _neutralReport();
        r.modules[0].clBalance -= uint128(loss);
    }

    function test_enforceExposure_lossScalesAllocationDown() public {
        IAccounting.Report memory r = _lossReport(10 ether);
        uint256 releaseAt = block.timestamp + FRAME + SLASHING_WINDOW;
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationScaled(svc, 100 ether, 90 ether, releaseAt);
        _submit(r);
        (, , uint256 c) = _navs();
        assertEq(c, 90 ether, "C took the loss");
        assertEq(registry.getService(svc).allocation, 90 ether, "scaled to 90/100");
        (uint256 needed, uint256 available) = registry.exposure(2);
        assertEq(needed, 100 ether, "the removed 10 ETH stays slashable (deallocating), so it still counts");
        assertLe(registry.getService(svc).allocation, available, "the allocation is within the limit again");
        (, uint256[] memory stakes) = registry.allocationOf(svc);
        assertEq(stakes[0], 45 ether, "op 0 allocated 45");
        assertEq(stakes[1], 45 ether, "op 1 allocated 45");
        // The removed 5 ETH each stays slashable until the deallocation delay passes.
        assertEq(registry.stakeOf(svc, 0, 0), 50 ether, "still slashable during the delay");
        vm.warp(releaseAt - 1);
        assertEq(registry.stakeOf(svc, 0, 0), 50 ether, "one second before release");
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 0, 0, 10_000, bytes32("ev"));
        vm.warp(releaseAt);
        assertEq(registry.stakeOf(svc, 0, 0), 45 ether, "released after the delay");
        // A request made before the release still slashes the stake that was pending then.
        vm.warp(registry.getSlash(id).requestedAt + registry.getService(svc).params.vetoWindow);
        assertEq(registry.executeSlash(id), 50 ether, "slash sees the pending stake");
    }

    function test_enforceExposure_noScaleWhenWithinLimit() public {
        // Tier 1 (B + C) is far from its limit; a loss that C absorbs within the limit: none.
        vm.prank(allocator);
        registry.setAllocation(svc, 50 ether, _two(_opKey(0, 0), _opKey(0, 1)));
        vm.warp(block.timestamp + SLASHING_WINDOW); // the removed 50 ETH is released
        _submit(_lossReport(10 ether));
        assertEq(registry.getService(svc).allocation, 50 ether, "untouched");
        (uint256 needed, uint256 available) = registry.exposure(2);
        assertEq(needed, 50 ether, "needed");
        assertEq(available, 90 ether, "available");
    }

    function test_enforceExposure_revertsForNonAccounting() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotAccounting.selector, stranger));
        vm.prank(stranger);
        registry.enforceExposure();
        assertEq(registry.getService(svc).allocation, 100 ether, "unchanged");
    }

    function test_enforceExposure_fuzzLossRestoresLimit(uint256 loss) public {
        loss = bound(loss, 1, 19 ether); // within the 5% drop sanity limit
        _submit(_lossReport(loss));
        (, uint256 available) = registry.exposure(2);
        assertLe(registry.getService(svc).allocation, available, "limit holds after the report");
        // Once the removed stake is released, everything slashable is within the limit.
        vm.warp(block.timestamp + SLASHING_WINDOW);
        uint256 needed;
        (needed, available) = registry.exposure(2);
        assertLe(needed, available, "slashable within the limit after the release");
        (needed, available) = registry.exposure(1);
        assertLe(needed, available, "tier 1 too");
        _assertNavWithinPooled("after loss");
    }
}
