// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {DepositSecurity} from "../../contracts/DepositSecurity.sol";
import {CascadeUpgradeable} from "../../contracts/governance/CascadeUpgradeable.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice Governance's guardian set, quorum and attestation age (DepositSecurity admin paths):
/// each setter changes what `verify` accepts, emits its event and rejects bad values with them.
contract DepositSecurityAdminTest is RouterFixture {
    address internal newGuardian;
    uint256 internal newGuardianKey;

    function setUp() public {
        _deployDefault();
        (newGuardian, newGuardianKey) = makeAddrAndKey("newGuardian");
    }

    function _contains(address[] memory list, address a) internal pure returns (bool) {
        for (uint256 i; i < list.length; ++i) if (list[i] == a) return true;
        return false;
    }

    // ---------------------------------------------------------------- initialize

    function test_initialize_revertsOnQuorumOutOfBounds(uint256 q) public {
        q = bound(q, 0, 10);
        vm.assume(q == 0 || q > guardians.length);
        address impl = address(new DepositSecurity());
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.InvalidQuorum.selector, q, guardians.length));
        new ERC1967Proxy(impl, abi.encodeCall(DepositSecurity.initialize, (admin, guardians, q, MAX_AGE)));
    }

    function test_initialize_revertsOnMaxAgeOutOfBounds(uint256 age) public {
        age = bound(age, 0, 1000);
        vm.assume(age == 0 || age > 255);
        address impl = address(new DepositSecurity());
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.InvalidMaxAge.selector, age));
        new ERC1967Proxy(impl, abi.encodeCall(DepositSecurity.initialize, (admin, guardians, QUORUM, age)));
    }

    function test_initialize_setsGuardiansQuorumAndAge() public view {
        assertEq(ds.getGuardians(), guardians, "initial guardian set");
        assertEq(ds.quorum(), QUORUM, "initial quorum");
        assertEq(ds.maxAttestationAge(), MAX_AGE, "initial attestation age");
    }

    // ---------------------------------------------------------------- addGuardian

    function test_addGuardian_addsAndSetsQuorum() public {
        vm.expectEmit(address(ds));
        emit IDepositSecurity.GuardianAdded(newGuardian);
        vm.expectEmit(address(ds));
        emit IDepositSecurity.QuorumChanged(3);
        vm.prank(admin);
        ds.addGuardian(newGuardian, 3);
        assertEq(ds.getGuardians().length, guardians.length + 1, "one more guardian");
        assertTrue(_contains(ds.getGuardians(), newGuardian), "new guardian listed");
        assertEq(ds.quorum(), 3, "quorum raised");
    }

    function test_addGuardian_newGuardianSignatureCounts() public {
        vm.prank(admin);
        ds.addGuardian(newGuardian, 1);
        IDepositSecurity.Attestation memory a = _attestWith(0, curated.keyNonce(), dc.get_deposit_root(), 0);
        bytes32 digest = ds.attestationDigest(0, a.keyNonce, a.depositRoot, a.blockNumber, a.blockHash);
        a.signatures = new IDepositSecurity.Signature[](1);
        a.signatures[0] = _sign(newGuardianKey, digest);
        ds.verify(a, 0, curated.keyNonce(), dc.get_deposit_root());
        assertTrue(_contains(ds.getGuardians(), newGuardian), "a quorum of one new guardian verifies");
    }

    function test_addGuardian_revertsOnZeroAddress() public {
        vm.prank(admin);
        vm.expectRevert(CascadeUpgradeable.ZeroAddress.selector);
        ds.addGuardian(address(0), QUORUM);
    }

    function test_addGuardian_revertsOnDuplicate() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.GuardianExists.selector, guardians[1]));
        ds.addGuardian(guardians[1], QUORUM);
    }

    function test_addGuardian_revertsAboveMax() public {
        uint256 max = ds.MAX_GUARDIANS();
        vm.startPrank(admin);
        for (uint256 i = guardians.length; i < max; ++i) {
            ds.addGuardian(makeAddr(string.concat("extra", vm.toString(i))), QUORUM);
        }
        assertEq(ds.getGuardians().length, max, "set filled to the maximum");
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.TooManyGuardians.selector, max));
        ds.addGuardian(newGuardian, QUORUM);
        vm.stopPrank();
    }

    function test_addGuardian_revertsOnQuorumOutOfBounds(uint256 q) public {
        uint256 n = guardians.length + 1;
        q = bound(q, 0, 20);
        vm.assume(q == 0 || q > n);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.InvalidQuorum.selector, q, n));
        ds.addGuardian(newGuardian, q);
    }

    function test_addGuardian_revertsForNonAdmin() public {
        bytes32 role = ds.DEFAULT_ADMIN_ROLE();
        vm.prank(guardians[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardians[0],
                role
            )
        );
        ds.addGuardian(newGuardian, QUORUM);
    }

    // ---------------------------------------------------------------- removeGuardian

    function test_removeGuardian_removesAndSetsQuorum() public {
        address gone = guardians[0];
        vm.expectEmit(address(ds));
        emit IDepositSecurity.GuardianRemoved(gone);
        vm.expectEmit(address(ds));
        emit IDepositSecurity.QuorumChanged(1);
        vm.prank(admin);
        ds.removeGuardian(gone, 1);
        address[] memory left = ds.getGuardians();
        assertEq(left.length, guardians.length - 1, "one guardian fewer");
        assertFalse(_contains(left, gone), "removed guardian no longer listed");
        assertTrue(_contains(left, guardians[1]) && _contains(left, guardians[2]), "the others stay");
        assertEq(ds.quorum(), 1, "quorum lowered");
    }

    function test_removeGuardian_removedSignatureNoLongerCounts() public {
        address gone = guardians[0];
        vm.prank(admin);
        ds.removeGuardian(gone, QUORUM);
        // guardians[0] and guardians[1] sign: the first is no longer a guardian.
        IDepositSecurity.Attestation memory a = _attest(0);
        (uint256 nonce, bytes32 root) = (curated.keyNonce(), dc.get_deposit_root());
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, gone));
        ds.verify(a, 0, nonce, root);
    }

    function test_removeGuardian_removedGuardianCannotPause() public {
        address gone = guardians[2];
        vm.prank(admin);
        ds.removeGuardian(gone, QUORUM);
        vm.prank(gone);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, gone));
        ds.pause();
        assertFalse(ds.isPaused(), "deposits stay open");
    }

    function test_removeGuardian_revertsForNonGuardian() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.NotGuardian.selector, stranger));
        ds.removeGuardian(stranger, 1);
    }

    function test_removeGuardian_revertsWhenQuorumExceedsRemaining() public {
        uint256 left = guardians.length - 1;
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.InvalidQuorum.selector, left + 1, left));
        ds.removeGuardian(guardians[0], left + 1);
    }

    function test_removeGuardian_revertsForNonAdmin() public {
        bytes32 role = ds.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        ds.removeGuardian(guardians[0], 1);
    }

    // ---------------------------------------------------------------- setMaxAttestationAge

    function test_setMaxAttestationAge_setsAndEmits(uint256 age) public {
        age = bound(age, 1, 255);
        vm.expectEmit(address(ds));
        emit IDepositSecurity.MaxAttestationAgeChanged(age);
        vm.prank(admin);
        ds.setMaxAttestationAge(age);
        assertEq(ds.maxAttestationAge(), age, "attestation age set");
    }

    function test_setMaxAttestationAge_shorterAgeMakesAttestationStale() public {
        IDepositSecurity.Attestation memory a = _attest(0);
        vm.roll(block.number + 10);
        ds.verify(a, 0, curated.keyNonce(), dc.get_deposit_root()); // 11 blocks old, age 100: fresh
        vm.prank(admin);
        ds.setMaxAttestationAge(10);
        (uint256 nonce, bytes32 root) = (curated.keyNonce(), dc.get_deposit_root());
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.StaleAttestation.selector,
                a.blockNumber,
                block.number,
                10
            )
        );
        ds.verify(a, 0, nonce, root);
    }

    function test_setMaxAttestationAge_revertsOutOfBounds(uint256 age) public {
        age = bound(age, 0, 10_000);
        vm.assume(age == 0 || age > 255);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.InvalidMaxAge.selector, age));
        ds.setMaxAttestationAge(age);
    }

    function test_setMaxAttestationAge_revertsForNonAdmin() public {
        bytes32 role = ds.DEFAULT_ADMIN_ROLE();
        vm.prank(guardians[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                guardians[0],
                role
            )
        );
        ds.setMaxAttestationAge(50);
    }
}
