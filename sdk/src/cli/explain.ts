/**
 * What a revert means to the person who typed the command: every custom error of the Cascade
 * ABIs (and the OpenZeppelin ones they inherit) has a sentence here saying what went wrong in
 * the user's terms (class, window, ETH, role by name, request as class:index) and what to change.
 * test/cli/errorMessages.test.ts walks every error of sdk/src/abi and fails on one without an
 * entry, so a new custom error cannot reach users as bare hex.
 *
 * A template names the error's ABI parameters in braces, with an optional unit:
 * `{delay|s}` seconds, `{cap|eth}` wei shown in ETH, `{coverBps|bps}` a percentage, `{endsAt|time}`
 * a date, `{requestId|req}` class:index, `{neededRole|role}` a role's name, `{status|module}` /
 * `{status|service}` / `{status|slash}` an enum's name, `{expectedStates|ops}` the timelock
 * states. Without a unit the value prints as decimal / hex.
 */
import { Transaction, parseEther } from "ethers";
import * as abis from "../abi/index.js";
import { shortRequestId } from "../actions/claim.js";
import type { CascadeClient } from "../client.js";
import { CascadeError, ContractRevertError, ROLE_NAMES } from "../errors.js";
import { bps, eth } from "./format.js";

const MODULE_STATUS = ["None", "Active", "Paused", "Stopped"];
const SERVICE_STATUS = ["None", "Pending", "Active", "Paused", "Retired"];
const SLASH_STATUS = ["None", "Requested", "Vetoed", "Executed"];
const OP_STATES = ["Unset", "Waiting", "Ready", "Done"];

const GOV = "(a governance call: `cascade gov propose`)";

/** Error name → one sentence. Parameters by their ABI names. */
export const EXPLANATIONS: Readonly<Record<string, string>> = {
  // ---------------------------------------------------------------- classes and deposits
  UnknownClass: "there is no class {classId}: `cascade status` lists the classes",
  TooManyClasses: "the book already holds the maximum of {max} classes",
  ClassClosed: "class {classId} is closed to deposits: pick an open class (`cascade status`)",
  ClassIsWiped:
    "class {classId} was wiped out by losses: it takes no deposits and its tokens are worth nothing",
  ZeroAmount: "the amount is zero: pass a positive amount",
  ZeroShares: "this amount buys or redeems zero shares: use a larger amount",
  Slippage:
    "the deposit would mint {shares|eth} tokens, fewer than --min-shares {minShares|eth}: the price moved; retry or lower --min-shares",
  CoverTooLow:
    "class {classId}'s cover would be {coverBps|bps}, under its minimum {minCoverBps|bps}: junior classes must grow first, or deposit less",
  DepositCapExceeded:
    "class {classId} would hold {navAfter|eth}, above its deposit cap {cap|eth}: deposit at most the difference",
  InvalidParams: `class {classId}'s parameters are out of range (premiums ≤ 100%, base ≤ max, delay > 0) ${GOV}`,
  RedeemDelayTooShort:
    "class {classId}'s redeem delay {delay|s} is shorter than the {needed|s} (slashing + veto window) of the services it secures: raise the class's redeemDelay to at least {needed|s} (`cascade gov propose set-class-params`) or shorten those services' windows",
  NotAuthorized: "{caller} may not call this: only the linked Cascade contracts may",
  AlreadyLinked: "the contracts are already linked (this one-shot setup ran before)",
  LengthMismatch: "the lists passed have different lengths",
  BadToken: "{token} is not a class token of this pool (its POOL or CLASS_ID differs)",
  // ---------------------------------------------------------------- withdrawal queue
  AlreadyClaimed: "request {requestId|req} was already claimed",
  NotController: "{caller} does not own request {requestId|req}: claim from the address that redeemed",
  NotFinalized:
    "request {requestId|req} is not finalized yet: it pays out after the class's redeem delay and the next oracle report (`cascade position` shows its status)",
  UnknownRequest: "there is no request {requestId|req}: `cascade position` lists yours as class:index",
  RedeemBelowMinimum:
    "redeeming from class {classId} would pay {assets|eth}, below the minimum {minimum|eth}: redeem more tokens",
  NothingToClaim: "nothing is credited to you: a service's slashed ETH is credited when the slash executes",
  // ---------------------------------------------------------------- router and modules
  BpsTooHigh: "{value} bps is above 10000 (100%)",
  ExitAlreadyForced: "an exit of validator {pubkeyHash} was already forced",
  ExitNotOverdue:
    "operator {moduleId}:{operatorId} has no overdue exit request: force-exit only after the exit deadline (`cascade operator status`)",
  InvalidReputation: "reputation {reputationBps} bps is out of range (0…10000)",
  InvalidStatus: "status {status} is not a module status (1 Active, 2 Paused, 3 Stopped)",
  KeyNotDeposited: "key {keyIndex} of operator {moduleId}:{operatorId} was never deposited",
  KeysCountMismatch: "module {moduleId} supplied {supplied} keys where {expected} were asked for",
  ModuleAlreadyAdded: "module {module} is already in the router",
  ModuleNotActive:
    "module {moduleId} is {status|module}, not Active: `cascade gov propose set-module-status {moduleId} active` first",
  ModuleRegistryMismatch:
    "module {module} takes slashes from registry {moduleRegistry}, not this one: its operators cannot opt in (they could never be slashed)",
  ModuleRouterMismatch:
    "module {module} points at router {moduleRouter}, not this one: redeploy it for this router",
  ModuleStopped: "module {moduleId} is stopped for good",
  NotEnoughBuffered: "the buffer holds {available|eth}, less than the {needed|eth} this needs",
  NotModule: "{caller} is not a module of the router",
  NothingToDeposit: "nothing to deposit: no buffered ETH or no depositable keys",
  PubkeyAlreadyRegistered: "validator key {pubkeyHash} is already registered (each key may be used once)",
  ServiceRewardsExceeded:
    "the report would book {booked|eth} of service rewards, more than the {unbooked|eth} the pool holds unbooked: the registry and the pool disagree (an invariant broke; nothing was booked)",
  TooManyDebtors: "the router already tracks the maximum of {max} debtors",
  TooManyModules: "the router already holds the maximum of {max} modules",
  UnknownModule: "there is no module {moduleId}: `cascade status` lists the modules",
  VaultsAlreadySet: "the vaults are already set (one-shot setup)",
  VaultsNotSet: "the router's vaults are not set yet: finish the deployment first",
  ZeroCount: "the count is zero: pass at least 1",
  ZeroWeight: "a module's weight must be above zero",
  // ---------------------------------------------------------------- operators and bond
  BondLocked:
    "operator {operatorId} may withdraw at most {withdrawable|eth} of bond, not {requested|eth}: the rest backs its validators or is locked by pending slashes",
  EthTransferFailed: "sending {amount|eth} to {to} failed: the receiver refuses ETH; pick another address",
  ExitedAboveDeposited:
    "operator {operatorId}: {exited} exited is above its {deposited} deposited validators",
  InsufficientBond:
    "the keys need {required|eth} of bond, only {provided|eth} was provided: send the difference (--bond auto does)",
  InvalidCurve: "the bond curve is not non-increasing ({first|eth} then {next|eth})",
  InvalidKeysLength:
    "{pubkeysLength} bytes of public keys do not match {signaturesLength} bytes of signatures (48 and 96 per key)",
  KeyMismatch: "key {keyIndex} of operator {operatorId} (module {moduleId}) is not the key given",
  NotEnoughDepositableKeys: "{requested} keys were asked for, only {available} are depositable",
  NotOperatorManager:
    "{caller} is not the manager of operator {operatorId}: sign with the manager's key (`cascade operator status {operatorId}`)",
  NotRouter: "{caller} is not the staking router",
  NotRegistry: "{caller} is not the service registry (only it books slashes and bond locks on a module)",
  NotExitManager: "{caller} is not the exit manager (the router's EXIT_MANAGER_ROLE holder)",
  OperatorInactive: "operator {operatorId} is deactivated",
  RemoveDepositedKeys:
    "operator {operatorId}: cannot cut keys to {newTotal}, {deposited} are deposited already",
  TooManyKeys: "{count} keys in one call is above the per-call bound {max}: split the file (add-keys does)",
  TooManyOperators: "the module already holds the maximum of {max} operators",
  UnknownOperator: "there is no operator {operatorId} in this module",
  ZeroKeys: "no keys given",
  // ---------------------------------------------------------------- accounting and oracle
  AprTooHigh:
    "the report's rewards {gain|eth} exceed the reward cap {maxGain|eth} for its span: report less or wait a longer span",
  DropTooHigh: "the report's balance drop {drop|eth} is above the sanity bound {maxDrop|eth}",
  ElRewardsAboveVault:
    "the report claims {elRewards|eth} of execution-layer rewards, the vault holds {vaultBalance|eth}",
  ExitedAboveValidators: "module {moduleId}: {exited} exited is above its {validators} validators",
  ExitedDecreased: "module {moduleId}: exited validators went down from {previous} to {given}",
  InvalidParam: "a parameter is out of range",
  ModuleCountMismatch: "the report has {given} module rows, the router has {expected} modules",
  NotOracle: "{caller} is not the report oracle",
  PerfTooHigh: "module {moduleId}: performance {perfBps} bps is above 10000",
  RefSlotNotIncreasing: "report slot {refSlot} is not after the last one {lastRefSlot}",
  ServiceRegistryAlreadySet: "the service registry is already set (one-shot setup)",
  SlashedAboveValidators: "module {moduleId}: {slashed} slashed is above its {validators} validators",
  TooManyExitRequests: "{count} exit requests in one report is above the bound {max}",
  TooManyLosses: "{count} loss rows in one report is above the bound {max}",
  UnknownModuleId: "there is no module {moduleId}",
  ValidatorsAboveDeposited: "module {moduleId}: {given} validators reported, only {deposited} deposited",
  ValidatorsDecreased: "module {moduleId}: validators went down from {previous} to {given}",
  WithdrawnAboveVault: "the report withdraws {withdrawn|eth}, the withdrawal vault holds {vaultBalance|eth}",
  AlreadyVoted: "member {member} already voted for report {hash}",
  HashMismatch: "the report data hashes to {given}, not the agreed {agreed}: rebuild it from the same slot",
  InvalidFrameConfig: "the frame configuration is invalid (epochs per frame must be > 0)",
  MemberExists: "{member} is already an oracle member",
  NoConsensus: "no report for slot {refSlot} has reached quorum yet",
  NotMember: "{caller} is not an oracle member",
  RefSlotAlreadyProcessed: "the report for slot {refSlot} was already processed",
  RefSlotNotCurrent: "slot {refSlot} is not the current report slot {current}: rebuild the report",
  ReportFrameExpired: "the frame of slot {refSlot} is over (now {currentRefSlot}): report the current frame",
  TooManyMembers: "the oracle already has the maximum of {max} members",
  // ---------------------------------------------------------------- deposit security
  BlockHashMismatch: "block {blockNumber} has hash {expected}, the attestation says {given}",
  DepositRootChanged:
    "the deposit contract's root changed ({expected} → {given}) since the guardians signed: fetch fresh attestations",
  DepositsPaused: "deposits are paused by a guardian",
  ModuleDepositsPaused:
    "a guardian paused deposits to module {moduleId} (a key failed its checks): governance removes the key and unpauses it (`unpauseModule`); the other modules still deposit",
  ModuleNotPaused: "deposits to module {moduleId} are not paused",
  ModuleIdOutOfRange: "module id {moduleId} cannot be paused: guardians pause ids below {max} only",
  ModulesNotAscending:
    "module {moduleId} is out of order in the batch: list module ids strictly ascending, each once (the next must be at least {minimum})",
  BatchLengthMismatch:
    "the batch lists {modules} modules but {keys} key sets and {attestations} attestations: pass one of each per module",
  FutureBlock: "block {blockNumber} is in the future",
  GuardianExists: "{guardian} is already a guardian",
  InvalidMaxAge: "max attestation age {maxAge} is out of range",
  InvalidQuorum: "a quorum of {quorum} is impossible with {guardians} guardians",
  KeyNonceChanged:
    "module {moduleId}'s keys changed (nonce {expected} → {given}) since the guardians signed: fetch fresh attestations",
  NotGuardian: "{signer} is not a guardian",
  NotPaused: "deposits are not paused",
  QuorumNotReached: "{valid} valid guardian signatures, the quorum is {quorum}",
  SignersNotAscending: "guardian signatures must be sorted by signer address ({signer} is out of order)",
  StaleAttestation:
    "the attestation of block {blockNumber} is older than {maxAge} blocks (now {currentBlock}): fetch a fresh one",
  TooManyGuardians: "the maximum of {max} guardians is reached",
  WrongModule: "the attestation is for module {given}, not {expected}",
  // ---------------------------------------------------------------- services
  AllocationNotPlaceable:
    "the allocation {requested|eth} cannot be placed: the chosen operators can take at most {placeable|eth} (their free stake and the per-operator share)",
  AlreadyOptedIn: "operator {moduleId}:{operatorId} is already opted in to service {serviceId}",
  RobustnessTooLow:
    "the network's certified robustness γ would fall to {gammaBps|bps}, under the minimum {minGammaBps|bps}: allocate less to these operators, spread the service over more stake, or lower its profit from corruption (`cascade risk --deployed` shows each operator's load)",
  UnbackedService:
    "service {serviceId} declares a profit from corruption but has no slashable stake: allocate stake to it first, then declare its risk",
  RiskNotTightened:
    "a service may only tighten its risk (profit {profit|eth} → {newProfit|eth} must not fall, threshold {alphaBps|bps} → {newAlphaBps|bps} must not rise); loosening it is a governance call (SERVICE_MANAGER_ROLE)",
  InvalidRiskParams: "attack threshold {alphaBps|bps} is out of range: it must be above 0% and at most 100%",
  InvalidMinGamma: `minimum robustness {minGammaBps|bps} is out of range ${GOV}`,
  ExposureLimitExceeded:
    "tier {tier} would need {needed|eth} of cover, classes ≤ {tier} hold {available|eth}: allocate less or wait for more junior deposits",
  InvalidServiceParams:
    "the service parameters are out of range (tier an existing class, max slash ≤ 100%, windows > 0, min operators ≥ 1)",
  InvalidStatusChange: "a service cannot go from {from|service} to {to|service}",
  NoStake: "operator {moduleId}:{operatorId} has no stake in service {serviceId}",
  NotAccounting: "{caller} is not the accounting contract",
  NotEnoughOperators: "{given} operators given, service needs at least {minOperators}",
  NotOptedIn:
    "operator {moduleId}:{operatorId} is not opted in to service {serviceId}: `cascade service opt-in {serviceId} {moduleId} {operatorId}` first",
  NotSlasher: "{caller} is not service {serviceId}'s slasher: sign with its slasher key",
  ServiceNotActive:
    "service {serviceId} is {status|service}, not Active: `cascade service status {serviceId} active` (SERVICE_MANAGER_ROLE) or `cascade gov propose set-service-status {serviceId} active`",
  SlashBpsTooHigh: "{bps} bps is above the service's max slash {maxSlashBps} bps",
  SlashNotPending: "slash {slashId} is {status|slash}, not pending",
  SlashTooSmall: "the slash would take {expected|eth}, under the minimum {minSlashAmount|eth}",
  TooManyAllocatedOperators: "{total} allocated operators is above the bound {max}",
  TooManyPendingSlashes: "the maximum of {max} pending slashes is reached: execute or veto some first",
  TooManyRegistrations: "the maximum of {max} service registrations is reached",
  TooManyServices: "the maximum of {max} services is reached",
  UnknownService: "there is no service {serviceId}",
  UnknownSlash: "there is no slash {slashId}",
  VetoWindowOpen: "slash {slashId} can be executed only after its veto window ends at {endsAt|time}",
  VetoWindowOver: "slash {slashId}'s veto window ended at {endsAt|time}: it can no longer be vetoed",
  WrongRegistrationFee: "{paid|eth} was sent, the registration fee is {fee|eth}",
  // ---------------------------------------------------------------- timelock
  TimelockInsufficientDelay:
    "a delay of {delay|s} is under the timelock's minimum {minDelay|s}: pass --delay ≥ it",
  TimelockInvalidOperationLength:
    "{targets} targets, {payloads} payloads and {values} values: the batch's lists must be equal",
  TimelockUnauthorizedCaller: "{caller} may not execute: the timelock's EXECUTOR_ROLE may",
  TimelockUnexecutedPredecessor: "operation {predecessorId} must be executed first",
  TimelockUnexpectedOperationState:
    "operation {operationId} is not {expectedStates|ops}: `gov execute` needs a scheduled operation whose delay has passed, with the same action, arguments and --description as `gov propose`",
  // ---------------------------------------------------------------- OpenZeppelin
  AccessControlBadConfirmation: "renouncing a role needs the caller's own address",
  AccessControlUnauthorizedAccount:
    "{account} lacks {neededRole|role}: sign with an account that holds it, or go through governance (`cascade gov propose`)",
  AddressEmptyCode: "{target} has no code",
  ERC1967InvalidImplementation: "{implementation} is not an upgradeable implementation",
  ERC1967NonPayable: "this upgrade call takes no ETH",
  FailedCall: "a low-level call failed",
  InvalidInitialization: "the contract is already initialized",
  NotInitializing: "the contract is not initializing",
  SafeCastOverflowedUintDowncast: "{value} does not fit in {bits} bits",
  SafeCastOverflowedUintToInt: "{value} does not fit in a signed integer",
  UUPSUnauthorizedCallContext: "the upgrade must go through the proxy",
  UUPSUnsupportedProxiableUUID: "the new implementation's proxiable slot {slot} is wrong",
  ZeroAddress: "the zero address is not allowed here",
  ECDSAInvalidSignature: "the signature is invalid",
  ECDSAInvalidSignatureLength: "a signature of {length} bytes is not 65 bytes",
  ECDSAInvalidSignatureS: "the signature's s value {s} is malleable",
  ERC20InsufficientAllowance:
    "{spender} may move {allowance|eth} tokens, not {needed|eth}: approve more first",
  ERC20InsufficientBalance: "{sender} holds {balance|eth} tokens, not {needed|eth}",
  ERC20InvalidApprover: "approver {approver} is invalid",
  ERC20InvalidReceiver: "receiver {receiver} is invalid (the zero address?)",
  ERC20InvalidSender: "sender {sender} is invalid",
  ERC20InvalidSpender: "spender {spender} is invalid",
  ERC2612ExpiredSignature: "the permit expired at {deadline|time}",
  ERC2612InvalidSigner: "the permit is signed by {signer}, not the owner {owner}",
  InvalidAccountNonce: "{account}'s nonce is {currentNonce}: sign the permit again",
  InvalidShortString: "the string is too long",
  StringTooLong: "the string is too long: {str}",
  NotPool: "{caller} is not the pool: only CascadePool reports a class token's mints, escrows and burns",
  NotFace: "{caller} is not class {classId}'s token: balances of a class move only through its own token",
};

function duration(v: bigint): string {
  const n = Number(v);
  if (n < 120) return `${n} s`;
  const [u, d] = n >= 2 * 86_400 ? ["days", 86_400] : n >= 7_200 ? ["h", 3_600] : ["min", 60];
  const x = n / d;
  return `${n} s (${Number.isInteger(x) ? x : x.toFixed(1)} ${u})`;
}

function show(v: unknown, unit: string | undefined): string {
  const b = typeof v === "bigint" ? v : typeof v === "number" ? BigInt(v) : undefined;
  switch (unit) {
    case "eth":
      return b === undefined ? String(v) : `${eth(b)} ETH`;
    case "s":
      return b === undefined ? String(v) : duration(b);
    case "bps":
      return b === undefined ? String(v) : bps(b);
    case "time":
      return b === undefined ? String(v) : new Date(Number(b) * 1000).toISOString();
    case "req":
      return b === undefined ? String(v) : shortRequestId(b);
    case "role":
      return typeof v === "string" ? (ROLE_NAMES[v.toLowerCase()] ?? v) : String(v);
    case "module":
      return MODULE_STATUS[Number(b)] ?? String(v);
    case "service":
      return SERVICE_STATUS[Number(b)] ?? String(v);
    case "slash":
      return SLASH_STATUS[Number(b)] ?? String(v);
    case "ops": {
      const bits = typeof v === "string" ? BigInt(v) : (b ?? 0n);
      const names = OP_STATES.filter((_n, i) => (bits >> BigInt(i)) & 1n);
      return names.join(" or ") || "in any state";
    }
    default:
      return typeof v === "bigint" ? v.toString() : String(v);
  }
}

/**
 * The one line the CLI prints for a decoded revert: `reverted: Name(args): <explanation>` (the raw
 * form stays first, so it can be searched), values in the user's units; the plain
 * `reverted: Name(args)` for an error without an entry.
 * `paramNames` are the error's ABI input names (from the same ABI that decoded it).
 */
export function explainRevert(e: ContractRevertError, paramNames: readonly string[] | undefined): string {
  const template = EXPLANATIONS[e.errorName];
  if (!template || !paramNames) return e.shortMessage;
  const byName = new Map(paramNames.map((n, i) => [n, e.args[i]]));
  const text = template.replace(/\{(\w+)(?:\|(\w+))?\}/g, (_m, name: string, unit?: string) =>
    byName.has(name) ? show(byName.get(name), unit) : `{${name}}`,
  );
  return `${e.shortMessage}: ${text}`;
}

/**
 * Error name → its ABI parameter names, from every ABI the SDK ships (the same that decode). An
 * error declared in two interfaces keeps the names of the first ABI by name (the arguments are
 * the same; the interfaces name them alike, e.g. RedeemDelayTooShort's last is `needed` in both
 * ServiceRegistry and CascadePool).
 */
const PARAMS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, readonly string[]>();
  for (const abi of Object.values(abis))
    for (const e of abi as readonly { type: string; name?: string; inputs?: readonly { name: string }[] }[])
      if (e.type === "error" && !m.has(e.name!))
        m.set(
          e.name!,
          (e.inputs ?? []).map((i) => i.name),
        );
  return m;
})();

/** The parameter names explanations use for error `name` (undefined: no ABI declares it). */
export function errorParams(name: string): readonly string[] | undefined {
  return PARAMS.get(name);
}

/** Error names of every ABI the SDK ships (test/cli/errorMessages.test.ts checks each is explained). */
export function abiErrorNames(): string[] {
  return [...PARAMS.keys()].sort();
}

/**
 * The fields of a signed raw transaction: ethers reports a failed `eth_sendRawTransaction` with
 * the serialized transaction only (anvil's "Insufficient funds for gas * price + value" carries no
 * figures), so value, gas limit and fee come from the signed bytes.
 */
function signedTx(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== "string" || !/^0x[0-9a-fA-F]+$/.test(raw)) return undefined;
  try {
    const t = Transaction.from(raw);
    return {
      from: t.from,
      value: t.value,
      gasLimit: t.gasLimit,
      maxFeePerGas: t.maxFeePerGas,
      gasPrice: t.gasPrice,
    };
  } catch {
    return undefined;
  }
}

/** A field anywhere in an ethers / provider error chain. */
function inChain(error: unknown, pick: (e: Record<string, unknown>) => unknown, depth = 0): unknown {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const e = error as Record<string, unknown>;
  const v = pick(e);
  if (v !== undefined) return v;
  for (const k of ["cause", "error", "info"]) {
    const found = inChain(e[k], pick, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

const big = (v: unknown): bigint | undefined => {
  try {
    return v === undefined || v === null ? undefined : BigInt(v as string);
  } catch {
    return undefined;
  }
};

/**
 * The one line `cascade: …` prints for any error: an explained revert (above); a node's
 * "insufficient funds" (the transaction's value plus its gas at the offered fee exceeds the
 * sender's balance) as `insufficient funds: <addr> has X ETH, needs Y ETH (value + gas)`; else
 * the error's short message.
 */
export async function describeError(e: unknown, client: CascadeClient | undefined): Promise<string> {
  if (e instanceof ContractRevertError && e.errorName !== "unknown")
    return explainRevert(e, PARAMS.get(e.errorName));
  const insufficient =
    inChain(e, (x) => (x.code === "INSUFFICIENT_FUNDS" ? true : undefined)) ??
    inChain(e, (x) =>
      typeof x.message === "string" &&
      /insufficient funds|doesn't have enough funds/i.test(x.message) &&
      !/^insufficient funds: 0x/.test(x.message)
        ? true
        : undefined,
    );
  if (insufficient && client) {
    const tx = (inChain(e, (x) =>
      x.transaction && typeof x.transaction === "object" ? x.transaction : undefined,
    ) ??
      signedTx(inChain(e, (x) => (typeof x.transaction === "string" ? x.transaction : undefined))) ??
      {}) as Record<string, unknown>;
    // The node's own figures: Hardhat/EDR "max upfront cost is: W and the sender's balance is: B",
    // geth/anvil "have B want W".
    const text = String(inChain(e, (x) => (typeof x.message === "string" ? x.message : undefined)) ?? "");
    const edr = text.match(/upfront cost is: (\d+) and the sender's balance is: (\d+)/);
    const geth = text.match(/have (\d+) want (\d+)/);
    try {
      const from = typeof tx.from === "string" ? tx.from : await client.account();
      const balance = edr
        ? BigInt(edr[2]!)
        : geth
          ? BigInt(geth[1]!)
          : await client.provider.getBalance(from);
      const value = big(tx.value) ?? 0n;
      const need = edr
        ? BigInt(edr[1]!)
        : geth
          ? BigInt(geth[2]!)
          : value + (big(tx.gasLimit) ?? 0n) * (big(tx.maxFeePerGas) ?? big(tx.gasPrice) ?? 0n);
      if (need > 0n)
        return `insufficient funds: ${from} has ${eth(balance)} ETH, needs ${eth(need)} ETH (value + gas)`;
      return `insufficient funds: ${from} has ${eth(balance)} ETH, not enough for the value plus gas`;
    } catch {
      /* fall through to the plain message */
    }
  }
  if (e instanceof CascadeError) {
    // The SDK's own pre-send balance check (formatEther's "1.0"): same ETH format as every figure here.
    const pre = e.shortMessage.match(
      /^insufficient funds: (0x[0-9a-fA-F]{40}) has ([\d.]+) ETH, needs ([\d.]+) ETH plus gas$/,
    );
    if (pre)
      return `insufficient funds: ${pre[1]} has ${eth(parseEther(pre[2]!))} ETH, needs ${eth(parseEther(pre[3]!))} ETH plus gas`;
    return e.shortMessage;
  }
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}
