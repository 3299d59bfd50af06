/**
 * `cascade guardian run`: one deposit guardian (DESIGN §2). It serves, next to `/metrics` and
 * `/health`, `GET /attestation?block=N`: the guardian reads the deposit root and the modules' key
 * nonces at block N from its own node — never from the caller — and returns its EIP-712
 * signature over them, so a keeper collects a quorum without holding any guardian key. It
 * refuses (409, with the reason) when its node is on the wrong chain, N is not a recent block of
 * its chain, or deposits are paused. Its loop checks, every step, that it is still a guardian and
 * reports the chain's state as gauges.
 */
import { Contract, getAddress } from "ethers";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { DEPOSIT_CONTRACT_ABI } from "../abi.js";
import { Guardian, attestationValue, type GuardianAddresses } from "../guardian.js";
import { checkChain, type DaemonContext } from "./context.js";
import { classify, idle, oneLine, wait, type StepOutcome } from "./loop.js";
import type { DaemonMetrics } from "./metrics.js";

const SECURITY_ABI = [
  "function getGuardians() view returns (address[])",
  "function isPaused() view returns (bool)",
];

export const GUARDIAN_GAUGES = {
  last_block_seen: "latest block the guardian's node reported",
  last_block_signed: "block of the latest attestation this guardian signed",
  signatures_served: "attestations signed since start",
  is_guardian: "1 while this key is a guardian of DepositSecurity",
  deposits_paused: "1 while DepositSecurity is paused",
};

/** The body of `GET /attestation`. */
export interface SignedAttestation {
  address: string;
  value: { depositRoot: string; keyNoncesHash: string; blockNumber: number; blockHash: string };
  signature: string;
}

export class GuardianService {
  readonly guardian: Guardian;
  private readonly security: Contract;
  private signed = 0;

  constructor(
    readonly ctx: DaemonContext,
    readonly addresses: GuardianAddresses,
    readonly metrics: DaemonMetrics,
    readonly opts: { maxAgeBlocks?: number; log?: Logger } = {},
  ) {
    this.guardian = new Guardian(ctx.signer, addresses);
    this.security = new Contract(addresses.depositSecurity, SECURITY_ABI, ctx.provider);
  }

  async step(): Promise<StepOutcome> {
    const off = await checkChain(this.ctx);
    if (off) return off;
    const me = getAddress(await this.ctx.signer.getAddress());
    const block = await this.ctx.provider.getBlockNumber();
    this.metrics.set("last_block_seen", block);
    const guardians: string[] = (await this.security.getGuardians()).map((a: string) => getAddress(a));
    const paused: boolean = await this.security.isPaused();
    this.metrics.set("is_guardian", guardians.includes(me) ? 1 : 0);
    this.metrics.set("deposits_paused", paused ? 1 : 0);
    if (!guardians.includes(me)) return wait(`${me} is not a guardian of DepositSecurity`);
    // The deposit contract answering is part of health: a guardian that cannot read it cannot sign.
    await new Contract(
      this.addresses.depositContract,
      DEPOSIT_CONTRACT_ABI,
      this.ctx.provider,
    ).get_deposit_root();
    return idle(paused ? "deposits are paused" : `watching at block ${block}`);
  }

  /** Signs the attestation value of `blockNumber`, read from this guardian's node; throws a reason. */
  async sign(blockNumber: number): Promise<SignedAttestation> {
    const off = await checkChain(this.ctx);
    if (off) throw new RefusedError(off.kind === "wait" ? off.reason : "wrong chain");
    const latest = await this.ctx.provider.getBlockNumber();
    const maxAge = this.opts.maxAgeBlocks ?? 32;
    if (!Number.isInteger(blockNumber) || blockNumber < 0 || blockNumber > latest)
      throw new RefusedError(`block ${blockNumber} is not a block of this chain yet (latest ${latest})`);
    if (latest - blockNumber > maxAge)
      throw new RefusedError(`block ${blockNumber} is older than ${maxAge} blocks (latest ${latest})`);
    if (await this.security.isPaused()) throw new RefusedError("deposits are paused");
    const value = await attestationValue(this.ctx.signer, this.addresses, blockNumber);
    const { address, signature } = await this.guardian.sign(value);
    this.signed++;
    this.metrics.set("last_block_signed", blockNumber);
    this.metrics.set("signatures_served", this.signed);
    return { address: getAddress(address), value, signature };
  }

  /** Adds `GET /attestation?block=N` to the daemon's HTTP server. */
  routes(app: FastifyInstance): void {
    app.get("/attestation", async (req, reply) => {
      const q = req.query as { block?: string };
      try {
        const n = Number(q.block);
        const out = await this.sign(n);
        this.opts.log?.info({ block: n }, "guardian: signed attestation");
        return out;
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
