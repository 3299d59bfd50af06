// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {DepositContract} from "../../contracts/devnet/DepositContract.sol";
import {IDepositContract} from "../../contracts/interfaces/IDepositContract.sol";

/// @dev Known vectors (not produced by the contract under test):
/// - CLI: an entry written by staking-deposit-cli 2.7.0 (fork 0x20000089), whose BLS signature and
///   roots the SDK's checker also accepts;
/// - SDK: built by sdk/src/beacon/depositData.ts (chainsafe ssz + noble BLS), with an amount that
///   is not 32 ETH so the little-endian amount encoding is exercised;
/// - roots after depositing them, from the SSZ library's `List[DepositData, 2**32]`.
/// The reference tree and `hash_tree_root` below are the naive generic SSZ merkleization, a
/// different algorithm from the contract's incremental tree and hand-laid DepositData root.
contract DepositContractTest is Test {
    DepositContract internal dc;

    bytes internal constant CLI_PUBKEY =
        hex"98db81971df910a5d46314d21320f897060d76fdf137d22f0eb91a8693a4767d2a22730a3aaa955f07d13ad604f968e9";
    bytes internal constant CLI_CREDS = hex"010000000000000000000000468c15d616b52fcef0b932bf89d42157984be2a5";
    bytes internal constant CLI_SIGNATURE =
        hex"a20d736d6807720cb2a2f48526eb3df83162b387b806bdf7d0d08bb31d3d4e4daaf4a11120dc194b188035e9e5c9bdbf00c3be3ca68adec9c4fb2fb59d936337b750ae08a9e7add56fb82526792876066456010a64c5629b7f1f564f9923ff8e";
    bytes32 internal constant CLI_ROOT = 0xe6260302845906138ebe075e9977e6086f02fc1c5142590bebdf54579c806bd3;

    bytes internal constant SDK_PUBKEY =
        hex"b47c2b9ddae364637db9c1e6b86ecaae519547d36530c3607f3d305aa864dcda38643dc6d7318aa5634c7046ba5797d4";
    bytes internal constant SDK_CREDS = hex"010000000000000000000000000000000000000000000000000000000000dead";
    bytes internal constant SDK_SIGNATURE =
        hex"a4f6e1f1464b58ef3cf105f139c835696537d36b831e78c858bc246fd89fca2839c7c4c9870775ff09b62dd4dae54fa5179b47f8fa3d86ac6fc9d96d5da6ae3b227330f4193d66aa41ffc0892a6d0734995e75aa48e796cfdba673a5de2cebf1";
    uint256 internal constant SDK_AMOUNT_GWEI = 33_123_456_789;
    bytes32 internal constant SDK_ROOT = 0x2597c6ffa63c10284aeec7e2de768b50f27904f10ca8334bc3d4da11d55b21f9;

    bytes32 internal constant EMPTY_TREE_ROOT =
        0xd70a234731285c6804c2a4f56711ddb8c82c99740f207854891028af34e27e5e;
    bytes32 internal constant ROOT_AFTER_CLI =
        0x09e5d51c52bfdaa36f38d747745ef5b8c604b5293be02ab73581d237a91ad2fd;
    bytes32 internal constant ROOT_AFTER_CLI_SDK =
        0xa1f75c99ffdc7cc5d082b30da071e3201f3b08682d9f14b7a680e9526a871d84;

    /// @dev Storage slot of `_depositCount` (after the 32 branch slots).
    uint256 internal constant COUNT_SLOT = 32;

    bytes32[] internal leaves;

    function setUp() public {
        dc = new DepositContract();
        vm.deal(address(this), 1e30);
    }

    /*//////////////////////////////////////////////////////////////
                               HAPPY PATH
    //////////////////////////////////////////////////////////////*/

    function test_deposit_acceptsKnownVectors() public {
        assertEq(dc.get_deposit_root(), EMPTY_TREE_ROOT, "empty tree root differs from the spec's");
        assertEq(dc.get_deposit_count(), _le64(0), "empty count");

        dc.deposit{value: 32 ether}(CLI_PUBKEY, CLI_CREDS, CLI_SIGNATURE, CLI_ROOT);
        assertEq(dc.get_deposit_root(), ROOT_AFTER_CLI, "root after the deposit-cli vector");
        assertEq(dc.get_deposit_count(), _le64(1), "count after one deposit");

        dc.deposit{value: SDK_AMOUNT_GWEI * 1 gwei}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);
        assertEq(dc.get_deposit_root(), ROOT_AFTER_CLI_SDK, "root after the SDK vector");
        assertEq(dc.get_deposit_count(), _le64(2), "count after two deposits");
        assertEq(address(dc).balance, 32 ether + SDK_AMOUNT_GWEI * 1 gwei, "contract keeps the ETH");
    }

    function test_deposit_emitsDepositEvent() public {
        dc.deposit{value: 32 ether}(CLI_PUBKEY, CLI_CREDS, CLI_SIGNATURE, CLI_ROOT);

        vm.expectEmit(address(dc));
        emit IDepositContract.DepositEvent(
            SDK_PUBKEY,
            SDK_CREDS,
            hex"15d74fb607000000", // 33_123_456_789 = 0x07b64fd715, little-endian
            SDK_SIGNATURE,
            hex"0100000000000000" // second deposit: index 1
        );
        dc.deposit{value: SDK_AMOUNT_GWEI * 1 gwei}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);
    }

    /// forge-config: default.fuzz.runs = 64
    function test_deposit_incrementsCountAndMatchesReferenceTree(uint256 count, uint256 seed) public {
        count = bound(count, 1, 40);
        for (uint256 i = 0; i < count; ++i) {
            (
                bytes memory pubkey,
                bytes memory creds,
                bytes memory signature,
                uint256 amountGwei
            ) = _randomDeposit(seed, i);
            bytes32 root = _refDepositDataRoot(pubkey, creds, signature, uint64(amountGwei));
            leaves.push(root);

            dc.deposit{value: amountGwei * 1 gwei}(pubkey, creds, signature, root);

            assertEq(dc.get_deposit_count(), _le64(i + 1), "count is the number of deposits, little-endian");
            assertEq(dc.get_deposit_root(), _refDepositRoot(leaves), "root equals the naive SSZ list root");
        }
    }

    function test_deposit_acceptsMaximumAmount() public {
        uint256 amountGwei = type(uint64).max;
        (bytes memory pubkey, bytes memory creds, bytes memory signature, ) = _randomDeposit(1, 1);
        bytes32 root = _refDepositDataRoot(pubkey, creds, signature, uint64(amountGwei));

        vm.expectEmit(address(dc));
        emit IDepositContract.DepositEvent(pubkey, creds, hex"ffffffffffffffff", signature, _le64(0));
        dc.deposit{value: amountGwei * 1 gwei}(pubkey, creds, signature, root);
        assertEq(dc.get_deposit_count(), _le64(1), "uint64-max gwei deposit accepted");
    }

    /*//////////////////////////////////////////////////////////////
                                 REVERTS
    //////////////////////////////////////////////////////////////*/

    function test_deposit_revertsWhenPubkeyLengthWrong(uint256 length) public {
        length = bound(length, 0, 200);
        vm.assume(length != 48);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(abi.encodeWithSelector(IDepositContract.InvalidPubkeyLength.selector, length));
        dc.deposit{value: 32 ether}(new bytes(length), SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenWithdrawalCredentialsLengthWrong(uint256 length) public {
        length = bound(length, 0, 200);
        vm.assume(length != 32);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(
            abi.encodeWithSelector(IDepositContract.InvalidWithdrawalCredentialsLength.selector, length)
        );
        dc.deposit{value: 32 ether}(SDK_PUBKEY, new bytes(length), SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenSignatureLengthWrong(uint256 length) public {
        length = bound(length, 0, 300);
        vm.assume(length != 96);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(abi.encodeWithSelector(IDepositContract.InvalidSignatureLength.selector, length));
        dc.deposit{value: 32 ether}(SDK_PUBKEY, SDK_CREDS, new bytes(length), SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenValueTooLow(uint256 value) public {
        value = bound(value, 0, 1 ether - 1);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(abi.encodeWithSelector(IDepositContract.DepositValueTooLow.selector, value));
        dc.deposit{value: value}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenValueNotMultipleOfGwei(uint256 value) public {
        value = bound(value, 1 ether, 10_000 ether);
        vm.assume(value % 1 gwei != 0);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(
            abi.encodeWithSelector(IDepositContract.DepositValueNotMultipleOfGwei.selector, value)
        );
        dc.deposit{value: value}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenValueTooHigh(uint256 extraGwei) public {
        extraGwei = bound(extraGwei, 0, 1e9);
        uint256 value = (uint256(type(uint64).max) + 1 + extraGwei) * 1 gwei;
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(abi.encodeWithSelector(IDepositContract.DepositValueTooHigh.selector, value));
        dc.deposit{value: value}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenDataRootMismatch(bytes32 wrongRoot) public {
        vm.assume(wrongRoot != SDK_ROOT);
        _depositOnce();
        (bytes32 rootBefore, bytes memory countBefore) = (dc.get_deposit_root(), dc.get_deposit_count());

        vm.expectRevert(
            abi.encodeWithSelector(IDepositContract.DepositDataRootMismatch.selector, SDK_ROOT, wrongRoot)
        );
        dc.deposit{value: SDK_AMOUNT_GWEI * 1 gwei}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, wrongRoot);

        _assertUnchanged(rootBefore, countBefore);
    }

    function test_deposit_revertsWhenAmountDiffersFromSignedRoot() public {
        // The root commits to the amount: the SDK vector's root with 32 ETH instead of its amount.
        bytes32 computed = _refDepositDataRoot(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, 32e9);
        vm.expectRevert(
            abi.encodeWithSelector(IDepositContract.DepositDataRootMismatch.selector, computed, SDK_ROOT)
        );
        dc.deposit{value: 32 ether}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);
        assertEq(dc.get_deposit_count(), _le64(0), "count unchanged");
    }

    function test_deposit_revertsWhenTreeFull() public {
        uint256 max = 2 ** 32 - 1;
        vm.store(address(dc), bytes32(COUNT_SLOT), bytes32(max));
        assertEq(dc.get_deposit_count(), _le64(max), "slot layout: count lives in slot 32");
        bytes32 rootBefore = dc.get_deposit_root();

        vm.expectRevert(abi.encodeWithSelector(IDepositContract.MerkleTreeFull.selector, max));
        dc.deposit{value: SDK_AMOUNT_GWEI * 1 gwei}(SDK_PUBKEY, SDK_CREDS, SDK_SIGNATURE, SDK_ROOT);

        _assertUnchanged(rootBefore, _le64(max));
    }

    function test_deposit_revertsOnPlainTransfer() public {
        (bool ok, ) = address(dc).call{value: 32 ether}("");
        assertFalse(ok, "no receive/fallback: ETH only enters through deposit()");
    }

    /*//////////////////////////////////////////////////////////////
                               INTROSPECTION
    //////////////////////////////////////////////////////////////*/

    function test_supportsInterface_matchesMainnetSelectors() public view {
        // Mainnet selectors: deposit(bytes,bytes,bytes,bytes32), get_deposit_root(), get_deposit_count().
        bytes4 mainnetId = bytes4(0x22895118) ^ bytes4(0xc5f2892f) ^ bytes4(0x621fd130);
        assertEq(type(IDepositContract).interfaceId, mainnetId, "ABI differs from mainnet's");
        assertTrue(dc.supportsInterface(mainnetId), "IDepositContract supported");
        assertTrue(dc.supportsInterface(type(IERC165).interfaceId), "ERC-165 supported");
        assertFalse(dc.supportsInterface(0xffffffff), "0xffffffff must be false per ERC-165");
        assertFalse(dc.supportsInterface(0x12345678), "unknown interface");
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _depositOnce() internal {
        dc.deposit{value: 32 ether}(CLI_PUBKEY, CLI_CREDS, CLI_SIGNATURE, CLI_ROOT);
    }

    function _assertUnchanged(bytes32 rootBefore, bytes memory countBefore) internal view {
        assertEq(dc.get_deposit_count(), countBefore, "a reverted deposit must not change the count");
        assertEq(dc.get_deposit_root(), rootBefore, "a reverted deposit must not change the root");
    }

    function _randomDeposit(
        uint256 seed,
        uint256 i
    )
        internal
        pure
        returns (bytes memory pubkey, bytes memory creds, bytes memory signature, uint256 amountGwei)
    {
        pubkey = _randomBytes(keccak256(abi.encode(seed, i, "pubkey")), 48);
        creds = _randomBytes(keccak256(abi.encode(seed, i, "creds")), 32);
        signature = _randomBytes(keccak256(abi.encode(seed, i, "signature")), 96);
        amountGwei = 1e9 + (uint256(keccak256(abi.encode(seed, i, "amount"))) % 2048e9);
    }

    function _randomBytes(bytes32 seed, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 j = 0; j < length; ++j) {
            out[j] = bytes1(uint8(uint256(keccak256(abi.encode(seed, j)))));
        }
    }

    /// @dev Little-endian bytes of a uint64, one byte at a time.
    function _le64(uint256 value) internal pure returns (bytes memory out) {
        out = new bytes(8);
        for (uint256 j = 0; j < 8; ++j) {
            out[j] = bytes1(uint8(value >> (8 * j)));
        }
    }

    /// @dev Splits `data` into 32-byte chunks, zero-padded to `chunkCount` chunks.
    function _chunks(bytes memory data, uint256 chunkCount) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](chunkCount);
        for (uint256 j = 0; j < data.length; ++j) {
            out[j / 32] |= bytes32(data[j]) >> (8 * (j % 32));
        }
    }

    /// @dev SSZ merkleize of a power-of-two number of chunks.
    function _merkleize(bytes32[] memory layer) internal pure returns (bytes32) {
        for (uint256 n = layer.length; n > 1; n /= 2) {
            for (uint256 j = 0; j < n / 2; ++j) {
                layer[j] = sha256(abi.encodePacked(layer[2 * j], layer[2 * j + 1]));
            }
        }
        return layer[0];
    }

    /// @dev Generic SSZ hash_tree_root of the 4-field DepositData container.
    function _refDepositDataRoot(
        bytes memory pubkey,
        bytes memory creds,
        bytes memory signature,
        uint64 amountGwei
    ) internal pure returns (bytes32) {
        bytes32[] memory fields = new bytes32[](4);
        fields[0] = _merkleize(_chunks(pubkey, 2));
        fields[1] = _merkleize(_chunks(creds, 1));
        fields[2] = _merkleize(_chunks(_le64(amountGwei), 1));
        fields[3] = _merkleize(_chunks(signature, 4));
        return _merkleize(fields);
    }

    /// @dev SSZ root of List[DepositData, 2**32] given its element roots: full depth-32 tree level by
    /// level with zero-subtree padding, then mix in the length.
    function _refDepositRoot(bytes32[] memory leafRoots) internal pure returns (bytes32) {
        bytes32[] memory layer = leafRoots;
        bytes32 zero;
        for (uint256 h = 0; h < 32; ++h) {
            bytes32[] memory next = new bytes32[]((layer.length + 1) / 2);
            for (uint256 j = 0; j < next.length; ++j) {
                bytes32 right = 2 * j + 1 < layer.length ? layer[2 * j + 1] : zero;
                next[j] = sha256(abi.encodePacked(layer[2 * j], right));
            }
            layer = next;
            zero = sha256(abi.encodePacked(zero, zero));
        }
        bytes32 top = layer.length == 0 ? zero : layer[0];
        return sha256(abi.encodePacked(top, _le64(leafRoots.length), bytes24(0)));
    }
}
