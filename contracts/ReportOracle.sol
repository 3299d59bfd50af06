// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CascadeUpgradeable} from "./governance/CascadeUpgradeable.sol";
import {IAccounting} from "./interfaces/IAccounting.sol";
import {IReportOracle} from "./interfaces/IReportOracle.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title ReportOracle
/// @notice Member quorum over one report per frame (DESIGN §9).
contract ReportOracle is CascadeUpgradeable, IReportOracle {
    uint256 public constant MAX_MEMBERS = 16;

    /// @dev A member and its vote in one slot: `index` is the candidate it backs in `refSlot`.
    struct Member {
        bool active;
        uint64 refSlot;
        uint8 index;
    }

    /// @dev The open frame's count in one slot, rewritten every frame (nonzero to nonzero, never
    /// a fresh slot per frame or per hash): `support` holds 16 × 8-bit vote counts, one per
    /// candidate hash in `candidates`; `agreed` is the index + 1 of the hash holding a quorum.
    /// `lastProcessedRefSlot` (the last refSlot applied) shares the slot: every vote and every
    /// report data read both, and the report writes only this slot.
    struct Tally {
        uint64 refSlot;
        uint8 candidates;
        uint8 agreed;
        uint128 support;
        uint48 lastProcessedRefSlot;
    }

    /// @custom:storage-location erc7201:cascade.storage.ReportOracle
    struct OracleStorage {
        // One slot: the link and everything `currentRefSlot` reads (one cold read per vote and
        // per report). uint40 seconds reach the year 36,000; 2²⁴ slots per frame, 6 years.
        IAccounting accounting;
        uint40 genesisTime;
        uint32 secondsPerSlot;
        uint24 slotsPerFrame;
        uint32 quorum;
        address[] members;
        mapping(address member => Member) member;
        Tally tally;
        // Candidate hashes of the open frame (votes are only taken for the current frame and
        // data only for a frame not yet past, so older frames' counts are never read). A slot
        // is reused once no vote backs it: ≤ MAX_MEMBERS hashes can be backed at once.
        bytes32[MAX_MEMBERS] candidates;
    }

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.ReportOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x589426d7d98c18996a1cd7610f39dd393671761b6ac2a72f6432d953ac484700;

    function _s() private pure returns (OracleStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @notice Initializes the proxy.
    /// @param admin DEFAULT_ADMIN_ROLE (timelock)
    /// @param accounting where agreed reports go
    /// @param genesisTime beacon genesis (seconds)
    /// @param secondsPerSlot 12 on mainnet
    /// @param slotsPerFrame slots per report frame
    function initialize(
        address admin,
        address accounting,
        uint256 genesisTime,
        uint256 secondsPerSlot,
        uint256 slotsPerFrame,
        address[] calldata members,
        uint256 quorum_
    ) external initializer {
        __Cascade_init(admin);
        require(accounting != address(0), ZeroAddress());
        require(
            secondsPerSlot != 0 && slotsPerFrame != 0 && genesisTime <= block.timestamp,
            InvalidFrameConfig()
        );
        OracleStorage storage $ = _s();
        $.accounting = IAccounting(accounting);
        $.genesisTime = SafeCast.toUint40(genesisTime);
        $.secondsPerSlot = SafeCast.toUint32(secondsPerSlot);
        $.slotsPerFrame = SafeCast.toUint24(slotsPerFrame);
        for (uint256 i; i < members.length; ++i) _addMember(members[i]);
        _setQuorum(quorum_);
    }

    /// @inheritdoc IReportOracle
    /// @dev One member slot, the frame config, the tally slot and one candidate hash per vote.
    function submitReportHash(uint256 refSlot, bytes32 hash) external {
        OracleStorage storage $ = _s();
        Member storage mb = $.member[msg.sender];
        require(mb.active, NotMember(msg.sender));
        uint256 current = currentRefSlot();
        require(refSlot == current, RefSlotNotCurrent(refSlot, current));
        Tally memory t = _tally(refSlot);
        require(refSlot > t.lastProcessedRefSlot, RefSlotAlreadyProcessed(refSlot));
        if (mb.refSlot == refSlot) {
            uint256 old = mb.index;
            require($.candidates[old] != hash, AlreadyVoted(msg.sender, hash));
            // A changed vote withdraws the old support within the same frame.
            t.support -= uint128(1 << (8 * old));
        }
        uint256 index = _candidate(t, hash);
        mb.refSlot = uint64(refSlot);
        mb.index = uint8(index);
        t.support += uint128(1 << (8 * index));
        uint256 support = _supportOf(t, index);
        emit ReportHashSubmitted(refSlot, msg.sender, hash, support);
        uint256 q = $.quorum;
        if (support >= q && t.agreed != index + 1) {
            // At most one hash holds a quorum (> half the members), so `agreed` had lost it.
            t.agreed = uint8(index + 1);
            emit ConsensusReached(refSlot, hash, support);
        } else if (t.agreed != 0 && _supportOf(t, t.agreed - 1) < q) {
            // The agreed hash lost its quorum through a changed vote.
            uint256 lost = t.agreed - 1;
            t.agreed = 0;
            emit ConsensusLost(refSlot, $.candidates[lost], _supportOf(t, lost));
        }
        $.tally = t;
    }

    /// @inheritdoc IReportOracle
    function submitReportData(IAccounting.Report calldata report) external {
        OracleStorage storage $ = _s();
        require($.member[msg.sender].active, NotMember(msg.sender));
        uint256 refSlot = report.refSlot;
        Tally storage t = $.tally;
        require(refSlot > t.lastProcessedRefSlot, RefSlotAlreadyProcessed(refSlot));
        // A report is applied within its own frame: once the next frame's reference slot is
        // reached its balances are a frame old, and the next report covers the same period.
        uint256 current = currentRefSlot();
        require(current <= refSlot, ReportFrameExpired(refSlot, current));
        // The agreed hash still holds a quorum: every change of members, quorum or votes
        // re-decides it.
        bytes32 agreed = _agreed(refSlot);
        require(agreed != bytes32(0), NoConsensus(refSlot));
        // The report's calldata after the selector is `abi.encode(report)` as every ABI encoder
        // writes it (canonical), so it is hashed as received, not re-encoded: a hash equal to the
        // agreed one means these very bytes were voted; any other encoding of the same report
        // hashes differently and is refused.
        bytes32 given = _calldataHash();
        require(given == agreed, HashMismatch(agreed, given));
        t.lastProcessedRefSlot = SafeCast.toUint48(refSlot);
        emit ReportProcessed(refSlot, agreed, msg.sender);
        _forward(address($.accounting));
    }

    /// @dev keccak256 of the calldata after the selector.
    function _calldataHash() private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let len := sub(calldatasize(), 4)
            calldatacopy(ptr, 4, len)
            h := keccak256(ptr, len)
        }
    }

    /// @dev Calls `IAccounting.handleReport` with the report's calldata as received (the same
    /// single `Report` argument, so no re-encoding), bubbling up its revert.
    function _forward(address accounting) private {
        bytes4 selector = IAccounting.handleReport.selector;
        assembly ("memory-safe") {
            // Above the free memory pointer, left unallocated: nothing here needs it afterwards.
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 4), 4, sub(calldatasize(), 4))
            if iszero(call(gas(), accounting, 0, ptr, calldatasize(), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @inheritdoc IReportOracle
    function addMember(address member, uint256 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addMember(member);
        _setQuorum(quorum_);
    }

    /// @inheritdoc IReportOracle
    function removeMember(address member, uint256 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        OracleStorage storage $ = _s();
        Member memory mb = $.member[member];
        require(mb.active, NotMember(member));
        // Withdraw its vote for a frame still open, so a former member never counts.
        Tally memory t = $.tally;
        if (mb.refSlot == t.refSlot && mb.refSlot > t.lastProcessedRefSlot) {
            t.support -= uint128(1 << (8 * uint256(mb.index)));
            $.tally = t;
        }
        delete $.member[member];
        address[] storage ms = $.members;
        for (uint256 i; i < ms.length; ++i) {
            if (ms[i] == member) {
                ms[i] = ms[ms.length - 1];
                ms.pop();
                break;
            }
        }
        emit MemberRemoved(member);
        _setQuorum(quorum_);
    }

    /// @inheritdoc IReportOracle
    function currentRefSlot() public view returns (uint256) {
        OracleStorage storage $ = _s();
        uint256 slot = (block.timestamp - $.genesisTime) / $.secondsPerSlot;
        return (slot / $.slotsPerFrame) * $.slotsPerFrame;
    }

    /// @inheritdoc IReportOracle
    function consensusHash(uint256 refSlot) external view returns (bytes32) {
        return _agreed(refSlot);
    }

    /// @inheritdoc IReportOracle
    function hashReport(IAccounting.Report calldata report) external pure returns (bytes32) {
        return keccak256(abi.encode(report));
    }

    /// @inheritdoc IReportOracle
    function getMembers() external view returns (address[] memory) {
        return _s().members;
    }

    /// @inheritdoc IReportOracle
    function frameConfig() external view returns (uint256, uint256, uint256) {
        OracleStorage storage $ = _s();
        return ($.genesisTime, $.secondsPerSlot, $.slotsPerFrame);
    }

    /// @notice The last refSlot applied.
    function lastProcessedRefSlot() external view returns (uint256) {
        return _s().tally.lastProcessedRefSlot;
    }

    /// @notice Votes needed.
    function quorum() external view returns (uint256) {
        return _s().quorum;
    }

    function _addMember(address member) private {
        OracleStorage storage $ = _s();
        require(member != address(0), ZeroAddress());
        require(!$.member[member].active, MemberExists(member));
        require($.members.length < MAX_MEMBERS, TooManyMembers(MAX_MEMBERS));
        $.member[member].active = true;
        $.members.push(member);
        emit MemberAdded(member);
    }

    function _setQuorum(uint256 q) private {
        OracleStorage storage $ = _s();
        // More than half: two disjoint quorums cannot agree on different reports.
        require(q > $.members.length / 2 && q <= $.members.length, InvalidQuorum(q, $.members.length));
        $.quorum = SafeCast.toUint32(q);
        emit QuorumSet(q);
        // Members and quorum changed: the votes already cast for the open frame may now agree (or
        // no longer agree), so consensus is decided again rather than at the next vote only.
        if ($.members.length != 0) {
            uint256 refSlot = currentRefSlot();
            if (refSlot > $.tally.lastProcessedRefSlot) _recheckConsensus(refSlot);
        }
    }

    /// @dev Sets the agreed hash of `refSlot` to the candidate that holds a quorum of current
    /// members' votes, or clears it. Quorum > half the members, so at most one can hold it.
    /// Bounded by MAX_MEMBERS.
    function _recheckConsensus(uint256 refSlot) private {
        OracleStorage storage $ = _s();
        Tally memory t = $.tally;
        if (t.refSlot != refSlot) return; // no vote in this frame yet
        uint256 q = $.quorum;
        if (t.agreed != 0) {
            uint256 kept = _supportOf(t, t.agreed - 1);
            if (kept >= q) return;
            emit ConsensusLost(refSlot, $.candidates[t.agreed - 1], kept);
            t.agreed = 0;
        }
        for (uint256 i; i < t.candidates; ++i) {
            uint256 support = _supportOf(t, i);
            if (support >= q) {
                t.agreed = uint8(i + 1);
                emit ConsensusReached(refSlot, $.candidates[i], support);
                break;
            }
        }
        $.tally = t;
    }

    /// @dev The open frame's tally, or a fresh one when `refSlot` starts a new frame (which
    /// keeps the last processed refSlot).
    function _tally(uint256 refSlot) private view returns (Tally memory t) {
        t = _s().tally;
        if (t.refSlot != refSlot) t = Tally(uint64(refSlot), 0, 0, 0, t.lastProcessedRefSlot);
    }

    /// @dev The candidate index of `hash` in `t`, adding it (in a slot no vote backs) if new.
    function _candidate(Tally memory t, bytes32 hash) private returns (uint256 i) {
        bytes32[MAX_MEMBERS] storage c = _s().candidates;
        uint256 n = t.candidates;
        for (; i < n; ++i) if (c[i] == hash) return i;
        // A new hash: reuse a candidate without support (never the agreed one: that holds a
        // quorum ≥ 1), else open the next slot. With ≤ 16 members and the voter's old vote
        // withdrawn, at most 15 candidates are backed, so one of 16 is always free.
        for (i = 0; i < n; ++i) if (_supportOf(t, i) == 0) break;
        if (i == n) t.candidates = uint8(n + 1);
        c[i] = hash;
    }

    function _supportOf(Tally memory t, uint256 i) private pure returns (uint256) {
        return uint8(t.support >> (8 * i));
    }

    /// @dev The hash holding a quorum for `refSlot`, if that is the open frame.
    function _agreed(uint256 refSlot) private view returns (bytes32) {
        OracleStorage storage $ = _s();
        Tally storage t = $.tally;
        uint256 a = t.agreed;
        return t.refSlot == refSlot && a != 0 ? $.candidates[a - 1] : bytes32(0);
    }
}
