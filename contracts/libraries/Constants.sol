// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev One basis point scale: 10_000 bps = 100%.
uint256 constant BPS = 10_000;
/// @dev ETH per validator deposit.
uint256 constant DEPOSIT_SIZE = 32 ether;
/// @dev Virtual shares and assets of every class (OZ ERC-4626 style, decimals offset 0).
uint256 constant VIRTUAL_SHARES = 1;
uint256 constant VIRTUAL_ASSETS = 1;
/// @dev Bounds on every loop over modules, classes and services (DESIGN §10).
uint256 constant MAX_MODULES = 32;
uint256 constant MAX_CLASSES = 8;
uint256 constant MAX_SERVICES = 64;
