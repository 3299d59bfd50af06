// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {WithdrawalRequestPredeploy} from "../../contracts/devnet/WithdrawalRequestPredeploy.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IExitManager} from "../../contracts/interfaces/IExitManager.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract ForceExitTest is ServicesFixture {
    uint256 private deadline;
    /// @dev Module 0 reputation after the setUp slash (proportional: 0.96 of 192 ETH at risk).
    uint256 private slashedRep;

    function setUp() public {
        _standardSetup();
        uint256 svc = _service(1, 1_000);
        _optIn(svc, 0, 0);
        _allocate(svc, 96 ether, _one(_opKey(0, 0)));
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 0, 0, 100, bytes32("ev"));
        vm.warp(block.timestamp + VETO_WINDOW);
        registry.executeSlash(id); // curated op 0 must exit its 3 validators
        deadline = block.timestamp + EXIT_DEADLINE;
        slashedRep = router.getModule(0).reputationBps;
    }

    function _keyArgs(
        address module,
        uint256 op,
        uint256 n
    ) private pure returns (uint256[] memory idx, bytes memory pks, bytes memory sigs) {
        idx = new uint256[](n);
        for (uint256 i; i < n; ++i) idx[i] = i;
        (pks, sigs) = _keys(module, op, 0, n);
    }

    function test_forceExit_revertsBeforeDeadline() public {
        (uint256[] memory idx, bytes memory pks, bytes memory sigs) = _keyArgs(address(curated), 0, 3);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.ExitNotOverdue.selector, 0, 0));
        exits.forceExit{value: 3}(0, 0, idx, pks, sigs);
        assertEq(predeploy.requestCount(), 0, "no request sent");
        assertEq(router.getModule(0).reputationBps, slashedRep, "only the slash penalty");
    }

    function test_forceExit_sendsRequestsAfterDeadline() public {
        (uint256[] memory idx, bytes memory pks, bytes memory sigs) = _keyArgs(address(curated), 0, 3);
        vm.warp(deadline + 1);
        vm.deal(stranger, 1 ether);
        vm.recordLogs();
        vm.prank(stranger);
        exits.forceExit{value: 3}(0, 0, idx, pks, sigs);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 topic = WithdrawalRequestPredeploy.WithdrawalRequested.selector;
        uint256 seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(predeploy) || logs[i].topics[0] != topic) continue;
            assertEq(address(uint160(uint256(logs[i].topics[1]))), address(wv), "source is the vault");
            (bytes memory pk, uint64 amount, uint256 fee) = abi.decode(
                logs[i].data,
                (bytes, uint64, uint256)
            );
            assertEq(pk, _pubkey(address(curated), 0, seen), "pubkey in order");
            assertEq(amount, 0, "full exit");
            assertEq(fee, predeploy.FEE(), "fee paid");
            ++seen;
        }
        assertEq(seen, 3, "one request per key");
        assertEq(predeploy.requestCount(), 3, "stand-in counted them");
        assertEq(address(predeploy).balance, 3, "fees arrived");
        assertEq(
            router.getModule(0).reputationBps,
            (slashedRep * (10_000 - exits.FORCED_EXIT_PENALTY_BPS())) / 10_000,
            "module reputation cut by the forced-exit penalty"
        );
    }

    function test_forceExit_afterReportExitRequest() public {
        IAccounting.Report memory r = _neutralReport();
        r.exits = new IAccounting.ExitRequest[](1);
        r.exits[0] = IAccounting.ExitRequest({moduleId: 1, operatorId: 1, count: 2});
        _submit(r);
        uint256 due = block.timestamp + EXIT_DEADLINE;
        assertEq(bonded.getOperator(1).exitRequested, 2, "two requested");
        (uint256[] memory idx, bytes memory pks, bytes memory sigs) = _keyArgs(address(bonded), 1, 2);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.ExitNotOverdue.selector, 1, 1));
        exits.forceExit{value: 2}(1, 1, idx, pks, sigs);
        vm.warp(due + 1);
        uint256 rep = router.getModule(1).reputationBps;
        exits.forceExit{value: 2}(1, 1, idx, pks, sigs);
        assertEq(predeploy.requestCount(), 2, "two requests");
        assertEq(router.getModule(1).reputationBps, (rep * 9_000) / 10_000, "bonded module penalized");
    }

    function test_forceExit_revertsOnWrongKeyBytes() public {
        (uint256[] memory idx, bytes memory pks, bytes memory sigs) = _keyArgs(address(curated), 0, 3);
        sigs[96 + 5] ^= 0x01; // corrupt key 1's signature
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.KeyMismatch.selector, 0, 0, 1));
        exits.forceExit{value: 3}(0, 0, idx, pks, sigs);
        // Another operator's key under this operator's index.
        (, bytes memory otherPk, bytes memory otherSig) = _keyArgs(address(curated), 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.KeyMismatch.selector, 0, 0, 0));
        exits.forceExit{value: 1}(0, 0, _single(0), otherPk, otherSig);
        assertEq(predeploy.requestCount(), 0, "nothing sent");
        assertEq(router.getModule(0).reputationBps, slashedRep, "no penalty");
    }

    function test_forceExit_revertsOnUndepositedKey() public {
        vm.warp(deadline + 1);
        (bytes memory pk, bytes memory sig) = _keys(address(curated), 0, 3, 1);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.KeyNotDeposited.selector, 0, 0, 3));
        exits.forceExit{value: 1}(0, 0, _single(3), pk, sig);
    }

    function test_forceExit_revertsWhenFeeShort() public {
        (uint256[] memory idx, bytes memory pks, bytes memory sigs) = _keyArgs(address(curated), 0, 3);
        vm.warp(deadline + 1);
        vm.expectRevert(); // WithdrawalVault.FeeTooLow(0, 1) on the third key
        exits.forceExit{value: 2}(0, 0, idx, pks, sigs);
        assertEq(predeploy.requestCount(), 0, "all or nothing");
    }

    /// Each validator is forced out once and the module pays one penalty per missed deadline:
    /// repeating forceExit cannot grief the module's reputation (this was a finding).
    function test_forceExit_cannotBeRepeatedToGriefReputation() public {
        vm.warp(deadline + 1);
        uint256 before = router.getModule(0).reputationBps;
        exits.forceExit{value: 1}(
            0,
            0,
            _single(0),
            _pubkey(address(curated), 0, 0),
            _signature(address(curated), 0, 0)
        );
        uint256 once = router.getModule(0).reputationBps;
        assertEq(once, (before * 9_000) / 10_000, "one 10% penalty");
        bytes32 h = keccak256(_pubkey(address(curated), 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IExitManager.ExitAlreadyForced.selector, h));
        exits.forceExit{value: 1}(
            0,
            0,
            _single(0),
            _pubkey(address(curated), 0, 0),
            _signature(address(curated), 0, 0)
        );
        assertEq(router.getModule(0).reputationBps, once, "no second penalty");
    }

    function test_forceExit_revertsOnMisplacedKey(
        uint256 idx,
        uint256 moduleSel,
        uint256 op,
        uint256 keyIdx
    ) public {
        // Operator 0 of module 0 is overdue on keys 0..2; any other (module, operator, index)'s
        // key named as one of them reverts before anything is sent or penalized.
        idx = bound(idx, 0, 2);
        address m = bound(moduleSel, 0, 1) == 0 ? address(curated) : address(bonded);
        op = bound(op, 0, 1);
        keyIdx = bound(keyIdx, 0, 3);
        vm.assume(!(m == address(curated) && op == 0 && keyIdx == idx));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IExitManager.KeyMismatch.selector, 0, 0, idx));
        exits.forceExit{value: 1}(0, 0, _single(idx), _pubkey(m, op, keyIdx), _signature(m, op, keyIdx));
        assertEq(predeploy.requestCount(), 0, "nothing sent");
        assertEq(router.getModule(0).reputationBps, slashedRep, "no penalty");
    }

    function _single(uint256 i) private pure returns (uint256[] memory a) {
        a = new uint256[](1);
        a[0] = i;
    }
}
