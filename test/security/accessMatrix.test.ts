/**
 * Access-control matrix (issue 9). Every state-changing external function of every deployed
 * contract is read from its ABI and called (eth_call, so nothing changes) from every role
 * holder and from a stranger. The revert data is decoded to its custom-error name: an access
 * error (AccessControlUnauthorizedAccount, NotRouter, NotOracle, …) means "refused at the
 * door"; success or any other error means the caller passed the access check. The test asserts
 * that exactly the intended callers pass, that the deliberately public functions are open to
 * everyone, and fails when a state-changing function appears in neither list.
 *
 * The system is the production shape: handOverToTimelock moves DEFAULT_ADMIN_ROLE of every
 * proxy to the timelock (the ServiceRegistry is handed over here by hand — deploy/system.ts
 * omits it, see docs/security.md), the deployer keeps the operational roles it was granted, and
 * the roles nobody holds after deployment (router PAUSER, bonded CURVE/REPUTATION managers)
 * are granted to dedicated actors so their gates are exercised too.
 *
 * Writes the matrix to docs/security-matrix.md.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { ErrorFragment, Interface, ZeroHash, type FunctionFragment, type ParamType } from "ethers";
import { handOverToTimelock, ETH } from "../../deploy/system.js";
import { stakedSystem } from "../helpers/scenario.js";

/** The depositor's redemption request whose `claim` the matrix calls (set in the fixture). */
let claimRequestId = 0n;

const { ethers, provider } = await network.create();

/** Errors that mean "this caller may not call this". */
const ACCESS_ERRORS = new Set([
  "AccessControlUnauthorizedAccount",
  "TimelockUnauthorizedCaller",
  "NotRouter",
  "NotRegistry",
  "NotAuthorized",
  "NotOracle",
  "NotServiceRegistry",
  "NotAccounting",
  "NotSlasher",
  "NotOperatorManager",
  "NotMember",
  "NotGuardian",
  "NotQueue",
  "NotBook",
  "NotModule",
  "NotController",
  "NotDelegated",
  "NotPool",
  "NotFace",
  "NotExitManager",
]);

type Gate =
  | { kind: "gated"; allowed: string[] }
  | { kind: "public"; note?: string }
  | { kind: "initializer" }
  /** Gated by something other than msg.sender (a signature, the caller's own address). */
  | { kind: "unchecked"; note: string };

const gated = (...allowed: string[]): Gate => ({ kind: "gated", allowed });
const open = (note?: string): Gate => ({ kind: "public", note });
const INIT: Gate = { kind: "initializer" };

/** Functions every UUPS proxy shares (CascadeUpgradeable = AccessControl + UUPS). */
const proxyCommon: Record<string, Gate> = {
  grantRole: gated("timelock"),
  revokeRole: gated("timelock"),
  renounceRole: { kind: "unchecked", note: "self only (callerConfirmation)" },
  upgradeToAndCall: gated("timelock"),
  initialize: INIT,
};
const erc20: Record<string, Gate> = {
  transfer: open("ERC-20"),
  transferFrom: open("ERC-20 (allowance)"),
  approve: open("ERC-20"),
  permit: open("ERC-2612 (signature)"),
};

/** The intended access of every state-changing function, by contract. */
const EXPECTED: Record<string, Record<string, Gate>> = {
  DepositSecurity: {
    ...proxyCommon,
    pause: gated("guardian"),
    pauseWithSignature: { kind: "unchecked", note: "guardian EIP-712 signature; anyone relays" },
    unpause: gated("timelock"),
    pauseModule: gated("guardian"),
    pauseModuleWithSignature: { kind: "unchecked", note: "guardian EIP-712 signature; anyone relays" },
    unpauseModule: gated("timelock"),
    addGuardian: gated("timelock"),
    removeGuardian: gated("timelock"),
    setMaxAttestationAge: gated("timelock"),
  },
  StakingRouter: {
    ...proxyCommon,
    setVaults: gated("timelock"),
    setPool: gated("timelock"),
    addModule: gated("deployer"),
    updateModule: gated("deployer"),
    setModuleStatus: gated("deployer", "pauser"),
    setAllocationParams: gated("deployer"),
    applyModuleReports: gated("accounting"),
    chargeOperatorBond: gated("accounting"),
    penalizeReputation: gated("exitManager"),
    penalizeSlash: gated("registry"),
    depositToBeacon: open("keeper; guardian attestation checked inside"),
    depositToBeaconBatch: open("keeper; one guardian attestation per module checked inside"),
    registerPubkeys: gated("curatedModule", "bondedModule"),
    releasePubkeys: gated("curatedModule", "bondedModule"),
    receiveBondCover: gated("curatedModule", "bondedModule"),
  },
  // The router's extension runs only by DELEGATECALL from it: called directly, every function
  // refuses everyone (NotDelegated).
  RouterExtension: {
    initialize: gated(),
    setVaults: gated(),
    setPool: gated(),
    addModule: gated(),
    updateModule: gated(),
    setModuleStatus: gated(),
    setAllocationParams: gated(),
    registerPubkeys: gated(),
    releasePubkeys: gated(),
  },
  ExitManager: {
    ...proxyCommon,
    applyReportExits: gated("accounting"),
    updateOperatorExited: gated("accounting"),
    forceExit: open("keeper; only when the exit is overdue"),
  },
  // A vault pays only the pool, only when the pool pulls it (itself only for the router).
  WithdrawalVault: { payPool: gated("pool"), requestFullExits: gated("exitManager") },
  ExecutionRewardsVault: { payPool: gated("pool") },
  CascadePool: {
    ...proxyCommon,
    deposit: open("depositor entry"),
    requestRedeem: open("depositor entry (own shares or allowance)"),
    claim: gated("depositor"), // the request's controller
    faceTransfer: gated("classToken"), // face k moves class k only
    setAccounting: gated("timelock"),
    setServiceRegistry: gated("timelock"),
    setMinRedeemAssets: gated("timelock"),
    addClass: gated("deployer"),
    setClassParams: gated("deployer"),
    setClassOpen: gated("deployer"),
    setMinRedeemDelay: gated("deployer"),
    applyReport: gated("accounting"),
    settleSlash: gated("registry"),
    finalize: gated("accounting"),
    payServiceSlash: gated("accounting"),
    repayDebt: gated("accounting"),
    bookInflow: gated("router"),
    pullFromVaults: gated("accounting"),
    withdrawForDeposit: gated("router"),
    receiveServiceRewards: gated("registry"),
    openPayout: gated("registry"),
    claimServicePayout: open("pulls the caller's own payout"),
  },
  // The pool's extension runs only by DELEGATECALL from it: called directly, every function
  // refuses everyone (NotDelegated).
  PoolExtension: {
    setAccounting: gated(),
    setServiceRegistry: gated(),
    setMinRedeemAssets: gated(),
    addClass: gated(),
    setClassParams: gated(),
    setClassOpen: gated(),
    setMinRedeemDelay: gated(),
    applyReport: gated(),
    finalize: gated(),
    payServiceSlash: gated(),
    repayDebt: gated(),
    bookInflow: gated(),
    withdrawForDeposit: gated(),
    receiveServiceRewards: gated(),
    openPayout: gated(),
    claimServicePayout: gated(),
  },
  Accounting: {
    ...proxyCommon,
    handleReport: gated("oracle"),
    setServiceRegistry: gated("timelock"),
    setOracle: gated("timelock"),
    setLimits: gated("timelock"),
    setParams: gated("timelock"),
  },
  ReportOracle: {
    ...proxyCommon,
    submitReportHash: gated("oracleMember"),
    submitReportData: gated("oracleMember"),
    addMember: gated("timelock"),
    removeMember: gated("timelock"),
  },
  CuratedModule: {
    ...proxyCommon,
    addOperator: gated("deployer"),
    setVettedLimit: gated("deployer"),
    setOperatorActive: gated("deployer"),
    addKeys: gated("curatedOperator"),
    removeKeys: gated("curatedOperator"),
    onDeposit: gated("router"),
    updateExited: gated("exitManager"),
    onExitedReported: gated("router"),
    requestExits: gated("exitManager"),
    onSlash: gated("registry"),
  },
  BondedModule: {
    ...proxyCommon,
    registerOperator: open("permissionless operator entry (bond)"),
    topUpBond: open("anyone may add bond to an operator"),
    addKeys: gated("bondedOperator"),
    addKeysWithBond: gated("bondedOperator"),
    removeKeys: gated("bondedOperator"),
    withdrawBond: gated("bondedOperator"),
    leave: gated("bondedOperator"),
    onDeposit: gated("router"),
    updateExited: gated("exitManager"),
    onExitedReported: gated("router"),
    requestExits: gated("exitManager"),
    onSlash: gated("registry"),
    chargeBond: gated("router"),
    lockBond: gated("registry"),
    unlockBond: gated("registry"),
    setBondCurves: gated("curveManager"),
    setOperatorProven: gated("reputationManager"),
    setOperatorActive: gated("timelock"),
  },
  ServiceRegistry: {
    ...proxyCommon,
    registerService: open("permissionless, pays registrationFee; Pending until SERVICE_MANAGER activates"),
    setServiceStatus: gated("deployer"),
    setCoverFactor: gated("timelock"),
    setMinSlashAmount: gated("timelock"),
    setRegistrationFee: gated("timelock"),
    payRewards: open("anyone pays a service's rewards"),
    optIn: gated("curatedOperator"),
    optOut: gated("curatedOperator"),
    setServiceRisk: gated("deployer", "slasher"),
    setMinGamma: gated("timelock"),
    setAllocation: gated("deployer"),
    requestSlash: gated("slasher"),
    vetoSlash: gated("deployer"),
    executeSlash: open("keeper; after the veto window"),
    setSlashParams: gated("accounting"),
    collectRewards: gated("accounting"),
    enforceExposure: gated("accounting"),
  },
  // The registry's extensions run only by DELEGATECALL from it: called directly, every
  // function refuses everyone (NotDelegated), so they hold no power of their own.
  ServiceAllocations: {
    setAllocation: gated(),
    enforceExposure: gated(),
  },
  ServiceSlashing: {
    vetoSlash: gated(),
    executeSlash: gated(),
    setSlashParams: gated(),
    optOut: gated(),
    setServiceRisk: gated(),
    setServiceStatus: gated(),
  },
  ClassToken: {
    ...erc20,
    emitTransfer: gated("pool"),
    emitMint: gated("pool"),
  },
  CascadeTimelock: {
    schedule: gated("deployer"),
    scheduleBatch: gated("deployer"),
    execute: gated("deployer"),
    executeBatch: gated("deployer"),
    cancel: gated("deployer"),
    updateDelay: gated("timelock"),
    grantRole: gated("timelock"),
    revokeRole: gated("timelock"),
    renounceRole: { kind: "unchecked", note: "self only (callerConfirmation)" },
    onERC721Received: open("token hook"),
    onERC1155Received: open("token hook"),
    onERC1155BatchReceived: open("token hook"),
  },
  DepositContract: { deposit: open("devnet deposit contract (mainnet semantics)") },
};

/** A plausible value for an ABI parameter: non-zero addresses so ZeroAddress checks pass. */
function defaultArg(p: ParamType, filler: string): unknown {
  if (p.isArray())
    return p.arrayLength > 0
      ? Array.from({ length: p.arrayLength }, () => defaultArg(p.arrayChildren!, filler))
      : [];
  if (p.isTuple()) return p.components!.map((c) => defaultArg(c, filler));
  if (p.baseType === "address") return filler;
  if (p.baseType === "bool") return false;
  if (p.baseType === "string") return "x";
  if (p.baseType === "bytes") return "0x";
  if (p.baseType.startsWith("bytes")) return ZeroHash.slice(0, 2 + 2 * Number(p.baseType.slice(5)));
  return 0n;
}

describe("security: access-control matrix", function () {
  it("lets exactly the intended callers through every state-changing function", async function () {
    const { sys, signers } = await stakedSystem(ethers);
    const [
      deployer,
      m1,
      ,
      ,
      g1,
      ,
      opCurated,
      opBonded,
      ,
      ,
      d3,
      ,
      ,
      slasher,
      recipient,
      pauser,
      curveMgr,
      repMgr,
      stranger,
    ] = signers;

    // Production shape: admin to the timelock everywhere (the timelock administers itself).
    await handOverToTimelock(sys);
    const tl = await sys.timelock.getAddress();
    const reg = sys.registry;

    // Roles nobody holds after deployment get a dedicated holder, via the timelock.
    const delay = Number(await sys.timelock.getMinDelay());
    const viaTimelock = async (target: any, data: string) => {
      const to = await target.getAddress();
      const salt = ethers.hexlify(ethers.randomBytes(32));
      await (await sys.timelock.schedule(to, 0, data, ZeroHash, salt, delay)).wait();
      await provider.send("evm_increaseTime", [delay]);
      await (await sys.timelock.execute(to, 0, data, ZeroHash, salt)).wait();
    };
    const grant = async (c: any, role: string, who: string) =>
      viaTimelock(c, c.interface.encodeFunctionData("grantRole", [await c[role](), who]));
    await grant(sys.router, "PAUSER_ROLE", pauser.address);
    await grant(sys.bonded, "CURVE_MANAGER_ROLE", curveMgr.address);
    await grant(sys.bonded, "REPUTATION_MANAGER_ROLE", repMgr.address);

    // Objects the object-gated functions need: an active service with the curated operator
    // opted in (slasher set), and a redemption request (id 0: class 0, index 0) of d3.
    await (
      await reg.registerService({
        tier: 1,
        maxSlashBps: 1000,
        slashingWindow: 300,
        vetoWindow: 300,
        minOperators: 1,
        maxOperatorShareBps: 10_000,
        slasher: slasher.address,
        recipient: recipient.address,
      })
    ).wait();
    await (await reg.setServiceStatus(0, 2)).wait();
    await (await reg.connect(opCurated).optIn(0, 0, 0)).wait();
    // The request id names its controller (CascadePool: controller << 96 | class << 64 | index).
    claimRequestId = await sys.queue.connect(d3).requestRedeem.staticCall(0, ETH, d3.address, d3.address);
    await (await sys.queue.connect(d3).requestRedeem(0, ETH, d3.address, d3.address)).wait();

    const actors: Record<string, string> = {
      timelock: tl,
      deployer: deployer.address,
      pauser: pauser.address,
      curveManager: curveMgr.address,
      reputationManager: repMgr.address,
      oracleMember: m1.address,
      guardian: g1.address,
      curatedOperator: opCurated.address,
      bondedOperator: opBonded.address,
      depositor: d3.address,
      slasher: slasher.address,
      router: await sys.router.getAddress(),
      exitManager: await sys.exitManager.getAddress(),
      accounting: await sys.accounting.getAddress(),
      registry: await reg.getAddress(),
      oracle: await sys.oracle.getAddress(),
      pool: await sys.pool.getAddress(),
      classToken: await sys.tokens[0].getAddress(),
      curatedModule: await sys.curated.getAddress(),
      bondedModule: await sys.bonded.getAddress(),
      stranger: stranger.address,
    };
    for (const a of Object.values(actors))
      await provider.send("hardhat_setBalance", [a, "0x" + (10n ** 24n).toString(16)]);

    const targets: [string, any][] = [
      ["DepositSecurity", sys.depositSecurity],
      ["StakingRouter", sys.router],
      ["RouterExtension", await ethers.getContractAt("RouterExtension", await sys.router.extension())],
      ["ExitManager", sys.exitManager],
      ["WithdrawalVault", sys.withdrawalVault],
      ["ExecutionRewardsVault", sys.elVault],
      ["CascadePool", sys.pool],
      ["PoolExtension", await ethers.getContractAt("PoolExtension", await sys.pool.extension())],
      ["Accounting", sys.accounting],
      ["ReportOracle", sys.oracle],
      ["CuratedModule", sys.curated],
      ["BondedModule", sys.bonded],
      ["ServiceRegistry", reg],
      ["ServiceAllocations", await ethers.getContractAt("ServiceAllocations", (await reg.extensions())[0])],
      ["ServiceSlashing", await ethers.getContractAt("ServiceSlashing", (await reg.extensions())[1])],
      ["ClassToken", sys.tokens[0]],
      ["CascadeTimelock", sys.timelock],
      ["DepositContract", sys.depositContract],
    ];

    // Every error of every contract, to decode revert data by selector.
    const errors = new Map<string, ErrorFragment>();
    for (const [, c] of targets)
      for (const f of (c.interface as Interface).fragments)
        if (f.type === "error") errors.set((f as ErrorFragment).selector, f as ErrorFragment);
    // An access-named error counts as a refusal only when it names this caller (or no address):
    // NotGuardian(guardian) from removeGuardian of a non-guardian is input validation.
    const decode = (data: string | undefined, caller: string): string => {
      if (!data || data === "0x") return "revert()";
      const f = errors.get(data.slice(0, 10));
      if (f) {
        if (!ACCESS_ERRORS.has(f.name)) return f.name;
        const args = ErrorFragment.from(f).inputs;
        const values = new Interface([f]).decodeErrorResult(f, data);
        const addrs = args
          .map((a, i) => (a.type === "address" ? String(values[i]).toLowerCase() : null))
          .filter((a) => a !== null);
        return addrs.length === 0 || addrs.includes(caller.toLowerCase()) ? f.name : `${f.name}(input)`;
      }
      if (data.startsWith("0x08c379a0")) return "Error(string)";
      if (data.startsWith("0x4e487b71")) return "Panic";
      return `unknown(${data.slice(0, 10)})`;
    };
    const revertData = (e: any): string | undefined => {
      for (const d of [e?.data, e?.error?.data, e?.info?.error?.data, e?.data?.data])
        if (typeof d === "string" && d.startsWith("0x")) return d;
      return undefined;
    };

    const names = Object.keys(actors);
    const rows: string[] = [];
    const failures: string[] = [];
    let calls = 0;
    // Role-id arguments: DEFAULT_ADMIN_ROLE (the interesting one; its admin is itself).
    for (const [contractName, c] of targets) {
      const to = await c.getAddress();
      const expected = EXPECTED[contractName];
      const fns = (c.interface as Interface).fragments.filter(
        (f): f is FunctionFragment =>
          f.type === "function" && !["view", "pure"].includes((f as FunctionFragment).stateMutability),
      );
      const seen = new Set<string>();
      for (const f of fns) {
        seen.add(f.name);
        const gate = expected?.[f.name];
        if (!gate) {
          failures.push(
            `${contractName}.${f.format()} is state-changing but in neither the gated nor the public list`,
          );
          continue;
        }
        const passed: string[] = [];
        const outcome: Record<string, string> = {};
        for (const who of names) {
          const args = f.inputs.map((p) =>
            defaultArg(p, who === "stranger" ? actors.deployer : actors.stranger),
          );
          const override = argsFor(contractName, f.name, actors[who], actors);
          const data = c.interface.encodeFunctionData(f, override ?? args);
          let result = "ok";
          try {
            await provider.send("eth_call", [{ from: actors[who], to, data }, "latest"]);
          } catch (e) {
            result = decode(revertData(e), actors[who]);
            if (result === "revert()" && process.env.DEBUG_MATRIX) console.log(contractName, f.name, who, e);
          }
          ++calls;
          outcome[who] = result;
          if (!ACCESS_ERRORS.has(result) && result !== "InvalidInitialization") passed.push(who);
        }
        let mark = (who: string): string => (ACCESS_ERRORS.has(outcome[who]) ? "✗" : "✓");
        if (gate.kind === "gated") {
          const want = [...gate.allowed].sort().join(",");
          const got = [...passed].sort().join(",");
          if (want !== got)
            failures.push(
              `${contractName}.${f.name}: expected [${want}] to pass, got [${got}] — ${JSON.stringify(outcome)}`,
            );
        } else if (gate.kind === "public") {
          const refused = names.filter((w) => ACCESS_ERRORS.has(outcome[w]));
          if (refused.length)
            failures.push(
              `${contractName}.${f.name} is public but refused ${refused.join(",")}: ${JSON.stringify(outcome)}`,
            );
        } else if (gate.kind === "initializer") {
          const notInit = names.filter((w) => outcome[w] !== "InvalidInitialization");
          if (notInit.length) failures.push(`${contractName}.initialize re-callable by ${notInit.join(",")}`);
          mark = () => "init";
        } else {
          mark = () => "·";
        }
        const note =
          gate.kind === "public"
            ? `public${gate.note ? ": " + gate.note : ""}`
            : gate.kind === "unchecked"
              ? gate.note
              : gate.kind === "initializer"
                ? "one-shot initializer (InvalidInitialization for all)"
                : gate.allowed.join(", ");
        rows.push(`| ${contractName}.${f.name} | ${names.map(mark).join(" | ")} | ${note} |`);
      }
      for (const name of Object.keys(expected ?? {}))
        if (!seen.has(name)) failures.push(`${contractName}.${name} is listed but no longer in the ABI`);
    }

    const header = `| function | ${names.join(" | ")} | intended |\n|---|${names.map(() => ":-:").join("|")}|---|`;
    const doc = [
      "# Access-control matrix (generated)",
      "",
      "Generated by `test/security/accessMatrix.test.ts` (do not edit by hand). Each state-changing",
      "function is eth_call-ed from every actor; ✓ = passed the access check (success or a non-access",
      "revert), ✗ = refused with an access error, `init` = one-shot initializer (already initialized),",
      "`·` = gated by a signature / the caller's own address rather than by role.",
      "",
      `Actors after handOverToTimelock: timelock = DEFAULT_ADMIN_ROLE everywhere; deployer keeps MODULE_MANAGER,`,
      `CLASS_MANAGER, OPERATOR_MANAGER, SERVICE_MANAGER/ALLOCATOR/VETO and the timelock's proposer/executor/canceller`,
      `and admin roles; pauser / curveManager / reputationManager are granted by the test through the timelock.`,
      "",
      `${rows.length} functions × ${names.length} callers = ${calls} calls.`,
      "",
      header,
      ...rows,
      "",
    ].join("\n");
    // Formatted like the rest of the repo, so a test run leaves the committed file unchanged.
    const out = fileURLToPath(new URL("../../docs/security-matrix.md", import.meta.url));
    const options = (await prettier.resolveConfig(out)) ?? {};
    writeFileSync(out, await prettier.format(doc, { ...options, plugins: [], filepath: out }));
    console.log(`      access matrix: ${rows.length} functions × ${names.length} callers (${calls} calls)`);
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });
});

/** Arguments that reach the access check for everyone (object ids that exist, own address). */
function argsFor(
  contract: string,
  fn: string,
  caller: string,
  actors: Record<string, string>,
): unknown[] | undefined {
  if (fn === "renounceRole") return [ZeroHash, caller];
  if (contract === "StakingRouter" && fn === "setModuleStatus") return [0, 2]; // Paused: pauser or manager
  if (contract === "CascadePool" && fn === "claim") return [claimRequestId, actors.stranger];
  return undefined;
}
