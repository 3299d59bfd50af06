/**
 * The demo's narration: what the oracle reported and what the contracts emitted in a frame, as
 * the sentences each frame lists under its tables (./report.ts renders them).
 */
import { fixed } from "../../sdk/src/cli/format.js";
import { decodeModuleState } from "../../sdk/src/moduleState.js";
import type { OracleMember, Report } from "../../sdk/src/daemons/oracle.js";
import type { ChainEvent } from "./runtime.js";

export type Say = (s: string) => void;

/** The agreed report: per module what the beacon chain holds, slashing losses, exit requests. */
export function describeReport(
  r: Report,
  notes: Awaited<ReturnType<OracleMember["buildReport"]>>["notes"],
  names: string[],
  say: Say,
): void {
  const parts = r.modules.map(
    (m, i) =>
      `${names[i]} ${m.clValidators} validators, ${fixed(m.clBalance, 4)} ETH on the beacon chain, ${fixed(m.withdrawn, 4)} ETH withdrawn, perf ${(m.perfBps / 100).toFixed(1)}%`,
  );
  say(
    `Oracle report for slot ${r.refSlot} agreed by the quorum: ${parts.join("; ")}; EL rewards ${fixed(r.elRewards, 4)} ETH.`,
  );
  for (const s of notes.newlySlashed)
    say(
      `The oracle attributes a ${fixed(s.lossWei, 4)} ETH slashing loss to operator ${s.operatorId} of ${names[s.moduleId]}.`,
    );
  if (r.exits.length)
    say(
      `Redemption demand exceeds buffered ETH by ${fixed(notes.exitShortfall, 4)} ETH: exit requests for ${r.exits
        .map((e) => `${names[e.moduleId]} operator ${e.operatorId} (${e.count})`)
        .join(", ")}.`,
    );
}

/**
 * A contract event of the frame as a sentence (undefined for events the demo does not narrate).
 * `serviceRewards`: what the report hands each class from services (the model's split).
 */
export function describeChainEvent(
  e: ChainEvent,
  names: { modules: string[]; classes: string[] },
  serviceRewards: bigint[],
): string | undefined {
  const a = e.args;
  switch (e.name) {
    case "BondCoverCharged":
      return `Bond of operator ${a.operatorId} in module ${names.modules[Number(a.moduleId)]} charged ${fixed(a.charged as bigint, 4)} ETH of a ${fixed(a.requested as bigint, 4)} ETH loss: the pool is made whole.`;
    case "ReputationChanged": // outside a report: a slash or a missed exit deadline
      return `Reputation of ${names.modules[Number(a.moduleId)]} is now ${Number(a.reputationBps) / 100}%.`;
    case "ModulesReported": // one per report, every module's booked state and reputation
      return `Reputation after the report: ${[...(a.states as bigint[])]
        .map((w, id) => `${names.modules[id]} ${decodeModuleState(w).reputationBps / 100}%`)
        .join(", ")}.`;
    case "ServiceRewardsBooked": // the report moves the rewards paid since into buffered
      return `The report books ${fixed(a.amount as bigint, 4)} ETH of service rewards: ${names.classes
        .map((sym, k) => `${sym} +${fixed(serviceRewards[k], 4)}`)
        .join(", ")} (service fee to the treasury).`;
    case "RedeemFinalized": {
      const position = a.position as bigint; // classId << 64 | index
      return `Redemption #${position & ((1n << 64n) - 1n)} of ${names.classes[Number(position >> 64n)]} finalized: ${fixed(a.assets as bigint, 4)} ETH locked for its claim.`;
    }
    default:
      return undefined;
  }
}
