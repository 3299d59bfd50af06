/**
 * Decoding of `StakingRouter.ModulesReported(uint256[] states)`: one event per report, entry
 * `moduleId` holding that module's report fields in the router's packed module word
 * (contracts/router/ModuleWord.sol), every other bit zero.
 */

/** A module's state as one report booked it. */
export interface ModuleState {
  /** Validators the consensus layer shows for the module. */
  clValidators: bigint;
  /** Validators that have exited. */
  exited: bigint;
  /** Their consensus-layer balance, wei. */
  clBalance: bigint;
  /** The module's reputation after the report (DESIGN §6 step 8), basis points. */
  reputationBps: number;
}

const U32 = (1n << 32n) - 1n;
const U96 = (1n << 96n) - 1n;
const U16 = (1n << 16n) - 1n;

/**
 * One entry of a `ModulesReported` event.
 * @param word the entry (a uint256 from the event's `states`)
 * @returns the module's booked CL validators, exited count, CL balance and reputation
 */
export function decodeModuleState(word: bigint): ModuleState {
  return {
    clValidators: (word >> 32n) & U32,
    exited: (word >> 64n) & U32,
    clBalance: (word >> 96n) & U96,
    reputationBps: Number((word >> 192n) & U16),
  };
}
