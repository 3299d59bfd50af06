/**
 * Deploy parameters (deploy/parameters/<network>.json), validated with zod before anything is
 * sent: the system's settings (merged over deploy/system.ts defaults) and the governance Safes
 * (DESIGN §14). Unknown keys are refused so a typo cannot silently fall back to a default.
 */
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { safesSchema } from "./safes.js";
import type { SystemConfig } from "./system.js";

const addr = z
  .string()
  .refine(isAddress, (a) => ({ message: `not an address: ${a}` }))
  .transform((a) => getAddress(a));
const int = z.number().int().min(0);
const wei = z
  .union([z.string().regex(/^\d+$/, "wei as a decimal string"), z.number().int().min(0)])
  .transform(BigInt);

export const paramsSchema = z
  .object({
    guardians: z.array(addr).min(1),
    guardianQuorum: int,
    oracleMembers: z.array(addr).min(1),
    oracleQuorum: int,
    treasury: addr,
    secondsPerSlot: int,
    slotsPerFrame: int,
    treasuryFeeBps: int,
    serviceFeeBps: int,
    lambdaBps: int,
    slashPenaltyBps: int,
    collateralBoostBps: int,
    minReputationBps: int,
    timelockDelay: int,
    coverFactorBps: int,
    minSlashAmount: wei,
    registrationFee: wei,
    minRedeemAssets: wei,
    genesisTime: int,
    depositContract: addr,
    withdrawalRequestContract: addr,
    handOverToTimelock: z.boolean(),
    safes: safesSchema,
    safeContracts: z.enum(["deploy", "canonical"]),
  })
  .partial()
  .strict()
  .superRefine((p, ctx) => {
    // A hand-over without Safes would leave the operational roles with the deployer.
    if (p.handOverToTimelock && !p.safes)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["safes"],
        message: "handOverToTimelock needs the safes",
      });
  });

/** Parses a parameters object; one message naming the file and the bad field. */
export function parseParams(input: unknown, file: string): Partial<SystemConfig> {
  const r = paramsSchema.safeParse(input);
  if (r.success) return r.data as Partial<SystemConfig>;
  const i = r.error.issues[0]!;
  throw new Error(`${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
}
