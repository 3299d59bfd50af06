// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWithdrawalQueue
/// @notice Asynchronous redemption in the shape of ERC-7540: request → claimable → claim,
/// paid in ETH; served by CascadePool (ICascadePool). FIFO per class; a request pays `min(value at request, value at finalization)`.
/// Request ids are `controller << 96 | classId << 64 | index` (the controller's address in the
/// high 160 bits; the low 96 bits, `classId << 64 | index`, are the request's queue position).
interface IWithdrawalQueue {
    /// @dev A claimed request reads `finalized` and `claimed` true and every other field 0 (the
    /// claim clears its one slot for the storage refund; `RedeemRequest` carries its controller
    /// and shares, `Claimed` what was paid).
    struct Request {
        address controller;
        uint64 requestedAt;
        bool finalized;
        bool claimed;
        uint128 shares;
        uint128 assets; // value at request until finalized, then the amount locked for the claim
    }

    error UnknownRequest(uint256 requestId);
    error NotController(uint256 requestId, address caller);
    error NotFinalized(uint256 requestId);
    error AlreadyClaimed(uint256 requestId);
    error EthTransferFailed(address to, uint256 amount);
    /// @notice A request worth less than the governance minimum (dust).
    error RedeemBelowMinimum(uint256 classId, uint256 assets, uint256 minimum);

    /// @notice ERC-7540 `RedeemRequest` event.
    event RedeemRequest(
        address indexed controller,
        address indexed owner,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );
    /// @notice A request finalized: `position` is its id's low 96 bits (`classId << 64 | index`;
    /// finalization walks the queue by position, and the id's controller part is not stored).
    event RedeemFinalized(uint256 indexed position, uint256 shares, uint256 assets);
    event Claimed(uint256 indexed requestId, address indexed controller, address receiver, uint256 assets);
    event MinRedeemAssetsSet(uint256 minimum);

    /// @notice Requests redemption of `shares` of `classId` owned by `owner` (the caller, or
    /// a spender with allowance). At most 2^88 shares (`SafeCastOverflowedUintDowncast`). The shares move to the queue's escrow now; their ETH is
    /// locked at the first report after the class's redemption delay. Reverts
    /// `RedeemBelowMinimum` when the shares are worth less than `minRedeemAssets` (unless the
    /// class is wiped).
    /// @return requestId the request's id
    function requestRedeem(
        uint256 classId,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 requestId);

    /// @notice Pays a finalized request's ETH to `receiver`. Controller only (`NotController`;
    /// `AlreadyClaimed` once claimed, whoever calls). If the transfer fails nothing changes and
    /// the request stays claimable.
    function claim(uint256 requestId, address receiver) external returns (uint256 assets);

    /// @notice Finalizes due requests, FIFO within each class, within `budget` wei and at most
    /// `maxRequests` requests. Each class first gets `maxRequests / classCount` of the request
    /// budget (so dust in one class cannot delay another), then the rest goes in class order.
    /// Report step 10 in one call: service debt is repaid from buffered first (as
    /// `ICascadePool.repayDebt`), then the budget is capped at what is left buffered.
    /// Accounting only.
    /// @return total ETH the finalized requests lock: it moves from buffered to reserved.
    function finalize(uint256 budget, uint256 maxRequests) external returns (uint256 total);

    /// @notice Sets the smallest request (value at request, wei); smaller ones revert
    /// `RedeemBelowMinimum`. DEFAULT_ADMIN_ROLE (timelock).
    function setMinRedeemAssets(uint256 minimum) external;

    /// @notice The smallest request accepted, in wei of value at request.
    function minRedeemAssets() external view returns (uint256);

    /// @notice Shares of a request still pending (0 once finalized). ERC-7540.
    function pendingRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares);

    /// @notice Shares of a request that are claimable (finalized, not claimed). ERC-7540.
    function claimableRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares);

    /// @notice The request (reverts `UnknownRequest`, also for an id whose controller part is not
    /// the request's controller); once claimed, `finalized`/`claimed` are true and every other
    /// field reads 0 (see `RedeemRequest` and `Claimed`).
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice Σ value-at-request of pending requests: ETH the pool keeps buffered for them.
    function pendingDemand() external view returns (uint256);

    /// @notice ETH held for finalized, unclaimed requests.
    function reserved() external view returns (uint256);

    function requestCount(uint256 classId) external view returns (uint256 total, uint256 head);
}
