// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev One basis point is 1 / BPS; every fee, premium, share limit and reputation is in bps.
uint256 constant BPS = 10_000;

/// @dev Size of one validator deposit; the unit in which modules receive stake.
uint256 constant DEPOSIT_SIZE = 32 ether;

/// @dev Virtual share and asset of the class price (OZ ERC-4626, decimals offset 0). They only
/// guard the empty-class edge: a class's NAV is internal accounting, so donations cannot move it.
uint256 constant VIRTUAL_SHARES = 1;
uint256 constant VIRTUAL_ASSETS = 1;

/// @dev Bounds on every loop over modules, classes and services (DESIGN §10); enforced where
/// items are added, relied on by the libraries for gas.
uint256 constant MAX_MODULES = 32;
uint256 constant MAX_CLASSES = 8;
uint256 constant MAX_SERVICES = 64;
/// @dev Cap on a module fee and on the treasury fee: their sum stays ≤ 100% of a reward, so a
/// report can always pay both (money-math "Fees").
uint256 constant MAX_FEE_BPS = 5_000;
/// @dev Floor of a class's cover target in the premium (DESIGN §6 step 5): a class pays its
/// premium only on the part of its NAV that junior capital covers at max(minCoverBps, this).
uint256 constant MIN_COVER_TARGET_BPS = 2_500;

/// @dev Role, in the StakingRouter, of the exit contract (ExitManager): modules accept exit
/// requests and exited counts from its holders, the WithdrawalVault their forced exits.
bytes32 constant EXIT_MANAGER_ROLE_ID = keccak256("EXIT_MANAGER_ROLE");
