/**
 * The Cascade client: one provider, an optional signer, and an ethers `Contract` per deployed
 * contract, built from the committed ABIs in `./abi` (no Hardhat at runtime).
 */
import {
  Contract,
  Interface,
  JsonRpcProvider,
  getAddress,
  isAddress,
  type Provider,
  type Signer,
} from "ethers";
import { z } from "zod";
import {
  type AccountingContract,
  type BondedModuleContract,
  type CascadePoolContract,
  type CascadeTimelockContract,
  type ClassTokenContract,
  type CuratedModuleContract,
  type DepositSecurityContract,
  type ExitManagerContract,
  type ReportOracleContract,
  type ServiceRegistryContract,
  type StakingRouterContract,
  BondedModuleAbi,
  CascadePoolAbi,
  CascadeTimelockAbi,
  ClassTokenAbi,
  CuratedModuleAbi,
  AccountingAbi,
  DepositSecurityAbi,
  ExitManagerAbi,
  ReportOracleAbi,
  ServiceRegistryAbi,
  StakingRouterAbi,
} from "./abi/index.js";
import { CascadeError, InvalidInputError } from "./errors.js";

const address = z
  .string()
  .refine(isAddress, "not an address")
  .transform((a) => getAddress(a));

/** Addresses of a deployment, as `deploy/system.ts` names them (deployments/<chainId>.json). */
export const addressesSchema = z
  .object({
    router: address,
    /** CascadePool: the ETH and class ledger (class books, balances, redemptions). */
    pool: address,
    accounting: address,
    reportOracle: address,
    curatedModule: address,
    bondedModule: address,
    timelock: address,
    depositSecurity: address,
    /** Optional so deployment files written before the registry shipped still load. */
    serviceRegistry: address.optional(),
    /** Exits and forced exits (optional like the registry: only `forceExit` needs it). */
    exitManager: address.optional(),
    withdrawalVault: address.optional(),
    executionRewardsVault: address.optional(),
    depositContract: address.optional(),
  })
  .passthrough();

export type CascadeAddresses = z.infer<typeof addressesSchema>;

/** Parameters of {@link createCascadeClient}: a provider or an RPC URL, a signer for writes. */
export interface CreateCascadeClientParams {
  provider?: Provider;
  rpcUrl?: string;
  signer?: Signer;
  addresses: CascadeAddresses | Record<string, string>;
}

/**
 * What every action receives. Contracts are ethers v6 `Contract`s typed from the committed ABIs
 * (`sdk/src/abi`: every function's arguments and results), connected to the signer when there is one.
 */
export interface CascadeClient {
  provider: Provider;
  signer?: Signer;
  addresses: CascadeAddresses;
  router: StakingRouterContract;
  /** CascadePool: ETH, class books, balances, redemptions, service debt and payouts. */
  pool: CascadePoolContract;
  /** The pool in its class-book role (`getClass`, `navs`, …): the same contract as `pool`. */
  book: CascadePoolContract;
  /** The pool in its redemption-queue role (`requestRedeem`, `claim`, …): the same contract as `pool`. */
  queue: CascadePoolContract;
  accounting: AccountingContract;
  oracle: ReportOracleContract;
  curated: CuratedModuleContract;
  bonded: BondedModuleContract;
  depositSecurity: DepositSecurityContract;
  timelock: CascadeTimelockContract;
  /**
   * The ServiceRegistry (restaked services). On a deployment without a `serviceRegistry` address
   * any use throws a {@link CascadeError}; check `addresses.serviceRegistry` to avoid that.
   */
  registry: ServiceRegistryContract;
  /**
   * The ExitManager (exit requests, forced exits). On a deployment without an `exitManager`
   * address any use throws a {@link CascadeError}.
   */
  exits: ExitManagerContract;
  /** Interfaces used to decode reverts (every Cascade contract + OZ errors they inherit). */
  interfaces: Interface[];
  /** The class token of `classId` (address read from the book once, then cached). */
  token(classId: number): Promise<ClassTokenContract>;
  /** The signer's address; throws {@link CascadeError} if the client is read-only. */
  account(): Promise<string>;
}

/**
 * Builds a client. Pass `provider` (any ethers v6 provider) or `rpcUrl`; pass `signer` to send
 * transactions (its provider should be the same chain).
 *
 * @example
 * ```ts
 * import { Wallet } from "ethers";
 * import { createCascadeClient } from "./client.js";
 * import { loadAddresses } from "./node.js";
 * const client = createCascadeClient({
 *   rpcUrl: "http://127.0.0.1:8545",
 *   addresses: loadAddresses("deployments/31337.json"),
 * });
 * console.log(await client.pool.buffered());
 * ```
 */
export function createCascadeClient(params: CreateCascadeClientParams): CascadeClient {
  const parsed = addressesSchema.safeParse(params.addresses);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InvalidInputError(`addresses: ${i.path.join(".")} ${i.message}`);
  }
  const addresses = parsed.data;
  let provider = params.provider ?? params.signer?.provider ?? undefined;
  if (!provider) {
    if (!params.rpcUrl)
      throw new InvalidInputError("no provider: pass provider, signer or rpcUrl (--rpc / RPC_URL)");
    provider = new JsonRpcProvider(params.rpcUrl, undefined, { cacheTimeout: -1 });
  }
  const runner = params.signer ?? provider;
  const c = <T>(addr: string, abi: readonly unknown[]) =>
    new Contract(addr, abi as never, runner) as unknown as T;
  const tokens = new Map<number, ClassTokenContract>();
  const pool = c<CascadePoolContract>(addresses.pool, CascadePoolAbi);
  const client: CascadeClient = {
    provider,
    addresses,
    router: c<StakingRouterContract>(addresses.router, StakingRouterAbi),
    pool,
    book: pool,
    queue: pool,
    accounting: c<AccountingContract>(addresses.accounting, AccountingAbi),
    oracle: c<ReportOracleContract>(addresses.reportOracle, ReportOracleAbi),
    curated: c<CuratedModuleContract>(addresses.curatedModule, CuratedModuleAbi),
    bonded: c<BondedModuleContract>(addresses.bondedModule, BondedModuleAbi),
    depositSecurity: c<DepositSecurityContract>(addresses.depositSecurity, DepositSecurityAbi),
    timelock: c<CascadeTimelockContract>(addresses.timelock, CascadeTimelockAbi),
    registry: addresses.serviceRegistry
      ? c<ServiceRegistryContract>(addresses.serviceRegistry, ServiceRegistryAbi)
      : missing<ServiceRegistryContract>("serviceRegistry"),
    exits: addresses.exitManager
      ? c<ExitManagerContract>(addresses.exitManager, ExitManagerAbi)
      : missing<ExitManagerContract>("exitManager"),
    interfaces: [
      CascadePoolAbi,
      StakingRouterAbi,
      ClassTokenAbi,
      BondedModuleAbi,
      CuratedModuleAbi,
      AccountingAbi,
      ReportOracleAbi,
      DepositSecurityAbi,
      CascadeTimelockAbi,
      ServiceRegistryAbi,
      ExitManagerAbi,
    ].map((abi) => new Interface(abi as never)),
    async token(classId: number) {
      let t = tokens.get(classId);
      if (!t) {
        const info = await client.book.getClass(classId);
        t = c<ClassTokenContract>(info.token, ClassTokenAbi);
        tokens.set(classId, t);
      }
      return t;
    },
    async account() {
      if (!params.signer) {
        throw new CascadeError("no signer: pass --private-key-file (or a signer to createCascadeClient)");
      }
      return getAddress(await params.signer.getAddress());
    },
  };
  if (params.signer) client.signer = params.signer;
  return client;
}

/** Stands in for an optional contract of a deployment without it: every property access throws. */
function missing<T extends object>(key: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      // Not a thenable, and inspectable (util.inspect, JSON) without throwing.
      if (prop === "then" || typeof prop === "symbol" || prop === "toJSON") return undefined;
      throw new CascadeError(`this deployment has no ${key} address (redeploy or pass --addresses)`);
    },
  });
}

/**
 * Validates an address book: `{ chainId, addresses }` (what `npm run deploy` writes) or a bare
 * address map. `source` names it in the error (a file path, "addresses").
 *
 * @example
 * ```ts
 * import { parseAddresses } from "./client.js";
 * const addresses = parseAddresses(await (await fetch("/addresses.hoodi.json")).json());
 * ```
 */
export function parseAddresses(json: unknown, source = "addresses"): CascadeAddresses {
  const map =
    json && typeof json === "object" && "addresses" in json
      ? (json as { addresses: unknown }).addresses
      : json;
  const parsed = addressesSchema.safeParse(map);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InvalidInputError(`${source}: ${i.path.join(".")} ${i.message}`);
  }
  return parsed.data;
}
