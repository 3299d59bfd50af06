// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {ModuleWord} from "../../contracts/router/ModuleWord.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @dev Issue 12 finding 9: tops up a bond, deposits, withdraws the bond — all in one transaction
/// (as a flash loan or a bundle around the keeper's deposit would).
contract FlashTopUp__Attacker {
    BondedModule private immutable bonded;
    IStakingRouter private immutable router;
    uint256 public operatorId;

    constructor(BondedModule bonded_, IStakingRouter router_) payable {
        bonded = bonded_;
        router = router_;
    }

    function register(bytes calldata pubkeys, bytes calldata signatures, uint256 bond) external {
        operatorId = bonded.registerOperator{value: bond}("flash", address(this), pubkeys, signatures);
    }

    function attack(
        uint256 amount,
        uint256 maxCount,
        IStakingRouter.ModuleKeys calldata keys,
        IDepositSecurity.Attestation calldata a
    ) external returns (uint256 deposited) {
        bonded.topUpBond{value: amount}(operatorId);
        deposited = router.depositToBeacon(1, maxCount, keys, a);
        bonded.withdrawBond(operatorId, amount, address(this));
    }

    receive() external payable {}
}

contract FlashKappaTest is RouterFixture {
    address private accounting = makeAddr("accounting");
    FlashTopUp__Attacker private atk;

    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 40);
        _bondedOperator(40);
        atk = new FlashTopUp__Attacker{value: 10_002.4 ether}(bonded, router);
        (bytes memory pk, bytes memory sig) = _keys(address(bonded), 1, 0, 1);
        atk.register(pk, sig, 2.4 ether);
        // 10 validators, then a report: the module's bond counts for κ from here on.
        _fund(10);
        _depositAll(10);
        bytes32 role = router.ACCOUNTING_ROLE();
        vm.prank(admin);
        router.grantRole(role, accounting);
        _report();
    }

    function _report() private {
        uint256[] memory words = new uint256[](2);
        for (uint256 id; id < 2; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            words[id] = ModuleWord.reportFields(
                m.deposited,
                0,
                uint256(m.deposited) * 32 ether,
                m.reputationBps
            );
        }
        vm.prank(accounting);
        router.applyModuleReports(words);
    }

    /// Before: κ read the current total bond, so 10,000 ETH topped up, used for one deposit and
    /// withdrawn in the same transaction moved validators to the bonded module (measured in
    /// this setup: 10 of 15 new validators instead of 8). Now only bond held at
    /// the last report counts.
    function test_depositToBeacon_flashTopUpDoesNotChangeAllocation() public {
        _fund(15);
        (uint256[] memory honest, ) = router.previewAllocation(15);
        uint256 kb = bonded.kappaBond();
        uint256 before = router.getModule(1).deposited;
        // Every depositable key of the module: the attacker does not know its share in advance.
        IStakingRouter.ModuleKeys memory mk = _moduleKeysOf(1, bonded.depositableKeys());
        IDepositSecurity.Attestation memory a = _attest(1);

        uint256 got = atk.attack(10_000 ether, 15, mk, a);

        assertEq(got, honest[1], "the flash top-up does not change the bonded module's share");
        assertEq(router.getModule(1).deposited - before, honest[1], "deposited as previewed without it");
        assertEq(bonded.kappaBond(), kb, "the bond that counts for kappa is unchanged");
        assertEq(address(atk).balance, 10_000 ether, "the attacker got its 10,000 ETH back");
    }

    /// A top-up counts from the next report; a withdrawal counts at once.
    function test_kappaBond_topUpCountsFromNextReport() public {
        uint256 kb = bonded.kappaBond();
        uint256 kappa = bonded.collateralBps();
        vm.deal(address(this), 50 ether);
        bonded.topUpBond{value: 50 ether}(0);
        assertEq(bonded.kappaBond(), kb, "a top-up does not count before a report");
        assertEq(bonded.collateralBps(), kappa, "kappa unchanged by a top-up");
        _report();
        assertEq(bonded.kappaBond(), bonded.totalBond(), "the report counts it");
        assertGt(bonded.collateralBps(), kappa, "kappa rose at the report");
        uint256 w = bonded.withdrawableBond(0);
        vm.prank(bonded.operatorManager(0));
        bonded.withdrawBond(0, w, address(this));
        assertEq(bonded.kappaBond(), bonded.totalBond(), "a withdrawal lowers it at once");
    }

    /// Fuzz: whatever is topped up between reports, κ does not move until the next report.
    function testFuzz_kappa_constantUnderTopUps(uint256 amount) public {
        amount = bound(amount, 1, 100_000 ether);
        uint256 kappa = bonded.collateralBps();
        vm.deal(address(this), amount);
        bonded.topUpBond{value: amount}(0);
        assertEq(bonded.collateralBps(), kappa, "kappa constant between reports");
    }
}
