// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IDepositSecurity} from "./interfaces/IDepositSecurity.sol";

/// @title DepositSecurity
/// @notice Guardians attest, per module, that none of the module's depositable keys was
/// front-run into the deposit contract and that each key's deposit signature verifies (checked
/// off-chain), and that the deposit root and the module's key nonce are unchanged since they
/// looked. On a violation a guardian pauses deposits to that module only (its own pause nonce),
/// so one hostile operator cannot stop every module; the global pause stays for emergencies. A
/// pause signature is bound to its pause nonce, which every unpause increments, so it cannot
/// pause again after an unpause.
contract DepositSecurity is CascadeUpgradeable, EIP712Upgradeable, IDepositSecurity {
    /// @dev Bound on the guardian set, so `verify` stays cheap and bounded.
    uint256 public constant MAX_GUARDIANS = 16;

    bytes32 private constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(uint256 moduleId,uint256 keyNonce,bytes32 depositRoot,uint256 blockNumber,bytes32 blockHash)"
    );
    bytes32 private constant PAUSE_TYPEHASH = keccak256("Pause(uint256 blockNumber,uint256 pauseNonce)");
    bytes32 private constant MODULE_PAUSE_TYPEHASH = keccak256(
        "ModulePause(uint256 moduleId,uint256 blockNumber,uint256 pauseNonce)"
    );

    /// @dev One module's pause nonce, incremented by each of its unpauses (whether it is paused
    /// is bit `moduleId` of `pausedModules`).
    struct ModulePause {
        uint64 nonce;
    }

    /// @notice Module ids a guardian can pause: the bitmap's width (the router registers at most
    /// MAX_MODULES = 32).
    uint256 public constant MAX_PAUSABLE_MODULES = 256;

    /// @custom:storage-location erc7201:cascade.storage.DepositSecurity
    struct DepositSecurityStorage {
        address[] guardians;
        mapping(address guardian => bool) isGuardian;
        uint64 quorum;
        uint64 maxAttestationAge;
        bool paused;
        uint64 pauseNonce;
        mapping(uint256 moduleId => ModulePause) modulePauses;
        // Bit `moduleId` set: a guardian paused that module. One word, so the router's
        // allocation reads every module's pause with one call.
        uint256 pausedModules;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.DepositSecurity")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x044dbdc8a94f1a5189ac7ca1742db69f4920de0ee1c9026cbee460884140fb00;

    function _s() private pure returns (DepositSecurityStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (the timelock)
    /// @param guardians initial guardian set
    /// @param quorum_ signatures needed
    /// @param maxAge blocks an attestation stays valid
    function initialize(
        address admin,
        address[] calldata guardians,
        uint256 quorum_,
        uint256 maxAge
    ) external initializer {
        __Cascade_init(admin);
        __EIP712_init("Cascade DepositSecurity", "1");
        for (uint256 i; i < guardians.length; ++i) {
            _addGuardian(guardians[i]);
        }
        _setQuorum(quorum_);
        _setMaxAge(maxAge);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDepositSecurity
    function verify(
        Attestation calldata a,
        uint256 moduleId,
        uint256 keyNonce,
        bytes32 depositRoot
    ) external view {
        DepositSecurityStorage storage $ = _s();
        require(!$.paused, DepositsPaused());
        // A guardian's per-module pause stops this module only: the router asks per module.
        require(!_isModulePaused($, moduleId), ModuleDepositsPaused(moduleId));
        require(a.blockNumber < block.number, FutureBlock(a.blockNumber));
        require(
            block.number - a.blockNumber <= $.maxAttestationAge,
            StaleAttestation(a.blockNumber, block.number, $.maxAttestationAge)
        );
        bytes32 actualHash = blockhash(a.blockNumber);
        require(actualHash == a.blockHash, BlockHashMismatch(a.blockNumber, actualHash, a.blockHash));
        require(a.depositRoot == depositRoot, DepositRootChanged(depositRoot, a.depositRoot));
        require(a.moduleId == moduleId, WrongModule(moduleId, a.moduleId));
        require(a.keyNonce == keyNonce, KeyNonceChanged(moduleId, keyNonce, a.keyNonce));

        bytes32 digest = _attestationDigest(
            a.moduleId,
            a.keyNonce,
            a.depositRoot,
            a.blockNumber,
            a.blockHash
        );
        uint256 q = $.quorum;
        require(a.signatures.length >= q, QuorumNotReached(a.signatures.length, q));
        address last;
        for (uint256 i; i < q; ++i) {
            address signer = ECDSA.recover(digest, a.signatures[i].r, a.signatures[i].vs);
            // Strictly ascending signers: no guardian counts twice, without a seen-set.
            require(signer > last, SignersNotAscending(signer));
            require($.isGuardian[signer], NotGuardian(signer));
            last = signer;
        }
    }

    /// @inheritdoc IDepositSecurity
    function attestationDigest(
        uint256 moduleId,
        uint256 keyNonce,
        bytes32 depositRoot,
        uint256 blockNumber,
        bytes32 blockHash
    ) external view returns (bytes32) {
        return _attestationDigest(moduleId, keyNonce, depositRoot, blockNumber, blockHash);
    }

    /// @inheritdoc IDepositSecurity
    function pauseDigest(uint256 blockNumber, uint256 pauseNonce_) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PAUSE_TYPEHASH, blockNumber, pauseNonce_)));
    }

    /// @inheritdoc IDepositSecurity
    function pauseNonce() external view returns (uint256) {
        return _s().pauseNonce;
    }

    /// @inheritdoc IDepositSecurity
    function modulePauseDigest(
        uint256 moduleId,
        uint256 blockNumber,
        uint256 pauseNonce_
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(MODULE_PAUSE_TYPEHASH, moduleId, blockNumber, pauseNonce_))
            );
    }

    /// @inheritdoc IDepositSecurity
    function modulePauseNonce(uint256 moduleId) external view returns (uint256) {
        return _s().modulePauses[moduleId].nonce;
    }

    /// @inheritdoc IDepositSecurity
    function isModulePaused(uint256 moduleId) external view returns (bool) {
        return _isModulePaused(_s(), moduleId);
    }

    /// @inheritdoc IDepositSecurity
    function pausedModules() external view returns (uint256) {
        return _s().pausedModules;
    }

    /// @inheritdoc IDepositSecurity
    function getGuardians() external view returns (address[] memory) {
        return _s().guardians;
    }

    /// @inheritdoc IDepositSecurity
    function quorum() external view returns (uint256) {
        return _s().quorum;
    }

    /// @notice Blocks an attestation stays valid.
    function maxAttestationAge() external view returns (uint256) {
        return _s().maxAttestationAge;
    }

    /// @inheritdoc IDepositSecurity
    function isPaused() external view returns (bool) {
        return _s().paused;
    }

    // ---------------------------------------------------------------- guardians

    /// @inheritdoc IDepositSecurity
    function pause() external {
        require(_s().isGuardian[msg.sender], NotGuardian(msg.sender));
        _pause(msg.sender, block.number);
    }

    /// @inheritdoc IDepositSecurity
    function pauseWithSignature(uint256 blockNumber, Signature calldata signature) external {
        DepositSecurityStorage storage $ = _s();
        require(blockNumber <= block.number, FutureBlock(blockNumber));
        // A pause signature is only usable while fresh, so an old one cannot be replayed later.
        require(
            block.number - blockNumber <= $.maxAttestationAge,
            StaleAttestation(blockNumber, block.number, $.maxAttestationAge)
        );
        // Bound to the current pause nonce: a signature that paused once is dead after the unpause.
        address signer = ECDSA.recover(pauseDigest(blockNumber, $.pauseNonce), signature.r, signature.vs);
        require($.isGuardian[signer], NotGuardian(signer));
        _pause(signer, blockNumber);
    }

    /// @inheritdoc IDepositSecurity
    function pauseModule(uint256 moduleId) external {
        require(_s().isGuardian[msg.sender], NotGuardian(msg.sender));
        _pauseModule(moduleId, msg.sender, block.number);
    }

    /// @inheritdoc IDepositSecurity
    function pauseModuleWithSignature(
        uint256 moduleId,
        uint256 blockNumber,
        Signature calldata signature
    ) external {
        DepositSecurityStorage storage $ = _s();
        require(blockNumber <= block.number, FutureBlock(blockNumber));
        require(
            block.number - blockNumber <= $.maxAttestationAge,
            StaleAttestation(blockNumber, block.number, $.maxAttestationAge)
        );
        // Bound to the module and its pause nonce: it pauses no other module, and is dead after
        // that module's unpause.
        address signer = ECDSA.recover(
            modulePauseDigest(moduleId, blockNumber, $.modulePauses[moduleId].nonce),
            signature.r,
            signature.vs
        );
        require($.isGuardian[signer], NotGuardian(signer));
        _pauseModule(moduleId, signer, blockNumber);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IDepositSecurity
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        DepositSecurityStorage storage $ = _s();
        require($.paused, NotPaused());
        $.paused = false;
        uint256 nonce = $.pauseNonce + 1;
        $.pauseNonce = SafeCast.toUint64(nonce);
        emit DepositsUnpaused(nonce);
    }

    /// @inheritdoc IDepositSecurity
    function unpauseModule(uint256 moduleId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        DepositSecurityStorage storage $ = _s();
        require(_isModulePaused($, moduleId), ModuleNotPaused(moduleId));
        $.pausedModules &= ~(uint256(1) << moduleId);
        ModulePause storage p = $.modulePauses[moduleId];
        uint256 nonce = p.nonce + 1;
        p.nonce = SafeCast.toUint64(nonce);
        emit ModuleUnpaused(moduleId, nonce);
    }

    /// @inheritdoc IDepositSecurity
    function addGuardian(address guardian, uint256 newQuorum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addGuardian(guardian);
        _setQuorum(newQuorum);
    }

    /// @inheritdoc IDepositSecurity
    function removeGuardian(address guardian, uint256 newQuorum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        DepositSecurityStorage storage $ = _s();
        require($.isGuardian[guardian], NotGuardian(guardian));
        $.isGuardian[guardian] = false;
        address[] storage g = $.guardians;
        for (uint256 i; i < g.length; ++i) {
            if (g[i] == guardian) {
                g[i] = g[g.length - 1];
                g.pop();
                break;
            }
        }
        emit GuardianRemoved(guardian);
        _setQuorum(newQuorum);
    }

    /// @inheritdoc IDepositSecurity
    function setMaxAttestationAge(uint256 blocks) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxAge(blocks);
    }

    // ---------------------------------------------------------------- internal

    function _attestationDigest(
        uint256 moduleId,
        uint256 keyNonce,
        bytes32 depositRoot,
        uint256 blockNumber,
        bytes32 blockHash
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(ATTESTATION_TYPEHASH, moduleId, keyNonce, depositRoot, blockNumber, blockHash)
                )
            );
    }

    function _pause(address guardian, uint256 blockNumber) private {
        _s().paused = true;
        emit DepositsPausedBy(guardian, blockNumber);
    }

    function _pauseModule(uint256 moduleId, address guardian, uint256 blockNumber) private {
        require(moduleId < MAX_PAUSABLE_MODULES, ModuleIdOutOfRange(moduleId, MAX_PAUSABLE_MODULES));
        DepositSecurityStorage storage $ = _s();
        // Several guardians find the same violation and all submit: the later ones change nothing.
        if (_isModulePaused($, moduleId)) return;
        $.pausedModules |= uint256(1) << moduleId;
        emit ModulePausedBy(moduleId, guardian, blockNumber);
    }

    /// @dev Ids past the bitmap are never paused (pausing them reverts).
    function _isModulePaused(DepositSecurityStorage storage $, uint256 moduleId) private view returns (bool) {
        return moduleId < MAX_PAUSABLE_MODULES && ($.pausedModules >> moduleId) & 1 != 0;
    }

    function _addGuardian(address guardian) private {
        DepositSecurityStorage storage $ = _s();
        require(guardian != address(0), ZeroAddress());
        require(!$.isGuardian[guardian], GuardianExists(guardian));
        require($.guardians.length < MAX_GUARDIANS, TooManyGuardians(MAX_GUARDIANS));
        $.isGuardian[guardian] = true;
        $.guardians.push(guardian);
        emit GuardianAdded(guardian);
    }

    function _setQuorum(uint256 q) private {
        DepositSecurityStorage storage $ = _s();
        require(q > 0 && q <= $.guardians.length, InvalidQuorum(q, $.guardians.length));
        $.quorum = SafeCast.toUint64(q);
        emit QuorumChanged(q);
    }

    function _setMaxAge(uint256 blocks) private {
        // blockhash() only sees the last 256 blocks.
        require(blocks > 0 && blocks <= 255, InvalidMaxAge(blocks));
        _s().maxAttestationAge = SafeCast.toUint64(blocks);
        emit MaxAttestationAgeChanged(blocks);
    }
}
