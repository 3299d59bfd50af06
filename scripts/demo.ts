/**
 * `npm run demo` — DESIGN §11, the main job on the embedded network: deploys the whole system
 * through the Ignition module (deploy/ignition/Cascade.ts via deploySystemWithIgnition), registers a
 * curated and a bonded module with operators and BLS-valid keys, takes deposits into classes A/B/C,
 * registers two restaked services (tier 1 and tier 2) that operators opt in to and that pay
 * rewards, starts the beacon simulator (Beacon API on 127.0.0.1, random port), three oracle
 * members, two guardians and a keeper, and runs report frames: rewards, a slashing covered by the
 * operator's bond, a poor performer losing reputation and allocation, a vetoed service slash
 * request, a tier-2 service slash of a curated operator executed by the keeper after the veto
 * window (it lands on class C, never on A), forced exits (EIP-7002) of that operator when it
 * ignores its exit requests, redemptions finalized through exits and claimed. Per frame a table
 * and the frame's events; at the end a summary and a self-contained HTML report
 * (demo-output/report.html).
 *
 *   npm run demo                                   (8 frames, tables, HTML report)
 *   CASCADE_DEMO_ARGS="--frames 4 --json" npm run demo
 *   npx tsx scripts/demo.ts --frames 8 --seed cascade --json --rpc http://127.0.0.1:8545 --beacon URL
 * (`hardhat run` passes no arguments to scripts, hence the variable / direct form.)
 *
 * This file is the command line only. The demo itself is in demo/:
 *   scenario.ts  `runDemo`: the story as a script of steps (set-up, one frame, the summary)
 *   runtime.ts   what the steps drive: network and signers, deploy and Safes, time travel, the
 *                beacon simulator, oracle members / guardians / keeper, reading state
 *   narrate.ts   a frame's report and contract events as sentences
 *   report.ts    presentation: the frame tables, the summary and the HTML report
 *   types.ts     options and results
 * test/demo/demo.test.ts runs `runDemo` with fewer frames; the repository's `cascade demo`
 * (scripts/devnet/commands.ts) runs it too.
 */
import { resolve } from "node:path";
import { Command } from "commander";
import cliProgress from "cli-progress";
import { runDemo } from "./demo/scenario.js";
import { renderSummary } from "./demo/report.js";
import { withEphemeralIgnition, writeDeployment } from "./demo/runtime.js";
export { runDemo } from "./demo/scenario.js";
export { renderFrame, renderHtml, renderSummary } from "./demo/report.js";
export { withDerivedSigners, withEphemeralIgnition, writeDeployment } from "./demo/runtime.js";
export type * from "./demo/types.js";

// ---------------------------------------------------------------- CLI

interface DemoFlags {
  frames: number;
  seed: string;
  json: boolean;
  rpc?: string;
  beacon?: string;
}

/** The flags, or undefined (exit code 1 set) when they do not parse. */
function demoFlags(): DemoFlags | undefined {
  // `hardhat run` takes no script arguments (Hardhat 3 rejects unknown options), so options come
  // from the command line when the script runs directly (`npx tsx scripts/demo.ts --frames 4`) or
  // from CASCADE_DEMO_ARGS (`CASCADE_DEMO_ARGS="--frames 4 --json" npm run demo`).
  const argv = process.argv;
  const at = argv.findIndex((a) => /scripts[\\/]demo\.ts$/.test(a));
  const args = [
    ...argv.slice(at + 1).filter((a) => a !== "--"),
    ...(process.env.CASCADE_DEMO_ARGS ?? "").split(/\s+/).filter(Boolean),
  ];
  const program = new Command()
    .name("cascade-demo")
    .option("--frames <n>", "report frames to run", (v) => Number.parseInt(v, 10), 8)
    .option("--seed <s>", "seed of the operators' keys", "cascade")
    .option("--json", "print the result as JSON instead of tables", false)
    .option(
      "--rpc <url>",
      "connect to this JSON-RPC node (uses its unlocked accounts) instead of the embedded network",
    )
    .option("--beacon <url>", "read the beacon chain from this Beacon API node instead of the simulator")
    .exitOverride();
  try {
    program.parse(args, { from: "user" });
  } catch {
    process.exitCode = 1;
    return undefined;
  }
  const o = program.opts<DemoFlags>();
  if (!Number.isInteger(o.frames) || o.frames < 1 || o.frames > 64) {
    console.error("cascade demo: --frames must be an integer between 1 and 64");
    process.exitCode = 1;
    return undefined;
  }
  return o;
}

async function main() {
  const o = demoFlags();
  if (!o) return;
  const { network } = await import("hardhat");
  const conn = o.rpc
    ? await network.create({ network: "localhost", override: { url: o.rpc } })
    : await network.create();
  const htmlPath = resolve("demo-output/report.html");
  const tty = !o.json && process.stderr.isTTY;
  const multibar = tty
    ? new cliProgress.MultiBar(
        {
          format: "frames {bar} {value}/{total}",
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bar = multibar?.create(o.frames, 0);
  const log = o.json
    ? () => {}
    : multibar
      ? (s: string) => multibar.log(s + "\n")
      : (s: string) => console.log(s);
  try {
    const result = await runDemo(await withEphemeralIgnition(conn), {
      // On a real node the CLI can be pointed at what the demo deployed.
      onDeployed: o.rpc ? async (sys) => void (await writeDeployment(sys)) : undefined,
      frames: o.frames,
      seed: o.seed,
      beaconUrl: o.beacon,
      log,
      onFrame: (f) => bar?.update(f),
      htmlPath,
    });
    multibar?.update(); // flush the last frame's lines before the bar goes away
    multibar?.stop();
    if (o.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(renderSummary(result));
      console.log(`\nHTML report: ${htmlPath}`);
    }
  } catch (e) {
    multibar?.stop();
    const msg = e instanceof Error ? ((e as { shortMessage?: string }).shortMessage ?? e.message) : String(e);
    console.error(`cascade demo: ${msg.split("\n")[0]}`);
    process.exitCode = 1;
  } finally {
    await conn.close?.();
  }
}

// Run only as a script (`hardhat run scripts/demo.ts`), not when a test imports runDemo.
if (process.argv.some((a) => /scripts[\\/]demo\.ts$/.test(a))) await main();
