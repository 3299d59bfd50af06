// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev Dust slashes against one operator (review finding 8): a request has a minimum size, and
/// an executed slash costs its module reputation in proportion to what it took over the module's
/// stake at risk (6 active validators = 192 ETH in the curated module), never a fixed cut.
/// Curated operator 0 and bonded operator 0 each secure 96 ETH of a tier-1 service.
contract SlashReputationTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 0, 0);
        _optIn(svc, 1, 0);
        _allocate(svc, 192 ether, _two(_opKey(0, 0), _opKey(1, 0)));
    }

    function _request(uint256 bps) private returns (uint256) {
        return _slashRequest(svc, 0, 0, bps);
    }

    function _reputation() private view returns (uint256) {
        return router.getModule(0).reputationBps;
    }

    function _atRisk() private view returns (uint256) {
        return (uint256(router.getModule(0).deposited) - router.getModule(0).exited) * 32 ether;
    }

    /// The measured attack: 64 × 1 bps against one curated operator.
    /// The slimmer module read a slash's penalty and exit request use: the same module and
    /// stake at risk as the full record.
    function test_moduleAndStake_matchesTheModuleRecord() public view {
        for (uint256 id; id < router.moduleCount(); ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            (address module, uint256 active) = router.moduleAndStake(id);
            assertEq(module, m.module, "module");
            assertEq(active, uint256(m.deposited) - m.exited, "deposited less exited");
            assertGt(active, 0, "the fixture's modules have validators");
        }
    }

    function test_moduleAndStake_revertsOnUnknownModule() public {
        uint256 unknown = router.moduleCount();
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, unknown));
        router.moduleAndStake(unknown);
    }

    function test_executeSlash_dustSlashesLeaveTheModuleReputation() public {
        uint256 before = _reputation();
        uint256[] memory ids = new uint256[](64);
        for (uint256 i; i < 64; ++i) ids[i] = _request(1);
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 slashed;
        for (uint256 i; i < 64; ++i) slashed += registry.executeSlash(ids[i]);
        assertGt(slashed, 0.6 ether, "0.61 ETH slashed in all");
        // Each slash is 0.0096 ETH of 192 ETH at risk: ⌊1,000 · 0.0096 / 192⌋ = 0 bps each.
        assertEq(_reputation(), before, "reputation unchanged (10,000 -> 8 bps before the fix)");
        (, uint256 minReputation) = router.allocationParams();
        assertGe(_reputation(), minReputation, "the module keeps its weight (0 before the fix)");
    }

    function test_requestSlash_revertsBelowMinSlashAmount() public {
        vm.prank(admin);
        registry.setMinSlashAmount(0.1 ether);
        vm.prank(slasher);
        vm.expectRevert(
            abi.encodeWithSelector(IServiceRegistry.SlashTooSmall.selector, 0.0096 ether, 0.1 ether)
        );
        registry.requestSlash(svc, 0, 0, 1, bytes32("ev"));
        // 11 bps of 96 ETH = 0.1056 ETH: large enough.
        _request(11);
        assertEq(registry.pendingSlashes().length, 1, "a real request passes");
    }

    /// A real slash still costs reputation, in proportion to what it took.
    function testFuzz_executeSlash_penaltyProportionalToSlashed(uint256 bps) public {
        bps = bound(bps, 1, 10_000);
        uint256 before = _reputation();
        uint256 atRisk = _atRisk();
        uint256 id = _request(bps);
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 amount = registry.executeSlash(id);
        uint256 penalty = (SLASH_PENALTY_BPS * amount) / atRisk;
        assertEq(
            _reputation(),
            (before * (10_000 - penalty)) / 10_000,
            "reputation falls by slashed / at risk"
        );
    }

    function test_executeSlash_halfTheModuleStakeCostsHalfThePenalty() public {
        uint256 before = _reputation();
        uint256 id = _request(10_000); // 96 ETH of 192 ETH at risk
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id);
        assertEq(
            _reputation(),
            (before * (10_000 - SLASH_PENALTY_BPS / 2)) / 10_000,
            "half of slashPenaltyBps"
        );
    }
}
