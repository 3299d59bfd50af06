// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IServiceRegistry
/// @notice Restaked services (DESIGN §8): registration, operator opt-in, allocations within the
/// exposure limit, slashing with a veto window, and service rewards. Operators are identified
/// by `(moduleId, operatorId)`. One address and one ABI; the implementation runs the
/// allocation and slashing code from two extensions by DELEGATECALL (`extensions()`).
interface IServiceRegistry {
    // ---------------------------------------------------------------- types
    enum ServiceStatus {
        None,
        Pending,
        Active,
        Paused,
        Retired
    }

    enum SlashStatus {
        None,
        Requested,
        Vetoed,
        Executed
    }

    struct ServiceParams {
        uint8 tier; // ≥ 1; class k is exposed iff tier ≤ k
        uint16 maxSlashBps; // per incident
        uint32 slashingWindow; // seconds an operator stays slashable after opting out / deallocation
        uint32 vetoWindow; // seconds the veto committee has to cancel a slash request
        uint16 minOperators;
        uint16 maxOperatorShareBps;
        address slasher;
        address recipient; // of slashed ETH; address(0) burns it
    }

    struct Service {
        ServiceParams params;
        ServiceStatus status;
        uint128 allocation; // ETH of stake securing the service
        // Every reward the service ever paid (its registration fee included). What awaits a
        // report is kept per tier (`tierTotals`), so a report reads ≤ 7 tiers, not every service.
        uint128 rewardsPaid;
    }

    /// @dev Two storage slots: everything but the evidence in the first (a request writes two
    /// fresh slots, an execution or veto reads and rewrites one). uint40 seconds last until the
    /// year 36,812; uint96 of bond is ~79 billion ETH.
    struct SlashRequest {
        uint32 serviceId;
        uint32 moduleId;
        uint32 operatorId;
        uint16 bps;
        uint40 requestedAt;
        SlashStatus status;
        uint96 lockedBond;
        bytes32 evidence;
    }

    // ---------------------------------------------------------------- errors
    error UnknownService(uint256 serviceId);
    error TooManyServices(uint256 max);
    error InvalidServiceParams();
    error ServiceNotActive(uint256 serviceId, ServiceStatus status);
    error InvalidStatusChange(ServiceStatus from, ServiceStatus to);
    error NotOperatorManager(uint256 moduleId, uint256 operatorId, address caller);
    error ModuleRegistryMismatch(address module, address moduleRegistry);
    error AlreadyOptedIn(uint256 serviceId, uint256 moduleId, uint256 operatorId);
    error NotOptedIn(uint256 serviceId, uint256 moduleId, uint256 operatorId);
    error TooManyOperators(uint256 max);
    error NotEnoughOperators(uint256 given, uint256 minOperators);
    error AllocationNotPlaceable(uint256 requested, uint256 placeable);
    error ExposureLimitExceeded(uint256 tier, uint256 needed, uint256 available);
    error NotSlasher(uint256 serviceId, address caller);
    error SlashBpsTooHigh(uint256 bps, uint256 maxSlashBps);
    error NoStake(uint256 serviceId, uint256 moduleId, uint256 operatorId);
    error UnknownSlash(uint256 slashId);
    error SlashNotPending(uint256 slashId, SlashStatus status);
    error VetoWindowOver(uint256 slashId, uint256 endsAt);
    error VetoWindowOpen(uint256 slashId, uint256 endsAt);
    error ZeroAmount();
    error RedeemDelayTooShort(uint256 classId, uint256 delay, uint256 needed);
    error NotAccounting(address caller);
    error EthTransferFailed(address to, uint256 amount);
    error TooManyPendingSlashes(uint256 max);
    error TooManyRegistrations(uint256 max);
    error WrongRegistrationFee(uint256 paid, uint256 fee);
    error SlashTooSmall(uint256 expected, uint256 minSlashAmount);
    error TooManyAllocatedOperators(uint256 total, uint256 max);
    /// @dev The change would leave the certified γ below the minimum (and lower than before).
    error RobustnessTooLow(uint256 gammaBps, uint256 minGammaBps);
    /// @dev A service with a profit from corruption would have no slashable stake securing it.
    error UnbackedService(uint256 serviceId);
    /// @dev The service's slasher may only raise π_s and lower α_s (governance sets any value).
    error RiskNotTightened(uint256 profit, uint256 newProfit, uint256 alphaBps, uint256 newAlphaBps);
    error InvalidRiskParams(uint256 alphaBps);
    error InvalidMinGamma(uint256 minGammaBps);

    // ---------------------------------------------------------------- events
    event ServiceRegistered(uint256 indexed serviceId, address indexed registrant, ServiceParams params);
    event ServiceStatusChanged(uint256 indexed serviceId, ServiceStatus status);
    event OptedIn(uint256 indexed serviceId, uint256 indexed moduleId, uint256 indexed operatorId);
    /// @notice The module holds no operator bonds (probed at its operators' first opt-in):
    /// slash requests against its operators make no bond-lock call.
    event ModuleBondless(uint256 indexed moduleId);
    /// @notice The module behind `moduleId`, recorded at its operators' first opt-in: the
    /// registry books slashes and bond locks with it directly.
    event ModuleRecorded(uint256 indexed moduleId, address module);
    event OptOutRequested(
        uint256 indexed serviceId,
        uint256 indexed moduleId,
        uint256 indexed operatorId,
        uint256 effectiveAt
    );
    event AllocationSet(uint256 indexed serviceId, uint256 allocation, uint256 operators);
    event AllocationScaled(uint256 indexed serviceId, uint256 from, uint256 to, uint256 releaseAt);
    event SlashRequested(
        uint256 indexed slashId,
        uint256 indexed serviceId,
        uint256 moduleId,
        uint256 operatorId,
        uint256 bps,
        bytes32 evidence
    );
    event SlashVetoed(uint256 indexed slashId, address indexed by);
    /// @notice An executed slash: `amount` is the slash X (stake · bps); the operator's bond
    /// paid `bondCharged` and the classes `classLoss` (together less than X when no class could
    /// absorb the rest). The operator is the request's (`getSlash`).
    event SlashExecuted(uint256 indexed slashId, uint256 amount, uint256 bondCharged, uint256 classLoss);
    /// @notice The slash parameters Accounting handed over (its `Params` stay the source).
    event SlashParamsSet(address exits, uint256 slashPenaltyBps, uint256 exitDeadline);
    /// @notice An execution charged `taken` wei of this pending request's bond lock (its own
    /// lock and the free bond fell short); `lockedBond` is what the request still holds.
    event SlashLockTaken(uint256 indexed slashId, uint256 taken, uint256 lockedBond);
    event RewardsPaid(uint256 indexed serviceId, address indexed payer, uint256 amount);
    event CoverFactorSet(uint256 coverFactorBps);
    event MinSlashAmountSet(uint256 amount);
    event RegistrationFeeSet(uint256 fee);
    /// @notice The certified γ of the network changed (bps; type(uint256).max = no load at all).
    event RobustnessChanged(uint256 fromGammaBps, uint256 toGammaBps);
    event ServiceRiskSet(uint256 indexed serviceId, uint256 profitFromCorruption, uint256 attackThresholdBps);
    event MinGammaSet(uint256 minGammaBps);
    /// @notice A service with π_s > 0 was left with no slashable stake securing it (an exit, a
    /// slash, or the report retiring its allocation to restore γ). It is outside the certified
    /// graph and corruptible for free until governance backs it again, lowers π_s or retires it.
    event ServiceUnbacked(uint256 indexed serviceId, uint256 profitFromCorruption);

    // ---------------------------------------------------------------- services
    /// @notice Registers a service (status Pending until governance approves). Anyone, paying
    /// exactly `registrationFee()` (booked as the service's rewards: the classes it would expose
    /// earn it at the next report). At most MAX_SERVICES services that are not retired.
    /// @return serviceId the new id
    function registerService(ServiceParams calldata params) external payable returns (uint256 serviceId);

    /// @notice Approves, pauses, resumes or retires a service. SERVICE_MANAGER_ROLE. Approval
    /// checks the redemption-delay rule for every exposed class.
    function setServiceStatus(uint256 serviceId, ServiceStatus status) external;

    /// @notice Pays rewards to the classes the service exposes (booked at the next report). Anyone.
    function payRewards(uint256 serviceId) external payable;

    // ---------------------------------------------------------------- operators
    /// @notice Opts an operator in to a service. The operator's manager only.
    function optIn(uint256 serviceId, uint256 moduleId, uint256 operatorId) external;

    /// @notice Opts out. The operator's allocation is removed at once (the service's allocation
    /// falls by it); that stake stays slashable (deallocating) until the opt-out takes effect,
    /// after the service's slashing window. Never refused by the robustness gate (leaving is the
    /// operator's right); the new γ is published (`RobustnessChanged`).
    function optOut(uint256 serviceId, uint256 moduleId, uint256 operatorId) external;

    // ---------------------------------------------------------------- robustness gate
    /// @notice Declares the service's profit from corruption π_s (wei) and attack threshold α_s
    /// (bps of its securing stake a coalition needs), DESIGN §8. The service's slasher may only
    /// tighten them (raise π, lower α); SERVICE_MANAGER_ROLE (governance) sets any value. π > 0
    /// needs slashable stake securing the service (else `UnbackedService`): declare it once the
    /// service is allocated. Reverts `RobustnessTooLow` when the certified γ after the call is
    /// below `minGammaBps()` and the call raised the largest operator load max_v T_v (so a raise
    /// of π is refused while γ is already 0; a change that does not raise the load — de-risking —
    /// always goes through).
    function setServiceRisk(
        uint256 serviceId,
        uint256 profitFromCorruption,
        uint256 attackThresholdBps
    ) external;

    /// @notice Sets the minimum certified γ (bps) allocations and risk changes must keep.
    /// DEFAULT_ADMIN_ROLE. Default 1,000 (10 %).
    function setMinGamma(uint256 minGammaBps) external;

    // ---------------------------------------------------------------- allocator
    /// @notice Sets the stake securing a service, split over the given opted-in operators by
    /// active stake, each capped at `maxOperatorShareBps`. ALLOCATOR_ROLE. Only operators with
    /// active stake count toward `minOperators`. When the call raises the service's slashable
    /// stake (allocation plus stake still deallocating), the exposure limit is checked for every
    /// tier with every service's deallocating stake counted. The robustness gate then refuses a
    /// call that leaves the certified γ below `minGammaBps()` and raised the largest operator
    /// load max_v T_v (`RobustnessTooLow`), or a service with π > 0 without securing stake
    /// (`UnbackedService`).
    /// @param operatorKeys `moduleId << 32 | operatorId` of each operator
    function setAllocation(uint256 serviceId, uint256 amount, uint64[] calldata operatorKeys) external;

    // ---------------------------------------------------------------- slashing
    /// @notice Requests a slash of `bps` of the operator's allocated stake. The service's slasher
    /// only. The expected amount (stake × bps) must be at least `minSlashAmount()`.
    /// @return slashId the request id
    function requestSlash(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId,
        uint256 bps,
        bytes32 evidence
    ) external returns (uint256 slashId);

    /// @notice Cancels a pending slash within the veto window. VETO_ROLE.
    function vetoSlash(uint256 slashId) external;

    /// @notice Executes a slash after its veto window. Anyone. The registry books it itself:
    /// one module call (`IStakingModule.onSlash`: the request's bond lock released, the free
    /// bond charged first and sent to the pool, the operator's validators asked to exit), one
    /// pool call (`ICascadePool.settleSlash`: the rest from the classes junior first, the
    /// recipient paid) and, only when the module's reputation penalty is non-zero, one router
    /// call (`IStakingRouter.penalizeSlash`).
    /// @return amount wei slashed (bond first, then the exposed classes junior first)
    function executeSlash(uint256 slashId) external returns (uint256 amount);

    /// @notice The module an execution is slashing, while its `onSlash` runs (address(0) at any
    /// other time): the only sender whose ETH the pool takes as a slash's bond charge.
    function slashingModule() external view returns (address module);

    // ---------------------------------------------------------------- accounting
    /// @notice Takes Accounting's slash parameters: the ExitManager an executed slash asks for
    /// exits, the reputation penalty (bps) and the exit deadline (seconds). Accounting only
    /// (`setServiceRegistry` and every `setParams`).
    function setSlashParams(address exits, uint256 slashPenaltyBps, uint256 exitDeadline) external;

    /// @notice Hands the rewards paid since the last report to the pool, at most `maxTotal`, in
    /// tier order (the rest stays pending for later reports). Accounting only.
    /// @param maxTotal what the report's reward cap leaves for service rewards (§9)
    /// @return paid per tier booked now (only tiers with rewards pending), tiers ascending
    /// @return tiers their tiers
    function collectRewards(uint256 maxTotal) external returns (uint256[] memory paid, uint8[] memory tiers);

    /// @notice Scales allocations down where losses or redemptions broke the exposure limit, in
    /// one pass (each service once, by the smallest ratio over the tiers that count it).
    /// Deallocating stake is not counted here: it cannot be scaled. Then re-reads the active
    /// stake of every operator carrying robustness load and, when the certified γ is below
    /// `minGammaBps()`, restores it: retires the whole allocation of the binding service (the
    /// largest q_s on the most loaded operator) until γ ≥ the minimum — at most 4
    /// such steps, then every remaining gated allocation at once. Each retired
    /// service emits `AllocationScaled(…, 0, releaseAt)` (its stake stays slashable for the
    /// slashing window) and `ServiceUnbacked`. Publishes the new γ (`RobustnessChanged`).
    /// Accounting only, with every class's NAV as the pool's `applyReport` just booked it (the
    /// pool is not read again: nothing moves a NAV between the two calls).
    /// @param navs the pool's class NAVs after the report (`navs()`), one per class
    function enforceExposure(uint256[] calldata navs) external;

    // ---------------------------------------------------------------- views
    function serviceCount() external view returns (uint256);

    function getService(uint256 serviceId) external view returns (Service memory);

    /// @notice The running totals of tier `tier` (1 ≤ tier < 8): service rewards paid and not
    /// yet booked by a report, and `Σ ⌊a_s · maxSlashBps_s / 10⁴⌋` over its services (the
    /// allocations' part of `exposure`, kept where allocations change).
    function tierTotals(uint256 tier) external view returns (uint256 pendingRewards, uint256 allocated);

    function getSlash(uint256 slashId) external view returns (SlashRequest memory);

    /// @notice Slashable stake of an operator in a service now (allocation plus what is still deallocating).
    function stakeOf(uint256 serviceId, uint256 moduleId, uint256 operatorId) external view returns (uint256);

    /// @notice Operators allocated to a service (keys) and their stakes.
    function allocationOf(
        uint256 serviceId
    ) external view returns (uint64[] memory keys, uint256[] memory stakes);

    /// @notice `Σ_{s: tier_s ≥ t} (a_s + d_s) · maxSlashBps_s / 10⁴` (d_s: stake still
    /// deallocating, slashable) and `coverFactor · Σ_{k ≥ t} nav_k` for tier `t`.
    function exposure(uint256 tier) external view returns (uint256 needed, uint256 available);

    /// @notice Longest `slashingWindow + vetoWindow` of the services class `classId` is exposed to.
    function requiredRedeemDelay(uint256 classId) external view returns (uint256);

    /// @notice Slash requests still pending (ids), for keepers and for `previewDeposit` warnings.
    function pendingSlashes() external view returns (uint256[] memory);
    /// @notice Stake of the service still deallocating (slashable) and the latest release time.
    function deallocatingOf(uint256 serviceId) external view returns (uint256 amount, uint256 until);
    /// @notice Smallest expected slash (wei) a request may ask for.
    function minSlashAmount() external view returns (uint256);
    /// @notice Wei a registration must pay.
    function registrationFee() external view returns (uint256);
    /// @notice Registered services not retired (bounded by MAX_SERVICES).
    function liveServiceCount() external view returns (uint256);
    /// @notice The code this implementation runs by DELEGATECALL on the registry's storage:
    /// ServiceAllocations (`setAllocation`, `setServiceRisk`, `enforceExposure`) and
    /// ServiceSlashing (`requestSlash`, `vetoSlash`, `executeSlash`, `optOut`). Called directly,
    /// they revert.
    function extensions() external view returns (address allocations, address slashing);
    /// @notice The network's certified robustness γ_cert = min_v 1/T_v − 1 in bps, rounded down
    /// (never above the exact certified value) over the services with securing stake; 0 when
    /// nothing is certified (some T_v ≥ 1); type(uint256).max when no operator carries load.
    /// Unbacked services (π > 0, σ_s = 0: they hold no stake) are outside it, flagged by
    /// `ServiceUnbacked` and by `serviceRisk`'s quota (2^200).
    function certifiedGammaBps() external view returns (uint256);
    /// @notice T_v = Σ_{s∈N(v), π_s>0} π_s/(α_s·σ_s) of an operator, in 1e18 units, each term
    /// rounded up; and its σ_v = min(active stake when last read, Σ_s ⌊a_{s,v}·maxSlashBps_s/10⁴⌋).
    function operatorLoad(
        uint256 moduleId,
        uint256 operatorId
    ) external view returns (uint256 load, uint256 sigma);
    /// @notice The service's π_s, α_s, and (while π_s > 0) σ_s = Σ_{v∈N(s)} σ_v and its load
    /// share q_s = ⌈π_s·10²²/(α_s·σ_s)⌉ (2^200 while unbacked: π_s > 0 and σ_s = 0).
    function serviceRisk(
        uint256 serviceId
    ) external view returns (uint256 profit, uint256 alphaBps, uint256 sigma, uint256 quota);
    /// @notice Cascade bound (1 + 1/γ)·ψ (Theorem 1) for a shock of ψ (bps of stake), in bps,
    /// rounded up, from the certified γ; type(uint256).max when γ_cert = 0 (no bound).
    function cascadeBoundBps(uint256 psiBps) external view returns (uint256);
    /// @notice The minimum certified γ (bps) the gate keeps.
    function minGammaBps() external view returns (uint256);
    /// @notice Sets the minimum expected slash of a request. DEFAULT_ADMIN_ROLE.
    function setMinSlashAmount(uint256 amount) external;
    /// @notice Sets the registration fee. DEFAULT_ADMIN_ROLE.
    function setRegistrationFee(uint256 fee) external;
}
