/**
 * Finds a deployment's ExitManager (exits and forced exits) when the address book does not
 * name it: the router grants the exit contract its EXIT_MANAGER_ROLE, so the holder is read
 * from the router's `RoleGranted` events and confirmed with `hasRole` (a revoked one is skipped).
 */
import { Contract, getAddress, id, type Provider } from "ethers";

/** keccak256("EXIT_MANAGER_ROLE"): the router role the modules and the withdrawal vault check. */
export const EXIT_MANAGER_ROLE = id("EXIT_MANAGER_ROLE");

const ROLES_ABI = [
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
];

/**
 * The current holder of the router's EXIT_MANAGER_ROLE (the latest grant still held), or
 * `undefined` when there is none.
 *
 * @example
 * ```ts
 * const exits = await exitManagerOf(provider, addresses.router);
 * ```
 */
export async function exitManagerOf(provider: Provider, router: string): Promise<string | undefined> {
  const r = new Contract(router, ROLES_ABI, provider);
  const logs = await r.queryFilter(r.filters.RoleGranted!(EXIT_MANAGER_ROLE), 0, "latest");
  for (let i = logs.length - 1; i >= 0; i--) {
    const account = getAddress((logs[i] as unknown as { args: { account: string } }).args.account);
    if (await r.getFunction("hasRole")(EXIT_MANAGER_ROLE, account)) return account;
  }
  return undefined;
}
