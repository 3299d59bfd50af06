// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IClassFace
/// @notice What CascadePool asks of a class's ERC-20 face (ClassToken): the face keeps the
/// holder balances, allowances and permit nonces and emits every `Transfer` of its class from
/// its own address; the pool keeps the class book (NAV, supply) and the redemption escrow.
interface IClassFace {
    /// @notice Caller is not the pool.
    error NotPool(address caller);

    /// @notice Credits `shares` freshly created by the pool (deposit, fee) to `to` and emits the
    /// mint's `Transfer`. Pool only.
    function mint(address to, uint256 shares) external;

    /// @notice Moves `shares` of `owner` into the pool's redemption escrow (booked in the pool's
    /// queue, shown in `balanceOf(pool)`): reverts `ERC20InsufficientBalance`, then spends
    /// `spender`'s allowance of `owner` unless `spender` is `owner` (a redemption requested by an
    /// approved operator), and emits `Transfer(owner, pool)`. Pool only.
    function escrow(address spender, address owner, uint256 shares) external;

    /// @notice Emits `Transfer(pool, 0)` for `shares` of escrow burned by finalization (the pool
    /// books the burn). Pool only.
    function burnEscrowed(uint256 shares) external;

    /// @notice The pool whose ledger holds this class's balances.
    function POOL() external view returns (address);

    /// @notice The class this face stands for.
    function CLASS_ID() external view returns (uint256);
}
