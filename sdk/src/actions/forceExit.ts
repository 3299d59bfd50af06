import { AbiCoder, Contract, concat, dataSlice, getAddress } from "ethers";
import { z } from "zod";
import { BondedModuleAbi, ExitManagerAbi } from "../abi/index.js";
import type { CascadeClient } from "../client.js";
import { CascadeError, InvalidInputError } from "../errors.js";
import { exitManagerOf } from "../exits.js";
import { parse, read, resolveModuleId, send, zId, zModule, type TxResult } from "./internal.js";

const PUBKEY = 48;
const SIGNATURE = 96;

export const forceExitParams = z.object({
  /** Router module id, or "curated" / "bonded". */
  module: zModule,
  operatorId: zId("operator id"),
  /** First block scanned for KeysAdded events (default 0). */
  fromBlock: z.coerce
    .number({ invalid_type_error: "fromBlock must be a block number" })
    .int()
    .min(0, "fromBlock must be ≥ 0")
    .optional(),
});
export type ForceExitParams = z.input<typeof forceExitParams>;
export interface ForceExitResult extends TxResult {
  moduleId: number;
  operatorId: number;
  keyIndexes: number[];
  pubkeys: string[];
  /** EIP-7002 fee per request read before sending, and the total sent (fee × keys). */
  feePerRequest: bigint;
  value: bigint;
  /** The WithdrawalVault's EIP-7002 contract the fee was read from. */
  withdrawalRequests: string;
}

/**
 * Keeper: forces out the validators of an operator that missed its exit deadline, through EIP-7002
 * requests the WithdrawalVault sends (anyone; the module loses reputation). The keys are the
 * operator's overdue ones, `[exitedKeys, exitRequested)` in deposit order (the module counts exits,
 * not which keys exited; exits are expected oldest first), their bytes taken from the module's
 * `KeysAdded` events (later uploads over the same index win, as after a removal) and checked
 * against the on-chain key commitments. The fee is what an empty-calldata `eth_call` to the
 * vault's `WITHDRAWAL_REQUESTS` contract returns, times the key count.
 *
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, forceExit } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.KEEPER_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const { keyIndexes, value } = await forceExit(client, { module: "bonded", operatorId: 0 });
 * ```
 */
export async function forceExit(client: CascadeClient, params: ForceExitParams): Promise<ForceExitResult> {
  const p = parse(forceExitParams, params, "forceExit");
  const moduleId = await resolveModuleId(client, p.module);
  const mod = await read(client, () => client.router.getModule(moduleId));
  // Both modules share ModuleBase: the bonded ABI has every function and event used here.
  const module = new Contract(String(mod.module), BondedModuleAbi as never, client.provider);
  const count = Number(await read(client, () => module.getFunction("operatorCount")()));
  if (p.operatorId >= count)
    throw new InvalidInputError(
      `forceExit: unknown operator ${p.operatorId} of module ${moduleId} (there are ${count})`,
    );
  const op = await read(client, () => module.getFunction("getOperator")(p.operatorId));
  const overdue = Boolean(await read(client, () => module.getFunction("exitOverdue")(p.operatorId)));
  if (!overdue) {
    const deadline = Number(op.exitDeadline);
    throw new InvalidInputError(
      `forceExit: operator ${p.operatorId} of module ${moduleId} has no overdue exit` +
        (deadline && Number(op.exitRequested) > Number(op.exitedKeys)
          ? ` (deadline ${new Date(deadline * 1000).toISOString()})`
          : ""),
    );
  }
  const first = Number(op.exitedKeys);
  const end = Number(op.exitRequested);
  const keyIndexes = Array.from({ length: end - first }, (_, i) => first + i);

  // Key bytes from KeysAdded, latest upload per index; each is checked against the router's
  // registry entry (the pubkey registered at exactly this module, operator and index, with this
  // signature), as ExitManager checks it.
  const logs = await read(client, () =>
    module.queryFilter(module.filters.KeysAdded!(p.operatorId), p.fromBlock ?? 0, "latest"),
  );
  const bytes = new Map<number, { pubkey: string; signature: string }>();
  for (const log of logs) {
    const a = (log as unknown as { args: { firstIndex: bigint; pubkeys: string; signatures: string } }).args;
    const n = (a.pubkeys.length - 2) / 2 / PUBKEY;
    for (let i = 0; i < n; i++) {
      bytes.set(Number(a.firstIndex) + i, {
        pubkey: dataSlice(a.pubkeys, i * PUBKEY, (i + 1) * PUBKEY),
        signature: dataSlice(a.signatures, i * SIGNATURE, (i + 1) * SIGNATURE),
      });
    }
  }
  const pubkeys: string[] = [];
  const signatures: string[] = [];
  for (const idx of keyIndexes) {
    const k = bytes.get(idx);
    const registered =
      k !== undefined &&
      ((await read(client, () =>
        client.router.isKeyAt(moduleId, p.operatorId, idx, k.pubkey, k.signature),
      )) as boolean);
    if (!k || !registered)
      throw new CascadeError(
        `forceExit: no KeysAdded bytes match key ${idx} of operator ${p.operatorId} (scan from an earlier --from-block)`,
      );
    pubkeys.push(k.pubkey);
    signatures.push(k.signature);
  }

  const vault = await withdrawalVaultOf(client);
  const requests = getAddress(
    String(
      await read(client, () =>
        new Contract(
          vault,
          ["function WITHDRAWAL_REQUESTS() view returns (address)"],
          client.provider,
        ).getFunction("WITHDRAWAL_REQUESTS")(),
      ),
    ),
  );
  // EIP-7002: a call with empty calldata returns the current per-request fee.
  let feePerRequest: bigint;
  try {
    const raw = await client.provider.call({ to: requests, data: "0x" });
    feePerRequest = BigInt(AbiCoder.defaultAbiCoder().decode(["uint256"], raw)[0]);
  } catch (e) {
    // Nothing is sent: the vault's own fee read would fail the same way (RequestFailed).
    throw new CascadeError(
      `forceExit: the EIP-7002 contract ${requests} did not return a fee for empty calldata`,
      { cause: e },
    );
  }
  const value = feePerRequest * BigInt(keyIndexes.length);

  const exits = client.addresses.exitManager
    ? client.exits
    : new Contract(
        await exitManagerAddress(client),
        ExitManagerAbi as never,
        client.signer ?? client.provider,
      );
  const receipt = await send(
    client,
    exits as typeof client.exits,
    "forceExit",
    [moduleId, p.operatorId, keyIndexes, concat(pubkeys), concat(signatures)],
    value,
  );
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    moduleId,
    operatorId: p.operatorId,
    keyIndexes,
    pubkeys,
    feePerRequest,
    value,
    withdrawalRequests: requests,
  };
}

/** The ExitManager: the router's EXIT_MANAGER_ROLE holder when the address book has none. */
async function exitManagerAddress(client: CascadeClient): Promise<string> {
  const a = await read(client, () => exitManagerOf(client.provider, client.addresses.router));
  if (!a) throw new CascadeError("forceExit: the router has no exit manager (EXIT_MANAGER_ROLE holder)");
  return a;
}

/** The router's WithdrawalVault: from the deployment addresses, else its `VaultsSet` event. */
async function withdrawalVaultOf(client: CascadeClient): Promise<string> {
  if (client.addresses.withdrawalVault) return client.addresses.withdrawalVault;
  const logs = await read(client, () =>
    client.router.queryFilter(client.router.filters.VaultsSet!(), 0, "latest"),
  );
  const last = logs[logs.length - 1] as unknown as { args: { withdrawalVault: string } } | undefined;
  if (!last) throw new CascadeError("forceExit: the router has no vaults set");
  return getAddress(last.args.withdrawalVault);
}
