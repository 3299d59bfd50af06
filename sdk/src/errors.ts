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

/**
 * A contract call reverted. `errorName` is the custom error's name from the ABI (or `Error` /
 * `Panic` for the built-ins, `unknown` when the data matches no known ABI), `args` its values.
 * Thrown before anything is mined when the revert shows up in gas estimation, so nothing was sent.
 *
 * @example
 * ```ts
 * import { ContractRevertError } from "./errors.js";
 * const err = new ContractRevertError("CoverTooLow", [0n, 2000n, 2500n]);
 * console.log(err.shortMessage); // "reverted: CoverTooLow(0, 2000, 2500)"
 * ```
 */
export class ContractRevertError extends CascadeError {
  override name = "ContractRevertError";
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly data?: string;

  constructor(errorName: string, args: readonly unknown[], options: { cause?: unknown; data?: string } = {}) {
    // OpenZeppelin's AccessControlUnauthorizedAccount(account, role): name the role.
    const shown =
      errorName === "AccessControlUnauthorizedAccount"
        ? args.map((a, i) => (i === 1 && typeof a === "string" ? (ROLE_NAMES[a.toLowerCase()] ?? a) : a))
        : args;
    super(`reverted: ${errorName}(${shown.map(formatArg).join(", ")})`, {
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      ...(options.data !== undefined ? { details: `revert data ${options.data}` } : {}),
    });
    this.errorName = errorName;
    this.args = args;
    if (options.data !== undefined) this.data = options.data;
  }
}

/** Something other than a revert went wrong talking to the node (network, nonce, funds). */
export class TransactionError extends CascadeError {
  override name = "TransactionError";
}

function formatArg(a: unknown): string {
  if (typeof a === "bigint") return a.toString();
  if (typeof a === "string") return a;
  if (Array.isArray(a)) return `[${a.map(formatArg).join(", ")}]`;
  return String(a);
}

/** Minimal shape of an ethers `Interface` this file needs (keeps errors.ts free of ethers imports). */
export interface ErrorDecoder {
  parseError(data: string): { name: string; args: ArrayLike<unknown> } | null;
}

const PANIC_REASONS: Record<number, string> = {
  0x01: "assert",
  0x11: "arithmetic overflow",
  0x12: "division by zero",
  0x21: "bad enum value",
  0x32: "array out of bounds",
  0x41: "out of memory",
};

/** Finds revert data (`0x` + 4-byte selector …) anywhere in an ethers / provider error chain. */
function findRevertData(error: unknown, depth = 0, seen = new Set<unknown>()): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6 || seen.has(error)) return undefined;
  seen.add(error);
  const e = error as Record<string, unknown>;
  for (const key of ["data", "revertData"]) {
    const v = e[key];
    if (typeof v === "string" && /^0x[0-9a-fA-F]{8}/.test(v)) return v;
    if (v && typeof v === "object") {
      const inner = (v as Record<string, unknown>).data;
      if (typeof inner === "string" && /^0x[0-9a-fA-F]{8}/.test(inner)) return inner;
    }
  }
  for (const key of ["error", "info", "cause", "revert", "payload"]) {
    const found = findRevertData(e[key], depth + 1, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * Turns whatever a provider or ethers threw into a {@link CascadeError}: a revert becomes a
 * {@link ContractRevertError} named after the custom error in one of `interfaces` (ethers
 * `Interface`s of the Cascade contracts); `Error(string)` and `Panic(uint256)` are decoded too;
 * anything else becomes a {@link TransactionError} with the node's short message. A
 * `CascadeError` passes through unchanged.
 *
 * @example
 * ```ts
 * import { Interface } from "ethers";
 * import { CascadePoolAbi } from "./abi/index.js";
 * import { decodeRevert } from "./errors.js";
 * const iface = new Interface(CascadePoolAbi);
 * const data = iface.encodeErrorResult("ClassClosed", [1n]);
 * console.log(decodeRevert({ data }, [iface]).shortMessage); // "reverted: ClassClosed(1)"
 * ```
 */
export function decodeRevert(error: unknown, interfaces: readonly ErrorDecoder[]): CascadeError {
  if (error instanceof CascadeError) return error;
  const data = findRevertData(error);
  if (data !== undefined) {
    const selector = data.slice(0, 10).toLowerCase();
    if (selector === "0x08c379a0" || selector === "0x4e487b71") {
      for (const iface of interfaces) {
        try {
          const parsed = iface.parseError(data);
          if (parsed) {
            const arg = parsed.args[0];
            if (parsed.name === "Panic") {
              const code = Number(arg);
              return new ContractRevertError("Panic", [PANIC_REASONS[code] ?? `0x${code.toString(16)}`], {
                cause: error,
                data,
              });
            }
            return new ContractRevertError("Error", [String(arg)], { cause: error, data });
          }
        } catch {
          /* try the next interface */
        }
      }
    }
    for (const iface of interfaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed)
          return new ContractRevertError(parsed.name, Array.from(parsed.args), { cause: error, data });
      } catch {
        /* try the next interface */
      }
    }
    return new ContractRevertError("unknown", [selector], { cause: error, data });
  }
  const e = error as { shortMessage?: unknown; message?: unknown; code?: unknown } | null;
  const msg =
    (typeof e?.shortMessage === "string" && e.shortMessage) ||
    (typeof e?.message === "string" && e.message.split("\n")[0]) ||
    String(error);
  if (e?.code === "CALL_EXCEPTION") return new ContractRevertError("unknown", [msg], { cause: error });
  return new TransactionError(msg, { cause: error });
}

/**
 * Role names by their bytes32 id (keccak256 of the name; DEFAULT_ADMIN_ROLE is zero): a revert
 * `AccessControlUnauthorizedAccount(account, role)` reads with the role's name, not its hash.
 * test/sdk/errors.test.ts checks every *_ROLE of contracts/ is here and each id is keccak256(name).
 */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
  ["0x" + "00".repeat(32)]: "DEFAULT_ADMIN_ROLE",
  "0x903908066953e990375e6872d8b9609154ed6cd413ddc39878128191ab2c5f43": "ACCOUNTING_ROLE",
  "0x68bf109b95a5c15fb2bb99041323c27d15f8675e11bf7420a1cd6ad64c394f46": "ALLOCATOR_ROLE",
  "0x12dd2ec8616ddd4a13970e4c16ceb3fceb0139d6ff8ef0141226a7ccdbfb2b64": "CLASS_MANAGER_ROLE",
  "0x663388a94669d77ba62a0ed8616c1b42713aebc61a1e5ee92a7ce2041d7bb687": "CURVE_MANAGER_ROLE",
  "0x60b2119b32dc902a4a58d61ddd4eb96c7262d88a15e0f19a6fe4364d5bc2b75c": "EXIT_MANAGER_ROLE",
  "0x79dfcec784e591aafcf60db7db7b029a5c8b12aac4afd4e8c4eb740430405fa6": "MODULE_MANAGER_ROLE",
  "0x001fdceeaab2d33566b504ecfe97e6dc3cf82cc816e696d9fe5cce35954bed17": "OPERATOR_MANAGER_ROLE",
  "0x65d7a28e3265b37a6474929f336521b332c1681b933f6cb9f3376673440d862a": "PAUSER_ROLE",
  "0xa5df84d05f94c8e589750a34f9631c6df369aabc0811ccbbd233872ff60aec66": "REPUTATION_MANAGER_ROLE",
  "0xe7eacf7cc2d36ef10100f2b3769b5fbcb72ea7e6a79ce064f046f81f5cf2dbeb": "SERVICES_ROLE",
  "0x09717ac20005278352439ebfe1b489a0fa1eccb8e4f93830ef8886bb58ec7bc5": "SERVICE_MANAGER_ROLE",
  "0x18d7d437a2d7905ef3353a5b94dadd41c37b2e3c79053f87c83493c081d7315a": "VETO_ROLE",
  "0xb09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1": "PROPOSER_ROLE",
  "0xd8aa0f3194971a2a116679f7c2090f6939c8d4e01a2a8d7e41d55e5351469e63": "EXECUTOR_ROLE",
  "0xfd643c72710c63c0180259aba6b2d05451e3591a24e58b62239378085726f783": "CANCELLER_ROLE",
};
