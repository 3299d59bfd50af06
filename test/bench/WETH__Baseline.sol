// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title WETH__Baseline
/// @notice Test-only wrapped ETH (OpenZeppelin 5 ERC-20) used as the asset of the ERC-4626
/// baseline vault in `npm run bench`. Never deployed outside the benchmark.
contract WETH__Baseline is ERC20 {
    constructor() ERC20("Wrapped Ether (bench)", "WETH") {}

    /// @notice Wraps `msg.value` 1:1.
    function deposit() external payable {
        _mint(msg.sender, msg.value);
    }
}
