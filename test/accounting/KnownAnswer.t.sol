// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice The known-answer scenario of test/model/model.test.ts ("3 classes, a reward report
/// with premium, then a 2 ETH loss with 1.5 ETH bond cover") on the deployed contracts, both
/// reports through the oracle's member vote. Same parameters as the model's; the model's tier-2
/// service reward (0.05 ETH) is left out because Accounting books no service rewards yet, so
/// A loses its 0.005 service fee and C its 0.045 net service reward versus the model's numbers.
contract KnownAnswerTest is SystemFixture {
    uint256 private constant E7 = 1e11; // 1e-7 ETH

    function setUp() public {
        _deployCore();
        bonded = _newBonded();
        _addModule(address(bonded), 1, 10_000, 10_000); // module 0: fee 5 %
        _bondedOperator(3); // bond 2.4 + 2 x 1.3 = 5 ETH
        _deployBookAndReports(
            _defaultLimits(),
            IAccounting.Params({
                treasury: treasury,
                treasuryFeeBps: 1000,
                serviceFeeBps: 1000,
                lambdaBps: 1000,
                slashPenaltyBps: 500,
                exitDeadline: uint32(4 * FRAME)
            })
        );
        _addClass(IYieldClasses.ClassParams(1000, 2000, 2500, uint32(FRAME), 0));
        _addClass(IYieldClasses.ClassParams(1000, 2000, 0, uint32(FRAME), 0));
        _addClass(IYieldClasses.ClassParams(0, 0, 0, uint32(2 * FRAME), 0));
    }

    function test_handleReport_knownAnswer() public {
        // Deposits junior first (A's cover rule): empty classes mint 1 share per wei.
        assertEq(_deposit(makeAddr("carol"), 2, 10 ether), 10 ether, "C shares");
        assertEq(_deposit(makeAddr("bob"), 1, 30 ether), 30 ether, "B shares");
        assertEq(_deposit(makeAddr("alice"), 0, 60 ether), 60 ether, "A shares");
        assertEq(_depositAll(3), 3, "three validators");
        assertEq(pool.buffered(), 4 ether, "buffered 100 - 96");
        assertEq(accounting.pooled(), 100 ether, "transient counts");

        // Report 1: 3 validators seen with 96.3 ETH → Δ = 0.3; E = 0.1; R = 0.4.
        // Module fee 5 % of 0.3 = 0.015; treasury 10 % of 0.4 = 0.04; Rnet = 0.345.
        // Split 60/30/10: r = 0.207 / 0.1035 / 0.0345 (exact).
        // A: u = 60/40 = 15000 bps → p = min(2000, 1500) = 1500 → pays 0.03105:
        //    B gets 3/4 = 0.0232875, C gets 1/4 = 0.0077625.
        // B: u = 30/10 = 30000 bps → p = min(2000, 3000) = 2000 → pays 0.0207 to C.
        // Fees at the pre-report A price (60 ETH / 60e18 shares, +1/+1): 1 share per wei.
        // A = 60 + 0.207 − 0.03105 + 0.015 + 0.04        = 60.23095
        // B = 30 + 0.1035 − 0.0207 + 0.0232875            = 30.1060875
        // C = 10 + 0.0345 + 0.0077625 + 0.0207            = 10.0629625   (Σ = 100.4 = pooled)
        // Reputation: perf 10000 → (10000·9000 + 10000·1000)/10000 = 10000.
        vm.warp(block.timestamp + 30 days); // APR cap: 96 ETH · 10 % · 30/365 ≈ 0.79 ETH ≥ 0.3
        vm.deal(address(elv), 0.1 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 0.1 ether;
        r.modules[0].clValidators = 3;
        r.modules[0].clBalance = 96.3 ether;
        _applyViaOracle(r);

        uint256[] memory navs = book.navs();
        assertEq(navs[0], 602_309_500 * E7, "A after the reward");
        assertEq(navs[1], 301_060_875 * E7, "B after the reward");
        assertEq(navs[2], 100_629_625 * E7, "C after the reward");
        assertEq(tokens[0].balanceOf(feeRecipient), 0.015 ether, "module fee shares");
        assertEq(tokens[0].balanceOf(treasury), 0.04 ether, "treasury fee shares");
        assertEq(accounting.pooled(), 100.4 ether, "pooled");
        assertEq(book.totalNav(), accounting.pooled(), "pooled = sum of navs");
        assertEq(router.getModule(0).reputationBps, 10_000, "reputation on par");

        // Report 2: the module loses 2 ETH (96.3 → 94.3), its operator's bond pays 1.5 ETH to the
        // router: Δ' = −0.5 ETH, R = 0, L = 0.5 ETH, all from C: 10.0629625 − 0.5 = 9.5629625.
        // Reputation: (10000·9000 + 9000·1000)/10000 = 9900; one slashing: ⌊9900·0.95⌋ = 9405.
        vm.warp(block.timestamp + 30 days);
        r = _emptyReport();
        r.modules[0].clBalance = 94.3 ether;
        r.modules[0].perfBps = 9000;
        r.modules[0].slashedValidators = 1;
        r.losses = new IAccounting.OperatorLoss[](1);
        r.losses[0] = IAccounting.OperatorLoss({moduleId: 0, operatorId: 0, amount: 1.5 ether});
        _applyViaOracle(r);

        navs = book.navs();
        assertEq(navs[0], 602_309_500 * E7, "A untouched by the loss");
        assertEq(navs[1], 301_060_875 * E7, "B untouched by the loss");
        assertEq(navs[2], 95_629_625 * E7, "C took the net loss");
        assertEq(pool.buffered(), 5.6 ether, "4 + 0.1 EL + 1.5 bond");
        assertEq(accounting.pooled(), 99.9 ether, "pooled");
        assertEq(book.totalNav(), accounting.pooled(), "pooled = sum of navs");
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 3.5 ether, "bond 5 - 1.5");
        assertEq(router.getModule(0).reputationBps, 9405, "reputation");
    }
}
