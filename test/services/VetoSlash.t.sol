// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {ServicesFixture} from "../utils/ServicesFixture.sol";

contract VetoSlashTest is ServicesFixture {
    uint256 private svc;
    uint256 private id;

    function setUp() public {
        _standardSetup();
        svc = _service(1, 1_000);
        _optIn(svc, 1, 0);
        _allocate(svc, 96 ether, _one(_opKey(1, 0)));
        vm.prank(slasher);
        id = registry.requestSlash(svc, 1, 0, 1_000, bytes32("ev"));
    }

    function _status() private view returns (IServiceRegistry.SlashStatus) {
        return registry.getSlash(id).status;
    }

    function test_vetoSlash_cancelsWithinWindowAndNeverExecutes() public {
        vm.warp(block.timestamp + VETO_WINDOW - 1);
        vm.expectEmit(address(registry));
        emit IServiceRegistry.SlashVetoed(id, vetoer);
        vm.prank(vetoer);
        registry.vetoSlash(id);
        assertEq(uint8(_status()), uint8(IServiceRegistry.SlashStatus.Vetoed), "vetoed");
        assertEq(registry.pendingSlashes().length, 0, "off the pending list");
        (uint256 bond, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 0, "bond unlocked");
        assertEq(bond, 5 ether, "bond intact");
        (uint256 a, uint256 b, uint256 c) = _navs();
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.SlashNotPending.selector,
                id,
                IServiceRegistry.SlashStatus.Vetoed
            )
        );
        registry.executeSlash(id);
        (uint256 a2, uint256 b2, uint256 c2) = _navs();
        assertEq(a2 + b2 + c2, a + b + c, "no class lost anything");
        assertEq(pool.servicePayoutOf(recipient), 0, "nothing paid");
    }

    function test_vetoSlash_revertsAfterWindow() public {
        uint256 endsAt = block.timestamp + VETO_WINDOW;
        vm.warp(endsAt);
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.VetoWindowOver.selector, id, endsAt));
        vm.prank(vetoer);
        registry.vetoSlash(id);
        assertEq(uint8(_status()), uint8(IServiceRegistry.SlashStatus.Requested), "still requested");
        (, uint256 locked) = bonded.bondOf(0);
        assertEq(locked, 9.6 ether > 5 ether ? 5 ether : 9.6 ether, "still locked");
    }

    function test_vetoSlash_revertsForNonVetoer() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                slasher,
                registry.VETO_ROLE()
            )
        );
        vm.prank(slasher);
        registry.vetoSlash(id);
        assertEq(uint8(_status()), uint8(IServiceRegistry.SlashStatus.Requested), "still requested");
    }

    function test_vetoSlash_revertsTwice() public {
        vm.prank(vetoer);
        registry.vetoSlash(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IServiceRegistry.SlashNotPending.selector,
                id,
                IServiceRegistry.SlashStatus.Vetoed
            )
        );
        vm.prank(vetoer);
        registry.vetoSlash(id);
    }

    function test_vetoSlash_revertsOnUnknownSlash() public {
        vm.expectRevert(abi.encodeWithSelector(IServiceRegistry.UnknownSlash.selector, 3));
        vm.prank(vetoer);
        registry.vetoSlash(3);
    }
}
