// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {StakingModule__Mock} from "../harness/StakingModule__Mock.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice The worked example of DESIGN §7 in docs/allocation.md: 100 new validators over four
/// modules that differ in reputation and collateral, read from the router's own view.
contract AllocationExampleTest is RouterFixture {
    uint256 private constant BPS = 10_000;

    function setUp() public {
        _deployCore();
        vm.prank(moduleManager);
        router.setAllocationParams(5_000, 5_000); // boost 50% at full collateral, min reputation 50%
    }

    function _module(uint256 reputation, uint256 kappa, uint16 limitBps) private returns (uint256 id) {
        StakingModule__Mock m = new StakingModule__Mock();
        m.set(1_000, kappa); // plenty of keys: the weights decide
        id = _addModule(address(m), 100, limitBps, reputation);
    }

    function test_allocation_example100Validators4Modules() public {
        uint256 curatedHigh = _module(9_500, 0, 10_000); // curated, excellent reputation, no bond
        uint256 curatedLow = _module(6_000, 0, 10_000); // curated, weak reputation
        uint256 bondedFull = _module(8_000, 10_000, 10_000); // bonded, bond covers 32 ETH per validator
        uint256 bondedThin = _module(8_000, 1_000, 10_000); // bonded, 3.2 ETH per validator
        (uint256[] memory alloc, uint256 total) = router.previewAllocation(100);
        uint256[] memory w = router.moduleWeights();
        uint256 sumW = w[0] + w[1] + w[2] + w[3];

        console.log("module            reputation  kappa  weight share(bps)  validators");
        string[4] memory names = ["curated-high", "curated-low ", "bonded-full ", "bonded-thin "];
        uint256[4] memory reps = [uint256(9_500), 6_000, 8_000, 8_000];
        uint256[4] memory kappas = [uint256(0), 0, 10_000, 1_000];
        for (uint256 i; i < 4; ++i) {
            console.log(names[i], reps[i], kappas[i]);
            console.log("   share bps / validators:", (w[i] * BPS) / sumW, alloc[i]);
        }
        uint256 floors;
        for (uint256 i; i < 4; ++i) floors += (w[i] * 100) / sumW;
        assertEq(total, floors, "what the four floored targets leave stays buffered");
        assertGt(alloc[bondedFull], alloc[curatedHigh], "full collateral (x1.5) beats 9,500 reputation");
        assertGt(alloc[curatedHigh], alloc[bondedThin], "reputation 9,500 beats 8,000 with thin collateral");
        assertGt(alloc[bondedThin], alloc[curatedLow], "collateral lifts 8,000 above 6,000");
        for (uint256 i; i < 4; ++i) {
            assertEq(alloc[i], (w[i] * 100) / sumW, "each module gets the floor of its weight share");
        }
    }
}
