/**
 * `npm run bench`: gas of every user-, operator-, keeper-, oracle- and governance-facing
 * operation of Cascade, measured from transaction receipts (`gasUsed`) on the embedded network
 * in realistic states (modules with deposited validators, classes with several depositors,
 * services opted in, allocated and paying rewards), plus three baselines measured in the same
 * run (a plain OpenZeppelin 5 ERC-4626 vault over WETH and a direct deposit-contract call).
 *
 * Prints a table (with the fitted cost per added validator / key / module / class / service
 * for the scaling rows) and writes `bench/results.json` as `{ "<operation>": gas }`.
 * Deterministic for a given seed (`BENCH_SEED`, default "cascade-bench"): every key, wallet
 * and amount derives from it. Any reverting operation aborts the run with its name.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import hre, { network } from "hardhat";
import { Signature, Wallet, keccak256, toUtf8Bytes, type Signer } from "ethers";
import { ETH, defaultClasses, deploySystem, type ClassConfig, type System } from "../deploy/system.js";
import { depositDataRootHex } from "../sdk/src/beacon/depositData.js";
import { ATTESTATION_TYPES } from "../sdk/src/daemons/guardian.js";
import { profileLines } from "./profileLines.js";

const started = Date.now();
const SEED = process.env.BENCH_SEED ?? "cascade-bench";
const DAY = 24 * 3600;
const FRAME = 12 * 32;

// Deterministic chain: a fixed genesis date and a virtual clock. Every block gets the next
// second of the clock (evm_increaseTime / evm_setNextBlockTimestamp move the clock, not the
// wall time), so block hashes — which guardians sign, and whose zero bytes cost calldata gas —
// are the same on every run for a given seed.
const GENESIS = Date.UTC(2030, 0, 1) / 1000;
let clock = GENESIS + 1;
hre.hooks.registerHandlers("network", {
  async onRequest(context, conn, req, next) {
    const reply = (result: unknown) => ({ jsonrpc: "2.0" as const, id: req.id ?? 0, result });
    const params = (req.params ?? []) as unknown[];
    switch (req.method) {
      case "evm_increaseTime":
        clock += Number(params[0]);
        return reply(String(params[0]));
      case "evm_setNextBlockTimestamp":
        clock = Number(params[0]);
        return reply(null);
      case "eth_sendTransaction":
      case "eth_sendRawTransaction":
      case "evm_mine":
      case "eth_estimateGas":
      case "eth_call": {
        await next(context, conn, {
          jsonrpc: "2.0",
          id: req.id ?? 0,
          method: "evm_setNextBlockTimestamp",
          params: [clock],
        });
        const res = await next(context, conn, req);
        if (req.method !== "eth_estimateGas" && req.method !== "eth_call") clock += 1;
        return res;
      }
    }
    return next(context, conn, req);
  },
});
const { ethers, provider } = await network.create({
  override: { initialDate: new Date(GENESIS * 1000).toISOString() },
} as never);
const signers = await ethers.getSigners();
const [deployer, m1, m2, m3, g1, g2, op, slasher, recipient, funder] = signers;
const members = [m1, m2, m3];
const guardians = [g1, g2];

const results: Record<string, number> = {};
const notes: Record<string, string> = {};

// ------------------------------------------------------------------ helpers

function fail(what: string, err: unknown): never {
  const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
  console.error(`bench: ${what} failed: ${msg}`);
  process.exit(1);
}

/** Sends, waits, fails loudly on revert; returns gasUsed. */
async function gasOf(what: string, send: () => Promise<any>): Promise<number> {
  let rc;
  try {
    const tx = await send();
    rc = await tx.wait();
  } catch (e) {
    fail(what, e);
  }
  if (!rc || rc.status !== 1) fail(what, "status 0");
  if (profiled && PROFILE_TX.some((p) => what.startsWith(p))) await profile(profiled, what, rc.hash);
  return Number(rc.gasUsed);
}

/** A setup transaction (not measured): fails loudly too. */
async function run(what: string, send: () => Promise<any>): Promise<void> {
  await gasOf(what, send);
}

function record(name: string, gas: number, note?: string) {
  results[name] = gas;
  if (note) notes[name] = note;
}

async function snapshot(): Promise<string> {
  return (await provider.send("evm_snapshot", [])) as string;
}
async function revert(id: string): Promise<void> {
  const ok = await provider.send("evm_revert", [id]);
  if (!ok) fail("evm_revert", id);
}
/** Runs `fn` and rolls the chain back to where it was. */
async function isolated<T>(fn: () => Promise<T>): Promise<T> {
  const id = await snapshot();
  const out = await fn();
  await revert(id);
  return out;
}

let walletCount = 0;
/** A fresh funded wallet derived from the seed. */
async function wallet(eth = 1_000_000n): Promise<Wallet> {
  const w = new Wallet(keccak256(toUtf8Bytes(`${SEED}/wallet/${walletCount++}`)), ethers.provider);
  await provider.send("hardhat_setBalance", [w.address, "0x" + (eth * ETH).toString(16)]);
  return w;
}

// ------------------------------------------------------------------ keys
//
// No contract verifies BLS signatures (the beacon chain does), so gas does not depend on
// whether the bytes are a valid signature; it depends on their length and zero bytes, which
// pseudo-random bytes reproduce. Real BLS signing costs ~60 ms per key, too slow for the
// ~1,000 keys the bench uploads. deposit_data_root is computed exactly (SSZ, SHA-256).

interface Key {
  pubkey: string; // hex, no 0x
  signature: string;
  root: string; // 0x-prefixed
}

let wcCache = "";
function makeKey(tag: string, i: number): Key {
  let pub = "";
  let sig = "";
  for (let j = 0; pub.length < 96; j++) pub += keccak256(toUtf8Bytes(`${SEED}/${tag}/${i}/pk/${j}`)).slice(2);
  for (let j = 0; sig.length < 192; j++)
    sig += keccak256(toUtf8Bytes(`${SEED}/${tag}/${i}/sg/${j}`)).slice(2);
  // Compressed-point flag set, infinity flag clear, as in real keys.
  const flag = (h: string) =>
    ((parseInt(h.slice(0, 2), 16) & 0x1f) | 0x80).toString(16).padStart(2, "0") + h.slice(2);
  const pubkey = flag(pub.slice(0, 96));
  const signature = flag(sig.slice(0, 192));
  const root = depositDataRootHex({
    pubkey,
    signature,
    withdrawal_credentials: wcCache.slice(2),
    amount: 32_000_000_000,
  });
  return { pubkey, signature, root: root.startsWith("0x") ? root : "0x" + root };
}

function batch(keys: Key[]) {
  return {
    pubkeys: "0x" + keys.map((k) => k.pubkey).join(""),
    signatures: "0x" + keys.map((k) => k.signature).join(""),
  };
}

// ------------------------------------------------------------------ system under test

interface Ctx {
  sys: System;
  modules: any[];
  /** keys uploaded per module (single operator 0 per module), in index order */
  keys: Key[][];
  K: number;
  depositors: Wallet[][]; // per class
  services: number;
  reports: number;
}

function classesFor(K: number): ClassConfig[] {
  if (K === 3) return defaultClasses(FRAME);
  const out: ClassConfig[] = [];
  for (let k = 0; k < K; k++) {
    out.push({
      name: `Cascade Class ${k}`,
      symbol: `c${k}`,
      basePremiumBps: k === K - 1 ? 0 : k === 0 ? 1000 : 500,
      maxPremiumBps: k === K - 1 ? 0 : k === 0 ? 2500 : 1500,
      minCoverBps: k === 0 ? 2500 : 0,
      redeemDelay: k === 0 ? FRAME : 2 * FRAME,
      depositCap: 0n,
    });
  }
  return out;
}

// One implementation per router (the modules' router and registry are implementation immutables).
const curatedImpls = new Map<string, string>();
async function extraCurated(sys: System): Promise<any> {
  const routerAddr = await sys.router.getAddress();
  let curatedImpl = curatedImpls.get(routerAddr);
  if (!curatedImpl) {
    const args = [routerAddr, await sys.registry.getAddress()];
    curatedImpl = await (await ethers.deployContract("CuratedModule", args)).getAddress();
    curatedImpls.set(routerAddr, curatedImpl);
  }
  const impl = await ethers.getContractAt("CuratedModule", curatedImpl);
  const me = await deployer.getAddress();
  const data = impl.interface.encodeFunctionData("initialize", [me, me]);
  const p = await ethers.deployContract("CascadeProxy", [curatedImpl, data]);
  return ethers.getContractAt("CuratedModule", await p.getAddress());
}

const moduleParams = () => ({
  baseWeight: 100,
  stakeShareLimitBps: 10_000,
  moduleFeeBps: 500,
  feeRecipient: recipient.address,
});

/** Adds module `id` with one operator and `n` keys (vetted / bonded). */
async function addModule(ctx: Ctx, id: number, n: number) {
  const { sys } = ctx;
  const mod = id === 0 ? sys.curated : id === 1 ? sys.bonded : await extraCurated(sys);
  ctx.modules.push(mod);
  await run(`addModule ${id}`, () => sys.router.addModule(mod.getAddress(), moduleParams(), 9000));
  const keys = Array.from({ length: n }, (_, i) => makeKey(`m${id}`, i));
  ctx.keys.push(keys);
  const b = batch(keys);
  if (id === 1) {
    const bond: bigint = await sys.bonded.bondRequired(0, n).catch(() => 0n);
    const value = bond > 0n ? bond : (24n * ETH) / 10n + BigInt(n - 1) * ((13n * ETH) / 10n);
    await run("bonded registerOperator", () =>
      sys.bonded.connect(op).registerOperator("Bonded 0", op.address, b.pubkeys, b.signatures, { value }),
    );
  } else {
    await run(`addOperator ${id}`, () => mod.addOperator(`Curated ${id}`, op.address, op.address));
    await run(`addKeys ${id}`, () => mod.connect(op).addKeys(0, b.pubkeys, b.signatures));
    await run(`setVettedLimit ${id}`, () => mod.setVettedLimit(0, n));
  }
}

/** Guardian attestation for one module (module id, its key nonce, deposit root, latest block). */
async function attest(sys: System, gs: Signer[], moduleId: number, module: { keyNonce(): Promise<bigint> }) {
  const block = await ethers.provider.getBlock("latest");
  const depositRoot = await sys.depositContract.get_deposit_root();
  const keyNonce: bigint = await module.keyNonce();
  const domain = {
    name: "Cascade DepositSecurity",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await sys.depositSecurity.getAddress(),
  };
  const value = { moduleId, keyNonce, depositRoot, blockNumber: block!.number, blockHash: block!.hash };
  const signed = await Promise.all(
    gs.map(async (g) => ({
      addr: (await g.getAddress()).toLowerCase(),
      sig: await g.signTypedData(domain, ATTESTATION_TYPES, value),
    })),
  );
  signed.sort((a, b) => (BigInt(a.addr) < BigInt(b.addr) ? -1 : 1));
  return {
    ...value,
    signatures: signed.map(({ sig }) => {
      const s = Signature.from(sig);
      return { r: s.r, vs: s.yParityAndS };
    }),
  };
}

/**
 * n validators through one `depositToBeaconBatch` over every module with a share (each with its
 * own attestation, as the keeper does); asserts all n are deposited. Returns the call's gas.
 */
async function depositValidators(ctx: Ctx, n: number, what: string): Promise<number> {
  const { sys } = ctx;
  const [alloc, total]: [bigint[], bigint] = await sys.router.previewAllocation(n);
  if (Number(total) !== n) fail(what, `previewAllocation(${n}) allocates only ${total} (${alloc.join(",")})`);
  const before: bigint = await sys.depositContract.get_deposit_count().then(leCount);
  const ids: number[] = [];
  const mks: { pubkeys: string; signatures: string; depositDataRoots: string[] }[] = [];
  const atts: Awaited<ReturnType<typeof attest>>[] = [];
  for (let id = 0; id < ctx.modules.length; id++) {
    const count = alloc[id];
    if (count === 0n) continue;
    const [ops, firsts, counts]: bigint[][] = await ctx.modules[id].depositPlan(count);
    const keys: Key[] = [];
    for (let r = 0; r < ops.length; r++) {
      if (ops[r] !== 0n) fail(what, "unexpected operator in plan");
      for (let k = Number(firsts[r]); k < Number(firsts[r] + counts[r]); k++) keys.push(ctx.keys[id][k]);
    }
    const b = batch(keys);
    ids.push(id);
    mks.push({ pubkeys: b.pubkeys, signatures: b.signatures, depositDataRoots: keys.map((k) => k.root) });
    atts.push(await attest(sys, guardians, id, ctx.modules[id]));
  }
  const gas = await gasOf(what, () => sys.router.depositToBeaconBatch(ids, n, mks, atts));
  const after: bigint = await sys.depositContract.get_deposit_count().then(leCount);
  if (after - before !== BigInt(n)) fail(what, `deposited ${after - before}, expected ${n}`);
  return gas;
}

function leCount(x: string): bigint {
  return BigInt("0x" + Buffer.from(x.slice(2), "hex").reverse().toString("hex"));
}

/**
 * Deploys the system with M modules and K classes: module 0 (curated) is the established one
 * with 40 validators; modules 1..M−1 (bonded, then curated proxies) joined later and hold 2
 * validators each, so allocation has room to spread new deposits over them. Classes are
 * funded junior first by 3 depositors each.
 */
async function build(M: number, K: number): Promise<Ctx> {
  const sys = await deploySystem(ethers, { classes: classesFor(K) });
  wcCache = await sys.router.withdrawalCredentials();
  const ctx: Ctx = { sys, modules: [], keys: [], K, depositors: [], services: 0, reports: 0 };
  for (let k = 0; k < K; k++) ctx.depositors.push([]);
  // Junior first (cover): 2,400 ETH over the junior classes, 3,600 ETH in the senior class.
  for (let k = K - 1; k >= 0; k--) {
    const each = k === 0 ? 1200n * ETH : (800n * ETH) / BigInt(K - 1);
    for (let i = 0; i < 3; i++) {
      const w = await wallet();
      ctx.depositors[k].push(w);
      await run(`seed deposit class ${k}`, () =>
        sys.pool.connect(w).deposit(k, w.address, 0, { value: each + BigInt(i) * ETH }),
      );
    }
  }
  await addModule(ctx, 0, 100);
  await depositValidators(ctx, 40, "seed depositToBeacon (module 0)");
  for (let id = 1; id < M; id++) await addModule(ctx, id, 24);
  if (M > 1) await depositValidators(ctx, 2 * (M - 1), "seed depositToBeacon (new modules)");
  // Steady state, not a first report: every module's CL balance, every member's vote slot and
  // the fee recipients' balances are already non-zero.
  await report(ctx, "warm-up report");
  return ctx;
}

const opKey = (moduleId: number) => (BigInt(moduleId) << 32n) | 0n;

/** Registers, approves, opts in, allocates and funds `S` services (tiers 1..K−1 round robin). */
async function addServices(ctx: Ctx, S: number) {
  const { sys } = ctx;
  const reg = sys.registry;
  const M = ctx.modules.length;
  const ops = M > 1 ? [0, 1] : [0];
  for (let s = 0; s < S; s++) {
    const id = ctx.services++;
    await run(`registerService ${id}`, () =>
      reg.registerService({
        tier: 1 + (id % (ctx.K - 1)),
        maxSlashBps: 1000,
        slashingWindow: 300,
        vetoWindow: 300,
        minOperators: 1,
        maxOperatorShareBps: 10_000,
        slasher: slasher.address,
        recipient: recipient.address,
      }),
    );
    await run(`setServiceStatus ${id}`, () => reg.setServiceStatus(id, 2));
    for (const m of ops) await run(`optIn ${id}/${m}`, () => reg.connect(op).optIn(id, m, 0));
    await run(`setAllocation ${id}`, () => reg.setAllocation(id, 10n * ETH, ops.map(opKey)));
    await run(`payRewards ${id}`, () => reg.connect(funder).payRewards(id, { value: ETH / 100n }));
  }
  if (S === 0) return;
  // One report books the first rewards (steady state), then every service pays again.
  await report(ctx, "warm-up report (services)");
  for (let id = 0; id < ctx.services; id++)
    await run(`payRewards ${id}`, () => reg.connect(funder).payRewards(id, { value: ETH / 100n }));
}

/** One oracle frame: rewards on every module and EL rewards; returns vote gases and apply gas. */
async function report(ctx: Ctx, what: string, elRewards = ETH / 2n) {
  const { sys } = ctx;
  ctx.reports++;
  await provider.send("evm_increaseTime", [30 * DAY]);
  if (elRewards > 0n)
    await run("fund EL vault", () =>
      funder.sendTransaction({ to: sys.elVault.getAddress(), value: elRewards }),
    );
  const count = Number(await sys.router.moduleCount());
  const modules = [];
  for (let m = 0; m < count; m++) {
    const s = await sys.router.getModule(m);
    const seen = BigInt(s.deposited) - BigInt(s.clValidators);
    modules.push({
      clValidators: s.deposited,
      exited: s.exited,
      clBalance: BigInt(s.clBalance) + seen * 32n * ETH + BigInt(s.deposited) * (ETH / 20n),
      withdrawn: 0n,
      perfBps: 10_000 - 100 * (m % 3),
      slashedValidators: 0,
    });
  }
  await provider.send("evm_mine", []);
  const [genesis, spslot, spf] = await sys.oracle.frameConfig();
  const frame = BigInt(spslot * spf);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const next = ((now - genesis) / frame + 1n) * frame + genesis;
  await provider.send("evm_setNextBlockTimestamp", [Number(next)]);
  await provider.send("evm_mine", []);
  const refSlot: bigint = await sys.oracle.currentRefSlot();
  const body = { refSlot, elRewards, modules, losses: [], exits: [], operatorExits: [] };
  const hash = await sys.oracle.hashReport(body);
  const quorum = Number(await sys.oracle.quorum());
  const votes: number[] = [];
  for (const m of members.slice(0, quorum))
    votes.push(await gasOf(`${what}: vote`, () => sys.oracle.connect(m).submitReportHash(refSlot, hash)));
  let hash_ = "";
  const apply = await gasOf(`${what}: submitReportData`, async () => {
    const tx = await sys.oracle.connect(members[0]).submitReportData(body);
    hash_ = tx.hash;
    return tx;
  });
  if (PROFILE && what.startsWith("report_apply")) await profile(ctx, what, hash_);
  return { votes, apply };
}

/**
 * BENCH_PROFILE=1: where a report's gas goes. Replays the transaction with the struct logger
 * and sums, per call frame, the gas it used including its callees (call overheads, cold
 * account and storage accesses, memory, value transfers), printed as a tree down to depth 4
 * with the same callee merged per parent (e.g. "8× StakingModule.onExitedReported").
 */
async function profile(ctx: Ctx, what: string, hash: string) {
  const s = ctx.sys;
  const names = new Map<string, string>();
  const label = async (name: string, c: any) => {
    if (c) names.set((await c.getAddress()).toLowerCase(), name);
  };
  for (const [n, c] of Object.entries({
    ReportOracle: s.oracle,
    Accounting: s.accounting,
    StakingRouter: s.router,
    CascadePool: s.pool,
    ServiceRegistry: s.registry,
    ExitManager: s.exitManager,
    WithdrawalVault: s.withdrawalVault,
    ElVault: s.elVault,
  }))
    await label(n, c);
  for (let m = 0; m < ctx.modules.length; m++)
    names.set((await s.router.getModule(m)).module.toLowerCase(), "module");
  for (const t of s.tokens ?? []) names.set((await t.getAddress()).toLowerCase(), "ClassToken");
  const trace = await provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, enableReturnData: false },
  ]);
  type Frame = {
    name: string;
    gas: number;
    children: Frame[];
    start: number;
    sel: string;
    ops?: Map<string, [number, number]>;
  };
  const root: Frame = { name: "tx", gas: 0, children: [], start: 0, sel: "", ops: new Map() };
  const stack: Frame[] = [root];
  const logs = trace.structLogs as any[];
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    const op = l.op as string;
    if (op === "CALL" || op === "STATICCALL" || op === "DELEGATECALL" || op === "CALLCODE") {
      const st = l.stack as string[];
      const addr =
        "0x" +
        BigInt(st[st.length - 2])
          .toString(16)
          .padStart(40, "0");
      const next = logs[i + 1];
      if (next && next.depth === l.depth + 1) {
        const kind = op === "DELEGATECALL" ? "·impl" : (names.get(addr) ?? addr.slice(0, 10));
        const f: Frame = { name: kind, gas: 0, children: [], start: l.gas, sel: "", ops: new Map() };
        stack[stack.length - 1].children.push(f);
        stack.push(f);
      }
    } else if (PROFILE_OPS && /^(SSTORE|SLOAD|LOG\d|BALANCE|EXTCODE\w+|KECCAK256)$/.test(op)) {
      const ops = stack[stack.length - 1].ops!;
      const e = ops.get(op) ?? [0, 0];
      ops.set(op, [e[0] + 1, e[1] + Number(l.gasCost)]);
    }
    if (
      !/^(CALL|STATICCALL|DELEGATECALL|CALLCODE)$/.test(op) &&
      stack.length > 1 &&
      i + 1 < logs.length &&
      logs[i + 1].depth < l.depth
    ) {
      const f = stack.pop()!;
      f.gas = f.start - logs[i + 1].gas;
    }
  }
  root.gas = Number(trace.gas);
  const lines: string[] = [];
  const walk = (f: Frame, depth: number) => {
    const merged = new Map<string, { n: number; gas: number; kids: Frame[] }>();
    for (const c of f.children) {
      const key = c.name;
      const e = merged.get(key) ?? { n: 0, gas: 0, kids: [] };
      e.n++;
      e.gas += c.gas;
      e.kids.push(...c.children);
      merged.set(key, e);
    }
    let inner = 0;
    for (const [name, e] of merged) {
      inner += e.gas;
      lines.push(
        `${"  ".repeat(depth)}${e.n > 1 ? `${e.n}× ` : ""}${name}: ${e.gas.toLocaleString("en-US")}`,
      );
      if (depth < 7) walk({ name, gas: e.gas, children: e.kids, start: 0, sel: "" }, depth + 1);
    }
    if (merged.size)
      lines.push(`${"  ".repeat(depth)}(own code: ${(f.gas - inner).toLocaleString("en-US")})`);
  };
  walk(root, 1);
  if (PROFILE_OPS) {
    // The transaction's calldata (EIP-2028: 4 gas per zero byte, 16 per other byte; EIP-7623's
    // floor of 10/40 applies only to transactions that execute less than that).
    const data = (await ethers.provider.getTransaction(hash))!.data;
    const bytes = (data.length - 2) / 2;
    let zero = 0;
    for (let b = 2; b < data.length; b += 2) if (data.slice(b, b + 2) === "00") zero++;
    lines.push(
      `  calldata: ${bytes} B (${zero} zero, ${bytes - zero} non-zero) = ${4 * zero + 16 * (bytes - zero)} gas`,
    );
    // Per frame, in call order: its own storage, log and hashing ops (count × total gas).
    const each = (f: Frame, depth: number) => {
      const ops = [...(f.ops ?? new Map()).entries()].map(([o, [n, g]]) => `${o} ${n}×=${g}`);
      lines.push(`${"  ".repeat(depth)}${f.name} (${f.gas.toLocaleString("en-US")}): ${ops.join(", ")}`);
      for (const c of f.children) each(c, depth + 1);
    };
    lines.push("  own ops per frame:");
    each(root, 1);
  }
  if (PROFILE_LINES.length !== 0) {
    const to = (await ethers.provider.getTransaction(hash))!.to!;
    const codeAt = (a: string) => ethers.provider.getCode(a);
    lines.push(...(await profileLines(logs, to, codeAt, PROFILE_LINES, process.cwd())));
  }
  console.log(`  profile ${what}: ${root.gas.toLocaleString("en-US")} gas\n${lines.join("\n")}`);
}

// ------------------------------------------------------------------ fits

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Least squares y = b0 + Σ bj·xj (normal equations, Gaussian elimination). */
function ols(X: number[][], y: number[]): number[] {
  const p = X[0].length + 1;
  const A = Array.from({ length: p }, () => new Array(p + 1).fill(0));
  for (let r = 0; r < X.length; r++) {
    const row = [1, ...X[r]];
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) A[i][j] += row[i] * row[j];
      A[i][p] += row[i] * y[r];
    }
  }
  for (let i = 0; i < p; i++) {
    let piv = i;
    for (let r = i + 1; r < p; r++) if (Math.abs(A[r][i]) > Math.abs(A[piv][i])) piv = r;
    [A[i], A[piv]] = [A[piv], A[i]];
    for (let r = 0; r < p; r++) {
      if (r === i) continue;
      const f = A[r][i] / A[i][i];
      for (let c = i; c <= p; c++) A[r][c] -= f * A[i][c];
    }
  }
  return A.map((row, i) => row[p] / row[i]);
}

// ------------------------------------------------------------------ the run

// BENCH_REPORT_GRID="1,8;3;0,8" (modules; classes; services): only those report_apply rows
// (and report_vote at m8_k3_s8), printed, nothing written: a quick loop while working on reports.
const GRID = process.env.BENCH_REPORT_GRID?.split(";").map((x) => x.split(",").map(Number));
const PROFILE = process.env.BENCH_PROFILE === "1";
// BENCH_MAIN=1: only the main state's suite (8 modules, 3 classes, 8 services: depositor,
// keeper, slashing and service rows, no report grid), printed, nothing written.
const MAIN_ONLY = process.env.BENCH_MAIN === "1";
// BENCH_PROFILE_TX="execute_slash,request_slash": profiles (as BENCH_PROFILE does a report)
// every measured transaction whose name starts with one of these.
const PROFILE_TX = (process.env.BENCH_PROFILE_TX ?? "").split(",").filter((x) => x !== "");
// BENCH_PROFILE_OPS=1: the profiles also list each frame's own SSTORE/SLOAD/LOG/hash ops.
const PROFILE_OPS = process.env.BENCH_PROFILE_OPS === "1";
// BENCH_PROFILE_LINES="Accounting,StakingRouter": the profiles also list, per named contract, its
// own code's gas by Solidity source line (bench/profileLines.ts).
const PROFILE_LINES = (process.env.BENCH_PROFILE_LINES ?? "").split(",").filter((x) => x !== "");
// BENCH_WORST=1: only the 32-module, 8-class world's report rows with no services and the two
// worst cases (report_apply_exposure_worst, report_apply_gamma_restore_worst), printed, nothing
// written: a quick loop while working on the dense report.
const WORST = process.env.BENCH_WORST === "1";
const MS = MAIN_ONLY ? [8] : WORST ? [32] : (GRID?.[0] ?? [1, 8, 32]);
const KS = MAIN_ONLY ? [3] : WORST ? [8] : (GRID?.[1] ?? [3, 8]);
const SS = MAIN_ONLY ? [8] : WORST ? [0] : (GRID?.[2] ?? [0, 8, 64]);
const extra: Record<string, number> = {}; // informational figures for docs/gas.md
let profiled: Ctx | undefined; // the system BENCH_PROFILE_TX names frames in

for (const K of KS) {
  for (const M of MS) {
    const t0 = Date.now();
    const ctx = await build(M, K);
    let base = await snapshot();

    if (K === 3 && M !== 8 && !GRID) {
      record(`deposit_to_beacon_10_m${M}`, await depositValidators(ctx, 10, `deposit_to_beacon_10_m${M}`));
      await revert(base);
      base = await snapshot();
    }

    for (const S of SS) {
      await addServices(ctx, S);
      const main = M === 8 && K === 3 && S === 8;
      profiled = ctx;
      if (main && !GRID) await isolated(() => mainSuite(ctx));
      if (MAIN_ONLY) {
        for (const [name, gas] of Object.entries({ ...results, ...extra }))
          console.log(`  ${name}: ${gas.toLocaleString("en-US")}`);
        process.exit(0);
      }
      if (M === 8 && K === 3 && S === 64 && !GRID) {
        const gas = await isolated(() =>
          gasOf("set_allocation_s64", () =>
            ctx.sys.registry.setAllocation(S - 1, 12n * ETH, [opKey(0), opKey(1)]),
          ),
        );
        record("set_allocation_s64", gas);
      }
      const r = await report(ctx, `report_apply_m${M}_k${K}_s${S}`);
      record(`report_apply_m${M}_k${K}_s${S}`, r.apply);
      if (main) {
        record("report_vote", Math.max(...r.votes));
        extra.report_vote_first = r.votes[0];
        extra.report_vote_quorum = r.votes[r.votes.length - 1];
      }
      await revert(base);
      base = await snapshot();
      ctx.services = 0;
      ctx.reports = 0;
    }
    if (M === 32 && K === 8 && !GRID) {
      const services = ctx.services;
      record("report_apply_exposure_worst", await isolated(() => exposureWorst(ctx)));
      ctx.services = services;
      // The same graph with every service gated: the report also restores γ, as one transaction
      // under EIP-7825's 16,777,216-gas cap (the network refuses a larger one).
      record("report_apply_gamma_restore_worst", await isolated(() => exposureWorst(ctx, true)));
      ctx.services = services;
      base = await snapshot();
    }
    console.log(`  built and measured m=${M} k=${K} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/**
 * The exposure rule's worst report: MAX_ALLOCATED_OPERATORS (512) allocated operators — 16
 * services × 32 operators over tiers 1..K−1 — and a cover factor cut to 10% so every tier breaks
 * the limit at once; the report scales every service in one pass (each operator's stake moved to
 * deallocating once). Returns the report's apply gas.
 *
 * `gated` (report_apply_gamma_restore_worst): every service also declares π = 40 ETH at α 100 %
 * (certified γ 6,000 bps: each operator's σ_v = 16 × 2 ETH), so the scale-down breaks γ
 * (σ_v falls with the allocations) and the same report restores it — the dense gated graph,
 * the robustness restore's worst case (docs/risk.md).
 */
async function exposureWorst(ctx: Ctx, gated = false): Promise<number> {
  const { sys } = ctx;
  const reg = sys.registry;
  const M = ctx.modules.length;
  const S = 16;
  const staked: number[] = [];
  for (let m = 0; m < M; m++) {
    const mod = await ethers.getContractAt("IStakingModule", (await sys.router.getModule(m)).module);
    if ((await mod.activeValidatorsOf(0)) > 0n) staked.push(m);
  }
  if (staked.length !== M) throw new Error(`exposure_worst: ${staked.length} of ${M} operators staked`);
  for (let s = 0; s < S; s++) {
    const id = ctx.services++;
    await run(`registerService ${id}`, () =>
      reg.registerService({
        tier: 1 + (id % (ctx.K - 1)),
        maxSlashBps: 10_000,
        slashingWindow: 300,
        vetoWindow: 300,
        minOperators: 1,
        maxOperatorShareBps: 10_000,
        slasher: slasher.address,
        recipient: recipient.address,
      }),
    );
    await run(`setServiceStatus ${id}`, () => reg.setServiceStatus(id, 2));
    for (const m of staked) await run(`optIn ${id}/${m}`, () => reg.connect(op).optIn(id, m, 0));
    await run(`setAllocation ${id}`, () => reg.setAllocation(id, 64n * ETH, staked.map(opKey)));
  }
  const what = gated ? "report_apply_gamma_restore_worst" : "report_apply_exposure_worst";
  const first = ctx.services - S;
  if (gated) {
    for (let id = first; id < ctx.services; id++)
      await run(`setServiceRisk ${id}`, () => reg.setServiceRisk(id, 40n * ETH, 10_000));
    extra.gamma_restore_worst_gamma_before = Number(await reg.certifiedGammaBps());
  }
  await run("setCoverFactor", () => reg.setCoverFactor(1000));
  const r = await report(ctx, what);
  const scaled = (await reg.getService(first)).allocation;
  if (scaled >= 64n * ETH) throw new Error(`${what}: the report did not scale`);
  if (gated) {
    const gamma = await reg.certifiedGammaBps();
    if (gamma < (await reg.minGammaBps())) throw new Error(`${what}: γ ${gamma} not restored`);
    extra.gamma_restore_worst_gamma_after = gamma > 10n ** 9n ? -1 : Number(gamma);
  }
  return r.apply;
}

/** Everything measured in the main state: 8 modules, 3 classes, 8 services. */
async function mainSuite(ctx: Ctx) {
  const { sys } = ctx;
  const main = await snapshot();
  const router = sys.router;
  const A = sys.tokens[0];

  // Depositor: class A (senior, the cover check runs), receiver = sender.
  const holder = await wallet();
  record(
    "deposit_new_holder",
    await gasOf("deposit_new_holder", () =>
      sys.pool.connect(holder).deposit(0, holder.address, 0, { value: 10n * ETH }),
    ),
  );
  record(
    "deposit_existing_holder",
    await gasOf("deposit_existing_holder", () =>
      sys.pool.connect(holder).deposit(0, holder.address, 0, { value: 10n * ETH }),
    ),
  );
  for (const [k, label] of [
    [1, "b"],
    [2, "c"],
  ] as const) {
    const w = await wallet();
    extra[`deposit_new_holder_class_${label}`] = await gasOf("deposit class", () =>
      sys.pool.connect(w).deposit(k, w.address, 0, { value: 10n * ETH }),
    );
    extra[`deposit_existing_holder_class_${label}`] = await gasOf("deposit class", () =>
      sys.pool.connect(w).deposit(k, w.address, 0, { value: 10n * ETH }),
    );
  }
  const other = ctx.depositors[0][0];
  const bal: bigint = await A.balanceOf(holder.address);
  record("transfer", await gasOf("transfer", () => A.connect(holder).transfer(other.address, bal / 4n)));
  // The face's other two paths, measured from here and undone (the rows below see the state the
  // transfer left). A spender outside wallet() so later addresses stay. transfer_from: a finite
  // allowance (rewritten, not cleared) between two existing holders, the face's allowance slot
  // cold like the balances. permit: the holder's first signature (nonce and allowance slots
  // filled from zero), submitted by the spender.
  const faceSnap = await snapshot();
  const spender = new Wallet(keccak256(toUtf8Bytes(`${SEED}/spender`)), ethers.provider);
  await provider.send("hardhat_setBalance", [spender.address, "0x" + (1000n * ETH).toString(16)]);
  await run("approve spender", () => A.connect(holder).approve(spender.address, bal));
  record(
    "transfer_from",
    await gasOf("transfer_from", () =>
      A.connect(spender).transferFrom(holder.address, other.address, bal / 8n),
    ),
  );
  const domain = {
    name: await A.name(),
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await A.getAddress(),
  };
  const permitTypes = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp + DAY);
  const permitSigner = new Wallet(keccak256(toUtf8Bytes(`${SEED}/permit-owner`)));
  const value = bal / 8n;
  const sig = Signature.from(
    await permitSigner.signTypedData(domain, permitTypes, {
      owner: permitSigner.address,
      spender: spender.address,
      value,
      nonce: await A.nonces(permitSigner.address),
      deadline,
    }),
  );
  record(
    "permit",
    await gasOf("permit", () =>
      A.connect(spender).permit(permitSigner.address, spender.address, value, deadline, sig.v, sig.r, sig.s),
    ),
  );
  await revert(faceSnap);

  // A request already in the queue (not the first ever), then ours.
  const early = ctx.depositors[0][1];
  await run("earlier request", async () =>
    sys.queue
      .connect(early)
      .requestRedeem(0, (await A.balanceOf(early.address)) / 10n, early.address, early.address),
  );
  const shares = (await A.balanceOf(holder.address)) / 2n;
  const requestId: bigint = await sys.queue
    .connect(holder)
    .requestRedeem.staticCall(0, shares, holder.address, holder.address);
  record(
    "request_redeem",
    await gasOf("request_redeem", () =>
      sys.queue.connect(holder).requestRedeem(0, shares, holder.address, holder.address),
    ),
  );
  await report(ctx, "finalizing report");
  const claimable: bigint = await sys.queue.claimableRedeemRequest(requestId, holder.address);
  if (claimable !== shares) fail("claim", `request not finalized (claimable ${claimable})`);
  record("claim", await gasOf("claim", () => sys.queue.connect(holder).claim(requestId, holder.address)));
  // Informational: a request for a controller other than the owner, one with no shares and no
  // request key yet in the class (the key goes into a new balance word: the one-slot request's
  // dearest case; request_redeem above is controller = owner).
  const stranger = new Wallet(keccak256(toUtf8Bytes(`${SEED}/stranger`))); // no wallet(): later addresses stay
  extra.request_redeem_new_other_controller = await gasOf("request_redeem_new_other_controller", () =>
    sys.queue.connect(holder).requestRedeem(0, shares / 2n, stranger.address, holder.address),
  );
  await revert(main);

  // 100 redemptions finalized inside one report (10 holders × 10 requests, class A), and the
  // same report without them for the marginal cost.
  let snap = await snapshot();
  const noRedemptions = (await report(ctx, "report without redemptions")).apply;
  await revert(snap);
  snap = await snapshot();
  for (let h = 0; h < 10; h++) {
    const w = await wallet();
    await run("deposit for redemptions", () =>
      sys.pool.connect(w).deposit(0, w.address, 0, { value: 20n * ETH }),
    );
    const each = (await A.balanceOf(w.address)) / 10n;
    for (let i = 0; i < 10; i++)
      await run("request for finalize", () =>
        sys.queue.connect(w).requestRedeem(0, each, w.address, w.address),
      );
  }
  // Same deposits without requests would only change NAV; the report is what we measure.
  const fin = await report(ctx, "finalize_100_redemptions");
  const [total, head] = await sys.queue.requestCount(0);
  if (head < 100n) fail("finalize_100_redemptions", `only ${head}/${total} finalized`);
  record("finalize_100_redemptions", fin.apply);
  extra.finalize_marginal_per_request = Math.round((fin.apply - noRedemptions) / 100);
  await revert(snap);

  // At the bound: maxFinalizePerReport (500) requests finalized by one report (informational).
  snap = await snapshot();
  const bound = Number((await sys.accounting.limits()).maxFinalizePerReport);
  for (let h = 0; h < bound / 10; h++) {
    const w = await wallet();
    await run("deposit for redemptions", () =>
      sys.pool.connect(w).deposit(h % 3 === 0 ? 0 : h % 3, w.address, 0, { value: 20n * ETH }),
    );
    const cls = h % 3 === 0 ? 0 : h % 3;
    const each = (await sys.tokens[cls].balanceOf(w.address)) / 10n;
    for (let i = 0; i < 10; i++)
      await run("request at bound", () =>
        sys.queue.connect(w).requestRedeem(cls, each, w.address, w.address),
      );
  }
  extra[`finalize_${bound}_redemptions_at_bound`] = (await report(ctx, "finalize at bound")).apply;
  await revert(snap);

  // Operators: a bonded operator registering with one key and its bond; curated key uploads.
  snap = await snapshot();
  const newOp = await wallet();
  const k1 = batch([makeKey("new-bonded", 0)]);
  record(
    "register_bonded_operator",
    await gasOf("register_bonded_operator", () =>
      sys.bonded.connect(newOp).registerOperator("New bonded", newOp.address, k1.pubkeys, k1.signatures, {
        value: (24n * ETH) / 10n,
      }),
    ),
  );
  let next = 100;
  for (const n of [1, 10, 100]) {
    const keys = Array.from({ length: n }, (_, i) => makeKey("m0", next + i));
    next += n;
    const b = batch(keys);
    record(
      `add_keys_${n}`,
      await gasOf(`add_keys_${n}`, () => sys.curated.connect(op).addKeys(0, b.pubkeys, b.signatures)),
    );
  }
  {
    const max = Number(await sys.curated.MAX_KEYS_PER_CALL());
    const keys = Array.from({ length: max }, (_, i) => makeKey("m0", next + i));
    const b = batch(keys);
    extra[`add_keys_${max}_at_bound`] = await gasOf("add_keys at bound", () =>
      sys.curated.connect(op).addKeys(0, b.pubkeys, b.signatures),
    );
  }
  await revert(snap);

  // Keeper: deposits of 1, 10 and 50 validators over the 8 modules.
  for (const n of [1, 10, 50]) {
    snap = await snapshot();
    record(`deposit_to_beacon_${n}`, await depositValidators(ctx, n, `deposit_to_beacon_${n}`));
    await revert(snap);
  }

  // Baseline: one 32 ETH deposit straight to the deposit contract from an EOA (same tree state).
  snap = await snapshot();
  const eoa = await wallet();
  const key = makeKey("baseline", 0);
  record(
    "baseline_deposit_contract_call",
    await gasOf("baseline_deposit_contract_call", () =>
      sys.depositContract
        .connect(eoa)
        .deposit("0x" + key.pubkey, wcCache, "0x" + key.signature, key.root, { value: 32n * ETH }),
    ),
  );
  await revert(snap);

  // Services: rewards, allocation with 8 services, slashing after the veto window.
  snap = await snapshot();
  const reg = sys.registry;
  record(
    "pay_rewards",
    await gasOf("pay_rewards", () => reg.connect(funder).payRewards(0, { value: ETH / 100n })),
  );
  record(
    "set_allocation_s8",
    await gasOf("set_allocation_s8", () => reg.setAllocation(7, 12n * ETH, [opKey(0), opKey(1)])),
  );
  // Curated operator (no bond): the whole slash lands on the exposed classes, junior first.
  const slashCurated = await reg
    .connect(slasher)
    .requestSlash.staticCall(1, 0, 0, 1000, ethers.id("evidence-1"));
  record(
    "request_slash",
    await gasOf("request_slash", () =>
      reg.connect(slasher).requestSlash(1, 0, 0, 1000, ethers.id("evidence-1")),
    ),
  );
  const slashBonded = await reg
    .connect(slasher)
    .requestSlash.staticCall(1, 1, 0, 1000, ethers.id("evidence-2"));
  extra.request_slash_bonded = await gasOf("request_slash (bonded)", () =>
    reg.connect(slasher).requestSlash(1, 1, 0, 1000, ethers.id("evidence-2")),
  );
  await provider.send("evm_increaseTime", [301]);
  extra.execute_slash_classes = await gasOf("execute_slash (curated → classes)", () =>
    reg.executeSlash(slashCurated),
  );
  extra.execute_slash_bond = await gasOf("execute_slash (bonded → bond)", () =>
    reg.executeSlash(slashBonded),
  );
  record("execute_slash", Math.max(extra.execute_slash_classes, extra.execute_slash_bond));
  await revert(snap);

  // Robustness gate: opt_in into a fresh service (the gate's graph is the allocated operators,
  // so an opt-in does not move it), then the s8 allocation again with every service declaring
  // a profit from corruption (π 0.1 ETH, α 50 %): the gate's full two-hop update.
  snap = await snapshot();
  const fresh = Number(await reg.serviceCount());
  await run("registerService (opt_in)", () =>
    reg.registerService({
      tier: 1,
      maxSlashBps: 1000,
      slashingWindow: 300,
      vetoWindow: 300,
      minOperators: 1,
      maxOperatorShareBps: 10_000,
      slasher: slasher.address,
      recipient: recipient.address,
    }),
  );
  await run("setServiceStatus (opt_in)", () => reg.setServiceStatus(fresh, 2));
  record("opt_in", await gasOf("opt_in", () => reg.connect(op).optIn(fresh, 0, 0)));
  for (let id = 0; id < 8; id++)
    await run(`setServiceRisk ${id}`, () => reg.setServiceRisk(id, ETH / 10n, 5000));
  extra.set_allocation_s8_gated = await gasOf("set_allocation_s8 (every service π > 0)", () =>
    reg.setAllocation(7, 12n * ETH, [opKey(0), opKey(1)]),
  );
  extra.certified_gamma_bps_s8_gated = Number(await reg.certifiedGammaBps());
  await revert(snap);

  // Baselines: plain OZ 5 ERC-4626 vault over WETH, with earlier depositors, WETH pre-approved.
  snap = await snapshot();
  const weth = await ethers.deployContract("WETH__Baseline");
  const vault = await ethers.deployContract("ERC4626Vault__Baseline", [await weth.getAddress()]);
  const vaultAddr = await vault.getAddress();
  const prep = async (w: Wallet) => {
    await run("weth deposit", () => (weth.connect(w) as any).deposit({ value: 100n * ETH }));
    await run("weth approve", () => (weth.connect(w) as any).approve(vaultAddr, 2n ** 256n - 1n));
  };
  for (let i = 0; i < 3; i++) {
    const w = await wallet();
    await prep(w);
    await run("vault seed deposit", () =>
      (vault.connect(w) as any).deposit(10n * ETH + BigInt(i) * ETH, w.address),
    );
  }
  const vh = await wallet();
  await prep(vh);
  record(
    "baseline_erc4626_deposit_new_holder",
    await gasOf("baseline_erc4626_deposit_new_holder", () =>
      (vault.connect(vh) as any).deposit(10n * ETH, vh.address),
    ),
  );
  record(
    "baseline_erc4626_deposit_existing_holder",
    await gasOf("baseline_erc4626_deposit_existing_holder", () =>
      (vault.connect(vh) as any).deposit(10n * ETH, vh.address),
    ),
  );
  await revert(snap);
}

// ------------------------------------------------------------------ output

if (GRID || WORST) {
  for (const [name, gas] of Object.entries({ ...results, ...extra }))
    console.log(`  ${name}: ${gas.toLocaleString("en-US")}`);
  process.exit(0);
}

const ORDER = [
  "deposit_new_holder",
  "deposit_existing_holder",
  "transfer",
  "transfer_from",
  "permit",
  "request_redeem",
  "claim",
  "register_bonded_operator",
  "add_keys_1",
  "add_keys_10",
  "add_keys_100",
  "deposit_to_beacon_1",
  "deposit_to_beacon_10",
  "deposit_to_beacon_50",
  "deposit_to_beacon_10_m1",
  "deposit_to_beacon_10_m32",
  "report_vote",
  ...MS.flatMap((m) => KS.flatMap((k) => SS.map((s) => `report_apply_m${m}_k${k}_s${s}`))),
  "report_apply_exposure_worst",
  "report_apply_gamma_restore_worst",
  "finalize_100_redemptions",
  "request_slash",
  "execute_slash",
  "pay_rewards",
  "set_allocation_s8",
  "set_allocation_s64",
  "opt_in",
  "baseline_erc4626_deposit_existing_holder",
  "baseline_erc4626_deposit_new_holder",
  "baseline_deposit_contract_call",
];
for (const name of ORDER) if (!(name in results)) fail("bench", `no figure for ${name}`);

const r = results;
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const scaling: Record<string, string> = {};
const perKey = slope([1, 10, 100], [r.add_keys_1, r.add_keys_10, r.add_keys_100]);
scaling.add_keys_1 = scaling.add_keys_10 = scaling.add_keys_100 = `${fmt(perKey)} / key`;
const perVal = slope([1, 10, 50], [r.deposit_to_beacon_1, r.deposit_to_beacon_10, r.deposit_to_beacon_50]);
const marginal50 = (r.deposit_to_beacon_50 - r.deposit_to_beacon_10) / 40;
scaling.deposit_to_beacon_1 = scaling.deposit_to_beacon_10 = `${fmt(perVal)} / validator`;
scaling.deposit_to_beacon_50 = `${fmt(perVal)} / validator (10→50: ${fmt(marginal50)})`;
const perModuleDeposit = slope(
  [1, 8, 32],
  [r.deposit_to_beacon_10_m1, r.deposit_to_beacon_10, r.deposit_to_beacon_10_m32],
);
scaling.deposit_to_beacon_10_m1 = scaling.deposit_to_beacon_10_m32 = `${fmt(perModuleDeposit)} / module`;
const perService = (r.set_allocation_s64 - r.set_allocation_s8) / 56;
scaling.set_allocation_s8 = scaling.set_allocation_s64 = `${fmt(perService)} / service`;

const X: number[][] = [];
const Y: number[] = [];
for (const m of MS)
  for (const k of KS)
    for (const s of SS) {
      X.push([m, k, s]);
      Y.push(r[`report_apply_m${m}_k${k}_s${s}`]);
    }
const [b0, bm, bk, bs] = ols(X, Y);
let maxResidual = 0;
X.forEach((x, i) => {
  const fit = b0 + bm * x[0] + bk * x[1] + bs * x[2];
  maxResidual = Math.max(maxResidual, Math.abs(Y[i] - fit) / Y[i]);
});
// Local slopes of each report row: per module along m at the row's (k, s), per class along k at
// its (m, s), per service along s at its (m, k); and how far each line is from straight.
const ra = (m: number, k: number, s: number) => r[`report_apply_m${m}_k${k}_s${s}`];
let maxLineDev = 0;
function lineSlope(xs: number[], ys: number[]): number {
  const b = slope(xs, ys);
  const mx = xs.reduce((a, c) => a + c, 0) / xs.length;
  const my = ys.reduce((a, c) => a + c, 0) / ys.length;
  xs.forEach((x, i) => (maxLineDev = Math.max(maxLineDev, Math.abs(ys[i] - (my + b * (x - mx))) / ys[i])));
  return b;
}
const slopes: Record<string, number> = {};
for (const m of MS)
  for (const k of KS)
    for (const s of SS) {
      const pm = lineSlope(
        MS,
        MS.map((x) => ra(x, k, s)),
      );
      const pk = (ra(m, 8, s) - ra(m, 3, s)) / 5;
      const ps = lineSlope(
        SS,
        SS.map((x) => ra(m, k, x)),
      );
      scaling[`report_apply_m${m}_k${k}_s${s}`] = `${fmt(pm)}/module, ${fmt(pk)}/class, ${fmt(ps)}/service`;
      if (m === 8 && k === 3 && s === 8)
        Object.assign(slopes, { perModule: pm, perClass: pk, perService: ps });
    }

const table = new Table({ head: ["operation", "gas", "scaling (least squares)"] });
for (const name of ORDER) table.push([name, fmt(r[name]), scaling[name] ?? ""]);
console.log(table.toString());
console.log(
  `report_apply at m8_k3_s8: ${fmt(slopes.perModule)}/module, ${fmt(slopes.perClass)}/class, ${fmt(slopes.perService)}/service; ` +
    `largest deviation of a report row from its straight line: ${(maxLineDev * 100).toFixed(1)}%`,
);
console.log(
  `report_apply joint fit: ${fmt(b0)} + ${fmt(bm)}·modules + ${fmt(bk)}·classes + ${fmt(bs)}·services; max residual ${(maxResidual * 100).toFixed(1)}% (class×service interaction: a service reward is split over its exposed classes)`,
);
console.log(
  `deposit_to_beacon_50 marginal per validator ${fmt(marginal50)} vs baseline_deposit_contract_call without the 21,000 ` +
    `transaction base ${fmt(r.baseline_deposit_contract_call - 21_000)} (${marginal50 >= r.baseline_deposit_contract_call - 21_000 ? "+" : ""}${fmt(marginal50 - r.baseline_deposit_contract_call + 21_000)})`,
);
console.log(
  `deposit ratios vs ERC-4626: existing ${(r.deposit_existing_holder / r.baseline_erc4626_deposit_existing_holder).toFixed(3)}×, new ${(r.deposit_new_holder / r.baseline_erc4626_deposit_new_holder).toFixed(3)}×`,
);
console.log(
  "details:",
  Object.entries(extra)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(", "),
);
for (const [k, v] of Object.entries(notes)) console.log(`${k}: ${v}`);

const ordered: Record<string, number> = {};
for (const name of ORDER) ordered[name] = r[name];
writeFileSync(join(import.meta.dirname, "results.json"), JSON.stringify(ordered, null, 2) + "\n");
console.log(
  `wrote bench/results.json (${ORDER.length} operations) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
