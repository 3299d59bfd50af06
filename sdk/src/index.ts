/**
 * `@cascade-staking/sdk`: client, actions (one per file), errors and the committed ABIs. Imports
 * no `node:` module (bundles for browsers); file helpers are in `@cascade-staking/sdk/node`.
 *
 * Amounts: ETH amounts are a bigint in wei (`1n` is 1 wei) or a decimal ETH string (`"1.5"`);
 * a JS number is refused (see README "Amounts").
 */
export { createCascadeClient, parseAddresses, addressesSchema } from "./client.js";
export type { CascadeClient, CascadeAddresses, CreateCascadeClientParams } from "./client.js";
export {
  CascadeError,
  InvalidInputError,
  ContractRevertError,
  TransactionError,
  decodeRevert,
  ROLE_NAMES,
} from "./errors.js";
export type { TxResult } from "./actions/internal.js";
// depositor
export { deposit, type DepositParams, type DepositResult } from "./actions/deposit.js";
export {
  position,
  type PositionParams,
  type PositionResult,
  type RedemptionRequest,
} from "./actions/position.js";
export {
  classInfo,
  type ClassInfoParams,
  type ClassInfoResult,
  type PricePoint,
} from "./actions/classInfo.js";
export {
  previewDeposit,
  type PreviewDepositParams,
  type PreviewDepositResult,
} from "./actions/previewDeposit.js";
export {
  requestRedeem,
  type RequestRedeemParams,
  type RequestRedeemResult,
} from "./actions/requestRedeem.js";
export {
  claim,
  requestClassOf,
  requestIdOf,
  requestIndexOf,
  shortRequestId,
  type ClaimParams,
  type ClaimResult,
} from "./actions/claim.js";
export {
  previewAllocation,
  type PreviewAllocationParams,
  type PreviewAllocationResult,
} from "./actions/previewAllocation.js";
export { status, type StatusResult } from "./actions/status.js";
// operator
export {
  registerOperator,
  type RegisterOperatorParams,
  type RegisterOperatorResult,
} from "./actions/registerOperator.js";
export {
  addKeys,
  DepositDataError,
  MAX_KEYS_PER_CALL,
  type AddKeysParams,
  type AddKeysResult,
} from "./actions/addKeys.js";
export { checkKeys, type CheckKeysParams, type CheckKeysResult } from "./actions/checkKeys.js";
export { topUpBond, type TopUpBondParams, type TopUpBondResult } from "./actions/topUpBond.js";
export { withdrawBond, type WithdrawBondParams, type WithdrawBondResult } from "./actions/withdrawBond.js";
export {
  operatorStatus,
  type OperatorStatusParams,
  type OperatorStatusResult,
} from "./actions/operatorStatus.js";
// governance
export { governanceCalls, type TimelockCall } from "./actions/governance.js";
export { proposeCall, type TimelockOpParams, type TimelockOpResult } from "./actions/proposeCall.js";
export {
  resolveSafe,
  safeGovern,
  timelockCall,
  type SafeGovParams,
  type SafeGovResult,
} from "./governance/safeGov.js";
export {
  buildSafeTx,
  encodeMultiSend,
  packSignatures,
  readSafe,
  safeTxHash,
  signSafeTx,
  SAFE_ABI,
  type SafeCall,
  type SafeState,
  type SafeTx,
} from "./governance/safe.js";
export { txBuilderBatch, txBuilderChecksum, type TxBuilderBatch } from "./governance/txBuilder.js";
export { decodeCall, namedContracts, type DecodedCall } from "./governance/decode.js";
export { roleHoldings, type RoleHolding } from "./governance/roles.js";
export { executeProposal } from "./actions/executeProposal.js";
export * as abi from "./abi/index.js";
export { decodeModuleState, type ModuleState } from "./moduleState.js";
// restaked services
export {
  registerService,
  type RegisterServiceParams,
  type RegisterServiceResult,
} from "./actions/registerService.js";
export {
  setServiceStatus,
  type SetServiceStatusParams,
  type SetServiceStatusResult,
} from "./actions/setServiceStatus.js";
export {
  setAllocation,
  type SetAllocationParams,
  type SetAllocationResult,
} from "./actions/setAllocation.js";
export { optIn, type OptInParams, type OptInResult } from "./actions/optIn.js";
export { optOut, type OptOutParams, type OptOutResult } from "./actions/optOut.js";
export { payRewards, type PayRewardsParams, type PayRewardsResult } from "./actions/payRewards.js";
export { requestSlash, type RequestSlashParams, type RequestSlashResult } from "./actions/requestSlash.js";
export { vetoSlash, type VetoSlashParams, type VetoSlashResult } from "./actions/vetoSlash.js";
export { executeSlash, type ExecuteSlashParams, type ExecuteSlashResult } from "./actions/executeSlash.js";
export {
  serviceInfo,
  type ServiceInfoParams,
  type ServiceInfoResult,
  type ServiceOperator,
  type PendingSlash,
} from "./actions/serviceInfo.js";
export { claimServicePayout, type ClaimServicePayoutResult } from "./actions/claimServicePayout.js";
// keeper
export { forceExit, type ForceExitParams, type ForceExitResult } from "./actions/forceExit.js";
export { EXIT_MANAGER_ROLE, exitManagerOf } from "./exits.js";
// risk of the deployed system
export { securityGraph, type SecurityGraphParams, type SecurityGraphResult } from "./risk/deployed.js";
