/** Depositor commands: `status`, `deposit`, `position`, `class`, `preview-deposit`, `redeem`, `claim`, `allocation`. */
import type { Command } from "commander";
import { claim, shortRequestId } from "../../actions/claim.js";
import { classInfo } from "../../actions/classInfo.js";
import { deposit } from "../../actions/deposit.js";
import { position } from "../../actions/position.js";
import { previewAllocation } from "../../actions/previewAllocation.js";
import { previewDeposit } from "../../actions/previewDeposit.js";
import { requestRedeem } from "../../actions/requestRedeem.js";
import { status } from "../../actions/status.js";
import { bps, eth, kv, short, table } from "../format.js";
import type { CliContext } from "../context.js";

export function registerDepositorCommands(program: Command, ctx: CliContext): void {
  const { getClient, progress, print } = ctx;
  program
    .command("status")
    .description("pool totals, classes and modules")
    .action(async (_o, cmd: Command) => {
      const c = await getClient(cmd);
      const s = await status(c);
      print(cmd, s, () =>
        [
          kv([
            ["chain", s.chainId],
            ["block", s.blockNumber],
            ["pooled (ETH)", eth(s.pooled)],
            ["buffered (ETH)", eth(s.buffered)],
            ["reserved for claims (ETH)", eth(s.reserved)],
            ["pending redemptions (ETH)", eth(s.pendingDemand)],
            ["deposits paused (all modules)", s.depositsPaused],
          ]),
          table(
            ["class", "token", "NAV (ETH)", "supply", "price", "open"],
            s.classes.map((k) => [
              k.classId,
              k.symbol,
              eth(k.nav),
              eth(k.supply),
              eth(k.price),
              k.wiped ? "wiped" : k.open,
            ]),
          ),
          table(
            ["module", "address", "status", "deposited", "exited", "reputation", "depositable keys"],
            s.modules.map((m) => [
              m.moduleId,
              short(m.module),
              m.guardianPaused ? `${m.status}, deposits paused by guardian` : m.status,
              m.deposited,
              m.exited,
              bps(m.reputationBps),
              m.depositableKeys,
            ]),
          ),
        ].join("\n"),
      );
    });

  program
    .command("deposit")
    .description("deposit ETH into a yield class (0 = senior A)")
    .argument("<class>", "class id")
    .argument("<eth>", "amount in ETH, e.g. 1.5")
    .option("--receiver <address>", "who receives the class tokens (default: signer)")
    .option("--min-shares <shares>", "slippage guard, in wei of shares")
    .action(
      async (cls: string, amount: string, o: { receiver?: string; minShares?: string }, cmd: Command) => {
        const c = await getClient(cmd);
        progress(cmd, `depositing ${amount} ETH into class ${cls}`);
        const r = await deposit(c, {
          classId: cls,
          amount,
          ...(o.receiver !== undefined ? { receiver: o.receiver } : {}),
          ...(o.minShares !== undefined ? { minShares: o.minShares } : {}),
        } as never);
        print(cmd, r, () =>
          kv([
            ["class", r.classId],
            ["deposited (ETH)", eth(r.assets)],
            ["shares minted", eth(r.shares)],
            ["receiver", r.receiver],
            ["tx", r.txHash],
          ]),
        );
      },
    );

  program
    .command("position")
    .description("shares, value and redemption requests of an address")
    .argument("[address]", "default: the signer")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (address: string | undefined, o: { fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await position(c, {
        ...(address !== undefined ? { address } : {}),
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(cmd, r, () =>
        [
          `position of ${r.address}: ${eth(r.totalValue)} ETH`,
          table(
            ["class", "token", "shares", "value (ETH)"],
            r.classes.map((k) => [k.classId, k.symbol, eth(k.shares), eth(k.value)]),
          ),
          r.requests.length
            ? table(
                ["request", "class", "shares", "ETH", "status"],
                r.requests.map((q) => [
                  shortRequestId(q.requestId),
                  q.classId,
                  eth(q.shares),
                  eth(q.assets),
                  q.status,
                ]),
              )
            : "no redemption requests",
        ].join("\n"),
      );
    });

  program
    .command("class")
    .description("NAV, price, supply, cover and APY of a class")
    .argument("<id>", "class id")
    .option("--points <n>", "price points used for the APY", "10")
    .option("--from-block <n>", "first block scanned for events (default 0)")
    .action(async (id: string, o: { points: string; fromBlock?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await classInfo(c, {
        classId: id,
        points: o.points,
        ...(o.fromBlock !== undefined ? { fromBlock: o.fromBlock } : {}),
      } as never);
      print(
        cmd,
        r,
        () =>
          kv([
            ["class", `${r.classId} (${r.symbol})`],
            ["token", r.token],
            ["NAV (ETH)", eth(r.nav)],
            ["supply", eth(r.supply)],
            ["price (ETH/token)", eth(r.price)],
            ["open", r.wiped ? "wiped" : r.open],
            ["cover (junior/NAV)", bps(r.coverBps)],
            ["min cover", bps(r.params.minCoverBps)],
            ["redeem delay (s)", r.params.redeemDelay],
            ["deposit cap (ETH)", r.params.depositCap === 0n ? "none" : eth(r.params.depositCap)],
            ["APY", r.apyBps === null ? "- (needs 2 price points)" : bps(r.apyBps)],
            ["exposed to service tiers", r.serviceExposure.tiers.length ? `≤ ${r.classId}` : "none"],
            ["required redeem delay (s)", r.serviceExposure.requiredRedeemDelay ?? "-"],
          ]) +
          "\n" +
          table(
            ["service", "tier", "status", "allocation (ETH)", "max slash", "pending slashes"],
            r.serviceExposure.services.map((x) => [
              x.serviceId,
              x.tier,
              x.status,
              eth(x.allocation),
              bps(x.maxSlashBps),
              x.pendingSlashes,
            ]),
            "no services expose this class",
          ),
      );
    });

  program
    .command("preview-deposit")
    .description("shares a deposit would mint and whether it would revert")
    .argument("<class>", "class id")
    .argument("<eth>", "amount in ETH")
    .action(async (cls: string, amount: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await previewDeposit(c, { classId: cls, amount } as never);
      print(cmd, r, () =>
        kv([
          ["class", r.classId],
          ["amount (ETH)", eth(r.amount)],
          ["shares", eth(r.shares)],
          ["cover after", bps(r.coverBpsAfter)],
          ["would revert", r.wouldRevert ?? "no"],
          ...r.warnings.map((w): [string, string] => ["warning", w]),
        ]),
      );
      if (r.wouldRevert) ctx.setExitCode(1);
    });

  program
    .command("redeem")
    .description("request redemption of class tokens (claim after finalization)")
    .argument("<class>", "class id")
    .argument("<shares>", "tokens to redeem, e.g. 2.5")
    .action(async (cls: string, shares: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      progress(cmd, `requesting redemption of ${shares} tokens of class ${cls}`);
      const r = await requestRedeem(c, { classId: cls, shares } as never);
      print(cmd, r, () =>
        kv([
          ["request", `${shortRequestId(r.requestId)} (claim with this)`],
          ["class", r.classId],
          ["shares", eth(r.shares)],
          ["value now (ETH, max payout)", eth(r.assetsAtRequest)],
          ["tx", r.txHash],
        ]),
      );
    });

  program
    .command("claim")
    .description("claim a finalized redemption's ETH")
    .argument("<requestId>", "request id from `position`: class:index (e.g. 2:0) or the full id")
    .option("--receiver <address>", "who gets the ETH (default: signer)")
    .action(async (requestId: string, o: { receiver?: string }, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await claim(c, { requestId, ...(o.receiver !== undefined ? { receiver: o.receiver } : {}) });
      print(cmd, r, () =>
        kv([
          ["request", shortRequestId(r.requestId)],
          ["paid (ETH)", eth(r.assets)],
          ["receiver", r.receiver],
          ["tx", r.txHash],
        ]),
      );
    });

  program
    .command("allocation")
    .description("how n new validators would be spread over modules")
    .argument("<n>", "validators")
    .action(async (n: string, _o, cmd: Command) => {
      const c = await getClient(cmd);
      const r = await previewAllocation(c, { count: n } as never);
      print(cmd, r, () =>
        [
          table(
            ["module", "address", "reputation", "weight", "validators"],
            r.modules.map((m) => [
              m.moduleId,
              short(m.module),
              bps(m.reputationBps),
              m.weight.toString(),
              m.validators,
            ]),
          ),
          `total ${r.total} of ${r.count}`,
        ].join("\n"),
      );
    });
}
