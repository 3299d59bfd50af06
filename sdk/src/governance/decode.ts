/**
 * Decodes governance calldata against the deployment's contracts, so a signer reads
 * `router.setModuleStatus(moduleId=1, status=2)` instead of bytes, and so the Transaction
 * Builder batch carries each call's method and named inputs.
 */
import {
  Contract,
  getAddress,
  type FunctionFragment,
  type Interface,
  type ParamType,
  type Result,
} from "ethers";
import type { CascadeClient } from "../client.js";

/** A decoded call: target contract name, function fragment and its named argument values. */
export interface DecodedCall {
  to: string;
  value: bigint;
  data: string;
  /** Client name of the target ("router", "timelock", …) or its address when unknown. */
  contract: string;
  fragment?: FunctionFragment;
  /** [name, printable value] per argument (nested tuples/arrays as JSON). */
  args: [string, string][];
  /** One line: `router.setModuleStatus(moduleId=1, status=2)`. */
  label: string;
}

/** Every contract of the client by name (Contract instances only; a missing registry is skipped). */
export function namedContracts(client: CascadeClient): [string, Contract][] {
  const out: [string, Contract][] = [];
  for (const key of Object.keys(client)) {
    if (key === "registry" && !client.addresses.serviceRegistry) continue;
    const v = (client as unknown as Record<string, unknown>)[key];
    if (v instanceof Contract) out.push([key, v]);
  }
  return out;
}

/** A printable value of an ABI-decoded argument (bigints as decimal strings, structs as objects). */
export function printable(type: ParamType, v: unknown): unknown {
  if (type.isTuple() && type.components) {
    const r = v as Result;
    return Object.fromEntries(type.components.map((c, i) => [c.name || String(i), printable(c, r[i])]));
  }
  if (type.isArray() && type.arrayChildren)
    return (v as unknown[]).map((x) => printable(type.arrayChildren!, x));
  if (typeof v === "bigint") return v.toString();
  return v;
}

const show = (type: ParamType, v: unknown) => {
  const p = printable(type, v);
  return typeof p === "string" ? p : JSON.stringify(p);
};

/** Decodes `data` sent to `to` with the ABI of the named contract at that address (else raw). */
export function decodeCall(
  contracts: [string, Contract][],
  call: { to: string; value: bigint; data: string },
): DecodedCall {
  const to = getAddress(call.to);
  const hit = contracts.find(([, c]) => String(c.target).toLowerCase() === to.toLowerCase());
  const base = { to, value: call.value, data: call.data };
  if (!hit) return { ...base, contract: to, args: [], label: `${to}.call(${call.data.slice(0, 10)}…)` };
  const [name, c] = hit;
  const iface: Interface = c.interface;
  const parsed =
    call.data.length >= 10 ? iface.parseTransaction({ data: call.data, value: call.value }) : null;
  if (!parsed)
    return { ...base, contract: name, args: [], label: `${name}.call(${call.data.slice(0, 10)}…)` };
  const args = parsed.fragment.inputs.map((p, i): [string, string] => [
    p.name || `arg${i}`,
    show(p, parsed.args[i]),
  ]);
  return {
    ...base,
    contract: name,
    fragment: parsed.fragment,
    args,
    label: `${name}.${parsed.name}(${args.map(([k, v]) => `${k}=${v}`).join(", ")})`,
  };
}
