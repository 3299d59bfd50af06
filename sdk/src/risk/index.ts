export { analyzeSecurity } from "./analyze.js";
export { formatAnalysis, formatEth, formatServiceTable, formatVerdict, toJson } from "./format.js";
export type { Jsonified, SecurityAnalysisJson } from "./format.js";
export type * from "./types.js";
export { securityGraph, type SecurityGraphParams, type SecurityGraphResult } from "./deployed.js";
export { certifiedGate, onChainGate, type GateResult, type OnChainGate } from "./gate.js";
