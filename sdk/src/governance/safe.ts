/**
 * Safe multisig transactions without a second Ethereum library: the SafeTx EIP-712 hash of the
 * Safe contracts (v1.3+: domain {chainId, verifyingContract}), owner signatures, MultiSend
 * batches and `execTransaction`. A test checks the hash against the deployed Safe's own
 * `getTransactionHash`, so a drift from the contract's definition fails there.
 *
 * Why not `@safe-global/protocol-kit`: its current line is built on viem (a second Ethereum
 * library next to the SDK's ethers v6) and resolves its contracts through safe-deployments
 * networks; the devnet's Safes are deployed by this project at non-canonical addresses, and
 * everything the CLI needs is the ~60 lines below.
 */
import {
  Contract,
  concat,
  getAddress,
  Interface,
  solidityPacked,
  TypedDataEncoder,
  ZeroAddress,
  type Provider,
  type Signer,
  type TypedDataField,
} from "ethers";
import { CascadeError } from "../errors.js";

/** The Safe functions the SDK uses (SafeL2 v1.5.0 ABI subset). */
export const SAFE_ABI = [
  "function nonce() view returns (uint256)",
  "function getThreshold() view returns (uint256)",
  "function getOwners() view returns (address[])",
  "function isOwner(address owner) view returns (bool)",
  "function VERSION() view returns (string)",
  "function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)",
  "function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)",
  "event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)",
  "event ExecutionFailure(bytes32 indexed txHash, uint256 payment)",
];
export const MULTISEND_ABI = ["function multiSend(bytes transactions) payable"];

/** Operation of a SafeTx: a CALL, or a DELEGATECALL (only into MultiSendCallOnly here). */
export const enum SafeOperation {
  Call = 0,
  DelegateCall = 1,
}

/** One call a Safe makes. */
export interface SafeCall {
  to: string;
  value: bigint;
  data: string;
}

/** A SafeTx as the Safe hashes it (no refunds: gas fields stay 0). */
export interface SafeTx {
  to: string;
  value: bigint;
  data: string;
  operation: SafeOperation;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: string;
  refundReceiver: string;
  nonce: bigint;
}

export const SAFE_TX_TYPES: Record<string, TypedDataField[]> = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** EIP-712 domain of a Safe (v1.3.0 and later). */
export const safeDomain = (chainId: bigint, safe: string) => ({
  chainId,
  verifyingContract: getAddress(safe),
});

/** The SafeTx hash owners sign (equals `Safe.getTransactionHash`). */
export function safeTxHash(chainId: bigint, safe: string, tx: SafeTx): string {
  return TypedDataEncoder.hash(safeDomain(chainId, safe), SAFE_TX_TYPES, tx);
}

/** MultiSend's packed encoding: operation(1) to(20) value(32) dataLength(32) data, per call. */
export function encodeMultiSend(calls: SafeCall[]): string {
  const packed = concat(
    calls.map((c) =>
      solidityPacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [0, c.to, c.value, (c.data.length - 2) / 2, c.data],
      ),
    ),
  );
  return new Interface(MULTISEND_ABI).encodeFunctionData("multiSend", [packed]);
}

/**
 * The SafeTx for `calls` at `nonce`: the call itself when there is one, else a DELEGATECALL
 * into MultiSendCallOnly (which refuses nested delegatecalls) with all of them.
 */
export function buildSafeTx(calls: SafeCall[], nonce: bigint, multiSendCallOnly?: string): SafeTx {
  if (calls.length === 0) throw new CascadeError("a Safe transaction needs at least one call");
  const base = {
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce,
  };
  if (calls.length === 1) return { ...calls[0]!, operation: SafeOperation.Call, ...base };
  if (!multiSendCallOnly)
    throw new CascadeError(
      "a batch of several calls needs the MultiSendCallOnly address (safeMultiSendCallOnly)",
    );
  return {
    to: getAddress(multiSendCallOnly),
    value: 0n,
    data: encodeMultiSend(calls),
    operation: SafeOperation.DelegateCall,
    ...base,
  };
}

/** An owner's EIP-712 signature of a SafeTx (65 bytes r‖s‖v, v = 27/28). */
export async function signSafeTx(owner: Signer, chainId: bigint, safe: string, tx: SafeTx) {
  return {
    signer: getAddress(await owner.getAddress()),
    data: await owner.signTypedData(safeDomain(chainId, safe), SAFE_TX_TYPES, tx),
  };
}

/** Signatures as `execTransaction` wants them: sorted by owner address, concatenated. */
export function packSignatures(sigs: { signer: string; data: string }[]): string {
  const sorted = [...sigs].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  return concat(sorted.map((s) => s.data));
}

export interface SafeState {
  address: string;
  owners: string[];
  threshold: bigint;
  nonce: bigint;
}

/** Owners, threshold and nonce of the Safe at `address`; a clear error when no Safe is there. */
export async function readSafe(provider: Provider, address: string): Promise<SafeState> {
  const safe = new Contract(address, SAFE_ABI, provider);
  if ((await provider.getCode(address)) === "0x") throw new CascadeError(`no Safe at ${address} (no code)`);
  try {
    const [owners, threshold, nonce] = await Promise.all([
      safe.getOwners!(),
      safe.getThreshold!(),
      safe.nonce!(),
    ]);
    return { address: getAddress(address), owners: (owners as string[]).map(getAddress), threshold, nonce };
  } catch (e) {
    throw new CascadeError(`${address} is not a Safe (getOwners/getThreshold/nonce failed)`, { cause: e });
  }
}

/** `execTransaction` calldata for a signed SafeTx. */
export function execTransactionData(tx: SafeTx, signatures: string): string {
  return new Interface(SAFE_ABI).encodeFunctionData("execTransaction", [
    tx.to,
    tx.value,
    tx.data,
    tx.operation,
    tx.safeTxGas,
    tx.baseGas,
    tx.gasPrice,
    tx.gasToken,
    tx.refundReceiver,
    signatures,
  ]);
}
