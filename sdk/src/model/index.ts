export * from "./decimal.js";
export * from "./shares.js";
export * from "./waterfall.js";
export * from "./allocation.js";
export * from "./reputation.js";
export * from "./pool.js";
