// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IReportOracle} from "../../contracts/interfaces/IReportOracle.sol";
import {ReportOracle} from "../../contracts/ReportOracle.sol";
import {OracleFixture} from "./OracleFixture.sol";

/// @notice The oracle's packed slots: the frame config fits one slot (initialize refuses what
/// does not fit), and the last processed refSlot, kept in the tally slot, survives every
/// rewrite of the tally (a new frame's first vote, a member's removal).
contract OracleSlotsTest is OracleFixture {
    /// @dev A fresh oracle proxy; `err` (if any) is expected from its initialization.
    function _init(uint256 genesis, uint256 sps, uint256 spf, bytes memory err) private returns (address) {
        address[] memory ms = new address[](1);
        ms[0] = makeAddr("m");
        address impl = address(new ReportOracle());
        bytes memory data = abi.encodeCall(
            ReportOracle.initialize,
            (admin, address(accounting), genesis, sps, spf, ms, 1)
        );
        if (err.length != 0) vm.expectRevert(err);
        return address(new ERC1967Proxy(impl, data));
    }

    function test_initialize_refusesFramesAbove24Bits() public {
        _init(
            0,
            12,
            1 << 24,
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 24, 1 << 24)
        );
        ReportOracle o = ReportOracle(_init(0, 12, (1 << 24) - 1, ""));
        (, , uint256 spf) = o.frameConfig();
        assertEq(spf, (1 << 24) - 1, "the largest frame fits");
    }

    function test_initialize_refusesGenesisAbove40Bits() public {
        vm.warp(1 << 40);
        _init(
            1 << 40,
            12,
            32,
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 40, 1 << 40)
        );
        ReportOracle o = ReportOracle(_init((1 << 40) - 1, type(uint32).max, 32, ""));
        (uint256 g, uint256 sps, ) = o.frameConfig();
        assertEq(g, (1 << 40) - 1, "genesis");
        assertEq(sps, type(uint32).max, "seconds per slot");
        assertEq(address(o.getMembers()[0]), makeAddr("m"), "members beside the config");
    }

    function test_lastProcessedRefSlot_survivesTheNextFramesVotes() public {
        _vote(0, hash);
        _vote(1, hash);
        _submit(0);
        uint256 applied = report.refSlot;
        // The next frame's first vote starts a fresh tally: the processed refSlot stays.
        vm.warp(block.timestamp + FRAME);
        _prepare();
        _vote(0, hash);
        assertEq(oracle.lastProcessedRefSlot(), applied, "kept through the new tally");
        // Removing a member rewrites the tally too.
        vm.prank(admin);
        oracle.removeMember(members[2], 2);
        assertEq(oracle.lastProcessedRefSlot(), applied, "kept through the removal");
        _vote(1, hash);
        _submit(1);
        assertEq(oracle.lastProcessedRefSlot(), report.refSlot, "the next frame applied");
        vm.expectRevert(
            abi.encodeWithSelector(IReportOracle.RefSlotAlreadyProcessed.selector, report.refSlot)
        );
        _vote(0, keccak256("another"));
    }
}
