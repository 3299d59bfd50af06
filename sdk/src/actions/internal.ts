/** Helpers shared by the actions: zod parsing into InvalidInputError, amounts, sending with a preflight. */
import {
  getAddress,
  isAddress,
  parseEther,
  type BaseContract,
  type ContractTransactionReceipt,
  type LogDescription,
} from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { decodeRevert, InvalidInputError } from "../errors.js";

/** A checksummed address; rejects anything `ethers.isAddress` rejects. */
export const zAddress = z
  .string({ invalid_type_error: "must be an address" })
  .refine(
    (a) => isAddress(a),
    (a) => ({ message: `not an address: ${String(a)}` }),
  )
  .transform((a) => getAddress(a));

/** A positive wei amount: a bigint (wei) or a decimal ETH string such as "1.5". */
export const zEth = z.union([z.bigint(), z.string(), z.number()]).transform((v, ctx) => {
  let wei: bigint;
  try {
    wei = typeof v === "bigint" ? v : parseEther(typeof v === "number" ? String(v) : v.trim());
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not an ETH amount: ${String(v)}` });
    return z.NEVER;
  }
  if (wei <= 0n) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `amount must be > 0, got ${String(v)}` });
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
