/** Offline deposit-data tools: `keys check` (no node needed). */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { checkKeys } from "../../actions/checkKeys.js";
import { short, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerKeysCommands(program: Command, ctx: CliContext): void {
  const { io, bar, print } = ctx;
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
          ctx.setExitCode(1);
        }
      },
    );
}
