/**
 * The client the `cascade` bin builds from its global options: --rpc / RPC_URL, a signer from
 * --private-key-file or --keystore, and the address book (--addresses, else
 * deployments/<chainId>.json, else the book the package ships for the network: see
 * resolveAddresses). Tests inject their own through `runCli`'s deps instead.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { JsonRpcProvider, Wallet, type Signer } from "ethers";
import { createCascadeClient, type CascadeClient } from "../client.js";
import { CascadeError, InvalidInputError } from "../errors.js";
import { resolveAddresses } from "../node.js";
import type { CliIO, GlobalOptions } from "./context.js";

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
  const addresses = resolveAddresses({
    chainId,
    cwd: io.cwd,
    ...(opts.addresses !== undefined ? { file: opts.addresses } : {}),
  });
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
    signer = new Wallet(await keystoreKey(io.env, io.cwd), provider);
  }
  return createCascadeClient({ provider, addresses, ...(signer ? { signer } : {}) });
}

/**
 * The deployer/governance key CASCADE_DEPLOYER_KEY (the `rpc` network's account of the Cascade
 * repository's Hardhat config): the environment variable of that name, else the Hardhat keystore
 * of the project the command runs in (`npx hardhat keystore set CASCADE_DEPLOYER_KEY`), read by
 * running `hardhat keystore get` there, which asks for the keystore's password on the terminal.
 * A subprocess, not an import: the package does not depend on Hardhat. No key ever sits in a file
 * of the project.
 *
 * @example
 * ```ts
 * import { keystoreKey } from "./client.js";
 * const key = await keystoreKey(); // "0x…" (prompts for the keystore password on a terminal)
 * ```
 */
export async function keystoreKey(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Promise<string> {
  const name = "CASCADE_DEPLOYER_KEY";
  let key = env[name]?.trim();
  if (!key) {
    const last = await hardhatKeystoreGet(name, env, cwd);
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(last))
      throw new InvalidInputError(
        `--keystore: ${name} is neither set in the environment nor readable from this project's Hardhat keystore (\`npx hardhat keystore set ${name}\`)`,
      );
    key = last;
  }
  return key.startsWith("0x") ? key : `0x${key}`;
}

/**
 * `hardhat keystore get <name>` in `cwd`; resolves to the last line it printed ("" on failure).
 * Hardhat writes its password prompt to stdout, so every chunk but the key itself is passed on to
 * our stderr as it comes: the user sees the prompt, the key never reaches the terminal.
 */
function hardhatKeystoreGet(
  name: string,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string> {
  return new Promise((res) => {
    const child = spawn("npx", ["--no-install", "hardhat", "keystore", "get", name], {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ["inherit", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      const text = String(d);
      out += text;
      if (!/^\s*(0x)?[0-9a-fA-F]{64}\s*$/.test(text)) process.stderr.write(text);
    });
    child.once("error", () => res(""));
    child.once("close", (code) => res(code === 0 ? (out.trim().split("\n").pop()?.trim() ?? "") : ""));
  });
}
