// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice The registry's per-tier running totals: unbooked service rewards (one entry per tier
/// at the report, the fee floored per tier, the cap in tier order) and Σ ⌊a_s·maxSlashBps/10⁴⌋
/// per tier (the report's exposure check reads them instead of walking the services), kept
/// equal to a recomputation across allocations, opt-outs, slashes and report scale-downs.
contract TierTotalsTest is ServicesFixture {
    address private payer = makeAddr("payer");

    function _pay(uint256 svc, uint256 amount) private {
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(svc);
    }

    function _pending(uint256 tier) private view returns (uint256 p) {
        (p, ) = registry.tierTotals(tier);
    }

    /// @dev Σ ⌊allocation·maxSlashBps/10⁴⌋ over the services of `tier`, recomputed from getService.
    function _allocatedOf(uint256 tier) private view returns (uint256 sum) {
        for (uint256 i; i < registry.serviceCount(); ++i) {
            IServiceRegistry.Service memory s = registry.getService(i);
            if (s.params.tier == tier) sum += (uint256(s.allocation) * s.params.maxSlashBps) / 10_000;
        }
    }

    function _assertSums(string memory where) private view {
        for (uint256 t = 1; t <= 7; ++t) {
            (, uint256 allocated) = registry.tierTotals(t);
            assertEq(allocated, _allocatedOf(t), string.concat("tier sum = recomputed: ", where));
        }
    }

    // ---------------------------------------------------------------- rewards

    /// @dev Two tier-1 services paying 5 wei each: per service the 10 % fee floors to 0 twice,
    /// per tier ⌊10 · 10 %⌋ = 1 wei goes to the treasury (class A). Fails on the per-service code.
    function test_collectRewards_feeFlooredOncePerTier() public {
        _standardSetup(); // A/B/C = 200/100/100
        uint256 s0 = _service(1, 1_000);
        uint256 s1 = _service(1, 1_000);
        _pay(s0, 5);
        _pay(s1, 5);
        assertEq(_pending(1), 10, "one pending total for the tier");
        (uint256 a0, uint256 b0, uint256 c0) = _navs();
        _report();
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(a - a0, (10 * SERVICE_FEE_BPS) / 10_000, "the fee of the tier's 10 wei, floored once");
        assertEq(b - b0 + c - c0, 10 - (10 * SERVICE_FEE_BPS) / 10_000, "the net to B and C");
        assertEq(_pending(1), 0, "booked");
        assertEq(registry.getService(s0).rewardsPaid, 5, "s0's lifetime payments");
        assertEq(registry.getService(s1).rewardsPaid, 5, "s1's lifetime payments");
    }

    /// @dev Many dust payments by many services of one tier cost the report one entry.
    function test_collectRewards_dustFromManyServicesIsOneEntry() public {
        _standardSetup();
        uint256[] memory ids = new uint256[](6);
        for (uint256 i; i < ids.length; ++i) ids[i] = _service(uint8(1 + (i % 2)), 1_000);
        for (uint256 round; round < 5; ++round) for (uint256 i; i < ids.length; ++i) _pay(ids[i], 1 + i);
        assertEq(_pending(1), 5 * (1 + 3 + 5), "tier 1: services 0, 2, 4");
        assertEq(_pending(2), 5 * (2 + 4 + 6), "tier 2: services 1, 3, 5");
        vm.prank(address(accounting));
        (uint256[] memory paid, uint8[] memory tiers) = registry.collectRewards(type(uint256).max);
        assertEq(paid.length, 2, "one entry per tier");
        assertEq(tiers[0], 1, "tier order");
        assertEq(tiers[1], 2, "tier order");
        assertEq(paid[0], 45, "tier 1 whole");
        assertEq(paid[1], 60, "tier 2 whole");
        assertEq(address(registry).balance, 0, "all handed to the pool");
        vm.prank(address(accounting));
        (paid, tiers) = registry.collectRewards(type(uint256).max);
        assertEq(paid.length, 0, "nothing left: no entry");
    }

    /// @dev The cap binds in tier order, whatever the service ids: a tier-2 service registered
    /// first no longer books before tier 1; the rest is carried over several calls.
    function test_collectRewards_capInTierOrderAcrossCalls() public {
        _standardSetup();
        uint256 high = _service(2, 1_000); // id 0
        uint256 low = _service(1, 1_000); // id 1
        _pay(high, 7 ether);
        _pay(low, 3 ether);
        vm.prank(address(accounting));
        (uint256[] memory paid, uint8[] memory tiers) = registry.collectRewards(2 ether);
        assertEq(paid.length, 1, "the cap stops in tier 1");
        assertEq(tiers[0], 1, "tier 1 first, though its service id is higher");
        assertEq(paid[0], 2 ether, "capped");
        assertEq(_pending(1), 1 ether, "tier 1 carries the rest");
        assertEq(_pending(2), 7 ether, "tier 2 untouched");
        vm.prank(address(accounting));
        (paid, tiers) = registry.collectRewards(4 ether);
        assertEq(paid.length, 2, "tier 1's rest, then tier 2");
        assertEq(paid[0], 1 ether, "tier 1's rest");
        assertEq(tiers[1], 2, "then tier 2");
        assertEq(paid[1], 3 ether, "what the cap leaves");
        _pay(low, 1 ether); // paid between two reports
        vm.prank(address(accounting));
        (paid, tiers) = registry.collectRewards(type(uint256).max);
        assertEq(paid.length, 2, "both tiers again");
        assertEq(paid[0], 1 ether, "tier 1's new payment");
        assertEq(paid[1], 4 ether, "tier 2's rest");
        assertEq(address(registry).balance, 0, "everything booked");
        assertEq(_pending(1) + _pending(2), 0, "nothing pending");
    }

    /// @dev A tier whose classes hold no NAV: its total goes to the treasury, another tier's
    /// total is split as usual (one entry each).
    function test_collectRewards_tierWithoutNavToTreasury() public {
        _standardSetup(250 ether, 150 ether, 0); // C empty: tier 2 has no eligible class
        uint256 s2 = _service(2, 1_000);
        uint256 s1 = _service(1, 1_000);
        _pay(s2, 10 ether);
        _pay(s1, 10 ether);
        _report();
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(c, 0, "C still empty");
        assertEq(b, 150 ether + 9 ether, "B: tier 1's net (the only eligible class with NAV)");
        assertEq(a, 250 ether + 10 ether + 1 ether, "A: tier 2 whole and tier 1's fee");
        _assertNavWithinPooled("tier without NAV");
    }

    /// @dev The registration fee is booked to the service's tier (rewards of a retired service
    /// still book: they were paid).
    function test_registerService_feeBookedToItsTier() public {
        _standardSetup();
        vm.prank(admin);
        registry.setRegistrationFee(1 ether);
        vm.deal(address(this), 1 ether);
        uint256 id = registry.registerService{value: 1 ether}(_svcParams(2, 1_000, 1, 10_000));
        vm.prank(serviceManager);
        registry.setServiceStatus(id, IServiceRegistry.ServiceStatus.Retired);
        assertEq(_pending(2), 1 ether, "tier 2 pending");
        uint256 c0 = book.navs()[2];
        _report();
        assertEq(
            book.navs()[2] - c0,
            1 ether - (1 ether * SERVICE_FEE_BPS) / 10_000,
            "C earned the fee's net"
        );
        assertEq(_pending(2), 0, "booked");
    }

    function test_tierTotals_outOfRangeIsZero() public {
        _standardSetup();
        uint256 s = _service(1, 1_000);
        _pay(s, 1 ether);
        (uint256 p, uint256 a) = registry.tierTotals(0);
        assertEq(p + a, 0, "tier 0");
        (p, a) = registry.tierTotals(8);
        assertEq(p + a, 0, "tier 8");
        assertEq(_pending(1), 1 ether, "tier 1");
    }

    // ---------------------------------------------------------------- exposure sums

    /// @dev Allocations, a reallocation while stake is deallocating, an opt-out, an executed
    /// slash and a loss report that scales down: the per-tier sums stay exact, and the report's
    /// scale-down (read from them) restores the limit as `exposure` recomputes it.
    function test_tierAllocated_exactAcrossEveryChange() public {
        _standardSetup();
        uint256 s1 = _service(1, 3_333); // odd bps: the per-service floors matter
        uint256 s2 = _service(2, 7_777);
        uint256 s3 = _service(2, 10_000);
        for (uint256 op; op < 2; ++op) {
            _optIn(s1, 0, op);
            _optIn(s2, 0, op);
            _optIn(s3, 1, op);
        }
        _allocate(s1, 77 ether + 1, _two(_opKey(0, 0), _opKey(0, 1)));
        _allocate(s2, 50 ether + 3, _two(_opKey(0, 0), _opKey(0, 1)));
        _allocate(s3, 40 ether + 7, _two(_opKey(1, 0), _opKey(1, 1)));
        _assertSums("allocated");
        // Lowered while nothing was released, then raised back within the delay.
        _allocate(s2, 20 ether, _two(_opKey(0, 0), _opKey(0, 1)));
        _assertSums("lowered");
        _allocate(s2, 60 ether + 1, _two(_opKey(0, 0), _opKey(0, 1)));
        _assertSums("raised while deallocating");
        // A loss that leaves C under tier 2's ≈ 86.7 ETH: the report scales tier 2 down, reading
        // the sums (no walk), and the limit holds as a recomputation sees it.
        IAccounting.Report memory r = _neutralReport();
        r.modules[0].clBalance -= 19 ether;
        _submit(r);
        assertLt(registry.getService(s2).allocation, 60 ether + 1, "tier 2 was scaled");
        _assertSums("scaled by the report");
        for (uint256 t = 1; t <= 2; ++t) {
            (, uint256 available) = registry.exposure(t);
            uint256 needed;
            for (uint256 u = t; u <= 2; ++u) needed += _allocatedOf(u);
            assertLe(needed, available, "the allocations are within the limit after the report");
        }
        // An opt-out removes the operator's allocation at once.
        vm.prank(_managerOf(1, 1));
        registry.optOut(s3, 1, 1);
        _assertSums("opt-out");
        // An executed slash lowers the allocation.
        vm.prank(slasher);
        uint256 id = registry.requestSlash(s1, 0, 0, 3_333, bytes32("ev"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        _assertSums("slash executed");
        // Everything deallocated: the sums return to 0.
        _allocate(s1, 0, new uint64[](0));
        _allocate(s2, 0, new uint64[](0));
        _allocate(s3, 0, new uint64[](0));
        _assertSums("deallocated");
        (, uint256 a1) = registry.tierTotals(1);
        (, uint256 a2) = registry.tierTotals(2);
        assertEq(a1 + a2, 0, "nothing allocated");
    }

    /// @dev Fuzzed allocations over two tiers and a loss report: the sums equal a recomputation
    /// and the report scales exactly the services a recomputation would (the limit holds).
    function test_tierAllocated_fuzz(uint256 x1, uint256 x2, uint16 m1, uint16 m2, uint256 loss) public {
        _standardSetup();
        m1 = uint16(bound(m1, 1, 10_000));
        m2 = uint16(bound(m2, 1, 10_000));
        uint256 s1 = _service(1, m1);
        uint256 s2 = _service(2, m2);
        for (uint256 op; op < 2; ++op) {
            _optIn(s1, 1, op);
            _optIn(s2, 0, op);
        }
        x1 = bound(x1, 1, 150 ether);
        x2 = bound(x2, 1, 150 ether);
        // Within the limit at allocation time (tier 2 against C's 100 ETH, tier 1 against B + C).
        if ((x2 * m2) / 10_000 > 100 ether) x2 = (100 ether * 10_000) / m2;
        _allocate(s2, x2, _two(_opKey(0, 0), _opKey(0, 1)));
        if ((x1 * m1) / 10_000 + (x2 * m2) / 10_000 > 200 ether) x1 = 1 ether;
        _allocate(s1, x1, _two(_opKey(1, 0), _opKey(1, 1)));
        _assertSums("fuzz allocated");
        IAccounting.Report memory r = _neutralReport();
        r.modules[0].clBalance -= uint128(bound(loss, 0, 19 ether));
        _submit(r);
        _assertSums("fuzz report");
        (, uint256 available) = registry.exposure(2);
        assertLe(_allocatedOf(2), available, "tier 2 within the limit");
        (, available) = registry.exposure(1);
        assertLe(_allocatedOf(1) + _allocatedOf(2), available, "tier 1 within the limit");
    }
}
