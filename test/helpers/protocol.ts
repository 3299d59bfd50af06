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

/**
 * Guardians check module `moduleId`'s depositable keys (no earlier deposit, valid BLS signature)
 * and sign (module id, its key nonce, deposit root, latest block) with EIP-712; signers ascending.
 * Key bytes come from `uploaded` when given, else from the modules' `KeysAdded` events.
 */
export async function attest(
  sys: System,
  guardians: Signer[],
  moduleId: number,
  uploaded?: Map<string, KeyBatch[]>,
) {
  const addresses = {
    router: sys.addresses.router,
    depositContract: sys.addresses.depositContract,
    depositSecurity: sys.addresses.depositSecurity,
  };
  const keySource = uploaded ? uploadedKeySource(uploaded) : undefined;
  return attestAll(
    guardians.map((g) => new Guardian(g, addresses, { keySource })),
    moduleId,
  );
}

/**
 * What the keeper does for `n` validators: module by module, that module's share of an
 * allocation of what is left of `n`, its keys and its own guardian attestation, one
 * `depositToBeacon(moduleId, …)` each. `hooks.before(id, left, alloc)` runs before each call
 * (checks), `hooks.after(id, count)` after it. Returns validators deposited per module.
 */
export async function depositAll(
  sys: System,
  n: number | bigint,
  uploaded: Map<string, KeyBatch[]>,
  guardians: Signer[],
  hooks: {
    before?: (moduleId: number, left: bigint, alloc: bigint[]) => Promise<void> | void;
    after?: (moduleId: number, count: bigint) => Promise<void> | void;
  } = {},
): Promise<{ alloc: bigint[]; total: bigint }> {
  const count = Number(await sys.router.moduleCount());
  const alloc: bigint[] = Array(count).fill(0n);
  let total = 0n;
  for (let id = 0; id < count && total < BigInt(n); id++) {
    const left = BigInt(n) - total;
    const { alloc: a, keys } = await keysForDeposit(
      sys.deployer,
      sys.addresses.router,
      left,
      uploadedKeySource(uploaded),
      id,
    );
    if (a[id] === 0n) continue;
    if (hooks.before) await hooks.before(id, left, a);
    const att = await attest(sys, guardians, id, uploaded);
    await (await sys.router.depositToBeacon(id, left, keys[id], att)).wait();
    alloc[id] += a[id];
    total += a[id];
    if (hooks.after) await hooks.after(id, a[id]);
  }
  return { alloc, total };
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
