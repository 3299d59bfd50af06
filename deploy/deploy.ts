/**
 * `npm run deploy -- --network <name>`: deploys the system on any network named in
 * hardhat.config.ts and writes the addresses to deployments/<chainId>.json for the SDK and CLI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { deploySystem } from "./system.js";

const { ethers } = await network.create();
const chainId = (await ethers.provider.getNetwork()).chainId;
const sys = await deploySystem(ethers);
mkdirSync("deployments", { recursive: true });
const file = `deployments/${chainId}.json`;
writeFileSync(
  file,
  JSON.stringify({ chainId: chainId.toString(), addresses: sys.addresses }, null, 2) + "\n",
);
console.log(
  `deployed ${Object.keys(sys.addresses).length} contracts on chain ${chainId}; addresses in ${file}`,
);
