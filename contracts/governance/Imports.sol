// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Makes Hardhat compile the OZ contracts the TypeScript deploy steps instantiate.
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
