/**
 * Safe Transaction Builder batches: the JSON the Safe app's Transaction Builder imports
 * ("Drag and drop a JSON file"), with the app's checksum so it loads without the
 * "checksum mismatch" warning. Each transaction carries its method and named inputs when the
 * target's ABI is known, so signers see what they sign.
 */
import { id as keccakUtf8 } from "ethers";
import type { DecodedCall } from "./decode.js";

/** Transaction Builder version the batches are written for. */
export const TX_BUILDER_VERSION = "1.18.0";

export interface TxBuilderTransaction {
  to: string;
  value: string;
  data: string | null;
  contractMethod: {
    inputs: { internalType: string; name: string; type: string }[];
    name: string;
    payable: boolean;
  } | null;
  contractInputsValues: Record<string, string> | null;
}

export interface TxBuilderBatch {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: {
    name: string;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
    checksum?: string;
  };
  transactions: TxBuilderTransaction[];
}

// The app's own serialization (keys sorted, undefined as null), hashed with keccak256.
const replacer = (_: string, v: unknown) => (v === undefined ? null : v);
function serialize(json: unknown): string {
  if (Array.isArray(json)) return `[${json.map(serialize).join(",")}]`;
  if (typeof json === "object" && json !== null) {
    const keys = Object.keys(json).sort();
    let acc = `{${JSON.stringify(keys, replacer)}`;
    for (const k of keys) acc += `${serialize((json as Record<string, unknown>)[k])},`;
    return `${acc}}`;
  }
  return JSON.stringify(json, replacer);
}

/** The Transaction Builder checksum of a batch (its meta.name and meta.checksum left out). */
export function txBuilderChecksum(batch: TxBuilderBatch): string {
  const { checksum: _drop, ...meta } = batch.meta;
  void _drop;
  return keccakUtf8(serialize({ ...batch, meta: { ...meta, name: null } }));
}

/** One batch transaction: method + named inputs for a decoded call, raw data otherwise. */
export function txBuilderTransaction(c: DecodedCall): TxBuilderTransaction {
  if (!c.fragment)
    return {
      to: c.to,
      value: c.value.toString(),
      data: c.data,
      contractMethod: null,
      contractInputsValues: null,
    };
  const inputs = c.fragment.inputs.map((p, i) => ({
    internalType: p.type,
    name: p.name || `arg${i}`,
    type: p.type,
  }));
  return {
    to: c.to,
    value: c.value.toString(),
    // With a method the app re-encodes from the inputs; the data stays for other importers.
    data: c.data,
    contractMethod: { inputs, name: c.fragment.name, payable: c.fragment.payable },
    contractInputsValues: Object.fromEntries(c.args),
  };
}

/** A batch for `safe` on `chainId` with the app's checksum. */
export function txBuilderBatch(p: {
  chainId: bigint;
  safe: string;
  name: string;
  description: string;
  calls: DecodedCall[];
  createdAt?: number;
}): TxBuilderBatch {
  const batch: TxBuilderBatch = {
    version: "1.0",
    chainId: p.chainId.toString(),
    createdAt: p.createdAt ?? Date.now(),
    meta: {
      name: p.name,
      description: p.description,
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: p.safe,
      createdFromOwnerAddress: "",
    },
    transactions: p.calls.map(txBuilderTransaction),
  };
  batch.meta.checksum = txBuilderChecksum(batch);
  return batch;
}
