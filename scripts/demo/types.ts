/**
 * What the demo (DESIGN §11) takes and returns: the options of `runDemo`, the per-frame rows the
 * tables and the HTML report show, and the summary the tests check.
 */
import type { System } from "../../deploy/system.js";

export interface DemoOptions {
  frames: number;
  seed: string;
  /** Seconds of chain time per frame (default 7 days). */
  frameSeconds?: number;
  /** Read the beacon chain from this node instead of starting the simulator. */
  beaconUrl?: string;
  /** Output: called with each line/table; silent when omitted. */
  log?: (s: string) => void;
  /** Called after each frame (progress). */
  onFrame?: (frame: number, total: number) => void;
  /** Where to write the HTML report (none when omitted). */
  htmlPath?: string;
  /** Called once the system is deployed (devnet prints the addresses). */
  onDeployed?: (sys: System) => void | Promise<void>;
}

export interface ServiceRow {
  id: number;
  name: string;
  tier: number;
  /** ETH of stake securing the service now */
  allocation: string;
  operators: number;
  /** cumulative ETH the service paid as rewards */
  rewardsPaid: string;
  /** cumulative ETH slashed through the service (executed slashes) */
  slashed: string;
  slashesExecuted: number;
  slashesVetoed: number;
  /** the network's certified robustness γ (bps) when the row was read; "∞" = no load */
  gammaBps: string;
}

export interface ModuleRow {
  id: number;
  name: string;
  deposited: number;
  active: number;
  exited: number;
  reputationBps: number;
  targetShareBps: number;
  shareBps: number;
  perfBps: number;
}

export interface ClassRow {
  symbol: string;
  nav: string;
  supply: string;
  price: string;
  apyPct: number;
  /**
   * ETH of service rewards this class received at the frame's report: the registry's collected
   * rewards split by the reference model (sdk/src/model `serviceRewardDown`, the contracts' step 6)
   * over the start-of-report NAVs.
   */
  serviceRewards: string;
}

export interface FrameResult {
  frame: number;
  refSlot: string;
  day: number;
  hash: string;
  modules: ModuleRow[];
  classes: ClassRow[];
  services: ServiceRow[];
  pooled: string;
  navSum: string;
  /** accounting.pooled() and Σ nav in wei, for exact checks */
  pooledWei: string;
  navSumWei: string;
  invariantA: boolean;
  events: string[];
}

export interface DemoResult {
  /** State after the initial deposits, before the first frame (frame 0 of the charts). */
  initial: { modules: ModuleRow[]; classes: ClassRow[]; services: ServiceRow[] };
  frames: FrameResult[];
  summary: {
    bondCharged: string;
    slashedPubkey: string;
    poorPerformer: {
      module: string;
      shareStartBps: number;
      shareEndBps: number;
      repStart: number;
      repEnd: number;
    };
    redemptions: { requested: number; claimed: number; paid: string };
    /** The tier-2 service's slash of a curated operator, executed by the keeper after the veto window. */
    serviceSlash?: {
      slashId: string;
      service: string;
      operator: string;
      requestedFrame: number;
      executedFrame: number;
      amount: string;
      bondCharged: string;
      classLoss: string;
      /** token prices (ETH) just before and just after the execution, per class */
      pricesBefore: string[];
      pricesAfter: string[];
      /**
       * At the end, in wei: what the router holds for the service's recipient to claim itself plus
       * what it still owes (debt). Their sum is the slash: nobody (the keeper included) claimed it.
       */
      recipientPayoutWei: string;
      debtWei: string;
      amountWei: string;
    };
    /** The slash request the veto committee cancelled. */
    vetoedSlash?: { slashId: string; service: string; operator: string; executed: boolean; status: string };
    /** Service rewards: paid per service, received per class (Σ over the frames). */
    serviceRewards: { paidByService: string[]; toClasses: string[] };
    /** Validators forced out through EIP-7002 (ExitManager.forceExit by the keeper) and those the simulator exited. */
    forcedExits: { requested: number; honoured: number; failedAttempts: number; error?: string };
    membersAgreed: boolean;
    wallSeconds: number;
  };
  htmlPath?: string;
}
