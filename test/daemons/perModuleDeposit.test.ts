/**
 * Finding 4 of issue 12 through the daemons: one operator could block every deposit. Any key
 * upload bumped its module's key nonce and the guardians' attestation covered every module's
 * nonce, so a one-key upload into the bonded module landing just before the keeper's
 * `depositToBeacon` reverted it (`KeyNoncesChanged`), curated deposits included.
 *
 * Real processes on 127.0.0.1: a devnet (anvil, the deploy, the beacon simulator) without its
 * daemons, two `cascade guardian run` and one `cascade keeper run`. The curated module (A, id 0)
 * has 4 vetted keys; a bonded operator (module B, id 1) has bond and no key. Anvil's automine is
 * off, so the keeper's deposit to A (attested for A by both guardians over HTTP) waits in the
 * mempool; the operator then uploads a depositable key into B with a higher tip, and one block
 * mines both, the upload first. The keeper's deposit to A goes through in that block; B's key is
 * deposited later under B's own attestation.
 */
import { expect } from "chai";
import { Command } from "commander";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Wallet, getAddress, parseEther, parseUnits } from "ethers";
import { registerDevnetCommands, type DevnetInfo } from "../../scripts/devnet/commands.js";
import { freePort, spawnDaemon, waitListening, type DaemonChild } from "../../scripts/devnet/system.js";
import { makeKeys } from "../../sdk/src/daemons/keys.js";

const MODULE_ABI = [
  "function keyNonce() view returns (uint256)",
  "function depositableKeys() view returns (uint256)",
  "function operatorCount() view returns (uint256)",
  "function registerOperator(string name, address rewardAddress, bytes pubkeys, bytes signatures) payable returns (uint256)",
  "function addKeysWithBond(uint256 operatorId, bytes pubkeys, bytes signatures) payable",
  "function bondRequired(uint256 operatorId, uint256 keys) view returns (uint256)",
];

describe("finding 4 through the daemons: an upload into module B does not block module A's deposit", function () {
  this.timeout(600_000);
  const ac = new AbortController();
  let running: Promise<unknown>;
  let info: DevnetInfo;
  let provider: JsonRpcProvider;
  const children: DaemonChild[] = [];

  const key = (n: string) => new Wallet(readFileSync(join(info.dir, `${n}.key`), "utf8").trim(), provider);
  const until = async (what: string, ok: () => Promise<boolean>, ms = 120_000) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const daemon = async (name: string, role: "guardian" | "keeper", args: string[]) => {
    const d = spawnDaemon({
      name,
      role,
      rpcUrl: info.rpcUrl,
      addressesFile: join(info.dir, "deployments", "31337.json"),
      keyFile: join(info.dir, `${name}.key`),
      address: key(name).address,
      metricsPort: await freePort(),
      logFile: join(info.dir, "logs", `${name}.log`),
      args: ["--interval", "300", "--max-backoff", "2000", ...args],
      cwd: process.cwd(),
    });
    children.push(d);
    await waitListening(d.metricsUrl);
    return d;
  };

  before(async function () {
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const program = new Command("cascade").exitOverride().option("--rpc <url>").option("--json");
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerDevnetCommands(program, { signal: ac.signal, onReady: (i) => ((info = i), ready()) });
    running = program.parseAsync(
      [
        "devnet",
        "--port",
        "0",
        "--beacon-port",
        "0",
        "--no-daemons",
        "--block-time",
        "0",
        "--dir",
        `test-f4-${process.pid}`,
      ],
      { from: "user" },
    );
    running.catch(() => ready());
    await up;
    if (!info) throw new Error("the devnet did not start");
    provider = new JsonRpcProvider(info.rpcUrl, undefined, { cacheTimeout: -1 });
  });

  after(async function () {
    await Promise.all(children.map((d) => d.stop()));
    await provider?.send("evm_setAutomine", [true]).catch(() => {});
    provider?.destroy();
    ac.abort();
    await running?.catch(() => {});
    if (info) rmSync(info.dir, { recursive: true, force: true });
  });

  it("test_keeperRun_uploadIntoOtherModuleSameBlock_depositsToModuleA", async function () {
    const A = info.addresses;
    const pool = new Contract(
      A.pool,
      [
        "function deposit(uint256 classId, address receiver, uint256 minShares) payable returns (uint256)",
        "function buffered() view returns (uint256)",
      ],
      provider,
    );
    const router = new Contract(
      A.router,
      [
        "function withdrawalCredentials() view returns (bytes32)",
        "function getModule(uint256) view returns (tuple(address module, uint8 status, uint16 stakeShareLimitBps, uint16 moduleFeeBps, uint16 reputationBps, uint64 baseWeight, address feeRecipient, uint64 deposited, uint64 clValidators, uint64 exited, uint128 clBalance))",
        "event DepositedToBeacon(uint256 indexed moduleId, uint256 count, uint256 amount)",
      ],
      provider,
    );
    const curated = new Contract(A.curatedModule, MODULE_ABI, provider);
    const op = key("op");
    const bonded = new Contract(A.bondedModule, MODULE_ABI, op);
    const keeperAddr = key("keeper").address;

    // Module B: a bonded operator with bond and no key yet; module A: 4 vetted keys.
    const opId: bigint = await bonded.operatorCount();
    await (
      await bonded.registerOperator("Blocker", op.address, "0x", "0x", { value: parseEther("2.4") })
    ).wait();
    expect(await bonded.depositableKeys(), "B has nothing to deposit").to.equal(0n);
    expect(await curated.depositableKeys(), "A has vetted keys").to.equal(4n);

    const g1 = await daemon("guardian1", "guardian", []);
    const g2 = await daemon("guardian2", "guardian", []);
    await daemon("keeper", "keeper", ["--guardian", g1.metricsUrl, g2.metricsUrl]);

    // From here blocks are mined only when the test says so.
    await provider.send("evm_setAutomine", [false]);
    const me = key("me");
    await pool.connect(me).getFunction("deposit")(2, me.address, 0, { value: parseEther("64") });
    await provider.send("evm_mine", []);
    expect(await pool.buffered(), "two validators buffered").to.be.at.least(parseEther("64"));

    // The keeper collects A's attestation from both guardians and sends its deposit: it waits in the mempool.
    let keeperTx = "";
    await until("the keeper's depositToBeacon in the mempool", async () => {
      const txpool = (await provider.send("txpool_content", [])) as {
        pending: Record<string, Record<string, { hash: string; to: string }>>;
      };
      const mine = Object.entries(txpool.pending).find(([from]) => getAddress(from) === keeperAddr);
      const tx = mine && Object.values(mine[1]).find((t) => getAddress(t.to) === getAddress(A.router));
      keeperTx = tx?.hash ?? "";
      return keeperTx !== "";
    });
    const bNonce0: bigint = await bonded.keyNonce();

    // The operator's upload into B, with a tip that puts it ahead of the keeper's deposit.
    const wc: string = await router.withdrawalCredentials();
    const k = makeKeys("finding4-blocker", 0, 1, wc);
    const bond: bigint = await bonded.bondRequired(opId, 1);
    const upload = await bonded.addKeysWithBond(opId, k.pubkeys, k.signatures, {
      value: bond,
      maxPriorityFeePerGas: parseUnits("50", "gwei"),
      maxFeePerGas: parseUnits("100", "gwei"),
    });
    await provider.send("evm_mine", []);
    const rUpload = (await provider.getTransactionReceipt(upload.hash))!;
    const rDeposit = (await provider.getTransactionReceipt(keeperTx))!;
    await provider.send("evm_setAutomine", [true]);

    expect(rUpload?.status, "the upload into B went through").to.equal(1);
    expect(rDeposit, "the keeper's deposit was mined").to.not.equal(null);
    expect(rDeposit.blockNumber, "upload and deposit in the same block").to.equal(rUpload.blockNumber);
    expect(rUpload.index, "the upload ran first").to.be.lessThan(rDeposit.index);
    expect(await bonded.keyNonce(), "B's depositable set changed: its nonce moved").to.be.greaterThan(
      bNonce0,
    );
    expect(rDeposit.status, "the keeper's deposit to A went through after B's upload").to.equal(1);
    const deposited = rDeposit.logs
      .map((l) => {
        try {
          return router.interface.parseLog(l);
        } catch {
          return null;
        }
      })
      .filter((e) => e?.name === "DepositedToBeacon");
    expect(
      deposited.map((e) => Number(e!.args.moduleId)),
      "the deposit went to module A",
    ).to.deep.equal([0]);
    expect((await router.getModule(0)).deposited, "A's validators booked").to.equal(deposited[0]!.args.count);

    // B's key goes later, under B's own attestation: 96 ETH more lets the allocation reach it
    // (an allocation of one validator can floor to nothing).
    await (
      await pool.connect(me).getFunction("deposit")(2, me.address, 0, { value: parseEther("96") })
    ).wait();
    await until("B's key deposited by the keeper", async () => (await router.getModule(1)).deposited === 1n);
    expect(await bonded.depositableKeys(), "B's key used").to.equal(0n);
    this.test!.title += ` [A: ${deposited[0]!.args.count} validator(s) in block ${rDeposit.blockNumber} after the upload at index ${rUpload.index}; B: 1 later]`;
  });
});
