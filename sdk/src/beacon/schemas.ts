/**
 * zod schemas mirroring the standard Beacon API (ethereum/beacon-APIs) JSON shapes for the subset
 * Cascade reads: every response is `{"data": ...}`, every number is a decimal string, every
 * byte string is `0x`-prefixed hex. The schemas accept everything the official OpenAPI schema
 * allows — hex in any case (normalized to lowercase here), extra keys, array and object values in
 * `config/spec`, error bodies with `stacktraces` — and nothing it forbids. `execution_optimistic`
 * and `finalized` are optional because older nodes omit them; the client reads a missing flag as
 * "not finalized" / "optimistic", never as trusted.
 */
import { z } from "zod";

/** `uint64` and gwei amounts: decimal strings (the spec's `Uint64`). */
export const Uint64 = z.string().regex(/^(0|[1-9][0-9]*)$/, "uint64 as a decimal string");
const hexOf = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `${bytes}-byte 0x-prefixed hex`)
    .transform((s) => s.toLowerCase());
export const Root = hexOf(32);
export const Pubkey = hexOf(48);
export const Signature = hexOf(96);
export const Version = hexOf(4);
export const ExecutionAddress = hexOf(20);

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

/** The metadata flags of state- and block-bound responses (required by the spec, absent on old nodes). */
const Meta = {
  execution_optimistic: z.boolean().optional(),
  finalized: z.boolean().optional(),
};

/** GET /eth/v1/beacon/genesis */
export const GenesisResponse = z.object({
  data: z.object({
    genesis_time: Uint64,
    genesis_validators_root: Root,
    genesis_fork_version: Version,
  }),
});

/**
 * GET /eth/v1/config/spec: a map of constants. Values are strings, or (since Fulu) arrays of
 * objects such as `BLOB_SCHEDULE`; any JSON value is accepted, the client reads the keys it uses.
 * `SECONDS_PER_SLOT` is optional: newer configs may carry `SLOT_DURATION_MS` instead.
 */
export const SpecResponse = z.object({
  data: z
    .object({
      SECONDS_PER_SLOT: Uint64.optional(),
      SLOT_DURATION_MS: Uint64.optional(),
      SLOTS_PER_EPOCH: Uint64,
    })
    .catchall(z.unknown()),
});

const HeaderMessage = z.object({
  slot: Uint64,
  proposer_index: Uint64,
  parent_root: Root,
  state_root: Root,
  body_root: Root,
});

/** GET /eth/v1/beacon/headers/{block_id} */
export const HeaderResponse = z.object({
  ...Meta,
  data: z.object({
    root: Root,
    canonical: z.boolean(),
    header: z.object({ message: HeaderMessage, signature: Signature }),
  }),
});

const Checkpoint = z.object({ epoch: Uint64, root: Root });
/**
 * GET /eth/v1/beacon/states/{state_id}/finality_checkpoints. Some Erigon versions name the keys
 * `*_checkpoint`; both spellings are read.
 */
export const FinalityResponse = z.object({
  ...Meta,
  data: z.union([
    z.object({ previous_justified: Checkpoint, current_justified: Checkpoint, finalized: Checkpoint }),
    z
      .object({
        previous_justified_checkpoint: Checkpoint,
        current_justified_checkpoint: Checkpoint,
        finalized_checkpoint: Checkpoint,
      })
      .transform((d) => ({
        previous_justified: d.previous_justified_checkpoint,
        current_justified: d.current_justified_checkpoint,
        finalized: d.finalized_checkpoint,
      })),
  ]),
});

export const Withdrawal = z.object({
  index: Uint64,
  validator_index: Uint64,
  address: ExecutionAddress,
  amount: Uint64,
});

/**
 * GET /eth/v2/beacon/blocks/{block_id}: only what the oracle reads — the slot and, from Bellatrix
 * on, the execution payload's block number/hash and (from Capella on) its withdrawals.
 */
export const BlockResponse = z.object({
  version: z.string().optional(),
  ...Meta,
  data: z.object({
    message: z.object({
      slot: Uint64,
      proposer_index: Uint64,
      parent_root: Root,
      state_root: Root,
      body: z
        .object({
          execution_payload: z
            .object({
              block_number: Uint64,
              block_hash: Root,
              timestamp: Uint64.optional(),
              withdrawals: z.array(Withdrawal).optional(),
            })
            .optional(),
        })
        .passthrough(),
    }),
    signature: Signature,
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

/** GET/POST /eth/v1/beacon/states/{state_id}/validators */
export const ValidatorsResponse = z.object({
  ...Meta,
  data: z.array(Validator),
});

/** The spec's error body (4xx/5xx); clients may add `stacktraces` or `failures`. */
export const ErrorResponse = z.object({
  code: z.union([z.number().int(), z.string()]),
  message: z.string(),
  stacktraces: z.array(z.string()).optional(),
});

/** `FAR_FUTURE_EPOCH` = 2^64 − 1. */
export const FAR_FUTURE_EPOCH = (1n << 64n) - 1n;
