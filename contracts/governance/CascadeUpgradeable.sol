// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title CascadeUpgradeable
/// @notice Common base of every stateful Cascade contract: an ERC-1967 UUPS implementation
/// whose upgrades only DEFAULT_ADMIN_ROLE (the TimelockController) authorizes. OZ keeps
/// its own state in ERC-7201 namespaces; each Cascade contract does the same for its own.
abstract contract CascadeUpgradeable is Initializable, AccessControlUpgradeable, UUPSUpgradeable {
    error ZeroAddress();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        // Implementations are never used directly: only through a proxy.
        _disableInitializers();
    }

    // solhint-disable-next-line func-name-mixedcase
    function __Cascade_init(address admin) internal onlyInitializing {
        require(admin != address(0), ZeroAddress());
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Only the admin (the timelock in every deployment) may upgrade.
    function _authorizeUpgrade(address) internal view override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
