// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ServiceRegistryStorage} from "./ServiceRegistryStorage.sol";

/// @title ServiceExtension
/// @notice Base of the code the ServiceRegistry runs by DELEGATECALL. An extension has no
/// state of its own: its functions act on the registry proxy's storage, and called directly
/// (on the extension's own, empty storage) they revert.
abstract contract ServiceExtension is ServiceRegistryStorage {
    error NotDelegated();

    address private immutable SELF = address(this);

    /// @dev Only through the registry proxy, which checks the caller's role first.
    modifier onlyDelegated() {
        require(address(this) != SELF, NotDelegated());
        _;
    }
}
