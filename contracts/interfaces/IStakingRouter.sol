// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositSecurity} from "./IDepositSecurity.sol";

/// @title IStakingRouter
/// @notice Module registry, per-module accounting, allocation of new validators by
/// reputation and collateral (DESIGN §7) and deposits to the beacon deposit contract. The ETH
/// is CascadePool's: a deposit takes exactly `count × 32 ETH` from it.
interface IStakingRouter {
    // ---------------------------------------------------------------- types
    enum ModuleStatus {
        None,
        Active,
        Paused, // no new deposits; still reported and rewarded
        Stopped // no new deposits, ever
    }

    /// @notice Governance parameters of a module.
    struct ModuleParams {
        uint64 baseWeight;
        uint16 stakeShareLimitBps;
        uint16 moduleFeeBps;
        address feeRecipient;
    }

    /// @notice Full state of a module as the router keeps it.
    struct Module {
        address module;
        ModuleStatus status;
        uint16 stakeShareLimitBps;
        uint16 moduleFeeBps;
        uint16 reputationBps;
        uint64 baseWeight;
        address feeRecipient;
        uint64 deposited;
        uint64 clValidators;
        uint64 exited;
        uint128 clBalance;
    }

    /// @notice The keys of one module for one deposit, concatenated in the module's plan order,
    /// with each key's `deposit_data_root` (the deposit contract recomputes and checks it, so a
    /// wrong root reverts there; computing it here would cost ~3k gas per validator).
    struct ModuleKeys {
        bytes pubkeys;
        bytes signatures;
        bytes32[] depositDataRoots;
    }

    // ---------------------------------------------------------------- errors
    error UnknownModule(uint256 moduleId);
    error ModuleAlreadyAdded(address module);
    error ModuleRouterMismatch(address module, address moduleRouter);
    error TooManyModules(uint256 max);
    error ModuleNotActive(uint256 moduleId, ModuleStatus status);
    error ModuleStopped(uint256 moduleId);
    error InvalidStatus(ModuleStatus status);
    error BpsTooHigh(uint256 value);
    error ZeroWeight();
    error InvalidReputation(uint256 reputationBps);
    error ZeroCount();
    error NothingToDeposit();
    error NotEnoughBuffered(uint256 needed, uint256 available);
    error KeysCountMismatch(uint256 moduleId, uint256 expected, uint256 supplied);
    error PubkeyAlreadyRegistered(bytes32 pubkeyHash);
    /// @notice The key's registry entry does not name this module, operator and index, or the
    /// signature is not the one registered with the pubkey.
    error KeyMismatch(uint256 moduleId, uint256 operatorId, uint256 keyIndex);
    error NotModule(address caller);
    error EthTransferFailed(address to, uint256 amount);
    error VaultsAlreadySet();
    error VaultsNotSet();
    error BatchLengthMismatch(uint256 modules, uint256 keys, uint256 attestations);
    error ModulesNotAscending(uint256 moduleId, uint256 minimum);

    // ---------------------------------------------------------------- events
    event ModuleAdded(
        uint256 indexed moduleId,
        address indexed module,
        ModuleParams params,
        uint256 reputationBps
    );
    event ModuleParamsUpdated(uint256 indexed moduleId, ModuleParams params);
    event ModuleStatusChanged(uint256 indexed moduleId, ModuleStatus status);
    event AllocationParamsUpdated(uint256 collateralBoostBps, uint256 minReputationBps);
    event DepositedToBeacon(uint256 indexed moduleId, uint256 count, uint256 amount);
    event BondCoverReceived(address indexed module, uint256 amount);
    event VaultsSet(address withdrawalVault, address executionRewardsVault);
    event PoolSet(address pool);
    /// @notice A report was booked for every module (DESIGN §6 steps 1 and 8; one event per
    /// report, not one per module). `states[moduleId]` is the module's new report fields in the
    /// ModuleWord layout, every other bit zero: CL validators = bits 32–63, exited = 64–95,
    /// CL balance (wei) = 96–191, reputation (bps) = 192–207. The SDK decodes it with
    /// `decodeModuleState`.
    event ModulesReported(uint256[] states);
    /// @notice A module's reputation was lowered outside a report (slash or missed exit deadline).
    event ReputationChanged(uint256 indexed moduleId, uint256 reputationBps);

    // ---------------------------------------------------------------- governance
    /// @notice Registers a module. MODULE_MANAGER_ROLE.
    /// @param module the module contract (IStakingModule)
    /// @param params weight, share limit, fee and fee recipient
    /// @param reputationBps starting reputation (bps, ≤ 10,000)
    /// @return moduleId the new module's id (0-based)
    function addModule(
        address module,
        ModuleParams calldata params,
        uint256 reputationBps
    ) external returns (uint256 moduleId);

    /// @notice Updates a module's parameters. MODULE_MANAGER_ROLE.
    function updateModule(uint256 moduleId, ModuleParams calldata params) external;

    /// @notice Pauses, resumes or stops a module. Stopping is final. MODULE_MANAGER_ROLE
    /// (and the emergency PAUSER_ROLE may pause).
    function setModuleStatus(uint256 moduleId, ModuleStatus status) external;

    /// @notice Sets the collateral boost and the minimum reputation of §7. MODULE_MANAGER_ROLE.
    function setAllocationParams(uint256 collateralBoostBps, uint256 minReputationBps) external;

    // ---------------------------------------------------------------- keeper
    /// @notice Deposits `moduleId`'s share of an allocation (§7) of up to `maxCount` validators
    /// of 32 ETH from the pool's depositable ETH, after checking a fresh guardian attestation for that module.
    /// Other modules' shares stay buffered for their own calls.
    /// @param moduleId the module to deposit to
    /// @param maxCount upper bound on the validators allocated over all modules
    /// @param keys the module's keys in `depositPlan` order; at least its share (extra keys are
    /// ignored, so a change in another module's allocation cannot revert the call)
    /// @param attestation guardian quorum over the module id, its key nonce and the deposit root
    /// @return count number of validators deposited
    function depositToBeacon(
        uint256 moduleId,
        uint256 maxCount,
        ModuleKeys calldata keys,
        IDepositSecurity.Attestation calldata attestation
    ) external returns (uint256 count);

    /// @notice Deposits several modules' shares of ONE allocation (§7) of up to `maxCount`
    /// validators in one call: the allocation over all modules is computed once, each listed
    /// module takes its share, the shares of modules not listed stay buffered. Each module still
    /// needs its own fresh guardian attestation (checked against the deposit root before this
    /// call's first deposit), so the guardians' checks are those of `depositToBeacon`.
    /// @param moduleIds the modules to deposit to, strictly ascending (no module twice)
    /// @param maxCount upper bound on the validators allocated over all modules
    /// @param keys per listed module, its keys in `depositPlan` order; at least its share
    /// @param attestations per listed module, the guardian quorum over its id, key nonce and the
    /// deposit root
    /// @return total number of validators deposited over the listed modules
    function depositToBeaconBatch(
        uint256[] calldata moduleIds,
        uint256 maxCount,
        ModuleKeys[] calldata keys,
        IDepositSecurity.Attestation[] calldata attestations
    ) external returns (uint256 total);

    // ---------------------------------------------------------------- modules
    /// @notice Registers keys `[firstIndex, firstIndex + n)` of an operator of the calling
    /// module: one slot per key, under `keccak256(pubkey)`, naming the module, operator and index
    /// and committing to the signature (`keyOf`). Reverts `PubkeyAlreadyRegistered` if any pubkey
    /// is registered anywhere in the router. Only a registered module.
    /// @param operatorId the module's operator (< 2^32)
    /// @param firstIndex index of the first key (the operator's key count before the upload)
    /// @param pubkeys concatenated 48-byte pubkeys
    /// @param signatures concatenated 96-byte signatures, one per pubkey
    function registerPubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external;

    /// @notice Releases undeposited keys `[firstIndex, firstIndex + n)` of an operator of the
    /// calling module so they can be added again. Reverts `KeyMismatch` unless each entry names
    /// this module, the operator and exactly that index, with that signature.
    /// @param operatorId the module's operator
    /// @param firstIndex index of the first key released (the operator's new key count)
    /// @param pubkeys concatenated 48-byte pubkeys
    /// @param signatures their signatures
    function releasePubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external;

    /// @notice Receives bond ETH charged by a module (report cover or slash).
    function receiveBondCover() external payable;

    // ---------------------------------------------------------------- accounting
    /// @notice Applies every module's report inputs in one call: books each module's reported CL
    /// state and its new reputation (DESIGN §6 step 8, computed by Accounting; nothing in between
    /// reads it); Accounting then has the pool pull the report's vault ETH itself.
    /// ACCOUNTING_ROLE, which alone may call it: the words are not re-checked here (Accounting built them from this
    /// transaction's `reportStates` after the §9 checks). Emits one `ModulesReported` with every
    /// module's new report fields (its reputation included). A module's `onExitedReported` runs only when its exited count
    /// changed or it asked for every report (`snapshotsAtReport`, read at registration).
    /// @param reports one word per module, by id, in `reportStates`' layout (ModuleWord): only its
    /// report fields (CL validators, exited, CL balance, reputation) are booked; the module's
    /// other fields (deposits, status, fees) stay as stored
    function applyModuleReports(uint256[] calldata reports) external;

    /// @notice Charges an operator's bond (bonded modules); the ETH joins the pool's buffered.
    /// ACCOUNTING_ROLE.
    function chargeOperatorBond(
        uint256 moduleId,
        uint256 operatorId,
        uint256 amount
    ) external returns (uint256 charged);

    /// @notice Lowers a module's reputation for an executed service slash of `slashed` wei
    /// (SERVICES_ROLE: the ServiceRegistry, which books the slash itself with the module and the
    /// pool, and calls here only when the penalty can be non-zero) by
    /// `⌊penaltyBps · slashed / (active validators · 32 ETH)⌋`, at most `penaltyBps` (the whole
    /// penalty when the module has no stake at risk; none when nothing was slashed). Active
    /// validators are the router's count, deposited less reported exited.
    /// @return bps the reputation penalty applied (0: none)
    function penalizeSlash(
        uint256 moduleId,
        uint256 slashed,
        uint256 penaltyBps
    ) external returns (uint256 bps);

    /// @notice Lowers a module's reputation by `bps`: EXIT_MANAGER_ROLE (missed exit deadline; a
    /// service slash's penalty is applied by `penalizeSlash`).
    function penalizeReputation(uint256 moduleId, uint256 bps) external;

    /// @notice Links the CascadePool once. DEFAULT_ADMIN_ROLE.
    function setPool(address pool) external;

    /// @notice The CascadePool whose ETH the router deposits.
    function pool() external view returns (address);

    // ---------------------------------------------------------------- views
    /// @notice Validators each module would get for `n` new validators (DESIGN §7). A module its
    /// guardians paused (DepositSecurity.pauseModule) counts as weightless here, so its share
    /// goes to the other modules until it is unpaused.
    function previewAllocation(uint256 n) external view returns (uint256[] memory allocation, uint256 total);

    /// @notice The allocation weight of every module by status, reputation and collateral (a
    /// guardian's module pause is applied by the allocation, not here: exits keep their targets).
    function moduleWeights() external view returns (uint256[] memory weights);

    function getModule(uint256 moduleId) external view returns (Module memory);

    /// @notice A module's contract and its validators deposited and not exited, from two of the
    /// record's four slots (what a slash's exit request and reputation penalty read, without
    /// copying the whole record). Reverts `UnknownModule`.
    function moduleAndStake(
        uint256 moduleId
    ) external view returns (address module, uint256 activeValidators);

    /// @notice Every module's state, by id, in one call.
    function getModules() external view returns (Module[] memory);

    /// @notice What a report reads of every module, by id, in one call (two storage slots per
    /// module, not the record): each module's first record slot as stored, in ModuleWord's layout
    /// (deposited, CL validators, exited, CL balance, reputation, status, callback flag, fee bps,
    /// stake-share limit), and its fee recipient. The vaults are Accounting's own immutables.
    function reportStates() external view returns (uint256[] memory words, address[] memory feeRecipients);

    function moduleCount() external view returns (uint256);

    function moduleIdOf(address module) external view returns (uint256 moduleId);

    /// @notice `Σ (deposited − clValidators) · 32 ETH`.
    function transientBalance() external view returns (uint256);

    /// @notice Sum of reported CL balances.
    function clBalanceTotal() external view returns (uint256);

    /// @notice Withdrawal credentials of every Cascade validator: 0x01 ‖ 11 zero bytes ‖ vault.
    function withdrawalCredentials() external view returns (bytes32);

    /// @notice Whether a pubkey is registered in any module.
    function isPubkeyRegistered(bytes calldata pubkey) external view returns (bool);

    /// @notice Where a pubkey is registered: the only per-key record in Cascade. A deposit, a
    /// removal and a forced exit each check the key against it.
    /// @return registered whether the pubkey is registered
    /// @return moduleId its module
    /// @return operatorId its operator in that module
    /// @return keyIndex its index in the operator's key list
    function keyOf(
        bytes calldata pubkey
    ) external view returns (bool registered, uint256 moduleId, uint256 operatorId, uint256 keyIndex);

    /// @notice Whether `pubkey` is registered at exactly this position with this signature: the
    /// check a deposit makes of each key.
    function isKeyAt(
        uint256 moduleId,
        uint256 operatorId,
        uint256 keyIndex,
        bytes calldata pubkey,
        bytes calldata signature
    ) external view returns (bool);

    /// @notice The RouterExtension this implementation runs its cold paths in by DELEGATECALL
    /// (initialization, links, module registration, parameters and status).
    function extension() external view returns (address);
}
