// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ExitManager} from "../../contracts/ExitManager.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {WithdrawalVault} from "../../contracts/vaults/RewardsVault.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// The exit contract's own surface: who may drive the modules' exit schedules and the vault's
/// forced exits now that they left the router, and its views.
contract ExitManagerTest is ServicesFixture {
    function setUp() public {
        _standardSetup();
    }

    function test_initialize_revertsOnZeroRouter() public {
        address impl = address(new ExitManager());
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new ERC1967Proxy(impl, abi.encodeCall(ExitManager.initialize, (admin, address(0))));
    }

    function test_router_isTheRouter() public view {
        assertEq(exits.router(), address(router), "router link");
    }

    function test_applyReportExits_revertsForNonAccounting() public {
        bytes32 role = exits.ACCOUNTING_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        exits.applyReportExits(
            new IAccounting.ExitRequest[](1),
            new IAccounting.OperatorExited[](0),
            block.timestamp + 1
        );
        assertEq(curated.getOperator(0).exitRequested, 0, "nothing requested");
    }

    /// Requests first (with the report's deadline), then exited counts, across both modules.
    function test_applyReportExits_requestsThenRecordsExited() public {
        IAccounting.ExitRequest[] memory req = new IAccounting.ExitRequest[](2);
        req[0] = IAccounting.ExitRequest({moduleId: 0, operatorId: 1, count: 2});
        req[1] = IAccounting.ExitRequest({moduleId: 1, operatorId: 0, count: 1});
        IAccounting.OperatorExited[] memory ex = new IAccounting.OperatorExited[](1);
        ex[0] = IAccounting.OperatorExited({moduleId: 0, operatorId: 1, exited: 1});
        uint256 due = block.timestamp + 500;
        vm.prank(address(accounting));
        exits.applyReportExits(req, ex, due);
        (uint256 r0, uint256 d0) = curated.exitRequestOf(1);
        (uint256 r1, uint256 d1) = bonded.exitRequestOf(0);
        assertEq(r0, 2, "curated op 1: two requested");
        assertEq(d0, due, "with the report's deadline");
        assertEq(r1, 1, "bonded op 0: one requested");
        assertEq(d1, due, "same deadline");
        assertEq(curated.getOperator(1).exitedKeys, 1, "exited recorded after the request");
    }

    function test_applyReportExits_revertsOnUnknownModule() public {
        IAccounting.ExitRequest[] memory req = new IAccounting.ExitRequest[](1);
        req[0] = IAccounting.ExitRequest({moduleId: 9, operatorId: 0, count: 1});
        vm.expectRevert(abi.encodeWithSelector(IStakingRouter.UnknownModule.selector, 9));
        vm.prank(address(accounting));
        exits.applyReportExits(req, new IAccounting.OperatorExited[](0), block.timestamp + 1);
    }

    function test_updateOperatorExited_revertsForNonAccounting() public {
        bytes32 role = exits.ACCOUNTING_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        vm.prank(stranger);
        exits.updateOperatorExited(0, 0, 1);
    }

    function test_updateOperatorExited_reachesTheModule() public {
        vm.prank(address(accounting));
        exits.updateOperatorExited(0, 1, 2);
        assertEq(curated.getOperator(1).exitedKeys, 2, "exited recorded");
    }

    /// The router no longer drives exits: modules take them only from the exit contract.
    function test_moduleRequestExits_revertsForRouterAndStrangers() public {
        address[2] memory callers = [address(router), stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotExitManager.selector, callers[i]));
            vm.prank(callers[i]);
            curated.requestExits(0, 1, block.timestamp + 1);
            uint256[] memory ids = new uint256[](1);
            vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotExitManager.selector, callers[i]));
            vm.prank(callers[i]);
            bonded.updateExited(ids, ids);
        }
        assertEq(curated.getOperator(0).exitRequested, 0, "nothing requested");
    }

    /// A revoked exit contract loses the modules and the vault at once.
    function test_revokedExitManager_cannotDriveModulesOrVault() public {
        vm.startPrank(admin);
        router.revokeRole(router.EXIT_MANAGER_ROLE(), address(exits));
        vm.stopPrank();
        IAccounting.ExitRequest[] memory req = new IAccounting.ExitRequest[](1);
        req[0] = IAccounting.ExitRequest({moduleId: 0, operatorId: 0, count: 1});
        vm.expectRevert(abi.encodeWithSelector(IStakingModule.NotExitManager.selector, address(exits)));
        vm.prank(address(accounting));
        exits.applyReportExits(req, new IAccounting.OperatorExited[](0), block.timestamp + 1);
    }

    function test_requestFullExits_revertsForNonExitManager() public {
        address[2] memory callers = [address(router), stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(WithdrawalVault.NotExitManager.selector, callers[i]));
            vm.prank(callers[i]);
            wv.requestFullExits(_pubkey(address(curated), 0, 0));
        }
    }

    function test_penalizeReputation_allowsExitManagerRoleOnly() public {
        uint256 before = router.getModule(0).reputationBps;
        vm.prank(address(exits));
        router.penalizeReputation(0, 1_000);
        assertEq(router.getModule(0).reputationBps, (before * 9_000) / 10_000, "exit contract penalizes");
        // A service slash's penalty is applied by penalizeSlash: Accounting and the registry
        // are refused here like anyone else.
        bytes32 role = router.EXIT_MANAGER_ROLE();
        address[3] memory callers = [stranger, address(accounting), address(registry)];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector,
                    callers[i],
                    role
                )
            );
            vm.prank(callers[i]);
            router.penalizeReputation(0, 1_000);
        }
    }

    function test_views_trackForcedKeys() public {
        IAccounting.Report memory r = _neutralReport();
        r.exits = new IAccounting.ExitRequest[](1);
        r.exits[0] = IAccounting.ExitRequest({moduleId: 1, operatorId: 1, count: 1});
        _submit(r);
        vm.warp(block.timestamp + EXIT_DEADLINE + 1);
        bytes memory pk = _pubkey(address(bonded), 1, 0);
        assertFalse(exits.isExitForced(keccak256(pk)), "not forced yet");
        uint256[] memory idx = new uint256[](1);
        exits.forceExit{value: 1}(1, 1, idx, pk, _signature(address(bonded), 1, 0));
        assertTrue(exits.isExitForced(keccak256(pk)), "forced");
        assertEq(exits.forcedCountOf(1, 1), 1, "one forced");
        assertEq(exits.forcedCountOf(1, 0), 0, "other operator untouched");
    }
}
