// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @dev The operator's exit word (gas pass "exitword"): the slot of `exitDeadline` ‖ the exit
/// parts is never zero from the operator's creation on (a marker set by `_newOperator` and kept
/// by every write), so no exit request fills a fresh slot; `exitDeadline` still reads 0 when
/// nothing is outstanding. And the router's slash/lock/unlock find their module without the
/// array's length, still refusing an unknown module. Curated operator 0 and bonded operator 0
/// each have 3 active validators and secure 96 ETH of a tier-1 service.
contract ExitWordTest is ServicesFixture {
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ModuleBase")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant BASE_SLOT = 0x26e13468e3f5ab206c492c6efa3f2d4400de346ad6be0b2f4bfcb78b92f83500;
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.StakingRouter")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant ROUTER_SLOT = 0x1d7422f1ab79353861a3f5d808f4944ef0879ec6e6a4c9afa8730aeb6cebc000;
    uint256 private constant MODULES_FIELD = 4; // RouterStore.modules
    uint256 private constant MODULE_SLOTS = 3; // slots per ModuleRecord; `module` is the third

    uint256 private svc;

    function setUp() public {
        _standardSetup(200 ether, 150 ether, 50 ether);
        svc = _service(1, 10_000);
        _optIn(svc, 1, 0);
        _optIn(svc, 0, 0);
        _allocate(svc, 192 ether, _two(_opKey(1, 0), _opKey(0, 0)));
    }

    function _module(uint256 moduleId) private view returns (IStakingModule) {
        return IStakingModule(router.getModule(moduleId).module);
    }

    /// @dev The raw third slot of the operator's record (`exitDeadline` ‖ marker ‖ parts).
    function _exitWord(uint256 moduleId, uint256 operatorId) private view returns (uint256) {
        uint256 op = uint256(keccak256(abi.encode(operatorId, BASE_SLOT + 2)));
        return uint256(vm.load(address(_module(moduleId)), bytes32(op + 2)));
    }

    function _assertNothingOutstanding(
        uint256 moduleId,
        uint256 operatorId,
        string memory where
    ) private view {
        IStakingModule m = _module(moduleId);
        (, uint256 deadline) = m.exitRequestOf(operatorId);
        assertEq(deadline, 0, string.concat("exitRequestOf: no deadline: ", where));
        uint256 field =
            moduleId == 0
                ? curated.getOperator(operatorId).exitDeadline
                : bonded.getOperator(operatorId).exitDeadline;
        assertEq(field, 0, string.concat("getOperator.exitDeadline: 0: ", where));
        (uint256[] memory upTo, ) = m.exitTranchesOf(operatorId);
        assertEq(upTo.length, 0, string.concat("no parts: ", where));
        assertFalse(m.exitOverdue(operatorId), string.concat("not overdue: ", where));
    }

    /// A new operator's exit word is already written (non-zero) in both modules, and every view
    /// reads no deadline and no parts.
    function test_newOperator_exitWordIsNonZero() public {
        uint256 c = _curatedOperator(curated, 0);
        (uint256 b, ) = _bondedOperator(1);
        assertNotEq(_exitWord(0, c), 0, "curated: the word is written at creation");
        assertNotEq(_exitWord(1, b), 0, "bonded: the word is written at creation");
        assertTrue(curated.getOperator(c).registered, "curated: marker");
        assertTrue(bonded.getOperator(b).registered, "bonded: marker");
        _assertNothingOutstanding(0, c, "new curated operator");
        _assertNothingOutstanding(1, b, "new bonded operator");
    }

    /// Every exited validator pruned from the schedule leaves the word non-zero (the marker),
    /// with `exitDeadline` and the parts back to 0; the next request rewrites it.
    function test_fullExitAndPrune_keepsTheWordNonZero() public {
        uint256 deadline = block.timestamp + 1 days;
        for (uint256 moduleId; moduleId < 2; ++moduleId) {
            IStakingModule m = _module(moduleId);
            vm.prank(address(exits));
            m.requestExits(0, 3, deadline);
            (uint256 requested, uint256 due) = m.exitRequestOf(0);
            assertEq(requested, 3, "three asked");
            assertEq(due, deadline, "deadline set");
            uint256[] memory ids = new uint256[](1);
            uint256[] memory exited = new uint256[](1);
            exited[0] = 3;
            vm.prank(address(exits));
            m.updateExited(ids, exited);
            assertNotEq(_exitWord(moduleId, 0), 0, "the pruned word keeps its marker");
            _assertNothingOutstanding(moduleId, 0, "after the full prune");
        }
    }

    /// An executed slash of an operator never asked to exit: the word is non-zero before it, the
    /// exit request is the same as before the pass (deadline, one part, the event), and the
    /// module fills no fresh slot (the curated row paid 20,000 for one).
    function test_executeSlash_firstExitRequestFillsNoFreshSlot() public {
        for (uint256 moduleId; moduleId < 2; ++moduleId) {
            IStakingModule m = _module(moduleId);
            vm.prank(slasher);
            uint256 id = registry.requestSlash(svc, moduleId, 0, 100, bytes32("ev"));
            vm.warp(block.timestamp + VETO_WINDOW);
            assertNotEq(_exitWord(moduleId, 0), 0, "the word is written before the slash");
            _assertNothingOutstanding(moduleId, 0, "before the slash");

            uint256 snap = vm.snapshotState();
            vm.record();
            vm.expectEmit(address(m));
            emit IStakingModule.ExitRequested(0, 3, block.timestamp + EXIT_DEADLINE);
            registry.executeSlash(id);
            (, bytes32[] memory writes) = vm.accesses(address(m));
            bytes32[] memory written = new bytes32[](writes.length);
            for (uint256 i; i < writes.length; ++i) written[i] = vm.load(address(m), writes[i]);
            (uint256 requested, uint256 due) = m.exitRequestOf(0);
            assertEq(requested, 3, "every active validator asked to exit");
            assertEq(due, block.timestamp + EXIT_DEADLINE, "by the exit deadline");
            (uint256[] memory upTo, uint256[] memory deadlines) = m.exitTranchesOf(0);
            assertEq(upTo.length, 1, "one part");
            assertEq(upTo[0], 3, "up to every active validator");
            assertEq(deadlines[0], block.timestamp + EXIT_DEADLINE, "its deadline");
            vm.revertToState(snap);

            uint256 fresh;
            for (uint256 i; i < writes.length; ++i) {
                bool seen;
                for (uint256 j; j < i; ++j) seen = seen || writes[j] == writes[i];
                if (!seen && vm.load(address(m), writes[i]) == 0 && written[i] != 0) ++fresh;
            }
            assertEq(fresh, 0, "no fresh module slot");
            registry.executeSlash(id);
        }
    }

    /// A module id whose record slot would alias `target` in the router's storage.
    function _aliasing(uint256 target) private pure returns (uint256 id) {
        uint256 data = uint256(keccak256(abi.encode(ROUTER_SLOT + MODULES_FIELD)));
        unchecked {
            // 3 · 0xAAAA…AAAB ≡ 1 (mod 2^256): the inverse of MODULE_SLOTS.
            id = (target - 2 - data) * 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab;
            require(data + id * MODULE_SLOTS + 2 == target, "aliasing id");
        }
    }

    /// The router's slash, lock and unlock refuse a module id past the array's end (below
    /// MAX_MODULES: a record never written) and one whose record would alias a non-zero router
    /// slot (the deposit contract's address), even from the registry (SERVICES_ROLE).
    function test_slashOperator_revertsOnUnknownModule() public {
        uint256 aliased = _aliasing(ROUTER_SLOT);
        assertNotEq(uint256(vm.load(address(router), bytes32(ROUTER_SLOT))), 0, "a non-zero slot");
        uint256[3] memory ids = [router.moduleCount(), 31, aliased];
        for (uint256 i; i < ids.length; ++i) {
            bytes memory err = abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, ids[i]);
            vm.startPrank(address(registry));
            vm.expectRevert(err);
            router.slashOperator(ids[i], 0, 1 ether, 0, 0, 100, block.timestamp + 1 days, recipient);
            vm.expectRevert(err);
            router.lockOperatorBond(ids[i], 0, 1 ether);
            vm.expectRevert(err);
            router.unlockOperatorBond(ids[i], 0, 1 ether);
            vm.stopPrank();
        }
    }
}
