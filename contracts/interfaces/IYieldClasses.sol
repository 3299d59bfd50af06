// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IYieldClasses
/// @notice The tranche book (DESIGN §5): each class's NAV, supply and parameters, and the report
/// waterfall. Class 0 is the most senior. Served by CascadePool (ICascadePool), which also holds
/// the ETH, the balances and the redemptions.
interface IYieldClasses {
    // ---------------------------------------------------------------- types
    struct ClassParams {
        uint16 basePremiumBps;
        uint16 maxPremiumBps;
        uint16 minCoverBps;
        uint32 redeemDelay; // seconds
        uint128 depositCap; // max NAV after a deposit; 0 = none
    }

    struct ClassInfo {
        address token;
        uint128 nav;
        uint128 supply;
        ClassParams params;
        bool open;
        bool wiped;
    }

    /// @notice The money part of a report (§6 steps 3–7), computed by Accounting.
    struct ReportMoney {
        // Module and treasury fees summed per distinct recipient, in order of first appearance
        // (module fee recipients by module id, then the treasury): one mint per recipient.
        uint256[] fees;
        address[] feeRecipients; // distinct; each entry's shares are minted once
        uint256 treasuryIndex; // the treasury's entry: Rnet without NAV and service fees join it
        uint256 rewardsNet; // Rnet, split over classes by start-of-report NAV
        uint256[] servicePaid; // per service with rewards this report
        uint8[] serviceTiers;
        uint256 serviceFeeBps;
        uint256 loss; // L, junior first
    }

    // ---------------------------------------------------------------- errors
    error UnknownClass(uint256 classId);
    error TooManyClasses(uint256 max);
    error ClassClosed(uint256 classId);
    error ClassIsWiped(uint256 classId);
    error ZeroAmount();
    error ZeroShares();
    error Slippage(uint256 shares, uint256 minShares);
    error CoverTooLow(uint256 classId, uint256 coverBps, uint256 minCoverBps);
    error DepositCapExceeded(uint256 classId, uint256 navAfter, uint256 cap);
    error InvalidParams(uint256 classId);
    error RedeemDelayTooShort(uint256 classId, uint256 delay, uint256 needed);
    error NotAuthorized(address caller);
    /// @notice setAccounting / setServiceRegistry were already called (they are one-shot).
    error AlreadyLinked();
    error LengthMismatch();
    error BadToken(address token);

    // ---------------------------------------------------------------- events
    event ClassAdded(uint256 indexed classId, address token, ClassParams params);
    event ClassParamsSet(uint256 indexed classId, ClassParams params);
    event ClassOpenSet(uint256 indexed classId, bool open);
    event ClassWiped(uint256 indexed classId, uint256 supply);
    event Deposited(uint256 indexed classId, address indexed receiver, uint256 assets, uint256 shares);
    /// @notice Fee shares of class `classId` (the most senior class not wiped) minted to `recipient`.
    event FeeMinted(uint256 indexed classId, address indexed recipient, uint256 assets, uint256 shares);
    event ClassNavChanged(uint256 indexed classId, uint256 nav, uint256 supply);
    event RedemptionBurned(uint256 indexed classId, uint256 shares, uint256 assets);
    event MinRedeemDelaySet(uint256 delay);
    event AccountingSet(address accounting);
    event ClassLossTaken(uint256 indexed classId, uint256 amount);
    event ServiceRegistrySet(address registry);

    // ---------------------------------------------------------------- governance
    /// @notice Adds a class, more junior than every existing one, with its token (a fresh
    /// ClassToken face whose POOL is this contract and CLASS_ID the new id). CLASS_MANAGER_ROLE.
    function addClass(address token, ClassParams calldata params) external returns (uint256 classId);

    /// @notice Changes a class's parameters within bounds. CLASS_MANAGER_ROLE.
    function setClassParams(uint256 classId, ClassParams calldata params) external;

    /// @notice Opens or closes a class to deposits. CLASS_MANAGER_ROLE.
    function setClassOpen(uint256 classId, bool open) external;

    /// @notice Sets the floor under every class's redemption delay (≥ one oracle frame,
    /// and ≥ the slashing+veto window of every service the class is exposed to). CLASS_MANAGER_ROLE.
    function setMinRedeemDelay(uint256 delay) external;

    // ---------------------------------------------------------------- protocol
    /// @notice Applies steps 3–7 of a report. Accounting only. Each recipient's fees (the
    /// treasury's entry also takes Rnet when no class has NAV and every service fee) are minted
    /// once, as shares of the most senior class that is not wiped at its pre-report price: one
    /// rounding and one `FeeMinted` per recipient. When every class is wiped nothing is minted
    /// and the amounts are returned, for Accounting to owe them as ETH (DESIGN §5).
    /// @return feeEth per entry of `money.feeRecipients`, the wei owed as ETH instead of shares
    /// @return navs every class's NAV after the report (what `navs()` returns next), for
    /// Accounting's exposure check (IServiceRegistry.enforceExposure)
    function applyReport(
        ReportMoney calldata money
    ) external returns (uint256[] memory feeEth, uint256[] memory navs);

    // ---------------------------------------------------------------- views
    function classCount() external view returns (uint256);

    function getClass(uint256 classId) external view returns (ClassInfo memory);

    function navOf(uint256 classId) external view returns (uint256);

    function navs() external view returns (uint256[] memory);

    function totalNav() external view returns (uint256);

    function convertToAssets(uint256 classId, uint256 shares) external view returns (uint256);

    function convertToShares(uint256 classId, uint256 assets) external view returns (uint256);

    function minRedeemDelay() external view returns (uint256);
}
