/**
 * A small Beacon API client (fetch, no dependencies beyond zod). Every response is validated
 * against the spec's JSON shape (./schemas.ts) before use, and numbers come back as bigint.
 * It talks to any beacon node — the devnet simulator or a real client — and the oracle reads
 * the beacon chain only through it.
 *
 * @example
 * ```ts
 * const api = new BeaconApi("http://127.0.0.1:5052");
 * const { secondsPerSlot } = await api.spec();
 * const vals = await api.validators("head", { ids: ["0xa1…"] });
 * ```
 */
import type { z } from "zod";
import { CascadeError } from "../errors.js";
import {
  ErrorResponse,
  GenesisResponse,
  HeaderResponse,
  SpecResponse,
  ValidatorsResponse,
  type ValidatorStatus,
} from "./schemas.js";

export class BeaconApiError extends CascadeError {
  override name = "BeaconApiError";
  readonly status?: number;
  constructor(shortMessage: string, options: { cause?: unknown; details?: string; status?: number } = {}) {
    super(shortMessage, options);
    if (options.status !== undefined) this.status = options.status;
  }
}

export interface BeaconValidator {
  index: bigint;
  /** gwei */
  balance: bigint;
  status: ValidatorStatus;
  pubkey: string;
  withdrawalCredentials: string;
  /** gwei */
  effectiveBalance: bigint;
  slashed: boolean;
  activationEligibilityEpoch: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
}

export interface BeaconSpec {
  secondsPerSlot: bigint;
  slotsPerEpoch: bigint;
  raw: Record<string, string>;
}

/** `head`, `genesis`, `finalized`, `justified`, a slot number or a 0x state root. */
export type StateId = "head" | "genesis" | "finalized" | "justified" | bigint | number | string;

export class BeaconApi {
  readonly baseUrl: string;
  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async genesis(): Promise<{ genesisTime: bigint; genesisValidatorsRoot: string; forkVersion: string }> {
    const r = await this.get("/eth/v1/beacon/genesis", GenesisResponse);
    return {
      genesisTime: BigInt(r.data.genesis_time),
      genesisValidatorsRoot: r.data.genesis_validators_root,
      forkVersion: r.data.genesis_fork_version,
    };
  }

  async spec(): Promise<BeaconSpec> {
    const r = await this.get("/eth/v1/config/spec", SpecResponse);
    return {
      secondsPerSlot: BigInt(r.data.SECONDS_PER_SLOT),
      slotsPerEpoch: BigInt(r.data.SLOTS_PER_EPOCH),
      raw: r.data as Record<string, string>,
    };
  }

  async headSlot(): Promise<bigint> {
    const r = await this.get("/eth/v1/beacon/headers/head", HeaderResponse);
    return BigInt(r.data.header.message.slot);
  }

  /**
   * Validators of a state, optionally filtered by pubkeys/indices (`id`) and statuses. Ids are
   * sent in chunks of 64 so URLs stay short on real nodes.
   */
  async validators(
    stateId: StateId,
    filter: { ids?: (string | bigint | number)[]; statuses?: ValidatorStatus[] } = {},
  ): Promise<BeaconValidator[]> {
    const ids = filter.ids?.map(String);
    const chunks: (string[] | undefined)[] = ids === undefined ? [undefined] : chunk(ids, 64);
    const out: BeaconValidator[] = [];
    for (const c of chunks) {
      if (c !== undefined && c.length === 0) continue;
      const q = new URLSearchParams();
      if (c) q.set("id", c.join(","));
      if (filter.statuses?.length) q.set("status", filter.statuses.join(","));
      const qs = q.toString();
      const r = await this.get(
        `/eth/v1/beacon/states/${encodeURIComponent(String(stateId))}/validators${qs ? "?" + qs : ""}`,
        ValidatorsResponse,
      );
      for (const v of r.data) out.push(toValidator(v));
    }
    out.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    return out;
  }

  private async get<S extends z.ZodTypeAny>(path: string, schema: S): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new BeaconApiError(`beacon node unreachable at ${this.baseUrl}`, { cause, details: path });
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const e = ErrorResponse.safeParse(body);
      throw new BeaconApiError(`beacon node answered ${res.status} for ${path}`, {
        status: res.status,
        details: e.success ? e.data.message : JSON.stringify(body),
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new BeaconApiError(`beacon node response for ${path} does not match the Beacon API`, {
        details: parsed.error.message,
      });
    return parsed.data;
  }
}

function toValidator(v: z.infer<typeof ValidatorsResponse>["data"][number]): BeaconValidator {
  return {
    index: BigInt(v.index),
    balance: BigInt(v.balance),
    status: v.status,
    pubkey: v.validator.pubkey,
    withdrawalCredentials: v.validator.withdrawal_credentials,
    effectiveBalance: BigInt(v.validator.effective_balance),
    slashed: v.validator.slashed,
    activationEligibilityEpoch: BigInt(v.validator.activation_eligibility_epoch),
    activationEpoch: BigInt(v.validator.activation_epoch),
    exitEpoch: BigInt(v.validator.exit_epoch),
    withdrawableEpoch: BigInt(v.validator.withdrawable_epoch),
  };
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out.length ? out : [[]];
}
