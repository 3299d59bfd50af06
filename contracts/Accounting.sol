// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";
import {BPS, DEPOSIT_SIZE} from "./libraries/Constants.sol";
import {Reputation} from "./libraries/Reputation.sol";
import {Waterfall} from "./libraries/Waterfall.sol";

/// @title Accounting
/// @notice Applies an agreed oracle report in DESIGN §6's order after the §9 sanity checks:
/// it only coordinates; the router keeps module state and ETH, the book keeps class NAVs,
/// the queue keeps redemptions.
contract Accounting is CascadeUpgradeable, IAccounting {
    uint256 private constant YEAR = 365 days;

    /// @custom:storage-location erc7201:cascade.storage.Accounting
    struct AccountingStorage {
        IStakingRouter router;
        IYieldClasses book;
        IWithdrawalQueue queue;
        address oracle;
        Limits limits;
        Params params;
        uint64 lastReportTime;
        uint256 lastRefSlot;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.Accounting")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x4a3ce5a0e1acc8bccd500f03e18f47096fdca6b9557a52f65a435527530e8900;

    function _s() private pure returns (AccountingStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    function initialize(
        address admin,
        address router,
        address book,
        address queue,
        address oracle,
        Limits calldata limits,
        Params calldata params
    ) external initializer {
        __Cascade_init(admin);
        require(
            router != address(0) && book != address(0) && queue != address(0) && oracle != address(0),
            ZeroAddress()
        );
        AccountingStorage storage $ = _s();
        $.router = IStakingRouter(router);
        $.book = IYieldClasses(book);
        $.queue = IWithdrawalQueue(queue);
        $.oracle = oracle;
        $.lastReportTime = uint64(block.timestamp);
        _setLimits(limits);
        _setParams(params);
    }

    // ---------------------------------------------------------------- report

    /// @inheritdoc IAccounting
    function handleReport(Report calldata report) external {
        AccountingStorage storage $ = _s();
        require(msg.sender == $.oracle, NotOracle(msg.sender));
        IStakingRouter router = $.router;
        uint256 count = router.moduleCount();
        uint256 elapsed = block.timestamp - $.lastReportTime;
        _checkSanity(report, router, count, elapsed);
        $.lastRefSlot = report.refSlot;
        $.lastReportTime = uint64(block.timestamp);

        // 1. Module deltas (vault and EL ETH move into buffered).
        int256[] memory deltas = router.applyModuleReport(report.modules, report.elRewards);
        // 2. Bond cover: each operator's loss is charged to its own bond first.
        for (uint256 i; i < report.losses.length; ++i) {
            OperatorLoss calldata l = report.losses[i];
            uint256 charged = router.chargeOperatorBond(l.moduleId, l.operatorId, l.amount);
            deltas[l.moduleId] += int256(charged);
            emit BondCoverCharged(l.moduleId, l.operatorId, l.amount, charged);
        }
        // 3–7. Rewards, fees, split, premium, service rewards, losses.
        (uint256 rewards, uint256 rewardsNet, uint256 loss, uint256 treasuryFee) = _applyMoney(
            report,
            router,
            count,
            deltas
        );
        // 8. Reputation; 9. exit requests.
        _updateReputation(report, router, count);
        uint256 deadline = block.timestamp + $.params.exitDeadline;
        for (uint256 i; i < report.exits.length; ++i) {
            ExitRequest calldata e = report.exits[i];
            router.requestExits(e.moduleId, e.operatorId, e.count, deadline);
        }
        // 10. Redemptions, served from buffered before any new validator.
        uint256 finalized = $.queue.finalize(router.buffered(), $.limits.maxFinalizePerReport);
        if (finalized != 0) router.fundQueue(finalized);
        emit ReportApplied(report.refSlot, rewards, rewardsNet, loss, treasuryFee, finalized);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAccounting
    function pooled() external view returns (uint256) {
        IStakingRouter router = _s().router;
        return router.buffered() + router.clBalanceTotal() + router.transientBalance();
    }

    /// @notice Sanity limits.
    function limits() external view returns (Limits memory) {
        return _s().limits;
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
        Report calldata report,
        IStakingRouter router,
        uint256 count,
        int256[] memory deltas
    ) private returns (uint256 rewards, uint256 rewardsNet, uint256 loss, uint256 treasuryFee) {
        AccountingStorage storage $ = _s();
        uint16[] memory feeBps = new uint16[](count);
        address[] memory recipients = new address[](count + 1);
        for (uint256 id; id < count; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            feeBps[id] = m.moduleFeeBps;
            recipients[id] = m.feeRecipient;
        }
        recipients[count] = $.params.treasury;
        uint256[] memory moduleFees;
        (rewards, moduleFees, treasuryFee, rewardsNet, loss) = Waterfall.rewardsAndFeesDown(
            deltas,
            feeBps,
            report.elRewards,
            $.params.treasuryFeeBps
        );
        uint256[] memory fees = new uint256[](count + 1);
        for (uint256 id; id < count; ++id) fees[id] = moduleFees[id];
        fees[count] = treasuryFee;
        $.book.applyReport(
            IYieldClasses.ReportMoney({
                fees: fees,
                feeRecipients: recipients,
                rewardsNet: rewardsNet,
                servicePaid: new uint256[](0),
                serviceTiers: new uint8[](0),
                serviceFeeBps: $.params.serviceFeeBps,
                treasury: $.params.treasury,
                loss: loss
            })
        );
    }

    function _updateReputation(Report calldata report, IStakingRouter router, uint256 count) private {
        Params storage p = _s().params;
        uint256[] memory reps = new uint256[](count);
        for (uint256 id; id < count; ++id) {
            ModuleReport calldata r = report.modules[id];
            reps[id] = Reputation.update(
                router.getModule(id).reputationBps,
                r.perfBps,
                p.lambdaBps,
                r.slashedValidators,
                p.slashPenaltyBps
            );
        }
        router.setReputations(reps);
    }

    /// @dev Every §9 rule, each with its own error.
    function _checkSanity(
        Report calldata report,
        IStakingRouter router,
        uint256 count,
        uint256 elapsed
    ) private view {
        AccountingStorage storage $ = _s();
        Limits storage lim = $.limits;
        require(report.refSlot > $.lastRefSlot, RefSlotNotIncreasing(report.refSlot, $.lastRefSlot));
        require(report.modules.length == count, ModuleCountMismatch(report.modules.length, count));
        require(
            report.exits.length <= lim.maxExitRequests,
            TooManyExitRequests(report.exits.length, lim.maxExitRequests)
        );
        require(report.losses.length <= lim.maxLosses, TooManyLosses(report.losses.length, lim.maxLosses));
        uint256 base;
        uint256 gain;
        uint256 drop;
        uint256 slashed;
        uint256 withdrawnTotal;
        for (uint256 id; id < count; ++id) {
            ModuleReport calldata r = report.modules[id];
            IStakingRouter.Module memory m = router.getModule(id);
            require(
                r.clValidators >= m.clValidators,
                ValidatorsDecreased(id, r.clValidators, m.clValidators)
            );
            require(r.clValidators <= m.deposited, ValidatorsAboveDeposited(id, r.clValidators, m.deposited));
            require(r.exited >= m.exited, ExitedDecreased(id, r.exited, m.exited));
            require(r.exited <= r.clValidators, ExitedAboveValidators(id, r.exited, r.clValidators));
            require(r.perfBps <= BPS, PerfTooHigh(id, r.perfBps));
            // Each slashing explains up to 32 ETH of drop: never more than the validators seen.
            require(
                r.slashedValidators <= r.clValidators,
                SlashedAboveValidators(id, r.slashedValidators, r.clValidators)
            );
            int256 d = Waterfall.netModuleDelta(
                m.clBalance,
                r.clBalance,
                r.withdrawn,
                m.clValidators,
                r.clValidators,
                0
            );
            if (d > 0) gain += uint256(d);
            else drop += uint256(-d);
            base += m.clBalance + (uint256(r.clValidators) - m.clValidators) * DEPOSIT_SIZE;
            slashed += r.slashedValidators;
            withdrawnTotal += r.withdrawn;
        }
        for (uint256 i; i < report.losses.length; ++i) {
            require(report.losses[i].moduleId < count, UnknownModuleId(report.losses[i].moduleId));
        }
        for (uint256 i; i < report.exits.length; ++i) {
            require(report.exits[i].moduleId < count, UnknownModuleId(report.exits[i].moduleId));
        }
        (, , address wv, address elv) = _vaults(router);
        require(withdrawnTotal <= wv.balance, WithdrawnAboveVault(withdrawnTotal, wv.balance));
        require(report.elRewards <= elv.balance, ElRewardsAboveVault(report.elRewards, elv.balance));
        // Annualized CL gain ≤ maxApr; one-report drop ≤ maxDrop plus what slashings explain.
        uint256 maxGain = (base * lim.maxAprBps * elapsed) / (BPS * YEAR);
        require(gain <= maxGain, AprTooHigh(gain, maxGain));
        uint256 maxDrop = (base * lim.maxDropBps) / BPS + slashed * DEPOSIT_SIZE;
        require(drop <= maxDrop, DropTooHigh(drop, maxDrop));
    }

    function _vaults(
        IStakingRouter router
    ) private view returns (address dc, address ds, address wv, address elv) {
        (bool ok, bytes memory data) = address(router).staticcall(abi.encodeWithSignature("addresses()"));
        require(ok, ZeroAddress());
        (dc, ds, wv, elv) = abi.decode(data, (address, address, address, address));
    }

    function _setLimits(Limits calldata l) private {
        require(l.maxAprBps != 0 && l.maxDropBps <= BPS && l.maxFinalizePerReport != 0, InvalidParam());
        _s().limits = l;
        emit LimitsSet(l);
    }

    function _setParams(Params calldata p) private {
        require(p.treasury != address(0), ZeroAddress());
        require(
            p.treasuryFeeBps <= BPS &&
                p.serviceFeeBps <= BPS &&
                p.lambdaBps <= BPS &&
                p.slashPenaltyBps <= BPS,
            InvalidParam()
        );
        _s().params = p;
        emit ParamsSet(p);
    }
}
