// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IClassFace
/// @notice What CascadePool asks of a class's ERC-20 face (ClassToken): the face keeps the
/// allowances and permit nonces and emits every `Transfer` of its class from its own address.
interface IClassFace {
    /// @notice Caller is not the pool.
    error NotPool(address caller);

    /// @notice The pool moved, created or destroyed `amount` shares (`from`/`to` zero for a
    /// mint/burn): spends `spender`'s allowance of `from` when `spender` is neither zero nor
    /// `from` (a redemption requested by an approved operator), then emits `Transfer`. Pool only.
    function emitTransfer(address spender, address from, address to, uint256 amount) external;

    /// @notice The pool created `amount` shares for `to` (a deposit or a fee): emits the mint's
    /// `Transfer(0, to, amount)`. Two words of calldata instead of `emitTransfer`'s four: the
    /// hook every deposit pays. Pool only.
    function emitMint(address to, uint256 amount) external;

    /// @notice The pool whose ledger holds this class's balances.
    function POOL() external view returns (address);

    /// @notice The class this face stands for.
    function CLASS_ID() external view returns (uint256);
}
