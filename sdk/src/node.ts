/**
 * `@cascade-staking/sdk/node`: what only runs in Node (files, servers). The main entry imports no
 * `node:` module, so it bundles for browsers; file helpers and the beacon simulator live here.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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

/**
 * Public networks by chain id, for the address books shipped in the package
 * (`addresses/addresses.<network>.json`, next to `dist/`).
 */
export const NETWORK_NAMES: Readonly<Record<string, string>> = {
  "1": "mainnet",
  "17000": "holesky",
  "560048": "hoodi",
  "11155111": "sepolia",
};

/** The package's `addresses/` folder (sdk/addresses in the repository, from src/ or dist/). */
export const SHIPPED_BOOKS_DIR = fileURLToPath(new URL("../addresses/", import.meta.url));

/** Path of the address book the package ships for `network` (a name or a chain id). */
export function shippedAddressBook(
  network: string | number | bigint,
  dir: string = SHIPPED_BOOKS_DIR,
): string {
  const name = NETWORK_NAMES[String(network)] ?? String(network);
  if (!/^[a-z0-9-]+$/.test(name)) throw new InvalidInputError(`not a network name: ${name}`);
  return join(dir, `addresses.${name}.json`);
}

export interface ResolveAddressesOptions {
  /** The chain the client talks to (from the provider). */
  chainId: number | bigint;
  /** An address book the caller names (`--addresses`): used alone when given. */
  file?: string;
  /** Where relative paths and `deployments/` resolve (default process.cwd()). */
  cwd?: string;
  /** Folder of the shipped books (tests; default the package's `addresses/`). */
  booksDir?: string;
}

/**
 * Finds the address book of a chain, in this order:
 * 1. `file`, when the caller names one (nothing else is tried: a typo must not silently fall
 *    back to another deployment);
 * 2. `deployments/<chainId>.json` under `cwd` (what `npm run deploy` and `cascade devnet` write);
 * 3. the book shipped in the package for the chain's network, `addresses/addresses.<network>.json`
 *    (mainnet, holesky, hoodi, sepolia; present once Cascade is deployed there).
 * The error names every place it looked.
 *
 * @example
 * ```ts
 * import { resolveAddresses } from "@cascade-staking/sdk/node";
 * const addresses = resolveAddresses({ chainId: 560048n }); // deployments/560048.json, else the hoodi book
 * ```
 */
export function resolveAddresses(opts: ResolveAddressesOptions): CascadeAddresses {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.file !== undefined) return loadAddresses(opts.file, cwd);
  const local = resolve(cwd, deploymentFile(opts.chainId));
  if (existsSync(local)) return loadAddresses(local, cwd);
  const shipped = shippedAddressBook(opts.chainId, opts.booksDir);
  if (existsSync(shipped)) return loadAddresses(shipped, cwd);
  throw new InvalidInputError(
    `no address book for chain ${opts.chainId}: looked for ${local} and the package's ${shipped} (run \`npm run deploy\` or pass --addresses)`,
  );
}
