// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice `depositToBeaconBatch`: several modules' shares of one allocation in one call, each
/// module behind its own guardian attestation (issue 12's keeper regression: one call per module
/// recomputed the allocation over every module each time).
contract DepositToBeaconBatchTest is RouterFixture {
    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 4);
        _curatedOperator(curated, 4);
        _bondedOperator(6);
    }

    // ---------------------------------------------------------------- helpers

    function _ids(uint256 a, uint256 b) private pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        (ids[0], ids[1]) = (a, b);
    }

    function _one(uint256 a) private pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    /// @dev Keys and attestations of modules 0 and 1 for an allocation of `n`, all attested over
    /// the current deposit root (what a keeper gathers before sending the batch).
    function _prepareBoth(
        uint256 n
    )
        private
        returns (
            uint256[] memory alloc,
            IStakingRouter.ModuleKeys[] memory mk,
            IDepositSecurity.Attestation[] memory atts
        )
    {
        (alloc, ) = router.previewAllocation(n);
        mk = _moduleKeys(alloc);
        atts = new IDepositSecurity.Attestation[](2);
        atts[0] = _attest(0);
        atts[1] = _attest(1);
    }

    // ---------------------------------------------------------------- happy path

    function test_depositToBeaconBatch_depositsEveryShareInOneCall() public {
        _fund(6);
        (
            uint256[] memory alloc,
            IStakingRouter.ModuleKeys[] memory mk,
            IDepositSecurity.Attestation[] memory atts
        ) = _prepareBoth(6);
        assertEq(alloc[0] + alloc[1], 6, "both modules share the six");
        assertGt(alloc[0], 0, "module 0 has a share");
        assertGt(alloc[1], 0, "module 1 has a share");

        vm.expectEmit(address(router));
        emit IStakingRouter.DepositedToBeacon(0, alloc[0], alloc[0] * 32 ether);
        vm.expectEmit(address(router));
        emit IStakingRouter.DepositedToBeacon(1, alloc[1], alloc[1] * 32 ether);
        vm.prank(keeper);
        uint256 total = router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);

        assertEq(total, 6, "returned total");
        assertEq(router.getModule(0).deposited, alloc[0], "module 0 deposited its share");
        assertEq(router.getModule(1).deposited, alloc[1], "module 1 deposited its share");
        assertEq(dc.get_deposit_count(), abi.encodePacked(_le64(6)), "deposit contract count");
        assertEq(address(dc).balance, 6 * 32 ether, "deposit contract balance");
        assertEq(pool.buffered(), 0, "buffer spent");
    }

    function test_depositToBeaconBatch_allocatesOnce() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        // One allocation reads each module's depositable keys once; a call per module would
        // read every module's once per call.
        vm.expectCall(address(curated), abi.encodeCall(IStakingModule.depositableKeys, ()), 1);
        vm.expectCall(address(bonded), abi.encodeCall(IStakingModule.depositableKeys, ()), 1);
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);
    }

    function test_depositToBeaconBatch_equalsOneAllocation(uint256 n, uint256 funded) public {
        funded = bound(funded, 1, 14);
        n = bound(n, 1, 20);
        _fund(funded);
        uint256 m = n < funded ? n : funded;
        (
            uint256[] memory alloc,
            IStakingRouter.ModuleKeys[] memory mk,
            IDepositSecurity.Attestation[] memory atts
        ) = _prepareBoth(m);
        vm.assume(alloc[0] != 0 && alloc[1] != 0);
        vm.prank(keeper);
        uint256 total = router.depositToBeaconBatch(_ids(0, 1), n, mk, atts);
        assertEq(total, alloc[0] + alloc[1], "total = the allocation of min(n, buffer)");
        assertEq(router.getModule(0).deposited, alloc[0], "module 0 = its share");
        assertEq(router.getModule(1).deposited, alloc[1], "module 1 = its share");
        assertEq(pool.buffered(), (funded - total) * 32 ether, "the rest stays buffered");
    }

    function test_depositToBeaconBatch_unlistedModuleKeepsItsShare() public {
        _fund(6);
        (
            uint256[] memory alloc,
            IStakingRouter.ModuleKeys[] memory mk,
            IDepositSecurity.Attestation[] memory atts
        ) = _prepareBoth(6);
        IStakingRouter.ModuleKeys[] memory mk1 = new IStakingRouter.ModuleKeys[](1);
        mk1[0] = mk[1];
        IDepositSecurity.Attestation[] memory a1 = new IDepositSecurity.Attestation[](1);
        a1[0] = atts[1];
        vm.prank(keeper);
        uint256 total = router.depositToBeaconBatch(_one(1), 6, mk1, a1);
        assertEq(total, alloc[1], "only module 1's share");
        assertEq(router.getModule(0).deposited, 0, "module 0 untouched");
        assertEq(pool.buffered(), alloc[0] * 32 ether, "module 0's share stays buffered");
    }

    // ---------------------------------------------------------------- hostile input

    function test_depositToBeaconBatch_revertsOnModuleListedTwice() public {
        // A module listed twice would take its share twice, past its stake share limit.
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        mk[1] = mk[0];
        atts[1] = atts[0];
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.ModulesNotAscending.selector, 0, 1));
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 0), 6, mk, atts);
        assertEq(pool.buffered(), 6 * 32 ether, "nothing deposited");
    }

    function test_depositToBeaconBatch_revertsOnDescendingModules() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        (mk[0], mk[1]) = (mk[1], mk[0]);
        (atts[0], atts[1]) = (atts[1], atts[0]);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.ModulesNotAscending.selector, 0, 2));
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(1, 0), 6, mk, atts);
        assertEq(router.getModule(1).deposited, 0, "module 1's deposit undone");
    }

    function test_depositToBeaconBatch_revertsOnLengthMismatch() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BatchLengthMismatch.selector, 1, 2, 2));
        vm.prank(keeper);
        router.depositToBeaconBatch(_one(0), 6, mk, atts);
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.BatchLengthMismatch.selector, 0, 0, 0));
        vm.prank(keeper);
        router.depositToBeaconBatch(
            new uint256[](0),
            6,
            new IStakingRouter.ModuleKeys[](0),
            new IDepositSecurity.Attestation[](0)
        );
    }

    function test_depositToBeaconBatch_revertsOnAttestationForAnotherModule() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        atts[1] = atts[0];
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.WrongModule.selector, 1, 0));
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);
        assertEq(router.getModule(0).deposited, 0, "module 0's deposit undone");
        assertEq(pool.buffered(), 6 * 32 ether, "nothing deposited");
    }

    function test_depositToBeaconBatch_revertsWhenOneNonceMoved() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        // The bonded module's keys change after the guardians looked: the whole batch reverts,
        // module 0's deposits included.
        (uint256 op, address manager) = _bondedOperator(1);
        op;
        manager;
        uint256 nonce = bonded.keyNonce();
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.KeyNonceChanged.selector, 1, nonce, atts[1].keyNonce)
        );
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);
        assertEq(pool.buffered(), 6 * 32 ether, "nothing deposited");
    }

    function test_depositToBeaconBatch_revertsOnRootTheGuardiansDidNotSee() public {
        // Attestations over a root that a deposit (here: a front-run) has moved since revert.
        _fund(8);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        bytes32 seen = atts[0].depositRoot;
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        dc.deposit{value: 1 ether}(
            new bytes(48),
            abi.encodePacked(bytes32(0)),
            new bytes(96),
            _depositDataRoot(new bytes(48), abi.encodePacked(bytes32(0)), new bytes(96), 1 ether)
        );
        bytes32 moved = dc.get_deposit_root();
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositRootChanged.selector, moved, seen));
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);
    }

    function test_depositToBeaconBatch_revertsOnUnknownModule() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, 2));
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 2), 6, mk, atts);
    }

    function test_depositToBeaconBatch_revertsOnZeroCount() public {
        _fund(6);
        (, IStakingRouter.ModuleKeys[] memory mk, IDepositSecurity.Attestation[] memory atts) = _prepareBoth(
            6
        );
        vm.expectRevert(IStakingRouter.ZeroCount.selector);
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 0, mk, atts);
    }

    function test_depositToBeaconBatch_revertsForModuleWithoutShare() public {
        _fund(6);
        vm.prank(moduleManager);
        router.setModuleStatus(1, IStakingRouter.ModuleStatus.Paused);
        (
            uint256[] memory alloc,
            IStakingRouter.ModuleKeys[] memory mk,
            IDepositSecurity.Attestation[] memory atts
        ) = _prepareBoth(6);
        assertEq(alloc[1], 0, "a paused module has no share");
        vm.expectRevert(IStakingRouter.NothingToDeposit.selector);
        vm.prank(keeper);
        router.depositToBeaconBatch(_ids(0, 1), 6, mk, atts);
        assertEq(router.getModule(0).deposited, 0, "module 0's deposit undone");
    }
}
