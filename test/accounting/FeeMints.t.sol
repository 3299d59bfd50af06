// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Test.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice DESIGN §2 (3): a report mints each recipient's fee shares once — the curated and the
/// bonded module share one fee recipient, and the treasury takes the treasury fee and every
/// service fee — so each recipient gets `⌊Σ fees · (S+1)/(N+1)⌋` shares (one rounding), where
/// one mint per fee gave the sum of the floors.
contract FeeMintsTest is ServicesFixture {
    uint256 private constant BPS = 10_000;

    /// @dev Service payers pay an odd amount each so that each fee has a remainder.
    address private payer = makeAddr("payer");

    function setUp() public {
        _standardSetup(); // A/B/C = 200/100/100 ETH, 6 validators in each module
        // A first report with an odd EL reward leaves class A's price off 1, so every
        // conversion below rounds.
        vm.deal(address(elv), 0.777777777777777777 ether);
        IAccounting.Report memory r = _neutralReport();
        r.elRewards = address(elv).balance;
        _submit(r);
        _service(1, 1000);
        _service(2, 1000);
    }

    function _pay(uint256 svc, uint256 amount) private {
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(svc);
    }

    function _feeMints(Vm.Log[] memory logs, address to) private view returns (uint256 n, uint256 shares) {
        bytes32 topic = IYieldClasses.FeeMinted.selector;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(pool) || logs[i].topics[0] != topic) continue;
            if (address(uint160(uint256(logs[i].topics[2]))) != to) continue;
            ++n;
            (, uint256 s) = abi.decode(logs[i].data, (uint256, uint256));
            shares += s;
        }
    }

    struct Expected {
        uint256 moduleFee0;
        uint256 moduleFee1;
        uint256 treasuryFees;
        uint256 nav;
        uint256 supply;
        uint256 moduleBefore;
        uint256 treasuryBefore;
    }

    /// @dev Every fee by its formula (§6 steps 3 and 6), from the parameters on chain, and class
    /// A's pre-report NAV and supply.
    function _expected(
        uint256[2] memory gain,
        uint256 el,
        uint256[2] memory paid
    ) private view returns (Expected memory e) {
        IAccounting.Params memory p = accounting.params();
        e.moduleFee0 = (gain[0] * router.getModule(0).moduleFeeBps) / BPS;
        e.moduleFee1 = (gain[1] * router.getModule(1).moduleFeeBps) / BPS;
        e.treasuryFees =
            ((gain[0] + gain[1] + el) * p.treasuryFeeBps) / BPS +
            (paid[0] * p.serviceFeeBps) / BPS +
            (paid[1] * p.serviceFeeBps) / BPS;
        IYieldClasses.ClassInfo memory a = book.getClass(0);
        (e.nav, e.supply) = (a.nav, a.supply);
        e.moduleBefore = tokens[0].balanceOf(feeRecipient);
        e.treasuryBefore = tokens[0].balanceOf(treasury);
    }

    /// @dev `toSharesDown` with the virtual offsets 1 and 1, written out.
    function _shares(uint256 assets, Expected memory e) private pure returns (uint256) {
        return (assets * (e.supply + 1)) / (e.nav + 1);
    }

    function test_handleReport_mintsEachRecipientsFeeSharesOnce() public {
        // Within the §9 APR cap of a one-slot span (the fixture's reports are one slot apart).
        uint256[2] memory gain = [uint256(7_123_456_789_013), 5_298_765_432_109];
        uint256 el = 0.333333333333333331 ether;
        uint256[2] memory paid = [uint256(0.555555555555555557 ether), 0.444444444444444449 ether];
        _pay(0, paid[0]);
        _pay(1, paid[1]);
        vm.deal(address(elv), el);
        IAccounting.Report memory r = _neutralReport();
        r.modules[0].clBalance += uint128(gain[0]);
        r.modules[1].clBalance += uint128(gain[1]);
        r.elRewards = el;
        assertEq(router.getModule(0).feeRecipient, router.getModule(1).feeRecipient, "one recipient");
        Expected memory e = _expected(gain, el, paid);
        uint256 expectedModule = _shares(e.moduleFee0 + e.moduleFee1, e);
        uint256 expectedTreasury = _shares(e.treasuryFees, e);

        vm.recordLogs();
        _submit(r);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        (uint256 nModule, uint256 sModule) = _feeMints(logs, feeRecipient);
        (uint256 nTreasury, uint256 sTreasury) = _feeMints(logs, treasury);
        assertEq(nModule, 1, "one FeeMinted for the shared module fee recipient");
        assertEq(nTreasury, 1, "one FeeMinted for the treasury (its fee and both service fees)");
        assertEq(sModule, expectedModule, "module recipient: floor of the summed fees");
        assertEq(sTreasury, expectedTreasury, "treasury: floor of the summed fees");
        assertEq(
            tokens[0].balanceOf(feeRecipient) - e.moduleBefore,
            expectedModule,
            "module recipient balance"
        );
        assertEq(tokens[0].balanceOf(treasury) - e.treasuryBefore, expectedTreasury, "treasury balance");
        // One mint per fee floors each: with these figures that is fewer shares.
        assertLt(
            _shares(e.moduleFee0, e) + _shares(e.moduleFee1, e),
            expectedModule,
            "the example separates one rounding from two"
        );
        assertEq(book.getClass(0).supply, tokens[0].totalSupply(), "book supply == token supply");
    }

    function test_handleReport_everyFeeSharesOneRoundingFuzz(uint256 g0, uint256 g1, uint256 s0) public {
        g0 = bound(g0, 1, 7e12); // together within the §9 APR cap of a one-slot span
        g1 = bound(g1, 1, 7e12);
        s0 = bound(s0, 1, 3 ether);
        _pay(1, s0);
        IAccounting.Report memory r = _neutralReport();
        r.modules[0].clBalance += uint128(g0);
        r.modules[1].clBalance += uint128(g1);
        IAccounting.Params memory p = accounting.params();
        uint256 fees =
            (g0 * router.getModule(0).moduleFeeBps) / BPS + (g1 * router.getModule(1).moduleFeeBps) / BPS;
        uint256 tFees = ((g0 + g1) * p.treasuryFeeBps) / BPS + (s0 * p.serviceFeeBps) / BPS;
        IYieldClasses.ClassInfo memory a = book.getClass(0);
        uint256 moduleBefore = tokens[0].balanceOf(feeRecipient);
        uint256 treasuryBefore = tokens[0].balanceOf(treasury);
        _submit(r);
        assertEq(
            tokens[0].balanceOf(feeRecipient) - moduleBefore,
            (fees * (a.supply + 1)) / (a.nav + 1),
            "module recipient: one rounding"
        );
        assertEq(
            tokens[0].balanceOf(treasury) - treasuryBefore,
            (tFees * (a.supply + 1)) / (a.nav + 1),
            "treasury: one rounding"
        );
    }

    /// @dev Accounting sums fees per recipient with a filter on each address's low byte: two
    /// distinct recipients that share it (module 1's recipient set to a twin of module 0's)
    /// must still get one mint each, not one merged mint.
    function test_handleReport_distinctRecipientsSharingALowByteMintApart() public {
        address twin = address(uint160(feeRecipient) ^ (uint160(1) << 100));
        assertEq(uint160(twin) & 0xff, uint160(feeRecipient) & 0xff, "same low byte");
        IStakingRouter.Module memory m1 = router.getModule(1);
        vm.prank(moduleManager);
        router.updateModule(
            1,
            IStakingRouter.ModuleParams(m1.baseWeight, m1.stakeShareLimitBps, m1.moduleFeeBps, twin)
        );
        IAccounting.Report memory r = _neutralReport();
        r.modules[0].clBalance += 7_123_456_789_013;
        r.modules[1].clBalance += 5_298_765_432_109;
        Expected memory e = _expected([uint256(7_123_456_789_013), 5_298_765_432_109], 0, [uint256(0), 0]);
        assertEq(tokens[0].balanceOf(twin), 0, "a fresh recipient");

        vm.recordLogs();
        _submit(r);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        (uint256 n, uint256 shares) = _feeMints(logs, feeRecipient);
        assertEq(n, 1, "one FeeMinted for module 0's recipient");
        assertEq(shares, _shares(e.moduleFee0, e), "module 0's fee alone");
        assertEq(tokens[0].balanceOf(feeRecipient) - e.moduleBefore, shares, "module 0's recipient balance");
        (n, shares) = _feeMints(logs, twin);
        assertEq(n, 1, "one FeeMinted for module 1's recipient");
        assertEq(shares, _shares(e.moduleFee1, e), "module 1's fee alone");
        assertEq(tokens[0].balanceOf(twin), shares, "module 1's recipient balance");
        (n, shares) = _feeMints(logs, treasury);
        assertEq(n, 1, "one FeeMinted for the treasury");
        assertEq(shares, _shares(e.treasuryFees, e), "treasury fee");
    }
}
