/**
 * `cascade oracle run`: one oracle member's loop (DESIGN §2, §9). Every step reads the chain to
 * know where the member stands, so a restart never votes twice or submits data twice:
 *
 * 1. refSlot = `currentRefSlot()`; if Accounting already applied it, nothing to do.
 * 2. The beacon node's head must have reached refSlot (a node behind the frame, or one whose head
 *    went back, makes the member wait); every beacon response is schema-checked by `BeaconApi`.
 * 3. Votes of this frame are the `ReportHashSubmitted` events for refSlot. Members build at a
 *    pinned block; the block a vote was built at is taken as the parent of the block the vote was
 *    mined in (a member checks the head did not move between building and voting), so another
 *    member — or the same one after a restart — rebuilds that report from the same block.
 * 4. No vote yet: build at the latest block and vote. Voted, no consensus: if the earliest voted
 *    hash is one this member rebuilds itself, switch to it (members converge on one report; a member
 *    never votes a hash it did not compute). Consensus: rebuild the agreed report (from the voters'
 *    blocks), and submit the data unless the frame is already applied; a member whose rebuilt
 *    report does not hash to the agreed hash never submits (it says why).
 */
import { Contract, getAddress, type Log } from "ethers";
import { BeaconApi } from "../../beacon/api.js";
import { ACCOUNTING_ABI, ORACLE_ABI } from "../abi.js";
import { OracleMember, type OracleAddresses, type Report } from "../oracle.js";
import { checkChain, revertedWith, type DaemonContext } from "./context.js";
import { acted, idle, wait, type StepOutcome } from "./loop.js";
import type { DaemonMetrics } from "./metrics.js";

const ORACLE_EVENTS = [
  ...ORACLE_ABI,
  "event ReportHashSubmitted(uint256 indexed refSlot, address indexed member, bytes32 hash, uint256 support)",
  "function getMembers() view returns (address[])",
];

export const ORACLE_GAUGES = {
  last_frame_voted: "refSlot of this member's latest vote",
  last_report_applied: "refSlot of the last report Accounting applied",
  current_ref_slot: "refSlot members report for now",
  beacon_head_slot: "head slot of the beacon node",
  lag_slots: "beacon head slot minus the last applied refSlot",
  last_data_submitted: "refSlot of the last report data this member submitted",
};

export interface OracleServiceOptions {
  beaconUrl: string;
  /** Beacon API request timeout (ms). */
  beaconTimeoutMs?: number;
  /** How many blocks before a vote's block to try when rebuilding the voted report (default 8). */
  rebuildDepth?: number;
  /** Delay (ms) per member index before submitting data, so members do not all race to submit. */
  submitStaggerMs?: number;
}

interface Vote {
  member: string;
  hash: string;
  block: number;
}

export class OracleService {
  readonly member: OracleMember;
  private readonly oracle: Contract;
  private readonly accounting: Contract;
  private me = "";
  private maxHead = -1n;

  constructor(
    readonly ctx: DaemonContext,
    readonly addresses: OracleAddresses,
    readonly metrics: DaemonMetrics,
    readonly opts: OracleServiceOptions,
  ) {
    const api = new BeaconApi(opts.beaconUrl, opts.beaconTimeoutMs ?? 10_000);
    this.member = new OracleMember(ctx.signer, api, addresses);
    this.oracle = new Contract(addresses.reportOracle, ORACLE_EVENTS, ctx.signer);
    this.accounting = new Contract(addresses.accounting, ACCOUNTING_ABI, ctx.provider);
  }

  async step(): Promise<StepOutcome> {
    const off = await checkChain(this.ctx);
    if (off) return off;
    this.me ||= getAddress(await this.ctx.signer.getAddress());
    const members: string[] = (await this.oracle.getMembers()).map((a: string) => getAddress(a));
    const index = members.indexOf(this.me);
    if (index < 0) return wait(`${this.me} is not an oracle member`);

    const refSlot: bigint = await this.oracle.currentRefSlot();
    const [lastApplied]: [bigint] = await this.accounting.lastReport();
    this.metrics.set("current_ref_slot", refSlot);
    this.metrics.set("last_report_applied", lastApplied);

    const votes = await this.votes(refSlot);
    const mine = votes.filter((v) => v.member === this.me).at(-1);
    if (mine) this.metrics.set("last_frame_voted", refSlot);
    if (refSlot <= lastApplied) return idle(`frame ${refSlot} already applied`, { refSlot: String(refSlot) });

    const head = await this.member.api.headSlot();
    this.metrics.set("beacon_head_slot", head);
    this.metrics.set("lag_slots", head > lastApplied ? head - lastApplied : 0n);
    if (head < this.maxHead) {
      const was = this.maxHead;
      this.maxHead = head; // a restarted node may legitimately start lower; wait one step
      return wait(`beacon head went back from slot ${was} to ${head}`);
    }
    this.maxHead = head;
    if (head < refSlot)
      return wait(`beacon head slot ${head} is behind refSlot ${refSlot}`, {
        head: String(head),
        refSlot: String(refSlot),
      });

    const agreed: string = await this.oracle.consensusHash(refSlot);
    if (agreed !== ZERO) {
      const report = await this.rebuild(agreed, votes);
      if (!report)
        return wait(
          `cannot rebuild the agreed report ${agreed.slice(0, 10)} of refSlot ${refSlot}; not submitting`,
        );
      await new Promise((r) => setTimeout(r, index * (this.opts.submitStaggerMs ?? 1000)));
      const [again]: [bigint] = await this.accounting.lastReport();
      if (again >= refSlot) return idle(`frame ${refSlot} applied by another member`);
      try {
        const tx = await this.member.submitData(report);
        this.metrics.set("last_data_submitted", refSlot);
        this.metrics.set("last_report_applied", refSlot);
        return acted("submitted report data", { refSlot: String(refSlot), hash: agreed, tx });
      } catch (e) {
        if (revertedWith(e, "RefSlotAlreadyProcessed(uint256)"))
          return idle(`frame ${refSlot} applied by another member`);
        // A submission mined after another member's reverts without revert data: ask the chain.
        const [now]: [bigint] = await this.accounting.lastReport();
        if (now >= refSlot)
          return idle(`frame ${refSlot} applied by another member (our transaction reverted)`);
        throw e;
      }
    }

    // No consensus yet: converge on the earliest voted hash this member can rebuild itself.
    const earliestFirst = [...votes].sort((a, b) => a.block - b.block);
    for (const v of earliestFirst) {
      if (mine && v.hash === mine.hash) break; // mine is at least as early: keep it
      const report = await this.rebuild(v.hash, votes);
      if (!report) continue;
      await this.tryVote(refSlot, v.hash);
      this.metrics.set("last_frame_voted", refSlot);
      return acted(mine ? "changed vote to the earliest hash it rebuilds" : "voted report hash", {
        refSlot: String(refSlot),
        hash: v.hash,
      });
    }
    if (mine) return idle(`voted ${mine.hash.slice(0, 10)} for refSlot ${refSlot}; waiting for quorum`);

    // First to vote (or nobody's hash reproduces): build at the latest block and vote; others
    // find that block again as the parent of the vote's block (or a few before, `rebuildDepth`).
    const pinned = await this.ctx.provider.getBlockNumber();
    await this.member.api.headSlot(); // a simulator pays due withdrawals before it answers
    const block = Math.max(pinned, await this.ctx.provider.getBlockNumber());
    const { report, hash } = await this.member.buildReport(block);
    if (report.refSlot !== refSlot) return idle(`frame moved on while building (refSlot ${report.refSlot})`);
    await this.tryVote(refSlot, hash);
    this.metrics.set("last_frame_voted", refSlot);
    return acted("voted report hash", { refSlot: String(refSlot), hash, block });
  }

  /** Votes `hash`; `false` when the chain says this member already voted it (a restart). */
  private async tryVote(refSlot: bigint, hash: string): Promise<boolean> {
    try {
      await (await this.oracle.submitReportHash(refSlot, hash)).wait();
      return true;
    } catch (e) {
      if (revertedWith(e, "AlreadyVoted(address,bytes32)")) return false;
      if (revertedWith(e, "RefSlotAlreadyProcessed(uint256)", "RefSlotNotCurrent(uint256,uint256)"))
        return false;
      throw e;
    }
  }

  /** Every `ReportHashSubmitted` of `refSlot`, in chain order. */
  private async votes(refSlot: bigint): Promise<Vote[]> {
    const logs = (await this.oracle.queryFilter(this.oracle.filters.ReportHashSubmitted(refSlot))) as (Log & {
      args: { member: string; hash: string };
    })[];
    return logs.map((l) => ({ member: getAddress(l.args.member), hash: l.args.hash, block: l.blockNumber }));
  }

  /**
   * This member's own build of the report that hashes to `hash`, from the blocks its voters built
   * at (the parent of each vote's block, and a few before it); `undefined` if none reproduces it.
   */
  private async rebuild(hash: string, votes: Vote[]): Promise<Report | undefined> {
    const depth = this.opts.rebuildDepth ?? 8;
    const tried = new Set<number>();
    for (const v of votes.filter((x) => x.hash === hash)) {
      for (let d = 1; d <= depth; d++) {
        const block = v.block - d;
        if (block < 0 || tried.has(block)) continue;
        tried.add(block);
        const built = await this.member.buildReport(block);
        if (built.hash === hash) return built.report;
      }
    }
    return undefined;
  }
}

const ZERO = "0x" + "00".repeat(32);
