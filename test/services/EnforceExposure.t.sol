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

    /// @dev Accounting hands the registry the NAVs the pool booked in the same report (after the
    /// loss): the registry's check reads no pool.
    function test_enforceExposure_accountingPassesBookedNavs() public {
        (uint256 a, uint256 b, uint256 c) = _navs();
        uint256[] memory booked = new uint256[](3);
        (booked[0], booked[1], booked[2]) = (a, b, c - 10 ether); // a neutral report: only C moves
        vm.expectCall(address(registry), abi.encodeCall(IServiceRegistry.enforceExposure, (booked)));
        _submit(_lossReport(10 ether));
        (a, b, c) = _navs();
        assertEq(c, booked[2], "C as passed");
        assertEq(a + b, booked[0] + booked[1], "A and B as passed");
    }

    /// @dev The scale-down follows the NAVs Accounting passes, not the pool's: C's 100 ETH
    /// passed as 90 scales the tier-2 allocation to 90 while the pool still books 100.
    function test_enforceExposure_scalesByPassedNavs() public {
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(c, 100 ether, "C books 100");
        uint256[] memory navs = new uint256[](3);
        (navs[0], navs[1], navs[2]) = (a, b, 90 ether);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationScaled(svc, 100 ether, 90 ether, block.timestamp + SLASHING_WINDOW);
        vm.prank(address(accounting));
        registry.enforceExposure(navs);
        assertEq(registry.getService(svc).allocation, 90 ether, "scaled to the passed 90/100");
        (, , c) = _navs();
        assertEq(c, 100 ether, "the pool was not touched");
        // Passed as booked, nothing more to scale.
        navs[2] = 100 ether;
        vm.prank(address(accounting));
        registry.enforceExposure(navs);
        assertEq(registry.getService(svc).allocation, 90 ether, "no scale-up");
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
        registry.enforceExposure(new uint256[](3));
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
