// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev Deallocating stake and the exposure limit (review finding 12): stake moved to pending by
/// setAllocation or a scale-down stays slashable for the slashing window, so it counts against
/// cover × junior NAV until released, and a retired service binds the redemption delay while it
/// has any. Class C = 50 ETH, cover 1×; a tier-2 service with a 100% max slash (C only).
contract ExposureDeallocatingTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(2, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _optIn(svc, 0, 1);
        _allocate(svc, 48 ether, _one(_opKey(1, 0)));
    }

    function _slashable() private view returns (uint256 total) {
        total = registry.stakeOf(svc, 1, 0) + registry.stakeOf(svc, 0, 0) + registry.stakeOf(svc, 0, 1);
    }

    /// Rotating 48 ETH to another operator would leave 96 ETH slashable against 50 ETH of cover.
    function test_setAllocation_revertsWhenRotationDoublesSlashable() public {
        (, uint256 available) = registry.exposure(2);
        assertEq(available, 50 ether, "cover x C");
        vm.prank(allocator);
        vm.expectRevert(
            abi.encodeWithSelector(IServiceRegistry.ExposureLimitExceeded.selector, 2, 96 ether, 50 ether)
        );
        registry.setAllocation(svc, 48 ether, _one(_opKey(0, 0)));
        assertLe(_slashable(), available, "slashable <= cover x junior NAV");
    }

    /// Rotation after rotation never takes the slashable stake past the limit.
    function testFuzz_setAllocation_rotationsKeepSlashableWithinLimit(uint256 seed) public {
        (, uint256 available) = registry.exposure(2);
        for (uint256 i; i < 6; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint64 key = r % 3 == 0 ? _opKey(1, 0) : _opKey(0, (r % 3) - 1);
            uint256 amount = bound(r >> 8, 1 ether, 50 ether);
            vm.warp(block.timestamp + bound(r >> 128, 0, SLASHING_WINDOW));
            vm.prank(allocator);
            try registry.setAllocation(svc, amount, _one(key)) {} catch {}
            assertLe(_slashable(), available, "slashable <= cover x junior NAV after every call");
            (uint256 needed, ) = registry.exposure(2);
            assertGe(needed, _slashable(), "exposure counts every slashable wei");
        }
    }

    function test_setAllocation_rotatesOnceTheOldStakeIsReleased() public {
        vm.warp(block.timestamp + 1);
        _allocate(svc, 0, new uint64[](0));
        assertEq(registry.stakeOf(svc, 1, 0), 48 ether, "deallocating, still slashable");
        (uint256 needed, ) = registry.exposure(2);
        assertEq(needed, 48 ether, "the deallocating stake still counts");
        vm.warp(block.timestamp + SLASHING_WINDOW);
        _allocate(svc, 48 ether, _one(_opKey(0, 0)));
        assertEq(_slashable(), 48 ether, "released stake no longer counts");
    }

    function test_setAllocation_lowersEvenWhileLimitBroken() public {
        // A loss leaves C below the allocation: lowering it must still be possible.
        _allocate(svc, 0, new uint64[](0));
        vm.warp(block.timestamp + SLASHING_WINDOW);
        _allocate(svc, 48 ether, _one(_opKey(1, 0)));
        vm.prank(admin);
        registry.setCoverFactor(5_000);
        _allocate(svc, 10 ether, _one(_opKey(1, 0)));
        assertEq(registry.getService(svc).allocation, 10 ether, "de-risking allowed");
    }

    /// A retired service's deallocating stake still binds the redemption delay of its classes.
    function test_requiredRedeemDelay_countsRetiredServicesStillSlashable() public {
        vm.prank(serviceManager);
        registry.setServiceStatus(svc, IServiceRegistry.ServiceStatus.Retired);
        _allocate(svc, 0, new uint64[](0));
        assertEq(registry.stakeOf(svc, 1, 0), 48 ether, "still slashable");
        assertEq(
            registry.requiredRedeemDelay(2),
            uint256(SLASHING_WINDOW) + VETO_WINDOW,
            "class C must not flee a slash it is due (0 before the fix)"
        );
        vm.warp(block.timestamp + SLASHING_WINDOW);
        assertEq(registry.requiredRedeemDelay(2), 0, "released: no longer binds");
    }
}
