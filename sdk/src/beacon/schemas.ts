/**
 * zod schemas mirroring the standard Beacon API (ethereum/beacon-APIs) JSON shapes for the subset
 * Cascade reads: every response is `{"data": ...}`, every number is a decimal string, every
 * byte string is `0x`-prefixed lowercase hex. The client validates through these; the simulator
 * test validates the simulator's responses against them, so both sides agree with the spec.
 */
import { z } from "zod";

/** `uint64` and gwei amounts: decimal strings (the spec's `Uint64`). */
export const Uint64 = z.string().regex(/^(0|[1-9][0-9]*)$/, "uint64 as a decimal string");
const hexOf = (bytes: number) =>
  z.string().regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`), `${bytes}-byte 0x-prefixed lowercase hex`);
export const Root = hexOf(32);
export const Pubkey = hexOf(48);
export const Signature = hexOf(96);
export const Version = hexOf(4);

export const VALIDATOR_STATUSES = [
  "pending_initialized",
  "pending_queued",
  "active_ongoing",
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
  "withdrawal_done",
] as const;
export const ValidatorStatus = z.enum(VALIDATOR_STATUSES);
export type ValidatorStatus = z.infer<typeof ValidatorStatus>;

/** GET /eth/v1/beacon/genesis */
export const GenesisResponse = z.object({
  data: z.object({
    genesis_time: Uint64,
    genesis_validators_root: Root,
    genesis_fork_version: Version,
  }),
});

/** GET /eth/v1/config/spec: a flat map of constants, all strings; we require the ones we use. */
export const SpecResponse = z.object({
  data: z
    .object({
      SECONDS_PER_SLOT: Uint64,
      SLOTS_PER_EPOCH: Uint64,
    })
    .catchall(z.string()),
});

/** GET /eth/v1/beacon/headers/head */
export const HeaderResponse = z.object({
  execution_optimistic: z.boolean(),
  finalized: z.boolean(),
  data: z.object({
    root: Root,
    canonical: z.boolean(),
    header: z.object({
      message: z.object({
        slot: Uint64,
        proposer_index: Uint64,
        parent_root: Root,
        state_root: Root,
        body_root: Root,
      }),
      signature: Signature,
    }),
  }),
});

export const Validator = z.object({
  index: Uint64,
  balance: Uint64,
  status: ValidatorStatus,
  validator: z.object({
    pubkey: Pubkey,
    withdrawal_credentials: Root,
    effective_balance: Uint64,
    slashed: z.boolean(),
    activation_eligibility_epoch: Uint64,
    activation_epoch: Uint64,
    exit_epoch: Uint64,
    withdrawable_epoch: Uint64,
  }),
});
export type Validator = z.infer<typeof Validator>;

/** GET /eth/v1/beacon/states/{state_id}/validators */
export const ValidatorsResponse = z.object({
  execution_optimistic: z.boolean(),
  finalized: z.boolean(),
  data: z.array(Validator),
});

/** The spec's error body (4xx/5xx). */
export const ErrorResponse = z.object({ code: z.number().int(), message: z.string() });

/** `FAR_FUTURE_EPOCH` = 2^64 − 1. */
export const FAR_FUTURE_EPOCH = (1n << 64n) - 1n;
