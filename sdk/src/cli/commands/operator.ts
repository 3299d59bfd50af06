/** Node operator commands: `operator register | add-keys | top-up | withdraw-bond | status`. */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { addKeys } from "../../actions/addKeys.js";
import { operatorStatus } from "../../actions/operatorStatus.js";
import { registerOperator } from "../../actions/registerOperator.js";
import { topUpBond } from "../../actions/topUpBond.js";
import { withdrawBond } from "../../actions/withdrawBond.js";
import { bps, eth, kv, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerOperatorCommands(program: Command, ctx: CliContext): void {
  const { io, getClient, bar, print } = ctx;
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
}
