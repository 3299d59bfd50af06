/**
 * The JSON-RPC node of `cascade devnet`: anvil (node_modules/@foundry-rs/anvil, the native binary
 * when its platform package is installed) or `hardhat node`, on 127.0.0.1.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { rpc } from "../../sdk/src/cli/devnet.js";
import { CascadeError } from "../../sdk/src/errors.js";

/** Starts a JSON-RPC node on 127.0.0.1:`port` (funded, unlocked accounts); resolves once it answers. */
export async function startNode(
  kind: "anvil" | "hardhat",
  port: number,
  cwd: string,
): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  let cmd: string;
  let args: string[];
  if (kind === "anvil") {
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    const native = join(cwd, `node_modules/@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
    const flags = ["--host", "127.0.0.1", "--port", String(port), "--accounts", "20"];
    flags.push("--balance", "1000000", "--chain-id", "31337", "--silent");
    // Under `hardhat test --coverage` the artifacts hold instrumented bytecode, larger than
    // EIP-170 allows (scripts/coverage-build.ts sets this variable for the processes it starts).
    if (process.env.CASCADE_UNLIMITED_CODE_SIZE === "1") flags.push("--disable-code-size-limit");
    if (existsSync(native)) [cmd, args] = [native, flags];
    else [cmd, args] = [process.execPath, [join(cwd, "node_modules/@foundry-rs/anvil/bin.mjs"), ...flags]];
  } else {
    // Hardhat 3 needs Node ≥ 22: the project's own Node (devDependency node@22) when installed.
    const node22 = join(cwd, "node_modules/.bin/node");
    cmd = existsSync(node22) ? node22 : process.execPath;
    args = [
      join(cwd, "node_modules/hardhat/dist/src/cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ];
  }
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + String(d)).slice(-2000)));
  let exited = false;
  const gone = new Promise<void>((res) =>
    child.once("exit", () => {
      exited = true;
      res();
    }),
  );
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (!exited) child.kill("SIGKILL");
    await gone;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited)
      throw new CascadeError(
        `the ${kind} node exited during start-up: ${stderr.trim().split("\n").pop() ?? ""}`,
      );
    try {
      await rpc(url, "eth_chainId");
      return { child, url, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new CascadeError(`the ${kind} node did not answer on ${url} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}
