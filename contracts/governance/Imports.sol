// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title CascadeProxy
/// @notice The ERC-1967 proxy every stateful Cascade contract sits behind (OZ's, unchanged).
contract CascadeProxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}

/// @title CascadeTimelock
/// @notice Governance's TimelockController (OZ's, unchanged): holds DEFAULT_ADMIN_ROLE everywhere.
contract CascadeTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
