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

    struct Vote {
        uint64 refSlot;
        bytes32 hash;
    }

    /// @custom:storage-location erc7201:cascade.storage.ReportOracle
    struct OracleStorage {
        IAccounting accounting;
        uint64 genesisTime;
        uint32 secondsPerSlot;
        uint32 slotsPerFrame;
        uint32 quorum;
        uint64 agreedRefSlot; // the frame `agreed` belongs to (packed with the frame config)
        uint256 lastProcessedRefSlot;
        address[] members;
        mapping(address member => bool) isMember;
        mapping(address member => Vote) votes;
        mapping(uint256 refSlot => mapping(bytes32 hash => uint256)) support;
        // One slot for the latest voted frame's consensus, rewritten every frame (a nonzero to
        // nonzero write, not a fresh slot per frame): votes are only taken for the current
        // frame and data only for a frame not yet past, so older frames' consensus is never read.
        bytes32 agreed;
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
        $.genesisTime = SafeCast.toUint64(genesisTime);
        $.secondsPerSlot = SafeCast.toUint32(secondsPerSlot);
        $.slotsPerFrame = SafeCast.toUint32(slotsPerFrame);
        for (uint256 i; i < members.length; ++i) _addMember(members[i]);
        _setQuorum(quorum_);
    }

    /// @inheritdoc IReportOracle
    function submitReportHash(uint256 refSlot, bytes32 hash) external {
        OracleStorage storage $ = _s();
        require($.isMember[msg.sender], NotMember(msg.sender));
        uint256 current = currentRefSlot();
        require(refSlot == current, RefSlotNotCurrent(refSlot, current));
        require(refSlot > $.lastProcessedRefSlot, RefSlotAlreadyProcessed(refSlot));
        Vote storage v = $.votes[msg.sender];
        if (v.refSlot == refSlot) {
            require(v.hash != hash, AlreadyVoted(msg.sender, hash));
            // A changed vote withdraws the old support within the same frame.
            --$.support[refSlot][v.hash];
        }
        v.refSlot = SafeCast.toUint64(refSlot);
        v.hash = hash;
        uint256 support = ++$.support[refSlot][hash];
        emit ReportHashSubmitted(refSlot, msg.sender, hash, support);
        bytes32 agreed = _agreed(refSlot);
        if (support >= $.quorum && agreed != hash) {
            // At most one hash holds a quorum (> half the members), so `agreed` had lost it.
            _setAgreed(refSlot, hash);
            emit ConsensusReached(refSlot, hash, support);
        } else if (agreed != bytes32(0) && $.support[refSlot][agreed] < $.quorum) {
            // The agreed hash lost its quorum through a changed vote.
            _setAgreed(refSlot, bytes32(0));
            emit ConsensusLost(refSlot, agreed, $.support[refSlot][agreed]);
        }
    }

    /// @inheritdoc IReportOracle
    function submitReportData(IAccounting.Report calldata report) external {
        OracleStorage storage $ = _s();
        require($.isMember[msg.sender], NotMember(msg.sender));
        uint256 refSlot = report.refSlot;
        require(refSlot > $.lastProcessedRefSlot, RefSlotAlreadyProcessed(refSlot));
        // A report is applied within its own frame: once the next frame's reference slot is
        // reached its balances are a frame old, and the next report covers the same period.
        uint256 current = currentRefSlot();
        require(current <= refSlot, ReportFrameExpired(refSlot, current));
        bytes32 agreed = _agreed(refSlot);
        // The agreed hash must still hold a quorum: members leave and quorums change.
        require(agreed != bytes32(0) && $.support[refSlot][agreed] >= $.quorum, NoConsensus(refSlot));
        bytes32 given = keccak256(abi.encode(report));
        require(given == agreed, HashMismatch(agreed, given));
        $.lastProcessedRefSlot = refSlot;
        emit ReportProcessed(refSlot, agreed, msg.sender);
        $.accounting.handleReport(report);
    }

    /// @inheritdoc IReportOracle
    function addMember(address member, uint256 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addMember(member);
        _setQuorum(quorum_);
    }

    /// @inheritdoc IReportOracle
    function removeMember(address member, uint256 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        OracleStorage storage $ = _s();
        require($.isMember[member], NotMember(member));
        $.isMember[member] = false;
        // Withdraw its vote for a frame still open, so a former member never counts.
        Vote storage v = $.votes[member];
        if (v.refSlot > $.lastProcessedRefSlot) --$.support[v.refSlot][v.hash];
        delete $.votes[member];
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
        return _s().lastProcessedRefSlot;
    }

    /// @notice Votes needed.
    function quorum() external view returns (uint256) {
        return _s().quorum;
    }

    function _addMember(address member) private {
        OracleStorage storage $ = _s();
        require(member != address(0), ZeroAddress());
        require(!$.isMember[member], MemberExists(member));
        require($.members.length < MAX_MEMBERS, TooManyMembers(MAX_MEMBERS));
        $.isMember[member] = true;
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
            if (refSlot > $.lastProcessedRefSlot) _recheckConsensus(refSlot);
        }
    }

    /// @dev Sets `agreed[refSlot]` to the hash that holds a quorum of current members' votes, or
    /// clears it. Quorum > half the members, so at most one hash can hold it. Bounded by
    /// MAX_MEMBERS.
    function _recheckConsensus(uint256 refSlot) private {
        OracleStorage storage $ = _s();
        uint256 q = $.quorum;
        bytes32 agreed = _agreed(refSlot);
        if (agreed != bytes32(0)) {
            uint256 kept = $.support[refSlot][agreed];
            if (kept >= q) return;
            _setAgreed(refSlot, bytes32(0));
            emit ConsensusLost(refSlot, agreed, kept);
        }
        address[] storage ms = $.members;
        for (uint256 i; i < ms.length; ++i) {
            Vote storage v = $.votes[ms[i]];
            if (v.refSlot != refSlot) continue;
            uint256 support = $.support[refSlot][v.hash];
            if (support >= q) {
                _setAgreed(refSlot, v.hash);
                emit ConsensusReached(refSlot, v.hash, support);
                return;
            }
        }
    }

    /// @dev The hash holding a quorum for `refSlot`, if that is the frame the slot holds.
    function _agreed(uint256 refSlot) private view returns (bytes32) {
        OracleStorage storage $ = _s();
        return $.agreedRefSlot == refSlot ? $.agreed : bytes32(0);
    }

    function _setAgreed(uint256 refSlot, bytes32 hash) private {
        OracleStorage storage $ = _s();
        $.agreedRefSlot = SafeCast.toUint64(refSlot);
        $.agreed = hash;
    }
}
