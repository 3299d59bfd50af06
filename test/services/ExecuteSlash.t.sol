// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";
import {Vm} from "forge-std/Vm.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";

/// @dev Classes A/B/C = 200/150/50 ETH, 16 ETH buffered; one tier-1 service with a 100% max
/// slash; bonded operator 0 (5 ETH bond) and curated operator 0 each secure 96 ETH of it.
contract ExecuteSlashTest is ServicesFixture {
    uint256 private svc;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
    }

    function _request(uint256 moduleId, uint256 op, uint256 bps) private returns (uint256 id) {
        vm.prank(slasher);
        id = registry.requestSlash(svc, moduleId, op, bps, bytes32("ev"));
    }

    function _requestAndWait(uint256 moduleId, uint256 op, uint256 bps) private returns (uint256 id) {
        id = _request(moduleId, op, bps);
        vm.warp(block.timestamp + VETO_WINDOW);
    }

    function test_executeSlash_revertsWhileVetoWindowOpen() public {
        uint256 id = _request(1, 0, 500);
        uint256 endsAt = block.timestamp + VETO_WINDOW;
        vm.warp(endsAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.VetoWindowOpen.selector, id, endsAt));
        registry.executeSlash(id);
        assertEq(
            uint8(registry.getSlash(id).status),
            uint8(IServiceRegistry.SlashStatus.Requested),
            "pending"
        );
        assertEq(registry.stakeOf(svc, 1, 0), 96 ether, "stake untouched");
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "bond untouched");
    }

    function test_executeSlash_revertsTwice() public {
        uint256 id = _requestAndWait(1, 0, 500);
        registry.executeSlash(id);
        uint256 payout = pool.servicePayoutOf(recipient);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.SlashNotPending.selector,
                id,
                IServiceRegistry.SlashStatus.Executed
            )
        );
        registry.executeSlash(id);
        assertEq(pool.servicePayoutOf(recipient), payout, "paid once");
    }

    function test_executeSlash_revertsOnUnknownSlash() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownSlash.selector, 0));
        registry.executeSlash(0);
    }

    function test_executeSlash_smallSlashLandsOnBondOnly() public {
        uint256 id = _requestAndWait(1, 0, 500);
        (uint256 a, uint256 b, uint256 c) = _navs();
        vm.expectEmit(address(registry));
        emit IServiceRegistry.SlashExecuted(id, 4.8 ether, 4.8 ether, 0);
        vm.prank(stranger);
        uint256 amount = registry.executeSlash(id);
        assertEq(amount, 4.8 ether, "5% of 96 ETH");
        (uint256 a2, uint256 b2, uint256 c2) = _navs();
        assertEq(a2, a, "A untouched");
        assertEq(b2, b, "B untouched");
        assertEq(c2, c, "C untouched: the bond paid");
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 0.2 ether, "bond charged");
        assertEq(locked, 0, "lock consumed");
        assertEq(registry.stakeOf(svc, 1, 0), 91.2 ether, "slashed stake no longer secures");
        assertEq(registry.getService(svc).allocation, 187.2 ether, "allocation reduced");
        assertEq(pool.debt(), 0, "buffered covered it");
        assertEq(pool.servicePayoutOf(recipient), 4.8 ether, "payout owed");
        uint256 before = recipient.balance;
        vm.prank(recipient);
        assertEq(pool.claimServicePayout(), 4.8 ether, "claimed amount");
        assertEq(recipient.balance - before, 4.8 ether, "recipient paid");
        assertEq(pool.servicePayoutOf(recipient), 0, "nothing left to claim");
        _assertNavWithinPooled("bond-only slash");
    }

    function test_executeSlash_bondThenJuniorThenMezzanineNeverSenior() public {
        uint256 id = _requestAndWait(1, 0, 10_000);
        uint256 pooledBefore = accounting.pooled();
        vm.expectEmit(address(book));
        emit IYieldClasses.ClassLossTaken(1, 41 ether);
        vm.expectEmit(address(book));
        emit IYieldClasses.ClassLossTaken(2, 50 ether);
        uint256 amount = registry.executeSlash(id);
        assertEq(amount, 96 ether, "100% of 96 ETH");
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(c, 0, "C took 50 first");
        assertEq(b, 109 ether, "B took the other 41");
        assertEq(a, 200 ether, "A untouched while B has NAV");
        assertTrue(book.getClass(2).wiped, "C wiped");
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 0, "bond charged first");
        // 16 buffered + 5 bond paid now, 75 owed.
        assertEq(pool.servicePayoutOf(recipient), 21 ether, "paid from buffered");
        assertEq(pool.debt(), 75 ether, "rest recorded as debt");
        assertEq(pool.buffered(), 0, "buffered spent");
        assertEq(pooledBefore - accounting.pooled(), 91 ether, "pool lost the class share only");
        _assertNavWithinPooled("bond + C + B");
    }

    function test_executeSlash_curatedOperatorGoesStraightToJunior() public {
        uint256 id = _requestAndWait(0, 0, 5_000);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.SlashExecuted(id, 48 ether, 0, 48 ether);
        registry.executeSlash(id);
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(c, 2 ether, "C took all 48");
        assertEq(b, 150 ether, "B untouched");
        assertEq(a, 200 ether, "A untouched");
        assertEq(pool.servicePayoutOf(recipient), 16 ether, "buffered paid");
        assertEq(pool.debt(), 32 ether, "debt");
        _assertNavWithinPooled("curated slash");
    }

    /// A first payout (nothing waiting to be claimed) fills no fresh pool slot: the recipient's
    /// account was opened at registration (PAYOUT_OPEN) and the payouts' total shares the
    /// registry-link slot every such call reads.
    function test_executeSlash_firstPayoutFillsNoFreshPoolSlot() public {
        uint256 id = _requestAndWait(1, 0, 500); // 4.8 ETH, from the 5 ETH bond: paid in full
        assertEq(pool.servicePayoutsTotal(), 0, "no payout waiting");
        uint256 snap = vm.snapshotState();
        vm.record();
        registry.executeSlash(id);
        (, bytes32[] memory writes) = vm.accesses(address(pool));
        bytes32[] memory written = new bytes32[](writes.length);
        for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(pool), writes[i]);
        assertEq(pool.servicePayoutsTotal(), 4.8 ether, "total");
        assertEq(pool.servicePayoutOf(recipient), 4.8 ether, "credited");
        (address router_, address accounting_) = pool.links();
        assertEq(accounting_, address(accounting), "accounting link kept");
        assertEq(router_, address(router), "router link kept");
        vm.revertToState(snap);
        uint256 fresh;
        for (uint256 i; i < writes.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) seen = seen || writes[j] == writes[i];
            if (!seen && vm.load(address(pool), writes[i]) == 0 && written[i] != 0) ++fresh;
        }
        assertEq(fresh, 0, "the recipient's credit rewrites its open slot");
    }

    /// An operator never asked to exit before: the slash's exit request fills no fresh module
    /// slot (the operator's third, now `exitRequested` ‖ the parts, is written at its creation:
    /// gas pass "exitword"; one fresh slot before it, three before the fourth slash pass).
    function test_executeSlash_firstExitRequestFillsNoModuleSlot() public {
        uint256 id = _requestAndWait(0, 0, 100);
        (uint256 requested, uint256 deadline) = curated.exitRequestOf(0);
        assertEq(requested + deadline, 0, "never asked to exit");
        uint256 snap = vm.snapshotState();
        vm.record();
        registry.executeSlash(id);
        (, bytes32[] memory writes) = vm.accesses(address(curated));
        bytes32[] memory written = new bytes32[](writes.length);
        for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(curated), writes[i]);
        (uint256[] memory upTo, uint256[] memory deadlines) = curated.exitTranchesOf(0);
        assertEq(upTo.length, 1, "one part");
        assertEq(upTo[0], 3, "every active validator");
        assertEq(deadlines[0], block.timestamp + EXIT_DEADLINE, "its deadline");
        vm.revertToState(snap);
        uint256 fresh;
        for (uint256 i; i < writes.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) seen = seen || writes[j] == writes[i];
            if (!seen && vm.load(address(curated), writes[i]) == 0 && written[i] != 0) ++fresh;
        }
        assertEq(fresh, 0, "no fresh module slot");
    }

    function test_executeSlash_requestsExitsAndCutsReputation() public {
        uint256 id = _requestAndWait(0, 0, 100);
        registry.executeSlash(id);
        assertEq(curated.getOperator(0).exitRequested, 3, "all active validators asked to exit");
        assertEq(curated.getOperator(0).exitDeadline, block.timestamp + EXIT_DEADLINE, "deadline");
        // 1% of 96 ETH over the module's 6 active validators (192 ETH at risk).
        uint256 penalty = (SLASH_PENALTY_BPS * 0.96 ether) / 192 ether;
        assertEq(router.getModule(0).reputationBps, 10_000 - penalty, "module reputation cut in proportion");
        assertEq(router.getModule(1).reputationBps, 10_000, "other module untouched");
    }

    function test_executeSlash_debtRepaidByNextReportBeforeRedemptions() public {
        // A redemption waits in the queue while the slash leaves the router short.
        vm.startPrank(depositor);
        tokens[0].approve(address(queue), type(uint256).max);
        uint256 req = queue.requestRedeem(0, 10 ether, depositor, depositor);
        vm.stopPrank();
        registry.executeSlash(_requestAndWait(0, 0, 5_000));
        assertEq(pool.debt(), 32 ether, "debt after slash");
        // The next report brings 40 ETH of EL rewards: 32 repay the debt first, 8 are left,
        // too little for the ~10 ETH redemption.
        vm.deal(address(elv), 40 ether);
        IAccounting.Report memory r = _neutralReport();
        r.elRewards = 40 ether;
        _submit(r);
        assertEq(pool.debt(), 0, "debt repaid");
        assertEq(pool.servicePayoutOf(recipient), 48 ether, "service paid in full");
        assertEq(pool.buffered(), 8 ether, "what is left after the debt");
        assertFalse(queue.getRequest(req).finalized, "redemption waits behind the debt");
        _assertNavWithinPooled("after repayment");
        // One more report with ETH finalizes it.
        vm.deal(address(elv), 10 ether);
        r = _neutralReport();
        r.elRewards = 10 ether;
        _submit(r);
        assertTrue(queue.getRequest(req).finalized, "finalized once ETH allows");
        _assertNavWithinPooled("after finalization");
    }

    function test_executeSlash_sumNavWithinPooled() public {
        registry.executeSlash(_requestAndWait(1, 0, 3_000));
        _assertNavWithinPooled("first");
        registry.executeSlash(_requestAndWait(0, 0, 7_000));
        _assertNavWithinPooled("second");
        (uint256 a, , ) = _navs();
        assertEq(a, 200 ether, "A untouched");
    }

    /// @dev Finding (fixed): buffered ETH owed to a service as debt was depositable to the
    /// beacon chain, so new validators were funded ahead of the service's claim (DESIGN §6 step 10:
    /// debt first, then redemptions, both before new validators).
    function test_executeSlash_debtKeepsBufferedFromNewValidators() public {
        registry.executeSlash(_requestAndWait(0, 0, 5_000));
        assertEq(pool.debt(), 32 ether, "debt after slash");
        _curatedOperator(curated, 2);
        _depositClass(2, 64 ether);
        assertEq(pool.buffered(), 64 ether, "new money buffered");
        vm.prank(pauser);
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Paused); // all new keys are curated
        (uint256[] memory alloc, ) = router.previewAllocation(1);
        IStakingRouter.ModuleKeys memory mk = _moduleKeysOf(0, alloc[0]);
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.prank(keeper);
        uint256 n = router.depositToBeacon(0, 2, mk, a);
        assertEq(n, 1, "only what exceeds the debt is deposited");
        assertGe(pool.buffered(), pool.debt(), "the debt stays buffered");
        _assertNavWithinPooled("after deposit");
    }

    /// @dev Finding (fixed): the amount was recomputed from stakeOf at execution. Stake removed by
    /// a reallocation is slashable only until `slashingWindow` after the removal, so a slash
    /// requested inside that window but executable (after the veto window) outside it executed
    /// for zero while still exiting the operator's validators.
    function test_executeSlash_deallocatedStakeStaysSlashableForAValidRequest() public {
        _allocate(svc, 96 ether, _one(_opKey(0, 0))); // bonded op 0 removed: 96 ETH pending
        vm.warp(block.timestamp + SLASHING_WINDOW - 1);
        assertEq(registry.stakeOf(svc, 1, 0), 96 ether, "still slashable");
        uint256 id = _requestAndWait(1, 0, 5_000);
        assertEq(registry.stakeOf(svc, 1, 0), 0, "released by now");
        uint256 amount = registry.executeSlash(id);
        assertEq(amount, 48 ether, "slashed on the stake it was requested on");
        assertEq(pool.servicePayoutOf(recipient) + pool.debt(), 48 ether, "service paid or owed");
        _assertNavWithinPooled("late execution");
    }

    function test_executeSlash_requestAfterReleaseFindsNoStake() public {
        _allocate(svc, 96 ether, _one(_opKey(0, 0)));
        vm.warp(block.timestamp + SLASHING_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.NoStake.selector, svc, 1, 0));
        vm.prank(slasher);
        registry.requestSlash(svc, 1, 0, 5_000, bytes32("late"));
    }
    /// @dev Distinct registry slots (proxy included) read by one execution.
    function _registrySlotsRead(uint256 id) private returns (uint256 n) {
        vm.record();
        registry.executeSlash(id);
        (bytes32[] memory reads, ) = vm.accesses(address(registry));
        for (uint256 i; i < reads.length; ++i) {
            bool seen;
            for (uint256 j; j < i && !seen; ++j) seen = reads[j] == reads[i];
            if (!seen) ++n;
        }
    }

    /// @dev The registry's frame of an execution (ungated service, operator without a gated
    /// one) reads 10 slots: the proxy's implementation slot; the registry's first (router,
    /// counts, the number of gated services); the request; the service's parameters with its
    /// allocation (one slot of the record), its recipient; the stake; the operator's gate slot;
    /// the tier's sum; `book` with the slash parameters; the module's record (the bypass pass:
    /// the registry calls the module itself). Not the pending list when the request is the only
    /// one pending (it is the list's first entry), not `services.length` (the request's service
    /// exists), not `maxLoad` nor the service's π (no service is gated: no Sync), not a slot of
    /// the slash parameters' own (15 before the regslash pass, 11 before the allocation joined
    /// the parameters' slot). A bonded operator whose bond covers X.
    function test_executeSlash_bondedReadsOnlyTheSlotsItNeeds() public {
        uint256 id = _requestAndWait(1, 0, 500);
        assertEq(registry.pendingSlashes().length, 1, "the only pending request");
        assertEq(_registrySlotsRead(id), 10, "registry slots read");
    }

    /// @dev 11 for a curated operator (no bond) with a bonded operator's request still pending:
    /// the pending list's slot too (another request is on it), but a bondless module locks no
    /// bond, so the other requests' locks are not read (16 before: that request's slot too).
    function test_executeSlash_curatedReadsNoOtherRequest() public {
        _request(1, 0, 500);
        uint256 id = _requestAndWait(0, 0, 500);
        assertEq(_registrySlotsRead(id), 11, "registry slots read");
    }

    // ----------------------------------------------------------------
    // Moved from its own file (one system-embedding test contract less: the coverage build's
    // output is bounded by the wasm solc's memory, scripts/coverage-build.ts).
    // A service's recipient gets an open payout account at registration (its `payouts` slot
    // made non-zero, PAYOUT_OPEN), so a slash's credit and a claim rewrite a slot instead of
    // filling a fresh one; every amount read masks the flag out. Classes A/B/C = 200/150/50 ETH,
    // 16 ETH buffered; one tier-1 service with a 100% max slash; bonded operator 0 (5 ETH bond)
    // and curated operator 0 each secure 96 ETH of it.

    /// @dev PoolStorage's ERC-7201 namespace and `payouts`' slot in it (docs/storage-layout.json).
    bytes32 private constant POOL_STORE = 0x8ef819bb0faa576e739ddbab276786652b946d5774fed7338010953f7fef6b00;
    uint256 private constant PAYOUTS_SLOT = 12;
    uint256 private constant PAYOUT_OPEN = 1 << 255;

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
