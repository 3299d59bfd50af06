// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ModuleWord
/// @notice The bit layout of a module record's first storage slot (`RouterStorage.ModuleRecord`
/// slot 0), in one place for the two contracts that read it raw: StakingRouter returns the words
/// from `reportStates()` and rewrites the report's fields of them in `applyModuleReports`, and
/// Accounting reads them for the §9 checks and builds the report's new fields with `withReport`.
/// Passing the words instead of ABI-encoded structs saves the encoding and decoding of every
/// field of every module in each report (docs/gas.md).
/// @dev The offsets are the compiler's for the struct's declaration order (`deposited`,
/// `clValidators`, `exited` uint32; `clBalance` uint96; `reputationBps` uint16; `status` uint8;
/// `snapshotsAtReport` bool; `moduleFeeBps`, `stakeShareLimitBps` uint16: 256 bits);
/// test/router/ModuleWord.t.sol checks them against the struct's fields, and
/// docs/storage-layout.json records the struct.
library ModuleWord {
    uint256 internal constant CL_VALIDATORS_SHIFT = 32;
    uint256 internal constant EXITED_SHIFT = 64;
    uint256 internal constant CL_BALANCE_SHIFT = 96;
    uint256 internal constant REPUTATION_SHIFT = 192;
    uint256 internal constant STATUS_SHIFT = 208;
    uint256 internal constant SNAPSHOTS_SHIFT = 216;
    uint256 internal constant FEE_SHIFT = 224;
    uint256 internal constant STAKE_SHARE_LIMIT_SHIFT = 240;

    /// @dev The fields a report writes: CL validators, exited, CL balance, reputation.
    uint256 internal constant REPORT_MASK =
        (uint256(type(uint32).max) << CL_VALIDATORS_SHIFT) |
            (uint256(type(uint32).max) << EXITED_SHIFT) |
            (uint256(type(uint96).max) << CL_BALANCE_SHIFT) |
            (uint256(type(uint16).max) << REPUTATION_SHIFT);

    function deposited(uint256 w) internal pure returns (uint256) {
        return uint32(w);
    }

    function clValidators(uint256 w) internal pure returns (uint256) {
        return uint32(w >> CL_VALIDATORS_SHIFT);
    }

    function exited(uint256 w) internal pure returns (uint256) {
        return uint32(w >> EXITED_SHIFT);
    }

    function clBalance(uint256 w) internal pure returns (uint256) {
        return uint96(w >> CL_BALANCE_SHIFT);
    }

    function reputationBps(uint256 w) internal pure returns (uint256) {
        return uint16(w >> REPUTATION_SHIFT);
    }

    /// @dev `IStakingRouter.ModuleStatus` as its number.
    function status(uint256 w) internal pure returns (uint256) {
        return uint8(w >> STATUS_SHIFT);
    }

    /// @dev The module asked for `onExitedReported` at every report.
    function snapshotsAtReport(uint256 w) internal pure returns (bool) {
        return uint8(w >> SNAPSHOTS_SHIFT) != 0;
    }

    function moduleFeeBps(uint256 w) internal pure returns (uint256) {
        return uint16(w >> FEE_SHIFT);
    }

    function stakeShareLimitBps(uint256 w) internal pure returns (uint256) {
        return uint16(w >> STAKE_SHARE_LIMIT_SHIFT);
    }

    /// @dev The report's fields of a word (every other bit zero). The caller has checked each
    /// value's width: validators and exited ≤ `deposited` (32 bits), the balance < 2⁹⁶, the
    /// reputation ≤ 10⁴.
    function reportFields(
        uint256 validators,
        uint256 exitedCount,
        uint256 balance,
        uint256 reputation
    ) internal pure returns (uint256) {
        return
            (validators << CL_VALIDATORS_SHIFT) |
            (exitedCount << EXITED_SHIFT) |
            (balance << CL_BALANCE_SHIFT) |
            (reputation << REPUTATION_SHIFT);
    }

    /// @dev `w` with its report fields replaced by those of `report` (other bits of `report`
    /// ignored): what the router stores, so a report can never touch deposits, status or fees.
    function withReport(uint256 w, uint256 report) internal pure returns (uint256) {
        return (w & ~REPORT_MASK) | (report & REPORT_MASK);
    }
}
