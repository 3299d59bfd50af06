// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice Water-fill properties of setAllocation over operators with 32/96/192/64/64 ETH.
contract SetAllocationFuzzTest is ServicesFixture {
    uint256[5] private own = [uint256(32 ether), 96 ether, 192 ether, 64 ether, 64 ether];
    uint64[] private keys;

    function setUp() public {
        _deployServices();
        _seed(300 ether, 150 ether, 150 ether);
        _curatedOperator(curated, 1);
        _curatedOperator(curated, 3);
        _curatedOperator(curated, 6);
        _bondedOperator(2);
        _bondedOperator(2);
        _activate(0, 10);
        _activate(1, 4);
        keys = [_opKey(0, 0), _opKey(0, 1), _opKey(0, 2), _opKey(1, 0), _opKey(1, 1)];
    }

    function _cap(uint256 i, uint256 shareCap) private view returns (uint256) {
        return own[i] < shareCap ? own[i] : shareCap;
    }

    function testFuzz_setAllocation_waterFill(uint256 amount, uint256 shareBps) public {
        shareBps = bound(shareBps, 2_000, 10_000); // 5 operators at ≥ 20% each can place it all
        amount = bound(amount, 1, 300 ether); // within the tier-1 exposure limit (B + C)
        uint256 svc = _service(_svcParams(1, 10_000, 1, uint16(shareBps)));
        for (uint256 i; i < 5; ++i) _optIn(svc, keys[i] >> 32, uint32(keys[i]));
        uint256 shareCap = (amount * shareBps) / 10_000;
        uint256 capacity;
        for (uint256 i; i < 5; ++i) capacity += _cap(i, shareCap);
        vm.assume(capacity >= amount);
        _allocate(svc, amount, keys);

        (, uint256[] memory stakes) = registry.allocationOf(svc);
        uint256 sum;
        for (uint256 i; i < 5; ++i) {
            assertLe(stakes[i], _cap(i, shareCap), "each within min(own stake, share cap)");
            sum += stakes[i];
        }
        assertEq(sum, amount, "all placed");
        // Uncapped operators hold the same fraction of their own stake (up to rounding dust).
        for (uint256 i; i < 5; ++i) {
            if (stakes[i] + 5 >= _cap(i, shareCap)) continue;
            for (uint256 j = i + 1; j < 5; ++j) {
                if (stakes[j] + 5 >= _cap(j, shareCap)) continue;
                uint256 lhs = stakes[i] * own[j];
                uint256 rhs = stakes[j] * own[i];
                uint256 diff = lhs > rhs ? lhs - rhs : rhs - lhs;
                assertLe(diff, 10 * 192 ether, "pro rata to active stake");
            }
        }
    }
}
