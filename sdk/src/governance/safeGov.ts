/**
 * Governance through a Safe (DESIGN §14): the calls a Safe makes (a timelock schedule/execute,
 * a role change, an operational call) become a Safe Transaction Builder batch; every call is
 * simulated from the Safe's address first — and a timelock operation's own calls from the
 * timelock's address, so a proposal that could never execute is refused before the delay —
 * and on the devnet the owners' keys sign the SafeTx and one of them executes it.
 *
 * Refused with one clear error each, nothing sent: a call needing a role the Safe does not
 * hold, fewer signatures than the threshold (or a signer that is not an owner), a timelock
 * operation that is unknown, already executed or not ready yet.
 */
import { Contract, getAddress, id as keccakText, ZeroHash, type Signer } from "ethers";
import type { CascadeClient } from "../client.js";
import { CascadeError, ContractRevertError, decodeRevert, InvalidInputError } from "../errors.js";
import type { TimelockCall } from "../actions/governance.js";
import { opState } from "../actions/proposeCall.js";
import { decodeCall, namedContracts, type DecodedCall } from "./decode.js";
import {
  buildSafeTx,
  execTransactionData,
  packSignatures,
  readSafe,
  SAFE_ABI,
  safeTxHash,
  signSafeTx,
  type SafeCall,
  type SafeState,
  type SafeTx,
} from "./safe.js";
import { txBuilderBatch, type TxBuilderBatch } from "./txBuilder.js";

export interface SafeGovParams {
  /** Address of the Safe, or its name in the address book (`governance` → `governanceSafe`). */
  safe: string;
  /** What the Safe calls. */
  calls: TimelockCall[];
  /** Batch name/description (Transaction Builder meta). */
  name: string;
  description?: string;
  /** When the Safe's calls schedule/execute a timelock operation: its own calls, simulated from the timelock. */
  throughTimelock?: TimelockCall[];
  /** Owners' signers; with them the SafeTx is signed and executed (devnet), else only the batch is written. */
  owners?: Signer[];
  /** Decode and simulate only. */
  dryRun?: boolean;
}

export interface SafeGovResult {
  safe: SafeState & { name: string };
  batch: TxBuilderBatch;
  /** The Safe's calls, decoded. */
  calls: DecodedCall[];
  /** The timelock operation's calls, decoded (propose/execute). */
  inner: DecodedCall[];
  safeTx: SafeTx;
  safeTxHash: string;
  /** Owners who signed (sorted as packed). */
  signers: string[];
  state: "dry-run" | "batch" | "executed";
  txHash?: string;
}

/** The Safe's address: a 0x address, or the address book's `<name>Safe`. */
export function resolveSafe(client: CascadeClient, safe: string): { name: string; address: string } {
  const book = client.addresses as Record<string, string>;
  if (/^0x[0-9a-fA-F]{40}$/.test(safe)) {
    const hit = Object.entries(book).find(
      ([k, a]) => k.endsWith("Safe") && a.toLowerCase() === safe.toLowerCase(),
    );
    return { name: hit ? hit[0].slice(0, -4) : "safe", address: getAddress(safe) };
  }
  const address = book[`${safe}Safe`];
  if (!address) {
    const known = Object.keys(book)
      .filter((k) => k.endsWith("Safe"))
      .map((k) => k.slice(0, -4));
    throw new InvalidInputError(
      `no Safe named "${safe}" in the address book (${known.length ? `known: ${known.join(", ")}` : "this deployment names no Safes"})`,
    );
  }
  return { name: safe, address: getAddress(address) };
}

/** Role name of `roleId` on the contract at `target` (from its ABI), else the id. */
async function roleName(client: CascadeClient, target: string, roleId: string): Promise<string> {
  const hit = namedContracts(client).find(([, c]) => String(c.target).toLowerCase() === target.toLowerCase());
  if (!hit) return roleId;
  let name = roleId;
  const c = hit[1];
  const fns: string[] = [];
  c.interface.forEachFunction((f) => {
    if (/_ROLE$/.test(f.name) && f.inputs.length === 0) fns.push(f.name);
  });
  for (const f of fns) if (String(await c.getFunction(f)()) === roleId) name = f;
  return name;
}

/** eth_call of `call` from `from`; a missing role becomes one sentence naming holder, role and contract. */
async function simulate(
  client: CascadeClient,
  from: { name: string; address: string },
  call: DecodedCall,
  what: string,
): Promise<void> {
  try {
    await client.provider.call({ from: from.address, to: call.to, data: call.data, value: call.value });
  } catch (e) {
    const err = decodeRevert(e, client.interfaces);
    if (err instanceof ContractRevertError && err.errorName === "AccessControlUnauthorizedAccount") {
      const role = await roleName(client, call.to, String(err.args[1]));
      throw new CascadeError(
        `${from.name} (${from.address}) does not hold ${role} on ${call.contract} (${call.to}): ${call.label} refused, nothing sent`,
      );
    }
    throw new CascadeError(
      `${what}: ${call.label} would revert from ${from.name}: ${err.shortMessage}; nothing sent`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Builds, checks and (with `owners`) signs and executes a Safe transaction.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, governanceCalls, safeGovern } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const provider = new JsonRpcProvider("http://127.0.0.1:8545");
 * const client = createCascadeClient({ provider, addresses: loadAddresses("deployments/31337.json") });
 * const call = governanceCalls.setModuleStatus(client, { moduleId: 1, status: "paused" });
 * const owners = [new Wallet(process.env.OWNER1!, provider), new Wallet(process.env.OWNER2!, provider)];
 * const r = await safeGovern(client, { safe: "moduleManager", calls: [call], name: "pause module 1", owners });
 * console.log(r.state, r.txHash);
 * ```
 */
export async function safeGovern(client: CascadeClient, p: SafeGovParams): Promise<SafeGovResult> {
  if (p.calls.length === 0) throw new InvalidInputError("a Safe batch needs at least one call");
  const who = resolveSafe(client, p.safe);
  const state = await readSafe(client.provider, who.address);
  const chainId = (await client.provider.getNetwork()).chainId;
  const contracts = namedContracts(client);
  const calls = p.calls.map((c) => decodeCall(contracts, { to: c.target, value: c.value, data: c.data }));
  const inner = (p.throughTimelock ?? []).map((c) =>
    decodeCall(contracts, { to: c.target, value: c.value, data: c.data }),
  );

  // Simulate before anything is signed or sent.
  for (const c of calls) await simulate(client, who, c, "Safe call");
  const timelock = { name: "timelock", address: getAddress(String(client.timelock.target)) };
  for (const c of inner) await simulate(client, timelock, c, "through the timelock");

  const safeCalls: SafeCall[] = calls.map((c) => ({ to: c.to, value: c.value, data: c.data }));
  const multiSend = (client.addresses as Record<string, string>).safeMultiSendCallOnly;
  const safeTx = buildSafeTx(safeCalls, state.nonce, multiSend);
  const hash = safeTxHash(chainId, who.address, safeTx);
  const batch = txBuilderBatch({
    chainId,
    safe: who.address,
    name: p.name,
    description: p.description ?? "",
    calls,
  });
  const base = { safe: { ...state, name: who.name }, batch, calls, inner, safeTx, safeTxHash: hash };
  if (p.dryRun || !p.owners) return { ...base, signers: [], state: p.dryRun ? "dry-run" : "batch" };

  // Signatures: owners only, each once, at least the threshold.
  const owners = new Set(state.owners.map((o) => o.toLowerCase()));
  const signers = new Map<string, Signer>();
  for (const o of p.owners) {
    const a = getAddress(await o.getAddress());
    if (!owners.has(a.toLowerCase()))
      throw new InvalidInputError(
        `${a} is not an owner of ${who.name} (${who.address}); nothing signed or sent`,
      );
    signers.set(a, o);
  }
  if (BigInt(signers.size) < state.threshold)
    throw new InvalidInputError(
      `threshold not reached: ${who.name} (${who.address}) needs ${state.threshold} of ${state.owners.length} owner signatures, got ${signers.size}; nothing sent`,
    );
  const sigs = [];
  for (const s of signers.values()) sigs.push(await signSafeTx(s, chainId, who.address, safeTx));
  const packed = packSignatures(sigs);
  const sender = [...signers.values()][0]!;
  const safe = new Contract(who.address, SAFE_ABI, sender);
  const data = execTransactionData(safeTx, packed);
  try {
    await client.provider.call({ from: await sender.getAddress(), to: who.address, data });
  } catch (e) {
    throw new CascadeError(
      `execTransaction would revert: ${decodeRevert(e, client.interfaces).shortMessage}; nothing sent`,
    );
  }
  const tx = await sender.sendTransaction({ to: who.address, data });
  const receipt = await tx.wait();
  const failed = receipt?.logs.some((l) => safe.interface.parseLog(l)?.name === "ExecutionFailure");
  if (!receipt || receipt.status !== 1 || failed)
    throw new CascadeError(
      `Safe ${who.name} executed ${hash.slice(0, 10)}… but its call failed (tx ${tx.hash})`,
    );
  return {
    ...base,
    signers: sigs.map((s) => s.signer).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    state: "executed",
    txHash: tx.hash,
  };
}

/** The timelock's `scheduleBatch`/`executeBatch` call for `calls` (same salt rule as proposeCall). */
export async function timelockCall(
  client: CascadeClient,
  kind: "schedule" | "execute",
  calls: TimelockCall[],
  description = "",
  delay?: bigint,
): Promise<{ call: TimelockCall; operationId: string }> {
  const tl = client.timelock;
  const targets = calls.map((c) => c.target);
  const values = calls.map((c) => c.value);
  const payloads = calls.map((c) => c.data);
  const salt = keccakText(description);
  const operationId = (await tl.hashOperationBatch(targets, values, payloads, ZeroHash, salt)) as string;
  const { state, readyAt } = await opState(client, operationId);
  const op = `timelock operation ${operationId.slice(0, 10)}…`;
  if (kind === "schedule") {
    if (state !== "unset") throw new InvalidInputError(`${op} is already scheduled (${state}); nothing sent`);
    const minDelay = (await tl.getMinDelay()) as bigint;
    const d = delay ?? minDelay;
    if (d < minDelay) throw new InvalidInputError(`delay ${d}s is below the timelock's minimum ${minDelay}s`);
    const data = tl.interface.encodeFunctionData("scheduleBatch", [
      targets,
      values,
      payloads,
      ZeroHash,
      salt,
      d,
    ]);
    return {
      call: { target: String(tl.target), value: 0n, data, label: "timelock.scheduleBatch" },
      operationId,
    };
  }
  if (state === "unset")
    throw new InvalidInputError(
      `${op} is unknown: never scheduled or cancelled (propose it first, with the same calls and description); nothing sent`,
    );
  if (state === "done") throw new InvalidInputError(`${op} was already executed; nothing sent`);
  if (state === "pending")
    throw new InvalidInputError(
      `${op} is not ready until ${new Date(Number(readyAt) * 1000).toISOString()}; nothing sent`,
    );
  const data = tl.interface.encodeFunctionData("executeBatch", [targets, values, payloads, ZeroHash, salt]);
  const value = values.reduce((a, b) => a + b, 0n);
  return { call: { target: String(tl.target), value, data, label: "timelock.executeBatch" }, operationId };
}
