// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IYieldClasses} from "./interfaces/IYieldClasses.sol";

/// @title ClassToken
/// @notice The liquid token of one yield class: ERC-20 + ERC-2612 permit, non-rebasing; its
/// price is the class NAV over its supply, kept by the YieldClasses book. Only the book
/// mints and burns; only the withdrawal queue escrows shares for redemption.
/// @dev Not upgradeable: balances are plain OZ ERC-20 state owned by this contract.
contract ClassToken is ERC20Permit {
    error NotBook(address caller);
    error NotQueue(address caller);

    IYieldClasses public immutable BOOK;
    uint256 public immutable CLASS_ID;

    constructor(
        string memory name_,
        string memory symbol_,
        IYieldClasses book,
        uint256 classId
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        BOOK = book;
        CLASS_ID = classId;
    }

    /// @notice Mints class shares. Book only.
    function mint(address to, uint256 shares) external {
        require(msg.sender == address(BOOK), NotBook(msg.sender));
        _mint(to, shares);
    }

    /// @notice Burns class shares. Book only.
    function burn(address from, uint256 shares) external {
        require(msg.sender == address(BOOK), NotBook(msg.sender));
        _burn(from, shares);
    }

    /// @notice Moves `shares` of `owner` into the queue's escrow for a redemption request,
    /// spending `spender`'s allowance when the spender is not the owner. Queue only.
    function escrowForRedeem(address owner, address spender, uint256 shares) external {
        address queue = BOOK.withdrawalQueue();
        require(msg.sender == queue, NotQueue(msg.sender));
        if (spender != owner) _spendAllowance(owner, spender, shares);
        _transfer(owner, queue, shares);
    }

    /// @notice The class NAV in wei.
    function nav() external view returns (uint256) {
        return BOOK.navOf(CLASS_ID);
    }

    /// @notice Wei per 1e18 shares, rounded down.
    function price() external view returns (uint256) {
        return BOOK.convertToAssets(CLASS_ID, 1 ether);
    }

    /// @notice Wei that `shares` are worth now, rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return BOOK.convertToAssets(CLASS_ID, shares);
    }

    /// @notice Shares that `assets` buy now, rounded down.
    function convertToShares(uint256 assets) external view returns (uint256) {
        return BOOK.convertToShares(CLASS_ID, assets);
    }
}
