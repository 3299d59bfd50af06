/**
 * Soak run (issue 13): the devnet's anvil node and beacon simulator, with three oracle members,
 * two guardians and a keeper as separate processes (`cascade … run`) reaching the beacon node and
 * the JSON-RPC node through fault proxies, for many frames at accelerated chain time (each frame
 * is one `evm_increaseTime`). Every frame: random depositor activity, a random fault with
 * probability `faultRate` (beacon down / slow / malformed / earlier head, JSON-RPC down, a member,
 * guardian or keeper killed and restarted), then the frame's report is awaited and checked:
 * applied once, each member's vote counted, Invariant A (Σ nav ≤ pooled, within one wei per
 * class). Prints frames, faults, lags, restarts; exits 1 on any violation.
 *
 * A deep run takes long on a shared machine, so the totals are resumable: `--state FILE` writes
 * them after every frame, `--resume` starts a fresh devnet and adds its frames to the saved
 * totals (the chain does not carry over: every part starts from a new deployment, which is what a
 * restart of the whole system would do), and Ctrl-C / SIGTERM stop after the current frame and
 * print the totals so far. A running summary is printed every `--summary-every` frames.
 *
 *   npx tsx scripts/soak.ts --frames 200 --state soak-state.json   # deep profile (README)
 *   npx tsx scripts/soak.ts --frames 200 --state soak-state.json --resume   # continue it
 *   npx tsx scripts/soak.ts --frames 12                            # short (CI runs 4 in test/daemons)
 */
import { Command } from "commander";
import { join } from "node:path";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Contract, JsonRpcProvider, Wallet, getAddress, parseEther } from "ethers";
import { registerDevnetCommands, type DevnetInfo } from "./devnet/commands.js";
import { freePort, spawnDaemon, waitListening, type DaemonChild } from "./devnet/system.js";
import { makeKeys } from "../sdk/src/daemons/keys.js";
import { FaultProxy } from "../test/helpers/faultProxy.js";

export interface SoakOptions {
  frames: number;
  seed: number;
  /** Probability of a fault in a frame. */
  faultRate: number;
  /** Wall-clock seconds a frame's report may take before the frame counts as missed. */
  frameTimeoutS?: number;
  log?: (s: string) => void;
  /** Totals of earlier runs to add this run's frames to (`--resume`); `frames` is the target total. */
  prior?: SoakResult;
  /** Called with the running totals after every frame (`--state` writes them to a file). */
  onFrame?: (r: SoakResult) => void;
  /** Stops after the current frame (Ctrl-C): the totals count the frames done. */
  signal?: AbortSignal;
}

export interface SoakResult {
  /** Frames run (over every resumed run). */
  frames: number;
  /** Runs the totals come from (1 + resumes); each run starts a fresh devnet. */
  runs: number;
  reported: number;
  missed: number;
  faults: Record<string, number>;
  restarts: number;
  /** Wall seconds from the frame's start to its report being applied. */
  lagMaxS: number;
  lagMeanS: number;
  /** Frames whose report came only with the next frame (late by ≥ 1 frame). */
  maxLagFrames: number;
  invariantAViolations: number;
  doubleReports: number;
  doubleVotes: number;
  deposited: number;
  wallS: number;
  /** Sum of the lags of reported frames (for the mean over resumed runs). */
  lagSumS: number;
}

const FAULTS = [
  "beaconDown",
  "beaconSlow",
  "beaconMalformed",
  "beaconEarlierHead",
  "rpcDown",
  "killMember",
  "killGuardian",
  "killKeeper",
] as const;

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const t0 = Date.now();
  const log = o.log ?? (() => {});
  const p = o.prior;
  // A resumed run draws other faults than the first (same seed, shifted by the frames done).
  const rand = rng(o.seed + (p?.frames ?? 0) * 7919);
  const ac = new AbortController();
  let info!: DevnetInfo;
  let ready!: () => void;
  const up = new Promise<void>((r) => (ready = r));
  const program = new Command("cascade").exitOverride().option("--rpc <url>").option("--json");
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerDevnetCommands(program, { signal: ac.signal, onReady: (i) => ((info = i), ready()) });
  const running = program.parseAsync(
    [
      "devnet",
      "--port",
      "0",
      "--beacon-port",
      "0",
      "--no-daemons",
      "--block-time",
      "0",
      "--dir",
      `soak-${process.pid}`,
    ],
    { from: "user" },
  );
  running.catch((e) => {
    log(`devnet failed: ${(e as Error).message}`);
    ready();
  });
  await up;
  if (!info) throw new Error("the devnet did not start");
  const provider = new JsonRpcProvider(info.rpcUrl, undefined, { cacheTimeout: -1 });
  const A = info.addresses;
  const key = (n: string) => new Wallet(readFileSync(join(info.dir, `${n}.key`), "utf8").trim(), provider);
  const beacon = new FaultProxy(info.beaconUrl, "beacon");
  const rpc = new FaultProxy(info.rpcUrl, "rpc");
  beacon.slowMs = 9000; // past the members' 5 s timeout
  await beacon.start();
  await rpc.start();
  const rpcPort = Number(new URL(rpc.url).port);
  const oracle = new Contract(
    A.reportOracle,
    [
      "event ReportHashSubmitted(uint256 indexed refSlot, address indexed member, bytes32 hash, uint256 support)",
      "event ReportProcessed(uint256 indexed refSlot, bytes32 hash, address submitter)",
      "function currentRefSlot() view returns (uint256)",
    ],
    provider,
  );
  const accounting = new Contract(
    A.accounting,
    ["function lastReport() view returns (uint256, uint256)", "function pooled() view returns (uint256)"],
    provider,
  );
  const book = new Contract(A.pool, ["function navs() view returns (uint256[])"], provider);
  const pool = new Contract(
    A.pool,
    ["function deposit(uint256 classId, address receiver, uint256 minShares) payable returns (uint256)"],
    provider,
  );
  const router = new Contract(
    A.router,
    ["function withdrawalCredentials() view returns (bytes32)"],
    provider,
  );
  const deposits = new Contract(
    A.depositContract,
    [
      "event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)",
    ],
    provider,
  );

  // An operator with 20 keys, bonded.
  const op = key("op");
  const wc: string = await router.withdrawalCredentials();
  const ks = makeKeys(`soak-${o.seed}`, 0, 20, wc);
  const bonded = new Contract(
    A.bondedModule,
    [
      "function registerOperator(string name, address rewardAddress, bytes pubkeys, bytes signatures) payable returns (uint256)",
    ],
    op,
  );
  await (
    await bonded.registerOperator("Soak", op.address, ks.pubkeys, ks.signatures, {
      value: parseEther("27.1"),
    })
  ).wait();
  const me = key("me");
  await (
    await pool.connect(me).getFunction("deposit")(2, me.address, 0, { value: parseEther("200") })
  ).wait();

  // Daemons.
  const children = new Map<string, DaemonChild>();
  const cleanup = async () => {
    await Promise.all([...children.values()].map((d) => d.stop()));
    await beacon.stop();
    await rpc.stop();
    provider.destroy();
    ac.abort();
    await running.catch(() => {});
    rmSync(info.dir, { recursive: true, force: true });
  };
  let restarts = 0;
  const args = (name: string): [role: "oracle" | "guardian" | "keeper", a: string[]] => {
    if (name.startsWith("member")) return ["oracle", ["--beacon", beacon.url, "--beacon-timeout", "5000"]];
    if (name.startsWith("guardian")) return ["guardian", []];
    return [
      "keeper",
      ["--guardian", children.get("guardian1")!.metricsUrl, children.get("guardian2")!.metricsUrl],
    ];
  };
  const ports = new Map<string, number>();
  const start = async (name: string) => {
    const [role, a] = args(name);
    const port = ports.get(name) ?? (await freePort());
    ports.set(name, port); // guardians keep their URL across restarts
    const d = spawnDaemon({
      name,
      role,
      rpcUrl: rpc.url,
      addressesFile: join(info.dir, "deployments", "31337.json"),
      keyFile: join(info.dir, `${name}.key`),
      address: key(name).address,
      metricsPort: port,
      logFile: join(info.dir, "logs", `${name}.log`),
      args: ["--interval", "300", "--max-backoff", "2000", ...a],
      cwd: process.cwd(),
    });
    children.set(name, d);
    await waitListening(d.metricsUrl);
  };
  try {
    for (const n of ["guardian1", "guardian2", "member1", "member2", "member3", "keeper"]) await start(n);
  } catch (e) {
    await cleanup();
    throw e;
  }

  const result: SoakResult = {
    frames: p?.frames ?? 0,
    runs: (p?.runs ?? 0) + 1,
    reported: p?.reported ?? 0,
    missed: p?.missed ?? 0,
    faults: { ...p?.faults },
    restarts: p?.restarts ?? 0,
    lagMaxS: p?.lagMaxS ?? 0,
    lagMeanS: p?.lagMeanS ?? 0,
    maxLagFrames: p?.maxLagFrames ?? 0,
    invariantAViolations: p?.invariantAViolations ?? 0,
    doubleReports: p?.doubleReports ?? 0,
    doubleVotes: p?.doubleVotes ?? 0,
    deposited: p?.deposited ?? 0,
    wallS: p?.wallS ?? 0,
    lagSumS: p?.lagSumS ?? 0,
  };
  const priorRestarts = result.restarts;
  const priorDeposited = result.deposited;
  const priorWall = result.wallS;
  const totals = () => {
    result.restarts = priorRestarts + restarts;
    result.lagMeanS = result.reported ? result.lagSumS / result.reported : 0;
    result.wallS = priorWall + (Date.now() - t0) / 1000;
  };
  let pendingSince: bigint | undefined;
  try {
    for (let f = result.frames + 1; f <= o.frames && !o.signal?.aborted; f++) {
      // Depositor activity (the keeper stakes it while keys last).
      if (rand() < 0.4) {
        const eth = 1 + Math.floor(rand() * 40);
        await (
          await pool.connect(me).getFunction("deposit")(rand() < 0.5 ? 2 : 1, me.address, 0, {
            value: parseEther(String(eth)),
          })
        ).wait();
      }
      await provider.send("evm_increaseTime", [384]);
      await provider.send("evm_mine", []);
      const refSlot: bigint = await oracle.currentRefSlot();
      const frameStart = Date.now();
      let fault: (typeof FAULTS)[number] | undefined;
      if (rand() < o.faultRate) {
        fault = FAULTS[Math.floor(rand() * FAULTS.length)];
        result.faults[fault] = (result.faults[fault] ?? 0) + 1;
        const ms = 1000 + Math.floor(rand() * 2000);
        if (fault.startsWith("beacon")) {
          beacon.fault = (
            {
              beaconDown: "down",
              beaconSlow: "slow",
              beaconMalformed: "malformed",
              beaconEarlierHead: "earlierHead",
            } as const
          )[fault as "beaconDown"];
          beacon.earlierSlot = Number(refSlot) - 3;
          await sleep(ms);
          beacon.fault = "none";
        } else if (fault === "rpcDown") {
          await rpc.stop();
          await sleep(ms);
          await rpc.start(rpcPort);
        } else {
          const pool =
            fault === "killMember"
              ? ["member1", "member2", "member3"]
              : fault === "killGuardian"
                ? ["guardian1", "guardian2"]
                : ["keeper"];
          const name = pool[Math.floor(rand() * pool.length)];
          children.get(name)!.child.kill("SIGKILL");
          await children.get(name)!.stop();
          await sleep(ms);
          await start(name);
          restarts++;
        }
      }
      // The frame's report, within the timeout.
      const deadline = Date.now() + (o.frameTimeoutS ?? 120) * 1000;
      let applied = false;
      while (Date.now() < deadline) {
        if ((await accounting.lastReport())[0] >= refSlot) {
          applied = true;
          break;
        }
        await sleep(250);
      }
      const lag = (Date.now() - frameStart) / 1000;
      if (applied) {
        result.reported++;
        result.lagSumS += lag;
        result.lagMaxS = Math.max(result.lagMaxS, lag);
        if (pendingSince !== undefined) pendingSince = undefined;
      } else {
        result.missed++;
        pendingSince ??= refSlot;
        result.maxLagFrames = Math.max(result.maxLagFrames, Number((refSlot - pendingSince) / 32n) + 1);
      }
      const processed = await oracle.queryFilter(oracle.filters.ReportProcessed(refSlot));
      if (processed.length > 1) result.doubleReports++;
      const votes = await oracle.queryFilter(oracle.filters.ReportHashSubmitted(refSlot));
      const seen = new Map<string, Set<string>>();
      for (const v of votes as any[]) {
        const m = getAddress(v.args.member);
        const s = seen.get(m) ?? new Set<string>();
        if (s.has(v.args.hash)) result.doubleVotes++; // the same hash twice: a real double vote
        s.add(v.args.hash);
        seen.set(m, s);
      }
      const navs: bigint[] = [...(await book.navs())];
      const pooled: bigint = await accounting.pooled();
      const sum = navs.reduce((s, n) => s + n, 0n);
      const invA = sum <= pooled && pooled - sum <= BigInt(navs.length);
      if (!invA) result.invariantAViolations++;
      log(
        `frame ${String(f).padStart(3)} refSlot ${refSlot}: ${applied ? `reported in ${lag.toFixed(1)} s` : "MISSED"}${fault ? `, fault ${fault}` : ""}, Invariant A ${invA ? "ok" : "VIOLATED"}`,
      );
      result.frames = f;
      result.deposited = priorDeposited + (await deposits.queryFilter("DepositEvent")).length;
      totals();
      o.onFrame?.(result);
    }
  } finally {
    await cleanup();
  }
  totals();
  return result;
}

export function renderSoak(r: SoakResult): string {
  const faults = Object.entries(r.faults)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `Soak: ${r.frames} frames in ${r.wallS.toFixed(0)} s wall time${r.runs > 1 ? ` (${r.runs} runs, each on a fresh devnet)` : ""}`,
    `  reported ${r.reported}, missed ${r.missed} (max lag ${r.maxLagFrames} frames; report ${r.lagMeanS.toFixed(1)} s after the frame starts on average, ${r.lagMaxS.toFixed(1)} s at most)`,
    `  faults ${Object.values(r.faults).reduce((s, n) => s + n, 0)}: ${faults || "none"}; process restarts ${r.restarts}`,
    `  double reports ${r.doubleReports}, double votes ${r.doubleVotes}, Invariant A violations ${r.invariantAViolations}`,
    `  validators deposited by the keeper ${r.deposited}`,
  ].join("\n");
}

if (process.argv.some((a) => /scripts[\\/]soak\.ts$/.test(a))) {
  const p = new Command()
    .option("--frames <n>", "frames in all (a resumed run continues up to this total)", "200")
    .option("--seed <n>", "PRNG seed", "1")
    .option("--fault-rate <p>", "probability of a fault per frame", "0.35")
    .option("--frame-timeout <s>", "wall seconds a frame's report may take before it counts as missed", "120")
    .option("--state <file>", "write the running totals (JSON) to this file after every frame")
    .option("--resume", "add this run's frames to the totals in --state", false)
    .option("--summary-every <n>", "print the running totals every n frames (0 = only at the end)", "25")
    .parse(process.argv);
  const opts = p.opts<{
    frames: string;
    seed: string;
    faultRate: string;
    frameTimeout: string;
    state?: string;
    resume: boolean;
    summaryEvery: string;
  }>();
  if (opts.resume && !opts.state) throw new Error("--resume needs --state <file>");
  const prior =
    opts.resume && opts.state && existsSync(opts.state)
      ? (JSON.parse(readFileSync(opts.state, "utf8")) as SoakResult)
      : undefined;
  if (prior) console.log(`resuming after frame ${prior.frames}:\n${renderSoak(prior)}`);
  const ac = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => {
      console.log(`${sig}: stopping after the current frame`);
      ac.abort();
    });
  const every = Number(opts.summaryEvery);
  const r = await runSoak({
    frames: Number(opts.frames),
    seed: Number(opts.seed),
    faultRate: Number(opts.faultRate),
    frameTimeoutS: Number(opts.frameTimeout),
    log: (s) => console.log(s),
    prior,
    signal: ac.signal,
    onFrame: (t) => {
      if (opts.state) writeFileSync(opts.state, JSON.stringify(t, null, 2) + "\n");
      if (every > 0 && t.frames % every === 0 && t.frames < Number(opts.frames)) console.log(renderSoak(t));
    },
  });
  console.log(renderSoak(r));
  if (r.frames < Number(opts.frames))
    console.log(
      `stopped at frame ${r.frames} of ${opts.frames}${opts.state ? `: continue with --state ${opts.state} --resume` : ""}`,
    );
  process.exitCode = r.invariantAViolations || r.doubleReports || r.doubleVotes || r.missed ? 1 : 0;
}
