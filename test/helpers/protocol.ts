/**
 * Shared steps of the integration journeys: keys with real BLS signatures, guardian
 * attestations, and oracle rounds through the member quorum. The key and attestation logic lives
 * in the SDK (sdk/src/daemons) so the demo's keeper and guardians run the same code; these are
 * thin wrappers over a deployed `System`.
 */
import type { Signer } from "ethers";
import type { System } from "../../deploy/system.js";
import { attest as attestAll, Guardian } from "../../sdk/src/daemons/guardian.js";
import { keysForDeposit, makeKeys, uploadedKeySource, type KeyBatch } from "../../sdk/src/daemons/keys.js";

export { makeKeys, type KeyBatch };

/** Guardians sign (deposit root, key nonces, latest block) with EIP-712; signers ascending. */
export async function attest(sys: System, guardians: Signer[]) {
  const addresses = {
    router: sys.addresses.router,
    depositContract: sys.addresses.depositContract,
    depositSecurity: sys.addresses.depositSecurity,
  };
  return attestAll(guardians.map((g) => new Guardian(g, addresses)));
}

/** Keys each module must supply for `n` deposits, in its plan order, from the uploaded batches. */
export async function keysFor(sys: System, n: number, uploaded: Map<string, KeyBatch[]>) {
  const { alloc, keys } = await keysForDeposit(
    sys.deployer,
    sys.addresses.router,
    n,
    uploadedKeySource(uploaded),
  );
  return { alloc, keys };
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
  body: {
    elRewards: bigint;
    modules: ModuleReportInput[];
    losses?: unknown[];
    exits?: unknown[];
    operatorExits?: unknown[];
  },
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
    operatorExits: body.operatorExits ?? [],
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
