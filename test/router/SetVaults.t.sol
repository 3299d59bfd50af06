// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RouterExtension} from "../../contracts/router/RouterExtension.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {StakingRouter} from "../../contracts/StakingRouter.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

contract SetVaultsTest is RouterFixture {
    StakingRouter internal fresh;

    function setUp() public {
        _deployCore();
        fresh = StakingRouter(
            payable(
                address(
                    new ERC1967Proxy(
                        address(new StakingRouter(address(new RouterExtension()))),
                        abi.encodeCall(StakingRouter.initialize, (admin, address(dc), address(ds), 0, 0))
                    )
                )
            )
        );
    }

    function test_setVaults_setsOnceAndDerivesCredentials() public {
        address w = makeAddr("wv");
        address e = makeAddr("elv");
        vm.expectEmit(address(fresh));
        emit IStakingRouter.VaultsSet(w, e);
        vm.prank(admin);
        fresh.setVaults(w, e);
        (, , address gotW, address gotE) = fresh.addresses();
        assertEq(gotW, w, "withdrawal vault");
        assertEq(gotE, e, "el vault");
        assertEq(
            fresh.withdrawalCredentials(),
            bytes32(abi.encodePacked(bytes1(0x01), bytes11(0), w)),
            "0x01 ++ 11 zero bytes ++ vault"
        );
    }

    function test_setVaults_revertsWhenAlreadySet() public {
        vm.expectRevert(IStakingRouter.VaultsAlreadySet.selector);
        vm.prank(admin);
        router.setVaults(makeAddr("w2"), makeAddr("e2"));
        (, , address gotW, ) = router.addresses();
        assertEq(gotW, address(wv), "unchanged");
    }

    function test_setVaults_revertsOnZeroAddress() public {
        vm.startPrank(admin);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        fresh.setVaults(address(0), makeAddr("e"));
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        fresh.setVaults(makeAddr("w"), address(0));
        vm.stopPrank();
        (, , address gotW, ) = fresh.addresses();
        assertEq(gotW, address(0), "still unset");
    }

    function test_setVaults_revertsForStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                bytes32(0)
            )
        );
        vm.prank(stranger);
        fresh.setVaults(makeAddr("w"), makeAddr("e"));
        (, , address gotW, ) = fresh.addresses();
        assertEq(gotW, address(0), "still unset");
    }
}
