/**
 * Encoders for the governance calls the timelock makes (targets + calldata), for
 * {@link proposeCall} and {@link executeProposal}. Each validates its params with zod.
 */
import { id as keccakText, ZeroHash } from "ethers";
import { z } from "zod";
import type { CascadeClient } from "../client.js";
import { InvalidInputError } from "../errors.js";
import { namedContracts } from "../governance/decode.js";
import { operatorKey, parse, zAddress, zClassId, zEthOrZero, zId, zUint } from "./internal.js";

/** One call the timelock will make. */
export interface TimelockCall {
  target: string;
  value: bigint;
  data: string;
  /** Human-readable description, e.g. "router.setModuleStatus(1, Paused)". */
  label: string;
}

const bps = z.coerce.number().int().min(0).max(10_000);
const moduleParams = z.object({
  baseWeight: z.coerce.number().int().positive("baseWeight must be > 0"),
  stakeShareLimitBps: bps,
  moduleFeeBps: bps,
  feeRecipient: zAddress,
});
const classParams = z.object({
  basePremiumBps: bps,
  maxPremiumBps: bps,
  minCoverBps: bps,
  redeemDelay: z.coerce.number().int().min(0),
  depositCap: zUint,
});
const STATUS = { active: 1, paused: 2, stopped: 3 } as const;
const statusSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(
    z.enum(["active", "paused", "stopped"], {
      errorMap: () => ({ message: "status must be active, paused or stopped" }),
    }),
  );

/** Service statuses governance can set (IServiceRegistry.ServiceStatus values). */
export const SERVICE_STATUS_VALUE = { active: 2, paused: 3, retired: 4 } as const;
const serviceStatusSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(
    z.enum(["active", "paused", "retired"], {
      errorMap: () => ({ message: "status must be active, paused or retired" }),
    }),
  );
export const setServiceStatusParams = z.object({
  serviceId: zId("service id"),
  status: serviceStatusSchema,
});
/** An operator as { moduleId, operatorId } or "moduleId:operatorId". */
const zOperatorRef = z.unknown().transform((v, ctx): { moduleId: number; operatorId: number } => {
  const ids =
    typeof v === "string" && /^\d{1,10}:\d{1,10}$/.test(v.trim())
      ? v.trim().split(":").map(Number)
      : v && typeof v === "object" && "moduleId" in v && "operatorId" in v
        ? [Number((v as { moduleId: unknown }).moduleId), Number((v as { operatorId: unknown }).operatorId)]
        : null;
  if (!ids || !ids.every((n) => Number.isSafeInteger(n) && n >= 0 && n < 2 ** 32)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `operators are moduleId:operatorId (e.g. 1:0), got ${typeof v === "string" ? v : JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return { moduleId: ids[0]!, operatorId: ids[1]! };
});
export const setAllocationParams = z.object({
  serviceId: zId("service id"),
  /** Stake securing the service: wei (bigint) or decimal ETH; 0 removes it. */
  amount: zEthOrZero,
  operators: z.array(zOperatorRef).max(32, "at most 32 operators per service"),
});

function call(
  client: CascadeClient,
  contract: "router" | "book" | "depositSecurity" | "registry",
  fn: string,
  args: unknown[],
  label: string,
): TimelockCall {
  const c = client[contract];
  return { target: String(c.target), value: 0n, data: c.interface.encodeFunctionData(fn, args), label };
}

/**
 * @example
 * ```ts
 * import { JsonRpcProvider, Wallet } from "ethers";
 * import { createCascadeClient, governanceCalls, proposeCall } from "./sdk/src/index.js";
 * import { loadAddresses } from "./sdk/src/node.js";
 * const signer = new Wallet(process.env.CASCADE_KEY!, new JsonRpcProvider("http://127.0.0.1:8545"));
 * const client = createCascadeClient({ signer, addresses: loadAddresses("deployments/31337.json") });
 * const c = governanceCalls.setClassOpen(client, { classId: 2, open: false });
 * await proposeCall(client, { calls: [c] });
 * ```
 */
export const governanceCalls = {
  addModule(
    client: CascadeClient,
    params: { module: string; params: z.input<typeof moduleParams>; reputationBps: number | string },
  ) {
    const p = parse(
      z.object({ module: zAddress, params: moduleParams, reputationBps: bps }),
      params,
      "addModule",
    );
    return call(
      client,
      "router",
      "addModule",
      [p.module, p.params, p.reputationBps],
      `router.addModule(${p.module})`,
    );
  },
  updateModule(
    client: CascadeClient,
    params: { moduleId: number | string; params: z.input<typeof moduleParams> },
  ) {
    const p = parse(z.object({ moduleId: zUint, params: moduleParams }), params, "updateModule");
    return call(
      client,
      "router",
      "updateModule",
      [p.moduleId, p.params],
      `router.updateModule(${p.moduleId})`,
    );
  },
  setModuleStatus(client: CascadeClient, params: { moduleId: number | string; status: string }) {
    const p = parse(z.object({ moduleId: zUint, status: statusSchema }), params, "setModuleStatus");
    return call(
      client,
      "router",
      "setModuleStatus",
      [p.moduleId, STATUS[p.status]],
      `router.setModuleStatus(${p.moduleId}, ${p.status})`,
    );
  },
  /** Emergency: pause a module's deposits (setModuleStatus Paused). */
  pause(client: CascadeClient, params: { moduleId: number | string }) {
    const p = parse(z.object({ moduleId: zUint }), params, "pause");
    return call(
      client,
      "router",
      "setModuleStatus",
      [p.moduleId, STATUS.paused],
      `router.setModuleStatus(${p.moduleId}, paused)`,
    );
  },
  setClassParams(
    client: CascadeClient,
    params: { classId: number | string; params: z.input<typeof classParams> },
  ) {
    const p = parse(z.object({ classId: zClassId, params: classParams }), params, "setClassParams");
    return call(client, "book", "setClassParams", [p.classId, p.params], `book.setClassParams(${p.classId})`);
  },
  setClassOpen(client: CascadeClient, params: { classId: number | string; open: boolean | string }) {
    const p = parse(
      z.object({
        classId: zClassId,
        open: z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")], {
          errorMap: () => ({ message: "open must be true or false" }),
        }),
      }),
      params,
      "setClassOpen",
    );
    return call(
      client,
      "book",
      "setClassOpen",
      [p.classId, p.open],
      `book.setClassOpen(${p.classId}, ${p.open})`,
    );
  },
  /** Approve (active), pause, resume (active) or retire a service. */
  setServiceStatus(client: CascadeClient, params: z.input<typeof setServiceStatusParams>) {
    const p = parse(setServiceStatusParams, params, "setServiceStatus");
    return call(
      client,
      "registry",
      "setServiceStatus",
      [p.serviceId, SERVICE_STATUS_VALUE[p.status]],
      `registry.setServiceStatus(${p.serviceId}, ${p.status})`,
    );
  },
  /** Sets a service's allocation over opted-in operators (split by active stake on-chain). */
  setAllocation(client: CascadeClient, params: z.input<typeof setAllocationParams>) {
    const p = parse(setAllocationParams, params, "setAllocation");
    const keys = p.operators.map((o) => operatorKey(o.moduleId, o.operatorId));
    return call(
      client,
      "registry",
      "setAllocation",
      [p.serviceId, p.amount, keys],
      `registry.setAllocation(${p.serviceId}, ${p.amount}, [${p.operators.map((o) => `${o.moduleId}:${o.operatorId}`).join(", ")}])`,
    );
  },
  /** The veto committee cancels a pending slash within its veto window (VETO_ROLE). */
  vetoSlash(client: CascadeClient, params: { slashId: number | string }) {
    const p = parse(z.object({ slashId: zId("slash id") }), params, "vetoSlash");
    return call(client, "registry", "vetoSlash", [p.slashId], `registry.vetoSlash(${p.slashId})`);
  },
  /**
   * Grants or revokes a role: `contract` is a client name (router, book, registry, timelock, …)
   * or an address of one of them, `role` a role name of its ABI (e.g. MODULE_MANAGER_ROLE).
   */
  roleChange(
    client: CascadeClient,
    params: { grant: boolean; contract: string; role: string; account: string },
  ) {
    const p = parse(
      z.object({
        grant: z.boolean(),
        contract: z.string().min(1),
        role: z.string().min(1),
        account: zAddress,
      }),
      params,
      "roleChange",
    );
    const contracts = namedContracts(client);
    const hit = contracts.find(
      ([k, c]) => k === p.contract || String(c.target).toLowerCase() === p.contract.toLowerCase(),
    );
    if (!hit)
      throw new InvalidInputError(
        `unknown contract "${p.contract}" (one of: ${contracts.map(([k]) => k).join(", ")}, or one's address)`,
      );
    const [name, c] = hit;
    const roles: string[] = [];
    c.interface.forEachFunction((f) => {
      if (/_ROLE$/.test(f.name) && f.inputs.length === 0) roles.push(f.name);
    });
    if (!roles.includes(p.role))
      throw new InvalidInputError(`${name} has no role ${p.role} (its roles: ${roles.join(", ")})`);
    // Every role id of these contracts is keccak256 of its name; DEFAULT_ADMIN_ROLE is zero.
    const roleId = p.role === "DEFAULT_ADMIN_ROLE" ? ZeroHash : keccakText(p.role);
    const fn = p.grant ? "grantRole" : "revokeRole";
    return {
      target: String(c.target),
      value: 0n,
      data: c.interface.encodeFunctionData(fn, [roleId, p.account]),
      label: `${name}.${fn}(${p.role}, ${p.account})`,
    };
  },
  /** Any call, for what has no helper: target + calldata (+ value). */
  raw(client: CascadeClient, params: { target: string; data: string; value?: bigint | string }) {
    const p = parse(
      z.object({
        target: zAddress,
        data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "data must be 0x-hex"),
        value: zUint.optional(),
      }),
      params,
      "raw",
    );
    void client;
    return {
      target: p.target,
      value: p.value ?? 0n,
      data: p.data,
      label: `${p.target}.call(${p.data.slice(0, 10)}…)`,
    };
  },
};
