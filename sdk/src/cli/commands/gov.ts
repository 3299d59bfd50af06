/** Governance through the timelock: `gov propose | execute <action> [args...]`. */
import type { Command } from "commander";
import { executeProposal } from "../../actions/executeProposal.js";
import { governanceCalls, type TimelockCall } from "../../actions/governance.js";
import { proposeCall, type TimelockOpResult } from "../../actions/proposeCall.js";
import { type CascadeClient } from "../../client.js";
import { InvalidInputError } from "../../errors.js";
import { kv, short, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerGovCommands(program: Command, ctx: CliContext): void {
  const { getClient, print } = ctx;
  const gov = program
    .command("gov")
    .description("timelock proposals (schedule, then execute after the delay)");
  const govHelp =
    "actions: set-class-open <class> <true|false> | set-module-status <module> <active|paused|stopped> | " +
    "pause <module> | add-module <address> <weight> <shareLimitBps> <feeBps> <feeRecipient> <reputationBps> | " +
    "update-module <module> <weight> <shareLimitBps> <feeBps> <feeRecipient> | " +
    "set-class-params <class> <basePremiumBps> <maxPremiumBps> <minCoverBps> <redeemDelay> <depositCapWei> | " +
    "set-service-status <service> <active|paused|retired> | set-allocation <service> <eth> <module:operator>... | raw <target> <data> [valueWei]";
  const toCall = (c: CascadeClient, action: string, a: string[]): TimelockCall => {
    const need = (n: number) => {
      if (a.length !== n)
        throw new InvalidInputError(`gov ${action} takes ${n} arguments, got ${a.length} (${govHelp})`);
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
      case "raw":
        if (a.length < 2 || a.length > 3) need(2);
        return governanceCalls.raw(c, {
          target: a[0]!,
          data: a[1]!,
          ...(a[2] !== undefined ? { value: a[2] } : {}),
        });
      default:
        throw new InvalidInputError(`unknown governance action "${action}" (${govHelp})`);
    }
  };
  const govOut = (cmd: Command, r: TimelockOpResult) =>
    print(cmd, r, () =>
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
  for (const [name, fn, desc] of [
    ["propose", proposeCall, "schedule governance calls on the timelock"],
    ["execute", executeProposal, "execute a scheduled proposal once its delay has passed"],
  ] as const) {
    gov
      .command(name)
      .description(`${desc}; ${govHelp}`)
      .argument("<action>")
      .argument("[args...]")
      .option("--description <text>", "hashed into the salt; use the same for propose and execute", "")
      .option("--delay <seconds>", "propose: delay (default: the timelock's minimum)")
      .option("--dry-run", "print the encoded calls, send nothing")
      .action(
        async (
          action: string,
          args: string[],
          o: { description: string; delay?: string; dryRun?: boolean },
          cmd: Command,
        ) => {
          const c = await getClient(cmd);
          const call = toCall(c, action, args);
          const r = await fn(c, {
            calls: [call],
            description: o.description,
            dryRun: Boolean(o.dryRun),
            ...(o.delay !== undefined && name === "propose" ? { delay: o.delay } : {}),
          });
          govOut(cmd, r);
        },
      );
  }
}
