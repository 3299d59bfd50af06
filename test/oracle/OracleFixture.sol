// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @notice Default system one frame after genesis, with a report for the current frame.
abstract contract OracleFixture is SystemFixture {
    IAccounting.Report internal report;
    bytes32 internal hash;

    function setUp() public virtual {
        _deploySystem();
        vm.warp(block.timestamp + FRAME);
        _prepare();
    }

    /// @dev Stores an unchanged-state report for the current frame and its hash.
    function _prepare() internal {
        IAccounting.Report memory r = _emptyReport();
        r.refSlot = oracle.currentRefSlot();
        delete report;
        report.refSlot = r.refSlot;
        for (uint256 i; i < r.modules.length; ++i) report.modules.push(r.modules[i]);
        hash = keccak256(abi.encode(r));
    }

    function _vote(uint256 member, bytes32 h) internal {
        vm.prank(members[member]);
        oracle.submitReportHash(report.refSlot, h);
    }

    function _submit(uint256 member) internal {
        vm.prank(members[member]);
        oracle.submitReportData(report);
    }
}
