// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDepositSecurity
/// @notice Guardian quorum over deposits: per module, guardians check every key a deposit to
/// that module may use (no earlier deposit for the pubkey in the deposit contract's history,
/// deposit signature valid under the fork's deposit domain) and sign, with EIP-712, the module
/// id, its key nonce, the deposit contract root and a recent block; the router deposits into
/// that module only with a fresh attestation. Activity in one module cannot invalidate
/// attestations for another. On a violation a guardian pauses deposits to that module instead
/// (any single guardian can; its own pause nonce, incremented at each of its unpauses); the
/// global pause, bound to the global pause nonce, stays for emergencies. Only governance unpauses.
interface IDepositSecurity {
    // ---------------------------------------------------------------- types
    struct Signature {
        bytes32 r;
        bytes32 vs; // EIP-2098 compact signature
    }

    /// @notice What the guardians sign for one module, plus their signatures (signers strictly ascending).
    struct Attestation {
        uint256 moduleId;
        uint256 keyNonce; // the module's key nonce: changes only when its depositable keys change
        bytes32 depositRoot;
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
    error KeyNonceChanged(uint256 moduleId, uint256 expected, uint256 given);
    error WrongModule(uint256 expected, uint256 given);
    error QuorumNotReached(uint256 valid, uint256 quorum);
    error SignersNotAscending(address signer);
    error NotGuardian(address signer);
    error GuardianExists(address guardian);
    error TooManyGuardians(uint256 max);
    error InvalidQuorum(uint256 quorum, uint256 guardians);
    error InvalidMaxAge(uint256 maxAge);
    error NotPaused();
    error ModuleDepositsPaused(uint256 moduleId);
    error ModuleNotPaused(uint256 moduleId);
    error ModuleIdOutOfRange(uint256 moduleId, uint256 max);

    // ---------------------------------------------------------------- events
    event GuardianAdded(address indexed guardian);
    event GuardianRemoved(address indexed guardian);
    event QuorumChanged(uint256 quorum);
    event MaxAttestationAgeChanged(uint256 blocks);
    event DepositsPausedBy(address indexed guardian, uint256 blockNumber);
    /// @param pauseNonce the new pause nonce: pause signatures over older nonces are dead
    event DepositsUnpaused(uint256 pauseNonce);
    event ModulePausedBy(uint256 indexed moduleId, address indexed guardian, uint256 blockNumber);
    /// @param pauseNonce the module's new pause nonce: its pause signatures over older nonces are dead
    event ModuleUnpaused(uint256 indexed moduleId, uint256 pauseNonce);

    // ---------------------------------------------------------------- functions
    /// @notice Reverts unless `attestation` is a fresh quorum over the current state of `moduleId`.
    /// @param attestation the guardians' attestation
    /// @param moduleId the module the deposit goes to
    /// @param keyNonce that module's current key nonce
    /// @param depositRoot the deposit contract's current root
    function verify(
        Attestation calldata attestation,
        uint256 moduleId,
        uint256 keyNonce,
        bytes32 depositRoot
    ) external view;

    /// @notice Pause deposits: a guardian calls directly.
    function pause() external;

    /// @notice Pause deposits with a guardian's signature over `blockNumber` and the current
    /// pause nonce (submitted by anyone; fresh for `maxAttestationAge` blocks).
    function pauseWithSignature(uint256 blockNumber, Signature calldata signature) external;

    /// @notice Resume deposits and increment the pause nonce. DEFAULT_ADMIN_ROLE.
    function unpause() external;

    /// @notice Pause deposits to module `moduleId` only: a guardian calls directly. A no-op when
    /// the module is already paused; reverts `ModuleIdOutOfRange` for an id ≥ 256.
    /// @param moduleId the module whose deposits stop
    function pauseModule(uint256 moduleId) external;

    /// @notice Pause deposits to module `moduleId` only, with a guardian's signature over the
    /// module, `blockNumber` and the module's current pause nonce (submitted by anyone; fresh for
    /// `maxAttestationAge` blocks). A no-op when the module is already paused; reverts
    /// `ModuleIdOutOfRange` for an id ≥ 256.
    /// @param moduleId the module whose deposits stop
    /// @param blockNumber the block the guardian looked at
    /// @param signature the guardian's EIP-712 signature of `modulePauseDigest`
    function pauseModuleWithSignature(
        uint256 moduleId,
        uint256 blockNumber,
        Signature calldata signature
    ) external;

    /// @notice Resume deposits to module `moduleId` and increment its pause nonce. DEFAULT_ADMIN_ROLE.
    /// @param moduleId the paused module
    function unpauseModule(uint256 moduleId) external;

    /// @notice Adds a guardian and sets the quorum. DEFAULT_ADMIN_ROLE.
    function addGuardian(address guardian, uint256 newQuorum) external;

    /// @notice Removes a guardian and sets the quorum. DEFAULT_ADMIN_ROLE.
    function removeGuardian(address guardian, uint256 newQuorum) external;

    /// @notice Sets how many blocks an attestation stays valid. DEFAULT_ADMIN_ROLE.
    function setMaxAttestationAge(uint256 blocks) external;

    /// @notice EIP-712 digest guardians sign for an attestation.
    function attestationDigest(
        uint256 moduleId,
        uint256 keyNonce,
        bytes32 depositRoot,
        uint256 blockNumber,
        bytes32 blockHash
    ) external view returns (bytes32);

    /// @notice EIP-712 digest a guardian signs to pause at `blockNumber` under `pauseNonce`.
    function pauseDigest(uint256 blockNumber, uint256 pauseNonce) external view returns (bytes32);

    /// @notice Current pause nonce (number of unpauses so far).
    function pauseNonce() external view returns (uint256);

    /// @notice EIP-712 digest a guardian signs to pause module `moduleId` at `blockNumber` under
    /// the module's `pauseNonce`.
    function modulePauseDigest(
        uint256 moduleId,
        uint256 blockNumber,
        uint256 pauseNonce
    ) external view returns (bytes32);

    /// @notice Module `moduleId`'s pause nonce (number of its unpauses so far).
    function modulePauseNonce(uint256 moduleId) external view returns (uint256);

    /// @notice Whether a guardian paused deposits to module `moduleId`.
    function isModulePaused(uint256 moduleId) external view returns (bool);

    /// @notice Every guardian-paused module at once: bit `moduleId` is set while that module is
    /// paused (what the router's allocation reads, one call for all modules).
    function pausedModules() external view returns (uint256);

    function getGuardians() external view returns (address[] memory);

    function quorum() external view returns (uint256);

    function isPaused() external view returns (bool);
}
