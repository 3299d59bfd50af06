/**
 * The slices of the Cascade ABIs the daemons use, as human-readable fragments, so the SDK runs
 * without Hardhat artifacts. Each must match contracts/interfaces (tests call through them).
 */
const MODULE_REPORT =
  "tuple(uint64 clValidators, uint64 exited, uint128 clBalance, uint128 withdrawn, uint16 perfBps, uint16 slashedValidators)";
const LOSS = "tuple(uint32 moduleId, uint32 operatorId, uint128 amount)";
const EXIT = "tuple(uint32 moduleId, uint32 operatorId, uint32 count)";
/** `IAccounting.Report` as one ABI tuple type. */
const OPERATOR_EXITED = "tuple(uint32 moduleId, uint32 operatorId, uint32 exited)";
export const REPORT_TUPLE = `tuple(uint256 refSlot, uint256 elRewards, ${MODULE_REPORT}[] modules, ${LOSS}[] losses, ${EXIT}[] exits, ${OPERATOR_EXITED}[] operatorExits)`;

export const ROUTER_ABI = [
  "function moduleCount() view returns (uint256)",
  "function getModule(uint256 moduleId) view returns (tuple(address module, uint8 status, uint16 stakeShareLimitBps, uint16 moduleFeeBps, uint16 reputationBps, uint64 baseWeight, address feeRecipient, uint64 deposited, uint64 clValidators, uint64 exited, uint128 clBalance))",
  "function moduleWeights() view returns (uint256[])",
  "function previewAllocation(uint256 n) view returns (uint256[] allocation, uint256 total)",
  "function withdrawalCredentials() view returns (bytes32)",
  "function addresses() view returns (address depositContract, address depositSecurity, address withdrawalVault, address elVault)",
  "function depositToBeacon(uint256 moduleId, uint256 maxCount, tuple(bytes pubkeys, bytes signatures, bytes32[] depositDataRoots) keys, tuple(uint256 moduleId, uint256 keyNonce, bytes32 depositRoot, uint256 blockNumber, bytes32 blockHash, tuple(bytes32 r, bytes32 vs)[] signatures) attestation) returns (uint256)",
  "function depositToBeaconBatch(uint256[] moduleIds, uint256 maxCount, tuple(bytes pubkeys, bytes signatures, bytes32[] depositDataRoots)[] keys, tuple(uint256 moduleId, uint256 keyNonce, bytes32 depositRoot, uint256 blockNumber, bytes32 blockHash, tuple(bytes32 r, bytes32 vs)[] signatures)[] attestations) returns (uint256)",
];

export const EXIT_MANAGER_ABI = [
  "function forceExit(uint256 moduleId, uint256 operatorId, uint256[] keyIndexes, bytes pubkeys, bytes signatures) payable",
];

export const MODULE_ABI = [
  "event KeysAdded(uint256 indexed operatorId, uint256 firstIndex, bytes pubkeys, bytes signatures)",
  "event KeysRemoved(uint256 indexed operatorId, uint256 newTotal, uint256 removed)",
  "event ExitRequested(uint256 indexed operatorId, uint256 count, uint256 deadline)",
  "function depositPlan(uint256 count) view returns (uint256[] operatorIds, uint256[] firstIndexes, uint256[] counts)",
  "function depositableKeys() view returns (uint256)",
  "function keyNonce() view returns (uint256)",
  "function operatorCount() view returns (uint256)",
  "function getOperator(uint256 operatorId) view returns (tuple(address manager, bool active, uint32 totalKeys, uint32 depositedKeys, uint32 exitedKeys, uint32 depositable, address rewardAddress, uint32 exitRequested, uint56 exitDeadline, bool registered, uint192 exitParts))",
  "function exitOverdue(uint256 operatorId) view returns (bool)",
];

export const REGISTRY_ABI = [
  "function pendingSlashes() view returns (uint256[])",
  "function getSlash(uint256 slashId) view returns (tuple(uint32 serviceId, uint32 moduleId, uint32 operatorId, uint16 bps, uint40 requestedAt, uint8 status, uint96 lockedBond, bytes32 evidence))",
  "function getService(uint256 serviceId) view returns (tuple(tuple(uint8 tier, uint16 maxSlashBps, uint32 slashingWindow, uint32 vetoWindow, uint16 minOperators, uint16 maxOperatorShareBps, address slasher, address recipient) params, uint8 status, uint128 allocation, uint128 rewardsPaid))",
  "function executeSlash(uint256 slashId) returns (uint256 amount)",
  "event SlashExecuted(uint256 indexed slashId, uint256 amount, uint256 bondCharged, uint256 classLoss)",
];

/** The WithdrawalVault's record of each EIP-7002 exit request it sent. */
export const WITHDRAWAL_VAULT_ABI = ["event ExitRequestSent(bytes pubkey, uint256 fee)"];

export const ORACLE_ABI = [
  `function submitReportHash(uint256 refSlot, bytes32 hash)`,
  `function submitReportData(${REPORT_TUPLE} report)`,
  `function hashReport(${REPORT_TUPLE} report) pure returns (bytes32)`,
  "function currentRefSlot() view returns (uint256)",
  "function consensusHash(uint256 refSlot) view returns (bytes32)",
  "function quorum() view returns (uint256)",
  "function frameConfig() view returns (uint256 genesisTime, uint256 secondsPerSlot, uint256 slotsPerFrame)",
];

export const ACCOUNTING_ABI = ["function lastReport() view returns (uint256 refSlot, uint256 time)"];
/** CascadePool: the ETH and class ledger (buffered ETH, redemption demand). */
export const POOL_ABI = [
  "function buffered() view returns (uint256)",
  "function pendingDemand() view returns (uint256)",
  "function depositable() view returns (uint256)",
];
export const DEPOSIT_CONTRACT_ABI = [
  "function get_deposit_root() view returns (bytes32)",
  "event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)",
];
export const DEPOSIT_SECURITY_ABI = [
  "function quorum() view returns (uint256)",
  "function isPaused() view returns (bool)",
  "function pauseNonce() view returns (uint256)",
  "function pauseWithSignature(uint256 blockNumber, tuple(bytes32 r, bytes32 vs) signature)",
  "function isModulePaused(uint256 moduleId) view returns (bool)",
  "function modulePauseNonce(uint256 moduleId) view returns (uint256)",
  "function pauseModuleWithSignature(uint256 moduleId, uint256 blockNumber, tuple(bytes32 r, bytes32 vs) signature)",
];
