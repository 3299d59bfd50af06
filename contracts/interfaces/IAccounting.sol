// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAccounting
/// @notice Applies an agreed oracle report: DESIGN §6 steps 1–10, after the §9 sanity checks.
interface IAccounting {
    // ---------------------------------------------------------------- types
    /// @notice One module's beacon-chain state at the report's refSlot (modules in id order).
    struct ModuleReport {
        uint64 clValidators;
        uint64 exited;
        uint128 clBalance;
        uint128 withdrawn; // received by the withdrawal vault for this module since the last report
        uint16 perfBps; // balance progress vs the network's expected reward, 10,000 = on par
        uint16 slashedValidators;
    }

    /// @notice A loss the oracle attributes to one operator (its bond is charged first).
    struct OperatorLoss {
        uint32 moduleId;
        uint32 operatorId;
        uint128 amount;
    }

    /// @notice Validators an operator must exit (§6 step 9).
    struct ExitRequest {
        uint32 moduleId;
        uint32 operatorId;
        uint32 count;
    }

    /// @notice An operator's cumulative exited validators (frees its bond; bounded by
    /// `maxExitRequests` per report).
    struct OperatorExited {
        uint32 moduleId;
        uint32 operatorId;
        uint32 exited;
    }

    struct Report {
        uint256 refSlot;
        uint256 elRewards; // pulled from the execution-rewards vault
        ModuleReport[] modules;
        OperatorLoss[] losses;
        ExitRequest[] exits;
        OperatorExited[] operatorExits;
    }

    /// @notice Sanity limits (§9), governance parameters.
    struct Limits {
        uint16 maxAprBps;
        uint16 maxDropBps;
        uint16 maxExitRequests;
        uint16 maxLosses;
        uint16 maxFinalizePerReport;
        // EL + service rewards booked per report ≤ this APR on the CL base over the report's
        // span; the excess stays in its vault (or pending in the registry) for later reports.
        // 0 = no cap (tests and devnets only).
        uint16 maxRewardAprBps;
    }

    /// @notice Fee and reputation parameters.
    struct Params {
        address treasury;
        uint16 treasuryFeeBps;
        uint16 serviceFeeBps;
        uint16 lambdaBps; // reputation smoothing
        uint16 slashPenaltyBps; // reputation lost per slashed validator
        uint32 exitDeadline; // seconds an operator has to exit a requested validator
    }

    // ---------------------------------------------------------------- errors (sanity, §9)
    error ModuleCountMismatch(uint256 given, uint256 expected);
    error RefSlotNotIncreasing(uint256 refSlot, uint256 lastRefSlot);
    error ValidatorsDecreased(uint256 moduleId, uint256 given, uint256 previous);
    error ValidatorsAboveDeposited(uint256 moduleId, uint256 given, uint256 deposited);
    error ExitedDecreased(uint256 moduleId, uint256 given, uint256 previous);
    error ExitedAboveValidators(uint256 moduleId, uint256 exited, uint256 validators);
    error SlashedAboveValidators(uint256 moduleId, uint256 slashed, uint256 validators);
    error AprTooHigh(uint256 gain, uint256 maxGain);
    error DropTooHigh(uint256 drop, uint256 maxDrop);
    error WithdrawnAboveVault(uint256 withdrawn, uint256 vaultBalance);
    error ElRewardsAboveVault(uint256 elRewards, uint256 vaultBalance);
    error PerfTooHigh(uint256 moduleId, uint256 perfBps);
    error TooManyExitRequests(uint256 count, uint256 max);
    error TooManyLosses(uint256 count, uint256 max);
    error UnknownModuleId(uint256 moduleId);
    error NotOracle(address caller);
    error InvalidParam();
    error ServiceRegistryAlreadySet();

    // ---------------------------------------------------------------- events
    /// @notice Every class is wiped, so a fee (or Rnet) that would be class shares is owed to
    /// `recipient` as ETH, claimable from the router (`claimServicePayout`).
    event FeeAccruedAsEth(address indexed recipient, uint256 amount);
    event ReportApplied(
        uint256 indexed refSlot,
        uint256 rewards,
        uint256 rewardsNet,
        uint256 loss,
        uint256 treasuryFee,
        uint256 finalized
    );
    event BondCoverCharged(
        uint256 indexed moduleId,
        uint256 indexed operatorId,
        uint256 requested,
        uint256 charged
    );
    event LimitsSet(Limits limits);
    /// @notice Under the per-report reward cap (§9) the report books `elBooked` of the
    /// `elReported` EL rewards and at most `serviceBudget` of the pending service rewards; the
    /// rest waits in its vault or in the registry for later reports. Emitted only when the cap
    /// held something back: EL rewards (`elBooked < elReported`), or service rewards booked up
    /// to the whole `serviceBudget` (more may be pending).
    event RewardsCapped(uint256 elReported, uint256 elBooked, uint256 serviceBudget);
    event ServiceRegistrySet(address registry);
    event OracleSet(address oracle);
    event ParamsSet(Params params);

    /// @notice Applies an agreed report. ReportOracle only.
    function handleReport(Report calldata report) external;

    /// @notice Links the ServiceRegistry once and hands it the slash parameters it applies
    /// (the exit manager, `slashPenaltyBps`, `exitDeadline`; pushed again by every `setParams`).
    /// DEFAULT_ADMIN_ROLE.
    function setServiceRegistry(address registry) external;

    /// @notice `buffered + Σ clBalance + transient − debt` (DESIGN §4).
    function pooled() external view returns (uint256);

    /// @notice Sets the sanity limits. DEFAULT_ADMIN_ROLE.
    function setLimits(Limits calldata limits) external;

    /// @notice Sets fees and reputation parameters. DEFAULT_ADMIN_ROLE.
    function setParams(Params calldata params) external;
}
