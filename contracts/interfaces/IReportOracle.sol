// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "./IAccounting.sol";

/// @title IReportOracle
/// @notice HashConsensus-style oracle: members vote `keccak256(abi.encode(report))` for the
/// current frame's refSlot; at quorum the hash is agreed; then any member submits the data,
/// which must hash to it, and it is applied once.
interface IReportOracle {
    error NotMember(address caller);
    error MemberExists(address member);
    error TooManyMembers(uint256 max);
    error InvalidQuorum(uint256 quorum, uint256 members);
    error RefSlotNotCurrent(uint256 refSlot, uint256 current);
    error RefSlotAlreadyProcessed(uint256 refSlot);
    error AlreadyVoted(address member, bytes32 hash);
    error NoConsensus(uint256 refSlot);
    error HashMismatch(bytes32 agreed, bytes32 given);
    error InvalidFrameConfig();
    /// @notice An agreed report arrived after its frame ended: the next frame's reference slot
    /// (`currentRefSlot`) has been reached, so its data is stale (DESIGN §9).
    error ReportFrameExpired(uint256 refSlot, uint256 currentRefSlot);

    event MemberAdded(address indexed member);
    event MemberRemoved(address indexed member);
    event QuorumSet(uint256 quorum);
    event ReportHashSubmitted(uint256 indexed refSlot, address indexed member, bytes32 hash, uint256 support);
    event ConsensusReached(uint256 indexed refSlot, bytes32 hash, uint256 support);
    /// @notice The agreed hash of `refSlot` no longer holds a quorum (a vote changed, a member
    /// left or the quorum rose); `support` is what it still has.
    event ConsensusLost(uint256 indexed refSlot, bytes32 hash, uint256 support);
    event ReportProcessed(uint256 indexed refSlot, bytes32 hash, address submitter);

    /// @notice Votes for a report hash for `refSlot` (the current frame's). A member may change
    /// its vote within the frame.
    function submitReportHash(uint256 refSlot, bytes32 hash) external;

    /// @notice Submits the agreed report's data; applies it. Members only. The calldata after the
    /// selector must be the canonical ABI encoding that `hashReport` hashes (what every encoder
    /// writes): it is hashed and forwarded to Accounting as received; any other encoding reverts
    /// `HashMismatch`.
    function submitReportData(IAccounting.Report calldata report) external;

    /// @notice Adds a member and sets the quorum. DEFAULT_ADMIN_ROLE.
    function addMember(address member, uint256 quorum) external;

    /// @notice Removes a member and sets the quorum. DEFAULT_ADMIN_ROLE.
    function removeMember(address member, uint256 quorum) external;

    /// @notice refSlot members report for now: the first slot of the current frame.
    function currentRefSlot() external view returns (uint256);

    /// @notice Agreed hash for a refSlot: zero if none, and zero for a past frame once a later
    /// frame has a consensus (one slot holds the latest voted frame's agreement).
    function consensusHash(uint256 refSlot) external view returns (bytes32);

    /// @notice The hash members must vote for a report.
    function hashReport(IAccounting.Report calldata report) external pure returns (bytes32);

    function getMembers() external view returns (address[] memory);

    function frameConfig()
        external
        view
        returns (uint256 genesisTime, uint256 secondsPerSlot, uint256 slotsPerFrame);
}
