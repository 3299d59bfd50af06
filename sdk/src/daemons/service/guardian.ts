/**
 * `cascade guardian run`: one deposit guardian (DESIGN §2, §7). It serves, next to `/metrics` and
 * `/health`, `GET /attestation?module=M&block=N`: the guardian decides on module M from the chain
 * at block N as its own node sees it — never from the caller (`Guardian.decide`: every key a
 * deposit to M may use has no earlier `DepositEvent` and a valid deposit signature) — and, when
 * clean, returns its EIP-712 attestation (module id, the module's key nonce, deposit root, block),
 * so a keeper collects a quorum without holding any guardian key. On a violation it signs a pause
 * of module M only instead, submits it on-chain itself (`pauseModuleWithSignature`) and answers
 * 409 with the pause (any keeper may submit it too); the other modules' deposits go on. It
 * refuses (409, with the reason) when its node is on the wrong chain, N is not a recent block of
 * its chain, deposits are paused (globally, or to M). Its loop checks, every step, that it is
 * still a guardian and reports the chain's state as gauges.
 */
import { Contract, getAddress } from "ethers";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { DEPOSIT_CONTRACT_ABI, ROUTER_ABI } from "../abi.js";
import {
  Guardian,
  submitPause,
  type AttestationValue,
  type GuardianAddresses,
  type GuardianDecision,
  type KeyViolation,
} from "../guardian.js";
import { checkChain, type DaemonContext } from "./context.js";
import { classify, idle, oneLine, wait, type StepOutcome } from "./loop.js";
import type { DaemonMetrics } from "./metrics.js";

const SECURITY_ABI = [
  "function getGuardians() view returns (address[])",
  "function isPaused() view returns (bool)",
  "function isModulePaused(uint256 moduleId) view returns (bool)",
];

export const GUARDIAN_GAUGES = {
  last_block_seen: "latest block the guardian's node reported",
  last_block_signed: "block of the latest attestation this guardian signed",
  signatures_served: "attestations signed since start",
  pauses_signed: "module pauses signed since start (a module had a front-run or invalid key)",
  is_guardian: "1 while this key is a guardian of DepositSecurity",
  deposits_paused: "1 while DepositSecurity is paused for every module (the emergency pause)",
  modules_paused: "modules whose deposits a guardian paused",
};

/** The body of `GET /attestation` when the guardian attests (bigints as decimal strings). */
export interface SignedAttestation {
  address: string;
  value: Omit<AttestationValue, "keyNonce"> & { keyNonce: string };
  signature: string;
}

/** The body of a 409 from `GET /attestation` when the guardian found a violation and paused. */
export interface SignedPause {
  error: string;
  pause: {
    moduleId: number;
    blockNumber: number;
    pauseNonce: string;
    address: string;
    signature: string;
    violations: (Omit<KeyViolation, "operatorId"> & { operatorId: string })[];
  };
  /** The guardian's own `pauseWithSignature` transaction, when it sent one. */
  txHash?: string;
}

export class GuardianService {
  readonly guardian: Guardian;
  private readonly security: Contract;
  private readonly router: Contract;
  private signed = 0;
  private pauses = 0;

  constructor(
    readonly ctx: DaemonContext,
    readonly addresses: GuardianAddresses,
    readonly metrics: DaemonMetrics,
    readonly opts: { maxAgeBlocks?: number; log?: Logger } = {},
  ) {
    this.guardian = new Guardian(ctx.signer, addresses);
    this.security = new Contract(addresses.depositSecurity, SECURITY_ABI, ctx.provider);
    this.router = new Contract(addresses.router, ROUTER_ABI, ctx.provider);
  }

  async step(): Promise<StepOutcome> {
    const off = await checkChain(this.ctx);
    if (off) return off;
    const me = getAddress(await this.ctx.signer.getAddress());
    const block = await this.ctx.provider.getBlockNumber();
    this.metrics.set("last_block_seen", block);
    const guardians: string[] = (await this.security.getGuardians()).map((a: string) => getAddress(a));
    const paused: boolean = await this.security.isPaused();
    const moduleCount = Number(await this.router.moduleCount());
    let modulesPaused = 0;
    for (let m = 0; m < moduleCount; m++) if (await this.security.isModulePaused(m)) modulesPaused++;
    this.metrics.set("is_guardian", guardians.includes(me) ? 1 : 0);
    this.metrics.set("deposits_paused", paused ? 1 : 0);
    this.metrics.set("modules_paused", modulesPaused);
    if (!guardians.includes(me)) return wait(`${me} is not a guardian of DepositSecurity`);
    // The deposit contract answering is part of health: a guardian that cannot read it cannot sign.
    await new Contract(
      this.addresses.depositContract,
      DEPOSIT_CONTRACT_ABI,
      this.ctx.provider,
    ).get_deposit_root();
    return idle(paused ? "deposits are paused" : `watching at block ${block}`);
  }

  /**
   * Decides on module `moduleId` at `blockNumber`, read from this guardian's node: the signed
   * attestation, or (a violation) the pause it signed and submitted. Throws a reason when refusing.
   */
  async sign(
    moduleId: number,
    blockNumber: number,
  ): Promise<{ kind: "attest"; body: SignedAttestation } | { kind: "pause"; body: SignedPause }> {
    const off = await checkChain(this.ctx);
    if (off) throw new RefusedError(off.kind === "wait" ? off.reason : "wrong chain");
    const latest = await this.ctx.provider.getBlockNumber();
    const maxAge = this.opts.maxAgeBlocks ?? 32;
    if (!Number.isInteger(blockNumber) || blockNumber < 0 || blockNumber > latest)
      throw new RefusedError(`block ${blockNumber} is not a block of this chain yet (latest ${latest})`);
    if (latest - blockNumber > maxAge)
      throw new RefusedError(`block ${blockNumber} is older than ${maxAge} blocks (latest ${latest})`);
    if (!Number.isInteger(moduleId) || moduleId < 0 || moduleId >= Number(await this.router.moduleCount()))
      throw new RefusedError(`module ${moduleId} is not a module of the router`);
    if (await this.security.isPaused()) throw new RefusedError("deposits are paused");
    if (await this.security.isModulePaused(moduleId))
      throw new RefusedError(`deposits to module ${moduleId} are paused`);
    const d = await this.guardian.decide(moduleId, blockNumber);
    if (d.kind === "pause") return { kind: "pause", body: await this.pause(d) };
    this.signed++;
    this.metrics.set("last_block_signed", blockNumber);
    this.metrics.set("signatures_served", this.signed);
    return {
      kind: "attest",
      body: {
        address: getAddress(d.address),
        value: { ...d.value, keyNonce: d.value.keyNonce.toString() },
        signature: d.signature,
      },
    };
  }

  /** Submits a pause this guardian signed (a no-op when already paused); the 409 body. */
  private async pause(d: Extract<GuardianDecision, { kind: "pause" }>): Promise<SignedPause> {
    this.pauses++;
    this.metrics.set("pauses_signed", this.pauses);
    const what = d.violations
      .map((v) => `${v.reason} (operator ${v.operatorId} key ${v.keyIndex})`)
      .join(", ");
    const body: SignedPause = {
      error: `module ${d.moduleId} at block ${d.blockNumber}: ${what}; deposits to module ${d.moduleId} paused`,
      pause: {
        moduleId: d.moduleId,
        blockNumber: d.blockNumber,
        pauseNonce: d.pauseNonce.toString(),
        address: getAddress(d.address),
        signature: d.signature,
        violations: d.violations.map((v) => ({ ...v, operatorId: v.operatorId.toString() })),
      },
    };
    this.opts.log?.warn(
      { moduleId: d.moduleId, block: d.blockNumber, violations: what },
      "guardian: pausing",
    );
    try {
      const txHash = await submitPause(this.ctx.signer, this.addresses.depositSecurity, d);
      if (txHash) body.txHash = txHash;
    } catch (e) {
      // The signed pause is still answered: any keeper can submit it.
      this.opts.log?.error({ err: oneLine(e), kind: classify(e) }, "guardian: could not submit the pause");
    }
    return body;
  }

  /** Adds `GET /attestation?module=M&block=N` to the daemon's HTTP server. */
  routes(app: FastifyInstance): void {
    app.get("/attestation", async (req, reply) => {
      const q = req.query as { module?: string; block?: string };
      try {
        const m = q.module === undefined || q.module === "" ? NaN : Number(q.module);
        const n = q.block === undefined || q.block === "" ? NaN : Number(q.block);
        const out = await this.sign(m, n);
        if (out.kind === "pause") {
          reply.code(409);
          return out.body;
        }
        this.opts.log?.info({ module: m, block: n }, "guardian: signed attestation");
        return out.body;
      } catch (e) {
        const refused = e instanceof RefusedError;
        reply.code(refused ? 409 : 503);
        this.opts.log?.warn(
          { err: oneLine(e), kind: refused ? "refused" : classify(e) },
          "guardian: not signing",
        );
        return { error: oneLine(e) };
      }
    });
  }
}

/** A request the guardian will not sign, with the reason. */
export class RefusedError extends Error {
  override name = "RefusedError";
}
