/** Permissionless upkeep: `keeper force-exit` (the `keeper run` daemon is in daemons.ts). */
import type { Command } from "commander";
import { forceExit } from "../../actions/forceExit.js";
import { kv, short, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerKeeperCommands(program: Command, ctx: CliContext): void {
  const { getClient, progress, print } = ctx;
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
}
