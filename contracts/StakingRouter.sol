// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IDepositContract} from "./interfaces/IDepositContract.sol";
import {IDepositSecurity} from "./interfaces/IDepositSecurity.sol";
import {IStakingModule} from "./interfaces/IStakingModule.sol";
import {IStakingRouter} from "./interfaces/IStakingRouter.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";
import {Allocation} from "./libraries/Allocation.sol";
import {RouterStorage} from "./router/RouterStorage.sol";
import {ModuleWord} from "./router/ModuleWord.sol";
import {BPS, DEPOSIT_SIZE, EXIT_MANAGER_ROLE_ID} from "./libraries/Constants.sol";

/// @title StakingRouter
/// @notice The module registry and per-module accounting; deposits validators allocated by
/// reputation and collateral (DESIGN §4, §7). Holds no pool ETH: CascadePool does. Inside a
/// deposit it takes exactly the validators' ETH from the pool; vault ETH and bond charges that
/// reach it during a report are forwarded to the pool in the same call. Its cold paths
/// (initialization, links, module registration, parameters and status) run in RouterExtension
/// by DELEGATECALL on this storage: they keep this contract small.
contract StakingRouter is CascadeUpgradeable, RouterStorage, IStakingRouter {
    bytes32 public constant MODULE_MANAGER_ROLE = keccak256("MODULE_MANAGER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant ACCOUNTING_ROLE = keccak256("ACCOUNTING_ROLE");
    bytes32 public constant SERVICES_ROLE = keccak256("SERVICES_ROLE");
    /// @dev The exit contract: modules take exit calls from it, the withdrawal vault its forced
    /// exits, and it may lower reputation (forced-exit penalty).
    bytes32 public constant EXIT_MANAGER_ROLE = EXIT_MANAGER_ROLE_ID;

    uint256 private constant PUBKEY_LENGTH = 48;
    uint256 private constant SIGNATURE_LENGTH = 96;
    /// @dev 0x01 withdrawal-credential prefix (DESIGN §2), shifted into the top byte.
    uint256 private constant WC_PREFIX = uint256(0x01) << 248;

    /// @dev Code run by DELEGATECALL on this contract's storage; fixed per implementation, so an
    /// upgrade replaces both together.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable EXTENSION;

    /// @param extension_ the RouterExtension deployed with this implementation
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        require(extension_ != address(0), ZeroAddress());
        EXTENSION = extension_;
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param depositContract_ the beacon deposit contract
    /// @param depositSecurity_ the guardian quorum
    /// @param collateralBoostBps_ weight boost at full collateral coverage (§7)
    /// @param minReputationBps_ modules below it get no new validators
    function initialize(
        address admin,
        address depositContract_,
        address depositSecurity_,
        uint256 collateralBoostBps_,
        uint256 minReputationBps_
    ) external initializer {
        __Cascade_init(admin);
        // The links and allocation parameters are written by RouterExtension.initialize; this
        // call goes on to finish the initializer (no assembly return here).
        _delegateCall();
    }

    /// @notice Sets the two vaults once (they are deployed with this proxy's address).
    /// DEFAULT_ADMIN_ROLE.
    /// @param withdrawalVault_ target of the validators' withdrawal credentials
    /// @param executionRewardsVault_ fee recipient of the validators
    function setVaults(
        address withdrawalVault_,
        address executionRewardsVault_
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function setPool(address pool_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _delegate();
    }

    /// @notice Report bond charges and the pool's ETH for deposits, each forwarded or spent in
    /// the call that brings it. Stray ETH stays here unbooked: it changes no price.
    receive() external payable {}

    // ---------------------------------------------------------------- governance (RouterExtension)
    // Parameters are named (though RouterExtension reads them) so the ABI carries the names that
    // wallets, the SDK's decoder and `cascade gov --dry-run` show.

    /// @inheritdoc IStakingRouter
    function addModule(
        address module,
        ModuleParams calldata params,
        uint256 reputationBps
    ) external onlyRole(MODULE_MANAGER_ROLE) returns (uint256 moduleId) {
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function updateModule(
        uint256 moduleId,
        ModuleParams calldata params
    ) external onlyRole(MODULE_MANAGER_ROLE) {
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function setModuleStatus(uint256 moduleId, ModuleStatus status) external {
        // The emergency pauser may only pause; everything else is governance.
        if (!(status == ModuleStatus.Paused && hasRole(PAUSER_ROLE, msg.sender))) {
            _checkRole(MODULE_MANAGER_ROLE);
        }
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function setAllocationParams(
        uint256 collateralBoostBps_,
        uint256 minReputationBps_
    ) external onlyRole(MODULE_MANAGER_ROLE) {
        _delegate();
    }

    // ---------------------------------------------------------------- accounting

    /// @inheritdoc IStakingRouter
    function applyModuleReports(uint256[] calldata reports) external onlyRole(ACCOUNTING_ROLE) {
        RouterStore storage $ = _s();
        uint256 count = $.modules.length;
        // Accounting (the only caller) built each word from this call's `reportStates` after
        // the §9 checks: the fields fit, the counts only grew, the reputation is ≤ 10⁴.
        uint256[] memory states = new uint256[](count);
        for (uint256 id; id < count; ++id) states[id] = _bookModule($.modules[id], reports[id]);
        emit ModulesReported(states);
    }

    /// @inheritdoc IStakingRouter
    function chargeOperatorBond(
        uint256 moduleId,
        uint256 operatorId,
        uint256 amount
    ) external onlyRole(ACCOUNTING_ROLE) returns (uint256 charged) {
        charged = _chargeBond(IStakingModule(_module(moduleId).module), operatorId, amount, _s().pool);
    }

    /// @dev Charges the operator's free bond; the ETH joins the pool's buffered.
    function _chargeBond(
        IStakingModule module,
        uint256 operatorId,
        uint256 amount,
        ICascadePool pool
    ) private returns (uint256 charged) {
        uint256 before = address(this).balance;
        charged = module.chargeBond(operatorId, amount);
        // Book only what actually arrived.
        require(address(this).balance - before == charged, EthTransferFailed(address(this), charged));
        if (charged != 0) pool.bookInflow{value: charged}();
    }

    // ---------------------------------------------------------------- services

    /// @inheritdoc IStakingRouter
    function penalizeSlash(
        uint256 moduleId,
        uint256 slashed,
        uint256 penaltyBps
    ) external onlyRole(SERVICES_ROLE) returns (uint256 bps) {
        ModuleRecord storage m = _module(moduleId);
        if (slashed == 0) return 0;
        // The module loses reputation in proportion to what was slashed over its stake at
        // risk, so dust slashes cannot wear down the standing of its other operators.
        uint256 atRisk = (uint256(m.deposited) - m.exited) * DEPOSIT_SIZE;
        bps = atRisk <= slashed ? penaltyBps : (penaltyBps * slashed) / atRisk;
        if (bps != 0) _penalize(moduleId, m, bps);
    }

    /// @inheritdoc IStakingRouter
    function penalizeReputation(uint256 moduleId, uint256 bps) external {
        // The exit contract only (missed exit deadlines): a service slash's penalty is applied
        // by penalizeSlash.
        _checkRole(EXIT_MANAGER_ROLE);
        _penalize(moduleId, _module(moduleId), bps);
    }

    // ---------------------------------------------------------------- keeper

    /// @inheritdoc IStakingRouter
    function depositToBeacon(
        uint256 moduleId,
        uint256 maxCount,
        ModuleKeys calldata keys,
        IDepositSecurity.Attestation calldata attestation
    ) external returns (uint256 count) {
        // The module's share of an allocation of n over every module (§7): the other modules'
        // shares stay buffered for their own calls, so one module's activity never blocks another.
        _module(moduleId);
        count = _allocateDeposit(maxCount)[moduleId];
        _depositModule(moduleId, count, keys, attestation, _s().depositContract.get_deposit_root());
    }

    /// @inheritdoc IStakingRouter
    function depositToBeaconBatch(
        uint256[] calldata moduleIds,
        uint256 maxCount,
        ModuleKeys[] calldata keys,
        IDepositSecurity.Attestation[] calldata attestations
    ) external returns (uint256 total) {
        uint256 len = moduleIds.length;
        require(
            len != 0 && keys.length == len && attestations.length == len,
            BatchLengthMismatch(len, keys.length, attestations.length)
        );
        // One allocation for the whole batch: per-module calls recompute it over every module.
        uint256[] memory alloc = _allocateDeposit(maxCount);
        // The root the guardians saw is the one before this call's own deposits change it.
        bytes32 root = _s().depositContract.get_deposit_root();
        uint256 next; // lowest id the next entry may name
        for (uint256 i; i < len; ++i) {
            uint256 id = moduleIds[i];
            // Strictly ascending: a module listed twice would take its share twice.
            require(id >= next, ModulesNotAscending(id, next));
            next = id + 1;
            _module(id);
            uint256 count = alloc[id];
            _depositModule(id, count, keys[i], attestations[i], root);
            total += count;
        }
    }

    /// @dev The allocation (§7) of min(depositable ETH / 32 ETH, maxCount) new validators.
    function _allocateDeposit(uint256 maxCount) private view returns (uint256[] memory alloc) {
        require(maxCount != 0, ZeroCount());
        require(_s().withdrawalVault != address(0), VaultsNotSet());
        uint256 depositable = _depositableEth();
        uint256 n = depositable / DEPOSIT_SIZE;
        if (n > maxCount) n = maxCount;
        require(n != 0, NotEnoughBuffered(DEPOSIT_SIZE, depositable));
        (alloc, ) = _allocate(n);
    }

    /// @dev Deposits `count` validators of module `moduleId` (already checked to exist) after
    /// its attestation is checked against `root`, the deposit root before the calling tx's
    /// deposits.
    function _depositModule(
        uint256 moduleId,
        uint256 count,
        ModuleKeys calldata keys,
        IDepositSecurity.Attestation calldata attestation,
        bytes32 root
    ) private {
        require(count != 0, NothingToDeposit());
        RouterStore storage $ = _s();
        ModuleRecord storage m = $.modules[moduleId];
        IStakingModule module = IStakingModule(m.module);
        // Front-running guard: the root and this module's key nonce are what the guardians saw.
        $.depositSecurity.verify(attestation, moduleId, module.keyNonce(), root);

        // The keeper may supply more keys than the allocation takes (it can change with other
        // modules' activity); the first `count` in plan order are used.
        require(
            keys.pubkeys.length >= count * PUBKEY_LENGTH &&
                keys.signatures.length >= count * SIGNATURE_LENGTH &&
                keys.depositDataRoots.length >= count,
            KeysCountMismatch(moduleId, count, keys.depositDataRoots.length)
        );
        // Exactly this module's validators' ETH, spent below in the same call.
        $.pool.withdrawForDeposit(count * DEPOSIT_SIZE);
        m.deposited = SafeCast.toUint32(m.deposited + count);
        emit DepositedToBeacon(moduleId, count, count * DEPOSIT_SIZE);
        // The module marks its next `count` keys deposited and names them; each supplied key
        // must be the one registered at that position (reverts KeyMismatch).
        _checkWalk(moduleId, count, module.onDeposit(count), keys.pubkeys, keys.signatures);
        _depositKeys($.depositContract, count, keys);
    }

    /// @dev Checks the supplied keys, in order, against the registry entries of the module's walk
    /// (`operatorId | first << 32 | take << 64` per run): key `i` must be registered under its
    /// pubkey for exactly this module, operator and index, with this signature. One cold read per
    /// key, as the module's own commitment was before. The loop runs over the `count` keys that
    /// will be deposited, not over the walk: a module whose walk names fewer keys runs off its
    /// array (Panic 0x32), so no deposited key is ever left unchecked.
    function _checkWalk(
        uint256 moduleId,
        uint256 count,
        uint256[] memory walk,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) private view {
        mapping(bytes32 => uint256) storage registry = _s().keyEntries;
        uint256 r;
        uint256 left;
        uint256 position;
        for (uint256 i; i < count; ++i) {
            while (left == 0) {
                uint256 run = walk[r++];
                left = uint32(run >> 64);
                position = _position(moduleId + 1, uint32(run), uint32(run >> 32));
            }
            (bytes32 h, uint256 entry) = _entry(pubkeys, signatures, i, position);
            require(
                registry[h] == entry,
                KeyMismatch(
                    moduleId,
                    uint32(position >> ENTRY_OPERATOR_SHIFT),
                    uint32(position >> ENTRY_INDEX_SHIFT)
                )
            );
            position += 1 << ENTRY_INDEX_SHIFT;
            --left;
        }
    }

    function _depositKeys(IDepositContract dc, uint256 count, ModuleKeys calldata keys) private {
        bytes memory wc = abi.encodePacked(withdrawalCredentials());
        for (uint256 i; i < count; ++i) {
            dc.deposit{value: DEPOSIT_SIZE}(
                keys.pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH],
                wc,
                keys.signatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH],
                keys.depositDataRoots[i]
            );
        }
    }

    // ---------------------------------------------------------------- modules

    // Key registration runs in RouterExtension (which checks that the caller is a module): an
    // upload pays one DELEGATECALL, not a per-key cost, and the router keeps its size margin.

    /// @inheritdoc IStakingRouter
    function registerPubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external {
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function releasePubkeys(
        uint256 operatorId,
        uint256 firstIndex,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external {
        _delegate();
    }

    /// @inheritdoc IStakingRouter
    function receiveBondCover() external payable {
        require(_s().moduleIds[msg.sender] != 0, NotModule(msg.sender));
        emit BondCoverReceived(msg.sender, msg.value);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IStakingRouter
    function previewAllocation(uint256 n) external view returns (uint256[] memory allocation, uint256 total) {
        return _allocate(n);
    }

    /// @inheritdoc IStakingRouter
    function moduleWeights() public view returns (uint256[] memory weights) {
        RouterStore storage $ = _s();
        uint256 count = $.modules.length;
        weights = new uint256[](count);
        for (uint256 id; id < count; ++id) {
            ModuleRecord storage m = $.modules[id];
            // Only active modules are asked anything: a stopped or paused module (even a
            // broken one) can never block deposits into the others.
            if (m.status != ModuleStatus.Active) continue;
            weights[id] = Allocation.weight(
                m.baseWeight,
                m.reputationBps,
                IStakingModule(m.module).collateralBps(),
                $.collateralBoostBps,
                $.minReputationBps,
                m.status == ModuleStatus.Active
            );
        }
    }

    /// @inheritdoc IStakingRouter
    function getModules() external view returns (Module[] memory ms) {
        ModuleRecord[] storage records = _s().modules;
        ms = new Module[](records.length);
        for (uint256 id; id < ms.length; ++id) ms[id] = _view(records[id]);
    }

    /// @inheritdoc IStakingRouter
    function getModule(uint256 moduleId) external view returns (Module memory) {
        return _view(_module(moduleId));
    }

    /// @inheritdoc IStakingRouter
    function reportStates() external view returns (uint256[] memory words, address[] memory feeRecipients) {
        ModuleRecord[] storage records = _s().modules;
        uint256 count = records.length;
        words = new uint256[](count);
        feeRecipients = new address[](count);
        for (uint256 id; id < count; ++id) {
            // Two slots: the report's packed word, raw (ModuleWord's layout), and the fee
            // recipient's.
            ModuleRecord storage m = records[id];
            uint256 w;
            assembly {
                w := sload(m.slot)
            }
            words[id] = w;
            feeRecipients[id] = m.feeRecipient;
        }
    }

    /// @inheritdoc IStakingRouter
    function moduleAndStake(uint256 moduleId) external view returns (address, uint256) {
        ModuleRecord storage m = _module(moduleId);
        return (m.module, uint256(m.deposited) - m.exited);
    }

    /// @inheritdoc IStakingRouter
    function moduleCount() external view returns (uint256) {
        return _s().modules.length;
    }

    /// @inheritdoc IStakingRouter
    function moduleIdOf(address module) external view returns (uint256 moduleId) {
        uint256 idPlusOne = _s().moduleIds[module];
        require(idPlusOne != 0, NotModule(module));
        return idPlusOne - 1;
    }

    /// @inheritdoc IStakingRouter
    function transientBalance() public view returns (uint256 total) {
        ModuleRecord[] storage ms = _s().modules;
        for (uint256 id; id < ms.length; ++id) {
            total += (uint256(ms[id].deposited) - ms[id].clValidators) * DEPOSIT_SIZE;
        }
    }

    /// @inheritdoc IStakingRouter
    function clBalanceTotal() public view returns (uint256 total) {
        ModuleRecord[] storage ms = _s().modules;
        for (uint256 id; id < ms.length; ++id) total += ms[id].clBalance;
    }

    /// @inheritdoc IStakingRouter
    function withdrawalCredentials() public view returns (bytes32) {
        return bytes32(WC_PREFIX | uint256(uint160(_s().withdrawalVault)));
    }

    /// @inheritdoc IStakingRouter
    function isPubkeyRegistered(bytes calldata pubkey) external view returns (bool) {
        return _s().keyEntries[keccak256(pubkey)] != 0;
    }

    /// @inheritdoc IStakingRouter
    function keyOf(
        bytes calldata pubkey
    ) external view returns (bool registered, uint256 moduleId, uint256 operatorId, uint256 keyIndex) {
        uint256 entry = _s().keyEntries[keccak256(pubkey)];
        if (entry == 0) return (false, 0, 0, 0);
        return (
            true,
            uint8(entry) - 1,
            uint32(entry >> ENTRY_OPERATOR_SHIFT),
            uint32(entry >> ENTRY_INDEX_SHIFT)
        );
    }

    /// @inheritdoc IStakingRouter
    function isKeyAt(
        uint256 moduleId,
        uint256 operatorId,
        uint256 keyIndex,
        bytes calldata pubkey,
        bytes calldata signature
    ) external view returns (bool) {
        if (pubkey.length != PUBKEY_LENGTH || signature.length != SIGNATURE_LENGTH) return false;
        if (((moduleId >> 8) | (operatorId >> 32) | (keyIndex >> 32)) != 0) return false;
        return _isEntry(pubkey, signature, _position(moduleId + 1, operatorId, keyIndex));
    }

    function _isEntry(
        bytes calldata pubkey,
        bytes calldata signature,
        uint256 position
    ) private view returns (bool) {
        (bytes32 h, uint256 entry) = _entry(pubkey, signature, 0, position);
        return _s().keyEntries[h] == entry;
    }

    /// @notice The allocation parameters (collateral boost, minimum reputation), bps.
    function allocationParams() external view returns (uint256 collateralBoostBps, uint256 minReputationBps) {
        RouterStore storage $ = _s();
        return ($.collateralBoostBps, $.minReputationBps);
    }

    /// @inheritdoc IStakingRouter
    function pool() external view returns (address) {
        return address(_s().pool);
    }

    /// @notice Addresses the router works with.
    function addresses()
        external
        view
        returns (address depositContract, address depositSecurity, address withdrawalVault, address elVault)
    {
        RouterStore storage $ = _s();
        return (
            address($.depositContract),
            address($.depositSecurity),
            $.withdrawalVault,
            $.executionRewardsVault
        );
    }

    // ---------------------------------------------------------------- internal

    /// @dev The pool's buffered ETH available for validators (debt and waiting redemptions are
    /// served first, DESIGN §6 step 10); none before the pool is linked.
    function _depositableEth() internal view returns (uint256) {
        ICascadePool p = _s().pool;
        return address(p) == address(0) ? 0 : p.depositable();
    }

    function _allocate(uint256 n) internal view returns (uint256[] memory alloc, uint256 total) {
        RouterStore storage $ = _s();
        uint256 count = $.modules.length;
        uint256[] memory weights = moduleWeights();
        uint16[] memory limits = new uint16[](count);
        uint256[] memory active = new uint256[](count);
        uint256[] memory depositable = new uint256[](count);
        // Every guardian-paused module in one call (bit `id`), not one call per module.
        uint256 paused = $.depositSecurity.pausedModules();
        for (uint256 id; id < count; ++id) {
            ModuleRecord storage m = $.modules[id];
            limits[id] = m.stakeShareLimitBps;
            active[id] = m.deposited - m.exited;
            if (weights[id] == 0) continue;
            // A module its guardians paused takes no deposits until governance unpauses it: it
            // counts as weightless, as a paused status does, so its share goes to the others
            // instead of idling in the buffer.
            if ((paused >> id) & 1 != 0) weights[id] = 0;
            else depositable[id] = IStakingModule(m.module).depositableKeys();
        }
        return Allocation.allocate(weights, limits, active, depositable, n);
    }

    /// @dev One module's report: its packed first slot (already warm from Accounting's
    /// `reportStates`) rewritten once with the report's fields of `report` (ModuleWord: nothing
    /// else of the word can change), and the module's callback only when it asked for one at
    /// every report or its exited count changed. Returns the booked report fields for the
    /// report's one `ModulesReported` event.
    function _bookModule(ModuleRecord storage m, uint256 report) private returns (uint256 state) {
        uint256 old;
        assembly {
            old := sload(m.slot)
        }
        uint256 w = ModuleWord.withReport(old, report);
        assembly {
            sstore(m.slot, w)
        }
        state = w & ModuleWord.REPORT_MASK;
        uint256 exited = ModuleWord.exited(w);
        if (ModuleWord.snapshotsAtReport(w) || exited != ModuleWord.exited(old))
            IStakingModule(m.module).onExitedReported(exited);
    }

    /// @dev The public view of a stored module.
    function _view(ModuleRecord storage m) private view returns (Module memory) {
        return
            Module({
                module: m.module,
                status: m.status,
                stakeShareLimitBps: m.stakeShareLimitBps,
                moduleFeeBps: m.moduleFeeBps,
                reputationBps: m.reputationBps,
                baseWeight: m.baseWeight,
                feeRecipient: m.feeRecipient,
                deposited: m.deposited,
                clValidators: m.clValidators,
                exited: m.exited,
                clBalance: m.clBalance
            });
    }

    function _penalize(uint256 moduleId, ModuleRecord storage m, uint256 bps) private {
        uint256 r = (uint256(m.reputationBps) * (BPS - bps)) / BPS;
        m.reputationBps = SafeCast.toUint16(r);
        emit ReputationChanged(moduleId, r);
    }

    /// @dev Runs RouterExtension's code on this contract's storage with the calldata as
    /// received and returns or reverts with its result (same ABI as the forwarding function).
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function _delegate() private {
        _delegateCall();
        assembly {
            returndatacopy(0, 0, returndatasize())
            return(0, returndatasize())
        }
    }

    /// @dev The DELEGATECALL of `_delegate`, reverting with the extension's error; returns to
    /// the caller (so a modifier's code after the body still runs).
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function _delegateCall() private {
        address impl = EXTENSION;
        assembly ("memory-safe") {
            // Above the free memory pointer, left unallocated: nothing here needs it afterwards.
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            if iszero(delegatecall(gas(), impl, ptr, calldatasize(), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @inheritdoc IStakingRouter
    function extension() external view returns (address) {
        return EXTENSION;
    }
}
