/** Helpers shared by the actions: zod parsing into InvalidInputError, amounts, sending with a preflight. */
import {
  getAddress,
  isAddress,
  formatEther,
  parseEther,
  type BaseContract,
  type ContractTransactionReceipt,
  type LogDescription,
} from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { ContractRevertError, decodeRevert, InvalidInputError, TransactionError } from "../errors.js";

/** A checksummed address; rejects anything `ethers.isAddress` rejects. */
export const zAddress = z
  .string({ invalid_type_error: "must be an address" })
  .refine(
    (a) => isAddress(a),
    (a) => ({ message: `not an address: ${String(a)}` }),
  )
  .transform((a) => getAddress(a));

/**
 * The SDK's one amount convention: an ETH amount is a bigint in wei (`1n` is 1 wei) or a decimal
 * string in ETH (`"1.5"`). A JS number is refused: `1` could mean 1 ETH or 1 wei, and a float
 * cannot hold 18 decimals, so the caller says which.
 */
export type EthAmount = bigint | string;

/** Why `v` is not an ETH amount, or its value in wei. */
export function toWei(v: unknown, allowZero = false): bigint | string {
  if (typeof v === "number")
    return `got the number ${v}: pass ETH as a decimal string ("${v}") or wei as a bigint (${Number.isSafeInteger(v) ? `${v}n` : "e.g. 10n ** 18n"} is ${Number.isSafeInteger(v) ? v : "1e18"} wei)`;
  if (typeof v !== "bigint" && typeof v !== "string")
    return `not an ETH amount: pass wei as a bigint or ETH as a decimal string, got ${v === null ? "null" : typeof v}`;
  let wei: bigint;
  try {
    wei = typeof v === "bigint" ? v : parseEther(v.trim());
  } catch {
    return `not an ETH amount: ${String(v)} (ETH as a decimal string such as "1.5", at most 18 decimals)`;
  }
  if (wei < 0n || (!allowZero && wei === 0n))
    return `amount must be ${allowZero ? "≥" : ">"} 0, got ${typeof v === "bigint" ? `${v} wei` : `${v} ETH`}`;
  return wei;
}

/** A positive ETH amount ({@link EthAmount}), parsed to wei. */
export const zEth = z
  .custom<EthAmount>(() => true)
  .transform((v, ctx) => {
    const wei = toWei(v);
    if (typeof wei === "string") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: wei });
      return z.NEVER;
    }
    return wei;
  });

/** An ETH amount ({@link EthAmount}) that may be 0, parsed to wei. */
export const zEthOrZero = z
  .custom<EthAmount>(() => true)
  .transform((v, ctx) => {
    const wei = toWei(v, true);
    if (typeof wei === "string") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: wei });
      return z.NEVER;
    }
    return wei;
  });

/** A uint256 as bigint (ids, share counts in wei units): decimal or 0x-hex. */
export const zUint = z.union([z.bigint(), z.number(), z.string()]).transform((v, ctx) => {
  const s = typeof v === "string" ? v.trim() : v;
  if (
    typeof s === "number"
      ? !Number.isSafeInteger(s) || s < 0
      : typeof s === "string" && !/^(\d+|0x[0-9a-fA-F]+)$/.test(s)
  ) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a non-negative integer: ${String(v)}` });
    return z.NEVER;
  }
  const b = BigInt(s);
  if (b < 0n || b >= 1n << 256n) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a non-negative integer: ${String(v)}` });
    return z.NEVER;
  }
  return b;
});

/** Shares: a bigint (18-decimal units) or a decimal string "1.5" (tokens). */
export const zShares = z.union([z.bigint(), z.string()]).transform((v, ctx) => {
  let s: bigint;
  try {
    s = typeof v === "bigint" ? v : parseEther(v.trim());
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a share amount: ${v}` });
    return z.NEVER;
  }
  if (s <= 0n) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `shares must be > 0, got ${String(v)}` });
    return z.NEVER;
  }
  return s;
});

export const zClassId = z.coerce
  .number({ invalid_type_error: "class id must be a number" })
  .int("class id must be an integer")
  .min(0, "class id must be ≥ 0")
  .max(7, "class id must be < 8");

/** Parses `input` with `schema`; the first issue becomes one {@link InvalidInputError} line. */
export function parse<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const path = i.path.length ? `${i.path.join(".")}: ` : "";
    throw new InvalidInputError(`${what}: ${path}${i.message}`, { details: r.error.message });
  }
  return r.data;
}

/** Result common to every write action. */
export interface TxResult {
  txHash: string;
  blockNumber: number;
}

/**
 * Simulates `method` from the signer first (a revert throws a decoded ContractRevertError and
 * nothing is sent), then sends it and waits for one confirmation.
 */
export async function send<C extends BaseContract>(
  client: CascadeClient,
  contract: C,
  method: Exclude<keyof C & string, keyof BaseContract>,
  args: readonly unknown[],
  value?: bigint,
): Promise<ContractTransactionReceipt> {
  const from = await client.account();
  const fn = contract.getFunction(method);
  const overrides = value !== undefined ? { value, from } : { from };
  // A node answers a call whose value exceeds the balance with an error that carries no revert
  // data ("missing revert data"): say what is missing instead.
  if (value !== undefined && value > 0n) {
    const balance = await client.provider.getBalance(from);
    if (balance < value)
      throw new TransactionError(
        `insufficient funds: ${from} has ${formatEther(balance)} ETH, needs ${formatEther(value)} ETH plus gas`,
      );
  }
  try {
    await fn.staticCall(...args, overrides);
  } catch (e) {
    throw decodeRevert(e, client.interfaces);
  }
  try {
    const tx = await fn.send(...args, value !== undefined ? { value } : {});
    const receipt = await tx.wait();
    if (!receipt) throw new Error("transaction dropped");
    return receipt;
  } catch (e) {
    throw decodeRevert(e, client.interfaces);
  }
}

/** Parsed logs of `contract` in a receipt, filtered by event name. */
export function eventsIn(
  receipt: ContractTransactionReceipt,
  contract: BaseContract,
  name: string,
): LogDescription[] {
  const target = String(contract.target).toLowerCase();
  const out: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== target) continue;
    try {
      const parsed = contract.interface.parseLog(log);
      if (parsed && parsed.name === name) out.push(parsed);
    } catch {
      /* another contract's event */
    }
  }
  return out;
}

/** Runs a read, turning a revert or node error into a CascadeError. */
export async function read<T>(client: CascadeClient, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw decodeRevert(e, client.interfaces);
  }
}

// ------------------------------------------------------------------ restaked services

/** An id that fits the registry's uint32 fields (service, module, operator, slash ids). */
export const zId = (what: string) =>
  z.union([z.bigint(), z.number(), z.string()]).transform((v, ctx) => {
    const s = typeof v === "string" ? v.trim() : v;
    const ok =
      typeof s === "bigint"
        ? s >= 0n && s < 1n << 32n
        : typeof s === "number"
          ? Number.isSafeInteger(s) && s >= 0 && s < 2 ** 32
          : /^\d{1,10}$/.test(s) && Number(s) < 2 ** 32;
    if (!ok) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} must be an integer ≥ 0, got ${String(v)}`,
      });
      return z.NEVER;
    }
    return Number(s);
  });

/** Basis points 0…10,000 (`min` raises the floor, e.g. 1 for a slash). */
export const zBps = (what: string, min = 0) =>
  z.coerce
    .number({ invalid_type_error: `${what} must be a number of bps` })
    .int(`${what} must be an integer number of bps`)
    .min(min, `${what} must be ≥ ${min}`)
    .max(10_000, `${what} must be ≤ 10000 (100%)`);

/** A module by id or by name ("curated" / "bonded": resolved through the router). */
export const zModule = z
  .union([z.bigint(), z.number(), z.string()])
  .transform((v, ctx): number | "curated" | "bonded" => {
    const s = typeof v === "string" ? v.trim().toLowerCase() : v;
    if (s === "curated" || s === "bonded") return s;
    const n =
      typeof s === "string" && /^\d{1,10}$/.test(s) ? Number(s) : typeof s === "string" ? NaN : Number(s);
    if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 32) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `module must be curated, bonded or a module id, got ${String(v)}`,
      });
      return z.NEVER;
    }
    return n;
  });

/** Status names of `IServiceRegistry.ServiceStatus`, by enum value. */
export const SERVICE_STATUS = ["none", "pending", "active", "paused", "retired"] as const;
export type ServiceStatusName = (typeof SERVICE_STATUS)[number];
/** Status names of `IServiceRegistry.SlashStatus`, by enum value. */
export const SLASH_STATUS = ["none", "requested", "vetoed", "executed"] as const;
export type SlashStatusName = (typeof SLASH_STATUS)[number];

/** `moduleId << 32 | operatorId`, the registry's operator key. */
export function operatorKey(moduleId: number, operatorId: number): bigint {
  return (BigInt(moduleId) << 32n) | BigInt(operatorId);
}
export function splitOperatorKey(key: bigint): { moduleId: number; operatorId: number } {
  return { moduleId: Number(key >> 32n), operatorId: Number(key & 0xffffffffn) };
}

/** The router's id of a module given by id or name; refuses unknown ids before anything is sent. */
export async function resolveModuleId(
  client: CascadeClient,
  m: number | "curated" | "bonded",
): Promise<number> {
  const count = Number(await read(client, () => client.router.moduleCount()));
  if (typeof m === "number") {
    if (m >= count) throw new InvalidInputError(`unknown module ${m} (there are ${count})`);
    return m;
  }
  const target = (
    m === "curated" ? client.addresses.curatedModule : client.addresses.bondedModule
  ).toLowerCase();
  for (let i = 0; i < count; i++) {
    const mod = await read(client, () => client.router.getModule(i));
    if (String(mod.module).toLowerCase() === target) return i;
  }
  throw new InvalidInputError(`the ${m} module is not added to the router`);
}

/** A service by id, refusing unknown ids with one line before anything is sent. */
export async function getServiceChecked(client: CascadeClient, serviceId: number) {
  const count = Number(await read(client, () => client.registry.serviceCount()));
  if (serviceId >= count) throw new InvalidInputError(`unknown service ${serviceId} (there are ${count})`);
  return read(client, () => client.registry.getService(serviceId));
}

/** A slash request by id, refusing unknown ids with one line before anything is sent. */
export async function getSlashChecked(client: CascadeClient, slashId: number) {
  try {
    return await client.registry.getSlash(slashId);
  } catch (e) {
    const err = decodeRevert(e, client.interfaces);
    if (err instanceof ContractRevertError && err.errorName === "UnknownSlash")
      throw new InvalidInputError(`unknown slash ${slashId}`);
    throw err;
  }
}

/** Timestamp of the latest block (what the next transaction's checks compare against, ± one block). */
export async function chainNow(client: CascadeClient): Promise<number> {
  const b = await read(client, () => client.provider.getBlock("latest"));
  return b!.timestamp;
}

/** Whether `account` holds `role` on the registry (for direct calls versus the timelock). */
export async function hasRegistryRole(
  client: CascadeClient,
  role: "SERVICE_MANAGER_ROLE" | "ALLOCATOR_ROLE" | "VETO_ROLE",
  account: string,
): Promise<boolean> {
  const id = await read(client, () => client.registry[role]());
  return read(client, () => client.registry.hasRole(id, account));
}
