/**
 * `npm run deploy -- --network <name>`: deploys the whole system through the Ignition module
 * on any network named in hardhat.config.ts, with that network's parameters from
 * deploy/parameters/<name>.json (validated by deploy/params.ts, merged over the defaults of
 * deploy/system.ts), creates the governance Safes, hands every role over when the parameters
 * say so (the deployer keeps none), writes the addresses to deployments/<chainId>.json where
 * the SDK and the CLI find them, and prints the role table (role → holder).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { deploySystemWithIgnition } from "./ignitionSystem.js";
import { parseParams } from "./params.js";
import { roleTable } from "./roles.js";

const connection = await network.create();
const { ethers, networkName } = connection as typeof connection & { networkName: string };
const paramsFile = `deploy/parameters/${networkName}.json`;
const params = existsSync(paramsFile)
  ? parseParams(JSON.parse(readFileSync(paramsFile, "utf8")), paramsFile)
  : {};
const accounts = await ethers.getSigners();
if ((!params.guardians || !params.oracleMembers) && accounts.length < 6) {
  console.error(
    `cascade: network "${networkName}" has ${accounts.length} account(s): list guardians and oracleMembers in ${paramsFile} (see deploy/parameters/rpc.example.json).`,
  );
  process.exit(1);
}
const chainId = (await ethers.provider.getNetwork()).chainId;
const sys = await deploySystemWithIgnition(connection, params);
mkdirSync("deployments", { recursive: true });
const file = `deployments/${chainId}.json`;
writeFileSync(
  file,
  JSON.stringify({ chainId: chainId.toString(), addresses: sys.addresses }, null, 2) + "\n",
);
console.log(`deployed ${Object.keys(sys.addresses).length} contracts on "${networkName}" (chain ${chainId})`);
for (const [name, address] of Object.entries(sys.addresses)) console.log(`  ${name.padEnd(22)} ${address}`);
console.log(`addresses written to ${file}`);
console.log("roles (role → holder):");
for (const line of await roleTable(sys)) console.log(`  ${line}`);
