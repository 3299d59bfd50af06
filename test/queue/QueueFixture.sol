// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice Default system with classes C/B/A = 10/30/60 ETH and two validators staked, so
/// 36 ETH stay buffered for redemptions.
abstract contract QueueFixture is SystemFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public virtual {
        _deploySystem();
        _curatedOperator(curated, 4);
        _bondedOperator(4);
        _seedClasses();
        _stake(2);
    }

    /// @dev Warps `dt` and applies a report repeating the modules' state (finalizes what is due).
    function _reportAfter(uint256 dt) internal {
        vm.warp(block.timestamp + dt);
        _applyDirect(_emptyReport());
    }

    /// @dev Warps `dt` and applies a report in which module 0's validator loses `loss` wei
    /// (explained by one slashing).
    function _lossAfter(uint256 dt, uint256 loss) internal {
        vm.warp(block.timestamp + dt);
        IAccounting.Report memory r = _emptyReport();
        r.modules[0].clBalance -= uint128(loss);
        r.modules[0].slashedValidators = 1;
        _applyDirect(r);
    }

    /// @dev Warps `dt` and books `amount` of execution-layer rewards.
    function _rewardAfter(uint256 dt, uint256 amount) internal {
        vm.warp(block.timestamp + dt);
        vm.deal(address(elv), address(elv).balance + amount);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = amount;
        _applyDirect(r);
    }
}
