/**
 * ERC-7201 storage-layout check for every upgradeable Cascade contract.
 *
 * Finds each `@custom:storage-location erc7201:<id>` struct under contracts/, compiles a probe
 * contract per namespace (`contract Probe { C.S internal s; }`) with the pinned solc wasm
 * (node_modules/solc, standard JSON, `storageLayout` output only — hardhat.config.ts does not
 * request it), flattens the struct and every struct it reaches, and compares with the
 * committed baseline docs/storage-layout.json: a changed, removed or reordered field fails;
 * appending at the end is fine, except to a struct stored in an array (the stride changes).
 *
 *   npx tsx scripts/storage-layout.ts           # check against the baseline (exit 1 on a break)
 *   npx tsx scripts/storage-layout.ts --write   # rewrite the baseline after a reviewed change
 */
import { createRequire } from "node:module";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

export interface Field {
  label: string;
  type: string;
  slot: string;
  offset: number;
}
export interface StructLayout {
  fields: Field[];
  numberOfBytes: string;
  /** Stored as an array element somewhere: its size may not change. */
  inArray: boolean;
}
export interface Namespace {
  id: string;
  contract: string;
  struct: string;
  source: string;
  /** The namespace struct's own fields. */
  fields: Field[];
  /** Every struct reachable from it (mapping values, array elements, nested), by type label. */
  structs: Record<string, StructLayout>;
}
export type Layouts = Record<string, Namespace>;

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const BASELINE = join(ROOT, "docs", "storage-layout.json");

function solFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? solFiles(p) : n.endsWith(".sol") ? [p] : [];
  });
}

/** Namespaced structs declared in contracts/: id, enclosing contract, struct name, source unit. */
export function findNamespaces(root = ROOT) {
  const out: { id: string; contract: string; struct: string; source: string }[] = [];
  for (const file of solFiles(join(root, "contracts"))) {
    const text = readFileSync(file, "utf8");
    const re = /@custom:storage-location\s+erc7201:([\w.]+)\s*\n\s*struct\s+(\w+)/g;
    for (let m; (m = re.exec(text));) {
      const before = text.slice(0, m.index);
      const contracts = [...before.matchAll(/^\s*(?:abstract\s+)?contract\s+(\w+)/gm)];
      out.push({
        id: m[1],
        struct: m[2],
        contract: contracts[contracts.length - 1][1],
        source: relative(root, file).split("\\").join("/"),
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Compiles the probes and returns every namespace's flattened layout. */
export function collectLayouts(root = ROOT): Layouts {
  const namespaces = findNamespaces(root);
  const probe = [
    "// SPDX-License-Identifier: MIT",
    "pragma solidity 0.8.30;",
    ...namespaces.map((n) => `import {${n.contract}} from "${n.source}";`),
    ...namespaces.map((n, i) => `contract Probe${i} { ${n.contract}.${n.struct} internal s; }`),
  ].join("\n");
  const input = {
    language: "Solidity",
    sources: { "StorageLayoutProbe.sol": { content: probe } },
    settings: { outputSelection: { "StorageLayoutProbe.sol": { "*": ["storageLayout"] } } },
  };
  const findImports = (path: string) => {
    for (const p of [join(root, path), join(root, "node_modules", path)])
      if (existsSync(p)) return { contents: readFileSync(p, "utf8") };
    return { error: `not found: ${path}` };
  };
  const solc = require(join(root, "node_modules", "solc"));
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length)
    throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));

  const layouts: Layouts = {};
  namespaces.forEach((n, i) => {
    const { storage, types } = output.contracts["StorageLayoutProbe.sol"][`Probe${i}`].storageLayout;
    const root = types[storage[0].type];
    const structs: Record<string, StructLayout> = {};
    const fieldsOf = (t: any): Field[] =>
      t.members.map((m: any) => ({
        label: m.label,
        type: types[m.type].label,
        slot: m.slot,
        offset: m.offset,
      }));
    const visit = (typeId: string, inArray: boolean) => {
      const t = types[typeId];
      if (t.members) {
        const label = t.label;
        const seen = structs[label];
        structs[label] = {
          fields: fieldsOf(t),
          numberOfBytes: t.numberOfBytes,
          inArray: inArray || !!seen?.inArray,
        };
        if (seen && seen.inArray === structs[label].inArray) return;
        for (const m of t.members) visit(m.type, false);
      }
      if (t.value) visit(t.value, false);
      if (t.base) visit(t.base, true);
    };
    for (const m of root.members) visit(m.type, false);
    layouts[n.id] = { ...n, fields: fieldsOf(root), structs };
  });
  return layouts;
}

const same = (a: Field, b: Field) =>
  a.label === b.label && a.type === b.type && a.slot === b.slot && a.offset === b.offset;
const show = (f: Field) => `${f.label}: ${f.type} @ slot ${f.slot}+${f.offset}`;

function comparePrefix(where: string, base: Field[], now: Field[], problems: string[]) {
  base.forEach((b, i) => {
    const c = now[i];
    if (!c) problems.push(`${where}: field ${i} removed (${show(b)})`);
    else if (!same(b, c)) {
      const moved = now.findIndex((x) => x.label === b.label);
      problems.push(
        moved >= 0 && moved !== i
          ? `${where}: field ${b.label} reordered (${i} → ${moved})`
          : `${where}: field ${i} changed (${show(b)} → ${show(c)})`,
      );
    }
  });
}

/** Breaking differences between a baseline and the current layouts (empty = safe). */
export function compareLayouts(baseline: Layouts, current: Layouts): string[] {
  const problems: string[] = [];
  for (const [id, base] of Object.entries(baseline)) {
    const now = current[id];
    if (!now) {
      problems.push(`${id}: namespace removed`);
      continue;
    }
    comparePrefix(`${id} (${base.contract}.${base.struct})`, base.fields, now.fields, problems);
    for (const [label, s] of Object.entries(base.structs)) {
      const c = now.structs[label];
      if (!c) continue; // no longer reachable: the field that held it was reported above
      comparePrefix(`${id} → ${label}`, s.fields, c.fields, problems);
      if ((s.inArray || c.inArray) && s.numberOfBytes !== c.numberOfBytes)
        problems.push(`${id} → ${label}: array element size ${s.numberOfBytes} → ${c.numberOfBytes} bytes`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const current = collectLayouts();
  if (process.argv.includes("--write")) {
    writeFileSync(BASELINE, JSON.stringify(current, null, 2) + "\n");
    console.log(`wrote ${relative(ROOT, BASELINE)} (${Object.keys(current).length} namespaces)`);
  } else {
    const problems = compareLayouts(JSON.parse(readFileSync(BASELINE, "utf8")), current);
    for (const p of problems) console.error(p);
    console.log(
      problems.length
        ? `${problems.length} breaking storage change(s)`
        : `storage layout OK (${Object.keys(current).length} namespaces)`,
    );
    process.exitCode = problems.length ? 1 : 0;
  }
}
