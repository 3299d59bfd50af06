/**
 * Who holds which role, read from the chain: the contracts are AccessControl (not Enumerable),
 * so members come from their RoleGranted/RoleRevoked events, replayed in order and confirmed
 * with `hasRole`. Role ids come from each ABI (DEFAULT_ADMIN_ROLE + every `*_ROLE` constant),
 * so contracts and roles added later are listed without edits.
 */
import { getAddress, type Contract } from "ethers";

export interface RoleHolding {
  contract: string;
  address: string;
  role: string;
  members: string[];
}

/** Role names a contract defines (zero-argument `*_ROLE` view functions of its ABI). */
export function abiRoles(c: Contract): string[] {
  const names: string[] = [];
  c.interface.forEachFunction((f) => {
    if (/_ROLE$/.test(f.name) && f.inputs.length === 0) names.push(f.name);
  });
  return names.sort((a, b) =>
    a === "DEFAULT_ADMIN_ROLE" ? -1 : b === "DEFAULT_ADMIN_ROLE" ? 1 : a.localeCompare(b),
  );
}

/** Every role of every AccessControl contract in `contracts` with its current members. */
export async function roleHoldings(contracts: [string, Contract][], fromBlock = 0): Promise<RoleHolding[]> {
  const out: RoleHolding[] = [];
  for (const [name, c] of contracts) {
    if (!c.interface.getFunction("hasRole") || !c.interface.getEvent("RoleGranted")) continue;
    const roles = abiRoles(c);
    const ids = new Map<string, string>();
    for (const r of roles) ids.set(String(await c.getFunction(r)()), r);
    const members = new Map<string, Set<string>>(roles.map((r) => [r, new Set<string>()]));
    const logs = [
      ...(await c.queryFilter(c.filters.RoleGranted!(), fromBlock)),
      ...(await c.queryFilter(c.filters.RoleRevoked!(), fromBlock)),
    ].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    for (const l of logs) {
      const ev = c.interface.parseLog(l);
      if (!ev) continue;
      const role = ids.get(String(ev.args.role));
      if (!role) continue;
      const who = getAddress(ev.args.account);
      if (ev.name === "RoleGranted") members.get(role)!.add(who);
      else members.get(role)!.delete(who);
    }
    for (const r of roles) {
      const confirmed: string[] = [];
      for (const m of members.get(r)!)
        if (await c.getFunction("hasRole")(await c.getFunction(r)(), m)) confirmed.push(m);
      out.push({ contract: name, address: getAddress(String(c.target)), role: r, members: confirmed });
    }
  }
  return out;
}

/** Replaces known addresses by their names (`governanceSafe`, `timelock`, …) for printing. */
export function nameOf(addresses: Record<string, string>, who: string): string {
  const hit = Object.entries(addresses).find(([, a]) => a.toLowerCase() === who.toLowerCase());
  return hit ? hit[0] : who;
}
