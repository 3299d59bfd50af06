/**
 * `cascade devnet time`: moves a running devnet's chain time forward. It needs only the node's
 * JSON-RPC, so it ships with the package. Starting a devnet (node, deploy, beacon simulator,
 * daemons) and `cascade demo` compile and deploy the contracts, so they belong to the Cascade
 * repository (`npm run devnet`, `npm run demo`: scripts/devnet/), which registers them on this
 * program through `runCli`'s `extend`. Without them, `cascade devnet` says where to run it.
 */
import type { Command } from "commander";
import { CascadeError, InvalidInputError } from "../errors.js";

/** JSON-RPC call to `url` (the devnet methods ethers has no wrapper for). */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/** Parses `90`, `90s`, `15m`, `2h`, `1d`, `1w` into seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)(s|m|h|d|w)?$/.exec(s.trim());
  if (!m) throw new Error(`a duration is a number with s, m, h, d or w (e.g. 90s, 2h), got ${s}`);
  const mult = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[(m[2] ?? "s") as "s"];
  return Number(m[1]) * mult;
}

/** The `devnet` group of the package: `devnet time`; `devnet` itself points to the repository. */
export function registerDevnetCommands(
  program: Command,
  opts: { env?: Record<string, string | undefined> } = {},
): void {
  const out = (s: string) =>
    (program.configureOutput().writeOut ?? ((x: string) => process.stdout.write(x)))(s);
  const globals = (cmd: Command) => cmd.optsWithGlobals() as { rpc?: string; json?: boolean };

  const devnet = program
    .command("devnet")
    .description(
      "a local devnet: `devnet time` moves its clock; starting one (`npm run devnet`) needs a Cascade repository checkout",
    )
    .action(() => {
      throw new CascadeError(
        "starting a devnet compiles and deploys the contracts: run `npm run devnet` in a Cascade repository checkout (this package has `cascade devnet time`)",
      );
    });

  devnet
    .command("time")
    .description("move the devnet's chain time forward (and mine a block): 90s, 15m, 2h, 1d, 1w")
    .argument("<duration>", "how far")
    .action(async (d: string, _o: unknown, cmd: Command) => {
      let seconds: number;
      try {
        seconds = parseDuration(d);
      } catch (e) {
        throw new InvalidInputError((e as Error).message);
      }
      const url = globals(cmd).rpc ?? (opts.env ?? process.env).RPC_URL ?? "http://127.0.0.1:8545";
      try {
        await rpc(url, "evm_increaseTime", [seconds]);
        await rpc(url, "evm_mine");
      } catch (e) {
        throw new CascadeError(`cannot move time on ${url}: ${(e as Error).message.split("\n")[0]}`);
      }
      const b = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as {
        timestamp: string;
        number: string;
      };
      const t = Number(BigInt(b.timestamp));
      if (globals(cmd).json)
        out(JSON.stringify({ seconds, block: Number(BigInt(b.number)), timestamp: t }) + "\n");
      else
        out(
          `chain time +${seconds} s: block ${Number(BigInt(b.number))} at ${new Date(t * 1000).toISOString()}\n`,
        );
    });
}
