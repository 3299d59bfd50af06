/**
 * The role table of a deployed system (DESIGN §14): every role of every AccessControl contract
 * with its holders, read from the chain (RoleGranted/RoleRevoked events confirmed by hasRole),
 * holders named by the address book (`timelock`, `governanceSafe`, …; guardians by index).
 */
import { roleHoldings, type RoleHolding } from "../sdk/src/governance/roles.js";
import { accessControlled } from "./safes.js";
import type { System } from "./system.js";

/** Every role of every contract of `sys` with its current members. */
export async function systemRoles(sys: System, fromBlock = 0): Promise<RoleHolding[]> {
  return roleHoldings(accessControlled(sys as unknown as Record<string, unknown>), fromBlock);
}

/** Printable name of `who`: an address-book key, `guardian<i>`, `deployer`, or the address. */
export async function holderName(sys: System, who: string): Promise<string> {
  const w = who.toLowerCase();
  if (w === (await sys.deployer.getAddress()).toLowerCase()) return "deployer";
  const hit = Object.entries(sys.addresses).find(([, a]) => a.toLowerCase() === w);
  if (hit) return hit[0];
  const g = sys.config.guardians.findIndex((a) => a.toLowerCase() === w);
  return g >= 0 ? `guardian${g + 1}` : who;
}

/** `contract ROLE → holder, holder` lines, one per role (held roles only). */
export async function roleTable(sys: System, fromBlock = 0): Promise<string[]> {
  const out: string[] = [];
  for (const r of await systemRoles(sys, fromBlock)) {
    if (r.members.length === 0) continue;
    const names = await Promise.all(r.members.map((m) => holderName(sys, m)));
    out.push(`${`${r.contract}.${r.role}`.padEnd(42)} → ${names.join(", ")}`);
  }
  return out;
}
