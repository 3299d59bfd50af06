/**
 * The `cascade` command. `runCli(argv, io, deps)` is importable: tests run it in-process with an
 * injected client and captured output; `sdk/bin/cascade.mjs` runs it on process.argv.
 *
 * Exit codes: 0 ok, 1 an error (one line `cascade: <shortMessage>` on stderr), 2 a usage error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { Command, CommanderError, Option } from "commander";
import { JsonRpcProvider, Wallet, parseEther, type Signer } from "ethers";
import { addKeys } from "../actions/addKeys.js";
import { checkKeys } from "../actions/checkKeys.js";
import { claim, shortRequestId } from "../actions/claim.js";
import { classInfo } from "../actions/classInfo.js";
import { deposit } from "../actions/deposit.js";
import { operatorStatus } from "../actions/operatorStatus.js";
import { position } from "../actions/position.js";
import { previewAllocation } from "../actions/previewAllocation.js";
import { previewDeposit } from "../actions/previewDeposit.js";
import { registerOperator } from "../actions/registerOperator.js";
import { requestRedeem } from "../actions/requestRedeem.js";
import { status } from "../actions/status.js";
import { topUpBond } from "../actions/topUpBond.js";
import { withdrawBond } from "../actions/withdrawBond.js";
import { claimServicePayout } from "../actions/claimServicePayout.js";
import { executeSlash } from "../actions/executeSlash.js";
import { forceExit } from "../actions/forceExit.js";
import { optIn } from "../actions/optIn.js";
import { optOut } from "../actions/optOut.js";
import { payRewards } from "../actions/payRewards.js";
import { registerService } from "../actions/registerService.js";
import { requestSlash } from "../actions/requestSlash.js";
import { serviceInfo } from "../actions/serviceInfo.js";
import { setAllocation } from "../actions/setAllocation.js";
import { setServiceStatus } from "../actions/setServiceStatus.js";
import { vetoSlash } from "../actions/vetoSlash.js";
import { securityGraph } from "../risk/deployed.js";
import { createCascadeClient, type CascadeClient } from "../client.js";
import { deploymentFile, loadAddresses } from "../node.js";
import { CascadeError, InvalidInputError } from "../errors.js";
import { analyzeSecurity, formatAnalysis, toJson } from "../risk/index.js";
import { bps, eth, json, kv, short, table, type Write } from "./format.js";
import { registerDevnetCommands } from "./devnet.js";
import { registerDaemonCommands } from "./commands/daemons.js";
import { registerGovCommands } from "./commands/gov.js";

/** Global options every command sees. */
export interface GlobalOptions {
  rpc?: string;
  privateKeyFile?: string;
  keystore?: boolean;
  addresses?: string;
  json?: boolean;
}

export interface CliIO {
  stdout: Write;
  stderr: Write;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Progress lines go to stderr only on a terminal (and never with --json). */
  isTTY: boolean;
}

export interface CliDeps {
  /** Builds the client from the global options; tests inject one bound to the embedded network. */
  makeClient?: (opts: GlobalOptions, io: CliIO) => Promise<CascadeClient>;
}

/** Default client: --rpc / RPC_URL, --private-key-file, --addresses or deployments/<chainId>.json. */
export async function defaultMakeClient(opts: GlobalOptions, io: CliIO): Promise<CascadeClient> {
  const rpc = opts.rpc ?? io.env.RPC_URL;
  if (!rpc) throw new InvalidInputError("no RPC endpoint: pass --rpc URL or set RPC_URL");
  if (!/^(https?|wss?):\/\//.test(rpc))
    throw new InvalidInputError(`--rpc must be an http(s) or ws(s) URL, got ${rpc}`);
  // No 250 ms response cache: a nonce read right after a mined tx must be fresh.
  const provider = new JsonRpcProvider(rpc, undefined, { cacheTimeout: -1 });
  let chainId: bigint;
  try {
    chainId = (await provider.getNetwork()).chainId;
  } catch (e) {
    provider.destroy();
    throw new CascadeError(`cannot reach ${rpc}`, { cause: e });
  }
  const addresses = loadAddresses(opts.addresses ?? deploymentFile(chainId), io.cwd);
  let signer: Signer | undefined;
  if (opts.privateKeyFile) {
    let key: string;
    try {
      key = readFileSync(resolve(io.cwd, opts.privateKeyFile), "utf8").trim();
    } catch {
      throw new InvalidInputError(`cannot read private key file ${opts.privateKeyFile}`);
    }
    try {
      signer = new Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
    } catch {
      throw new InvalidInputError(`${opts.privateKeyFile} does not hold a 32-byte hex private key`);
    }
  }
  if (opts.keystore) {
    if (signer) throw new InvalidInputError("pass either --private-key-file or --keystore, not both");
    signer = new Wallet(await keystoreKey(), provider);
  }
  return createCascadeClient({ provider, addresses, ...(signer ? { signer } : {}) });
}

/**
 * The deployer/governance key of the `rpc` network in hardhat.config.ts, read through Hardhat's
 * configuration variables: the Hardhat keystore (`npx hardhat keystore set CASCADE_DEPLOYER_KEY`,
 * which asks for its password here), else the environment variable of the same name. No key
 * ever sits in a file of the project.
 *
 * @example
 * ```ts
 * import { keystoreKey } from "./main.js";
 * const key = await keystoreKey(); // "0x…" (prompts for the keystore password on a terminal)
 * ```
 */
export async function keystoreKey(): Promise<string> {
  const { default: hre } = await import("hardhat");
  const rpc = (hre.config.networks as Record<string, { accounts?: unknown }>).rpc;
  const accounts = rpc?.accounts;
  const first = Array.isArray(accounts) ? (accounts[0] as { get?: () => Promise<string> }) : undefined;
  if (!first?.get) {
    throw new InvalidInputError("hardhat.config.ts has no `rpc` network account to read from the keystore");
  }
  let key: string;
  try {
    key = await first.get();
  } catch (e) {
    throw new CascadeError("cannot read CASCADE_DEPLOYER_KEY from the Hardhat keystore", { cause: e });
  }
  return key.startsWith("0x") ? key : `0x${key}`;
}

/**
 * Runs the CLI on `argv` (without the node/script prefix) and resolves to the exit code.
 *
 * @example
 * ```ts
 * import { runCli } from "./main.js";
 * const code = await runCli(["keys", "check", "deposit_data.json", "--network", "hoodi"]);
 * ```
 */
export async function runCli(argv: string[], ioIn: Partial<CliIO> = {}, deps: CliDeps = {}): Promise<number> {
  const io: CliIO = {
    stdout: ioIn.stdout ?? ((s) => process.stdout.write(s)),
    stderr: ioIn.stderr ?? ((s) => process.stderr.write(s)),
    env: ioIn.env ?? process.env,
    cwd: ioIn.cwd ?? process.cwd(),
    isTTY: ioIn.isTTY ?? Boolean(process.stderr.isTTY),
  };
  const makeClient = deps.makeClient ?? defaultMakeClient;
  let client: CascadeClient | undefined;
  let exitCode = 0;

  const program = new Command("cascade")
    .description("Cascade liquid staking: deposit into yield classes, run operators, govern")
    .option("--rpc <url>", "JSON-RPC endpoint (default: $RPC_URL)")
    .option("--private-key-file <file>", "file holding the signer's hex private key (for transactions)")
    .option(
      "--keystore",
      "sign with CASCADE_DEPLOYER_KEY from the Hardhat keystore (the `rpc` network's account)",
    )
    .option("--addresses <file>", "deployment addresses JSON (default deployments/<chainId>.json)")
    .option("--json", "machine-readable output")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (str, write) =>
        write(
          `cascade: ${str
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    })
    .showSuggestionAfterError(true);

  const g = (cmd: Command): GlobalOptions => {
    const o = cmd.optsWithGlobals() as GlobalOptions;
    if (o.rpc === undefined && io.env.RPC_URL) o.rpc = io.env.RPC_URL;
    return o;
  };
  const getClient = async (cmd: Command) => (client ??= await makeClient(g(cmd), io));
  const progress = (cmd: Command, msg: string) => {
    if (io.isTTY && !g(cmd).json) io.stderr(`… ${msg}\n`);
  };
  /** A progress bar on stderr for per-entry work (TTY only, never with --json). */
  const bar = (cmd: Command, label: string) => {
    if (!io.isTTY || g(cmd).json) return { onProgress: undefined, stop: () => {} };
    const b = new SingleBar({
      format: `${label} [{bar}] {value}/{total}`,
      stream: process.stderr, // only on a real terminal (io.isTTY), never captured output
      hideCursor: false,
      clearOnComplete: true,
    });
    let started = false;
    return {
      onProgress: (done: number, total: number) => {
        if (!started) b.start(total, 0);
        started = true;
        b.update(done);
      },
      stop: () => started && b.stop(),
    };
  };
  /** Prints `data` as JSON with --json, else the human rendering. */
  const print = (cmd: Command, data: unknown, human: () => string) => {
    io.stdout((g(cmd).json ? json(data) : human()) + "\n");
  };

  // ------------------------------------------------------------------ depositor
  program
    .command("status")
    .description("pool totals, classes and modules")
    .action(async (_o, cmd: Command) => {
      const c = await getClient(cmd);
      const s = await status(c);
      print(cmd, s, () =>
        [
          kv([
            ["chain", s.chainId],
            ["block", s.blockNumber],
            ["pooled (ETH)", eth(s.pooled)],
            ["buffered (ETH)", eth(s.buffered)],
            ["reserved for claims (ETH)", eth(s.reserved)],
            ["pending redemptions (ETH)", eth(s.pendingDemand)],
            ["deposits paused", s.depositsPaused],
          ]),
          table(
            ["class", "token", "NAV (ETH)", "supply", "price", "open"],
            s.classes.map((k) => [
              k.classId,
              k.symbol,
              eth(k.nav),
              eth(k.supply),
              eth(k.price),
              k.wiped ? "wiped" : k.open,
            ]),
          ),
          table(
            ["module", "address", "status", "deposited", "exited", "reputation", "depositable keys"],
            s.modules.map((m) => [
              m.moduleId,
              short(m.module),
              m.status,
              m.deposited,
              m.exited,
              bps(m.reputationBps),
              m.depositableKeys,
            ]),
          ),
        ].join("\n"),
      );
    });

  program
    .command("deposit")
    .description("deposit ETH into a yield class (0 = senior A)")
    .argument("<class>", "class id")
    .argument("<eth>", "amount in ETH, e.g. 1.5")
    .option("--receiver <address>", "who receives the class tokens (default: signer)")
    .option("--min-shares <shares>", "slippage guard, in wei of shares")
    .action(
      async (cls: string, amount: string, o: { receiver?: string; minShares?: string }, cmd: Command) => {
        const c = await getClient(cmd);
        progress(cmd, `depositing ${amount} ETH into class ${cls}`);
        const r = await deposit(c, {
          classId: cls,
          amount,
          ...(o.receiver !== undefined ? { receiver: o.receiver } : {}),
          ...(o.minShares !== undefined ? { minShares: o.minShares } : {}),
        } as never);
        print(cmd, r, () =>
          kv([
            ["class", r.classId],
            ["deposited (ETH)", eth(r.assets)],
            ["shares minted", eth(r.shares)],
            ["receiver", r.receiver],
            ["tx", r.txHash],
          ]),
        );
      },
    );

  program
    .command("position")
    .description("shares, value and redemption requests of an address")
    .argument("[address]", "default: the signer")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (address: string | undefined, o: { fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await position(c, {
        ...(address !== undefined ? { address } : {}),
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          `position of ${r.address}: ${eth(r.totalValue)} ETH`,
          table(
            ["class", "token", "shares", "value (ETH)"],
            r.classes.map((k) => [k.classId, k.symbol, eth(k.shares), eth(k.value)]),
          ),
          r.requests.length
            ? table(
                ["request", "class", "shares", "ETH", "status"],
                r.requests.map((q) => [
                  shortRequestId(q.requestId),
                  q.classId,
                  eth(q.shares),
                  eth(q.assets),
                  q.status,
                ]),
              )
            : "no redemption requests",
        ].join("\n"),
      );
    });

  program
    .command("class")
    .description("NAV, price, supply, cover and APY of a class")
    .argument("<id>", "class id")
    .option("--points <n>", "price points used for the APY", "10")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (id: string, o: { points: string; fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await classInfo(c, {
        classId: id,
        points: o.points,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(
        cmd,
        r,
        () =>
          kv([
            ["class", `${r.classId} (${r.symbol})`],
            ["token", r.token],
            ["NAV (ETH)", eth(r.nav)],
            ["supply", eth(r.supply)],
            ["price (ETH/token)", eth(r.price)],
            ["open", r.wiped ? "wiped" : r.open],
            ["cover (junior/NAV)", bps(r.coverBps)],
            ["min cover", bps(r.params.minCoverBps)],
            ["redeem delay (s)", r.params.redeemDelay],
            ["deposit cap (ETH)", r.params.depositCap === 0n ? "none" : eth(r.params.depositCap)],
            ["APY", r.apyBps === null ? "- (needs 2 price points)" : bps(r.apyBps)],
            ["exposed to service tiers", r.serviceExposure.tiers.length ? `≤ ${r.classId}` : "none"],
            ["required redeem delay (s)", r.serviceExposure.requiredRedeemDelay ?? "-"],
          ]) +
          "\n" +
          table(
            ["service", "tier", "status", "allocation (ETH)", "max slash", "pending slashes"],
            r.serviceExposure.services.map((x) => [
              x.serviceId,
              x.tier,
              x.status,
              eth(x.allocation),
              bps(x.maxSlashBps),
              x.pendingSlashes,
            ]),
            "no services expose this class",
          ),
      );
    });

  program
    .command("preview-deposit")
    .description("shares a deposit would mint and whether it would revert")
    .argument("<class>", "class id")
    .argument("<eth>", "amount in ETH")
    .action(async (cls: string, amount: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await previewDeposit(c, { classId: cls, amount } as never);
      print(cmd, r, () =>
        kv([
          ["class", r.classId],
          ["amount (ETH)", eth(r.amount)],
          ["shares", eth(r.shares)],
          ["cover after", bps(r.coverBpsAfter)],
          ["would revert", r.wouldRevert ?? "no"],
          ...r.warnings.map((w): [string, string] => ["warning", w]),
        ]),
      );
      if (r.wouldRevert) exitCode = 1;
    });

  program
    .command("redeem")
    .description("request redemption of class tokens (claim after finalization)")
    .argument("<class>", "class id")
    .argument("<shares>", "tokens to redeem, e.g. 2.5")
    .action(async (cls: string, shares: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      progress(cmd, `requesting redemption of ${shares} tokens of class ${cls}`);
      const r = await requestRedeem(c, { classId: cls, shares } as never);
      print(cmd, r, () =>
        kv([
          ["request", `${shortRequestId(r.requestId)} (claim with this)`],
          ["class", r.classId],
          ["shares", eth(r.shares)],
          ["value now (ETH, max payout)", eth(r.assetsAtRequest)],
          ["tx", r.txHash],
        ]),
      );
    });

  program
    .command("claim")
    .description("claim a finalized redemption's ETH")
    .argument("<requestId>", "request id from `position`: class:index (e.g. 2:0) or the full id")
    .option("--receiver <address>", "who gets the ETH (default: signer)")
    .action(async (requestId: string, o: { receiver?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await claim(c, { requestId, ...(o.receiver !== undefined ? { receiver: o.receiver } : {}) });
      print(cmd, r, () =>
        kv([
          ["request", shortRequestId(r.requestId)],
          ["paid (ETH)", eth(r.assets)],
          ["receiver", r.receiver],
          ["tx", r.txHash],
        ]),
      );
    });

  program
    .command("allocation")
    .description("how n new validators would be spread over modules")
    .argument("<n>", "validators")
    .action(async (n: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await previewAllocation(c, { count: n } as never);
      print(cmd, r, () =>
        [
          table(
            ["module", "address", "reputation", "weight", "validators"],
            r.modules.map((m) => [
              m.moduleId,
              short(m.module),
              bps(m.reputationBps),
              m.weight.toString(),
              m.validators,
            ]),
          ),
          `total ${r.total} of ${r.count}`,
        ].join("\n"),
      );
    });

  // ------------------------------------------------------------------ operator
  const operator = program.command("operator").description("bonded/curated operator actions");
  operator
    .command("register")
    .description("register a permissionless (bonded) operator; you become its manager")
    .requiredOption("--name <name>", "operator name")
    .option("--bond <eth>", "initial bond in ETH")
    .option("--reward-address <address>", "default: signer")
    .action(async (o: { name: string; bond?: string; rewardAddress?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await registerOperator(c, {
        name: o.name,
        ...(o.bond !== undefined ? { bond: o.bond } : {}),
        ...(o.rewardAddress !== undefined ? { rewardAddress: o.rewardAddress } : {}),
      });
      print(cmd, r, () =>
        kv([
          ["operator", r.operatorId],
          ["manager", r.manager],
          ["bond (ETH)", eth(r.bond)],
          ["tx", r.txHash],
        ]),
      );
    });
  operator
    .command("add-keys")
    .description("check a deposit_data-*.json file, then upload its keys (refuses the file on any bad entry)")
    .argument("<file>", "staking-deposit-cli deposit data")
    .requiredOption("--operator <id>", "operator id")
    .addOption(new Option("--module <module>", "module").choices(["bonded", "curated"]).default("bonded"))
    .addOption(
      new Option("--network <name>", "fork of the signatures").choices([
        "mainnet",
        "holesky",
        "hoodi",
        "sepolia",
      ]),
    )
    .option("--fork-version <hex>", "explicit 4-byte fork version")
    .option("--bond <eth>", "bonded: ETH sent with the keys, or 'auto' for the missing bond", "auto")
    .action(
      async (
        file: string,
        o: {
          operator: string;
          module: "bonded" | "curated";
          network?: string;
          forkVersion?: string;
          bond: string;
        },
        cmd: Command,
      ) => {
        const c = await getClient(cmd);
        const b = bar(cmd, "checking BLS signatures");
        const r = await addKeys(c, {
          ...(b.onProgress ? { onProgress: b.onProgress } : {}),
          module: o.module,
          operatorId: o.operator,
          file: resolve(io.cwd, file),
          ...(o.network !== undefined ? { network: o.network } : {}),
          ...(o.forkVersion !== undefined ? { forkVersion: o.forkVersion } : {}),
          bond: o.bond,
        } as never).finally(b.stop);
        print(cmd, r, () =>
          [
            kv([
              ["operator", r.operatorId],
              ["keys uploaded", r.count],
              ["already uploaded (skipped)", r.skipped],
              ["first key index", r.firstIndex],
              ["bond sent (ETH)", eth(r.bondSent)],
              ["transactions", r.calls.length],
              ["tx", r.txHash || "none"],
            ]),
            table(
              ["#", "pubkey"],
              r.pubkeys.map((p, i) => [i, p]),
            ),
          ].join("\n"),
        );
      },
    );
  operator
    .command("top-up")
    .description("add bond to a bonded operator")
    .argument("<operatorId>")
    .argument("<eth>")
    .action(async (id: string, amount: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await topUpBond(c, { operatorId: id, amount });
      print(cmd, r, () =>
        kv([
          ["operator", r.operatorId],
          ["added (ETH)", eth(r.amount)],
          ["bond (ETH)", eth(r.bond)],
          ["tx", r.txHash],
        ]),
      );
    });
  operator
    .command("withdraw-bond")
    .description("withdraw unlocked bond above what active validators need")
    .argument("<operatorId>")
    .argument("<eth>")
    .option("--to <address>", "receiver (default: signer)")
    .action(async (id: string, amount: string, o: { to?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await withdrawBond(c, {
        operatorId: id,
        amount,
        ...(o.to !== undefined ? { to: o.to } : {}),
      });
      print(cmd, r, () =>
        kv([
          ["operator", r.operatorId],
          ["withdrawn (ETH)", eth(r.amount)],
          ["to", r.to],
          ["bond left (ETH)", eth(r.bond)],
          ["tx", r.txHash],
        ]),
      );
    });
  operator
    .command("status")
    .description("keys, bond, reputation and exit requests of an operator")
    .argument("<operatorId>")
    .addOption(new Option("--module <module>", "module").choices(["bonded", "curated"]).default("bonded"))
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (id: string, o: { module: "bonded" | "curated"; fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await operatorStatus(c, {
        module: o.module,
        operatorId: id,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          kv([
            [
              "operator",
              `${r.operatorId} (${r.module}${r.moduleId === null ? ", module not added" : ` module ${r.moduleId}`})`,
            ],
            ["manager", r.manager],
            ["active", r.active],
            ["keys total / deposited / exited", `${r.keys.total} / ${r.keys.deposited} / ${r.keys.exited}`],
            ["depositable keys", r.keys.depositable],
            ...(r.module === "bonded"
              ? ([
                  ["bond (ETH)", eth(r.bond.amount)],
                  ["locked (ETH)", eth(r.bond.locked)],
                  ["withdrawable (ETH)", eth(r.bond.withdrawable)],
                  ["required for keys (ETH)", eth(r.bond.required)],
                ] as [string, string][])
              : ([["vetted limit", String(r.vettedLimit)]] as [string, string][])),
            ["module reputation", bps(r.moduleReputationBps)],
            ["exit requested (cumulative)", r.exitRequested],
          ]),
          r.exitRequests.length
            ? table(
                ["block", "count", "deadline"],
                r.exitRequests.map((e) => [
                  e.blockNumber,
                  e.count.toString(),
                  new Date(Number(e.deadline) * 1000).toISOString(),
                ]),
              )
            : "no exit requests",
        ].join("\n"),
      );
    });

  // ------------------------------------------------------------------ keys (offline)
  program
    .command("keys")
    .description("deposit-data tools (offline)")
    .command("check")
    .description("check a deposit_data-*.json file: exit 0 if every entry is valid, 1 otherwise")
    .argument("<file>")
    .addOption(
      new Option("--network <name>", "fork of the signatures (default mainnet)").choices([
        "mainnet",
        "holesky",
        "hoodi",
        "sepolia",
      ]),
    )
    .option("--fork-version <hex>", "explicit 4-byte fork version")
    .option("--withdrawal-vault <address>", "expected withdrawal vault (0x01 credentials)")
    .action(
      async (
        file: string,
        o: { network?: string; forkVersion?: string; withdrawalVault?: string },
        cmd: Command,
      ) => {
        const b = bar(cmd, `checking ${file}`);
        const r = checkKeys({
          ...(b.onProgress ? { onProgress: b.onProgress } : {}),
          file: resolve(io.cwd, file),
          ...(o.network !== undefined ? { network: o.network } : {}),
          ...(o.forkVersion !== undefined ? { forkVersion: o.forkVersion } : {}),
          ...(o.withdrawalVault !== undefined ? { withdrawalVault: o.withdrawalVault } : {}),
        } as never);
        b.stop();
        print(cmd, r, () =>
          table(
            ["#", "pubkey", "ok", "reason"],
            r.results.map((e) => [
              e.index,
              short(e.pubkey.startsWith("0x") ? e.pubkey : `0x${e.pubkey}`, 14),
              e.ok ? "yes" : "NO",
              e.errors.join("; "),
            ]),
          ),
        );
        if (!r.ok) {
          for (const e of r.results.filter((x) => !x.ok))
            io.stderr(
              `cascade: entry #${e.index} ${short(`0x${e.pubkey.replace(/^0x/, "")}`, 14)}: ${e.errors.join("; ")}\n`,
            );
          io.stderr(`cascade: ${r.invalid} of ${r.total} entries invalid (fork ${r.forkVersion})\n`);
          exitCode = 1;
        }
      },
    );

  registerGovCommands(program, { client: getClient, print, stdout: io.stdout, cwd: io.cwd });

  // ------------------------------------------------------------------ restaked services
  const service = program.command("service").description("restaked services: register, opt in, pay, slash");
  const when = (t: number) => new Date(t * 1000).toISOString();
  service
    .command("register")
    .description("register a service (Pending until governance approves it)")
    .requiredOption("--tier <n>", "lowest class exposed (class k secures tiers ≤ k)")
    .requiredOption("--max-slash-bps <bps>", "most one incident may slash, in bps of stake")
    .requiredOption("--slashing-window <s>", "seconds an operator stays slashable after leaving")
    .requiredOption("--veto-window <s>", "seconds the veto committee has to cancel a slash")
    .option("--min-operators <n>", "fewest operators an allocation may use", "1")
    .option("--max-operator-share-bps <bps>", "largest share of the allocation per operator", "10000")
    .option("--slasher <address>", "who may request slashes (default: signer)")
    .option("--recipient <address>", "receiver of slashed ETH, 0x0…0 burns (default: signer)")
    .action(async (o: Record<string, string | undefined>, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await registerService(c, {
        tier: o.tier!,
        maxSlashBps: o.maxSlashBps!,
        slashingWindow: o.slashingWindow!,
        vetoWindow: o.vetoWindow!,
        minOperators: o.minOperators!,
        maxOperatorShareBps: o.maxOperatorShareBps!,
        ...(o.slasher !== undefined ? { slasher: o.slasher } : {}),
        ...(o.recipient !== undefined ? { recipient: o.recipient } : {}),
      } as never);
      print(cmd, r, () =>
        kv([
          ["service", `${r.serviceId} (pending approval)`],
          ["tier", r.params.tier],
          ["max slash", bps(r.params.maxSlashBps)],
          ["slashing / veto window (s)", `${r.params.slashingWindow} / ${r.params.vetoWindow}`],
          ["min operators", r.params.minOperators],
          ["max operator share", bps(r.params.maxOperatorShareBps)],
          ["slasher", r.params.slasher],
          ["recipient", r.params.recipient],
          ["registration fee (ETH)", eth(r.fee)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("status")
    .description(
      "approve (active), pause or retire a service: directly with SERVICE_MANAGER_ROLE, else `gov propose set-service-status`",
    )
    .argument("<service>")
    .argument("<status>", "active | paused | retired")
    .action(async (id: string, st: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await setServiceStatus(c, { serviceId: id, status: st } as never);
      print(cmd, r, () =>
        kv([
          ["service", r.serviceId],
          ["status", `${r.from} → ${r.status}`],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("allocate")
    .description(
      "set a service's allocation over opted-in operators (ALLOCATOR_ROLE), else `gov propose set-allocation`",
    )
    .argument("<service>")
    .argument("<eth>", "stake securing the service, 0 removes it")
    .argument("[operators...]", "moduleId:operatorId of each operator")
    .action(async (id: string, amount: string, ops: string[], _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await setAllocation(c, { serviceId: id, amount, operators: ops } as never);
      print(cmd, r, () =>
        [
          kv([
            ["service", r.serviceId],
            ["allocation (ETH)", eth(r.allocation)],
            ["tx", r.txHash],
          ]),
          table(
            ["module", "operator", "stake (ETH)"],
            r.operators.map((x) => [x.moduleId, x.operatorId, eth(x.stake)]),
          ),
        ].join("\n"),
      );
    });
  service
    .command("info")
    .description("parameters, status, allocation, operators, exposure and pending slashes of a service")
    .argument("<service>")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (id: string, o: { fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await serviceInfo(c, {
        serviceId: id,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          kv([
            ["service", r.serviceId],
            ["status", r.status],
            ["tier (exposed classes)", `${r.params.tier} (${r.exposedClasses.join(", ") || "none"})`],
            ["max slash", bps(r.params.maxSlashBps)],
            ["slashing / veto window (s)", `${r.params.slashingWindow} / ${r.params.vetoWindow}`],
            ["min operators / max share", `${r.params.minOperators} / ${bps(r.params.maxOperatorShareBps)}`],
            ["slasher", r.params.slasher],
            ["recipient", r.params.recipient],
            ["allocation (ETH)", eth(r.allocation)],
            ["rewards awaiting report (ETH)", eth(r.pendingRewards)],
          ]),
          table(
            ["module", "operator", "opted in", "allocated (ETH)", "slashable (ETH)"],
            r.operators.map((x) => [
              x.moduleId,
              x.operatorId,
              x.optedIn ? "yes" : x.optOutAt ? `leaving ${when(x.optOutAt)}` : "no",
              eth(x.allocated),
              eth(x.slashable),
            ]),
            "no operators",
          ),
          table(
            ["tier", "needed (ETH)", "cover (ETH)", "headroom (ETH)"],
            r.exposure.map((x) => [
              x.tier,
              eth(x.needed),
              eth(x.available),
              x.available >= x.needed ? eth(x.available - x.needed) : `-${eth(x.needed - x.available)}`,
            ]),
          ),
          table(
            ["slash", "operator", "bps", "locked bond (ETH)", "executable at"],
            r.pendingSlashes.map((x) => [
              x.slashId,
              `${x.moduleId}:${x.operatorId}`,
              x.bps,
              eth(x.lockedBond),
              when(x.executableAt),
            ]),
            "no pending slashes",
          ),
        ].join("\n"),
      );
    });
  for (const [name, fn, desc] of [
    ["opt-in", optIn, "opt an operator in to an active service (its manager)"],
    ["opt-out", optOut, "opt an operator out (slashable until the slashing window passes)"],
  ] as const) {
    service
      .command(name)
      .description(desc)
      .argument("<service>")
      .argument("<module>", "module id, curated or bonded")
      .argument("<operator>", "operator id")
      .action(async (id: string, m: string, op: string, _o, cmd: Command) => {
        const c = await getClient(cmd);
        const r = await fn(c, { serviceId: id, module: m, operatorId: op } as never);
        print(cmd, r, () =>
          kv([
            ["service", r.serviceId],
            ["operator", `${r.moduleId}:${r.operatorId}`],
            [
              "state",
              "effectiveAt" in r
                ? `opting out, effective ${when((r as { effectiveAt: number }).effectiveAt)}`
                : "opted in",
            ],
            ["tx", r.txHash],
          ]),
        );
      });
  }
  service
    .command("pay")
    .description("pay a service's rewards (booked to the exposed classes at the next report)")
    .argument("<service>")
    .argument("<eth>")
    .action(async (id: string, amount: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await payRewards(c, { serviceId: id, amount } as never);
      print(cmd, r, () =>
        kv([
          ["service", r.serviceId],
          ["paid (ETH)", eth(r.amount)],
          ["awaiting report (ETH)", eth(r.pendingRewards)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("slash")
    .description("request a slash of an operator (the service's slasher); executable after the veto window")
    .argument("<service>")
    .argument("<module>", "module id, curated or bonded")
    .argument("<operator>", "operator id")
    .argument("<bps>", "bps of the operator's stake in the service (≤ maxSlashBps)")
    .requiredOption("--evidence <text>", "32-byte hex hash, or text hashed with keccak256")
    .action(async (id: string, m: string, op: string, b: string, o: { evidence: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await requestSlash(c, {
        serviceId: id,
        module: m,
        operatorId: op,
        bps: b,
        evidence: o.evidence,
      } as never);
      print(cmd, r, () =>
        kv([
          ["slash", r.slashId],
          ["service", r.serviceId],
          ["operator", `${r.moduleId}:${r.operatorId}`],
          ["bps", r.bps],
          ["expected (ETH)", eth(r.expectedAmount)],
          ["bond locked (ETH)", eth(r.bondLocked)],
          ["executable at", when(r.executableAt)],
          ["evidence", r.evidence],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("veto")
    .description("cancel a pending slash within its veto window (VETO_ROLE)")
    .argument("<slashId>")
    .action(async (id: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await vetoSlash(c, { slashId: id } as never);
      print(cmd, r, () =>
        kv([
          ["slash", `${r.slashId} vetoed`],
          ["bond unlocked (ETH)", eth(r.unlockedBond)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("execute")
    .description("execute a slash whose veto window is over (anyone)")
    .argument("<slashId>")
    .action(async (id: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await executeSlash(c, { slashId: id } as never);
      print(cmd, r, () =>
        kv([
          ["slash", `${r.slashId} executed`],
          ["service", r.serviceId],
          ["operator", `${r.moduleId}:${r.operatorId}`],
          ["slashed (ETH)", eth(r.amount)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("payout")
    .description("claim slashed ETH credited to the signer as a service's recipient")
    .action(async (_o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await claimServicePayout(c);
      print(cmd, r, () =>
        kv([
          ["claimed (ETH)", eth(r.amount)],
          ["router debt left (ETH)", eth(r.debt)],
          ["tx", r.txHash],
        ]),
      );
    });

  // ------------------------------------------------------------------ keeper
  const keeper = program.command("keeper").description("permissionless upkeep");
  keeper
    .command("force-exit")
    .description("force out an operator's overdue validators via EIP-7002 (pays the request fees)")
    .argument("<module>", "module id, curated or bonded")
    .argument("<operator>", "operator id")
    .option("--from-block <n>", "first block scanned for KeysAdded events (default 0)")
    .action(async (m: string, op: string, o: { fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      progress(cmd, `forcing exits of operator ${m}:${op}`);
      const r = await forceExit(c, {
        module: m,
        operatorId: op,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          kv([
            ["operator", `${r.moduleId}:${r.operatorId}`],
            ["exit requests", r.keyIndexes.length],
            ["fee per request (wei)", r.feePerRequest.toString()],
            ["sent (wei)", r.value.toString()],
            ["EIP-7002 contract", r.withdrawalRequests],
            ["tx", r.txHash],
          ]),
          table(
            ["key", "pubkey"],
            r.keyIndexes.map((k, i) => [k, short(r.pubkeys[i]!, 20)]),
          ),
        ].join("\n"),
      );
    });

  // ------------------------------------------------------------------ risk
  program
    .command("risk")
    .description("restaking security analysis of an operator–service graph JSON file")
    .argument(
      "[graph]",
      "graph JSON: { operators: [{id, stake}], services: [{id, profitFromCorruption, attackThresholdBps, operators}] }",
    )
    .option("--psi-bps <bps>", "initial stake shock for the cascade bound", "1000")
    .option("--deployed", "analyze the deployed registry's graph (needs --pfc)")
    .option("--pfc <file>", 'with --deployed: JSON { serviceId: profitFromCorruptionWei | "<eth> ETH" }')
    .option("--alpha-bps <bps>", "with --deployed: attack threshold of every service", "5000")
    .option("--stake <how>", "with --deployed: σ_v as maxAllocated (default) or active", "maxAllocated")
    .action(
      async (
        file: string | undefined,
        o: { psiBps: string; deployed?: boolean; pfc?: string; alphaBps: string; stake: string },
        cmd: Command,
      ) => {
        const psi = Number(o.psiBps);
        if (!Number.isInteger(psi) || psi < 0 || psi > 10_000)
          throw new InvalidInputError(`--psi-bps must be 0…10000, got ${o.psiBps}`);
        if (o.deployed) {
          if (file) throw new InvalidInputError("pass either a graph file or --deployed, not both");
          if (!o.pfc)
            throw new InvalidInputError("--deployed needs --pfc <file> (profit from corruption per service)");
          const alpha = Number(o.alphaBps);
          if (!Number.isInteger(alpha) || alpha < 1 || alpha > 10_000)
            throw new InvalidInputError(`--alpha-bps must be 1…10000, got ${o.alphaBps}`);
          if (o.stake !== "maxAllocated" && o.stake !== "active")
            throw new InvalidInputError(`--stake must be maxAllocated or active, got ${o.stake}`);
          let rawPfc: Record<string, unknown>;
          try {
            rawPfc = JSON.parse(readFileSync(resolve(io.cwd, o.pfc), "utf8"));
          } catch (e) {
            throw new InvalidInputError(`cannot read --pfc ${o.pfc}: ${(e as Error).message.split("\n")[0]}`);
          }
          if (!rawPfc || typeof rawPfc !== "object" || Array.isArray(rawPfc))
            throw new InvalidInputError(`--pfc ${o.pfc}: expected an object { serviceId: wei }`);
          const pfc: Record<string, bigint> = {};
          for (const [k, v] of Object.entries(rawPfc)) {
            try {
              pfc[k] =
                typeof v === "string" && /\s*ETH$/i.test(v)
                  ? parseEther(v.replace(/\s*ETH$/i, "").trim())
                  : BigInt(v as string | number);
            } catch {
              throw new InvalidInputError(`--pfc ${o.pfc}: service ${k}: not wei or "<n> ETH": ${String(v)}`);
            }
          }
          const c = await getClient(cmd);
          const { graph, skipped } = await securityGraph(c, {
            profitFromCorruption: pfc,
            attackThresholdBps: alpha,
            stake: o.stake,
          });
          if (graph.services.length === 0)
            throw new CascadeError("no service has allocated stake: nothing to analyze");
          const a = analyzeSecurity(graph, { psiBps: psi });
          print(cmd, { ...toJson(a), graph: JSON.parse(json(graph)), skipped }, () =>
            [
              table(
                ["operator (module:id)", "σ_v (ETH)", "services"],
                graph.operators.map((v) => [
                  v.id,
                  eth(v.stake),
                  graph.services
                    .filter((s) => s.operators.includes(v.id))
                    .map((s) => s.id)
                    .join(", "),
                ]),
              ),
              formatAnalysis(a),
              ...(skipped.length ? [`services without stake (left out): ${skipped.join(", ")}`] : []),
            ].join("\n"),
          );
          if (a.network.verdict === "insecure") exitCode = 1;
          return;
        }
        if (!file) {
          throw new InvalidInputError(
            "pass a graph JSON file (cascade risk graph.json) or --deployed --pfc pfc.json",
          );
        }
        let raw: { operators?: { stake?: unknown }[]; services?: { profitFromCorruption?: unknown }[] };
        try {
          raw = JSON.parse(readFileSync(resolve(io.cwd, file), "utf8"));
        } catch (e) {
          throw new InvalidInputError(`cannot read graph ${file}: ${(e as Error).message.split("\n")[0]}`);
        }
        const big = (v: unknown) => {
          try {
            return typeof v === "string" || typeof v === "number" ? BigInt(v) : v;
          } catch {
            return v;
          }
        };
        const graph = {
          ...raw,
          operators: (raw.operators ?? []).map((x) => ({ ...x, stake: big(x.stake) })),
          services: (raw.services ?? []).map((x) => ({
            ...x,
            profitFromCorruption: big(x.profitFromCorruption),
          })),
        };
        const a = analyzeSecurity(graph as never, { psiBps: psi });
        print(cmd, toJson(a), () => formatAnalysis(a));
        if (a.network.verdict === "insecure") exitCode = 1;
      },
    );

  registerDevnetCommands(program, { env: io.env });
  registerDaemonCommands(program, { client: getClient, stdout: io.stdout, cwd: io.cwd });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; commander already printed the one-line message.
      exitCode = ["commander.helpDisplayed", "commander.version"].includes(e.code) ? 0 : 2;
    } else {
      const msg =
        e instanceof CascadeError
          ? e.shortMessage
          : e instanceof Error
            ? e.message.split("\n")[0]
            : String(e);
      io.stderr(`cascade: ${msg}\n`);
      if (io.env.CASCADE_DEBUG) io.stderr(`${(e as Error)?.stack ?? ""}\n`);
      exitCode = 1;
    }
  } finally {
    // Our own JsonRpcProvider would keep the process alive; injected clients belong to the caller.
    if (client && !deps.makeClient) (client.provider as { destroy?: () => void }).destroy?.();
  }
  return exitCode;
}
