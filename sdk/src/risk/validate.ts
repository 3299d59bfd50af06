import { z } from "zod";

import { InvalidInputError } from "../errors.js";
import type { AnalyzeOptions, RestakingGraph } from "./types.js";

export const BPS = 10_000;

const operatorSchema = z.object({
  id: z.string().min(1, "operator id must be non-empty"),
  stake: z.bigint().nonnegative("stake must be ≥ 0 wei"),
});

const serviceSchema = z.object({
  id: z.string().min(1, "service id must be non-empty"),
  profitFromCorruption: z.bigint().nonnegative("profitFromCorruption must be ≥ 0 wei"),
  attackThresholdBps: z
    .number()
    .int("attackThresholdBps must be an integer")
    .min(1, "attackThresholdBps must be in 1..10000 (a zero threshold lets anyone attack)")
    .max(BPS, "attackThresholdBps must be in 1..10000"),
  operators: z.array(z.string().min(1)),
});

export const graphSchema = z
  .object({ operators: z.array(operatorSchema), services: z.array(serviceSchema) })
  .superRefine((g, ctx) => {
    const known = new Set<string>();
    g.operators.forEach((o, i) => {
      if (known.has(o.id))
        ctx.addIssue({
          code: "custom",
          path: ["operators", i, "id"],
          message: `duplicate operator id "${o.id}"`,
        });
      known.add(o.id);
    });
    const services = new Set<string>();
    g.services.forEach((s, i) => {
      if (services.has(s.id))
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "id"],
          message: `duplicate service id "${s.id}"`,
        });
      services.add(s.id);
      const seen = new Set<string>();
      s.operators.forEach((id, j) => {
        if (!known.has(id))
          ctx.addIssue({
            code: "custom",
            path: ["services", i, "operators", j],
            message: `unknown operator id "${id}" in service "${s.id}"`,
          });
        if (seen.has(id))
          ctx.addIssue({
            code: "custom",
            path: ["services", i, "operators", j],
            message: `operator "${id}" listed twice in service "${s.id}"`,
          });
        seen.add(id);
      });
    });
  });

const optionsSchema = z
  .object({
    psiBps: z.number().int().min(0).max(BPS).optional(),
    method: z.enum(["auto", "exact", "sufficient"]).optional(),
    maxExactOperators: z.number().int().min(0).max(24).optional(),
    maxExactServices: z.number().int().min(0).max(16).optional(),
  })
  .strict();

function fail(what: string, error: z.ZodError): never {
  const details = error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
  throw new InvalidInputError(`invalid ${what}: ${error.issues[0]?.message ?? "rejected"}`, {
    cause: error,
    details,
  });
}

/** Validates the graph shape and references; throws `InvalidInputError` listing every issue. */
export function parseGraph(graph: unknown): RestakingGraph {
  const r = graphSchema.safeParse(graph);
  if (!r.success) fail("restaking graph", r.error);
  return r.data;
}

export function parseOptions(opts: unknown): AnalyzeOptions {
  const r = optionsSchema.safeParse(opts ?? {});
  if (!r.success) fail("analyze options", r.error);
  // Drop keys given as undefined: AnalyzeOptions' optional fields are absent, never `undefined`.
  return Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined)) as AnalyzeOptions;
}
