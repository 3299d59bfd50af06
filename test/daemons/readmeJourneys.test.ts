/**
 * Every `npx cascade …` line of README's CLI section, in order, against a real devnet
 * (`cascade devnet`: anvil, the Ignition deploy, the beacon simulator, three oracle members, two
 * guardians and a keeper as child processes). Only what a reader substitutes is substituted:
 * `deposit_data-*.json` is the devnet's file (the shell's glob) and `0x…` the deployment's
 * withdrawal vault. Between lines the test only waits for what the daemons do on their own: the
 * keeper depositing new keys, the members applying the report of the frame time moved to.
 */
import { expect } from "chai";
import { Command } from "commander";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { runCli } from "../../sdk/src/cli/main.js";
import { registerDevnetCommands, type DevnetInfo } from "../../scripts/devnet/commands.js";

/** The README's CLI examples: `npx cascade` lines of the ```sh blocks under "## CLI". */
export function readmeCliLines(readme: string): string[] {
  const section = readme.slice(readme.indexOf("## CLI"));
  const end = section.indexOf("\n## ", 5);
  const body = end > 0 ? section.slice(0, end) : section;
  const out: string[] = [];
  for (const block of body.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1].replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
      const t = line.trim();
      if (t.startsWith("npx cascade ")) out.push(t);
    }
  }
  return out;
}

/** Shell-like split: double quotes group, a `#` after whitespace outside quotes starts a comment. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inQ = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      inQ = !inQ;
      has = true;
    } else if (!inQ && /\s/.test(ch)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else if (!inQ && ch === "#" && !has) break;
    else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

describe("README journeys on a real devnet", function () {
  this.timeout(600_000);

  it("test_readmeCliExamples_allCompleteInOrderOnDevnet", async function () {
    const lines = readmeCliLines(readFileSync("README.md", "utf8"));
    expect(lines.length, "README has CLI examples").to.be.greaterThan(20);
    const ac = new AbortController();
    let info: DevnetInfo | undefined;
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const program = new Command("cascade").exitOverride().option("--rpc <url>").option("--json");
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerDevnetCommands(program, {
      signal: ac.signal,
      onReady: (i) => {
        info = i;
        ready();
      },
    });
    const dir = `test-devnet-${process.pid}`;
    const running = program.parseAsync(["devnet", "--port", "0", "--beacon-port", "0", "--dir", dir], {
      from: "user",
    });
    running.catch(() => ready());
    await up;
    expect(info, "devnet up").to.not.equal(undefined);
    const provider = new JsonRpcProvider(info!.rpcUrl, undefined, { cacheTimeout: -1 });
    const A = info!.addresses;
    const accounting = new Contract(
      A.accounting,
      ["function lastReport() view returns (uint256, uint256)"],
      provider,
    );
    const oracle = new Contract(
      A.reportOracle,
      ["function currentRefSlot() view returns (uint256)"],
      provider,
    );
    const bonded = new Contract(
      A.bondedModule,
      [
        "function getOperator(uint256) view returns (tuple(address manager, bool active, uint32 totalKeys, uint32 depositedKeys, uint32 exitedKeys, uint32 depositable, address rewardAddress, uint32 exitRequested, uint56 exitDeadline, bool registered, uint192 exitParts))",
      ],
      provider,
    );
    const until = async (what: string, ok: () => Promise<boolean>, ms = 120_000) => {
      const deadline = Date.now() + ms;
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    writeFileSync(
      join(info!.dir, "graph.json"),
      JSON.stringify({
        operators: [
          { id: "A", stake: "10000000000000000000" },
          { id: "B", stake: "20000000000000000000" },
        ],
        services: [
          {
            id: "s1",
            profitFromCorruption: "8000000000000000000",
            attackThresholdBps: 5000,
            operators: ["A", "B"],
          },
        ],
      }),
    );
    writeFileSync(join(info!.dir, "pfc.json"), JSON.stringify({ 0: "10 ETH" })); // the devnet has one service
    const transcript: string[] = [];
    let passed = false;
    try {
      for (const line of lines) {
        const words = shellWords(line)
          .slice(2)
          .flatMap((w) =>
            w === "deposit_data-*.json"
              ? readdirSync(info!.dir).filter((f) => /^deposit_data-.*\.json$/.test(f))
              : w === "0x…"
                ? [A.withdrawalVault]
                : [w],
          );
        if (words[0] === "devnet" && words[1] !== "time") continue; // the devnet is the one running
        let out = "";
        let err = "";
        const code = await runCli(words, {
          stdout: (s) => (out += s),
          stderr: (s) => (err += s),
          env: { RPC_URL: info!.rpcUrl },
          cwd: info!.dir,
          isTTY: false,
        });
        transcript.push(`$ ${line}\n${out}${err}`);
        // Two lines end in a documented refusal on the devnet: the keeper daemon executes a due
        // slash before the reader does, and no operator is overdue (the simulator exits validators
        // when asked). Each must say so in one line, exit 1.
        const refusal =
          words.includes("service") && words.includes("execute")
            ? /is executed, not pending/
            : words.includes("keeper") && words.includes("force-exit")
              ? /has no overdue exit \(deadline/
              : undefined;
        if (refusal) {
          expect(code, `${line}: refused`).to.equal(1);
          expect(err, `${line}: says why in one line`).to.match(refusal);
          expect(err.trim().split("\n"), "one line").to.have.length(1);
        } else expect(code, `${line}\n${err}${out}`).to.equal(0);
        if (words[0] === "devnet" && words[1] === "time") {
          // The members report the frame time moved to (every frame, on their own).
          const refSlot: bigint = await oracle.currentRefSlot();
          await until(
            `the report of refSlot ${refSlot}`,
            async () => (await accounting.lastReport())[0] >= refSlot,
          );
        }
        if (words.includes("add-keys")) {
          await until("the keeper depositing the operator's first key", async () => {
            const op = await bonded.getOperator(0);
            return op.depositedKeys > 0n;
          });
        }
      }
      passed = true;
    } finally {
      if (process.env.CASCADE_JOURNEY_LOG)
        writeFileSync(process.env.CASCADE_JOURNEY_LOG, transcript.join("\n"));
      provider.destroy();
      ac.abort();
      await running.catch(() => {});
      if (passed) rmSync(dir, { recursive: true, force: true }); // else its logs/ tell what the daemons did
    }
  });
});
