// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakingRouter} from "../../contracts/StakingRouter.sol";

/// @notice StakingRouter as the fixtures deploy it (a distinct implementation for upgrade
/// tests). It adds no functions: the router is within a few dozen bytes of EIP-170, so the
/// fixture seeds buffered ETH and deposited counts with `vm.store` (RouterFixture `_addBuffered`,
/// `_setDeposited`) instead.
contract StakingRouter__Harness is StakingRouter {
    constructor(address extension_) StakingRouter(extension_) {}
}
