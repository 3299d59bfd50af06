// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Vm} from "forge-std/Vm.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// The path of an executed slash (issue 16): the registry books it itself, with one module call
/// (the bond and the operator's exits), one pool call (the classes and the payout) and a router
/// call only for a non-zero reputation penalty; no hop through Accounting, the ExitManager or
/// (for the bond) the router. Each callee it reaches takes the call from the registry (or the one
/// other caller it still needs) and from no one else. Calls are named by their signatures so
/// this file also builds against the contracts before the change (where it fails).
contract SlashPathTest is ServicesFixture {
    string private constant PENALIZE_SLASH = "penalizeSlash(uint256,uint256,uint256)";
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ServiceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant REGISTRY_SLOT =
        0x28ee7fe59a7b6ead640897f70b83a0d46f0b4db055689561f4eab42784d13000;
    string private constant ON_SLASH = "onSlash(uint256,uint256,uint256,uint256,address)";
    string private constant SETTLE_SLASH = "settleSlash(address,uint256,uint256,uint256)";
    string private constant SET_SLASH_PARAMS = "setSlashParams(address,uint256,uint256)";

    uint256 private svc;
    address private hostileService = makeAddr("hostileService");

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
    }

    function _requestAndWait(uint256 moduleId, uint256 op, uint256 bps) private returns (uint256 id) {
        vm.prank(slasher);
        id = registry.requestSlash(svc, moduleId, op, bps, bytes32("ev"));
        vm.warp(block.timestamp + VETO_WINDOW);
    }

    /// Everyone a hostile party could be: anyone, the service's slasher and recipient, both
    /// operators' managers, and the contracts that are not the one allowed caller.
    function _hostiles() private view returns (address[6] memory) {
        return [stranger, slasher, recipient, hostileService, _managerOf(1, 0), _managerOf(0, 0)];
    }

    /// @dev Every caller a registry-only entry refuses: the hostile callers, the ExitManager,
    /// Accounting, the router and both modules.
    function _notTheRegistry() private view returns (address[] memory callers) {
        address[6] memory h = _hostiles();
        callers = new address[](11);
        for (uint256 i; i < 6; ++i) callers[i] = h[i];
        (callers[6], callers[7], callers[8]) = (address(exits), address(accounting), address(router));
        (callers[9], callers[10]) = (address(bonded), address(curated));
    }

    function _expectRefused(address callee, bytes memory data, address caller, bytes memory err) private {
        vm.prank(caller);
        (bool ok, bytes memory ret) = callee.call(data);
        assertFalse(ok, "refused");
        assertEq(ret, err, "with the access error");
    }

    function _unauthorized(address caller, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role);
    }

    function test_executeSlash_makesNoCallToAccounting() public {
        uint256 id = _requestAndWait(1, 0, 10_000); // bond, then classes C and B
        vm.expectCall(address(accounting), bytes(""), 0);
        registry.executeSlash(id);
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 0, "bond charged first");
        (, , uint256 c) = _navs();
        assertEq(c, 0, "class C took its share");
    }

    /// Bonded operator (lock released, bond charged, classes, penalty): one module call, one
    /// pool call and the router only for the penalty, and none of the separate calls the
    /// Accounting hop made.
    function test_executeSlash_callsTheModuleThePoolAndTheRouterForThePenalty() public {
        uint256 id = _requestAndWait(1, 0, 10_000);
        vm.expectCall(address(bonded), abi.encodeWithSignature(ON_SLASH), 1);
        vm.expectCall(address(book), abi.encodeWithSignature(SETTLE_SLASH), 1);
        vm.expectCall(address(router), abi.encodeWithSignature(PENALIZE_SLASH), 1);
        vm.expectCall(
            address(router),
            abi.encodeWithSignature("chargeOperatorBond(uint256,uint256,uint256)"),
            0
        );
        vm.expectCall(
            address(router),
            abi.encodeWithSignature("unlockOperatorBond(uint256,uint256,uint256)"),
            0
        );
        vm.expectCall(address(router), abi.encodeWithSignature("penalizeReputation(uint256,uint256)"), 0);
        vm.expectCall(address(router), abi.encodeWithSignature("moduleAndStake(uint256)", 1), 0); // no ExitManager lookup
        registry.executeSlash(id);
        assertLt(router.getModule(1).reputationBps, 10_000, "penalty applied");
        assertEq(registry.slashingModule(), address(0), "no module named after the slash");
        assertEq(bonded.getOperator(0).exitRequested, bonded.activeValidatorsOf(0), "exits requested");
    }

    /// The registry asks the router for a penalty only when ⌊penaltyBps·slashed/(active·32 ETH)⌋
    /// is non-zero, by the module's count (the router's): curated operator 0, 6 validators
    /// (192 ETH) at risk and a 10 % penalty. 0.2 % of its 96 ETH (0.192 ETH) is exactly 1 bps
    /// and is applied; then 0.19 % of the 95.808 ETH left (0.182035… ETH) rounds to no penalty
    /// and makes no router call at all.
    function test_executeSlash_callsTheRouterOnlyForANonZeroPenalty() public {
        assertEq(curated.activeValidators() * 32 ether, 192 ether, "192 ETH at risk");
        uint256 exact = _requestAndWait(0, 0, 20);
        vm.expectCall(
            address(router),
            abi.encodeWithSignature(PENALIZE_SLASH, 0, 0.192 ether, SLASH_PENALTY_BPS),
            1
        );
        assertEq(registry.executeSlash(exact), 0.192 ether, "the first slash");
        assertEq(router.getModule(0).reputationBps, 10_000 - 1, "1 bps, as the router computes it");
        uint256 small = _requestAndWait(0, 0, 19);
        vm.expectCall(address(router), abi.encodeWithSignature(PENALIZE_SLASH), 0);
        uint256 x = registry.executeSlash(small);
        assertEq(x, (95.808 ether * 19) / 10_000, "the second slash");
        assertEq((SLASH_PENALTY_BPS * x) / 192 ether, 0, "a penalty that rounds to zero");
        assertEq(router.getModule(0).reputationBps, 10_000 - 1, "no further penalty");
    }

    /// Any slash size and any penalty setting: the module's reputation after the execution is
    /// exactly the router's ⌊penaltyBps·slashed/(active·32 ETH)⌋ (capped at penaltyBps), and the
    /// router is called if and only if that figure is non-zero: the registry's check never skips
    /// a penalty, nor calls the router for nothing. Curated operator 0: 6 validators (192 ETH)
    /// at risk, 96 ETH of stake, classes large enough to absorb the whole slash.
    function testFuzz_executeSlash_penaltyIsTheRoutersFormula(uint256 bps, uint256 penaltyBps) public {
        bps = bound(bps, 1, 10_000);
        penaltyBps = bound(penaltyBps, 0, 10_000);
        IAccounting.Params memory p = accounting.params();
        p.slashPenaltyBps = uint16(penaltyBps);
        vm.prank(admin);
        accounting.setParams(p);
        uint256 id = _requestAndWait(0, 0, bps);
        uint256 x = (96 ether * bps) / 10_000;
        uint256 atRisk = 192 ether;
        uint256 expected = atRisk <= x ? penaltyBps : (penaltyBps * x) / atRisk;
        vm.expectCall(address(router), abi.encodeWithSignature(PENALIZE_SLASH), expected == 0 ? 0 : 1);
        assertEq(registry.executeSlash(id), x, "the slash");
        assertEq(
            router.getModule(0).reputationBps,
            (10_000 * (10_000 - expected)) / 10_000,
            "the router's penalty, applied once"
        );
    }

    /// One module call per slash: the registry's `onSlash` unlocks, charges and asks the exits;
    /// nothing reaches the ExitManager, and the module gets none of the separate calls.
    function test_executeSlash_booksTheModuleInOneCall() public {
        uint256 id = _requestAndWait(1, 0, 10_000);
        vm.expectCall(address(exits), bytes(""), 0);
        vm.expectCall(address(bonded), abi.encodeWithSignature(ON_SLASH), 1);
        vm.expectCall(address(bonded), abi.encodeWithSignature("unlockBond(uint256,uint256)"), 0);
        vm.expectCall(address(bonded), abi.encodeWithSignature("chargeBond(uint256,uint256)"), 0);
        registry.executeSlash(id);
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 0, "bond charged first");
        assertEq(locked, 0, "lock released");
        assertEq(bonded.getOperator(0).exitRequested, bonded.activeValidatorsOf(0), "exits requested");
        assertEq(bonded.getOperator(0).exitDeadline, block.timestamp + EXIT_DEADLINE, "by the exit deadline");
    }

    /// The bond charge goes module → pool in one plain value call (the pool's `receive`, from
    /// the module the registry names while it slashes), never through the router, and the pool
    /// is entered once more per slash (`settleSlash`: the charge booked, the classes, the
    /// payout), not through `bookBondCover`, `applySlashLoss`, `payServiceSlash`,
    /// `receiveBondCover` or `bookInflow`.
    function test_executeSlash_entersThePoolOnceWithTheBond() public {
        uint256 id = _requestAndWait(1, 0, 10_000);
        uint256 held = address(book).balance;
        (uint256 bond, ) = bonded.bondOf(0);
        vm.expectCall(address(book), bond, bytes(""), 1); // the module's send, and only it
        vm.expectCall(address(router), bond, bytes(""), 0); // the router moves no ETH
        vm.expectCall(address(router), abi.encodeWithSignature("receiveBondCover()"), 0);
        vm.expectCall(address(book), 0, abi.encodeWithSignature(SETTLE_SLASH), 1);
        vm.expectCall(address(book), abi.encodeWithSignature("bookInflow()"), 0);
        vm.expectCall(address(book), abi.encodeWithSignature("bookBondCover()"), 0);
        vm.expectCall(address(book), abi.encodeWithSignature("applySlashLoss(uint256,uint256)"), 0);
        vm.expectCall(address(book), abi.encodeWithSignature("payServiceSlash(address,uint256)"), 0);
        registry.executeSlash(id);
        assertEq(address(book).balance, held + bond, "the charge is in the pool (the payout is a credit)");
        assertEq(address(router).balance, 0, "nothing left in the router");
    }

    /// A slash the bond covers moves buffered in and out by the same amount: the pool writes
    /// it not at all (no BufferedChanged) and credits the recipient the whole slash.
    function test_executeSlash_bondOnlyLeavesBufferedUnwritten() public {
        uint256 id = _requestAndWait(1, 0, 100); // 1 %: within the 5 ETH bond
        uint256 buffered = book.buffered();
        uint256 payout = book.servicePayoutOf(recipient);
        vm.recordLogs();
        uint256 amount = registry.executeSlash(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i)
            if (logs[i].emitter == address(book))
                assertTrue(logs[i].topics[0] != keccak256("BufferedChanged(uint256)"), "no BufferedChanged");
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 5 ether - amount, "the bond paid it all");
        assertEq(book.buffered(), buffered, "buffered unchanged");
        assertEq(book.servicePayoutOf(recipient), payout + amount, "the recipient credited");
    }

    /// ETH a stranger leaves in the router (its open `receive`) is neither counted as a bond
    /// charge nor forwarded by a slash: the charge goes from the module to the pool, which
    /// counts only what it received from that module.
    function test_executeSlash_leavesStrayRouterEthAlone() public {
        vm.deal(stranger, 3 ether);
        vm.prank(stranger);
        (bool sent, ) = address(router).call{value: 3 ether}("");
        assertTrue(sent, "stray ETH accepted");
        uint256 id = _requestAndWait(1, 0, 10_000);
        uint256 held = address(book).balance;
        (uint256 bond, ) = bonded.bondOf(0);
        registry.executeSlash(id);
        assertEq(address(router).balance, 3 ether, "stray ETH stays in the router");
        assertEq(address(book).balance, held + bond, "only the charge reached the pool");
    }

    /// The pool's slash entry takes the registry only: anyone else, the router, Accounting and
    /// the modules included, is refused (with ETH attached or not), and nothing moves.
    function test_settleSlash_revertsForAnyoneButTheRegistry() public {
        bytes memory data = abi.encodeWithSignature(SETTLE_SLASH, stranger, 1 ether, 0, 0);
        address[] memory callers = _notTheRegistry();
        uint256 buffered = book.buffered();
        (uint256 navA, uint256 navB, uint256 navC) = _navs();
        for (uint256 i; i < callers.length + 2; ++i) {
            address caller =
                i < callers.length
                    ? callers[i]
                    : i == callers.length
                        ? address(bonded)
                        : address(curated);
            bytes memory err = abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, caller);
            vm.deal(caller, 1 ether);
            vm.prank(caller);
            (bool ok, ) = address(book).call{value: 1 ether}(data);
            assertFalse(ok, "refused with ETH (not payable)");
            _expectRefused(address(book), data, caller, err);
        }
        assertEq(book.buffered(), buffered, "buffered untouched");
        (uint256 a, uint256 b, uint256 c) = _navs();
        assertEq(a + b + c, navA + navB + navC, "no class lost");
        assertEq(book.servicePayoutOf(stranger), 0, "nothing paid");
    }

    /// A module the registry recorded that turns hostile (a bad upgrade, say) and lies about
    /// its charge cannot make the pool book ETH that did not arrive from it (here: stray ETH
    /// held by the router, or sent to the router instead of the pool), nor keep unbooked ETH it
    /// did send, nor re-enter the router or the pool from `onSlash`; the request stays pending.
    function test_executeSlash_refusesAHostileModule() public {
        vm.deal(address(router), 5 ether); // stray ETH a lying module might try to book
        // Returns a charge it never sent.
        HostileSlashModule h = _hostile(HostileSlashModule.Mode.Pay, 0, 1 ether);
        _expectRefused(h, _transferFailed(1 ether));
        // Returns more than it sent.
        h = _hostile(HostileSlashModule.Mode.Pay, 1 ether, 2 ether);
        _expectRefused(h, _transferFailed(2 ether));
        // Sends without returning it.
        h = _hostile(HostileSlashModule.Mode.Pay, 1 ether, 0);
        _expectRefused(h, _transferFailed(0));
        // Sends the charge to the router (the old path), not to the pool.
        h = _hostile(HostileSlashModule.Mode.PayRouter, 1 ether, 1 ether);
        _expectRefused(h, _transferFailed(1 ether));
        // Re-enters the router, or the pool with the ETH it would send.
        h = _hostile(HostileSlashModule.Mode.ReenterRouter, 0, 0);
        _expectRefused(h, _unauthorized(address(h), router.SERVICES_ROLE()));
        h = _hostile(HostileSlashModule.Mode.ReenterPool, 1 ether, 1 ether);
        _expectRefused(h, abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, address(h)));
        assertEq(address(router).balance, 5 ether, "the router's ETH untouched");
        assertEq(registry.slashingModule(), address(0), "no module named after the slashes");
        assertEq(book.servicePayoutOf(recipient), 0, "nothing paid");
        assertEq(
            uint8(registry.getSlash(hostileSlash).status),
            uint8(IServiceRegistry.SlashStatus.Requested),
            "still pending"
        );
        // The same module, honest (sends what it returns), is booked: the pool gets the ETH.
        uint256 held = address(book).balance;
        (bool ok, bytes memory ret) = _slashThrough(_hostile(HostileSlashModule.Mode.Pay, 1 ether, 1 ether));
        assertTrue(ok, "an honest charge passes");
        assertEq(address(book).balance, held + 1 ether, "the charge reached the pool");
        assertEq(
            book.servicePayoutOf(recipient),
            abi.decode(ret, (uint256)),
            "and paid the recipient the slash"
        );
        assertEq(address(router).balance, 5 ether, "the router's own ETH still untouched");
    }

    /// The pool's `EthTransferFailed(pool, bond)`: the module's charge did not arrive as returned.
    function _transferFailed(uint256 bond) private view returns (bytes memory) {
        return abi.encodeWithSelector(IWithdrawalQueue.EthTransferFailed.selector, address(book), bond);
    }

    /// The pool's `receive` takes a bond charge only from the module the registry is slashing,
    /// while it slashes: outside a slash, a registered module (bonded, curated), the router, the
    /// registry and a stranger are all refused, and the registry names no module.
    function test_poolReceive_takesABondOnlyFromTheModuleBeingSlashed() public {
        address[5] memory senders = [
            address(bonded),
            address(curated),
            address(router),
            address(registry),
            stranger
        ];
        uint256 held = address(book).balance;
        for (uint256 i; i < senders.length; ++i) {
            vm.deal(senders[i], senders[i].balance + 1 ether); // the modules keep their bonds
            vm.prank(senders[i]);
            (bool ok, bytes memory ret) = address(book).call{value: 1 ether}("");
            assertFalse(ok, "refused");
            assertEq(
                ret,
                abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, senders[i]),
                "NotAuthorized"
            );
        }
        assertEq(address(book).balance, held, "no ETH joined the pool");
        assertEq(registry.slashingModule(), address(0), "no module named outside a slash");
        // During a slash the bonded module's charge is taken (the execution above succeeds).
        uint256 id = _requestAndWait(1, 0, 10_000);
        (uint256 bond, ) = bonded.bondOf(0);
        registry.executeSlash(id);
        assertEq(address(book).balance, held + bond, "the slashed module's charge arrived");
        assertEq(registry.slashingModule(), address(0), "and the name cleared after it");
    }

    uint256 private hostileSlash = type(uint256).max;
    bytes32 private curatedRecord; // the registry's slot of modules[0], found once

    /// A fresh hostile module with 10 ETH to send, put in the registry's record of module 0
    /// (the curated module) as if the module behind that id had been replaced.
    function _hostile(
        HostileSlashModule.Mode mode,
        uint256 send,
        uint256 ret
    ) private returns (HostileSlashModule h) {
        h = new HostileSlashModule(address(router), address(book), mode, send, ret);
        vm.deal(address(h), 10 ether);
        if (curatedRecord == 0) curatedRecord = _moduleRecordSlot(0);
        vm.store(address(registry), curatedRecord, bytes32(uint256(uint160(address(h)))));
    }

    /// The registry's slot recording module `moduleId`'s address (`modules[moduleId]`), found
    /// by the curated module's record (module 0 is recorded at setUp's opt-in).
    function _moduleRecordSlot(uint256 moduleId) private view returns (bytes32) {
        bytes32 curatedWord = bytes32(uint256(uint160(address(curated))));
        for (uint256 field; field < 1024; ++field) {
            bytes32 slot = keccak256(abi.encode(uint256(0), REGISTRY_SLOT + field));
            if (vm.load(address(registry), slot) == curatedWord)
                return keccak256(abi.encode(moduleId, REGISTRY_SLOT + field));
        }
        revert("modules mapping not found");
    }

    function _expectRefused(HostileSlashModule h, bytes memory err) private {
        uint256 buffered = book.buffered();
        (bool ok, bytes memory data) = _slashThrough(h);
        assertFalse(ok, "refused");
        assertEq(data, err, "with the expected error");
        assertEq(book.buffered(), buffered, "nothing booked");
    }

    /// Executes one pending slash of curated operator 0 (1.05 % of its 96 ETH: 1.008 ETH) with
    /// `h` recorded as its module, as anyone may.
    function _slashThrough(HostileSlashModule h) private returns (bool ok, bytes memory data) {
        if (hostileSlash == type(uint256).max) hostileSlash = _requestAndWait(0, 0, 105);
        vm.prank(stranger);
        (ok, data) = address(registry).call(abi.encodeWithSignature("executeSlash(uint256)", hostileSlash));
    }

    /// One registry event per execution, carrying the split (`SlashExecuted` with the bond's and
    /// the classes' shares), not `SlashExecuted` + `ServiceSlashApplied`.
    function test_executeSlash_emitsOneRegistryEventWithTheSplit() public {
        uint256 id = _requestAndWait(1, 0, 10_000);
        (uint256 bond, ) = bonded.bondOf(0);
        vm.recordLogs();
        uint256 amount = registry.executeSlash(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 n;
        Vm.Log memory ev;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry)) continue;
            ++n;
            ev = logs[i];
        }
        assertEq(n, 1, "one registry event");
        assertEq(ev.topics[0], IServiceRegistry.SlashExecuted.selector, "SlashExecuted");
        assertEq(ev.topics[1], bytes32(id), "its slash id");
        (uint256 x, uint256 charged, uint256 classLoss) = abi.decode(ev.data, (uint256, uint256, uint256));
        assertEq(x, amount, "the slash X");
        assertEq(charged, bond, "the bond's share");
        assertEq(classLoss, amount - bond, "the classes' share");
    }

    /// The registry no longer asks the ExitManager for exits (it never held the router's
    /// EXIT_MANAGER_ROLE): the ExitManager has no such entry for it, or anyone, to call.
    function test_exitManager_takesNoExitRequestFromTheRegistry() public {
        bytes memory data = abi.encodeWithSignature(
            "requestExits(uint256,uint256,uint256,uint256)",
            1,
            0,
            1,
            block.timestamp + 1
        );
        vm.prank(address(registry));
        (bool ok, ) = address(exits).call(data);
        assertFalse(ok, "no exit request entry");
        assertEq(bonded.getOperator(0).exitRequested, 0, "nothing requested");
    }

    /// `onSlash` moves bond and sets exit deadlines: the registry only, for both modules (the
    /// router included: it no longer slashes).
    function test_onSlash_revertsForAnyoneButTheRegistry() public {
        bytes memory data = abi.encodeWithSignature(
            ON_SLASH,
            0,
            1 ether,
            1 ether,
            block.timestamp + 1,
            stranger
        );
        address[] memory callers = _notTheRegistry();
        for (uint256 i; i < callers.length; ++i) {
            bytes memory err = abi.encodeWithSelector(IStakingModule.NotRegistry.selector, callers[i]);
            _expectRefused(address(bonded), data, callers[i], err);
            _expectRefused(address(curated), data, callers[i], err);
        }
        (uint256 bond, ) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "bond untouched");
        assertEq(bonded.getOperator(0).exitRequested, 0, "no bonded exits");
        assertEq(curated.getOperator(0).exitRequested, 0, "no curated exits");
    }

    /// A slash's exit request never moves an earlier deadline later (DESIGN §6 step 9): the
    /// report's request keeps its deadline, the slash adds the rest of the active validators.
    function test_executeSlash_keepsAnEarlierExitDeadline() public {
        IAccounting.ExitRequest[] memory req = new IAccounting.ExitRequest[](1);
        req[0] = IAccounting.ExitRequest({moduleId: 0, operatorId: 0, count: 1});
        uint256 early = block.timestamp + 10;
        vm.prank(address(accounting));
        exits.applyReportExits(req, new IAccounting.OperatorExited[](0), early);
        uint256 id = _requestAndWait(0, 0, 100);
        registry.executeSlash(id);
        (uint256 requested, uint256 deadline) = curated.exitRequestOf(0);
        assertEq(requested, curated.activeValidatorsOf(0), "every active validator");
        assertEq(deadline, early, "the earlier deadline stays");
        assertTrue(curated.exitOverdue(0) == (block.timestamp > early), "overdue by the earlier one");
    }

    /// The router's slash penalty takes the registry only (SERVICES_ROLE): no hostile party,
    /// module or other system contract can wear a module's reputation down.
    function test_penalizeSlash_revertsForAnyoneButTheRegistry() public {
        bytes32 role = router.SERVICES_ROLE();
        bytes memory data = abi.encodeWithSignature(PENALIZE_SLASH, 1, 100 ether, 10_000);
        address[] memory callers = _notTheRegistry();
        for (uint256 i; i < callers.length; ++i)
            if (callers[i] != address(router))
                _expectRefused(address(router), data, callers[i], _unauthorized(callers[i], role));
        assertEq(router.getModule(1).reputationBps, 10_000, "reputation untouched");
    }

    /// Payouts outside a slash (fees owed as ETH) come from Accounting only: the registry's
    /// executed slash is paid inside the router's `settleSlash`, so it lost this entry.
    function test_payServiceSlash_revertsForAnyoneButAccounting() public {
        bytes memory data = abi.encodeWithSignature("payServiceSlash(address,uint256)", stranger, 1 ether);
        address[6] memory h = _hostiles();
        for (uint256 i; i < h.length; ++i)
            _expectRefused(
                address(book),
                data,
                h[i],
                abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, h[i])
            );
        address[3] memory c = [address(router), address(exits), address(registry)];
        for (uint256 i; i < c.length; ++i)
            _expectRefused(
                address(book),
                data,
                c[i],
                abi.encodeWithSelector(IYieldClasses.NotAuthorized.selector, c[i])
            );
        vm.prank(address(accounting));
        (bool ok, ) = address(book).call(data);
        assertTrue(ok, "accounting pays");
        assertEq(book.servicePayoutOf(stranger), 1 ether, "the payout credited");
    }

    /// The slash parameters the registry applies come from Accounting only.
    function test_setSlashParams_revertsForAnyoneButAccounting() public {
        bytes memory data = abi.encodeWithSignature(SET_SLASH_PARAMS, stranger, 10_000, 1);
        address[6] memory h = _hostiles();
        for (uint256 i; i < h.length; ++i)
            _expectRefused(
                address(registry),
                data,
                h[i],
                abi.encodeWithSelector(IServiceRegistry.NotAccounting.selector, h[i])
            );
        _expectRefused(
            address(registry),
            data,
            admin,
            abi.encodeWithSelector(IServiceRegistry.NotAccounting.selector, admin)
        );
        // Still Accounting's figures: the exits keep its deadline.
        uint256 id = _requestAndWait(0, 0, 100);
        registry.executeSlash(id);
        assertEq(
            curated.getOperator(0).exitDeadline,
            block.timestamp + EXIT_DEADLINE,
            "Accounting's deadline"
        );
    }

    /// Accounting stays the source of the slash parameters: a new `setParams` reaches the next
    /// execution (exit deadline and reputation penalty).
    function test_setParams_reachesTheNextExecutedSlash() public {
        IAccounting.Params memory p = accounting.params();
        p.exitDeadline = uint32(9 * FRAME);
        p.slashPenaltyBps = 10_000;
        vm.prank(admin);
        accounting.setParams(p);
        uint256 id = _requestAndWait(0, 0, 100);
        registry.executeSlash(id);
        assertEq(curated.getOperator(0).exitDeadline, block.timestamp + 9 * FRAME, "new deadline");
        // 1% of 96 ETH over the module's 192 ETH at risk, at the new 100% penalty.
        uint256 penalty = (10_000 * 0.96 ether) / 192 ether;
        assertEq(router.getModule(0).reputationBps, 10_000 - penalty, "new penalty");
    }

    /// The direct path keeps the veto rules: inside the window nothing reaches the router, the
    /// pool or the exits; a vetoed request never executes.
    function test_executeSlash_cannotBypassTheVetoRules() public {
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, 10_000, bytes32("ev"));
        uint256 endsAt = block.timestamp + VETO_WINDOW;
        vm.warp(endsAt - 1);
        vm.prank(hostileService);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.VetoWindowOpen.selector, id, endsAt));
        registry.executeSlash(id);
        vm.prank(vetoer);
        registry.vetoSlash(id);
        vm.warp(endsAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.SlashNotPending.selector,
                id,
                IServiceRegistry.SlashStatus.Vetoed
            )
        );
        registry.executeSlash(id);
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(bond, 5 ether, "bond untouched");
        assertEq(locked, 0, "lock released by the veto");
        assertEq(book.servicePayoutOf(recipient), 0, "nothing paid");
        assertEq(bonded.getOperator(0).exitRequested, 0, "no exits");
    }
}

/// A module that misbehaves inside `onSlash` (recorded by the registry like any module): it
/// sends `send` wei to the pool (or the router) and returns `ret` as its charge, or re-enters
/// the router's `penalizeSlash` or the pool's `settleSlash`.
contract HostileSlashModule {
    enum Mode {
        Pay,
        PayRouter,
        ReenterRouter,
        ReenterPool
    }

    address private immutable ROUTER;
    address private immutable POOL;
    Mode private immutable MODE;
    uint256 private immutable SEND;
    uint256 private immutable RET;

    constructor(address router_, address pool, Mode mode, uint256 send, uint256 ret) {
        (ROUTER, POOL, MODE, SEND, RET) = (router_, pool, mode, send, ret);
    }

    function router() external view returns (address) {
        return ROUTER;
    }

    function snapshotsAtReport() external pure returns (bool) {
        return false;
    }

    /// @return charge what it claims it sent
    /// @return active a count large enough that no penalty follows
    function onSlash(
        uint256,
        uint256,
        uint256,
        uint256,
        address payTo
    ) external returns (uint256 charge, uint256 active) {
        if (MODE == Mode.ReenterRouter) IStakingRouter(ROUTER).penalizeSlash(0, 1 ether, 10_000);
        if (MODE == Mode.ReenterPool) ICascadePool(POOL).settleSlash(address(this), 1 ether, 0, SEND);
        if (SEND != 0) {
            (bool ok, ) = (MODE == Mode.PayRouter ? ROUTER : payTo).call{value: SEND}("");
            require(ok, "send");
        }
        return (RET, type(uint64).max);
    }
}
