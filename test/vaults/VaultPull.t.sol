// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {RewardsVault, WithdrawalVault, ExecutionRewardsVault} from "../../contracts/vaults/RewardsVault.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @dev A contract posing as a vault: pays the pool whatever it is told to, or less.
contract FakeVault__Mock {
    address internal immutable POOL;
    uint256 internal immutable SHORT;

    constructor(address pool, uint256 short) payable {
        POOL = pool;
        SHORT = short;
    }

    function payPool(uint256 amount) external {
        (bool ok, ) = POOL.call{value: amount - SHORT}("");
        require(ok, "pay failed");
    }

    /// @dev Pays the pool on its own initiative (a donation): the pool must refuse it.
    function donate(uint256 amount) external {
        (bool ok, bytes memory ret) = POOL.call{value: amount}("");
        if (!ok)
            assembly {
                revert(add(ret, 32), mload(ret))
            }
    }
}

/// @notice The vaults pay the pool directly during a report (one value transfer per vault, none
/// through the router): only the pool can make a vault pay, only into itself, only while the
/// router has it pull; no one else can put ETH into the pool's book this way.
contract VaultPullTest is SystemFixture {
    function setUp() public {
        _deploySystem();
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        _seedClasses();
        _stake(2);
        vm.warp(block.timestamp + 30 days);
    }

    // ---------------------------------------------------------------- the report's path

    function test_report_pullsVaultEthStraightIntoThePool() public {
        vm.deal(address(elv), 0.3 ether);
        vm.deal(address(wv), 2 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 0.2 ether;
        r.modules[0].withdrawn = 1 ether;
        r.modules[0].clBalance -= 1 ether;
        uint256 routerBefore = address(router).balance;
        uint256 poolBefore = address(pool).balance;
        uint256 bufferedBefore = pool.buffered();
        vm.expectEmit(address(wv));
        emit RewardsVault.Withdrawn(1 ether);
        vm.expectEmit(address(elv));
        emit RewardsVault.Withdrawn(0.2 ether);
        // One booking for both vaults.
        vm.expectEmit(address(pool));
        emit ICascadePool.BufferedChanged(bufferedBefore + 1.2 ether);
        _applyDirect(r);
        assertEq(address(wv).balance, 1 ether, "withdrawal vault paid exactly `withdrawn`");
        assertEq(address(elv).balance, 0.1 ether, "EL vault paid exactly elRewards");
        assertEq(address(router).balance, routerBefore, "nothing passed through the router");
        // The report may spend buffered afterwards (redemptions), never below what it pulled in.
        assertGe(address(pool).balance, poolBefore, "the pool holds the pulled ETH");
    }

    function test_report_pullsNothingWhenNothingClaimed() public {
        vm.deal(address(elv), 0.3 ether);
        vm.deal(address(wv), 2 ether);
        _applyDirect(_emptyReport());
        assertEq(address(wv).balance, 2 ether, "withdrawal vault untouched");
        assertEq(address(elv).balance, 0.3 ether, "EL vault untouched");
    }

    // ---------------------------------------------------------------- the vault

    function test_payPool_refusesEveryoneButThePool() public {
        vm.deal(address(elv), 1 ether);
        vm.deal(address(wv), 1 ether);
        address[4] memory callers = [stranger, address(router), address(accounting), address(oracle)];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(RewardsVault.NotPool.selector, callers[i]));
            elv.payPool(1 ether);
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(RewardsVault.NotPool.selector, callers[i]));
            wv.payPool(1 ether);
        }
        assertEq(address(elv).balance, 1 ether, "EL vault kept its ETH");
        assertEq(address(wv).balance, 1 ether, "withdrawal vault kept its ETH");
    }

    function test_payPool_paysOnlyThePoolItWasBuiltWith() public {
        assertEq(elv.POOL(), address(pool), "EL vault's payee");
        assertEq(wv.POOL(), address(pool), "withdrawal vault's payee");
        // The pool itself calling outside a pull: the pool's receive refuses the ETH.
        vm.deal(address(elv), 1 ether);
        vm.prank(address(pool));
        vm.expectRevert(abi.encodeWithSelector(RewardsVault.EthTransferFailed.selector, 1 ether));
        elv.payPool(1 ether);
        assertEq(address(elv).balance, 1 ether, "kept");
    }

    function test_vaults_revertOnZeroPool() public {
        vm.expectRevert(RewardsVault.ZeroPool.selector);
        new ExecutionRewardsVault(address(router), address(0));
        vm.expectRevert(RewardsVault.ZeroPool.selector);
        new WithdrawalVault(address(router), address(0), makeAddr("predeploy"));
        vm.expectRevert(RewardsVault.ZeroRouter.selector);
        new ExecutionRewardsVault(address(0), address(pool));
    }

    // ---------------------------------------------------------------- the pool

    /// @dev Exactly one caller: Accounting. The router (which used to pull), the registry, the
    /// oracle, the vaults themselves and a stranger are all refused.
    function test_pullFromVaults_refusesEveryoneButAccounting() public {
        _deployServiceRegistry(15_000);
        vm.deal(address(elv), 1 ether);
        vm.deal(address(wv), 1 ether);
        address[6] memory callers = [
            address(router),
            address(registry),
            address(oracle),
            stranger,
            address(elv),
            address(wv)
        ];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, callers[i]));
            pool.pullFromVaults(address(wv), 1 ether, address(elv), 1 ether);
        }
        assertEq(address(elv).balance, 1 ether, "nothing pulled from the EL vault");
        assertEq(address(wv).balance, 1 ether, "nothing pulled from the withdrawal vault");
    }

    /// @dev Whoever calls, the refusal is the same: only Accounting's address passes.
    function testFuzz_pullFromVaults_refusesAnyoneButAccounting(address caller) public {
        vm.assume(caller != address(accounting));
        vm.deal(address(elv), 1 ether);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, caller));
        pool.pullFromVaults(address(wv), 0, address(elv), 1 ether);
        assertEq(address(elv).balance, 1 ether, "nothing pulled");
    }

    /// @dev Accounting itself may pull (the report's path), and the report names the vaults it
    /// was built with: its immutables, the router's vaults.
    function test_accounting_namesTheRoutersVaults() public {
        (, , address routerWv, address routerElv) = router.addresses();
        assertEq(accounting.WITHDRAWAL_VAULT(), routerWv, "withdrawal vault");
        assertEq(accounting.EL_VAULT(), routerElv, "EL vault");
        vm.deal(address(elv), 1 ether);
        uint256 buffered = pool.buffered();
        vm.prank(address(accounting));
        pool.pullFromVaults(address(wv), 0, address(elv), 1 ether);
        assertEq(pool.buffered(), buffered + 1 ether, "booked");
    }

    /// @dev The report pulls through one Accounting → pool call with the report's sums; the router
    /// makes none (it only books the words).
    function test_report_accountingPullsTheReportsSums() public {
        vm.deal(address(elv), 0.3 ether);
        vm.deal(address(wv), 2 ether);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = 0.2 ether;
        r.modules[0].withdrawn = 0.5 ether;
        r.modules[0].clBalance -= 0.5 ether;
        r.modules[1].withdrawn = 0.25 ether;
        r.modules[1].clBalance -= 0.25 ether;
        vm.expectCall(
            address(pool),
            abi.encodeCall(ICascadePool.pullFromVaults, (address(wv), 0.75 ether, address(elv), 0.2 ether)),
            1
        );
        _applyDirect(r);
        assertEq(address(wv).balance, 1.25 ether, "withdrawal vault paid exactly the sum withdrawn");
        assertEq(address(elv).balance, 0.1 ether, "EL vault paid exactly elRewards");
    }

    /// @dev §9's vault checks read Accounting's own vaults: a report claiming more than either
    /// vault holds is refused, with the vault's balance.
    function test_report_refusesMoreThanTheVaultsHold() public {
        vm.deal(address(elv), 0.3 ether);
        vm.deal(address(wv), 0.5 ether);
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].withdrawn = 1 ether;
        r.modules[0].clBalance -= 1 ether;
        vm.expectRevert(abi.encodeWithSelector(IAccounting.WithdrawnAboveVault.selector, 1 ether, 0.5 ether));
        _applyDirect(r);
        r = _emptyReport();
        r.elRewards = 0.4 ether;
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.ElRewardsAboveVault.selector, 0.4 ether, 0.3 ether)
        );
        _applyDirect(r);
    }

    function test_receive_refusesDonations() public {
        uint256 buffered = pool.buffered();
        uint256 navs = book.totalNav();
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        (bool ok, bytes memory ret) = address(pool).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH refused");
        assertEq(
            ret,
            abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, stranger),
            "NotAuthorized"
        );
        // A contract posing as a vault, outside a pull.
        FakeVault__Mock fake = new FakeVault__Mock{value: 1 ether}(address(pool), 0);
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, address(fake)));
        fake.donate(1 ether);
        // A real vault's own receive cannot be turned into a payment either: only payPool pays.
        assertEq(pool.buffered(), buffered, "buffered unchanged");
        assertEq(book.totalNav(), navs, "no value minted");
    }

    function test_receive_refusesAnotherSenderDuringAPull() public {
        // While Accounting pulls from `fake`, only `fake` may pay: a second contract paying in
        // the same window (here the fake re-entering through another fake) is refused.
        FakeVault__Mock other = new FakeVault__Mock{value: 1 ether}(address(pool), 0);
        Reenter__Mock fake = new Reenter__Mock{value: 1 ether}(address(pool), address(other));
        vm.prank(address(accounting));
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, address(other)));
        pool.pullFromVaults(address(fake), 1 ether, address(0), 0);
    }

    function test_pullFromVaults_revertsWhenLessArrives() public {
        // A vault that pays less than asked cannot get the full amount booked.
        FakeVault__Mock fake = new FakeVault__Mock{value: 1 ether}(address(pool), 1);
        uint256 buffered = pool.buffered();
        vm.prank(address(accounting));
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalQueue.EthTransferFailed.selector, address(pool), 1 ether)
        );
        pool.pullFromVaults(address(fake), 1 ether, address(0), 0);
        assertEq(pool.buffered(), buffered, "nothing booked");
    }

    function test_pullFromVaults_booksExactlyWhatArrived() public {
        FakeVault__Mock fake = new FakeVault__Mock{value: 1 ether}(address(pool), 0);
        vm.deal(address(elv), 0.5 ether);
        uint256 buffered = pool.buffered();
        vm.prank(address(accounting));
        pool.pullFromVaults(address(fake), 0.7 ether, address(elv), 0.5 ether);
        assertEq(pool.buffered(), buffered + 1.2 ether, "both pulls booked");
        assertEq(address(elv).balance, 0, "EL vault emptied");
        // The window closed with the call: the same fake cannot pay on its own now.
        vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, address(fake)));
        fake.donate(0.1 ether);
    }
}

/// @dev A "vault" that, asked to pay, has another contract pay the pool instead.
contract Reenter__Mock {
    address internal immutable POOL;
    FakeVault__Mock internal immutable OTHER;

    constructor(address pool, address other) payable {
        POOL = pool;
        OTHER = FakeVault__Mock(other);
    }

    function payPool(uint256 amount) external {
        OTHER.donate(amount);
    }
}
