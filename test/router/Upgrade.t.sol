// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RouterExtension} from "../../contracts/router/RouterExtension.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {DepositSecurity} from "../../contracts/DepositSecurity.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {StakingRouter__Harness} from "../harness/StakingRouter__Harness.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice UUPS upgrades of every proxied contract: only DEFAULT_ADMIN_ROLE, state kept.
contract UpgradeToAndCallTest is RouterFixture {
    function setUp() public {
        _deployDefault();
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        _fund(2);
        _depositAll(2);
    }

    function _impl(address proxy) private view returns (address) {
        return
            address(
                uint160(
                    uint256(vm.load(proxy, bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)))
                )
            );
    }

    function test_upgradeToAndCall_revertsForStranger() public {
        address newImpl = address(new StakingRouter__Harness(address(new RouterExtension())));
        address before = _impl(address(router));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                bytes32(0)
            )
        );
        vm.prank(stranger);
        router.upgradeToAndCall(newImpl, "");
        assertEq(_impl(address(router)), before, "implementation unchanged");
    }

    function test_upgradeToAndCall_revertsForModuleManager() public {
        address newImpl = address(new CuratedModule(address(router), moduleRegistry));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                operatorManager,
                bytes32(0)
            )
        );
        vm.prank(operatorManager);
        curated.upgradeToAndCall(newImpl, "");
        address dsImpl = address(new DepositSecurity());
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardians[0],
                bytes32(0)
            )
        );
        vm.prank(guardians[0]);
        ds.upgradeToAndCall(dsImpl, "");
    }

    function test_upgradeToAndCall_routerStateSurvives() public {
        bytes32 wc = router.withdrawalCredentials();
        uint256 buffered = pool.buffered();
        uint256 count = router.moduleCount();
        uint64 deposited = router.getModule(0).deposited + router.getModule(1).deposited;
        bytes memory pk = _pubkey(address(curated), 0, 1);
        address newImpl = address(new StakingRouter__Harness(address(new RouterExtension())));
        vm.prank(admin);
        router.upgradeToAndCall(newImpl, "");
        assertEq(_impl(address(router)), newImpl, "new implementation");
        assertEq(router.withdrawalCredentials(), wc, "vaults kept");
        assertEq(pool.buffered(), buffered, "buffered kept");
        assertEq(router.moduleCount(), count, "modules kept");
        assertEq(router.getModule(0).deposited + router.getModule(1).deposited, deposited, "accounting kept");
        assertTrue(router.isPubkeyRegistered(pk), "pubkey registry kept");
        assertTrue(router.hasRole(router.MODULE_MANAGER_ROLE(), moduleManager), "roles kept");
    }

    function test_upgradeToAndCall_modulesAndSecurityStateSurvive() public {
        uint256 nonce = curated.keyNonce();
        (uint256 bond, ) = bonded.bondOf(0);
        uint256 quorum = ds.quorum();
        address cImpl = address(new CuratedModule(address(router), moduleRegistry));
        address bImpl = address(new BondedModule(address(router), moduleRegistry));
        address dsImpl = address(new DepositSecurity());
        vm.startPrank(admin);
        curated.upgradeToAndCall(cImpl, "");
        bonded.upgradeToAndCall(bImpl, "");
        ds.upgradeToAndCall(dsImpl, "");
        vm.stopPrank();
        assertEq(curated.keyNonce(), nonce, "curated nonce kept");
        assertEq(curated.vettedLimit(0), 2, "vetting kept");
        (uint256 bondAfter, ) = bonded.bondOf(0);
        assertEq(bondAfter, bond, "bond kept");
        assertEq(ds.quorum(), quorum, "quorum kept");
        assertEq(ds.getGuardians().length, 3, "guardians kept");
        // the upgraded stack still deposits
        _fund(2);
        (, uint256 expected) = router.previewAllocation(2);
        assertGt(expected, 0, "something allocatable");
        assertEq(_depositAll(2), expected, "deposits after upgrade");
    }

    function test_upgradeToAndCall_implementationCannotBeInitialized() public {
        StakingRouter__Harness impl = new StakingRouter__Harness(address(new RouterExtension()));
        vm.expectRevert(bytes4(keccak256("InvalidInitialization()")));
        impl.initialize(stranger, address(dc), address(ds), 0, 0);
    }
}
