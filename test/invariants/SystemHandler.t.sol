// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {ClassToken} from "../../contracts/ClassToken.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice Drives the whole default system with random but valid actions: deposits, transfers,
/// redemption requests, claims, validator deposits, reports with bounded rewards / losses / bond
/// charges / exits (inside the §9 sanity limits), bond top-ups and withdrawals, key additions, and
/// the restaked services of DESIGN §8 (rewards, allocations within the exposure limit, slash
/// requests, vetoes and executions, payout claims). Tracks ghost state for the properties the
/// contracts cannot show by themselves.
contract SystemHandler is SystemFixture {
    bytes32 private constant NAV_CHANGED = keccak256("ClassNavChanged(uint256,uint256,uint256)");
    uint256 private constant KEYS = 48;
    uint256 private constant YEAR = 365 days;

    address[] internal actors;
    address internal bondManager;
    uint256[] internal requestIds;
    mapping(uint256 requestId => bool) internal ghostClaimed;

    // ---------------------------------------------------------------- ghost results
    uint256 public priceDrops; // deposits or requests that lowered a class price
    uint256 public juniorFirstViolations; // a class lost NAV while a more junior one kept some
    uint256 public doubleClaims; // a claim that paid a request already paid
    uint256 public wrongClaimAmounts; // a claim that paid other than the locked amount
    uint256 public reportsApplied;
    uint256 public lossReports;
    uint256 public claimsPaid;
    uint256 public finalizedSeen;
    uint256 public wipes;

    // ---------------------------------------------------------------- services
    uint256 private constant BPS = 10_000;
    uint32 private constant SLASHING_WINDOW = 500;
    uint32 private constant VETO_WINDOW = 200; // 700 s ≤ the B/C redemption delay (768 s)
    address internal slasher = makeAddr("slasher");
    address internal svcRecipient = makeAddr("svcRecipient");
    address internal curatedManager;
    uint64[2] internal opKeys; // curated operator 0, bonded operator 0
    uint256[] internal slashIds;
    uint256[] internal vetoedIds;
    mapping(uint256 serviceId => mapping(uint64 key => uint256 bps)) internal ghostPendingBps;

    uint256 public exposedViolations; // a slash reduced a class below its tier while an exposed class kept NAV
    uint256 public bondOrderViolations; // a slash cost the classes more than what exceeded the bond
    uint256 public rewardsPaid;
    uint256 public allocationsSet;
    uint256 public slashesRequested;
    uint256 public slashesVetoed;
    uint256 public slashesExecuted;
    uint256 public bondedSlashes;
    uint256 public vetoedExecutions; // an execution of a vetoed request that went through
    uint256 public slashClassLosses; // executions whose loss reached the classes
    uint256 public bondedClassLosses; // ... of a bonded operator (the bond ran out)
    uint256 public payoutsClaimed;
    uint256 public bondWithdrawals;
    uint256 public keyAdditions;
    uint256 public reputationViolations; // a slash moved a module's reputation other than by slashed / at risk
    uint256 public kappaBondRaisedOutsideReport; // κ's bond rose in a call that is not a report

    constructor() {
        _deploySystem();
        _deployServiceRegistry(10_000);
        _curatedOperator(curated, KEYS);
        (, bondManager) = _bondedOperator(KEYS);
        curatedManager = curated.operatorManager(0);
        opKeys[0] = 0; // module 0, operator 0
        opKeys[1] = uint64(1 << 32); // module 1, operator 0
        for (uint256 i; i < 4; ++i) actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        // Service 0 exposes B and C (tier 1), service 1 only C (tier 2); both operators opt in.
        _newService(1, 1000);
        _newService(2, 2000);
        // Frame 1, so the first report is not at refSlot 0.
        vm.warp(block.timestamp + FRAME);
    }

    // ---------------------------------------------------------------- views for the invariants

    function system()
        external
        view
        returns (address router_, address book_, address queue_, address accounting_)
    {
        return (address(router), address(book), address(queue), address(accounting));
    }

    function bondedModule() external view returns (address) {
        return address(bonded);
    }

    function requestCount() external view returns (uint256) {
        return requestIds.length;
    }

    function requestIdAt(uint256 i) external view returns (uint256) {
        return requestIds[i];
    }

    function serviceRegistry() external view returns (address) {
        return address(registry);
    }

    /// @dev Bonded operator 0's bond and lock.
    function bondedBond() external view returns (uint256 bond, uint256 locked) {
        return bonded.bondOf(0);
    }

    function withdrawableBond() external view returns (uint256) {
        return bonded.withdrawableBond(0);
    }

    function vetoedCount() external view returns (uint256) {
        return vetoedIds.length;
    }

    function vetoedIdAt(uint256 i) external view returns (uint256) {
        return vetoedIds[i];
    }

    function slashCount() external view returns (uint256) {
        return slashIds.length;
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 actorSeed, uint256 classSeed, uint256 amount) external {
        address who = actors[actorSeed % actors.length];
        uint256 k = classSeed % 3;
        IYieldClasses.ClassInfo memory c = book.getClass(k);
        if (!c.open || c.wiped) return;
        uint256 max = 50 ether;
        if (k < 2) {
            // Cover rule for A and B (minCover 2,500 each): nav_k ≤ 4 · Σ_{j>k} nav_j.
            uint256 room = 4 * (k == 0 ? book.navOf(1) + book.navOf(2) : book.navOf(2));
            if (room <= c.nav) return;
            if (room - c.nav < max) max = room - c.nav;
        }
        if (max < 0.001 ether) return;
        amount = _bound(amount, 0.001 ether, max);
        if (SharesMathLite.toShares(amount, c.nav, c.supply) == 0) return;
        _deposit(who, k, amount);
        _checkPrice(k, c.nav, c.supply);
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 classSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        ClassToken t = tokens[classSeed % 3];
        uint256 bal = t.balanceOf(from);
        if (bal == 0) return;
        amount = _bound(amount, 1, bal);
        vm.prank(from);
        t.transfer(to, amount);
    }

    function requestRedeem(uint256 actorSeed, uint256 classSeed, uint256 shares) external {
        address who = actors[actorSeed % actors.length];
        uint256 k = classSeed % 3;
        uint256 bal = tokens[k].balanceOf(who);
        if (bal == 0) return;
        shares = _bound(shares, 1, bal);
        IYieldClasses.ClassInfo memory c = book.getClass(k);
        requestIds.push(_request(who, k, shares));
        _checkPrice(k, c.nav, c.supply);
    }

    function claim(uint256 idSeed, uint256 receiverSeed) external {
        if (requestIds.length == 0) return;
        uint256 id = requestIds[idSeed % requestIds.length];
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        if (!r.finalized) return;
        address to = actors[receiverSeed % actors.length];
        uint256 before = to.balance;
        vm.prank(r.controller);
        try queue.claim(id, to) returns (uint256 paid) {
            if (ghostClaimed[id]) ++doubleClaims;
            if (paid != r.assets || to.balance - before != r.assets) ++wrongClaimAmounts;
            ghostClaimed[id] = true;
            ++claimsPaid;
        } catch {
            // Only an already claimed request may refuse: every actor accepts ETH.
            if (!ghostClaimed[id]) ++wrongClaimAmounts;
        }
    }

    function stake(uint256 n) external {
        uint256 demand = queue.pendingDemand();
        uint256 buffered = pool.buffered();
        if (buffered < demand + 32 ether) return;
        uint256 room = (buffered - demand) / 32 ether;
        n = _bound(n, 1, room < 4 ? room : 4);
        (, uint256 total) = router.previewAllocation(n);
        if (total == 0) return;
        uint256 kb = bonded.kappaBond();
        _depositAll(n);
        if (bonded.kappaBond() > kb) ++kappaBondRaisedOutsideReport;
    }

    function topUpBond(uint256 amount) external {
        amount = _bound(amount, 0.01 ether, 5 ether);
        vm.deal(bondManager, bondManager.balance + amount);
        uint256 kb = bonded.kappaBond();
        vm.prank(bondManager);
        bonded.topUpBond{value: amount}(0);
        // κ cannot change within a transaction other than a report: a top-up never counts at once.
        if (bonded.kappaBond() > kb) ++kappaBondRaisedOutsideReport;
    }

    struct ReportInput {
        uint256 dt;
        uint256 gain;
        uint256 loss;
        uint256 el;
        uint256 skim;
        uint256 bondCharge;
        uint256 flags;
    }

    /// @dev One report: activate pending validators at 32 ETH, a gain on one module and a loss on
    /// the other inside the APR / drop limits (a slashing when the loss is large), EL rewards, a
    /// skim and maybe one full exit into the withdrawal vault, and a bond charge on the bonded
    /// module's operator.
    function report(ReportInput memory in_) external {
        vm.warp(block.timestamp + _bound(in_.dt, FRAME, 30 days));
        IAccounting.Report memory r = _activateAllReport();
        _gainAndLoss(r, in_);
        _vaultFlows(r, in_);
        uint256[] memory before = book.navs();
        vm.recordLogs();
        if ((in_.flags >> 24) % 4 == 0) _applyViaOracle(r);
        else _applyDirect(r);
        _checkJuniorFirst(before, vm.getRecordedLogs());
        ++reportsApplied;
        for (uint256 k; k < 3; ++k) if (book.getClass(k).wiped) ++wipes;
    }

    /// @dev A gain on one module within the APR cap, a loss on the other within the drop cap
    /// (one slashing when allowed), and a bond charge on the bonded operator.
    function _gainAndLoss(IAccounting.Report memory r, ReportInput memory in_) private {
        uint256 base = uint256(r.modules[0].clBalance) + r.modules[1].clBalance;
        uint256 maxGain = (base * 1000 * _reportSpan(r.refSlot)) / (10_000 * YEAR);
        uint256 winner = in_.flags & 1;
        uint256 loser = 1 - winner;
        r.modules[winner].clBalance += uint128(_bound(in_.gain, 0, maxGain));

        uint256 lossCap = r.modules[loser].clBalance;
        bool slash = (in_.flags >> 1) % 4 == 0 && lossCap >= 32 ether;
        uint256 maxLoss = (base * 500) / 10_000 + (slash ? 32 ether : 0);
        if (maxLoss > lossCap) maxLoss = lossCap;
        uint256 loss = (in_.flags >> 3) % 3 == 0 ? _bound(in_.loss, 0, maxLoss) : 0;
        if (loss == 0) return;
        r.modules[loser].clBalance -= uint128(loss);
        if (slash) r.modules[loser].slashedValidators = 1;
        ++lossReports;
        if (loser == 1 && (in_.flags >> 5) % 2 == 0) {
            r.losses = new IAccounting.OperatorLoss[](1);
            r.losses[0] = IAccounting.OperatorLoss(1, 0, uint128(_bound(in_.bondCharge, 0, loss)));
        }
    }

    /// @dev The span the APR cap measures (Accounting: from the last report's reference slot to
    /// this one's, the first from initialization, never past now).
    function _reportSpan(uint256 refSlot) private view returns (uint256) {
        (uint256 genesis, uint256 sps, ) = oracle.frameConfig();
        (uint256 lastRef, uint256 lastTime) = accounting.lastReport();
        uint256 to = genesis + refSlot * sps;
        if (to > block.timestamp) to = block.timestamp;
        uint256 from = lastRef == 0 ? lastTime : genesis + lastRef * sps;
        return to > from ? to - from : 0;
    }

    /// @dev EL rewards, a skim and maybe one full exit: the ETH reaches the vaults first.
    function _vaultFlows(IAccounting.Report memory r, ReportInput memory in_) private {
        r.elRewards = _bound(in_.el, 0, 1 ether);
        vm.deal(address(elv), address(elv).balance + r.elRewards);
        IAccounting.ModuleReport memory mr = r.modules[(in_.flags >> 6) % 2];
        uint256 skim = _bound(in_.skim, 0, mr.clBalance / 10);
        if ((in_.flags >> 7) % 2 == 0 && mr.clValidators > mr.exited && mr.clBalance >= 32 ether + skim) {
            skim += 32 ether; // one validator exits with 32 ETH
            ++mr.exited;
        }
        mr.clBalance -= uint128(skim);
        mr.withdrawn = uint128(skim);
        vm.deal(address(wv), address(wv).balance + skim);
        r.modules[0].perfBps = uint16(_bound(in_.flags >> 8, 5000, 10_000));
    }

    // ---------------------------------------------------------------- bonds and keys

    /// @dev Withdraws part of what the bonded operator may take out (its free bond only).
    function withdrawBond(uint256 amount) external {
        uint256 free = bonded.withdrawableBond(0);
        if (free == 0) return;
        amount = _bound(amount, 1, free);
        vm.prank(bondManager);
        bonded.withdrawBond(0, amount, bondManager);
        ++bondWithdrawals;
    }

    /// @dev Uploads 1-4 new keys for the bonded operator (depositable once bonded: top-ups).
    function addKeys(uint256 n) external {
        n = _bound(n, 1, 4);
        uint256 from = bonded.getOperator(0).totalKeys;
        if (from + n > 128) return;
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), 0, from, n);
        vm.prank(bondManager);
        bonded.addKeys(0, pks, sigs);
        ++keyAdditions;
    }

    // ---------------------------------------------------------------- services

    function _newService(uint8 tier, uint16 maxSlashBps) private {
        uint256 id = registry.registerService(
            IServiceRegistry.ServiceParams({
                tier: tier,
                maxSlashBps: maxSlashBps,
                slashingWindow: SLASHING_WINDOW,
                vetoWindow: VETO_WINDOW,
                minOperators: 1,
                maxOperatorShareBps: 10_000,
                slasher: slasher,
                recipient: svcRecipient
            })
        );
        vm.prank(serviceManager);
        registry.setServiceStatus(id, IServiceRegistry.ServiceStatus.Active);
        vm.prank(curatedManager);
        registry.optIn(id, 0, 0);
        vm.prank(bondManager);
        registry.optIn(id, 1, 0);
    }

    function payRewards(uint256 serviceSeed, uint256 amount) external {
        amount = _bound(amount, 0.001 ether, 2 ether);
        address payer = actors[amount % actors.length];
        vm.deal(payer, payer.balance + amount);
        vm.prank(payer);
        registry.payRewards{value: amount}(serviceSeed % 2);
        ++rewardsPaid;
    }

    /// @dev An allocation over a non-empty subset of the two operators, bounded by their active
    /// stake and by every tier's exposure room (Σ floor(a·maxSlash/10⁴) ≤ cover·Σ junior navs).
    function setAllocation(uint256 serviceSeed, uint256 amount, uint256 mask) external {
        uint256 id = serviceSeed % 2;
        mask = (mask % 3) + 1;
        uint64[] memory keys = new uint64[](mask == 3 ? 2 : 1);
        uint256 own;
        uint256 j;
        for (uint256 i; i < 2; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            keys[j++] = opKeys[i];
            own += (i == 0 ? curated.activeValidatorsOf(0) : bonded.activeValidatorsOf(0)) * 32 ether;
        }
        IServiceRegistry.Service memory s = registry.getService(id);
        uint256 max = own;
        for (uint256 t = 1; t < 3; ++t) {
            (uint256 needed, uint256 available) = registry.exposure(t);
            // Past the limit (deallocating stake or a service the next report scales): only
            // a call that raises nothing would pass; keep to calls that cannot revert.
            if (needed >= available) return;
            if (t > s.params.tier) continue;
            // The old stakes may all stay slashable (deallocating) next to the new ones, so the
            // new allocation must fit in the room left (1 wei for the per-service floors).
            uint256 cap = ((available - needed - 1) * BPS) / s.params.maxSlashBps;
            if (cap < max) max = cap;
        }
        amount = max == 0 ? 0 : _bound(amount, 0, max);
        vm.prank(allocator);
        registry.setAllocation(id, amount, amount == 0 ? new uint64[](0) : keys);
        ++allocationsSet;
    }

    function requestSlash(uint256 serviceSeed, uint256 opSeed, uint256 bps) external {
        uint256 id = serviceSeed % 2;
        uint256 o = opSeed % 2;
        uint64 key = opKeys[o];
        if (registry.stakeOf(id, o, 0) == 0) return;
        if (registry.pendingSlashes().length >= registry.MAX_PENDING_SLASHES()) return;
        uint256 maxBps = registry.getService(id).params.maxSlashBps;
        uint256 pending = ghostPendingBps[id][key];
        if (pending >= maxBps) return;
        bps = _bound(bps, 1, maxBps - pending);
        vm.prank(slasher);
        uint256 slashId = registry.requestSlash(id, o, 0, bps, bytes32(bps));
        ghostPendingBps[id][key] = pending + bps;
        slashIds.push(slashId);
        ++slashesRequested;
    }

    /// @dev Vetoes a pending request still inside its veto window (else does nothing).
    function vetoSlash(uint256 idSeed) external {
        uint256[] memory pending = registry.pendingSlashes();
        if (pending.length == 0) return;
        uint256 slashId = pending[idSeed % pending.length];
        IServiceRegistry.SlashRequest memory r = registry.getSlash(slashId);
        if (block.timestamp >= uint256(r.requestedAt) + VETO_WINDOW) return;
        vm.prank(vetoer);
        registry.vetoSlash(slashId);
        ghostPendingBps[r.serviceId][_opKey(r.moduleId, r.operatorId)] -= r.bps;
        vetoedIds.push(slashId);
        ++slashesVetoed;
    }

    /// @dev Executes a pending request (warping past its veto window if needed) and checks where
    /// the loss landed: bond first, then the exposed classes (tier ≤ k), junior first.
    function executeSlash(uint256 idSeed) external {
        // Sometimes try a vetoed request first: it must refuse (anyone may call executeSlash).
        if (vetoedIds.length != 0 && (idSeed >> 128) % 4 == 0) {
            try registry.executeSlash(vetoedIds[idSeed % vetoedIds.length]) {
                ++vetoedExecutions;
            } catch {}
        }
        uint256[] memory pending = registry.pendingSlashes();
        if (pending.length == 0) return;
        uint256 slashId = pending[idSeed % pending.length];
        IServiceRegistry.SlashRequest memory r = registry.getSlash(slashId);
        uint256 endsAt = uint256(r.requestedAt) + VETO_WINDOW;
        if (block.timestamp < endsAt) vm.warp(endsAt);
        uint256 bondBefore;
        if (r.moduleId == 1) (bondBefore, ) = bonded.bondOf(r.operatorId);
        uint256[] memory before = book.navs();
        IStakingRouter.Module memory m = router.getModule(r.moduleId);
        uint256 amount = registry.executeSlash(slashId);
        uint256[] memory afterNav = book.navs();
        _checkReputation(m, r.moduleId, amount);
        ghostPendingBps[r.serviceId][_opKey(r.moduleId, r.operatorId)] -= r.bps;
        ++slashesExecuted;
        if (r.moduleId == 1) ++bondedSlashes;
        _checkSlashLoss(registry.getService(r.serviceId).params.tier, amount, bondBefore, before, afterNav);
    }

    function claimServicePayout() external {
        if (pool.servicePayoutOf(svcRecipient) == 0) return;
        uint256 before = svcRecipient.balance;
        vm.prank(svcRecipient);
        uint256 paid = pool.claimServicePayout();
        if (svcRecipient.balance - before != paid) ++wrongClaimAmounts;
        ++payoutsClaimed;
    }

    function _opKey(uint256 moduleId, uint256 operatorId) private pure returns (uint64) {
        return uint64((moduleId << 32) | operatorId);
    }

    // ---------------------------------------------------------------- ghost checks

    /// @dev A module's reputation moves with what was slashed over its stake at risk, at most
    /// slashPenaltyBps (1,000 here): dust leaves it where it was.
    function _checkReputation(IStakingRouter.Module memory m, uint256 moduleId, uint256 amount) private {
        uint256 atRisk = (uint256(m.deposited) - m.exited) * 32 ether;
        uint256 penalty =
            amount == 0
                ? 0
                : atRisk <= amount
                    ? 1000
                    : (1000 * amount) / atRisk;
        uint256 expected = (uint256(m.reputationBps) * (BPS - penalty)) / BPS;
        if (router.getModule(moduleId).reputationBps != expected) ++reputationViolations;
    }

    /// @dev A class below the tier lost NAV only if every exposed class ended at zero, and the
    /// classes together lost at most what the bond could not cover.
    function _checkSlashLoss(
        uint256 tier,
        uint256 amount,
        uint256 bondBefore,
        uint256[] memory before,
        uint256[] memory afterNav
    ) private {
        uint256 lost;
        bool exposedLeft;
        for (uint256 k; k < before.length; ++k) {
            if (afterNav[k] > before[k])
                ++exposedViolations; // a slash never adds NAV
            else lost += before[k] - afterNav[k];
            if (k >= tier && afterNav[k] != 0) exposedLeft = true;
        }
        for (uint256 k; k < tier && k < before.length; ++k) {
            if (afterNav[k] < before[k] && exposedLeft) ++exposedViolations;
        }
        if (lost != 0) {
            ++slashClassLosses;
            if (bondBefore != 0) ++bondedClassLosses;
        }
        uint256 beyondBond = amount > bondBefore ? amount - bondBefore : 0;
        if (lost > beyondBond) ++bondOrderViolations;
    }

    /// @dev Price (nav+1)/(supply+1) after ≥ before, by cross-multiplication.
    function _checkPrice(uint256 k, uint256 nav0, uint256 supply0) private {
        IYieldClasses.ClassInfo memory c = book.getClass(k);
        if ((uint256(c.nav) + 1) * (supply0 + 1) < (nav0 + 1) * (uint256(c.supply) + 1)) ++priceDrops;
    }

    /// @dev The ClassNavChanged of a report before its first RedeemFinalized are the waterfall's
    /// result (a redemption burn follows its requests' RedeemFinalized); a class the waterfall
    /// left unchanged emits none and keeps its start NAV. Additions are never negative, so a
    /// class that ends below its start took a loss: every more junior class must then be at zero.
    function _checkJuniorFirst(uint256[] memory before, Vm.Log[] memory logs) private {
        uint256 k = before.length;
        uint256[] memory afterNav = new uint256[](k);
        for (uint256 i; i < k; ++i) afterNav[i] = before[i];
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(book)) continue;
            if (logs[i].topics[0] == IWithdrawalQueue.RedeemFinalized.selector) break;
            if (logs[i].topics[0] != NAV_CHANGED) continue;
            (uint256 nav, ) = abi.decode(logs[i].data, (uint256, uint256));
            afterNav[uint256(logs[i].topics[1])] = nav;
        }
        for (uint256 i; i < k; ++i) {
            if (afterNav[i] >= before[i]) continue;
            for (uint256 j = i + 1; j < k; ++j) if (afterNav[j] != 0) ++juniorFirstViolations;
        }
    }
}

/// @dev toSharesDown of docs/money-math.md, to skip deposits that would mint nothing.
library SharesMathLite {
    function toShares(uint256 a, uint256 nav, uint256 supply) internal pure returns (uint256) {
        return (a * (supply + 1)) / (nav + 1);
    }
}
