// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {Test} from "forge-std/Test.sol";
import {Accounting} from "../../contracts/Accounting.sol";
import {StakingRouter} from "../../contracts/StakingRouter.sol";
import {ServiceRegistry} from "../../contracts/ServiceRegistry.sol";
import {CascadePool} from "../../contracts/CascadePool.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {MAX_CLASSES} from "../../contracts/libraries/Constants.sol";
import {SystemHandler} from "./SystemHandler.t.sol";

/// @notice System-wide properties (DESIGN §4 Invariant A, §5, §6 steps 7 and 10) under random
/// sequences of deposits, transfers, redemptions, claims, validator deposits, reports, bond
/// top-ups and withdrawals, key additions and the restaked services of §8 (rewards, allocations,
/// slash requests, vetoes, executions, payout claims) driven by SystemHandler.
contract SystemInvariantsTest is Test {
    /// @dev Invariant A allows at most K wei of dust (K = 3 classes).
    uint256 private constant DUST = 3;

    SystemHandler internal handler;
    StakingRouter internal router;
    CascadePool internal pool;
    Accounting internal accounting;
    ServiceRegistry internal registry;

    function setUp() public {
        handler = new SystemHandler();
        (address r, address b, address q, address a) = handler.system();
        router = StakingRouter(payable(r));
        pool = CascadePool(payable(b));
        require(b == q, "the pool is the book and the queue");
        accounting = Accounting(a);
        registry = ServiceRegistry(handler.serviceRegistry());
        bytes4[] memory selectors = new bytes4[](17);
        selectors[0] = SystemHandler.deposit.selector;
        selectors[1] = SystemHandler.transfer.selector;
        selectors[2] = SystemHandler.requestRedeem.selector;
        selectors[3] = SystemHandler.claim.selector;
        selectors[4] = SystemHandler.stake.selector;
        selectors[5] = SystemHandler.topUpBond.selector;
        selectors[6] = SystemHandler.report.selector;
        selectors[7] = SystemHandler.deposit.selector; // deposits twice as likely
        selectors[8] = SystemHandler.withdrawBond.selector;
        selectors[9] = SystemHandler.addKeys.selector;
        selectors[10] = SystemHandler.payRewards.selector;
        selectors[11] = SystemHandler.setAllocation.selector;
        selectors[12] = SystemHandler.requestSlash.selector;
        selectors[13] = SystemHandler.vetoSlash.selector;
        selectors[14] = SystemHandler.executeSlash.selector;
        selectors[15] = SystemHandler.claimServicePayout.selector;
        selectors[16] = SystemHandler.setAllocation.selector; // slashes need stake: allocate often
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_navSumEqualsPooled() public view {
        uint256 navs = pool.totalNav();
        // The pool keeps the total in its hot slot (the cover check reads it): it must equal the
        // sum of the class NAVs after every action.
        uint256[] memory each = pool.navs();
        uint256 sum;
        for (uint256 k; k < each.length; ++k) sum += each[k];
        assertEq(navs, sum, "cached total NAV == sum of class NAVs");
        uint256 pooled = accounting.pooled();
        assertLe(navs, pooled, "sum of navs never above pooled");
        assertLe(pooled - navs, DUST, "pooled - sum of navs <= K wei");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_poolBalanceCoversBuffered() public view {
        // The pool also holds the ETH of finalized redemptions, the slashed ETH owed to service
        // recipients until they claim it and the service rewards no report has booked yet; the
        // router holds none between calls.
        assertGe(
            address(pool).balance,
            pool.buffered() + pool.reserved() + pool.servicePayoutsTotal() + pool.unbookedServiceRewards(),
            "pool ETH >= buffered + reserved + service payouts + unbooked service rewards"
        );
        assertEq(address(router).balance, 0, "the router keeps no ETH between calls");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_serviceRewardsHeldByPool() public view {
        // Service rewards go to the pool as they are paid: the registry keeps no ETH, and the
        // pool's unbooked counter is exactly the registry's pending per-tier totals.
        assertEq(address(registry).balance, 0, "the registry keeps no ETH");
        uint256 pending;
        for (uint256 t = 1; t < MAX_CLASSES; ++t) {
            (uint256 p, ) = registry.tierTotals(t);
            pending += p;
        }
        assertEq(pool.unbookedServiceRewards(), pending, "unbooked service rewards == registry pending");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_queueBalanceCoversReserved() public view {
        uint256 reserved = pool.reserved();
        assertGe(address(pool).balance, reserved, "pool ETH >= reserved");
        uint256 claimable;
        uint256 n = handler.requestCount();
        for (uint256 i; i < n; ++i) {
            IWithdrawalQueue.Request memory r = pool.getRequest(handler.requestIdAt(i));
            if (r.finalized && !r.claimed) claimable += r.assets;
        }
        assertLe(claimable, reserved, "total claimable <= reserved");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_lossesJuniorFirst() public view {
        assertEq(handler.juniorFirstViolations(), 0, "a class lost NAV while a more junior class had some");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_priceNeverDropsOnDepositOrRequest() public view {
        assertEq(handler.priceDrops(), 0, "a deposit or a request lowered a class price");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_claimsPayLockedAmountOnce() public view {
        assertEq(handler.doubleClaims(), 0, "a request was paid twice");
        assertEq(handler.wrongClaimAmounts(), 0, "a claim paid other than its locked amount");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_vetoedSlashNeverExecutes() public view {
        assertEq(handler.vetoedExecutions(), 0, "executeSlash went through on a vetoed request");
        uint256 n = handler.vetoedCount();
        for (uint256 i; i < n; ++i) {
            IServiceRegistry.SlashRequest memory r = registry.getSlash(handler.vetoedIdAt(i));
            assertEq(
                uint256(r.status),
                uint256(IServiceRegistry.SlashStatus.Vetoed),
                "a vetoed slash changed status"
            );
        }
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_serviceLossesOnlyExposedClasses() public view {
        assertEq(
            handler.exposedViolations(),
            0,
            "a slash hit a class below its tier while an exposed class had NAV"
        );
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_lockedBondNeverWithdrawable() public view {
        (uint256 bond, uint256 locked) = handler.bondedBond();
        // Every lock belongs to one pending request: reports never consume it.
        uint256[] memory pending = registry.pendingSlashes();
        uint256 held;
        for (uint256 i; i < pending.length; ++i) {
            IServiceRegistry.SlashRequest memory r = registry.getSlash(pending[i]);
            if (r.moduleId == 1) held += r.lockedBond;
        }
        assertEq(locked, held, "the lock is exactly what the pending requests locked");
        assertLe(handler.withdrawableBond(), bond - locked, "a locked bond is never withdrawable");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_reputationMovesOnlyWithSlashedAmounts() public view {
        assertEq(
            handler.reputationViolations(),
            0,
            "a slash moved reputation other than by slashed / at risk"
        );
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_bondChargedBeforeClasses() public view {
        assertEq(
            handler.bondOrderViolations(),
            0,
            "classes lost more than what exceeded the operator's bond"
        );
    }

    /// Issue 12 finding 9: the bond that counts for κ only rises at a report (a top-up, flash or
    /// not, counts from the next one) and never exceeds the bond actually held.
    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 128
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_kappaBondOnlyRisesAtReports() public view {
        assertEq(handler.kappaBondRaisedOutsideReport(), 0, "kappa's bond rose outside a report");
        BondedModule b = BondedModule(payable(handler.bondedModule()));
        assertLe(b.kappaBond(), b.totalBond(), "kappa's bond above the bond held");
    }
}
