/**
 * The Cascade client: one provider, an optional signer, and an ethers `Contract` per deployed
 * contract, built from the committed ABIs in `./abi` (no Hardhat at runtime).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
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
  type CascadeTimelockContract,
  type ClassTokenContract,
  type CuratedModuleContract,
  type DepositSecurityContract,
  type ReportOracleContract,
  type ServiceRegistryContract,
  type StakingRouterContract,
  type WithdrawalQueueContract,
  type YieldClassesContract,
  BondedModuleAbi,
  CascadeTimelockAbi,
  ClassTokenAbi,
  CuratedModuleAbi,
  AccountingAbi,
  DepositSecurityAbi,
  ReportOracleAbi,
  ServiceRegistryAbi,
  StakingRouterAbi,
  WithdrawalQueueAbi,
  YieldClassesAbi,
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
    yieldClasses: address,
    withdrawalQueue: address,
    accounting: address,
    reportOracle: address,
    curatedModule: address,
    bondedModule: address,
    timelock: address,
    depositSecurity: address,
    /** Optional so deployment files written before the registry shipped still load. */
    serviceRegistry: address.optional(),
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
  book: YieldClassesContract;
  queue: WithdrawalQueueContract;
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
 * import { createCascadeClient, loadAddresses } from "./client.js";
 * const client = createCascadeClient({
 *   rpcUrl: "http://127.0.0.1:8545",
 *   addresses: loadAddresses(31337),
 * });
 * console.log(await client.router.buffered());
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
  const client: CascadeClient = {
    provider,
    addresses,
    router: c<StakingRouterContract>(addresses.router, StakingRouterAbi),
    book: c<YieldClassesContract>(addresses.yieldClasses, YieldClassesAbi),
    queue: c<WithdrawalQueueContract>(addresses.withdrawalQueue, WithdrawalQueueAbi),
    accounting: c<AccountingContract>(addresses.accounting, AccountingAbi),
    oracle: c<ReportOracleContract>(addresses.reportOracle, ReportOracleAbi),
    curated: c<CuratedModuleContract>(addresses.curatedModule, CuratedModuleAbi),
    bonded: c<BondedModuleContract>(addresses.bondedModule, BondedModuleAbi),
    depositSecurity: c<DepositSecurityContract>(addresses.depositSecurity, DepositSecurityAbi),
    timelock: c<CascadeTimelockContract>(addresses.timelock, CascadeTimelockAbi),
    registry: addresses.serviceRegistry
      ? c<ServiceRegistryContract>(addresses.serviceRegistry, ServiceRegistryAbi)
      : missingRegistry(),
    interfaces: [
      YieldClassesAbi,
      StakingRouterAbi,
      WithdrawalQueueAbi,
      ClassTokenAbi,
      BondedModuleAbi,
      CuratedModuleAbi,
      AccountingAbi,
      ReportOracleAbi,
      DepositSecurityAbi,
      CascadeTimelockAbi,
      ServiceRegistryAbi,
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

/** Stands in for the registry of a deployment without one: every property access throws. */
function missingRegistry(): ServiceRegistryContract {
  return new Proxy({} as ServiceRegistryContract, {
    get(_t, prop) {
      // Not a thenable, and inspectable (util.inspect, JSON) without throwing.
      if (prop === "then" || typeof prop === "symbol" || prop === "toJSON") return undefined;
      throw new CascadeError("this deployment has no serviceRegistry address (redeploy or pass --addresses)");
    },
  });
}

/**
 * Reads a deployment's addresses: a chain id looks up `deployments/<chainId>.json` (relative to
 * `cwd`), a string is a file path. Accepts `{ chainId, addresses }` (what `npm run deploy`
 * writes) or a bare address map.
 *
 * @example
 * ```ts
 * import { loadAddresses } from "./client.js";
 * const addresses = loadAddresses(31337); // deployments/31337.json
 * console.log(addresses.router);
 * ```
 */
export function loadAddresses(source: number | bigint | string, cwd = process.cwd()): CascadeAddresses {
  const file =
    typeof source === "string" && !/^\d+$/.test(source)
      ? resolve(cwd, source)
      : resolve(cwd, "deployments", `${source}.json`);
  if (!existsSync(file)) {
    throw new InvalidInputError(`no deployment file ${file} (run \`npm run deploy\` or pass --addresses)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InvalidInputError(`${file} is not valid JSON`, { cause: e });
  }
  const map =
    json && typeof json === "object" && "addresses" in json
      ? (json as { addresses: unknown }).addresses
      : json;
  const parsed = addressesSchema.safeParse(map);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InvalidInputError(`${file}: ${i.path.join(".")} ${i.message}`);
  }
  return parsed.data;
}
