// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BPS, DEPOSIT_SIZE, MIN_COVER_TARGET_BPS} from "./Constants.sol";
import {SharesMath} from "./SharesMath.sol";

/// @title Waterfall
/// @notice The money steps of a report (docs/money-math.md "Report" 1–7) as pure functions on
/// memory arrays. The stateful caller runs them in the documented order and writes the result.
/// @dev Classes are indexed 0 (most senior) … K−1 (most junior). Every division rounds down and
/// every rounding remainder ("dust") is handed to a named class, so each split conserves value
/// to the wei. Assumes NAVs and amounts below 2^128 (all ETH in existence is < 2^87 wei), which
/// keeps every sum and `navs·BPS` product far from overflow; products of two amounts go
/// through `mulDiv`.
library Waterfall {
    /// @notice Step 1: a module's signed CL balance change over the frame, before bond cover.
    /// @dev Δ = clBalance' + withdrawn − clBalance − 32 ETH·(clValidators' − clValidators).
    /// Unchecked (Accounting runs it once per module per report): the caller must ensure
    /// validatorsBefore ≤ validatorsAfter < 2³² and balances and withdrawn < 2¹²⁸ (Accounting's
    /// §9 checks `ValidatorsDecreased`/`ValidatorsAboveDeposited` and the report's field types
    /// do). Then the new deposits are < 2⁹⁸ wei and every sum and difference is far inside int256.
    /// @param clBalanceBefore Module CL balance at the previous report.
    /// @param clBalanceAfter Module CL balance in this report.
    /// @param withdrawn Wei the module's validators sent to the withdrawal vault in the frame.
    /// @param validatorsBefore Module validators seen on the CL at the previous report.
    /// @param validatorsAfter Module validators seen on the CL in this report.
    /// @return delta Δ_m; positive is a reward, negative a base loss.
    /// @return added 32 ETH per validator new in the frame (their deposits, not reward).
    function moduleDelta(
        uint256 clBalanceBefore,
        uint256 clBalanceAfter,
        uint256 withdrawn,
        uint256 validatorsBefore,
        uint256 validatorsAfter
    ) internal pure returns (int256 delta, uint256 added) {
        unchecked {
            added = (validatorsAfter - validatorsBefore) * DEPOSIT_SIZE;
            delta = int256(clBalanceAfter + withdrawn) - int256(clBalanceBefore) - int256(added);
        }
    }

    /// @notice Steps 1–2: a module's signed balance change over the frame, plus its bond cover.
    /// @dev Δ' = Δ + C (`moduleDelta`, with its bounds): the bond restores what the operator
    /// lost even when the module is net positive.
    /// @param clBalanceBefore Module CL balance at the previous report.
    /// @param clBalanceAfter Module CL balance in this report.
    /// @param withdrawn Wei the module's validators sent to the withdrawal vault in the frame.
    /// @param validatorsBefore Module validators seen on the CL at the previous report.
    /// @param validatorsAfter Module validators seen on the CL in this report.
    /// @param bondCover Wei the module actually charged its operators' bonds (C_m).
    /// @return netDelta Δ'_m; positive is a reward, negative a base loss.
    function netModuleDelta(
        uint256 clBalanceBefore,
        uint256 clBalanceAfter,
        uint256 withdrawn,
        uint256 validatorsBefore,
        uint256 validatorsAfter,
        uint256 bondCover
    ) internal pure returns (int256 netDelta) {
        (netDelta, ) = moduleDelta(
            clBalanceBefore,
            clBalanceAfter,
            withdrawn,
            validatorsBefore,
            validatorsAfter
        );
        netDelta += SafeCast.toInt256(bondCover);
    }

    /// @notice Step 3: rewards, fees and base loss from the net module deltas.
    /// @dev Requires moduleFeeBps_m + treasuryFeeBps ≤ BPS (governance bound) so fees never
    /// exceed the reward; otherwise the subtraction reverts.
    /// @param netDeltas Δ'_m per module.
    /// @param moduleFeeBps Fee of each module on its own positive Δ'_m.
    /// @param elRewards E, execution-layer rewards received in the frame.
    /// @param treasuryFeeBps Treasury fee on R.
    /// @return rewards R = Σ max(Δ'_m, 0) + E.
    /// @return moduleFees f_m = ⌊max(Δ'_m, 0)·moduleFeeBps_m/BPS⌋ per module.
    /// @return treasuryFee f_T = ⌊R·treasuryFeeBps/BPS⌋.
    /// @return rewardsNet Rnet = R − Σ f_m − f_T, what the classes share in step 4.
    /// @return loss L = Σ max(−Δ'_m, 0), absorbed in step 7.
    function rewardsAndFeesDown(
        int256[] memory netDeltas,
        uint16[] memory moduleFeeBps,
        uint256 elRewards,
        uint256 treasuryFeeBps
    )
        internal
        pure
        returns (
            uint256 rewards,
            uint256[] memory moduleFees,
            uint256 treasuryFee,
            uint256 rewardsNet,
            uint256 loss
        )
    {
        uint256 n = netDeltas.length;
        moduleFees = new uint256[](n);
        uint256 feesTotal;
        rewards = elRewards;
        for (uint256 m; m < n;) {
            int256 d = netDeltas[m];
            if (d > 0) {
                uint256 gain = uint256(d);
                uint256 fee = (gain * moduleFeeBps[m]) / BPS;
                rewards += gain;
                moduleFees[m] = fee;
                feesTotal += fee;
            } else {
                loss += uint256(-d);
            }
            unchecked {
                ++m; // < n
            }
        }
        treasuryFee = (rewards * treasuryFeeBps) / BPS;
        rewardsNet = rewards - feesTotal - treasuryFee;
    }

    /// @notice Step 3: class-0 shares minted for each fee, all priced at the pre-report class-0
    /// NAV and supply (one mint per fee, not compounding).
    /// @dev One floor per fee is what the spec fixes: ⌊a⌋ + ⌊b⌋ ≤ ⌊a + b⌋, so minting per fee
    /// never gives the fee takers more than one combined mint would.
    /// @param fees Fee amounts in wei (module fees, treasury fee, and any amount routed to the
    /// treasury in steps 4 and 6).
    /// @param nav0 Class-0 NAV at the start of the report.
    /// @param supply0 Class-0 supply at the start of the report.
    /// @return shares Shares minted for each fee.
    /// @return totalAssets Σ fees, to add to nav_0.
    /// @return totalShares Σ shares, to add to supply_0.
    function feeSharesDown(
        uint256[] memory fees,
        uint256 nav0,
        uint256 supply0
    ) internal pure returns (uint256[] memory shares, uint256 totalAssets, uint256 totalShares) {
        shares = new uint256[](fees.length);
        for (uint256 i; i < fees.length; ++i) {
            shares[i] = SharesMath.toSharesDown(fees[i], nav0, supply0);
            totalAssets += fees[i];
            totalShares += shares[i];
        }
    }

    /// @notice Splits `amount` over classes `fromClass … K−1` pro rata to their start-of-report
    /// NAVs; used by steps 4 (from 0), 5 (from k+1) and 6 (from the service tier).
    /// @dev part_k = ⌊amount·navs0_k/E⌋ with E = Σ_{j≥fromClass} navs0_j; the dust goes to the most
    /// junior eligible class with navs0 > 0: the first-loss capital is paid for the rounding.
    /// @param amount Wei to split.
    /// @param navs0 Start-of-report NAV per class.
    /// @param fromClass Most senior eligible class.
    /// @return parts Per-class amounts (zero below `fromClass`); Σ parts == amount when
    /// `distributed`, all zero otherwise.
    /// @return distributed False when no eligible class has NAV: the caller routes `amount` to the
    /// treasury.
    function splitByNavDown(
        uint256 amount,
        uint256[] memory navs0,
        uint256 fromClass
    ) internal pure returns (uint256[] memory parts, bool distributed) {
        uint256 k = navs0.length;
        parts = new uint256[](k);
        uint256 eligible;
        uint256 junior = k;
        for (uint256 i = fromClass; i < k; ++i) {
            if (navs0[i] > 0) {
                eligible += navs0[i];
                junior = i;
            }
        }
        if (eligible == 0) return (parts, false);
        uint256 given;
        for (uint256 i = fromClass; i < k; ++i) {
            parts[i] = Math.mulDiv(amount, navs0[i], eligible);
            given += parts[i];
        }
        parts[junior] += amount - given;
        distributed = true;
    }

    /// @notice `splitByNavDown` with its sums precomputed, added into `into` in place (no array
    /// allocated): the same parts, part_k = ⌊amount·navs0_k/E⌋ for k ≥ fromClass, the dust to
    /// the most junior class with NAV.
    /// @dev The caller passes E = Σ_{j≥fromClass} navs0_j (> 0) and `junior`, the most junior
    /// class with NAV (≥ fromClass whenever E > 0). NAVs are below 2^128, so an amount below
    /// 2^128 needs no 512-bit product (the same quotient as `mulDiv`).
    /// @param amount Wei to split.
    /// @param navs0 Start-of-report NAV per class.
    /// @param fromClass Most senior eligible class.
    /// @param eligible E, the eligible classes' NAV (> 0).
    /// @param junior The most junior class with NAV.
    /// @param into Per-class accumulator the parts are added to.
    function splitByNavInto(
        uint256 amount,
        uint256[] memory navs0,
        uint256 fromClass,
        uint256 eligible,
        uint256 junior,
        uint256[] memory into
    ) internal pure {
        uint256 k = navs0.length;
        uint256 given;
        bool small = amount <= type(uint128).max;
        for (uint256 i = fromClass; i < k;) {
            uint256 nav = navs0[i];
            if (nav != 0) {
                uint256 part;
                unchecked {
                    // amount, nav < 2^128: the product fits
                    part = small ? (amount * nav) / eligible : Math.mulDiv(amount, nav, eligible);
                }
                into[i] += part;
                given += part;
            }
            unchecked {
                ++i; // < k
            }
        }
        into[junior] += amount - given;
    }

    /// @notice Step 5: one class's premium, P_k = ⌊r_k·p_k·covered_k/(BPS·nav_k)⌋ (the amount
    /// `premiumsDown` charges class k).
    /// @param r Step-4 reward of the class.
    /// @param nav Start-of-report NAV of the class (> 0).
    /// @param juniorNav Σ start-of-report NAVs of the more junior classes (> 0).
    /// @param baseBps basePremiumBps of the class.
    /// @param maxBps maxPremiumBps of the class.
    /// @param minCoverBps minCoverBps of the class.
    /// @return premium P_k.
    function premiumDown(
        uint256 r,
        uint256 nav,
        uint256 juniorNav,
        uint256 baseBps,
        uint256 maxBps,
        uint256 minCoverBps
    ) internal pure returns (uint256 premium) {
        uint256 rate = premiumRateBps(nav, juniorNav, baseBps, maxBps);
        uint256 covered = coveredNav(nav, juniorNav, minCoverBps);
        // r < 2^128 and rate ≤ BPS: the product fits; one floor over the exact quotient.
        premium = Math.mulDiv(r * rate, covered, BPS * nav);
    }

    /// @notice Step 5: the premium rate of a class, p = min(max, ⌊base·u/BPS⌋) with the leverage
    /// u = ⌊nav·BPS/juniorNav⌋ on the junior capital protecting it.
    /// @dev Also capped at BPS so that a class never pays more than the reward it earned.
    /// @param nav Start-of-report NAV of the class.
    /// @param juniorNav Σ start-of-report NAVs of all more junior classes (must be > 0).
    /// @param baseBps basePremiumBps of the class.
    /// @param maxBps maxPremiumBps of the class.
    /// @return rateBps The premium in bps of the class's step-4 reward.
    function premiumRateBps(
        uint256 nav,
        uint256 juniorNav,
        uint256 baseBps,
        uint256 maxBps
    ) internal pure returns (uint256 rateBps) {
        uint256 leverage = Math.mulDiv(nav, BPS, juniorNav);
        uint256 cap = Math.min(maxBps, BPS);
        // base·leverage can only exceed 2^256 when leverage alone is far above any cap.
        if (baseBps == 0) return 0;
        if (leverage > (cap * BPS) / baseBps + 1) return cap;
        rateBps = Math.min(cap, (baseBps * leverage) / BPS);
    }

    /// @notice Step 5: the part of a class the junior capital can protect at its target cover,
    /// covered = min(nav, ⌊juniorNav·BPS/target⌋) with target = max(minCoverBps, 2,500).
    /// @dev The premium is paid only on this part (DESIGN §6 step 5): a thin junior layer earns a
    /// high rate on a small base, never the senior's whole premium.
    /// @param nav Start-of-report NAV of the class.
    /// @param juniorNav Σ start-of-report NAVs of all more junior classes.
    /// @param minCoverBps minCoverBps of the class.
    /// @return covered Wei of the class's NAV that the junior capital covers.
    function coveredNav(uint256 nav, uint256 juniorNav, uint256 minCoverBps) internal pure returns (uint256) {
        uint256 target = Math.max(minCoverBps, MIN_COVER_TARGET_BPS);
        return Math.min(nav, Math.mulDiv(juniorNav, BPS, target));
    }

    /// @notice Step 5: protection premiums. Class k pays
    /// P_k = ⌊r_k·p_k·covered_k/(BPS·nav_k)⌋ of its step-4 reward to the classes j > k pro rata to
    /// navs0_j (dust to the most junior with NAV).
    /// @dev Classes without NAV, or without junior NAV, pay nothing. Σ paid == Σ received.
    /// @param r Step-4 reward per class.
    /// @param navs0 Start-of-report NAV per class.
    /// @param baseBps basePremiumBps per class.
    /// @param maxBps maxPremiumBps per class.
    /// @param minCoverBps minCoverBps per class (sets the cover target of `coveredNav`).
    /// @return paid P_k per class.
    /// @return received Premiums each class receives from the classes senior to it.
    function premiumsDown(
        uint256[] memory r,
        uint256[] memory navs0,
        uint16[] memory baseBps,
        uint16[] memory maxBps,
        uint16[] memory minCoverBps
    ) internal pure returns (uint256[] memory paid, uint256[] memory received) {
        uint256 n = navs0.length;
        paid = new uint256[](n);
        received = new uint256[](n);
        uint256 juniorNav;
        for (uint256 i; i < n; ++i) juniorNav += navs0[i];
        for (uint256 k; k < n; ++k) {
            juniorNav -= navs0[k];
            if (juniorNav == 0 || navs0[k] == 0) continue;
            uint256 premium = premiumDown(r[k], navs0[k], juniorNav, baseBps[k], maxBps[k], minCoverBps[k]);
            if (premium == 0) continue;
            paid[k] = premium;
            (uint256[] memory parts, ) = splitByNavDown(premium, navs0, k + 1);
            for (uint256 j = k + 1; j < n; ++j) received[j] += parts[j];
        }
    }

    /// @notice Step 6: one service's reward, less the service fee, split over the classes exposed
    /// to it (k ≥ tier) pro rata to navs0.
    /// @param paidAmount S_s, wei the service paid in the frame.
    /// @param serviceFeeBps Treasury fee on service rewards.
    /// @param navs0 Start-of-report NAV per class.
    /// @param tier The service tier (≥ 1); classes k ≥ tier are exposed.
    /// @return parts Per-class reward.
    /// @return toTreasury The fee ⌊S·fee/BPS⌋, or all of S when no exposed class has NAV; the
    /// caller mints it as class-0 shares (step 3 pricing).
    function serviceRewardDown(
        uint256 paidAmount,
        uint256 serviceFeeBps,
        uint256[] memory navs0,
        uint256 tier
    ) internal pure returns (uint256[] memory parts, uint256 toTreasury) {
        toTreasury = (paidAmount * serviceFeeBps) / BPS;
        bool distributed;
        (parts, distributed) = splitByNavDown(paidAmount - toTreasury, navs0, tier);
        if (!distributed) toTreasury = paidAmount;
    }

    /// @notice Step 7: takes `loss` from the classes junior first, in place.
    /// @dev Class k loses min(remaining, nav_k) for k = K−1 … 0. The caller wipes every class
    /// left with nav 0 and supply > 0.
    /// @param navs Post-reward NAV per class; reduced in place.
    /// @param loss L, the base loss of the report.
    /// @return unabsorbed What no class could absorb (only when the whole book is gone).
    function absorbLossJuniorFirst(
        uint256[] memory navs,
        uint256 loss
    ) internal pure returns (uint256 unabsorbed) {
        unabsorbed = loss;
        for (uint256 k = navs.length; k > 0 && unabsorbed > 0; --k) {
            uint256 take = Math.min(unabsorbed, navs[k - 1]);
            navs[k - 1] -= take;
            unabsorbed -= take;
        }
    }
}
