/**
 * Shared steps of the integration journeys: keys with real BLS signatures, guardian
 * attestations, and oracle rounds through the member quorum.
 */
import { Signature, TypedDataDomain, keccak256, solidityPacked, type Signer } from "ethers";
import { buildDepositData, deterministicSecretKey } from "../../sdk/src/beacon/depositData.js";
import type { System } from "../../deploy/system.js";

export interface KeyBatch {
  pubkeys: string;
  signatures: string;
  roots: string[];
}

/** `count` BLS-valid deposit data entries for the router's withdrawal credentials (mainnet fork). */
export function makeKeys(seed: string, from: number, count: number, withdrawalCredentials: string): KeyBatch {
  const pubkeys: string[] = [];
  const signatures: string[] = [];
  const roots: string[] = [];
  for (let i = from; i < from + count; i++) {
    const d = buildDepositData({
      secretKey: deterministicSecretKey(seed, i),
      withdrawalCredentials,
      forkVersion: "0x00000000",
    });
    pubkeys.push(d.pubkey);
    signatures.push(d.signature);
    roots.push("0x" + d.deposit_data_root);
  }
  return { pubkeys: "0x" + pubkeys.join(""), signatures: "0x" + signatures.join(""), roots };
}

/** Guardians sign (deposit root, key nonces, latest block) with EIP-712; signers ascending. */
export async function attest(sys: System, guardians: Signer[]) {
  const provider = guardians[0].provider!;
  const block = await provider.getBlock("latest");
  const depositRoot = await sys.depositContract.get_deposit_root();
  const nonces: bigint[] = await sys.router.keyNonces();
  const keyNoncesHash = keccak256(
    solidityPacked(
      nonces.map(() => "uint256"),
      nonces,
    ),
  );
  const domain: TypedDataDomain = {
    name: "Cascade DepositSecurity",
    version: "1",
    chainId: (await provider.getNetwork()).chainId,
    verifyingContract: await sys.depositSecurity.getAddress(),
  };
  const types = {
    Attestation: [
      { name: "depositRoot", type: "bytes32" },
      { name: "keyNoncesHash", type: "bytes32" },
      { name: "blockNumber", type: "uint256" },
      { name: "blockHash", type: "bytes32" },
    ],
  };
  const value = { depositRoot, keyNoncesHash, blockNumber: block!.number, blockHash: block!.hash };
  const signed = await Promise.all(
    guardians.map(async (g) => ({
      addr: (await g.getAddress()).toLowerCase(),
      sig: await g.signTypedData(domain, types, value),
    })),
  );
  signed.sort((a, b) => (BigInt(a.addr) < BigInt(b.addr) ? -1 : 1));
  const signatures = signed.map(({ sig }) => {
    const s = Signature.from(sig);
    return { r: s.r, vs: s.yParityAndS };
  });
  return { ...value, signatures };
}

/** Keys each module must supply for `n` deposits, in its plan order, from the uploaded batches. */
export async function keysFor(sys: System, n: number, uploaded: Map<string, KeyBatch[]>) {
  const [alloc]: [bigint[]] = await sys.router.previewAllocation(n);
  const out = [];
  const modules = [sys.curated, sys.bonded];
  for (const [id, count] of alloc.entries()) {
    const mod = modules[id];
    const [ops, firsts, counts]: bigint[][] = await mod.depositPlan(count);
    let pk = "0x";
    let sg = "0x";
    const roots: string[] = [];
    for (let r = 0; r < ops.length; r++) {
      const batch = uploaded.get(`${id}:${ops[r]}`)!;
      const flat = flatten(batch);
      for (let k = Number(firsts[r]); k < Number(firsts[r] + counts[r]); k++) {
        pk += flat.pubkeys[k];
        sg += flat.signatures[k];
        roots.push(flat.roots[k]);
      }
    }
    out.push({ pubkeys: pk, signatures: sg, depositDataRoots: roots });
  }
  return { alloc, keys: out };
}

function flatten(batches: KeyBatch[]) {
  const pubkeys: string[] = [];
  const signatures: string[] = [];
  const roots: string[] = [];
  for (const b of batches) {
    const p = b.pubkeys.slice(2);
    const s = b.signatures.slice(2);
    for (let i = 0; i < b.roots.length; i++) {
      pubkeys.push(p.slice(i * 96, (i + 1) * 96));
      signatures.push(s.slice(i * 192, (i + 1) * 192));
      roots.push(b.roots[i]);
    }
  }
  return { pubkeys, signatures, roots };
}

export interface ModuleReportInput {
  clValidators: bigint;
  exited: bigint;
  clBalance: bigint;
  withdrawn: bigint;
  perfBps: number;
  slashedValidators: number;
}

/** Moves time to the next frame, has a quorum of members vote the report's hash, submits it. */
export async function runOracleRound(
  sys: System,
  members: Signer[],
  provider: { send(method: string, params: unknown[]): Promise<unknown> },
  body: { elRewards: bigint; modules: ModuleReportInput[]; losses?: unknown[]; exits?: unknown[] },
) {
  await provider.send("evm_mine", []); // make any evm_increaseTime visible in "latest"
  const [genesis, spslot, spf] = await sys.oracle.frameConfig();
  const frame = Number(spslot * spf);
  const now = BigInt(
    ((await provider.send("eth_getBlockByNumber", ["latest", false])) as { timestamp: string }).timestamp,
  );
  const next = ((now - genesis) / BigInt(frame) + 1n) * BigInt(frame) + genesis;
  await provider.send("evm_setNextBlockTimestamp", [Number(next)]);
  await provider.send("evm_mine", []);
  const refSlot: bigint = await sys.oracle.currentRefSlot();
  const report = {
    refSlot,
    elRewards: body.elRewards,
    modules: body.modules,
    losses: body.losses ?? [],
    exits: body.exits ?? [],
  };
  const hash = await sys.oracle.hashReport(report);
  const quorum = Number(await sys.oracle.quorum());
  for (const m of members.slice(0, quorum))
    await (await sys.oracle.connect(m).submitReportHash(refSlot, hash)).wait();
  const tx = await sys.oracle.connect(members[0]).submitReportData(report);
  const receipt = await tx.wait();
  const block = await (members[0].provider as any).getBlock(receipt.blockNumber);
  return { refSlot, hash, receipt, timestamp: BigInt(block.timestamp) };
}
