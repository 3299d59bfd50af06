/**
 * Deposit guardian (DESIGN §2): signs, with EIP-712, that the deposit contract's root and every
 * module's key nonce are what it sees at a block, so a front-run deposit or a key change between
 * attestation and deposit makes `depositToBeacon` revert. The router takes a quorum of these.
 */
import { Contract, Signature, keccak256, solidityPacked, type Signer, type TypedDataDomain } from "ethers";
import { DEPOSIT_CONTRACT_ABI, ROUTER_ABI } from "./abi.js";

export interface AttestationValue {
  depositRoot: string;
  keyNoncesHash: string;
  blockNumber: number;
  blockHash: string;
}

export interface Attestation extends AttestationValue {
  /** Compact (r, yParity‖s) signatures, signers in ascending address order. */
  signatures: { r: string; vs: string }[];
}

export const ATTESTATION_TYPES = {
  Attestation: [
    { name: "depositRoot", type: "bytes32" },
    { name: "keyNoncesHash", type: "bytes32" },
    { name: "blockNumber", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
  ],
};

export interface GuardianAddresses {
  router: string;
  depositContract: string;
  depositSecurity: string;
}

/**
 * What guardians sign: deposit root, `keccak256(abi.encodePacked(keyNonces))`, at the latest block
 * or at `blockTag` (a guardian daemon signing the block a keeper asks about reads it itself).
 */
export async function attestationValue(
  runner: Signer,
  a: GuardianAddresses,
  blockTag: number | "latest" = "latest",
): Promise<AttestationValue> {
  const provider = runner.provider!;
  const block = await provider.getBlock(blockTag);
  const depositRoot: string = await new Contract(
    a.depositContract,
    DEPOSIT_CONTRACT_ABI,
    runner,
  ).get_deposit_root({
    blockTag: block!.number,
  });
  const nonces: bigint[] = await new Contract(a.router, ROUTER_ABI, runner).keyNonces({
    blockTag: block!.number,
  });
  const keyNoncesHash = keccak256(
    solidityPacked(
      nonces.map(() => "uint256"),
      nonces,
    ),
  );
  return { depositRoot, keyNoncesHash, blockNumber: block!.number, blockHash: block!.hash! };
}

/** One guardian: signs attestation values over the DepositSecurity EIP-712 domain. */
export class Guardian {
  constructor(
    readonly signer: Signer,
    readonly addresses: GuardianAddresses,
  ) {}

  async sign(value: AttestationValue): Promise<{ address: string; signature: string }> {
    const provider = this.signer.provider!;
    const domain: TypedDataDomain = {
      name: "Cascade DepositSecurity",
      version: "1",
      chainId: (await provider.getNetwork()).chainId,
      verifyingContract: this.addresses.depositSecurity,
    };
    return {
      address: (await this.signer.getAddress()).toLowerCase(),
      signature: await this.signer.signTypedData(domain, ATTESTATION_TYPES, value),
    };
  }
}

/** Collects every guardian's signature over the current value and orders them as the contract wants. */
export async function attest(guardians: Guardian[]): Promise<Attestation> {
  const value = await attestationValue(guardians[0].signer, guardians[0].addresses);
  const signed = await Promise.all(guardians.map((g) => g.sign(value)));
  signed.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = signed.map(({ signature }) => {
    const s = Signature.from(signature);
    return { r: s.r, vs: s.yParityAndS };
  });
  return { ...value, signatures };
}
