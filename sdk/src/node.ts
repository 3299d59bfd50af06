/**
 * `@cascade-staking/sdk/node`: what only runs in Node (files, servers). The main entry imports no
 * `node:` module, so it bundles for browsers; file helpers and the beacon simulator live here.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseAddresses, type CascadeAddresses } from "./client.js";
import { InvalidInputError } from "./errors.js";

export { readDepositDataFile } from "./actions/checkKeys.js";
export { BeaconSimulator, type SimulatorOptions, type WithdrawalRecord } from "./beacon/simulator.js";

/** Where `npm run deploy` / `cascade devnet` write the addresses of chain `chainId`. */
export function deploymentFile(chainId: number | bigint): string {
  return `deployments/${chainId}.json`;
}

/**
 * Reads a deployment's address book from the file the caller names (relative paths resolve
 * against `cwd`): `{ chainId, addresses }` (what `npm run deploy` writes) or a bare address map,
 * validated as {@link parseAddresses} does.
 *
 * @example
 * ```ts
 * import { createCascadeClient } from "@cascade-staking/sdk";
 * import { loadAddresses } from "@cascade-staking/sdk/node";
 * const addresses = loadAddresses("deployments/31337.json");
 * const client = createCascadeClient({ rpcUrl: "http://127.0.0.1:8545", addresses });
 * ```
 */
export function loadAddresses(file: string, cwd: string = process.cwd()): CascadeAddresses {
  if (typeof file !== "string" || file.length === 0)
    throw new InvalidInputError(
      "loadAddresses: pass the path of an address book (e.g. deployments/31337.json)",
    );
  const path = resolve(cwd, file);
  if (!existsSync(path)) {
    throw new InvalidInputError(`no deployment file ${path} (run \`npm run deploy\` or pass --addresses)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InvalidInputError(`${path} is not valid JSON`, { cause: e });
  }
  return parseAddresses(json, path);
}
