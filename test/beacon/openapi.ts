/**
 * Validates JSON bodies against the official Beacon API OpenAPI schemas (ethereum/beacon-APIs,
 * committed under fixtures/beacon-apis with its licence): loads the YAML, inlines every `$ref`
 * (relative files and JSON pointers) and compiles the response schema of an endpoint with ajv.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import yaml from "js-yaml";

const ROOT = join(
  dirname(fileURLToPath(import.meta.url)),
  "fixtures",
  "beacon-apis",
  "beacon-node-oapi.yaml",
);
const files = new Map<string, unknown>();
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

function load(file: string): unknown {
  let doc = files.get(file);
  if (doc === undefined) {
    doc = yaml.load(readFileSync(file, "utf8"));
    files.set(file, doc);
  }
  return doc;
}

function pointer(doc: unknown, ptr: string): unknown {
  let node = doc;
  for (const raw of ptr.split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) throw new Error(`openapi: no ${ptr}`);
  }
  return node;
}

function inline(node: unknown, file: string, depth = 0): unknown {
  if (depth > 64) throw new Error("openapi: $ref too deep");
  if (Array.isArray(node)) return node.map((n) => inline(n, file, depth));
  if (node === null || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (typeof o.$ref === "string") {
    const [f, ptr = ""] = o.$ref.split("#");
    const target = f ? resolve(dirname(file), f) : file;
    return inline(pointer(load(target), ptr), target, depth + 1);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, inline(v, file, depth)]));
}

/** The JSON schema of `method path` answering `status` (e.g. `get`, `/eth/v1/beacon/genesis`, 200). */
export function responseSchema(method: "get" | "post", path: string, status = "200"): object {
  const paths = (load(ROOT) as { paths: Record<string, unknown> }).paths;
  const op = (inline(paths[path], ROOT) as Record<string, { responses: Record<string, unknown> }>)[method];
  const r = op.responses[status] as { content: { "application/json": { schema: object } } };
  return r.content["application/json"].schema;
}

/** A named component schema (`#/components/schemas/<name>`). */
export function componentSchema(name: string): object {
  return inline(pointer(load(ROOT), `/components/schemas/${name}`), ROOT) as object;
}

/** Errors of `body` against `schema` (empty when it validates). */
export function validate(schema: object, body: unknown): string[] {
  const fn = ajv.compile(schema);
  if (fn(body)) return [];
  return (fn.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`);
}
