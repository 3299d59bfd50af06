/**
 * Base class of every error the Cascade SDK throws on purpose. `shortMessage` is the one line a
 * CLI prints; `details` adds context for logs; `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * import { CascadeError } from "./errors.js";
 * try {
 *   throw new CascadeError("deposit failed", { details: "node unreachable" });
 * } catch (e) {
 *   if (e instanceof CascadeError) console.error(e.shortMessage); // "deposit failed"
 * }
 * ```
 */
export class CascadeError extends Error {
  override name = "CascadeError";
  readonly shortMessage: string;
  readonly details?: string;
  override readonly cause?: unknown;

  constructor(shortMessage: string, options: { cause?: unknown; details?: string } = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage);
    this.shortMessage = shortMessage;
    if (options.details !== undefined) this.details = options.details;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * A caller passed a value the SDK refuses before doing any work (bad hex, wrong length,
 * malformed options). Nothing was sent or signed.
 *
 * @example
 * ```ts
 * import { InvalidInputError } from "./errors.js";
 * const err = new InvalidInputError("forkVersion must be 4 bytes", { details: "got 0x00" });
 * console.log(err instanceof Error, err.shortMessage);
 * ```
 */
export class InvalidInputError extends CascadeError {
  override name = "InvalidInputError";
}
