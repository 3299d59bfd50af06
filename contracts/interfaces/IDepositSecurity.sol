// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDepositSecurity
/// @notice Guardian quorum over deposits (DESIGN §2): guardians sign, with EIP-712, the
/// deposit contract root, every module's key nonce and a recent block; the router deposits
/// only with a fresh attestation. Any single guardian can pause deposits.
interface IDepositSecurity {
    // ---------------------------------------------------------------- types
    struct Signature {
        bytes32 r;
        bytes32 vs; // EIP-2098 compact signature
    }

    /// @notice What the guardians sign, plus their signatures (signers strictly ascending).
    struct Attestation {
        bytes32 depositRoot;
        bytes32 keyNoncesHash; // keccak256(abi.encodePacked(uint256[] nonces))
        uint256 blockNumber;
        bytes32 blockHash;
        Signature[] signatures;
    }

    // ---------------------------------------------------------------- errors
    error DepositsPaused();
    error StaleAttestation(uint256 blockNumber, uint256 currentBlock, uint256 maxAge);
    error FutureBlock(uint256 blockNumber);
    error BlockHashMismatch(uint256 blockNumber, bytes32 expected, bytes32 given);
    error DepositRootChanged(bytes32 expected, bytes32 given);
    error KeyNoncesChanged(bytes32 expected, bytes32 given);
    error QuorumNotReached(uint256 valid, uint256 quorum);
    error SignersNotAscending(address signer);
    error NotGuardian(address signer);
    error GuardianExists(address guardian);
    error TooManyGuardians(uint256 max);
    error InvalidQuorum(uint256 quorum, uint256 guardians);
    error InvalidMaxAge(uint256 maxAge);
    error NotPaused();

    // ---------------------------------------------------------------- events
    event GuardianAdded(address indexed guardian);
    event GuardianRemoved(address indexed guardian);
    event QuorumChanged(uint256 quorum);
    event MaxAttestationAgeChanged(uint256 blocks);
    event DepositsPausedBy(address indexed guardian, uint256 blockNumber);
    event DepositsUnpaused();

    // ---------------------------------------------------------------- functions
    /// @notice Reverts unless `attestation` is a fresh quorum over the current state.
    /// @param attestation the guardians' attestation
    /// @param depositRoot the deposit contract's current root
    /// @param keyNoncesHash hash of the modules' current key nonces
    function verify(
        Attestation calldata attestation,
        bytes32 depositRoot,
        bytes32 keyNoncesHash
    ) external view;

    /// @notice Pause deposits: a guardian calls directly.
    function pause() external;

    /// @notice Pause deposits with a guardian's signature over `blockNumber` (submitted by anyone).
    function pauseWithSignature(uint256 blockNumber, Signature calldata signature) external;

    /// @notice Resume deposits. DEFAULT_ADMIN_ROLE.
    function unpause() external;

    /// @notice Adds a guardian and sets the quorum. DEFAULT_ADMIN_ROLE.
    function addGuardian(address guardian, uint256 newQuorum) external;

    /// @notice Removes a guardian and sets the quorum. DEFAULT_ADMIN_ROLE.
    function removeGuardian(address guardian, uint256 newQuorum) external;

    /// @notice Sets how many blocks an attestation stays valid. DEFAULT_ADMIN_ROLE.
    function setMaxAttestationAge(uint256 blocks) external;

    /// @notice EIP-712 digest guardians sign for an attestation.
    function attestationDigest(
        bytes32 depositRoot,
        bytes32 keyNoncesHash,
        uint256 blockNumber,
        bytes32 blockHash
    ) external view returns (bytes32);

    /// @notice EIP-712 digest a guardian signs to pause at `blockNumber`.
    function pauseDigest(uint256 blockNumber) external view returns (bytes32);

    function getGuardians() external view returns (address[] memory);

    function quorum() external view returns (uint256);

    function isPaused() external view returns (bool);
}
