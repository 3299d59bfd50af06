// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IDepositContract
/// @notice The Ethereum consensus-layer deposit contract interface, ABI-identical to the mainnet
/// contract at 0x00000000219ab540356cBB839Cbe05303d7705Fa (same selectors, same event, so
/// `type(IDepositContract).interfaceId` matches mainnet's). Only the errors differ: mainnet reverts
/// with strings, this one with custom errors that carry the offending value.
/// @dev Spec: consensus-specs `phase0/deposit-contract.md` and `phase0/beacon-chain.md`
/// (`DepositData`, `hash_tree_root`, `DEPOSIT_CONTRACT_TREE_DEPTH = 32`).
interface IDepositContract {
    /*//////////////////////////////////////////////////////////////
                                  ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `pubkey` is not a 48-byte compressed BLS12-381 G1 point.
    /// @param length The length that was passed.
    error InvalidPubkeyLength(uint256 length);

    /// @notice `withdrawal_credentials` is not 32 bytes.
    /// @param length The length that was passed.
    error InvalidWithdrawalCredentialsLength(uint256 length);

    /// @notice `signature` is not a 96-byte compressed BLS12-381 G2 point.
    /// @param length The length that was passed.
    error InvalidSignatureLength(uint256 length);

    /// @notice `msg.value` is below the 1 ether minimum deposit.
    /// @param value The wei that were sent.
    error DepositValueTooLow(uint256 value);

    /// @notice `msg.value` is not a whole number of gwei (the beacon chain counts in gwei).
    /// @param value The wei that were sent.
    error DepositValueNotMultipleOfGwei(uint256 value);

    /// @notice `msg.value` in gwei does not fit the 64-bit amount of `DepositData`.
    /// @param value The wei that were sent.
    error DepositValueTooHigh(uint256 value);

    /// @notice The `deposit_data_root` argument is not `hash_tree_root(DepositData)` of the
    /// other arguments and `msg.value`.
    /// @param computed The root recomputed on-chain.
    /// @param provided The root the caller passed.
    error DepositDataRootMismatch(bytes32 computed, bytes32 provided);

    /// @notice The tree of depth 32 holds its maximum of 2**32 - 1 deposits.
    /// @param count The current deposit count.
    error MerkleTreeFull(uint256 count);

    /*//////////////////////////////////////////////////////////////
                                  EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A deposit was accepted and appended to the deposit tree. Beacon nodes read this.
    /// @param pubkey The 48-byte validator public key.
    /// @param withdrawal_credentials The 32-byte withdrawal credentials.
    /// @param amount The amount in gwei as 8 little-endian bytes.
    /// @param signature The 96-byte BLS signature over the deposit message.
    /// @param index The zero-based index of this deposit as 8 little-endian bytes.
    event DepositEvent(
        bytes pubkey,
        bytes withdrawal_credentials,
        bytes amount,
        bytes signature,
        bytes index
    );

    /*//////////////////////////////////////////////////////////////
                                FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Deposit `msg.value` for the validator `pubkey`.
    /// @dev The BLS signature is NOT verified here (the beacon chain does that, and ignores deposits
    /// with a bad signature, keeping the ETH). What is checked: the lengths, the value (at least
    /// 1 ether, a whole number of gwei, fitting uint64 gwei) and that `deposit_data_root` is the
    /// SSZ root of the data, which guards against a malformed or truncated call.
    /// @param pubkey A BLS12-381 public key, 48 bytes.
    /// @param withdrawal_credentials The withdrawal credentials, 32 bytes.
    /// @param signature A BLS12-381 signature over the `DepositMessage` signing root, 96 bytes.
    /// @param deposit_data_root The SSZ `hash_tree_root` of the `DepositData` this call describes.
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;

    /// @notice The current deposit root: the root of the depth-32 deposit tree mixed in with the
    /// deposit count (SSZ `List[DepositData, 2**32]` root), as beacon nodes vote on it in `Eth1Data`.
    /// @return The 32-byte root.
    function get_deposit_root() external view returns (bytes32);

    /// @notice The number of deposits accepted so far.
    /// @return The count as 8 little-endian bytes, as on mainnet.
    function get_deposit_count() external view returns (bytes memory);
}
