/**
 * The one base error of the SDK: a short human message plus the underlying cause.
 * Kept minimal on purpose (several parts of the SDK add to it).
 */
export class CascadeError extends Error {
  override name = "CascadeError";
  readonly shortMessage: string;
  override readonly cause?: unknown;

  constructor(shortMessage: string, options: { cause?: unknown; details?: string } = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage);
    this.shortMessage = shortMessage;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** Input rejected before any work is done (bad parameters, malformed graph, unknown ids). */
export class InvalidInputError extends CascadeError {
  override name = "InvalidInputError";
}
