/**
 * Governance Safes (DESIGN §14): which Safe multisig holds which role, the Safe contracts
 * themselves (the compiled bytecode of `@safe-global/safe-smart-account` on the devnet, the
 * canonical deployments of `@safe-global/safe-deployments` on a real network), and the
 * generic role hand-over after which the deployer holds no role anywhere.
 *
 * The hand-over reads role ids from each contract's ABI (constants ending in `_ROLE`, plus
 * DEFAULT_ADMIN_ROLE), so a contract or role added later is covered without editing this file;
 * a role the deployer holds that nobody is named for stops the deploy with its name.
 */
import { createRequire } from "node:module";
import {
  getCompatibilityFallbackHandlerDeployment,
  getMultiSendCallOnlyDeployment,
  getProxyFactoryDeployment,
  getSafeL2SingletonDeployment,
} from "@safe-global/safe-deployments";
import {
  Contract,
  ContractFactory,
  getAddress,
  isAddress,
  ZeroAddress,
  type Provider,
  type Signer,
} from "ethers";
import { z } from "zod";

const require = createRequire(import.meta.url);
const ARTIFACTS = "@safe-global/safe-smart-account/build/artifacts/contracts";

/** The Safe version deployed on the devnet and looked up in the canonical deployments. */
export const SAFE_VERSION = "1.5.0";

export interface SafeArtifact {
  contractName: string;
  abi: any[];
  bytecode: string;
}

/** The Safe contracts the system uses, from the npm package's compiled artifacts (not a rewrite). */
export const SAFE_ARTIFACTS = {
  singleton: require(`${ARTIFACTS}/SafeL2.sol/SafeL2.json`) as SafeArtifact,
  factory: require(`${ARTIFACTS}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json`) as SafeArtifact,
  fallbackHandler: require(
    `${ARTIFACTS}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json`,
  ) as SafeArtifact,
  multiSendCallOnly: require(
    `${ARTIFACTS}/libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json`,
  ) as SafeArtifact,
};
export type SafeInfra = Record<keyof typeof SAFE_ARTIFACTS, string>;

const zAddr = z
  .string()
  .refine(isAddress, (a) => ({ message: `not an address: ${a}` }))
  .transform((a) => getAddress(a));

/** One Safe: created from owners + threshold (devnet, or a new Safe on a real network) or an existing one. */
export const safeSpecSchema = z.union(
  [
    z.object({ address: zAddr }).strict(),
    z
      .object({
        owners: z.array(zAddr).min(1, "a Safe needs at least one owner"),
        threshold: z.number().int().min(1, "threshold must be at least 1"),
        /** Salt of createProxyWithNonce, so two Safes with the same owners get different addresses. */
        saltNonce: z.number().int().min(0).optional(),
      })
      .strict()
      .refine(
        (s) => s.threshold <= s.owners.length,
        (s) => ({
          message: `threshold ${s.threshold} exceeds the ${s.owners.length} owner(s)`,
        }),
      )
      .refine((s) => new Set(s.owners).size === s.owners.length, { message: "owners must be distinct" }),
  ],
  {
    errorMap: (_issue, ctx) => ({
      message: ctx.data === undefined ? "Required" : "a Safe is { address } or { owners, threshold }",
    }),
  },
);
export type SafeSpec = z.infer<typeof safeSpecSchema>;

/** The Safes named in deploy/parameters/<network>.json (all required: none may fall back to the deployer). */
export const safesSchema = z
  .object({
    /** Proposer, canceller and executor of the timelock: every upgrade and parameter change. */
    governance: safeSpecSchema,
    moduleManager: safeSpecSchema,
    classManager: safeSpecSchema,
    operatorManager: safeSpecSchema,
    serviceManager: safeSpecSchema,
    allocator: safeSpecSchema,
    /** The veto committee of slash requests. */
    veto: safeSpecSchema,
  })
  .strict();
export type SafesConfig = z.infer<typeof safesSchema>;
export type SafeName = keyof SafesConfig;
export const SAFE_NAMES = Object.keys(safesSchema.shape) as SafeName[];

/** A role holder at hand-over: the timelock, every guardian, or a named Safe. */
export type Holder = "timelock" | "guardians" | SafeName;

/**
 * Who takes each role at hand-over, by role name. Operational roles go to their Safe (acts
 * at once) and to the timelock (so governance can act too, after the delay — e.g.
 * `gov propose set-class-open`); PAUSER_ROLE to every guardian (any guardian pauses; only
 * the module manager or governance unpauses); the veto committee alone vetoes. Contract-to-
 * contract roles (ACCOUNTING_ROLE, SERVICES_ROLE, EXIT_MANAGER_ROLE) are granted to contracts during the deploy
 * and are never the deployer's.
 */
export const ROLE_HOLDERS: Record<string, Holder[]> = {
  DEFAULT_ADMIN_ROLE: ["timelock"],
  PROPOSER_ROLE: ["governance"],
  CANCELLER_ROLE: ["governance"],
  EXECUTOR_ROLE: ["governance"],
  MODULE_MANAGER_ROLE: ["moduleManager", "timelock"],
  CURVE_MANAGER_ROLE: ["moduleManager", "timelock"],
  REPUTATION_MANAGER_ROLE: ["moduleManager", "timelock"],
  CLASS_MANAGER_ROLE: ["classManager", "timelock"],
  OPERATOR_MANAGER_ROLE: ["operatorManager", "timelock"],
  SERVICE_MANAGER_ROLE: ["serviceManager", "timelock"],
  ALLOCATOR_ROLE: ["allocator", "timelock"],
  VETO_ROLE: ["veto"],
  PAUSER_ROLE: ["guardians"],
};

/** Parses the `safes` block of a parameters file; one message naming the bad field. */
export function parseSafes(input: unknown, where = "deploy parameters"): SafesConfig {
  const r = safesSchema.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new Error(`${where}: safes.${i.path.join(".")}: ${i.message}`);
}

/** Canonical Safe contracts of `chainId` (safe-deployments), for real networks. */
export function canonicalSafeInfra(chainId: bigint | number | string): SafeInfra {
  const network = String(chainId);
  const pick = (name: string, d: ReturnType<typeof getSafeL2SingletonDeployment>) => {
    const a = d?.networkAddresses[network];
    const address = Array.isArray(a) ? a[0] : a;
    if (!address)
      throw new Error(
        `no canonical Safe ${SAFE_VERSION} ${name} on chain ${network} in @safe-global/safe-deployments`,
      );
    return getAddress(address);
  };
  const q = { version: SAFE_VERSION, network };
  return {
    singleton: pick("SafeL2", getSafeL2SingletonDeployment(q)),
    factory: pick("SafeProxyFactory", getProxyFactoryDeployment(q)),
    fallbackHandler: pick("CompatibilityFallbackHandler", getCompatibilityFallbackHandlerDeployment(q)),
    multiSendCallOnly: pick("MultiSendCallOnly", getMultiSendCallOnlyDeployment(q)),
  };
}

/** `Safe.setup` calldata for owners + threshold with the compatibility fallback handler. */
export function safeSetupData(
  spec: { owners: string[]; threshold: number },
  fallbackHandler: string,
): string {
  const iface = new Contract(ZeroAddress, SAFE_ARTIFACTS.singleton.abi).interface;
  return iface.encodeFunctionData("setup", [
    spec.owners,
    spec.threshold,
    ZeroAddress,
    "0x",
    fallbackHandler,
    ZeroAddress,
    0,
    ZeroAddress,
  ]);
}

/** Salt nonce of a Safe: its position among the Safes unless the parameters set one. */
export function saltNonceOf(name: SafeName, spec: SafeSpec): number {
  return "saltNonce" in spec && spec.saltNonce !== undefined ? spec.saltNonce : SAFE_NAMES.indexOf(name);
}

/**
 * Refuses, before anything is sent, a Safe given by address that is not a Safe on this chain
 * (no code, or no owners/threshold): roles handed to it would be lost.
 */
export async function checkExistingSafes(provider: Provider, safes: SafesConfig): Promise<void> {
  for (const name of SAFE_NAMES) {
    const spec = safes[name];
    if (!("address" in spec)) continue;
    const safe = new Contract(spec.address, SAFE_ARTIFACTS.singleton.abi, provider);
    let ok = (await provider.getCode(spec.address)) !== "0x";
    if (ok)
      try {
        ok = (await safe.getFunction("getThreshold")()) > 0n;
      } catch {
        ok = false;
      }
    if (!ok)
      throw new Error(`safes.${name}: no Safe at ${spec.address} on this chain (no code or no threshold)`);
  }
}

/** Plain-ethers path: deploys the Safe contracts from the npm artifacts (devnet) or takes the canonical ones. */
export async function deploySafeInfra(deployer: Signer, mode: "deploy" | "canonical"): Promise<SafeInfra> {
  if (mode === "canonical") return canonicalSafeInfra((await deployer.provider!.getNetwork()).chainId);
  const out = {} as SafeInfra;
  for (const [k, a] of Object.entries(SAFE_ARTIFACTS) as [keyof SafeInfra, SafeArtifact][]) {
    const c = await new ContractFactory(a.abi, a.bytecode, deployer).deploy();
    await c.waitForDeployment();
    out[k] = await c.getAddress();
  }
  return out;
}

/** Plain-ethers path: creates every Safe named in `safes` (or takes its address); returns name → address. */
export async function createSafes(
  deployer: Signer,
  infra: SafeInfra,
  safes: SafesConfig,
): Promise<Record<SafeName, string>> {
  const factory = new Contract(infra.factory, SAFE_ARTIFACTS.factory.abi, deployer);
  const out = {} as Record<SafeName, string>;
  for (const name of SAFE_NAMES) {
    const spec = safes[name];
    if ("address" in spec) {
      out[name] = spec.address;
      continue;
    }
    const tx = await factory.getFunction("createProxyWithNonce")(
      infra.singleton,
      safeSetupData(spec, infra.fallbackHandler),
      saltNonceOf(name, spec),
    );
    const receipt = await tx.wait();
    const ev = receipt.logs
      .map((l: any) => factory.interface.parseLog(l))
      .find((p: any) => p?.name === "ProxyCreation");
    out[name] = getAddress(ev!.args.proxy);
  }
  return out;
}

/** Every AccessControl contract of a deployed system: name → contract (anything with hasRole + DEFAULT_ADMIN_ROLE). */
export function accessControlled(sys: Record<string, unknown>): [string, any][] {
  const out: [string, any][] = [];
  const seen = new Set<string>();
  const visit = (name: string, c: any) => {
    const iface = c?.interface;
    if (!iface?.getFunction?.("hasRole", ["bytes32", "address"]) || !iface.getFunction("DEFAULT_ADMIN_ROLE"))
      return;
    const key = String(c.target).toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push([name, c]);
  };
  for (const [k, v] of Object.entries(sys)) {
    if (Array.isArray(v)) v.forEach((c, i) => visit(`${k}[${i}]`, c));
    else visit(k, v);
  }
  return out;
}

/** Role names a contract defines: DEFAULT_ADMIN_ROLE + every zero-argument `*_ROLE` constant of its ABI. */
export function roleNames(c: any): string[] {
  return c.interface.fragments
    .filter((f: any) => f.type === "function" && /_ROLE$/.test(f.name) && f.inputs.length === 0)
    .map((f: any) => f.name as string)
    .sort((a: string, b: string) =>
      a === "DEFAULT_ADMIN_ROLE" ? 1 : b === "DEFAULT_ADMIN_ROLE" ? -1 : a.localeCompare(b),
    );
}

export interface HandOverTargets {
  timelock: string;
  guardians: string[];
  safes: Record<SafeName, string>;
}

/**
 * Hands every role of every AccessControl contract over (ROLE_HOLDERS) and renounces all of the
 * deployer's: first every grant (they need the deployer's admin role), then the renounces,
 * DEFAULT_ADMIN_ROLE last. PAUSER_ROLE goes to every guardian wherever a contract defines it.
 * Throws, before any change, on a role the deployer holds that nobody is named for.
 */
export async function handOverRoles(
  sys: Record<string, unknown>,
  deployer: Signer,
  to: HandOverTargets,
): Promise<void> {
  const me = await deployer.getAddress();
  const holders = (role: string): string[] =>
    (ROLE_HOLDERS[role] ?? []).flatMap((h) =>
      h === "timelock" ? [to.timelock] : h === "guardians" ? to.guardians : [to.safes[h]],
    );
  const plan: { name: string; c: any; role: string; id: string; grant: string[]; renounce: boolean }[] = [];
  for (const [name, c] of accessControlled(sys)) {
    for (const role of roleNames(c)) {
      const id: string = await c.getFunction(role)();
      const mine: boolean = await c.hasRole(id, me);
      const grant = holders(role);
      if (mine && grant.length === 0)
        throw new Error(
          `hand-over: the deployer holds ${role} on ${name} and no holder is named for it (ROLE_HOLDERS in deploy/safes.ts)`,
        );
      // The timelock administers itself (its constructor granted it), nobody else does.
      const isTimelock = String(c.target).toLowerCase() === to.timelock.toLowerCase();
      const targets = isTimelock && role === "DEFAULT_ADMIN_ROLE" ? [] : grant;
      if (!mine && role !== "PAUSER_ROLE") continue;
      plan.push({ name, c, role, id, grant: targets, renounce: mine });
    }
  }
  for (const p of plan)
    for (const who of p.grant)
      if (!(await p.c.hasRole(p.id, who))) await (await p.c.connect(deployer).grantRole(p.id, who)).wait();
  for (const p of plan)
    if (p.renounce && p.role !== "DEFAULT_ADMIN_ROLE")
      await (await p.c.connect(deployer).renounceRole(p.id, me)).wait();
  for (const p of plan)
    if (p.renounce && p.role === "DEFAULT_ADMIN_ROLE")
      await (await p.c.connect(deployer).renounceRole(p.id, me)).wait();
}
