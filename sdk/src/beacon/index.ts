/**
 * `@cascade-staking/sdk/beacon`: deposit data (build, check, roots), the deposit contract's
 * Merkle tree, the Beacon API client and its response schemas. Runs in browsers too; the
 * Beacon API simulator (an HTTP server) is in `@cascade-staking/sdk/node`.
 */
export * from "./depositData.js";
export * from "./merkle.js";
export * from "./api.js";
export * from "./schemas.js";
export { bytesToHex, parseBytes } from "./hex.js";
export { Bytes4, Bytes32, Bytes48, Bytes96, UintNum64 } from "./sszTypes.js";
