/**
 * `npm run demo` (interim main job until the full lifecycle demo lands): compiles, deploys the
 * whole system on the embedded network through deploy/system.ts and prints its addresses.
 */
import { network } from "hardhat";
import { deploySystem } from "../deploy/system.js";

const { ethers } = await network.create();
const started = Date.now();
const sys = await deploySystem(ethers);
const rows = Object.entries(sys.addresses);
const width = Math.max(...rows.map(([k]) => k.length));
console.log("Cascade deployed on the embedded network:\n");
for (const [name, address] of rows) console.log(`  ${name.padEnd(width)}  ${address}`);
console.log(
  `\nclasses: ${sys.config.classes.map((c) => c.symbol).join(", ")}; modules: curated, bonded (not yet registered)`,
);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
