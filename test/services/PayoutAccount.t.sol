// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev A service's recipient gets an open payout account at registration (its `payouts` slot
/// made non-zero, PAYOUT_OPEN), so a slash's credit and a claim rewrite a slot instead of
/// filling a fresh one; every amount read masks the flag out. Classes A/B/C = 200/150/50 ETH,
/// 16 ETH buffered; one tier-1 service with a 100% max slash; bonded operator 0 (5 ETH bond)
/// and curated operator 0 each secure 96 ETH of it.
contract PayoutAccountTest is ServicesFixture {
    /// @dev PoolStorage's ERC-7201 namespace and `payouts`' slot in it (docs/storage-layout.json).
    bytes32 private constant POOL_STORE = 0x8ef819bb0faa576e739ddbab276786652b946d5774fed7338010953f7fef6b00;
    uint256 private constant PAYOUTS_SLOT = 12;
    uint256 private constant PAYOUT_OPEN = 1 << 255;

    uint256 private svc;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
    }

    function _paramsFor(address r) private view returns (IServiceRegistry.ServiceParams memory p) {
        p = _svcParams(1, 10_000, 1, 10_000);
        p.recipient = r;
    }

    function _payoutWord(address r) private view returns (uint256) {
        bytes32 slot = keccak256(abi.encode(r, uint256(POOL_STORE) + PAYOUTS_SLOT));
        return uint256(vm.load(address(pool), slot));
    }

    function _slash(uint256 moduleId, uint256 bps) private returns (uint256 amount) {
        uint256 id = _slashRequest(svc, moduleId, 0, bps);
        vm.warp(block.timestamp + VETO_WINDOW);
        amount = registry.executeSlash(id);
    }

    function _claim(address r) private returns (uint256 paid) {
        uint256 before = r.balance;
        vm.prank(r);
        uint256 amount = pool.claimServicePayout();
        paid = r.balance - before;
        assertEq(amount, paid, "returned what it sent");
    }

    function test_registerService_opensTheRecipientsPayoutSlot() public {
        address r = makeAddr("newRecipient");
        assertEq(_payoutWord(r), 0, "never opened");
        uint256 total = pool.servicePayoutsTotal();
        vm.expectEmit(address(pool));
        emit ICascadePool.PayoutOpened(r);
        registry.registerService(_paramsFor(r));
        assertEq(_payoutWord(r), PAYOUT_OPEN, "open, nothing credited");
        assertEq(pool.servicePayoutOf(r), 0, "the view reads the amount only");
        assertEq(pool.servicePayoutsTotal(), total, "total unchanged");
        vm.prank(r);
        vm.expectRevert(ICascadePool.NothingToClaim.selector);
        pool.claimServicePayout();
    }

    function test_registerService_secondServiceOfARecipientLeavesItsAccount() public {
        _slash(1, 500); // 4.8 ETH credited to `recipient`
        uint256 word = _payoutWord(recipient);
        vm.recordLogs();
        registry.registerService(_paramsFor(recipient));
        assertEq(_payoutWord(recipient), word, "credit and flag kept");
        assertEq(pool.servicePayoutOf(recipient), 4.8 ether, "credit kept");
        bytes32 opened = ICascadePool.PayoutOpened.selector;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertGt(logs.length, 0, "registered");
        for (uint256 i; i < logs.length; ++i) assertTrue(logs[i].topics[0] != opened, "no event");
    }

    function test_claimServicePayout_paysTheCreditAndKeepsTheSlotOpen() public {
        assertTrue(_payoutWord(recipient) != 0, "open since registration");
        uint256 amount = _slash(1, 500);
        assertEq(amount, 4.8 ether, "5% of 96 ETH, from the bond");
        assertEq(pool.servicePayoutOf(recipient), amount, "credited exactly");
        assertEq(_payoutWord(recipient), PAYOUT_OPEN | amount, "amount below the flag");
        assertEq(_claim(recipient), amount, "claim pays exactly the credit");
        assertEq(pool.servicePayoutOf(recipient), 0, "nothing left");
        assertEq(pool.servicePayoutsTotal(), 0, "total");
        assertEq(_payoutWord(recipient), PAYOUT_OPEN, "the slot stays open");
        vm.prank(recipient);
        vm.expectRevert(ICascadePool.NothingToClaim.selector);
        pool.claimServicePayout();
        // A second slash (the curated operator: classes pay) credits its whole amount.
        uint256 second = _slash(0, 500);
        assertEq(second, 4.8 ether, "5% of 96 ETH, from the classes");
        assertEq(pool.servicePayoutOf(recipient), second, "credited exactly again");
        assertEq(pool.servicePayoutsTotal(), second, "total again");
        assertEq(_claim(recipient), second, "claim pays exactly the second credit");
        assertEq(_payoutWord(recipient), PAYOUT_OPEN, "still open");
    }

    /// After a claim, the next slash's credit rewrites the open slot: no fresh pool slot.
    function test_executeSlash_afterAClaimFillsNoFreshPoolSlot() public {
        _slash(1, 500);
        _claim(recipient);
        uint256 id = _slashRequest(svc, 0, 0, 500);
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 snap = vm.snapshotState();
        vm.record();
        registry.executeSlash(id);
        (, bytes32[] memory writes) = vm.accesses(address(pool));
        bytes32[] memory written = new bytes32[](writes.length);
        for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(pool), writes[i]);
        vm.revertToState(snap);
        for (uint256 i; i < writes.length; ++i)
            assertFalse(vm.load(address(pool), writes[i]) == 0 && written[i] != 0, "a fresh slot");
    }

    function test_openPayout_refusedToAllButTheRegistry() public {
        address[3] memory callers = [stranger, admin, address(accounting)];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, callers[i]));
            pool.openPayout(stranger);
        }
        assertEq(_payoutWord(stranger), 0, "not opened");
        vm.prank(address(registry));
        pool.openPayout(stranger);
        assertEq(_payoutWord(stranger), PAYOUT_OPEN, "the registry opens it");
    }

    function test_burnRecipient_opensNothingAndStillBurns() public {
        uint256 burnSvc = registry.registerService(_paramsFor(address(0)));
        assertEq(_payoutWord(address(0)), 0, "address(0) has no account");
        vm.prank(serviceManager);
        registry.setServiceStatus(burnSvc, IServiceRegistry.ServiceStatus.Active);
        _optIn(burnSvc, 0, 1); // curated operator 1: the classes pay, from buffered
        _allocate(burnSvc, 8 ether, _one(_opKey(0, 1))); // within tier 1's exposure room
        uint256 burnt = address(0).balance;
        uint256 id = _slashRequest(burnSvc, 0, 1, 5_000);
        vm.warp(block.timestamp + VETO_WINDOW);
        uint256 amount = registry.executeSlash(id);
        assertEq(amount, 4 ether, "half of 8 ETH");
        assertEq(address(0).balance - burnt, amount, "burnt at once");
        assertEq(pool.servicePayoutsTotal(), 0, "nothing to claim");
        assertEq(_payoutWord(address(0)), 0, "still no account");
    }
}
