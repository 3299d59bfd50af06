// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DepositDataRoot
/// @notice SSZ `hash_tree_root(DepositData)` with the SHA-256 precompile, as the deposit contract
/// recomputes it. Callers that build deposits on-chain can use the same function so their root and
/// the deposit contract's can never disagree.
/// @dev `DepositData = {pubkey: Bytes48, withdrawal_credentials: Bytes32, amount: uint64,
/// signature: Bytes96}`. Its four field roots are the leaves of a depth-2 tree:
///   pubkey    (48 bytes) → 2 chunks → sha256(pubkey ‖ 16 zero bytes)
///   creds     (32 bytes) → 1 chunk, its own root
///   amount    (uint64)   → 8 little-endian bytes right-padded to a chunk
///   signature (96 bytes) → 3 chunks padded to 4 → sha256(sha256(sig[0:64]) ‖ sha256(sig[64:96] ‖ 32 zero bytes))
/// Lengths are the caller's job: this library assumes 48 / 32 / 96 bytes.
library DepositDataRoot {
    /// @notice `hash_tree_root(DepositData)`.
    /// @param pubkey 48-byte BLS public key.
    /// @param withdrawalCredentials 32-byte withdrawal credentials.
    /// @param signature 96-byte BLS signature.
    /// @param amountGwei The deposit amount in gwei.
    /// @return root The SSZ root.
    function compute(
        bytes calldata pubkey,
        bytes calldata withdrawalCredentials,
        bytes calldata signature,
        uint64 amountGwei
    ) internal pure returns (bytes32 root) {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(signature[:64])),
                sha256(abi.encodePacked(signature[64:], bytes32(0)))
            )
        );
        root = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, withdrawalCredentials)),
                sha256(abi.encodePacked(toLittleEndian64(amountGwei), bytes24(0), signatureRoot))
            )
        );
    }

    /// @notice The 8 little-endian bytes of `value`, as SSZ serializes a uint64.
    /// @param value The number.
    /// @return le `value` with its byte order reversed, left-aligned in a bytes8.
    function toLittleEndian64(uint64 value) internal pure returns (bytes8 le) {
        // Reverse byte order by swapping ever larger halves; shifts truncate, they never revert.
        uint64 v = value;
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        v = (v >> 32) | (v << 32);
        le = bytes8(v);
    }
}
