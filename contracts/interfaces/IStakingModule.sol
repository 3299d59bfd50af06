// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IStakingModule
/// @notice What the StakingRouter needs from a node-operator module. Modules keep per-operator
/// key counts only: each key is one slot in the router's registry (`IStakingRouter.keyOf`, under
/// `keccak256(pubkey)`, naming module, operator and index and committing to the signature); the
/// key bytes live in `KeysAdded` events and come back in calldata when the router deposits.
interface IStakingModule {
    // ---------------------------------------------------------------- errors
    error NotRouter(address caller);
    error NotRegistry(address caller);
    error NotExitManager(address caller);
    error UnknownOperator(uint256 operatorId);
    error OperatorInactive(uint256 operatorId);
    error NotOperatorManager(uint256 operatorId, address caller);
    error InvalidKeysLength(uint256 pubkeysLength, uint256 signaturesLength);
    error ZeroKeys();
    error TooManyKeys(uint256 count, uint256 max);
    error RemoveDepositedKeys(uint256 operatorId, uint256 newTotal, uint256 deposited);
    error NotEnoughDepositableKeys(uint256 requested, uint256 available);
    error TooManyOperators(uint256 max);
    error ExitedAboveDeposited(uint256 operatorId, uint256 exited, uint256 deposited);

    // ---------------------------------------------------------------- events
    /// @notice New keys; `pubkeys` and `signatures` are the concatenated bytes (48 / 96 each).
    event KeysAdded(uint256 indexed operatorId, uint256 firstIndex, bytes pubkeys, bytes signatures);
    /// @notice Undeposited keys from `newTotal` on were removed.
    event KeysRemoved(uint256 indexed operatorId, uint256 newTotal, uint256 removed);
    /// @notice Keys `[firstIndex, firstIndex+count)` of the operator were deposited.
    event KeysDeposited(uint256 indexed operatorId, uint256 firstIndex, uint256 count);
    /// @notice The module's key nonce changed (any key add/remove/limit change).
    event KeyNonceChanged(uint256 nonce);
    event OperatorExitedUpdated(uint256 indexed operatorId, uint256 exited);
    /// @notice Validators the operator must exit, up to `count` (read by operators and keepers).
    event ExitRequested(uint256 indexed operatorId, uint256 count, uint256 deadline);

    // ---------------------------------------------------------------- views
    /// @notice Keys that can be deposited right now (uploaded, vetted/bonded, undeposited).
    function depositableKeys() external view returns (uint256);

    /// @notice Increments exactly when the module's set of depositable keys changes: a deposit,
    /// or a change of some operator's depositable count (vetting, bond, locks, activity, key
    /// removal into the depositable range, an upload that is depositable at once). An upload of
    /// keys that are not depositable yet (beyond the vetted limit or the bond) leaves it unchanged.
    /// The depositable keys are each operator's `[depositedKeys, depositedKeys + depositable)`,
    /// walked from the cursor, so the set changes only if a count, the cursor or a deposited
    /// count changes: keys are added and removed only at the end of an operator's list.
    function keyNonce() external view returns (uint256);

    /// @notice Collateral held per active validator over 32 ETH, in bps, capped at 10,000. The
    /// bonded module counts only bond that was there at the last report (DESIGN §7: a top-up
    /// counts from the next report; a withdrawal or charge counts at once).
    function collateralBps() external view returns (uint256);

    /// @notice Which keys the next `count` deposits take, in order.
    /// @return operatorIds operator of each run
    /// @return firstIndexes first key index of each run
    /// @return counts length of each run
    function depositPlan(
        uint256 count
    )
        external
        view
        returns (uint256[] memory operatorIds, uint256[] memory firstIndexes, uint256[] memory counts);

    /// @notice The router this module serves.
    function router() external view returns (address);

    /// @notice The ServiceRegistry whose executed slashes and bond locks this module takes
    /// (`onSlash`, `lockBond`, `unlockBond`).
    function registry() external view returns (address);

    /// @notice The address that manages an operator (uploads keys, opts in to services).
    function operatorManager(uint256 operatorId) external view returns (address);

    /// @notice An operator's deposited and not exited validators.
    function activeValidatorsOf(uint256 operatorId) external view returns (uint256);

    /// @notice Keys `[0, depositedKeys)` of the operator were deposited.
    function depositedKeysOf(uint256 operatorId) external view returns (uint256);

    /// @notice The operator's cumulative requested exits and the deadline of the oldest part
    /// not yet exited (0 when every requested validator has exited).
    function exitRequestOf(uint256 operatorId) external view returns (uint256 requested, uint256 deadline);

    /// @notice The operator's outstanding exit requests, oldest first: exited validators must
    /// reach `upTo[i]` by `deadlines[i]`. A repeated request never moves a deadline later; only
    /// a raised request adds a part, with its own deadline.
    function exitTranchesOf(
        uint256 operatorId
    ) external view returns (uint256[] memory upTo, uint256[] memory deadlines);

    /// @notice Whether the operator missed the deadline of an exit request.
    function exitOverdue(uint256 operatorId) external view returns (bool);

    // ---------------------------------------------------------------- router only
    /// @notice Marks the next `count` keys of the plan deposited and returns which they are, in
    /// plan order; the router checks the supplied bytes of each against its registry entry.
    /// @param count number of keys
    /// @return walk one word per run of keys: `operatorId | firstIndex << 32 | take << 64`
    function onDeposit(uint256 count) external returns (uint256[] memory walk);

    /// @notice Charges up to `amount` from the operator's free (unlocked) collateral and sends
    /// it to the router. Locked collateral is never charged: a lock is released only by the
    /// execution or veto of the slash it was taken for (the registry unlocks it, then charges).
    /// @return charged what was actually charged (0 for modules without collateral)
    function chargeBond(uint256 operatorId, uint256 amount) external returns (uint256 charged);

    /// @notice Books an executed service slash on the operator in one call (only the registry,
    /// in its `executeSlash`): releases `unlock` of its bond locks, charges up to `amount` of its
    /// free collateral (sent to `payTo`, the pool, with a plain value call: the pool takes it
    /// only from the module the registry is slashing, and its `settleSlash` books it only if
    /// exactly `charged` arrived) and asks all its active validators to exit by `deadline` (as
    /// `requestExits`: a repeated request moves no deadline; no request when none is active).
    /// @param payTo where the charge goes: the pool
    /// @return charged what was actually charged and sent (0 for modules without collateral)
    /// @return active the module's `activeValidators()` (deposited less the larger of the
    /// reported and the per-operator exited counts), never above the router's count: the
    /// registry asks the router for a reputation penalty only when one can follow
    function onSlash(
        uint256 operatorId,
        uint256 amount,
        uint256 unlock,
        uint256 deadline,
        address payTo
    ) external returns (uint256 charged, uint256 active);

    /// @notice Locks collateral while a slash against the operator is pending (only the
    /// registry; no-op for modules without collateral).
    /// @return locked what was actually added to the lock (capped by the bond; 0 without one)
    function lockBond(uint256 operatorId, uint256 amount) external returns (uint256 locked);

    /// @notice Releases a lock (only the registry; no-op for modules without collateral).
    function unlockBond(uint256 operatorId, uint256 amount) external;

    /// @notice Records the operators' exited validators as reported by the oracle. Only the exit
    /// contract (a holder of the router's EXIT_MANAGER_ROLE).
    function updateExited(uint256[] calldata operatorIds, uint256[] calldata exited) external;

    /// @notice The module's exited validators as the oracle reported them. The router calls it
    /// when the reported count changed, and at every report for a module whose
    /// `snapshotsAtReport` is true (it snapshots report-time state). Only the router.
    function onExitedReported(uint256 exited) external;

    /// @notice Whether the router must call `onExitedReported` at every report, not only when
    /// the exited count changes; read once, when the module is registered.
    function snapshotsAtReport() external view returns (bool);

    /// @notice Asks the operator to exit `count` of its active validators (exited keys must
    /// reach `exitedKeys + count`, capped at its deposited keys). Only the part above what is
    /// already requested gets `deadline`;
    /// a repeated request moves no deadline. Emits `ExitRequested` with the deadline that
    /// applies to the whole request. Only the exit contract (the router's EXIT_MANAGER_ROLE).
    function requestExits(uint256 operatorId, uint256 count, uint256 deadline) external;
}
