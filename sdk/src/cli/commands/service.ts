/** Restaked services: `service register | status | allocate | info | opt-in | opt-out | pay | slash | veto | execute | payout`. */
import type { Command } from "commander";
import { claimServicePayout } from "../../actions/claimServicePayout.js";
import { executeSlash } from "../../actions/executeSlash.js";
import { optIn } from "../../actions/optIn.js";
import { optOut } from "../../actions/optOut.js";
import { payRewards } from "../../actions/payRewards.js";
import { registerService } from "../../actions/registerService.js";
import { requestSlash } from "../../actions/requestSlash.js";
import { serviceInfo } from "../../actions/serviceInfo.js";
import { setAllocation } from "../../actions/setAllocation.js";
import { setServiceStatus } from "../../actions/setServiceStatus.js";
import { vetoSlash } from "../../actions/vetoSlash.js";
import { bps, eth, kv, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerServiceCommands(program: Command, ctx: CliContext): void {
  const { getClient, print } = ctx;
  const service = program.command("service").description("restaked services: register, opt in, pay, slash");
  const when = (t: number) => new Date(t * 1000).toISOString();
  service
    .command("register")
    .description("register a service (Pending until governance approves it)")
    .requiredOption("--tier <n>", "lowest class exposed (class k secures tiers ≤ k)")
    .requiredOption("--max-slash-bps <bps>", "most one incident may slash, in bps of stake")
    .requiredOption("--slashing-window <s>", "seconds an operator stays slashable after leaving")
    .requiredOption("--veto-window <s>", "seconds the veto committee has to cancel a slash")
    .option("--min-operators <n>", "fewest operators an allocation may use", "1")
    .option("--max-operator-share-bps <bps>", "largest share of the allocation per operator", "10000")
    .option("--slasher <address>", "who may request slashes (default: signer)")
    .option("--recipient <address>", "receiver of slashed ETH, 0x0…0 burns (default: signer)")
    .action(async (o: Record<string, string | undefined>, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await registerService(c, {
        tier: o.tier!,
        maxSlashBps: o.maxSlashBps!,
        slashingWindow: o.slashingWindow!,
        vetoWindow: o.vetoWindow!,
        minOperators: o.minOperators!,
        maxOperatorShareBps: o.maxOperatorShareBps!,
        ...(o.slasher !== undefined ? { slasher: o.slasher } : {}),
        ...(o.recipient !== undefined ? { recipient: o.recipient } : {}),
      } as never);
      print(cmd, r, () =>
        kv([
          ["service", `${r.serviceId} (pending approval)`],
          ["tier", r.params.tier],
          ["max slash", bps(r.params.maxSlashBps)],
          ["slashing / veto window (s)", `${r.params.slashingWindow} / ${r.params.vetoWindow}`],
          ["min operators", r.params.minOperators],
          ["max operator share", bps(r.params.maxOperatorShareBps)],
          ["slasher", r.params.slasher],
          ["recipient", r.params.recipient],
          ["registration fee (ETH)", eth(r.fee)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("status")
    .description(
      "approve (active), pause or retire a service: directly with SERVICE_MANAGER_ROLE, else `gov propose set-service-status`",
    )
    .argument("<service>")
    .argument("<status>", "active | paused | retired")
    .action(async (id: string, st: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await setServiceStatus(c, { serviceId: id, status: st } as never);
      print(cmd, r, () =>
        kv([
          ["service", r.serviceId],
          ["status", `${r.from} → ${r.status}`],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("allocate")
    .description(
      "set a service's allocation over opted-in operators (ALLOCATOR_ROLE), else `gov propose set-allocation`",
    )
    .argument("<service>")
    .argument("<eth>", "stake securing the service, 0 removes it")
    .argument("[operators...]", "moduleId:operatorId of each operator")
    .action(async (id: string, amount: string, ops: string[], _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await setAllocation(c, { serviceId: id, amount, operators: ops } as never);
      print(cmd, r, () =>
        [
          kv([
            ["service", r.serviceId],
            ["allocation (ETH)", eth(r.allocation)],
            ["tx", r.txHash],
          ]),
          table(
            ["module", "operator", "stake (ETH)"],
            r.operators.map((x) => [x.moduleId, x.operatorId, eth(x.stake)]),
          ),
        ].join("\n"),
      );
    });
  service
    .command("info")
    .description("parameters, status, allocation, operators, exposure and pending slashes of a service")
    .argument("<service>")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (id: string, o: { fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await serviceInfo(c, {
        serviceId: id,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          kv([
            ["service", r.serviceId],
            ["status", r.status],
            ["tier (exposed classes)", `${r.params.tier} (${r.exposedClasses.join(", ") || "none"})`],
            ["max slash", bps(r.params.maxSlashBps)],
            ["slashing / veto window (s)", `${r.params.slashingWindow} / ${r.params.vetoWindow}`],
            ["min operators / max share", `${r.params.minOperators} / ${bps(r.params.maxOperatorShareBps)}`],
            ["slasher", r.params.slasher],
            ["recipient", r.params.recipient],
            ["allocation (ETH)", eth(r.allocation)],
            ["rewards paid (ETH)", eth(r.rewardsPaid)],
            ["tier's rewards awaiting report (ETH)", eth(r.tierPendingRewards)],
          ]),
          table(
            ["module", "operator", "opted in", "allocated (ETH)", "slashable (ETH)"],
            r.operators.map((x) => [
              x.moduleId,
              x.operatorId,
              x.optedIn ? "yes" : x.optOutAt ? `leaving ${when(x.optOutAt)}` : "no",
              eth(x.allocated),
              eth(x.slashable),
            ]),
            "no operators",
          ),
          table(
            ["tier", "needed (ETH)", "cover (ETH)", "headroom (ETH)"],
            r.exposure.map((x) => [
              x.tier,
              eth(x.needed),
              eth(x.available),
              x.available >= x.needed ? eth(x.available - x.needed) : `-${eth(x.needed - x.available)}`,
            ]),
          ),
          table(
            ["slash", "operator", "bps", "locked bond (ETH)", "executable at"],
            r.pendingSlashes.map((x) => [
              x.slashId,
              `${x.moduleId}:${x.operatorId}`,
              x.bps,
              eth(x.lockedBond),
              when(x.executableAt),
            ]),
            "no pending slashes",
          ),
        ].join("\n"),
      );
    });
  for (const [name, fn, desc] of [
    ["opt-in", optIn, "opt an operator in to an active service (its manager)"],
    ["opt-out", optOut, "opt an operator out (slashable until the slashing window passes)"],
  ] as const) {
    service
      .command(name)
      .description(desc)
      .argument("<service>")
      .argument("<module>", "module id, curated or bonded")
      .argument("<operator>", "operator id")
      .action(async (id: string, m: string, op: string, _o, cmd: Command) => {
        const c = await getClient(cmd);
        const r = await fn(c, { serviceId: id, module: m, operatorId: op } as never);
        print(cmd, r, () =>
          kv([
            ["service", r.serviceId],
            ["operator", `${r.moduleId}:${r.operatorId}`],
            [
              "state",
              "effectiveAt" in r
                ? `opting out, effective ${when((r as { effectiveAt: number }).effectiveAt)}`
                : "opted in",
            ],
            ["tx", r.txHash],
          ]),
        );
      });
  }
  service
    .command("pay")
    .description("pay a service's rewards (booked to the exposed classes at the next report)")
    .argument("<service>")
    .argument("<eth>")
    .action(async (id: string, amount: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await payRewards(c, { serviceId: id, amount } as never);
      print(cmd, r, () =>
        kv([
          ["service", r.serviceId],
          ["paid (ETH)", eth(r.amount)],
          ["tier's rewards awaiting report (ETH)", eth(r.tierPendingRewards)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("slash")
    .description("request a slash of an operator (the service's slasher); executable after the veto window")
    .argument("<service>")
    .argument("<module>", "module id, curated or bonded")
    .argument("<operator>", "operator id")
    .argument("<bps>", "bps of the operator's stake in the service (≤ maxSlashBps)")
    .requiredOption("--evidence <text>", "32-byte hex hash, or text hashed with keccak256")
    .action(async (id: string, m: string, op: string, b: string, o: { evidence: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await requestSlash(c, {
        serviceId: id,
        module: m,
        operatorId: op,
        bps: b,
        evidence: o.evidence,
      } as never);
      print(cmd, r, () =>
        kv([
          ["slash", r.slashId],
          ["service", r.serviceId],
          ["operator", `${r.moduleId}:${r.operatorId}`],
          ["bps", r.bps],
          ["expected (ETH)", eth(r.expectedAmount)],
          ["bond locked (ETH)", eth(r.bondLocked)],
          ["executable at", when(r.executableAt)],
          ["evidence", r.evidence],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("veto")
    .description("cancel a pending slash within its veto window (VETO_ROLE)")
    .argument("<slashId>")
    .action(async (id: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await vetoSlash(c, { slashId: id } as never);
      print(cmd, r, () =>
        kv([
          ["slash", `${r.slashId} vetoed`],
          ["bond unlocked (ETH)", eth(r.unlockedBond)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("execute")
    .description("execute a slash whose veto window is over (anyone)")
    .argument("<slashId>")
    .action(async (id: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await executeSlash(c, { slashId: id } as never);
      print(cmd, r, () =>
        kv([
          ["slash", `${r.slashId} executed`],
          ["service", r.serviceId],
          ["operator", `${r.moduleId}:${r.operatorId}`],
          ["slashed (ETH)", eth(r.amount)],
          ["tx", r.txHash],
        ]),
      );
    });
  service
    .command("payout")
    .description("claim slashed ETH credited to the signer as a service's recipient")
    .action(async (_o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await claimServicePayout(c);
      print(cmd, r, () =>
        kv([
          ["claimed (ETH)", eth(r.amount)],
          ["router debt left (ETH)", eth(r.debt)],
          ["tx", r.txHash],
        ]),
      );
    });
}
