/**
 * The deposit contract's root computed independently of its incremental tree: the consensus spec
 * defines it as `hash_tree_root(List[DepositData, 2**32])` (depth-32 tree of the deposit data
 * roots, mixed in with the count), which @chainsafe/ssz computes directly.
 */
import { ByteVectorType, ListCompositeType } from "@chainsafe/ssz";
import { InvalidInputError } from "../errors.js";
import { DepositData } from "./sszTypes.js";

/** `DEPOSIT_CONTRACT_TREE_DEPTH` (phase0). */
export const DEPOSIT_CONTRACT_TREE_DEPTH = 32;

/** The list type the deposit root is the root of. */
export const DepositDataList = new ListCompositeType(DepositData, 2 ** DEPOSIT_CONTRACT_TREE_DEPTH);

/**
 * A list of 32-byte roots with the same limit: its leaves are the roots themselves, so its root
 * equals {@link DepositDataList}'s for the same deposits, from roots alone (what the chain logs).
 */
const DepositDataRootList = new ListCompositeType(new ByteVectorType(32), 2 ** DEPOSIT_CONTRACT_TREE_DEPTH);

/**
 * `get_deposit_root()` after these deposits, from their `deposit_data_root`s in deposit order.
 *
 * @example
 * ```ts
 * bytesToHex(depositRoot([]));
 * // "0xd70a234731285c6804c2a4f56711ddb8c82c99740f207854891028af34e27e5e" (empty tree)
 * ```
 */
export function depositRoot(depositDataRoots: Uint8Array[]): Uint8Array {
  depositDataRoots.forEach((r, i) => {
    if (!(r instanceof Uint8Array) || r.length !== 32) {
      throw new InvalidInputError(`deposit data root #${i} must be 32 bytes`);
    }
  });
  return DepositDataRootList.hashTreeRoot(depositDataRoots);
}

/**
 * `get_deposit_root()` after these deposits, from the full `DepositData` values.
 *
 * @example
 * ```ts
 * const one = { pubkey: new Uint8Array(48), withdrawal_credentials: new Uint8Array(32),
 *   amount: 32e9, signature: new Uint8Array(96) };
 * bytesToHex(depositRootOfData([one])) ===
 *   bytesToHex(depositRoot([DepositData.hashTreeRoot(one)])); // true
 * ```
 */
export function depositRootOfData(deposits: DepositData[]): Uint8Array {
  return DepositDataList.hashTreeRoot(deposits);
}
