// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @title ERC4626Vault__Baseline
/// @notice Test-only plain OpenZeppelin 5 ERC-4626 vault over WETH: the baseline the bench
/// compares Cascade's class deposits with. No fees, no hooks, default virtual offset.
contract ERC4626Vault__Baseline is ERC4626 {
    constructor(IERC20 weth) ERC20("Baseline Vault", "bVLT") ERC4626(weth) {}
}
