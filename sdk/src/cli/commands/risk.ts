/** Restaking security analysis: `risk [graph]` of a graph file or of the deployed registry. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { formatUnits, parseEther } from "ethers";
import { securityGraph } from "../../risk/deployed.js";
import { CascadeError, InvalidInputError } from "../../errors.js";
import { analyzeSecurity, certifiedGate, formatAnalysis, onChainGate, toJson } from "../../risk/index.js";
import { eth, json, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerRiskCommands(program: Command, ctx: CliContext): void {
  const { io, getClient, print } = ctx;
  program
    .command("risk")
    .description("restaking security analysis of an operator–service graph JSON file")
    .argument(
      "[graph]",
      "graph JSON: { operators: [{id, stake}], services: [{id, profitFromCorruption, attackThresholdBps, operators}] }",
    )
    .option("--psi-bps <bps>", "initial stake shock for the cascade bound", "1000")
    .option(
      "--deployed",
      "analyze the deployed registry's graph: its robustness gate (π, α on-chain), or with --pfc your own π",
    )
    .option("--pfc <file>", 'with --deployed: JSON { serviceId: profitFromCorruptionWei | "<eth> ETH" }')
    .option("--alpha-bps <bps>", "with --deployed: attack threshold of every service", "5000")
    .option("--stake <how>", "with --deployed: σ_v as maxAllocated (default) or active", "maxAllocated")
    .action(
      async (
        file: string | undefined,
        o: { psiBps: string; deployed?: boolean; pfc?: string; alphaBps: string; stake: string },
        cmd: Command,
      ) => {
        const psi = Number(o.psiBps);
        if (!Number.isInteger(psi) || psi < 0 || psi > 10_000)
          throw new InvalidInputError(`--psi-bps must be 0…10000, got ${o.psiBps}`);
        if (o.deployed && !o.pfc) {
          if (file) throw new InvalidInputError("pass either a graph file or --deployed, not both");
          const gate = await onChainGate(await getClient(cmd));
          const sdk = certifiedGate(gate.graph);
          const a = gate.graph.services.length ? analyzeSecurity(gate.graph, { psiBps: psi }) : null;
          const bps = (g: bigint | null) => (g === null ? "unbounded (no load)" : `${g} bps`);
          print(
            cmd,
            {
              onChainGammaBps: gate.gammaBps,
              sdkCertifiedGammaBps: sdk.gammaBps,
              minGammaBps: gate.minGammaBps,
              ...(a ? { analysis: toJson(a) } : {}),
              graph: JSON.parse(json(gate.graph)),
              unbacked: gate.unbacked,
              zeroStakeOperators: sdk.zeroStake,
            },
            () =>
              [
                table(
                  ["operator (module:id)", "σ_v (ETH)", "T_v", "services"],
                  gate.graph.operators.map((v) => [
                    v.id,
                    eth(v.stake),
                    v.stake === 0n ? "skipped (no stake)" : formatUnits(sdk.loads[v.id] ?? 0n, 18),
                    gate.graph.services
                      .filter((s) => s.operators.includes(v.id))
                      .map((s) => s.id)
                      .join(", "),
                  ]),
                ),
                `γ on-chain (certified):   ${bps(gate.gammaBps)} (minimum ${gate.minGammaBps} bps)`,
                `γ SDK certified:          ${bps(sdk.gammaBps)}`,
                ...(a
                  ? [`γ ${a.network.method} (search):      ${a.network.gamma.toString()}`, formatAnalysis(a)]
                  : []),
                ...(gate.unbacked.length
                  ? [`UNBACKED services (π > 0, no slashable stake): ${gate.unbacked.join(", ")}`]
                  : []),
              ].join("\n"),
          );
          if (gate.unbacked.length || (a && a.network.verdict === "insecure")) ctx.setExitCode(1);
          return;
        }
        if (o.deployed && o.pfc) {
          if (file) throw new InvalidInputError("pass either a graph file or --deployed, not both");
          const alpha = Number(o.alphaBps);
          if (!Number.isInteger(alpha) || alpha < 1 || alpha > 10_000)
            throw new InvalidInputError(`--alpha-bps must be 1…10000, got ${o.alphaBps}`);
          if (o.stake !== "maxAllocated" && o.stake !== "active")
            throw new InvalidInputError(`--stake must be maxAllocated or active, got ${o.stake}`);
          let rawPfc: Record<string, unknown>;
          try {
            rawPfc = JSON.parse(readFileSync(resolve(io.cwd, o.pfc), "utf8"));
          } catch (e) {
            throw new InvalidInputError(`cannot read --pfc ${o.pfc}: ${(e as Error).message.split("\n")[0]}`);
          }
          if (!rawPfc || typeof rawPfc !== "object" || Array.isArray(rawPfc))
            throw new InvalidInputError(`--pfc ${o.pfc}: expected an object { serviceId: wei }`);
          const pfc: Record<string, bigint> = {};
          for (const [k, v] of Object.entries(rawPfc)) {
            try {
              pfc[k] =
                typeof v === "string" && /\s*ETH$/i.test(v)
                  ? parseEther(v.replace(/\s*ETH$/i, "").trim())
                  : BigInt(v as string | number);
            } catch {
              throw new InvalidInputError(`--pfc ${o.pfc}: service ${k}: not wei or "<n> ETH": ${String(v)}`);
            }
          }
          const c = await getClient(cmd);
          const { graph, skipped } = await securityGraph(c, {
            profitFromCorruption: pfc,
            attackThresholdBps: alpha,
            stake: o.stake,
          });
          if (graph.services.length === 0)
            throw new CascadeError("no service has allocated stake: nothing to analyze");
          const a = analyzeSecurity(graph, { psiBps: psi });
          print(cmd, { ...toJson(a), graph: JSON.parse(json(graph)), skipped }, () =>
            [
              table(
                ["operator (module:id)", "σ_v (ETH)", "services"],
                graph.operators.map((v) => [
                  v.id,
                  eth(v.stake),
                  graph.services
                    .filter((s) => s.operators.includes(v.id))
                    .map((s) => s.id)
                    .join(", "),
                ]),
              ),
              formatAnalysis(a),
              ...(skipped.length ? [`services without stake (left out): ${skipped.join(", ")}`] : []),
            ].join("\n"),
          );
          if (a.network.verdict === "insecure") ctx.setExitCode(1);
          return;
        }
        if (!file) {
          throw new InvalidInputError(
            "pass a graph JSON file (cascade risk graph.json) or --deployed --pfc pfc.json",
          );
        }
        let raw: { operators?: { stake?: unknown }[]; services?: { profitFromCorruption?: unknown }[] };
        try {
          raw = JSON.parse(readFileSync(resolve(io.cwd, file), "utf8"));
        } catch (e) {
          throw new InvalidInputError(`cannot read graph ${file}: ${(e as Error).message.split("\n")[0]}`);
        }
        const big = (v: unknown) => {
          try {
            return typeof v === "string" || typeof v === "number" ? BigInt(v) : v;
          } catch {
            return v;
          }
        };
        const graph = {
          ...raw,
          operators: (raw.operators ?? []).map((x) => ({ ...x, stake: big(x.stake) })),
          services: (raw.services ?? []).map((x) => ({
            ...x,
            profitFromCorruption: big(x.profitFromCorruption),
          })),
        };
        const a = analyzeSecurity(graph as never, { psiBps: psi });
        print(cmd, toJson(a), () => formatAnalysis(a));
        if (a.network.verdict === "insecure") ctx.setExitCode(1);
      },
    );
}
