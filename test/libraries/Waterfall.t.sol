// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Waterfall} from "../../contracts/libraries/Waterfall.sol";

contract WaterfallTest is Test {
    uint256 internal constant MAX_NAV = 2 ** 100;

    /// @dev K classes (1..8) from fuzz words; about a quarter of them empty to hit the dust rules.
    function _navs(uint256[8] memory raw, uint256 k) internal pure returns (uint256[] memory navs) {
        k = bound(k, 1, 8);
        navs = new uint256[](k);
        for (uint256 i; i < k; ++i) navs[i] = raw[i] % 4 == 0 ? 0 : bound(raw[i], 1, MAX_NAV);
    }

    function _sum(uint256[] memory xs) internal pure returns (uint256 s) {
        for (uint256 i; i < xs.length; ++i) s += xs[i];
    }

    function _three(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory xs) {
        xs = new uint256[](3);
        (xs[0], xs[1], xs[2]) = (a, b, c);
    }

    function _bps3(uint16 a, uint16 b, uint16 c) internal pure returns (uint16[] memory xs) {
        xs = new uint16[](3);
        (xs[0], xs[1], xs[2]) = (a, b, c);
    }

    // ---------------------------------------------------------------- netModuleDelta

    function test_netModuleDelta_newValidatorsAreNotReward() public pure {
        // 2 new validators arrived with 64 ETH + 0.1 ETH reward.
        int256 d = Waterfall.netModuleDelta(320 ether, 384.1 ether, 0, 10, 12, 0);
        assertEq(d, 0.1 ether, "only the 0.1 ETH above the new deposits counts");
    }

    function test_netModuleDelta_bondCoverOffsetsLoss() public pure {
        int256 d = Waterfall.netModuleDelta(320 ether, 318 ether, 0, 10, 10, 1.5 ether);
        assertEq(d, -0.5 ether, "2 ETH loss, 1.5 ETH charged to the bond");
    }

    function test_moduleDelta_returnsTheNewDepositsApart() public pure {
        // 3 new validators (96 ETH of deposits) and a 0.25 ETH drop on the 10 already there.
        (int256 d, uint256 added) = Waterfall.moduleDelta(320 ether, 415.75 ether, 0, 10, 13);
        assertEq(added, 96 ether, "the new validators' deposits");
        assertEq(d, -0.25 ether, "the drop, not hidden by the deposits");
    }

    /// @dev The unchecked step-1 formula against the same formula in checked int256 arithmetic,
    /// over the bounds Accounting guarantees (validators grow, < 2³²; amounts < 2¹²⁸).
    function testFuzz_moduleDelta_equalsCheckedFormulaInItsBounds(
        uint128 before,
        uint128 after_,
        uint128 withdrawn,
        uint32 v0,
        uint32 v1
    ) public pure {
        (uint256 lo, uint256 hi) = v0 <= v1 ? (uint256(v0), uint256(v1)) : (uint256(v1), uint256(v0));
        (int256 d, uint256 added) = Waterfall.moduleDelta(before, after_, withdrawn, lo, hi);
        int256 checked =
            int256(uint256(after_)) +
                int256(uint256(withdrawn)) -
                int256(uint256(before)) -
                (int256(hi) - int256(lo)) * 32 ether;
        assertEq(d, checked, "delta");
        assertEq(added, (hi - lo) * 32 ether, "added");
        assertEq(
            Waterfall.netModuleDelta(before, after_, withdrawn, lo, hi, 1 ether),
            checked + 1 ether,
            "cover"
        );
    }

    // ---------------------------------------------------------------- rewardsAndFeesDown

    function test_rewardsAndFeesDown_feesOnPositiveDeltasOnly() public pure {
        int256[] memory d = new int256[](2);
        (d[0], d[1]) = (1 ether, -0.3 ether);
        uint16[] memory fee = new uint16[](2);
        (fee[0], fee[1]) = (500, 800);
        (uint256 r, uint256[] memory fm, uint256 ft, uint256 net, uint256 loss) = Waterfall
            .rewardsAndFeesDown(d, fee, 0.2 ether, 1000);
        assertEq(r, 1.2 ether, "R = positive deltas + EL");
        assertEq(fm[0], 0.05 ether, "module 0 pays 5%");
        assertEq(fm[1], 0, "a losing module earns no fee");
        assertEq(ft, 0.12 ether, "treasury 10% of R");
        assertEq(net, 1.03 ether, "Rnet = R - fees");
        assertEq(loss, 0.3 ether, "L = negative deltas");
    }

    // ---------------------------------------------------------------- splitByNavDown

    function test_splitByNavDown_dustToMostJuniorWithNav() public pure {
        (uint256[] memory p, bool ok) = Waterfall.splitByNavDown(10, _three(1, 1, 0), 0);
        assertTrue(ok, "distributed");
        assertEq(p[0], 5, "class 0 pro rata");
        assertEq(p[1], 5, "class 1 pro rata");
        (p, ok) = Waterfall.splitByNavDown(10, _three(1, 1, 1), 0);
        assertEq(p[0], 3, "3.33 floored");
        assertEq(p[2], 4, "class 2 gets the 1 wei dust");
    }

    function test_splitByNavDown_noEligibleNavReturnsNotDistributed() public pure {
        (uint256[] memory p, bool ok) = Waterfall.splitByNavDown(10, _three(5, 0, 0), 1);
        assertFalse(ok, "no class >= 1 has NAV");
        assertEq(p[0] + p[1] + p[2], 0, "nothing handed out");
    }

    function testFuzz_splitByNavDown_sumsExactlyAndBoundsDust(
        uint256 amount,
        uint256[8] memory raw,
        uint256 k,
        uint256 from
    ) public pure {
        amount = bound(amount, 0, MAX_NAV);
        uint256[] memory navs = _navs(raw, k);
        from = bound(from, 0, navs.length - 1);
        (uint256[] memory p, bool ok) = Waterfall.splitByNavDown(amount, navs, from);
        uint256 eligible;
        for (uint256 i = from; i < navs.length; ++i) eligible += navs[i];
        assertEq(ok, eligible > 0, "distributed iff an eligible class has NAV");
        assertEq(_sum(p), ok ? amount : 0, "parts sum to the amount exactly");
        for (uint256 i; i < navs.length; ++i) {
            if (i < from || navs[i] == 0) {
                assertEq(p[i], 0, "ineligible or empty class gets nothing");
                continue;
            }
            uint256 fair = (amount * navs[i]) / eligible;
            assertGe(p[i], fair, "never below the floored pro-rata share");
            assertLe(p[i], fair + navs.length, "above it by at most the dust (< K wei)");
        }
    }

    // ---------------------------------------------------------------- premiumsDown

    function test_premiumsDown_knownAnswer() public pure {
        // navs 60/30/10: class 0 leverage 60/40 = 15000 bps, base 1000 → 1500 bps, max 2000.
        // class 1 leverage 30/10 = 30000 bps, base 1000 → 3000, capped at max 2000.
        (uint256[] memory paid, uint256[] memory got) = Waterfall.premiumsDown(
            _three(600, 300, 100),
            _three(60, 30, 10),
            _bps3(1000, 1000, 1000),
            _bps3(2000, 2000, 2000),
            _bps3(0, 0, 0)
        );
        assertEq(paid[0], 90, "class 0 pays 15% of 600");
        assertEq(paid[1], 60, "class 1 pays 20% (capped) of 300");
        assertEq(paid[2], 0, "most junior pays nothing");
        assertEq(got[1], 67, "class 1 gets 90*30/40 = 67 (floored)");
        assertEq(got[2], 22 + 1 + 60, "class 2 gets 22 + dust 1 + all of class 1's premium");
    }

    function test_premiumsDown_thinJuniorEarnsOnlyCoveredPart() public pure {
        // 1 wei of junior capital under 1 ETH: the rate is at its cap (2000 bps) but the junior
        // covers only ⌊1·10⁴/2500⌋ = 4 wei of the senior at the 2,500 bps target, so the premium
        // is ⌊1e18·2000·4/(10⁴·1e18)⌋ = 0 instead of 20% of the reward.
        uint256[] memory r = new uint256[](2);
        uint256[] memory navs = new uint256[](2);
        (r[0], navs[0], navs[1]) = (1 ether, 1 ether, 1);
        uint16[] memory base = new uint16[](2);
        uint16[] memory max = new uint16[](2);
        uint16[] memory cover = new uint16[](2);
        (base[0], max[0]) = (1000, 2000);
        (uint256[] memory paid, uint256[] memory got) = Waterfall.premiumsDown(r, navs, base, max, cover);
        assertEq(paid[0], 0, "1 wei of cover earns nothing of a 1 ETH reward");
        assertEq(got[1], 0, "the 1 wei class receives nothing");
        // Half of the target cover (J = nav/8 at target 2,500 = nav/4): premium on half the NAV.
        navs[1] = 0.125 ether;
        (paid, ) = Waterfall.premiumsDown(r, navs, base, max, cover);
        assertEq(paid[0], (1 ether * 2000 * 0.5 ether) / (10_000 * 1 ether), "premium on the covered half");
        // A higher minCoverBps raises the target: at 5,000 the same junior covers a quarter.
        cover[0] = 5000;
        (paid, ) = Waterfall.premiumsDown(r, navs, base, max, cover);
        assertEq(
            paid[0],
            (1 ether * 2000 * 0.25 ether) / (10_000 * 1 ether),
            "premium on the covered quarter"
        );
    }

    function testFuzz_premiumsDown_neverAboveCoveredShare(
        uint256 nav,
        uint256 junior,
        uint256 reward
    ) public pure {
        nav = bound(nav, 1, MAX_NAV);
        junior = bound(junior, 1, MAX_NAV);
        reward = bound(reward, 0, MAX_NAV);
        uint256[] memory r = new uint256[](2);
        uint256[] memory navs = new uint256[](2);
        (r[0], navs[0], navs[1]) = (reward, nav, junior);
        uint16[] memory base = new uint16[](2);
        uint16[] memory max = new uint16[](2);
        (base[0], max[0]) = (10_000, 10_000);
        (uint256[] memory paid, ) = Waterfall.premiumsDown(r, navs, base, max, new uint16[](2));
        // covered ≤ 4·junior: the premium never exceeds the reward on 4× the junior capital.
        assertLe(paid[0], Math.mulDiv(reward, 4 * junior, nav), "premium bounded by the protection given");
        assertLe(paid[0], reward, "never above the reward");
    }

    function test_premiumRateBps_capsAtBps() public pure {
        assertEq(Waterfall.premiumRateBps(1e30, 1, 65_535, 65_535), 10_000, "never above the whole reward");
    }

    function testFuzz_premiumsDown_conservesAndFlowsJunior(
        uint256[8] memory raw,
        uint256 k,
        uint256 seed
    ) public pure {
        uint256[] memory navs = _navs(raw, k);
        uint256 n = navs.length;
        uint256[] memory r = new uint256[](n);
        uint16[] memory base = new uint16[](n);
        uint16[] memory max = new uint16[](n);
        uint16[] memory cover = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            cover[i] = uint16(bound(uint256(keccak256(abi.encode(seed, i, 3))), 0, 65_535));
            r[i] = bound(uint256(keccak256(abi.encode(seed, i, 0))), 0, MAX_NAV);
            base[i] = uint16(bound(uint256(keccak256(abi.encode(seed, i, 1))), 0, 10_000));
            max[i] = uint16(bound(uint256(keccak256(abi.encode(seed, i, 2))), 0, 10_000));
        }
        (uint256[] memory paid, uint256[] memory got) = Waterfall.premiumsDown(r, navs, base, max, cover);
        assertEq(_sum(paid), _sum(got), "premiums conserve value");
        assertEq(paid[n - 1], 0, "the most junior class never pays");
        assertEq(got[0], 0, "the most senior class never receives");
        for (uint256 i; i < n; ++i) {
            assertLe(paid[i], r[i], "a class pays at most its reward");
            if (navs[i] == 0) assertEq(got[i], 0, "an empty class receives nothing");
        }
    }

    // ---------------------------------------------------------------- serviceRewardDown

    function test_serviceRewardDown_noExposedNavGoesToTreasury() public pure {
        (uint256[] memory p, uint256 t) = Waterfall.serviceRewardDown(1 ether, 1000, _three(10, 0, 0), 1);
        assertEq(t, 1 ether, "all of S to the treasury");
        assertEq(_sum(p), 0, "no class paid");
    }

    function testFuzz_serviceRewardDown_conserves(
        uint256 amount,
        uint256 fee,
        uint256[8] memory raw,
        uint256 k,
        uint256 tier
    ) public pure {
        amount = bound(amount, 0, MAX_NAV);
        fee = bound(fee, 0, 10_000);
        uint256[] memory navs = _navs(raw, k);
        tier = bound(tier, 1, 8);
        (uint256[] memory p, uint256 t) = Waterfall.serviceRewardDown(amount, fee, navs, tier);
        assertEq(_sum(p) + t, amount, "fee plus class rewards equal S");
        for (uint256 i; i < navs.length && i < tier; ++i) assertEq(p[i], 0, "unexposed classes get nothing");
    }

    // ---------------------------------------------------------------- absorbLossJuniorFirst

    function test_absorbLossJuniorFirst_wipesJuniorThenTouchesNext() public pure {
        uint256[] memory navs = _three(10, 5, 3);
        uint256 left = Waterfall.absorbLossJuniorFirst(navs, 4);
        assertEq(navs[2], 0, "junior wiped");
        assertEq(navs[1], 4, "next takes the remaining 1");
        assertEq(navs[0], 10, "senior untouched");
        assertEq(left, 0, "fully absorbed");
    }

    function test_absorbLossJuniorFirst_returnsUnabsorbed() public pure {
        uint256[] memory navs = _three(1, 1, 1);
        assertEq(Waterfall.absorbLossJuniorFirst(navs, 5), 2, "2 wei beyond the book");
    }

    function testFuzz_absorbLossJuniorFirst_juniorFirstAndConserves(
        uint256[8] memory raw,
        uint256 k,
        uint256 loss
    ) public pure {
        uint256[] memory navs = _navs(raw, k);
        uint256 before = _sum(navs);
        uint256[] memory old = new uint256[](navs.length);
        for (uint256 i; i < navs.length; ++i) old[i] = navs[i];
        loss = bound(loss, 0, before + MAX_NAV);
        uint256 left = Waterfall.absorbLossJuniorFirst(navs, loss);
        assertEq(before - _sum(navs) + left, loss, "absorbed + unabsorbed == loss");
        assertEq(left, loss > before ? loss - before : 0, "unabsorbed only beyond the book");
        for (uint256 i; i < navs.length; ++i) {
            if (navs[i] == old[i]) continue;
            for (uint256 j = i + 1; j < navs.length; ++j)
                assertEq(navs[j], 0, "class touched only when juniors are 0");
        }
    }

    // ---------------------------------------------------------------- feeSharesDown

    function test_feeSharesDown_eachFeeAtPreReportPrice() public pure {
        uint256[] memory fees = new uint256[](2);
        (fees[0], fees[1]) = (3, 3);
        // price: nav 9, supply 4 → 3·5/10 = 1.5 → 1 share each (a combined mint would give 3).
        (uint256[] memory s, uint256 a, uint256 total) = Waterfall.feeSharesDown(fees, 9, 4);
        assertEq(s[0], 1, "first fee floored");
        assertEq(s[1], 1, "second fee at the same price, not compounded");
        assertEq(a, 6, "assets added to nav_0");
        assertEq(total, 2, "shares added to supply_0");
    }
}
