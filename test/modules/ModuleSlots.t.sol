// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {ModuleWord} from "../../contracts/router/ModuleWord.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @dev The modules' report callback and router checks (gas pass "modslots"): the router is an
/// implementation immutable, κ's two bond totals share a slot, and the reported exited count
/// sits beside the totals: the bonded module's `onExitedReported` reads two storage slots.
contract ModuleSlotsTest is RouterFixture {
    address private accounting = makeAddr("accounting");
    uint256 private constant EXITED = 3;

    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 10);
        _bondedOperator(10);
        _fund(20);
        _depositAll(20); // every key: 10 validators in each module
        bytes32 role = router.ACCOUNTING_ROLE();
        vm.prank(admin);
        router.grantRole(role, accounting);
        _report(0);
        assertEq(router.getModule(1).deposited, 10, "bonded: all 10 deposited");
        assertEq(router.getModule(0).deposited, 10, "curated: all 10 deposited");
    }

    function _report(uint256 exited) private {
        uint256[] memory words = new uint256[](2);
        for (uint256 id; id < 2; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            words[id] = ModuleWord.reportFields(
                m.deposited,
                exited,
                uint256(m.deposited - exited) * 32 ether,
                m.reputationBps
            );
        }
        vm.prank(accounting);
        router.applyModuleReports(words);
    }

    /// The bonded module's report callback reads the proxy's implementation slot, the bond
    /// totals' slot and the module totals' slot: nothing else (the router is an immutable).
    /// Before this pass it read five (the router's slot, `totalBond` and `kappaBond` apart).
    function test_onExitedReported_readsThreeSlots() public {
        vm.record();
        vm.prank(address(router));
        bonded.onExitedReported(EXITED);
        (bytes32[] memory reads, ) = vm.accesses(address(bonded));
        assertEq(_distinct(reads), 3, "implementation, bond totals, module totals");
        assertEq(bonded.activeValidators(), 10 - EXITED, "exits counted");
    }

    /// Only the router's calls may book a report, and only the registry's a slash, on either
    /// module: every hostile caller (and the module itself; the router for a slash, the
    /// registry for a report) is refused with NotRouter / NotRegistry, and nothing moves.
    function test_callbacks_revertForAnyoneButTheRouterOrTheRegistry() public {
        address[5] memory callers = [stranger, accounting, admin, address(bonded), address(0)];
        uint256 kb = bonded.kappaBond();
        vm.deal(address(this), 5 ether);
        bonded.topUpBond{value: 5 ether}(0); // a report now would raise κ's bond
        for (uint256 i; i < callers.length; ++i) {
            // The fifth round: the router slashing, the registry reporting.
            (address reporter, address slasher) = i == 4
                ? (moduleRegistry, address(router))
                : (callers[i], callers[i]);
            for (uint256 m; m < 2; ++m) {
                IStakingModule mod =
                    m == 0 ? IStakingModule(address(curated)) : IStakingModule(address(bonded));
                vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRouter.selector, reporter));
                vm.prank(reporter);
                mod.onExitedReported(EXITED);
                vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRegistry.selector, slasher));
                vm.prank(slasher);
                mod.onSlash(0, 1 ether, 0, block.timestamp + 1, slasher);
            }
        }
        assertEq(bonded.kappaBond(), kb, "no snapshot taken");
        assertEq(bonded.activeValidators(), 10, "no exits booked (bonded)");
        assertEq(curated.activeValidators(), 10, "no exits booked (curated)");
        assertEq(bonded.getOperator(0).exitRequested, 0, "no bonded exits requested");
        assertEq(curated.getOperator(0).exitRequested, 0, "no curated exits requested");
    }

    /// The router is the implementation's: a module built for another router refuses this one,
    /// obeys that one, and a zero router (or registry) cannot be built.
    function test_router_isTheImplementations() public {
        address other = makeAddr("otherRouter");
        CuratedModule m = CuratedModule(
            address(
                new ERC1967Proxy(
                    address(new CuratedModule(other, moduleRegistry)),
                    abi.encodeCall(CuratedModule.initialize, (admin, operatorManager))
                )
            )
        );
        assertEq(m.router(), other, "router() is the immutable");
        assertEq(curated.router(), address(router), "the fixture's module names its router");
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotRouter.selector, address(router)));
        vm.prank(address(router));
        m.onExitedReported(1);
        vm.prank(other);
        m.onExitedReported(1);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new BondedModule(address(0), moduleRegistry);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new BondedModule(address(router), address(0));
    }

    /// κ's bond over several reports: a top-up counts only from the next report, a charge that
    /// takes the total below the snapshot lowers it at once, and each report re-snapshots.
    function test_kappaBond_snapshotAcrossReports() public {
        uint256 total = bonded.totalBond();
        assertEq(bonded.kappaBond(), total, "report 1 took the snapshot");
        vm.deal(address(this), 30 ether);

        bonded.topUpBond{value: 10 ether}(0);
        assertEq(bonded.totalBond(), total + 10 ether, "topped up");
        assertEq(bonded.kappaBond(), total, "a top-up waits for the report");
        _report(0);
        assertEq(bonded.kappaBond(), total + 10 ether, "report 2 counts it");

        bonded.topUpBond{value: 4 ether}(0);
        vm.prank(address(router));
        uint256 charged = bonded.chargeBond(0, 1 ether);
        assertEq(charged, 1 ether, "charged");
        assertEq(bonded.kappaBond(), total + 10 ether, "a charge above the snapshot leaves it");
        vm.prank(address(router));
        charged = bonded.chargeBond(0, 6 ether);
        assertEq(bonded.totalBond(), total + 7 ether, "total after the charges");
        assertEq(bonded.kappaBond(), total + 7 ether, "a charge below the snapshot lowers it at once");

        bonded.topUpBond{value: 16 ether}(0);
        assertEq(bonded.kappaBond(), total + 7 ether, "still the lowered snapshot");
        _report(EXITED);
        assertEq(bonded.kappaBond(), total + 23 ether, "report 3 counts the top-up");
        assertEq(bonded.activeValidators(), 10 - EXITED, "report 3's exits booked");
        _report(EXITED);
        assertEq(bonded.kappaBond(), bonded.totalBond(), "report 4: unchanged snapshot");
        assertEq(bonded.kappaBond(), total + 23 ether, "report 4: unchanged snapshot (value)");
    }

    function _distinct(bytes32[] memory slots) private pure returns (uint256 n) {
        for (uint256 i; i < slots.length; ++i) {
            bool seen;
            for (uint256 j; j < i && !seen; ++j) seen = slots[j] == slots[i];
            if (!seen) ++n;
        }
    }
}
