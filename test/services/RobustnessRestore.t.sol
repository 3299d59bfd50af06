// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev The report restores γ (DESIGN §8): when stakes fall so that the certified γ drops below
/// the minimum, the report retires the allocation of the binding service (largest q_s on the
/// most loaded operator) until γ ≥ minimum. Standard world: curated 0/1 and bonded 0/1 hold 3
/// active validators (96 ETH) each; services slash up to 100 % (σ_v = min(active, Σ a_{s,v})).
contract RobustnessRestoreTest is ServicesFixture {
    uint256 private constant UNBACKED = 1 << 200;
    uint64 private c0;
    uint64 private c1;
    uint64 private b0;

    function setUp() public {
        _standardSetup();
        (c0, c1, b0) = (_opKey(0, 0), _opKey(0, 1), _opKey(1, 0));
    }

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

    /// @dev A neutral report in which curated operator `op` has exited `exited` validators in total.
    function _exitReport(uint32 op, uint32 exited) private {
        IAccounting.Report memory r = _neutralReport();
        r.operatorExits = new IAccounting.OperatorExited[](1);
        r.operatorExits[0] = IAccounting.OperatorExited({moduleId: 0, operatorId: op, exited: exited});
        r.modules[0].exited = exited;
        _submit(r);
    }

    function _assertGammaAtLeastMin(string memory frame) private view {
        assertGe(registry.certifiedGammaBps(), registry.minGammaBps(), frame);
    }

    /// @dev s0: 80 ETH over c0/c1 (40 each), π 30 ETH, α 50 %. s1: 40 ETH over c1/b0 (20 each),
    /// π 4 ETH, α 100 %. σ_c0 = 40, σ_c1 = 60, σ_b0 = 20; σ_s0 = 100, σ_s1 = 80;
    /// q_s0 = 30/50 = 0.6, q_s1 = 4/80 = 0.05; T_c1 = 0.65 → γ = 5,384 bps.
    /// Frame 1: neutral. Frame 2: c1 exits 2 of its 3 validators (booked after this report's
    /// exposure step). Frame 3 reads c1's active stake 32 ETH: σ_c1 = 32, σ_s0 = 72, σ_s1 = 52,
    /// T_c1 = 30/36 + 4/52 = 0.910… → γ = 986 < 1,000. The report retires s0 (the largest q on
    /// c1): c1 keeps only s1 (σ_c1 = min(32, 20) = 20, σ_s1 = 40, q_s1 = 0.1) → γ = 90,000.
    /// On the old code frame 3 published 986 and kept every allocation.
    function test_enforceExposure_restoresGammaOverFrames() public {
        uint256 s0 = _svc();
        uint256 s1 = _svc();
        _allocate(s0, 80 ether, _two(c0, c1));
        _allocate(s1, 40 ether, _two(c1, b0));
        _risk(s0, 30 ether, 5_000);
        _risk(s1, 4 ether, 10_000);
        assertEq(registry.certifiedGammaBps(), 5_384, "gamma before: 1/0.65 - 1");

        _report();
        _assertGammaAtLeastMin("frame 1: neutral");
        assertEq(registry.certifiedGammaBps(), 5_384, "frame 1: unchanged");

        _exitReport(1, 2);
        _assertGammaAtLeastMin("frame 2: exits booked after the exposure step");

        uint256 releaseAt = block.timestamp + FRAME + SLASHING_WINDOW;
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationScaled(s0, 80 ether, 0, releaseAt);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.ServiceUnbacked(s0, 30 ether);
        _report();
        _assertGammaAtLeastMin("frame 3: the report restored gamma");
        assertEq(registry.certifiedGammaBps(), 90_000, "frame 3: only s1 left, T = 0.1");

        // s0 retired whole: allocation 0, its stake slashable while deallocating, flagged unbacked.
        assertEq(registry.getService(s0).allocation, 0, "s0 allocation retired");
        (uint256 dealloc, ) = registry.deallocatingOf(s0);
        assertEq(dealloc, 80 ether, "s0 stake stays slashable for the slashing window");
        assertEq(registry.stakeOf(s0, 0, 1), 40 ether, "c1 still slashable in s0 until release");
        (uint256 profit, , uint256 sigma, uint256 quota) = registry.serviceRisk(s0);
        assertEq(profit, 30 ether, "pi kept: governance decides");
        assertEq(sigma, 0, "no securing stake");
        assertEq(quota, UNBACKED, "flagged unbacked");
        // s1 untouched.
        assertEq(registry.getService(s1).allocation, 40 ether, "s1 kept");
        (uint256 l1, uint256 sg1) = registry.operatorLoad(0, 1);
        assertEq(sg1, 20 ether, "sigma_c1 = min(32, 20)");
        assertEq(l1, 0.1e18, "T_c1 = q_s1 = 4/40");
        (uint256 l0, ) = registry.operatorLoad(0, 0);
        assertEq(l0, 0, "c0 carries nothing");

        _report();
        _assertGammaAtLeastMin("frame 4: steady");
        assertEq(registry.certifiedGammaBps(), 90_000, "frame 4: unchanged");

        // Governance: the unbacked service cannot be re-backed below the minimum, and lowering
        // π to 0 clears the flag.
        vm.prank(serviceManager);
        registry.setServiceRisk(s0, 0, 5_000);
        (, , , quota) = registry.serviceRisk(s0);
        assertEq(quota, 0, "flag cleared with pi = 0");
    }

    /// @dev Stakes fall over several frames and every report keeps γ ≥ minimum: three services
    /// share c0 (each 30 ETH on c0 and 30 on another operator), π 20 ETH each at α 100 %.
    /// σ_c0 = min(96, 90) = 90, σ_other = 30: σ_s = 120, q = 1/6, T_c0 = 0.5 → γ = 9,999 (rounded).
    /// c0 exits one validator per frame (each read by the next report):
    /// active 64 → σ_s = 94, T_c0 = 60/94 → γ 5,666: nothing retired;
    /// active 32 → σ_s = 62, T_c0 = 60/62 → γ 333: one service retired (c0's σ stays 32 =
    /// min(32, 60)), T_c0 = 40/62 → γ 5,500;
    /// active 0 → c0 skipped, σ_s = 30, q = 2/3 → γ 4,999: nothing more retired.
    function test_enforceExposure_keepsGammaEveryFrame() public {
        uint64[3] memory others = [c1, b0, _opKey(1, 1)];
        uint256[3] memory ids;
        for (uint256 i; i < 3; ++i) {
            ids[i] = _svc();
            _allocate(ids[i], 60 ether, _two(c0, others[i]));
        }
        for (uint256 i; i < 3; ++i) _risk(ids[i], 20 ether, 10_000);
        assertEq(registry.certifiedGammaBps(), 9_999, "before");
        uint256[3] memory expectRetired = [uint256(0), 1, 1];
        for (uint32 exited = 1; exited <= 3; ++exited) {
            _exitReport(0, exited);
            _assertGammaAtLeastMin("exit booked");
            _report();
            _assertGammaAtLeastMin("report after the exit");
            uint256 retired;
            for (uint256 i; i < 3; ++i) if (registry.getService(ids[i]).allocation == 0) ++retired;
            assertEq(retired, expectRetired[exited - 1], "services retired so far");
        }
        assertEq(registry.certifiedGammaBps(), 4_999, "final: c0 skipped, q = 2/3 rounded up");
    }

    /// @dev Cuts the cover factor so the tier-1 limit is half of what is allocated: the next
    /// report's scale-down halves every allocation (needed and available read back, so the
    /// factor is exactly 1/2).
    function _halveCover() private {
        (uint256 needed, uint256 available) = registry.exposure(1);
        uint256 cover = (registry.coverFactorBps() * needed) / (2 * available);
        vm.prank(admin);
        registry.setCoverFactor(cover);
        (needed, available) = registry.exposure(1);
        assertEq(2 * available, needed, "limit = half of what is allocated");
    }

    /// @dev The scale-down and the restore in one report, decided before any stake moves.
    /// s0 80 ETH over c0/c1, π 30 at α 50 %; s1 40 ETH over c1/b0, π 4 at α 100 % (γ 5,384,
    /// the graph of `test_enforceExposure_restoresGammaOverFrames`). Frame 2 halves every
    /// allocation: σ_c0 = 20, σ_c1 = 30, σ_b0 = 10, σ_s0 = 50, σ_s1 = 40, q_s0 = 30/25 = 1.2,
    /// q_s1 = 0.1, T_c1 = 1.3 → γ 0. The binding term is s0 on c1: retired, so σ_c1 = 10,
    /// σ_s1 = 20, q_s1 = 0.2 → γ 40,000; s1 keeps its halved 20 ETH. s0 is scaled once, 80 → 0
    /// (the old code scaled it 80 → 40, attached it, then retired it 40 → 0: two events and a
    /// second detach/attach cycle).
    function test_enforceExposure_scaleDownAndRestoreInOneReport() public {
        uint256 s0 = _svc();
        uint256 s1 = _svc();
        _allocate(s0, 80 ether, _two(c0, c1));
        _allocate(s1, 40 ether, _two(c1, b0));
        _risk(s0, 30 ether, 5_000);
        _risk(s1, 4 ether, 10_000);
        _report();
        assertEq(registry.certifiedGammaBps(), 5_384, "frame 1: gamma 1/0.65 - 1");

        _halveCover();
        uint256 releaseAt = block.timestamp + FRAME + SLASHING_WINDOW;
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationScaled(s0, 80 ether, 0, releaseAt);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.AllocationScaled(s1, 40 ether, 20 ether, releaseAt);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.ServiceUnbacked(s0, 30 ether);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.RobustnessChanged(5_384, 40_000);
        _report();
        _assertGammaAtLeastMin("frame 2: scaled and restored");
        assertEq(registry.certifiedGammaBps(), 40_000, "frame 2: only s1 left, T = 4/20");
        assertEq(registry.getService(s0).allocation, 0, "s0 retired");
        (uint256 dealloc, ) = registry.deallocatingOf(s0);
        assertEq(dealloc, 80 ether, "all of s0 stays slashable for the slashing window");
        assertEq(registry.getService(s1).allocation, 20 ether, "s1 halved, kept");
        (uint256 l1, uint256 sg1) = registry.operatorLoad(0, 1);
        assertEq(sg1, 10 ether, "sigma_c1 = s1's 10 ETH");
        assertEq(l1, 0.2e18, "T_c1 = q_s1 = 4/20");
        (uint256 l0, ) = registry.operatorLoad(0, 0);
        assertEq(l0, 0, "c0 carries nothing");

        _report();
        assertEq(registry.certifiedGammaBps(), 40_000, "frame 3: steady");
        assertEq(registry.getService(s1).allocation, 20 ether, "frame 3: s1 kept");
    }

    /// @dev The plan counts the scale-down of services without a declared profit too: they move
    /// σ_v of the operators they share. s0 (gated, π 90 ETH at α 100 %) 40 ETH on c0 and on c1;
    /// s2 (no π) 90 ETH on c1 alone. σ_c1 = min(96, 130) = 96, σ_c0 = 40, σ_s0 = 136 →
    /// T = 90/136 → γ 5,111. Frame 2 halves both: c1's slashable stake falls to 20 + 45 = 65, so
    /// σ_s0 = 20 + 65 = 85 and T = 90/85 > 1 → γ 0: s0, the only gated service, is retired
    /// (no load left). Had the plan ignored s2's scale-down it would have kept σ_c1 at 96
    /// (σ_s0 = 116, γ 2,888 ≥ minimum) and left the network at γ 0.
    function test_enforceExposure_planCountsUngatedScaleDown() public {
        uint256 s0 = _svc();
        uint256 s2 = _svc();
        _allocate(s0, 80 ether, _two(c0, c1));
        _allocate(s2, 90 ether, _one(c1));
        _risk(s0, 90 ether, 10_000);
        _report();
        assertEq(registry.certifiedGammaBps(), 5_111, "frame 1: gamma 136/90 - 1");

        _halveCover();
        _report();
        _assertGammaAtLeastMin("frame 2: restored");
        assertEq(registry.certifiedGammaBps(), type(uint256).max, "frame 2: no load left");
        assertEq(registry.getService(s0).allocation, 0, "s0 retired");
        assertEq(registry.getService(s2).allocation, 45 ether, "s2 halved, no profit: not retired");
        (uint256 l1, uint256 sg1) = registry.operatorLoad(0, 1);
        assertEq(l1, 0, "c1 carries nothing");
        assertEq(sg1, 45 ether, "sigma_c1 = s2's 45 ETH");
    }
}
