// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev The on-chain robustness gate (DESIGN §8). Standard world: curated 0/1 and bonded 0/1
/// hold 3 active validators (96 ETH) each. Every figure below is computed by hand from
/// T_v = Σ_{s∈N(v)} π_s/(α_s·σ_s), σ_v = min(active, Σ_s a_{s,v}·maxSlashBps_s/10⁴),
/// γ_cert = 1/max_v T_v − 1.
contract RobustnessGateTest is ServicesFixture {
    uint64 private c0;
    uint64 private c1;
    uint64 private b0;
    uint64 private b1;

    function setUp() public {
        _standardSetup();
        (c0, c1, b0, b1) = (_opKey(0, 0), _opKey(0, 1), _opKey(1, 0), _opKey(1, 1));
    }

    /// @dev A service with maxSlashBps 100 % (σ_v = min(active, a_{s,v})), every operator opted in.
    function _svc() private returns (uint256 id) {
        id = _service(_svcParams(1, 10_000, 1, 10_000));
        for (uint256 op; op < 2; ++op) {
            _optIn(id, 0, op);
            _optIn(id, 1, op);
        }
    }

    function _risk(uint256 svc, uint256 profit, uint256 alphaBps) private {
        vm.prank(serviceManager);
        registry.setServiceRisk(svc, profit, alphaBps);
    }

    function _tooLow(uint256 gamma) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IServiceRegistry.RobustnessTooLow.selector, gamma, 1_000);
    }

    // ---------------------------------------------------------------- EigenLayer's condition

    /// @dev One service, 60 ETH over c0/c1 (30 ETH each, σ_s = 60 ETH), α = 50 %, π = 30 ETH:
    /// T = 30/(0.5·60) = 1 for both operators — EigenLayer's per-operator condition holds with
    /// equality, i.e. the paper's γ = 0 (Theorem 2: not robust). Refused at minGamma 10 %.
    function test_setServiceRisk_eigenLayerExactRefused() public {
        uint256 svc = _svc();
        _allocate(svc, 60 ether, _two(c0, c1));
        vm.prank(serviceManager);
        vm.expectRevert(_tooLow(0));
        registry.setServiceRisk(svc, 30 ether, 5_000);
    }

    /// @dev The same graph with 10 % more stake (66 ETH): T = 30/33 = 10/11, exact γ = 1,000
    /// bps. The certified value rounds toward the safe side (q = ⌈10¹⁸·10/11⌉ WAD) and gives
    /// 999 bps, one unit below, so the boundary itself is refused; 68 wei more (what that
    /// rounding is worth on 66 ETH) certifies 1,000 and is accepted; 11 % more gives 1,099.
    function test_setServiceRisk_tenPercentMoreStakeAccepted() public {
        uint256 svc = _svc();
        _allocate(svc, 66 ether, _two(c0, c1));
        vm.prank(serviceManager);
        vm.expectRevert(_tooLow(999));
        registry.setServiceRisk(svc, 30 ether, 5_000);

        _allocate(svc, 66 ether + 68, _two(c0, c1));
        vm.expectEmit(address(registry));
        emit IServiceRegistry.RobustnessChanged(type(uint256).max, 1_000);
        _risk(svc, 30 ether, 5_000);
        assertEq(registry.certifiedGammaBps(), 1_000, "10 % slack certified");

        // 11 % more: T = 30/33.3 → γ = 1,100 exact, 1,099 certified (rounded down).
        _allocate(svc, 66.6 ether, _two(c0, c1));
        assertEq(registry.certifiedGammaBps(), 1_099, "11 % slack, rounded down");
    }

    // ---------------------------------------------------------------- figures and views

    /// @dev Two services sharing c1. s0: 60 ETH over c0/c1 at 100 % slash, π 10 ETH, α 50 %.
    /// s1: 40 ETH over c1/b0 at 50 % slash, π 4 ETH, α 100 %.
    /// σ_c0 = 30, σ_c1 = min(96, 30 + 20·0.5) = 40, σ_b0 = 10 (ETH).
    /// σ_s0 = 70, σ_s1 = 50. q_s0 = 10/(0.5·70) = 2/7, q_s1 = 4/50 = 0.08.
    /// T_c0 = 2/7, T_c1 = 2/7 + 0.08, T_b0 = 0.08. γ = 1/(2/7 + 0.08) − 1 = 1.734375.
    function test_operatorLoad_matchesHandComputedGraph() public {
        uint256 s0 = _svc();
        uint256 s1 = _service(_svcParams(1, 5_000, 1, 10_000));
        _optIn(s1, 0, 1);
        _optIn(s1, 1, 0);
        _allocate(s0, 60 ether, _two(c0, c1));
        _allocate(s1, 40 ether, _two(c1, b0));
        _risk(s0, 10 ether, 5_000);
        _risk(s1, 4 ether, 10_000);

        uint256 q0 = _ceilDiv(10 ether * 1e22, 5_000 * 70 ether);
        uint256 q1 = _ceilDiv(4 ether * 1e22, 10_000 * 50 ether);
        assertEq(q1, 0.08e18, "q_s1 exact");
        (, , uint256 sig0, uint256 quota0) = registry.serviceRisk(s0);
        (, , uint256 sig1, uint256 quota1) = registry.serviceRisk(s1);
        assertEq(sig0, 70 ether, "sigma_s0 = 30 + 40");
        assertEq(sig1, 50 ether, "sigma_s1 = 40 + 10");
        assertEq(quota0, q0, "q_s0 = 2/7, rounded up");
        assertEq(quota1, q1, "q_s1 = 0.08");
        (uint256 l0, uint256 sc0) = registry.operatorLoad(0, 0);
        (uint256 l1, uint256 sc1) = registry.operatorLoad(0, 1);
        (uint256 l2, uint256 sb0) = registry.operatorLoad(1, 0);
        assertEq(sc0, 30 ether, "sigma_c0");
        assertEq(sc1, 40 ether, "sigma_c1 = 30 + 20 * 50 %");
        assertEq(sb0, 10 ether, "sigma_b0 = 20 * 50 %");
        assertEq(l0, q0, "T_c0 = q_s0");
        assertEq(l1, q0 + q1, "T_c1 = q_s0 + q_s1");
        assertEq(l2, q1, "T_b0 = q_s1");
        // γ = ⌊10²²/(q0 + q1)⌋ − 10⁴ = 17,343 (exact 1.734375: 17,343.75 bps, rounded down).
        assertEq(registry.certifiedGammaBps(), 1e22 / (q0 + q1) - 10_000, "gamma from the max load");
        assertEq(registry.certifiedGammaBps(), 17_343, "gamma 1.7343");
        // Cascade bound (1 + 1/γ)·ψ for ψ = 10 %: 1,000·(17,343 + 10⁴)/17,343 = 1,576.6 → 1,577.
        assertEq(registry.cascadeBoundBps(1_000), 1_577, "cascade bound rounded up");
    }

    function test_certifiedGammaBps_noLoadIsUnbounded() public view {
        assertEq(registry.certifiedGammaBps(), type(uint256).max, "no profit declared: no load");
        assertEq(registry.cascadeBoundBps(1_000), 1_000, "no load: a shock stays what it is");
        assertEq(registry.minGammaBps(), 1_000, "default minimum 10 %");
    }

    // ---------------------------------------------------------------- the gate

    /// @dev With π declared, an allocation that thins the stake raises T and is refused:
    /// 66.6 ETH → 40 ETH gives T = 30/20 = 1.5 → γ 0.
    function test_setAllocation_revertsRobustnessTooLow() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000);
        vm.prank(allocator);
        vm.expectRevert(_tooLow(0));
        registry.setAllocation(svc, 40 ether, _two(c0, c1));
        // 90 ETH over c0/b0: T = 30/45 → γ = 5,000 exact, certified 4,999.
        _allocate(svc, 90 ether, _two(c0, b0));
        assertEq(registry.certifiedGammaBps(), 4_999, "more stake, more slack");
    }

    /// @dev A second service on the same operators adds its q to their loads: refused when the
    /// sum passes 1/(1 + minGamma).
    function test_setServiceRisk_secondServiceRefusedOnSharedOperators() public {
        uint256 s0 = _svc();
        uint256 s1 = _svc();
        _allocate(s0, 60 ether, _two(c0, c1));
        _allocate(s1, 60 ether, _two(c0, c1));
        // σ_v = 60 (30 from each), σ_s = 120: q = π/(0.5·120) = π/60 per service.
        _risk(s0, 30 ether, 5_000); // T = 0.5
        assertEq(registry.certifiedGammaBps(), 10_000, "gamma 1 after the first service");
        // Another 30 ETH of profit: T = 1 → refused.
        vm.prank(serviceManager);
        vm.expectRevert(_tooLow(0));
        registry.setServiceRisk(s1, 30 ether, 5_000);
        // 24 ETH: T = 0.9 → γ = 1,111.
        _risk(s1, 24 ether, 5_000);
        assertEq(registry.certifiedGammaBps(), 1_111, "1/0.9 - 1, rounded down");
    }

    /// @dev Lowering the risk is always allowed, even below the minimum (de-risking).
    function test_setServiceRisk_deriskingAllowedBelowMinimum() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000);
        vm.prank(admin);
        registry.setMinGamma(2_000); // now above γ = 1,099
        _risk(svc, 30 ether, 5_200); // α up: T = 30/34.632, γ = 1,543 (still below 2,000)
        assertGt(registry.certifiedGammaBps(), 1_099, "gamma rose");
        assertLt(registry.certifiedGammaBps(), 2_000, "still below the new minimum");
    }

    function test_setServiceRisk_unbackedRefused() public {
        uint256 svc = _svc();
        vm.prank(serviceManager);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnbackedService.selector, svc));
        registry.setServiceRisk(svc, 1 ether, 5_000);
    }

    /// @dev Deallocating a service that declares π would leave it unbacked: refused until
    /// governance lowers π to 0.
    function test_setAllocation_unbackedRefused() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        _risk(svc, 1 ether, 5_000);
        vm.prank(allocator);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnbackedService.selector, svc));
        registry.setAllocation(svc, 0, new uint64[](0));
        _risk(svc, 0, 5_000);
        _allocate(svc, 0, new uint64[](0));
        assertEq(registry.certifiedGammaBps(), type(uint256).max, "no load left");
    }

    function test_setServiceRisk_slasherOnlyTightens() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        vm.prank(slasher);
        registry.setServiceRisk(svc, 10 ether, 5_000);
        vm.prank(slasher);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.RiskNotTightened.selector,
                10 ether,
                9 ether,
                5_000,
                5_000
            )
        );
        registry.setServiceRisk(svc, 9 ether, 5_000);
        vm.prank(slasher);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.RiskNotTightened.selector,
                10 ether,
                10 ether,
                5_000,
                6_000
            )
        );
        registry.setServiceRisk(svc, 10 ether, 6_000);
        vm.prank(slasher);
        registry.setServiceRisk(svc, 12 ether, 4_000);
        (uint256 profit, uint256 alpha, , ) = registry.serviceRisk(svc);
        assertEq(profit, 12 ether, "raised by the service");
        assertEq(alpha, 4_000, "lowered by the service");
        // Governance may lower it.
        _risk(svc, 1 ether, 5_000);
        (profit, , , ) = registry.serviceRisk(svc);
        assertEq(profit, 1 ether, "lowered by governance");
    }

    function test_setServiceRisk_strangerRefused() public {
        uint256 svc = _svc();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NotSlasher.selector, svc, stranger));
        registry.setServiceRisk(svc, 1 ether, 5_000);
    }

    function test_setServiceRisk_invalidAlphaRefused() public {
        uint256 svc = _svc();
        vm.startPrank(serviceManager);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.InvalidRiskParams.selector, 0));
        registry.setServiceRisk(svc, 1 ether, 0);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.InvalidRiskParams.selector, 10_001));
        registry.setServiceRisk(svc, 1 ether, 10_001);
        vm.stopPrank();
    }

    function test_setMinGamma_adminOnlyAndBounded() public {
        bytes32 adminRole = registry.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                adminRole
            )
        );
        registry.setMinGamma(0);
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.InvalidMinGamma.selector, 100_001));
        registry.setMinGamma(100_001);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.MinGammaSet(500);
        registry.setMinGamma(500);
        vm.stopPrank();
        assertEq(registry.minGammaBps(), 500, "set");
    }

    // ---------------------------------------------------------------- paths that only publish

    /// @dev An operator leaving is never refused; the new γ is published. c1 leaves s (66.6 ETH
    /// over c0/c1, π 30): σ_s = 33.3 → T_c0 = 30/16.65 > 1 → γ 0.
    function test_optOut_publishesGammaNeverRefused() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.RobustnessChanged(1_099, 0);
        vm.prank(_managerOf(0, 1));
        registry.optOut(svc, 0, 1);
        assertEq(registry.certifiedGammaBps(), 0, "below the minimum, published");
        (uint256 load, ) = registry.operatorLoad(0, 1);
        assertEq(load, 0, "the leaver carries no load");
    }

    /// @dev γ is already 0 (an opt-out left T_c0 = 30/(0.5·33.3) = 1.8 ≥ 1) and the service's
    /// slasher, then governance, raise π: γ stays 0 but the load rises, so both are refused
    /// (DESIGN §8: a parameter change that leaves γ below the minimum). On the old code the gate
    /// compared γ before/after (0 = 0) and let both through. Lowering π still goes through.
    function test_setServiceRisk_raiseRefusedWhileGammaZero() public {
        uint256 svc = _svc();
        _allocate(svc, 66.6 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000);
        vm.prank(_managerOf(0, 1));
        registry.optOut(svc, 0, 1);
        assertEq(registry.certifiedGammaBps(), 0, "gamma already 0");
        (uint256 loadBefore, ) = registry.operatorLoad(0, 0);
        assertGe(loadBefore, 1e18, "T_c0 >= 1");

        vm.prank(slasher);
        vm.expectRevert(_tooLow(0));
        registry.setServiceRisk(svc, 31 ether, 5_000);
        vm.prank(slasher);
        vm.expectRevert(_tooLow(0));
        registry.setServiceRisk(svc, 30 ether, 4_000);
        vm.prank(serviceManager);
        vm.expectRevert(_tooLow(0));
        registry.setServiceRisk(svc, 31 ether, 5_000);
        (uint256 loadAfter, ) = registry.operatorLoad(0, 0);
        assertEq(loadAfter, loadBefore, "the refused raises left the load");

        _risk(svc, 20 ether, 5_000); // de-risking: T_c0 = 1.2, γ still 0, allowed
        (loadAfter, ) = registry.operatorLoad(0, 0);
        assertLt(loadAfter, loadBefore, "lowering pi lowered the load");
    }

    /// @dev A report whose exits lower an operator's active stake lowers σ_v = min(active, ·)
    /// and so γ: the report publishes it. c0 exits 2 of 3 validators: active 32 ETH, σ_c0 =
    /// min(32, 40) = 32; σ_s = 72 → T = 30/36.
    function test_enforceExposure_publishesGammaAfterExits() public {
        uint256 svc = _svc();
        _allocate(svc, 80 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000); // σ_s = 80: T = 0.75, γ = 3,333
        assertEq(registry.certifiedGammaBps(), 3_333, "before");
        IAccounting.Report memory r = _neutralReport();
        r.operatorExits = new IAccounting.OperatorExited[](1);
        r.operatorExits[0] = IAccounting.OperatorExited({moduleId: 0, operatorId: 0, exited: 2});
        r.modules[0].exited = 2;
        _submit(r);
        // Exits are booked after the exposure step of this report: the next one reads them.
        _report();
        (, uint256 sigma) = registry.operatorLoad(0, 0);
        assertEq(sigma, 32 ether, "active stake now binds");
        assertEq(
            registry.certifiedGammaBps(),
            1e22 / _ceilDiv(30 ether * 1e22, 5_000 * 72 ether) - 10_000,
            "after"
        );
        assertEq(registry.certifiedGammaBps(), 1_999, "1/(30/36) - 1 = 2,000 exact, rounded down");
    }

    /// @dev An executed slash takes stake out of σ: the gate follows (γ published, not refused).
    function test_executeSlash_updatesGate() public {
        uint256 svc = _svc();
        _allocate(svc, 80 ether, _two(c0, c1));
        _risk(svc, 30 ether, 5_000);
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 0, 0, 5_000, bytes32("e"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        // c0's 40 ETH loses 20: σ_s = 20 + 40 = 60 → T = 1 → γ 0.
        (, , uint256 sigma, ) = registry.serviceRisk(svc);
        assertEq(sigma, 60 ether, "slashed stake left sigma_s");
        assertEq(registry.certifiedGammaBps(), 0, "gamma published after the slash");
    }

    /// @dev An ungated service's slash on an operator that secures a gated one still moves the
    /// gate (no shortcut there). s0 (gated): 60 ETH over c0/c1 at 100 %, π 10 ETH, α 50 %; s1
    /// (ungated): 40 ETH over c0/c1 at 100 %. σ_c0 = σ_c1 = 30 + 20 = 50, σ_s0 = 100,
    /// q = 10/(0.5·100) = 0.2, γ = 4. Slashing all of c0's 20 ETH in s1: σ_c0 = 30, σ_s0 = 80,
    /// q = 0.25, γ = 3. s1 was gated once and cleared: the count of gated services is back to 1.
    function test_executeSlash_ungatedServiceMovesALinkedOperatorsGate() public {
        uint256 s0 = _svc();
        uint256 s1 = _svc();
        _allocate(s0, 60 ether, _two(c0, c1));
        _allocate(s1, 40 ether, _two(c0, c1));
        _risk(s0, 10 ether, 5_000);
        // s1 gated, then not again (governance may clear π): s0 still counts as gated.
        _risk(s1, 1 ether, 5_000);
        _risk(s1, 0, 5_000);
        assertEq(registry.certifiedGammaBps(), 40_000, "gamma 4 before");
        vm.prank(slasher);
        uint256 id = registry.requestSlash(s1, 0, 0, 10_000, bytes32("e"));
        vm.warp(block.timestamp + VETO_WINDOW);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.RobustnessChanged(40_000, 30_000);
        registry.executeSlash(id);
        (, , uint256 sigma, uint256 quota) = registry.serviceRisk(s0);
        assertEq(sigma, 80 ether, "sigma_s0 = 30 + 50");
        assertEq(quota, 0.25e18, "q_s0 = 10/(0.5 * 80)");
        (uint256 load, uint256 sc0) = registry.operatorLoad(0, 0);
        assertEq(sc0, 30 ether, "sigma_c0 lost the 20 ETH slashed in s1");
        assertEq(load, 0.25e18, "T_c0 = q_s0");
        (load, ) = registry.operatorLoad(0, 1);
        assertEq(load, 0.25e18, "T_c1 = q_s0");
        assertEq(registry.certifiedGammaBps(), 30_000, "gamma 3 after (the max load fell)");
    }

    /// @dev An ungated service's slash on an operator without a gated one skips the Sync but
    /// still lowers the operator's slashable sum: gating the service afterwards (active stakes
    /// read anew) finds it. s1: 60 ETH over c0/c1 at 100 %; half of c0's 30 ETH slashed →
    /// σ_c0 = min(96, 15) = 15, σ_s1 = 15 + 30 = 45.
    function test_executeSlash_ungatedUnlinkedLowersSlashable() public {
        uint256 s1 = _svc();
        _allocate(s1, 60 ether, _two(c0, c1));
        vm.prank(slasher);
        uint256 id = registry.requestSlash(s1, 0, 0, 5_000, bytes32("e"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        _risk(s1, 1 ether, 5_000);
        (, , uint256 sigma, ) = registry.serviceRisk(s1);
        assertEq(sigma, 45 ether, "sigma_s1 = 15 + 30");
        (, uint256 sc0) = registry.operatorLoad(0, 0);
        assertEq(sc0, 15 ether, "sigma_c0: the slashed half left the slashable sum");
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return (a + b - 1) / b;
    }
}
