/**
 * SSZ containers of the consensus spec (phase0) used by deposits. Kept apart from the logic so
 * the deposit-data checks, the Merkle model and the beacon simulator share one definition.
 */
import { ByteVectorType, ContainerType, UintNumberType, type ValueOf } from "@chainsafe/ssz";

export const Bytes4 = new ByteVectorType(4);
export const Bytes32 = new ByteVectorType(32);
export const Bytes48 = new ByteVectorType(48);
export const Bytes96 = new ByteVectorType(96);
/** uint64 as a JS number: amounts in gwei stay far below 2**53 (9e6 ETH). */
export const UintNum64 = new UintNumberType(8);

/** `DepositMessage`: what the validator key signs. */
export const DepositMessage = new ContainerType(
  { pubkey: Bytes48, withdrawal_credentials: Bytes32, amount: UintNum64 },
  { typeName: "DepositMessage", jsonCase: "eth2" },
);
export type DepositMessage = ValueOf<typeof DepositMessage>;

/** `DepositData`: what the deposit contract hashes and the beacon chain processes. */
export const DepositData = new ContainerType(
  { pubkey: Bytes48, withdrawal_credentials: Bytes32, amount: UintNum64, signature: Bytes96 },
  { typeName: "DepositData", jsonCase: "eth2" },
);
export type DepositData = ValueOf<typeof DepositData>;

/** `ForkData`, hashed into a domain. */
export const ForkData = new ContainerType(
  { current_version: Bytes4, genesis_validators_root: Bytes32 },
  { typeName: "ForkData", jsonCase: "eth2" },
);
export type ForkData = ValueOf<typeof ForkData>;

/** `SigningData`: the object whose root is actually signed. */
export const SigningData = new ContainerType(
  { object_root: Bytes32, domain: Bytes32 },
  { typeName: "SigningData", jsonCase: "eth2" },
);
export type SigningData = ValueOf<typeof SigningData>;
