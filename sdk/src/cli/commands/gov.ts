/**
 * `cascade gov …`: timelock proposals and governance through Safe multisigs (DESIGN §14).
 *
 * - `gov propose|execute <action> [args…]` schedules / executes a timelock operation. Without
 *   `--safe` the signer sends it (it needs the timelock's PROPOSER/EXECUTOR role); with
 *   `--safe governance` the call goes through that Safe: a Safe Transaction Builder batch is
 *   written (`--batch`, for the Safe app), and with `--sign owner1.key,owner2.key` (devnet)
 *   the owners sign and the Safe executes it.
 * - `gov call <action> [args…] --safe <name>`: an operational call straight from a Safe that
 *   holds the role (module/class/operator/service managers, allocator, veto): no timelock.
 * - `gov roles`: every role of every contract and who holds it.
 *
 * `--dry-run` decodes every call with its argument names and simulates it — a timelock
 * operation's calls from the timelock's address — and sends nothing.
 *
 * @example
 * ```sh
 * cascade gov propose set-class-open 2 false --safe governance --sign gov1.key,gov2.key
 * cascade gov execute set-class-open 2 false --safe governance --sign gov1.key,gov2.key  # after the delay
 * ```
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Wallet, type Signer } from "ethers";
import { executeProposal } from "../../actions/executeProposal.js";
import { governanceCalls, type TimelockCall } from "../../actions/governance.js";
import { proposeCall, type TimelockOpResult } from "../../actions/proposeCall.js";
import type { CascadeClient } from "../../client.js";
import { InvalidInputError } from "../../errors.js";
import { namedContracts, type DecodedCall } from "../../governance/decode.js";
import { nameOf, roleHoldings } from "../../governance/roles.js";
import { safeGovern, timelockCall, type SafeGovResult } from "../../governance/safeGov.js";
import { json, kv, short, table, type Write } from "../format.js";

export interface GovCommandDeps {
  client: (cmd: Command) => Promise<CascadeClient>;
  print: (cmd: Command, data: unknown, human: () => string) => void;
  stdout: Write;
  cwd: string;
}

export const GOV_HELP =
  "actions: set-class-open <class> <true|false> | set-module-status <module> <active|paused|stopped> | " +
  "pause <module> | add-module <address> <weight> <shareLimitBps> <feeBps> <feeRecipient> <reputationBps> | " +
  "update-module <module> <weight> <shareLimitBps> <feeBps> <feeRecipient> | " +
  "set-class-params <class> <basePremiumBps> <maxPremiumBps> <minCoverBps> <redeemDelay> <depositCapWei> | " +
  "set-service-status <service> <active|paused|retired> | set-allocation <service> <eth> <module:operator>... | " +
  "veto-slash <slash> | grant-role <contract> <ROLE> <account> | revoke-role <contract> <ROLE> <account> | raw <target> <data> [valueWei]";

/** The governance call of `action` with CLI arguments `a`. */
export function toCall(c: CascadeClient, action: string, a: string[]): TimelockCall {
  const need = (n: number) => {
    if (a.length !== n)
      throw new InvalidInputError(`gov ${action} takes ${n} arguments, got ${a.length} (${GOV_HELP})`);
  };
  switch (action) {
    case "set-class-open":
      need(2);
      return governanceCalls.setClassOpen(c, { classId: a[0]!, open: a[1]! });
    case "set-module-status":
      need(2);
      return governanceCalls.setModuleStatus(c, { moduleId: a[0]!, status: a[1]! });
    case "pause":
      need(1);
      return governanceCalls.pause(c, { moduleId: a[0]! });
    case "add-module":
      need(6);
      return governanceCalls.addModule(c, {
        module: a[0]!,
        params: {
          baseWeight: a[1]!,
          stakeShareLimitBps: a[2]!,
          moduleFeeBps: a[3]!,
          feeRecipient: a[4]!,
        } as never,
        reputationBps: a[5]!,
      });
    case "update-module":
      need(5);
      return governanceCalls.updateModule(c, {
        moduleId: a[0]!,
        params: {
          baseWeight: a[1]!,
          stakeShareLimitBps: a[2]!,
          moduleFeeBps: a[3]!,
          feeRecipient: a[4]!,
        } as never,
      });
    case "set-class-params":
      need(6);
      return governanceCalls.setClassParams(c, {
        classId: a[0]!,
        params: {
          basePremiumBps: a[1]!,
          maxPremiumBps: a[2]!,
          minCoverBps: a[3]!,
          redeemDelay: a[4]!,
          depositCap: a[5]!,
        } as never,
      });
    case "set-service-status":
      need(2);
      return governanceCalls.setServiceStatus(c, { serviceId: a[0]!, status: a[1]! });
    case "set-allocation":
      if (a.length < 2) need(2);
      return governanceCalls.setAllocation(c, { serviceId: a[0]!, amount: a[1]!, operators: a.slice(2) });
    case "veto-slash":
      need(1);
      return governanceCalls.vetoSlash(c, { slashId: a[0]! });
    case "grant-role":
    case "revoke-role":
      need(3);
      return governanceCalls.roleChange(c, {
        grant: action === "grant-role",
        contract: a[0]!,
        role: a[1]!,
        account: a[2]!,
      });
    case "raw":
      if (a.length < 2 || a.length > 3) need(2);
      return governanceCalls.raw(c, {
        target: a[0]!,
        data: a[1]!,
        ...(a[2] !== undefined ? { value: a[2] } : {}),
      });
    default:
      throw new InvalidInputError(`unknown governance action "${action}" (${GOV_HELP})`);
  }
}

/** Signers from comma-separated key files (devnet owners' keys). */
function ownerSigners(list: string, cwd: string, client: CascadeClient): Signer[] {
  return list
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => {
      let key: string;
      try {
        key = readFileSync(resolve(cwd, f), "utf8").trim();
      } catch {
        throw new InvalidInputError(`--sign: cannot read key file ${f}`);
      }
      try {
        return new Wallet(key.startsWith("0x") ? key : `0x${key}`, client.provider);
      } catch {
        throw new InvalidInputError(`--sign: ${f} does not hold a 32-byte hex private key`);
      }
    });
}

/** Every argument on its own line with its name (what a signer checks before signing). */
function describeCalls(title: string, calls: DecodedCall[]): string[] {
  if (calls.length === 0) return [];
  const out = [`${title}:`];
  for (const c of calls) {
    out.push(
      `  ${c.contract}.${c.fragment?.name ?? "call"} → ${c.to}${c.value ? ` (value ${c.value} wei)` : ""}`,
    );
    if (!c.fragment) out.push(`    data  ${c.data}`);
    for (const [k, v] of c.args) out.push(`    ${k.padEnd(18)} ${v}`);
  }
  return out;
}

interface GovOptions {
  description: string;
  delay?: string;
  dryRun?: boolean;
  safe?: string;
  batch?: string;
  sign?: string;
}

/** Registers `gov propose|execute|call|roles` under a new `gov` command. */
export function registerGovCommands(program: Command, deps: GovCommandDeps): void {
  const gov = program
    .command("gov")
    .description("governance: timelock proposals, Safe multisig batches, roles");

  const direct = (cmd: Command, r: TimelockOpResult) =>
    deps.print(cmd, r, () =>
      [
        kv([
          ["operation", r.operationId],
          ["state", r.state],
          // The timelock stores 1 for executed operations.
          ["ready at", r.readyAt <= 1n ? "-" : new Date(Number(r.readyAt) * 1000).toISOString()],
          ["timelock", r.timelockCall.to],
          ...(r.txHash ? ([["tx", r.txHash]] as [string, string][]) : []),
        ]),
        table(
          ["call", "target", "calldata"],
          r.labels.map((l, i) => [l, r.targets[i]!, short(r.payloads[i]!, 26)]),
        ),
        // A dry run is for sending elsewhere (a multisig): print the exact bytes.
        ...(r.state === "dry-run"
          ? [`timelock calldata (${r.timelockCall.data.slice(0, 10)}): ${r.timelockCall.data}`]
          : []),
      ].join("\n"),
    );

  const viaSafe = async (
    cmd: Command,
    c: CascadeClient,
    kind: "propose" | "execute" | "call",
    action: string,
    call: TimelockCall,
    o: GovOptions,
  ) => {
    let safeCall = call;
    let operationId: string | undefined;
    if (kind !== "call") {
      const t = await timelockCall(
        c,
        kind === "propose" ? "schedule" : "execute",
        [call],
        o.description,
        o.delay !== undefined ? BigInt(o.delay) : undefined,
      );
      safeCall = t.call;
      operationId = t.operationId;
    }
    const owners = o.sign && !o.dryRun ? ownerSigners(o.sign, deps.cwd, c) : undefined;
    const r: SafeGovResult = await safeGovern(c, {
      safe: o.safe!,
      calls: [safeCall],
      ...(kind !== "call" ? { throughTimelock: [call] } : {}),
      name: `cascade gov ${kind} ${action}`,
      description: o.description || call.label,
      ...(owners ? { owners } : {}),
      dryRun: Boolean(o.dryRun),
    });
    let file: string | undefined;
    if (!o.dryRun) {
      file = o.batch ?? `safe-batch-${kind}-${r.safeTxHash.slice(2, 10)}.json`;
      writeFileSync(resolve(deps.cwd, file), json(r.batch) + "\n");
    }
    const op = operationId ? await opInfo(c, operationId) : undefined;
    const out = { ...r, operationId, operation: op, batchFile: file };
    deps.print(cmd, out, () =>
      [
        kv([
          [
            "safe",
            `${r.safe.name} ${r.safe.address} (${r.safe.threshold} of ${r.safe.owners.length}, nonce ${r.safe.nonce})`,
          ],
          ["safeTxHash", r.safeTxHash],
          [
            "state",
            r.state === "executed"
              ? "executed by the Safe"
              : r.state === "batch"
                ? "batch written (sign it in the Safe app, or --sign on the devnet)"
                : "dry-run: decoded and simulated, nothing sent",
          ],
          ...(file ? ([["batch", file]] as [string, string][]) : []),
          ...(r.signers.length ? ([["signed by", r.signers.join(", ")]] as [string, string][]) : []),
          ...(r.txHash ? ([["tx", r.txHash]] as [string, string][]) : []),
          ...(operationId ? ([["operation", operationId]] as [string, string][]) : []),
          ...(op
            ? ([
                ["timelock state", op.state],
                ["ready at", op.readyAt],
              ] as [string, string][])
            : []),
        ]),
        ...describeCalls("Safe calls", r.calls),
        ...describeCalls(
          kind === "call" ? "" : "Through the timelock (simulated from the timelock: ok)",
          r.inner,
        ),
      ].join("\n"),
    );
  };

  const opInfo = async (c: CascadeClient, operationId: string) => {
    const tl = c.timelock;
    const readyAt = (await tl.getTimestamp(operationId)) as bigint;
    const done = (await tl.isOperationDone(operationId)) as boolean;
    const ready = (await tl.isOperationReady(operationId)) as boolean;
    const pending = (await tl.isOperationPending(operationId)) as boolean;
    return {
      state: done ? "done" : ready ? "ready" : pending ? "pending" : "unset",
      readyAt: readyAt <= 1n ? "-" : new Date(Number(readyAt) * 1000).toISOString(),
    };
  };

  const safeOptions = (x: Command) =>
    x
      .option("--dry-run", "decode every call with its argument names and simulate it; send nothing")
      .option(
        "--safe <safe>",
        "go through this Safe: a name of the address book (governance, moduleManager, …) or its address",
      )
      .option("--batch <file>", "with --safe: where to write the Safe Transaction Builder batch JSON")
      .option(
        "--sign <keyFiles>",
        "with --safe: owners' key files (comma-separated) sign and the Safe executes (devnet)",
      );

  for (const [name, desc] of [
    ["propose", "schedule governance calls on the timelock"],
    ["execute", "execute a scheduled proposal once its delay has passed"],
  ] as const) {
    safeOptions(
      gov
        .command(name)
        .description(`${desc}; ${GOV_HELP}`)
        .argument("<action>")
        .argument("[args...]")
        .option("--description <text>", "hashed into the salt; use the same for propose and execute", "")
        .option("--delay <seconds>", "propose: delay (default: the timelock's minimum)"),
    ).action(async (action: string, args: string[], o: GovOptions, cmd: Command) => {
      const c = await deps.client(cmd);
      const call = toCall(c, action, args);
      if (o.safe) return viaSafe(cmd, c, name, action, call, o);
      if (o.sign || o.batch) throw new InvalidInputError("--sign and --batch need --safe <name|address>");
      const fn = name === "propose" ? proposeCall : executeProposal;
      const r = await fn(c, {
        calls: [call],
        description: o.description,
        dryRun: Boolean(o.dryRun),
        ...(o.delay !== undefined && name === "propose" ? { delay: o.delay } : {}),
      });
      direct(cmd, r);
    });
  }

  safeOptions(
    gov
      .command("call")
      .description(`an operational call straight from a Safe holding the role (no timelock); ${GOV_HELP}`)
      .argument("<action>")
      .argument("[args...]")
      .option("--description <text>", "batch description", ""),
  ).action(async (action: string, args: string[], o: GovOptions, cmd: Command) => {
    if (!o.safe)
      throw new InvalidInputError("gov call needs --safe <name|address> (the Safe holding the role)");
    const c = await deps.client(cmd);
    await viaSafe(cmd, c, "call", action, toCall(c, action, args), o);
  });

  gov
    .command("roles")
    .description("every role of every contract and who holds it (from RoleGranted/RoleRevoked events)")
    .option("--from-block <n>", "first block to read events from", "0")
    .action(async (o: { fromBlock: string }, cmd: Command) => {
      const c = await deps.client(cmd);
      const rows = await roleHoldings(namedContracts(c), Number(o.fromBlock));
      const book = c.addresses as Record<string, string>;
      deps.print(cmd, rows, () =>
        table(
          ["contract", "role", "holders"],
          rows.map((r) => [r.contract, r.role, r.members.map((m) => nameOf(book, m)).join(", ") || "-"]),
        ),
      );
    });
}
