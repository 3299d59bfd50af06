/**
 * A small Beacon API client (fetch, no dependencies beyond zod). Every response is validated
 * against the spec's JSON shape (./schemas.ts) before use, and numbers come back as bigint.
 * It talks to any beacon node — the devnet simulator or a real client — and the oracle reads
 * the beacon chain only through it.
 *
 * Conformance: it accepts every response the official schema allows (see ./schemas.ts); a
 * response without `finalized`/`execution_optimistic` (older nodes) is read as not finalized and
 * optimistic. Validator sets above the spec's 64 ids go through `POST …/validators` (falling
 * back to GETs of 64 ids when a node lacks the POST route); GETs repeat the `id` parameter rather
 * than joining ids with commas, which some clients cap at 20. Requests time out after
 * `timeoutMs` (default 60 s: historical states are slow on archive nodes) and are retried
 * `retries` times (default 2) on network errors, timeouts and 5xx answers, never on 4xx.
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
  BlockResponse,
  ErrorResponse,
  FinalityResponse,
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
  /** Every key the node returned; values are strings, arrays or objects as served. */
  raw: Record<string, unknown>;
}

/** Whether the node vouches for a state or block: both must hold before the oracle trusts it. */
export interface Trust {
  /** `finalized: true` was present. */
  finalized: boolean;
  /** `execution_optimistic` was not `false` (absent counts as optimistic). */
  optimistic: boolean;
}

export interface BeaconHeader extends Trust {
  slot: bigint;
  root: string;
  stateRoot: string;
  parentRoot: string;
  canonical: boolean;
}

export interface BeaconWithdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: string;
  /** gwei */
  amount: bigint;
}

export interface BeaconBlock extends Trust {
  slot: bigint;
  /** The parent block's root: walking these visits exactly the canonical chain's blocks. */
  parentRoot: string;
  /** Absent before Bellatrix. */
  execution?: { blockNumber: bigint; blockHash: string; withdrawals: BeaconWithdrawal[] } | undefined;
}

export interface FinalityCheckpoints extends Trust {
  finalizedEpoch: bigint;
  finalizedRoot: string;
  currentJustifiedEpoch: bigint;
}

/** `head`, `genesis`, `finalized`, `justified`, a slot number or a 0x state root. */
export type StateId = "head" | "genesis" | "finalized" | "justified" | bigint | number | string;

/** The spec's cap on `id` values in one GET. */
export const MAX_GET_IDS = 64;

export class BeaconApi {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  constructor(baseUrl: string, timeoutMs: number | { timeoutMs?: number; retries?: number } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    const o = typeof timeoutMs === "number" ? { timeoutMs } : timeoutMs;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.retries = o.retries ?? 2;
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
    const d = r.data;
    let secondsPerSlot: bigint;
    if (d.SECONDS_PER_SLOT !== undefined) secondsPerSlot = BigInt(d.SECONDS_PER_SLOT);
    else if (d.SLOT_DURATION_MS !== undefined) secondsPerSlot = BigInt(d.SLOT_DURATION_MS) / 1000n;
    else
      throw new BeaconApiError("beacon node spec has neither SECONDS_PER_SLOT nor SLOT_DURATION_MS", {
        details: "/eth/v1/config/spec",
      });
    return { secondsPerSlot, slotsPerEpoch: BigInt(d.SLOTS_PER_EPOCH), raw: d as Record<string, unknown> };
  }

  async headSlot(): Promise<bigint> {
    return (await this.header("head")).slot;
  }

  /** Block header by `head`, `finalized`, slot or 0x root; null when the slot is empty (404). */
  async header(blockId: StateId): Promise<BeaconHeader> {
    const r = await this.get(`/eth/v1/beacon/headers/${encodeURIComponent(String(blockId))}`, HeaderResponse);
    return {
      ...trust(r),
      slot: BigInt(r.data.header.message.slot),
      root: r.data.root,
      stateRoot: r.data.header.message.state_root,
      parentRoot: r.data.header.message.parent_root,
      canonical: r.data.canonical,
    };
  }

  /** Block by id (`/eth/v2/beacon/blocks`); null when there is no block at that slot (404). */
  async block(blockId: StateId): Promise<BeaconBlock | null> {
    let r: z.infer<typeof BlockResponse>;
    try {
      r = await this.get(`/eth/v2/beacon/blocks/${encodeURIComponent(String(blockId))}`, BlockResponse);
    } catch (e) {
      if (e instanceof BeaconApiError && e.status === 404) return null;
      throw e;
    }
    const p = r.data.message.body.execution_payload;
    return {
      ...trust(r),
      slot: BigInt(r.data.message.slot),
      parentRoot: r.data.message.parent_root.toLowerCase(),
      execution: p && {
        blockNumber: BigInt(p.block_number),
        blockHash: p.block_hash,
        withdrawals: (p.withdrawals ?? []).map((w) => ({
          index: BigInt(w.index),
          validatorIndex: BigInt(w.validator_index),
          address: w.address.toLowerCase(),
          amount: BigInt(w.amount),
        })),
      },
    };
  }

  async finalityCheckpoints(stateId: StateId = "head"): Promise<FinalityCheckpoints> {
    const r = await this.get(
      `/eth/v1/beacon/states/${encodeURIComponent(String(stateId))}/finality_checkpoints`,
      FinalityResponse,
    );
    return {
      ...trust(r),
      finalizedEpoch: BigInt(r.data.finalized.epoch),
      finalizedRoot: r.data.finalized.root,
      currentJustifiedEpoch: BigInt(r.data.current_justified.epoch),
    };
  }

  /**
   * Validators of a state, optionally filtered by pubkeys/indices (`id`) and statuses, sorted by
   * index.
   */
  async validators(
    stateId: StateId,
    filter: { ids?: (string | bigint | number)[]; statuses?: ValidatorStatus[] } = {},
  ): Promise<BeaconValidator[]> {
    return (await this.validatorsWithTrust(stateId, filter)).validators;
  }

  /** {@link validators} plus whether every answer was finalized and not optimistic. */
  async validatorsWithTrust(
    stateId: StateId,
    filter: { ids?: (string | bigint | number)[]; statuses?: ValidatorStatus[] } = {},
  ): Promise<Trust & { validators: BeaconValidator[] }> {
    const ids =
      filter.ids === undefined ? undefined : [...new Set(filter.ids.map((i) => String(i).toLowerCase()))];
    const path = `/eth/v1/beacon/states/${encodeURIComponent(String(stateId))}/validators`;
    const answers: z.infer<typeof ValidatorsResponse>[] = [];
    if (ids !== undefined && ids.length === 0) return { finalized: true, optimistic: false, validators: [] };
    if (ids === undefined || ids.length <= MAX_GET_IDS) {
      answers.push(await this.get(path + query(ids, filter.statuses), ValidatorsResponse));
    } else {
      try {
        answers.push(
          await this.request(path, ValidatorsResponse, {
            method: "POST",
            body: JSON.stringify({ ids, statuses: filter.statuses ?? null }),
          }),
        );
      } catch (e) {
        // A node without the POST route (405/501): fall back to GETs of at most 64 ids.
        if (!(e instanceof BeaconApiError && (e.status === 405 || e.status === 501))) throw e;
        for (let i = 0; i < ids.length; i += MAX_GET_IDS)
          answers.push(
            await this.get(path + query(ids.slice(i, i + MAX_GET_IDS), filter.statuses), ValidatorsResponse),
          );
      }
    }
    const seen = new Map<bigint, BeaconValidator>();
    for (const a of answers) for (const v of a.data) seen.set(BigInt(v.index), toValidator(v));
    const out = [...seen.values()].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    return {
      finalized: answers.every((a) => a.finalized === true),
      optimistic: answers.some((a) => a.execution_optimistic !== false),
      validators: out,
    };
  }

  private get<S extends z.ZodTypeAny>(path: string, schema: S): Promise<z.infer<S>> {
    return this.request(path, schema, { method: "GET" });
  }

  private async request<S extends z.ZodTypeAny>(
    path: string,
    schema: S,
    init: { method: "GET" | "POST"; body?: string },
  ): Promise<z.infer<S>> {
    let lastError: BeaconApiError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await fetch(this.baseUrl + path, {
          method: init.method,
          headers: {
            accept: "application/json",
            ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(init.body !== undefined ? { body: init.body } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (cause) {
        lastError = new BeaconApiError(`beacon node unreachable at ${this.baseUrl}`, {
          cause,
          details: path,
        });
        continue;
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        const e = ErrorResponse.safeParse(body);
        lastError = new BeaconApiError(`beacon node answered ${res.status} for ${path}`, {
          status: res.status,
          details: e.success ? e.data.message : JSON.stringify(body),
        });
        if (res.status >= 500 && res.status !== 501) continue;
        throw lastError;
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        throw new BeaconApiError(`beacon node response for ${path} does not match the Beacon API`, {
          details: parsed.error.message,
        });
      return parsed.data;
    }
    throw lastError!;
  }
}

function trust(r: { finalized?: boolean | undefined; execution_optimistic?: boolean | undefined }): Trust {
  return { finalized: r.finalized === true, optimistic: r.execution_optimistic !== false };
}

/** `?id=a&id=b&status=s` — repeated parameters, the form every client accepts. */
function query(ids: string[] | undefined, statuses: ValidatorStatus[] | undefined): string {
  const q = new URLSearchParams();
  for (const id of ids ?? []) q.append("id", id);
  for (const s of statuses ?? []) q.append("status", s);
  const qs = q.toString();
  return qs ? "?" + qs : "";
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
