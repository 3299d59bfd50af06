// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IYieldClasses} from "./IYieldClasses.sol";
import {IWithdrawalQueue} from "./IWithdrawalQueue.sol";

/// @title ICascadePool
/// @notice The ETH and class ledger (docs/architecture.md): the pool's buffered and reserved
/// ETH, the class books (IYieldClasses), every holder's balance of every class (ERC-6909-style,
/// `balanceOf(holder, classId)`), the redemption requests (IWithdrawalQueue) and the service
/// debt and payouts. Each class's ERC-20 is an immutable ClassToken face over this ledger.
interface ICascadePool is IYieldClasses, IWithdrawalQueue {
    // ---------------------------------------------------------------- errors
    /// @notice A balance move of class `classId` not sent by that class's face.
    error NotFace(uint256 classId, address caller);
    error NotEnoughBuffered(uint256 needed, uint256 available);
    error TooManyDebtors(uint256 max);
    error NothingToClaim();
    /// @notice A report booked more service rewards than the registry forwarded.
    error ServiceRewardsExceeded(uint256 booked, uint256 unbooked);

    // ---------------------------------------------------------------- events
    event BufferedChanged(uint256 buffered);
    /// @notice Finalized redemptions moved `amount` from buffered to reserved.
    event RedemptionsFunded(uint256 amount);
    /// @notice The registry forwarded `amount` of service rewards as they were paid; held
    /// unbooked (not buffered, no NAV) until a report books them.
    event ServiceRewardsReceived(uint256 amount);
    /// @notice A report booked `amount` of the unbooked service rewards into buffered;
    /// `unbooked` is left for later reports (the per-report reward cap).
    event ServiceRewardsBooked(uint256 amount, uint256 unbooked);
    event ServiceSlashPaid(address indexed recipient, uint256 paid, uint256 owed);
    event DebtRepaid(uint256 amount, uint256 remaining);
    event ServicePayoutClaimed(address indexed recipient, uint256 amount);
    /// @notice `recipient`'s payout account was opened (its first service registered), so its
    /// slash credits and claims rewrite a slot that is never zero again.
    event PayoutOpened(address indexed recipient);
    /// @notice The router took `amount` of buffered ETH for validator deposits.
    event WithdrawnForDeposit(uint256 amount);

    // ---------------------------------------------------------------- depositors
    /// @notice Deposits `msg.value` into yield class `classId`, crediting its shares to
    /// `receiver` (the face emits the mint's `Transfer`). Reverts on a closed or wiped class, the
    /// cover rule, the class cap or `minShares` (DESIGN §5).
    /// @param classId class (0 = most senior)
    /// @param receiver who gets the class shares
    /// @param minShares slippage guard
    /// @return shares credited
    function deposit(
        uint256 classId,
        address receiver,
        uint256 minShares
    ) external payable returns (uint256 shares);

    // ---------------------------------------------------------------- faces
    /// @notice Moves `amount` shares of `classId` from `from` to `to`. Only that class's face,
    /// which has checked the allowance and emits the `Transfer`. Reverts with the ERC-20 errors
    /// (`ERC20InsufficientBalance`, `ERC20InvalidReceiver`).
    function faceTransfer(uint256 classId, address from, address to, uint256 amount) external;

    /// @notice Shares of `classId` held by `holder` (the pool itself holds escrowed redemptions).
    function balanceOf(address holder, uint256 classId) external view returns (uint256);

    /// @notice Share supply of `classId` (escrowed redemption shares included until finalized).
    function totalSupply(uint256 classId) external view returns (uint256);

    // ---------------------------------------------------------------- ETH
    /// @notice ETH that is neither deposited nor reserved (DESIGN §4 `buffered`).
    function buffered() external view returns (uint256);

    /// @notice Buffered ETH available for validator deposits: service debt and the redemptions
    /// waiting in the queue (at their value at request) are served first (§6 step 10).
    function depositable() external view returns (uint256);

    /// @notice Books bond charges the router forwards during a report. Router only.
    function bookInflow() external payable;

    /// @notice Pulls a report's vault ETH straight into buffered: asks the withdrawal vault
    /// for `withdrawn` and the EL vault for `elRewards` (each `RewardsVault.payPool`, which pays
    /// only this pool) and books what arrived. Accounting only (it names its two vaults,
    /// immutables of its implementation).
    /// @param withdrawalVault the router's withdrawal vault
    /// @param withdrawn wei to pull from it (0 = none)
    /// @param elVault the router's execution-rewards vault
    /// @param elRewards wei to pull from it (0 = none)
    function pullFromVaults(
        address withdrawalVault,
        uint256 withdrawn,
        address elVault,
        uint256 elRewards
    ) external;

    /// @notice Sends `amount` of depositable ETH to the router for validator deposits made in
    /// the same call. Router only.
    function withdrawForDeposit(uint256 amount) external;

    /// @notice Receives service rewards as they are paid; they are held unbooked (not
    /// buffered, no NAV) until a report books them into buffered. Service registry only.
    function receiveServiceRewards() external payable;

    /// @notice Service rewards received and not yet booked by a report (wei).
    function unbookedServiceRewards() external view returns (uint256);

    // ---------------------------------------------------------------- service debt and payouts
    /// @notice Pays ETH-owed fees to `recipient` from buffered; what buffered cannot pay becomes
    /// debt, repaid first at the next reports. Accounting only (an executed slash is paid by
    /// `settleSlash`).
    /// @param recipient receiver of the ETH (address(0) burns it)
    function payServiceSlash(address recipient, uint256 amount) external;

    /// @notice Settles an executed service slash in the pool's one entry per slash (the
    /// ServiceRegistry only, in its `executeSlash`): the operator's bond charge `bond`, which the
    /// slashed module sent to this contract's `receive` just before (reverts
    /// `EthTransferFailed(pool, bond)` unless exactly `bond` arrived that way), joins
    /// buffered; the rest of the slash, `amount − bond`, is taken from classes `K−1 …
    /// fromClass` (junior first), then further up only if those are empty (what no class can
    /// absorb is dropped, DESIGN §8); then `bond` + the classes' share is paid to `recipient` from buffered, and what
    /// buffered cannot pay becomes debt (as `payServiceSlash`). Buffered is written once.
    /// @param recipient receiver of the ETH (address(0) burns it)
    /// @param amount the slash X (the bond's part and the classes' part)
    /// @param fromClass the service's tier: the most senior exposed class
    /// @param bond the module's charge (`IStakingModule.onSlash`'s return), at most `amount`
    /// @return classLoss wei the classes absorbed (≤ `amount − bond`)
    function settleSlash(
        address recipient,
        uint256 amount,
        uint256 fromClass,
        uint256 bond
    ) external returns (uint256 classLoss);

    /// @notice Repays service debt from buffered, oldest debtor first (report step 10, before
    /// redemptions; `finalize` does it first on every report). Accounting only.
    /// @return repaid wei repaid
    function repayDebt() external returns (uint256 repaid);

    /// @notice Withdraws slashed ETH credited to the caller (a service's recipient); its payout
    /// account stays open.
    function claimServicePayout() external returns (uint256 amount);

    /// @notice Opens `recipient`'s payout account (its slot made non-zero before its first
    /// slash credit; a no-op if already open). The service registry only, at registration.
    /// @param recipient a registering service's recipient of slashed ETH
    function openPayout(address recipient) external;

    /// @notice Service slash ETH not yet paid.
    function debt() external view returns (uint256);

    /// @notice Slashed ETH waiting to be claimed by `recipient`.
    function servicePayoutOf(address recipient) external view returns (uint256);

    /// @notice Total slashed ETH waiting to be claimed (held outside buffered).
    function servicePayoutsTotal() external view returns (uint256);

    // ---------------------------------------------------------------- links
    /// @notice Links Accounting once (it is deployed after the pool). DEFAULT_ADMIN_ROLE.
    function setAccounting(address accounting) external;

    /// @notice Links the ServiceRegistry once (§8 redemption-delay rule, service rewards).
    /// DEFAULT_ADMIN_ROLE.
    function setServiceRegistry(address registry) external;

    /// @notice The PoolExtension this implementation runs its cold paths in (by DELEGATECALL).
    function extension() external view returns (address);

    /// @notice The router and accounting this pool serves.
    function links() external view returns (address router, address accounting);
}
