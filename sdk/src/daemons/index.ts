/**
 * `@cascade-staking/sdk/daemons`: the off-chain roles (oracle member, guardian, keeper) and the
 * key sources they read, each deciding from on-chain state.
 */
export * from "./oracle.js";
export * from "./guardian.js";
export * from "./keeper.js";
export * from "./keys.js";
export * from "./abi.js";
