// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";
import {IExitManager} from "./interfaces/IExitManager.sol";
import {IReportOracle} from "./interfaces/IReportOracle.sol";
import {IServiceRegistry} from "./interfaces/IServiceRegistry.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS, DEPOSIT_SIZE, MAX_FEE_BPS} from "./libraries/Constants.sol";
import {Reputation} from "./libraries/Reputation.sol";
import {ModuleWord} from "./router/ModuleWord.sol";
import {Waterfall} from "./libraries/Waterfall.sol";

/// @title Accounting
/// @notice Applies an agreed oracle report in DESIGN §6's order after the §9 sanity checks:
/// it only coordinates; the router keeps module state, the pool keeps the ETH, the class NAVs
/// and the redemptions.
contract Accounting is CascadeUpgradeable, IAccounting {
    uint256 private constant YEAR = 365 days;

    /// @notice The StakingRouter (module state, vault pulls, bond charges).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IStakingRouter public immutable ROUTER;
    /// @notice The CascadePool (buffered ETH, the class book, redemptions, payouts).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICascadePool public immutable POOL;
    /// @notice The ExitManager (§6 step 9).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IExitManager public immutable EXITS;
    /// @notice The withdrawal vault (§9: a report's withdrawn ETH is in it; pulled into the pool).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable WITHDRAWAL_VAULT;
    /// @notice The execution-rewards vault (§9: a report's EL rewards are in it; pulled into the pool).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable EL_VAULT;

    /// @custom:storage-location erc7201:cascade.storage.Accounting
    struct AccountingStorage {
        // One slot a report reads cold once (the caller check) and writes once.
        address oracle;
        uint48 lastReportTime;
        uint48 lastRefSlot;
        Params params;
        IServiceRegistry registry;
        // The §9 limits (a `Limits`, field by field) share the registry link's slot: a report
        // reads both, one cold slot.
        uint16 maxAprBps;
        uint16 maxDropBps;
        uint16 maxExitRequests;
        uint16 maxLosses;
        uint16 maxFinalizePerReport;
        uint16 maxRewardAprBps;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.Accounting")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x4a3ce5a0e1acc8bccd500f03e18f47096fdca6b9557a52f65a435527530e8900;

    function _s() private pure returns (AccountingStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice The three proxies and the two vaults a report uses are fixed per implementation
    /// (a report reads no storage slot for them); an upgrade names them again.
    /// @param router the StakingRouter proxy
    /// @param exits the ExitManager proxy
    /// @param pool the CascadePool proxy
    /// @param withdrawalVault the router's withdrawal vault (its withdrawal credentials)
    /// @param elVault the router's execution-rewards vault (its validators' fee recipient)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router, address exits, address pool, address withdrawalVault, address elVault) {
        require(router != address(0) && exits != address(0) && pool != address(0), ZeroAddress());
        require(withdrawalVault != address(0) && elVault != address(0), ZeroAddress());
        ROUTER = IStakingRouter(router);
        EXITS = IExitManager(exits);
        POOL = ICascadePool(pool);
        WITHDRAWAL_VAULT = withdrawalVault;
        EL_VAULT = elVault;
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param oracle the ReportOracle, or zero to link it later with `setOracle`
    /// @param limits_ the §9 sanity limits
    /// @param params_ fee and reputation parameters
    function initialize(
        address admin,
        address oracle,
        Limits calldata limits_,
        Params calldata params_
    ) external initializer {
        __Cascade_init(admin);
        // The oracle may be zero here and linked once with setOracle: it is deployed after this
        // proxy because it points at it (proxies are never left uninitialized).
        AccountingStorage storage $ = _s();
        $.oracle = oracle;
        $.lastReportTime = SafeCast.toUint48(block.timestamp);
        _setLimits(limits_);
        _setParams(params_);
    }

    // ---------------------------------------------------------------- report

    /// @dev What steps 1, 3 and 8 need of every module, gathered during the sanity pass from one
    /// `reportStates` call per report (two router slots per module, as raw ModuleWord words). A
    /// report cannot change these before they are used: fees need the module manager role,
    /// reputation changes only in the report's own router call.
    struct ModuleInputs {
        uint16[] feeBps;
        address[] recipients; // module fee recipients by id, then the treasury
        uint256[] words; // per module, the report's fields for the router (step 1 state, step 8 reputation)
        int256[] deltas; // step 1's Δ_m, before bond cover
        uint256 withdrawn; // Σ withdrawn: pulled from the withdrawal vault
        uint256 elBooked; // EL rewards pulled this report (≤ the reward cap)
        uint256 serviceBudget; // what is left of the reward cap for pending service rewards
        bool servicesCapped; // the service rewards booked used up serviceBudget: some may wait
        uint256[] navs; // the class NAVs the pool booked (steps 3–7), for the exposure check
    }

    /// @inheritdoc IAccounting
    function handleReport(Report calldata report) external {
        AccountingStorage storage $ = _s();
        require(msg.sender == $.oracle, NotOracle(msg.sender));
        IStakingRouter router = ROUTER;
        ModuleInputs memory inputs = _checkSanity(report, router, _reportSpan(report.refSlot));
        uint256 count = inputs.feeBps.length;
        ($.lastRefSlot, $.lastReportTime) = (
            SafeCast.toUint48(report.refSlot),
            SafeCast.toUint48(block.timestamp)
        );

        // 1. Module deltas, in one router call with each module's 8. reputation: nothing in
        // steps 2–10 reads a reputation, so booking it here is the spec's order as anyone can
        // observe it, for one call instead of two. Then the vault and EL ETH move into buffered:
        // the pool pulls them from the two vaults (each pays only the pool). EL rewards above
        // the cap stay in the vault for later reports (§9).
        router.applyModuleReports(inputs.words);
        if (inputs.withdrawn + inputs.elBooked != 0)
            POOL.pullFromVaults(WITHDRAWAL_VAULT, inputs.withdrawn, EL_VAULT, inputs.elBooked);
        int256[] memory deltas = inputs.deltas;
        // 2. Bond cover: each operator's loss is charged to its own bond first.
        for (uint256 i; i < report.losses.length; ++i) {
            OperatorLoss calldata l = report.losses[i];
            uint256 charged = router.chargeOperatorBond(l.moduleId, l.operatorId, l.amount);
            deltas[l.moduleId] += SafeCast.toInt256(charged);
            emit BondCoverCharged(l.moduleId, l.operatorId, l.amount, charged);
        }
        // 3–7. Rewards, fees, split, premium, service rewards, losses.
        (uint256 rewards, uint256 rewardsNet, uint256 loss, uint256 treasuryFee) = _applyMoney(
            inputs,
            count,
            deltas
        );
        // Only when the cap held something back (or may have: services booked the whole budget).
        if (inputs.elBooked != report.elRewards || inputs.servicesCapped)
            emit RewardsCapped(report.elRewards, inputs.elBooked, inputs.serviceBudget);
        // Losses or redemptions may have broken the exposure limit: scale allocations down, on
        // the NAVs the pool just booked (nothing since moved one: `_accrueEth` pays from
        // buffered ETH only), so the registry does not read them back from the pool.
        if (address($.registry) != address(0)) $.registry.enforceExposure(inputs.navs);
        // 9. Exit requests (8. was booked with step 1).
        if (report.exits.length != 0 || report.operatorExits.length != 0)
            EXITS.applyReportExits(
                report.exits,
                report.operatorExits,
                block.timestamp + $.params.exitDeadline
            );
        // 10. Service debt first, then redemptions (buffered → reserved), both before any new
        // validator: the pool's finalize repays the debt first (one call for both). The pool
        // caps the budget at its buffered ETH (one call less than reading it here).
        uint256 finalized = POOL.finalize(type(uint256).max, $.maxFinalizePerReport);
        emit ReportApplied(report.refSlot, rewards, rewardsNet, loss, treasuryFee, finalized);
    }

    /// @notice Links the oracle once, when `initialize` left it unset. DEFAULT_ADMIN_ROLE.
    function setOracle(address oracle) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AccountingStorage storage $ = _s();
        require($.oracle == address(0), ServiceRegistryAlreadySet());
        require(oracle != address(0), ZeroAddress());
        $.oracle = oracle;
        emit OracleSet(oracle);
    }

    /// @inheritdoc IAccounting
    function setServiceRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AccountingStorage storage $ = _s();
        require(address($.registry) == address(0), ServiceRegistryAlreadySet());
        require(registry != address(0), ZeroAddress());
        $.registry = IServiceRegistry(registry);
        emit ServiceRegistrySet(registry);
        _pushSlashParams($);
    }

    /// @dev The registry books executed slashes itself (no hop through this contract): it
    /// keeps a copy of what it needs from these parameters, beside the slot it reads anyway.
    function _pushSlashParams(AccountingStorage storage $) private {
        IServiceRegistry registry = $.registry;
        if (address(registry) != address(0))
            registry.setSlashParams(address(EXITS), $.params.slashPenaltyBps, $.params.exitDeadline);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAccounting
    function pooled() external view returns (uint256) {
        return POOL.buffered() + ROUTER.clBalanceTotal() + ROUTER.transientBalance() - POOL.debt();
    }

    /// @notice Sanity limits.
    function limits() external view returns (Limits memory) {
        return _limits();
    }

    /// @notice Fee and reputation parameters.
    function params() external view returns (Params memory) {
        return _s().params;
    }

    /// @notice The last applied refSlot and when it was applied.
    function lastReport() external view returns (uint256 refSlot, uint256 time) {
        AccountingStorage storage $ = _s();
        return ($.lastRefSlot, $.lastReportTime);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IAccounting
    function setLimits(Limits calldata l) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setLimits(l);
    }

    /// @inheritdoc IAccounting
    function setParams(Params calldata p) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(p);
    }

    // ---------------------------------------------------------------- internal

    function _applyMoney(
        ModuleInputs memory f,
        uint256 count,
        int256[] memory deltas
    ) private returns (uint256 rewards, uint256 rewardsNet, uint256 loss, uint256 treasuryFee) {
        uint256[] memory moduleFees;
        (rewards, moduleFees, treasuryFee, rewardsNet, loss) = Waterfall.rewardsAndFeesDown(
            deltas,
            f.feeBps,
            f.elBooked,
            _s().params.treasuryFeeBps
        );
        f.recipients[count] = _s().params.treasury;
        _bookMoney(f, moduleFees, treasuryFee, rewardsNet, loss);
    }

    /// @dev Sums the fees per distinct recipient in order of first appearance (module fee
    /// recipients by id, then the treasury, the last entry of `recipients`), so each recipient's
    /// shares are minted once (DESIGN §2 (3)). Shrinks `recipients` to the distinct ones.
    function _perRecipient(
        address[] memory recipients,
        uint256[] memory moduleFees,
        uint256 treasuryFee
    ) private pure returns (uint256[] memory fees, uint256 treasuryIndex) {
        uint256 count = moduleFees.length;
        fees = new uint256[](count + 1);
        uint256 n;
        // One bit per low address byte seen: a clear bit proves a recipient new without a scan
        // (linear for distinct recipients); a set bit scans the distinct ones found so far.
        uint256 seen;
        for (uint256 i; i <= count;) {
            address r = recipients[i];
            uint256 bit = 1 << (uint160(r) & 0xff);
            uint256 j = n;
            if (seen & bit == 0) seen |= bit;
            else for (j = 0; j < n && recipients[j] != r;) ++j;
            if (j == n) recipients[n++] = r;
            fees[j] += i < count ? moduleFees[i] : treasuryFee;
            treasuryIndex = j; // the last entry is the treasury
            unchecked {
                ++i; // ≤ count
            }
        }
        assembly ("memory-safe") {
            mstore(recipients, n)
            mstore(fees, n)
        }
    }

    /// @dev Steps 3–7 in the book, with the service rewards collected since the last report.
    function _bookMoney(
        ModuleInputs memory f,
        uint256[] memory moduleFees,
        uint256 treasuryFee,
        uint256 rewardsNet,
        uint256 loss
    ) private {
        AccountingStorage storage $ = _s();
        address[] memory recipients = f.recipients;
        (uint256[] memory fees, uint256 treasuryIndex) = _perRecipient(recipients, moduleFees, treasuryFee);
        (uint256[] memory servicePaid, uint8[] memory serviceTiers) = address($.registry) == address(0)
            ? (new uint256[](0), new uint8[](0))
            : $.registry.collectRewards(f.serviceBudget);
        if (f.serviceBudget != type(uint256).max) {
            uint256 booked;
            for (uint256 i; i < servicePaid.length; ++i) booked += servicePaid[i];
            f.servicesCapped = booked >= f.serviceBudget;
        }
        uint256[] memory feeEth;
        (feeEth, f.navs) = POOL.applyReport(
            IYieldClasses.ReportMoney({
                fees: fees,
                feeRecipients: recipients,
                treasuryIndex: treasuryIndex,
                rewardsNet: rewardsNet,
                servicePaid: servicePaid,
                serviceTiers: serviceTiers,
                serviceFeeBps: $.params.serviceFeeBps,
                loss: loss
            })
        );
        // Every class wiped (§5): no class can take the fees, so their recipients are owed ETH,
        // claimable from the pool's payout ledger (paid from buffered now, the rest as debt
        // repaid before any redemption), one entry per recipient in the same order. The pool
        // shrinks by exactly what no class booked.
        for (uint256 i; i < feeEth.length; ++i) _accrueEth(recipients[i], feeEth[i]);
    }

    function _accrueEth(address recipient, uint256 amount) private {
        if (amount == 0) return;
        emit FeeAccruedAsEth(recipient, amount);
        POOL.payServiceSlash(recipient, amount);
    }

    /// @dev Every §9 rule, each with its own error.
    function _checkSanity(
        Report calldata report,
        IStakingRouter router,
        uint256 span
    ) private view returns (ModuleInputs memory f) {
        AccountingStorage storage $ = _s();
        Limits memory lim = _limits();
        (uint256[] memory ws, address[] memory rs) = router.reportStates();
        uint256 count = ws.length;
        f.feeBps = new uint16[](count);
        f.recipients = new address[](count + 1);
        f.words = new uint256[](count);
        f.deltas = new int256[](count);
        require(report.refSlot > $.lastRefSlot, RefSlotNotIncreasing(report.refSlot, $.lastRefSlot));
        _checkLists(report, count, lim);
        Totals memory t;
        {
            Params memory p = $.params; // one read, not two per module
            for (uint256 id; id < count;) {
                f.recipients[id] = rs[id];
                _checkModule(report.modules[id], ws[id], id, f, t, p); // read in place: no copy
                unchecked {
                    ++id; // < count
                }
            }
        }
        f.withdrawn = t.withdrawn;
        {
            // Read once each (a custom error's arguments are evaluated even when the check
            // passes), and only for a vault the report claims ETH from: 0 ≤ any balance.
            if (t.withdrawn != 0) {
                uint256 wb = WITHDRAWAL_VAULT.balance;
                require(t.withdrawn <= wb, WithdrawnAboveVault(t.withdrawn, wb));
            }
            uint256 el = report.elRewards;
            if (el != 0) {
                uint256 eb = EL_VAULT.balance;
                require(el <= eb, ElRewardsAboveVault(el, eb));
            }
        }
        // Annualized CL gain over the reference-slot span ≤ maxApr; one-report drop ≤ maxDrop plus
        // what slashings explain.
        {
            uint256 maxGain = (t.base * lim.maxAprBps * span) / (BPS * YEAR);
            require(t.gain <= maxGain, AprTooHigh(t.gain, maxGain));
        }
        {
            uint256 maxDrop = (t.base * lim.maxDropBps) / BPS + t.slashed * DEPOSIT_SIZE;
            require(t.drop <= maxDrop, DropTooHigh(t.drop, maxDrop));
        }
        _capRewards(f, report.elRewards, t.base, span, lim.maxRewardAprBps);
    }

    /// @dev One entry per module, lists within their limits, every module id known.
    function _checkLists(Report calldata report, uint256 count, Limits memory lim) private pure {
        require(report.modules.length == count, ModuleCountMismatch(report.modules.length, count));
        require(
            report.exits.length <= lim.maxExitRequests,
            TooManyExitRequests(report.exits.length, lim.maxExitRequests)
        );
        require(report.losses.length <= lim.maxLosses, TooManyLosses(report.losses.length, lim.maxLosses));
        for (uint256 i; i < report.losses.length; ++i) {
            require(report.losses[i].moduleId < count, UnknownModuleId(report.losses[i].moduleId));
        }
        for (uint256 i; i < report.exits.length; ++i) {
            require(report.exits[i].moduleId < count, UnknownModuleId(report.exits[i].moduleId));
        }
        for (uint256 i; i < report.operatorExits.length; ++i) {
            require(
                report.operatorExits[i].moduleId < count,
                UnknownModuleId(report.operatorExits[i].moduleId)
            );
        }
    }

    /// @dev The sanity pass's running sums over the modules.
    struct Totals {
        uint256 base;
        uint256 gain;
        uint256 drop;
        uint256 slashed;
        uint256 withdrawn;
    }

    /// @dev One module's §9 checks, its step-8 reputation and the report's fields of its router
    /// word (ModuleWord), its step-1 delta and its share of the running sums. `r` is read in
    /// place from calldata (each field checked to fit its type as it is read; no memory copy);
    /// `w` is the module's word as stored.
    function _checkModule(
        ModuleReport calldata r,
        uint256 w,
        uint256 id,
        ModuleInputs memory f,
        Totals memory t,
        Params memory p
    ) private pure {
        _checkCounts(r, w, id);
        uint256 validators = r.clValidators;
        uint256 balance = r.clBalance;
        uint256 slashed = r.slashedValidators;
        f.feeBps[id] = uint16(ModuleWord.moduleFeeBps(w));
        // The counts fit the word's 32 bits (≤ deposited); the balance is checked here, the
        // reputation is ≤ 10⁴ (every input of the update is).
        {
            uint256 rep = Reputation.update(
                ModuleWord.reputationBps(w),
                r.perfBps,
                p.lambdaBps,
                slashed,
                p.slashPenaltyBps
            );
            f.words[id] = ModuleWord.reportFields(validators, r.exited, SafeCast.toUint96(balance), rep);
        }
        unchecked {
            // Bounded by the types and §9: each module adds a slashed count < 2¹⁶ and a withdrawn
            // amount < 2¹²⁸, far from overflow over any number of modules.
            t.slashed += slashed;
            t.withdrawn += r.withdrawn;
        }
        f.deltas[id] = _addDelta(t, w, validators, balance, r.withdrawn);
    }

    /// @dev One module's count checks (§9), each with its own error.
    function _checkCounts(ModuleReport calldata r, uint256 w, uint256 id) private pure {
        uint256 validators = r.clValidators;
        uint256 exited = r.exited;
        uint256 validators0 = ModuleWord.clValidators(w);
        require(validators >= validators0, ValidatorsDecreased(id, validators, validators0));
        {
            uint256 deposited = ModuleWord.deposited(w);
            require(validators <= deposited, ValidatorsAboveDeposited(id, validators, deposited));
            uint256 exited0 = ModuleWord.exited(w);
            require(exited >= exited0, ExitedDecreased(id, exited, exited0));
        }
        require(exited <= validators, ExitedAboveValidators(id, exited, validators));
        uint256 perf = r.perfBps;
        require(perf <= BPS, PerfTooHigh(id, perf));
        // Each slashing explains up to 32 ETH of drop: never more than the validators seen.
        uint256 slashed = r.slashedValidators;
        require(slashed <= validators, SlashedAboveValidators(id, slashed, validators));
    }

    /// @dev Step 1's Δ_m (before bond cover, `Waterfall.moduleDelta`: its bounds hold here,
    /// validators ≥ validators0 by `ValidatorsDecreased` and ≤ deposited < 2³² by
    /// `ValidatorsAboveDeposited`, balances and withdrawn < 2¹²⁸ by their types) and its share of
    /// the CL base, gain and drop sums (each gains < 2¹³⁰ per module: unchecked).
    function _addDelta(
        Totals memory t,
        uint256 w,
        uint256 validators,
        uint256 balance,
        uint256 withdrawn
    ) private pure returns (int256 d) {
        uint256 balance0 = ModuleWord.clBalance(w);
        uint256 added;
        (d, added) = Waterfall.moduleDelta(
            balance0,
            balance,
            withdrawn,
            ModuleWord.clValidators(w),
            validators
        );
        unchecked {
            if (d > 0) t.gain += uint256(d);
            else t.drop += uint256(-d);
            t.base += balance0 + added;
        }
    }

    /// @dev EL then service rewards, together at most maxRewardApr on the CL cap's base and span:
    /// a large MEV frame is booked over several reports, so a deposit just before one report
    /// earns no more than that APR on itself (§9). The excess is not booked, not rejected: it
    /// waits in its vault or in the registry. `aprBps` 0 = no cap (tests and devnets only).
    function _capRewards(
        ModuleInputs memory f,
        uint256 elRewards,
        uint256 base,
        uint256 span,
        uint256 aprBps
    ) private pure {
        if (aprBps == 0) {
            (f.elBooked, f.serviceBudget) = (elRewards, type(uint256).max);
            return;
        }
        uint256 maxReward = (base * aprBps * span) / (BPS * YEAR);
        f.elBooked = elRewards < maxReward ? elRewards : maxReward;
        f.serviceBudget = maxReward - f.elBooked;
    }

    /// @dev Seconds the report's balances accrued over: from the last applied report's reference
    /// slot to this one's (the first report counts from initialization), not the wall-clock time
    /// between applications: an honest report right after a late one must pass, and a stale
    /// report applied long after its slot must not earn the gap. A reference time in the future
    /// counts only up to now.
    function _reportSpan(uint256 refSlot) private view returns (uint256) {
        AccountingStorage storage $ = _s();
        (uint256 genesis, uint256 secondsPerSlot, ) = IReportOracle($.oracle).frameConfig();
        uint256 to = genesis + refSlot * secondsPerSlot;
        if (to > block.timestamp) to = block.timestamp;
        uint256 last = $.lastRefSlot;
        uint256 from = last == 0 ? $.lastReportTime : genesis + last * secondsPerSlot;
        return to > from ? to - from : 0;
    }

    function _setLimits(Limits calldata l) private {
        require(l.maxAprBps != 0 && l.maxDropBps <= BPS && l.maxFinalizePerReport != 0, InvalidParam());
        AccountingStorage storage $ = _s();
        ($.maxAprBps, $.maxDropBps, $.maxExitRequests) = (l.maxAprBps, l.maxDropBps, l.maxExitRequests);
        ($.maxLosses, $.maxFinalizePerReport, $.maxRewardAprBps) = (
            l.maxLosses,
            l.maxFinalizePerReport,
            l.maxRewardAprBps
        );
        emit LimitsSet(l);
    }

    /// @dev The limits as a `Limits` (one slot, shared with the registry link).
    function _limits() private view returns (Limits memory) {
        AccountingStorage storage $ = _s();
        return
            Limits({
                maxAprBps: $.maxAprBps,
                maxDropBps: $.maxDropBps,
                maxExitRequests: $.maxExitRequests,
                maxLosses: $.maxLosses,
                maxFinalizePerReport: $.maxFinalizePerReport,
                maxRewardAprBps: $.maxRewardAprBps
            });
    }

    function _setParams(Params calldata p) private {
        require(p.treasury != address(0), ZeroAddress());
        require(
            p.treasuryFeeBps <= MAX_FEE_BPS &&
                p.serviceFeeBps <= BPS &&
                p.lambdaBps <= BPS &&
                p.slashPenaltyBps <= BPS,
            InvalidParam()
        );
        _s().params = p;
        emit ParamsSet(p);
        _pushSlashParams(_s());
    }
}
