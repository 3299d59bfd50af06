// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Accounting} from "../../contracts/Accounting.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice Accounting's links and limits: the router, pool and exit manager are fixed in the
/// implementation (no storage slot read per report), and the §9 limits share one slot with the
/// registry link, field by field.
contract AccountingSlotsTest is SystemFixture {
    // keccak256(abi.encode(uint256(keccak256("cascade.storage.Accounting")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant STORAGE_SLOT =
        0x4a3ce5a0e1acc8bccd500f03e18f47096fdca6b9557a52f65a435527530e8900;

    function setUp() public {
        _deploySystem();
    }

    function test_constructor_fixesTheLinks() public view {
        assertEq(address(accounting.ROUTER()), address(router), "router");
        assertEq(address(accounting.POOL()), address(pool), "pool");
        assertEq(address(accounting.EXITS()), address(exits), "exit manager");
        assertEq(accounting.WITHDRAWAL_VAULT(), address(wv), "withdrawal vault");
        assertEq(accounting.EL_VAULT(), address(elv), "EL vault");
    }

    function test_constructor_revertsOnZeroLink() public {
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new Accounting(address(0), address(exits), address(pool), address(wv), address(elv));
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new Accounting(address(router), address(0), address(pool), address(wv), address(elv));
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new Accounting(address(router), address(exits), address(0), address(wv), address(elv));
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new Accounting(address(router), address(exits), address(pool), address(0), address(elv));
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        new Accounting(address(router), address(exits), address(pool), address(wv), address(0));
    }

    /// @dev Any limits round-trip through `limits()`, and writing them leaves the registry link
    /// in the same slot as it was (and writing the link leaves the limits).
    function testFuzz_setLimits_roundTripsBesideTheRegistry(IAccounting.Limits memory l) public {
        address reg = makeAddr("registry");
        vm.etch(reg, hex"00");
        l.maxAprBps = uint16(bound(l.maxAprBps, 1, type(uint16).max));
        l.maxDropBps = uint16(bound(l.maxDropBps, 0, 10_000));
        l.maxFinalizePerReport = uint16(bound(l.maxFinalizePerReport, 1, type(uint16).max));
        vm.prank(admin);
        accounting.setLimits(l);
        vm.mockCall(reg, bytes(""), bytes("")); // setSlashParams on the registry link
        vm.prank(admin);
        accounting.setServiceRegistry(reg);
        IAccounting.Limits memory got = accounting.limits();
        assertEq(abi.encode(got), abi.encode(l), "limits unchanged by the link");
        // The registry link is the slot's low 160 bits (slot 2: after the oracle's and the parameters').
        uint256 word = uint256(vm.load(address(accounting), bytes32(STORAGE_SLOT + 2)));
        assertEq(address(uint160(word)), reg, "the link");
        l.maxLosses ^= 1;
        vm.prank(admin);
        accounting.setLimits(l);
        word = uint256(vm.load(address(accounting), bytes32(STORAGE_SLOT + 2)));
        assertEq(address(uint160(word)), reg, "the link unchanged by the limits");
        assertEq(abi.encode(accounting.limits()), abi.encode(l), "the new limits");
    }
}
