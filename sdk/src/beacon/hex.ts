/** Hex/byte helpers shared by the beacon modules. Inputs are validated; errors are InvalidInputError. */
import { InvalidInputError } from "../errors.js";

/** Bytes given either as a Uint8Array or as hex, with or without `0x`, any case. */
export type BytesInput = Uint8Array | string;

const HEX_RE = /^(0x)?[0-9a-fA-F]*$/;

/**
 * Lowercase hex of `bytes`, with `0x` unless `prefix` is false (the deposit-cli writes none).
 *
 * @example
 * ```ts
 * bytesToHex(Uint8Array.of(1, 171));        // "0x01ab"
 * bytesToHex(Uint8Array.of(1, 171), false); // "01ab"
 * ```
 */
export function bytesToHex(bytes: Uint8Array, prefix = true): string {
  return (prefix ? "0x" : "") + Buffer.from(bytes).toString("hex");
}

/**
 * Parse `input` into bytes, checking it is hex and, when `length` is given, exactly that many
 * bytes. `name` labels the error.
 *
 * @example
 * ```ts
 * parseBytes("0x00000000", "forkVersion", 4); // Uint8Array(4) [0, 0, 0, 0]
 * parseBytes("abc", "forkVersion", 4);        // throws InvalidInputError
 * ```
 */
export function parseBytes(input: BytesInput, name: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof input === "string") {
    if (!HEX_RE.test(input)) throw new InvalidInputError(`${name} is not hex`, { details: input });
    const digits = input.startsWith("0x") ? input.slice(2) : input;
    if (digits.length % 2 !== 0) {
      throw new InvalidInputError(`${name} has an odd number of hex digits`, { details: input });
    }
    bytes = Uint8Array.from(Buffer.from(digits, "hex"));
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else {
    throw new InvalidInputError(`${name} must be a Uint8Array or a hex string`);
  }
  if (length !== undefined && bytes.length !== length) {
    throw new InvalidInputError(`${name} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}
