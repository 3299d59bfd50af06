/**
 * Finding 1 of issue 12 (critical): deposit front-running (Lido's LIP-5 problem), through the real
 * pieces — the guardian daemon (sdk/src/daemons/guardian.ts), the keeper, the router and the beacon
 * simulator reading the deposit contract's `DepositEvent`s.
 *
 * A hostile permissionless operator registers in the bonded module, uploads one key whose deposit
 * signature is valid for Cascade's withdrawal credentials, then deposits 1 ETH for that pubkey with
 * ITS OWN credentials straight into the deposit contract. On the beacon chain the first deposit fixes
 * the credentials, so a router deposit of 32 ETH for that key would belong to the attacker.
 * - Unchecked attestation (what the guardian daemon signed before: whatever root and nonce it saw):
 *   the router sends 32 ETH (buffered −32 ETH, two `DepositEvent`s for one pubkey, the simulator's
 *   validator holds 33 ETH under the attacker's credentials).
 * - The guardian daemon now finds the earlier deposit in the deposit contract's history and signs a
 *   PAUSE OF THE BONDED MODULE instead: the keeper submits it, deposits to that module stay paused,
 *   `buffered` is untouched and the pubkey has the attacker's 1 ETH deposit only.
 * - The pause names the module (issue 12 remainder): the curated module still deposits while the
 *   bonded module is paused, and governance unpauses the bonded module on its own.
 * Same for a key with a random 96-byte signature (the beacon chain would drop the 32 ETH).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { Interface, Signature, hexlify, randomBytes } from "ethers";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { BeaconApi } from "../../sdk/src/beacon/api.js";
import {
  buildDepositData,
  depositCallArgs,
  deterministicSecretKey,
} from "../../sdk/src/beacon/depositData.js";
import { Guardian, attest } from "../../sdk/src/daemons/guardian.js";
import { Keeper } from "../../sdk/src/daemons/keeper.js";
import { EventKeySource, keysForDeposit, makeKeys } from "../../sdk/src/daemons/keys.js";
import { GuardianService, GUARDIAN_GAUGES } from "../../sdk/src/daemons/service/guardian.js";
import { KeeperService, KEEPER_GAUGES } from "../../sdk/src/daemons/service/keeper.js";
import { DaemonMetrics } from "../../sdk/src/daemons/service/metrics.js";
import Fastify, { type FastifyInstance } from "fastify";
import { ETH } from "../../deploy/system.js";
import { stakedSystem } from "../helpers/scenario.js";

const { ethers, provider } = await network.create();

const DEPOSIT_EVENT = new Interface([
  "event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)",
]);

describe("guardians vs a front-running bonded operator (beacon simulator)", function () {
  this.timeout(300_000);

  async function setup() {
    const st = await stakedSystem(ethers);
    const { sys, signers } = st;
    const [, , , , g1, g2] = signers;
    const [keeperS, funder, attacker, depositor] = [signers[12], signers[15], signers[16], signers[17]];
    const A = sys.addresses;
    const gAddrs = {
      router: A.router,
      depositContract: A.depositContract,
      depositSecurity: A.depositSecurity,
    };
    const guardians = [g1, g2].map((g) => new Guardian(g, gAddrs));
    const keeper = new Keeper(
      keeperS,
      { router: A.router, pool: A.pool },
      guardians,
      new EventKeySource(ethers.provider, [A.curatedModule, A.bondedModule]),
    );
    const wc: string = await sys.router.withdrawalCredentials();
    // Use up every honest key (the guardians attest them: all clean), so the next validator can
    // only be the attacker's.
    for (let round = 0; round < 4; round++) {
      const left = (await sys.curated.depositableKeys()) + (await sys.bonded.depositableKeys());
      if (left === 0n) break;
      await (
        await sys.pool.connect(depositor).deposit(2, depositor.address, 0, { value: left * 32n * ETH })
      ).wait();
      const r = await keeper.depositBuffered();
      expect(r.paused, "honest keys: no pause").to.equal(undefined);
    }
    expect(await sys.curated.depositableKeys(), "curated keys used up").to.equal(0n);
    expect(await sys.bonded.depositableKeys(), "bonded keys used up").to.equal(0n);
    const [genesisTime] = await sys.oracle.frameConfig();
    const sim = new BeaconSimulator({
      provider: ethers.provider,
      depositContract: A.depositContract,
      funder,
      genesisTime,
      activationDelayEpochs: 1,
      withdrawDelayEpochs: 4,
      networkValidators: 4,
      modules: [A.curatedModule, A.bondedModule],
      withdrawalRequests: A.withdrawalRequests,
    });
    const beaconUrl = await sim.listen(0);
    return { ...st, sim, beaconUrl, guardians, keeper, wc, attacker, depositor, A };
  }

  /** The attacker registers a bonded operator (2.4 ETH refundable bond) with one key. */
  async function registerHostile(
    s: Awaited<ReturnType<typeof setup>>,
    key: { pubkeys: string; signatures: string },
  ): Promise<bigint> {
    const bond = await s.sys.bonded.bondRequired(0, 1); // same standard curve for everyone
    const id: bigint = await s.sys.bonded.operatorCount();
    await (
      await s.sys.bonded
        .connect(s.attacker)
        .registerOperator("Hostile", s.attacker.address, key.pubkeys, key.signatures, { value: bond })
    ).wait();
    expect(await s.sys.bonded.depositableKeys(), "the hostile key is depositable").to.equal(1n);
    return id;
  }

  /** Buffers 32 ETH in class C and checks the next validator goes to the bonded module. */
  async function fundOneValidator(s: Awaited<ReturnType<typeof setup>>) {
    await (
      await s.sys.pool.connect(s.depositor).deposit(2, s.depositor.address, 0, { value: 32n * ETH })
    ).wait();
    const [alloc] = await s.sys.router.previewAllocation(1);
    expect(alloc[1], "the hostile key is next").to.equal(1n);
  }

  /** The attacker's own 1 ETH deposit for its key, with its own withdrawal credentials. */
  async function frontRun(s: Awaited<ReturnType<typeof setup>>, seed: string): Promise<string> {
    const attackerWc = "0x01" + "00".repeat(11) + s.attacker.address.slice(2).toLowerCase();
    const d = buildDepositData({
      secretKey: deterministicSecretKey(seed, 0),
      withdrawalCredentials: attackerWc,
      amountGwei: 1_000_000_000,
      forkVersion: "0x00000000",
    });
    const a = depositCallArgs(d);
    const dc = new ethers.Contract(
      s.A.depositContract,
      [
        "function deposit(bytes pubkey, bytes withdrawal_credentials, bytes signature, bytes32 deposit_data_root) payable",
      ],
      s.attacker,
    );
    await (
      await dc.deposit(a.pubkey, a.withdrawalCredentials, a.signature, a.depositDataRoot, {
        value: a.valueWei,
      })
    ).wait();
    return attackerWc;
  }

  async function depositEventsFor(s: Awaited<ReturnType<typeof setup>>, pubkey: string) {
    const logs = await ethers.provider.getLogs({
      address: s.A.depositContract,
      topics: [DEPOSIT_EVENT.getEvent("DepositEvent")!.topicHash],
      fromBlock: 0,
      toBlock: "latest",
    });
    return logs
      .map((l) => DEPOSIT_EVENT.parseLog(l)!)
      .filter((e) => (e.args.pubkey as string).toLowerCase() === pubkey.toLowerCase());
  }

  async function validatorOf(s: Awaited<ReturnType<typeof setup>>, pubkey: string) {
    await provider.send("evm_increaseTime", [4 * 384]);
    await provider.send("evm_mine", []);
    const [v] = await new BeaconApi(s.beaconUrl).validators("head", { ids: [pubkey] });
    return v;
  }

  it("before: an unchecked attestation (the old daemon's) lets the router send 32 ETH to the attacker's validator", async function () {
    const s = await setup();
    try {
      const key = makeKeys("hostile-a", 0, 1, s.wc);
      await registerHostile(s, key);
      await fundOneValidator(s);
      const attackerWc = await frontRun(s, "hostile-a");
      const buffered0: bigint = await s.sys.pool.buffered();

      // What the guardian daemon did before: sign the root and nonce it sees, no key checks.
      const { value } = await s.guardians[0].check(1);
      const signed = await Promise.all(s.guardians.map((g) => g.sign(value)));
      signed.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
      const att = {
        ...value,
        signatures: signed.map((x) => {
          const sg = Signature.from(x.signature);
          return { r: sg.r, vs: sg.yParityAndS };
        }),
      };
      const source = new EventKeySource(ethers.provider, [s.A.curatedModule, s.A.bondedModule]);
      await source.refresh();
      const { keys } = await keysForDeposit(s.sys.deployer, s.A.router, 8, source.source, 1);
      await (await s.sys.router.depositToBeacon(1, 8, keys[1], att)).wait();

      expect(buffered0 - (await s.sys.pool.buffered()), "buffered −32 ETH").to.equal(32n * ETH);
      const evs = await depositEventsFor(s, key.pubkeys);
      expect(evs.length, "two DepositEvents for one pubkey").to.equal(2);
      const v = await validatorOf(s, key.pubkeys);
      expect(v.withdrawalCredentials, "credentials fixed by the first deposit: the attacker's").to.equal(
        attackerWc,
      );
      // 1 + 32 ETH deposited (plus the simulator's rewards since activation).
      expect(
        BigInt(v.balance) >= 33n * 10n ** 9n,
        `33 ETH under the attacker's credentials (${v.balance} gwei)`,
      ).to.equal(true);
      expect(v.status, "an active validator").to.match(/^active/);
    } finally {
      await s.sim.close();
    }
  });

  it("test_guardian_frontRunKey_pausesInsteadOfAttesting", async function () {
    const s = await setup();
    try {
      const key = makeKeys("hostile-b", 0, 1, s.wc);
      await registerHostile(s, key);
      await fundOneValidator(s);
      // Clean key, before the front-run: the guardians would attest.
      const clean = await s.guardians[0].check(1);
      expect(clean.violations, "no violation yet").to.deep.equal([]);
      const attackerWc = await frontRun(s, "hostile-b");
      const buffered0: bigint = await s.sys.pool.buffered();

      const r = await s.keeper.depositBuffered();

      expect(r.total, "nothing deposited").to.equal(0n);
      expect(r.paused?.moduleId, "the guardian refused module 1").to.equal(1);
      expect(
        r.paused?.violations.map((v) => [v.reason, v.pubkey]),
        "the front-run key",
      ).to.deep.equal([["PriorDeposit", key.pubkeys.toLowerCase()]]);
      expect(r.paused?.txHash, "the keeper submitted the guardian's pause signature").to.be.a("string");
      expect(await s.sys.depositSecurity.isModulePaused(1), "deposits to module 1 paused").to.equal(true);
      expect(await s.sys.depositSecurity.isPaused(), "no global pause").to.equal(false);
      expect(await s.sys.pool.buffered(), "buffered untouched").to.equal(buffered0);
      expect((await depositEventsFor(s, key.pubkeys)).length, "only the attacker's own deposit").to.equal(1);
      let refused = "";
      try {
        await attest(s.guardians, 1);
      } catch (e) {
        refused = (e as Error).message;
      }
      expect(refused, "no attestation while the key is there").to.match(/PriorDeposit/);
      expect(refused, "the pause names module 1").to.match(/pauses deposits to module 1/);
      const v = await validatorOf(s, key.pubkeys);
      expect(BigInt(v.balance), "the attacker's validator holds its own 1 ETH only").to.equal(10n ** 9n);
      expect(v.withdrawalCredentials).to.equal(attackerWc);
    } finally {
      await s.sim.close();
    }
  });

  it("test_guardian_invalidSignature_pausesInsteadOfAttesting", async function () {
    const s = await setup();
    try {
      const good = makeKeys("hostile-c", 0, 1, s.wc);
      const key = { pubkeys: good.pubkeys, signatures: hexlify(randomBytes(96)) };
      await registerHostile(s, key);
      await fundOneValidator(s);
      const buffered0: bigint = await s.sys.pool.buffered();

      const r = await s.keeper.depositBuffered();

      expect(r.total, "nothing deposited").to.equal(0n);
      expect(
        r.paused?.violations.map((v) => v.reason),
        "bad BLS signature",
      ).to.deep.equal(["InvalidSignature"]);
      expect(await s.sys.depositSecurity.isModulePaused(1), "deposits to module 1 paused").to.equal(true);
      expect(await s.sys.pool.buffered(), "buffered untouched").to.equal(buffered0);
      expect((await depositEventsFor(s, key.pubkeys)).length, "no deposit for the key").to.equal(0);
    } finally {
      await s.sim.close();
    }
  });

  /** Two guardian services on 127.0.0.1 (fastify, port 0) and a keeper service asking them. */
  async function services(s: Awaited<ReturnType<typeof setup>>, apps: FastifyInstance[]) {
    const [, , , , g1, g2] = s.signers;
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const ctx = (signer: typeof g1) => ({ provider: ethers.provider, signer, chainId });
    const gAddrs = {
      router: s.A.router,
      depositContract: s.A.depositContract,
      depositSecurity: s.A.depositSecurity,
    };
    const gMetrics = [g1, g2].map(() => new DaemonMetrics("guardian", GUARDIAN_GAUGES));
    const urls: string[] = [];
    for (const [i, g] of [g1, g2].entries()) {
      const app = Fastify();
      new GuardianService(ctx(g), gAddrs, gMetrics[i]).routes(app);
      await app.listen({ port: 0, host: "127.0.0.1" });
      apps.push(app);
      urls.push(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    }
    const kMetrics = new DaemonMetrics("keeper", KEEPER_GAUGES);
    const keeper = new KeeperService(ctx(s.signers[12]), { ...gAddrs, pool: s.A.pool }, kMetrics, {
      guardians: urls,
    });
    return { urls, gMetrics, kMetrics, keeper };
  }
  const gauge = async (m: DaemonMetrics, name: string) => (await m.gauges.get(name)!.get()).values[0]?.value;

  it("test_guardianService_cleanKey_keeperServiceDepositsWithPerModuleAttestations", async function () {
    const s = await setup();
    const apps: FastifyInstance[] = [];
    try {
      const { gMetrics, kMetrics, keeper } = await services(s, apps);
      // A clean key: both guardians attest module 1 over HTTP, the keeper service deposits it.
      const clean = makeKeys("clean-e", 0, 1, s.wc);
      await registerHostile(s, clean);
      await fundOneValidator(s);
      const step = await keeper.step();
      expect(step.kind, `deposited (${JSON.stringify(step)})`).to.equal("acted");
      expect(await gauge(kMetrics, "validators_deposited"), "one validator").to.equal(1);
      expect((await depositEventsFor(s, clean.pubkeys)).length, "the clean key deposited").to.equal(1);
      for (const m of gMetrics)
        expect(await gauge(m, "signatures_served"), "each guardian signed").to.equal(1);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await s.sim.close();
    }
  });

  it("test_guardianService_frontRunKey_pausesOnChainAndKeeperServiceRelays", async function () {
    const s = await setup();
    const apps: FastifyInstance[] = [];
    try {
      const { urls, gMetrics, keeper } = await services(s, apps);
      // Each guardian service finds the front-run key, signs a pause and submits it on-chain itself;
      // the keeper service gets the pauses (relaying one is a no-op now) and deposits nothing.
      const key = makeKeys("hostile-e", 0, 1, s.wc);
      await registerHostile(s, key);
      await fundOneValidator(s);
      await frontRun(s, "hostile-e");
      const buffered0: bigint = await s.sys.pool.buffered();
      const step = await keeper.step();
      expect(step.kind, "the keeper acted on the pause").to.equal("acted");
      expect((step as { action: string }).action, "the pause and its reason").to.match(
        /paused deposits to module 1: PriorDeposit/,
      );
      expect(await s.sys.depositSecurity.isModulePaused(1), "deposits to module 1 paused").to.equal(true);
      expect(await s.sys.depositSecurity.isPaused(), "no global pause").to.equal(false);
      for (const m of gMetrics) expect(await gauge(m, "pauses_signed"), "each guardian paused").to.equal(1);
      expect(await s.sys.pool.buffered(), "buffered untouched").to.equal(buffered0);
      expect((await depositEventsFor(s, key.pubkeys)).length, "only the attacker's own deposit").to.equal(1);

      // Asked again: refused while paused (409 with the reason), nothing signed.
      const block = await ethers.provider.getBlockNumber();
      const res = await fetch(`${urls[0]}/attestation?module=1&block=${block}`);
      expect(res.status, "refused").to.equal(409);
      expect(((await res.json()) as { error: string }).error, "the reason").to.match(/module 1 are paused/);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await s.sim.close();
    }
  });

  it("test_guardianService_bondedFrontRunPausesModuleB_curatedModuleStillDeposits", async function () {
    const s = await setup();
    const apps: FastifyInstance[] = [];
    try {
      const { gMetrics, kMetrics, keeper } = await services(s, apps);
      const ds = s.sys.depositSecurity;
      // Module B (bonded, id 1): the front-run key; the guardian services pause module 1 only.
      const key = makeKeys("hostile-f", 0, 1, s.wc);
      await registerHostile(s, key);
      await fundOneValidator(s);
      await frontRun(s, "hostile-f");
      const paused = await keeper.step();
      expect((paused as { action: string }).action, "module 1 paused").to.match(
        /paused deposits to module 1: PriorDeposit/,
      );
      expect(await ds.isModulePaused(1), "module 1 paused").to.equal(true);
      expect(await ds.isModulePaused(0), "module 0 not paused").to.equal(false);
      expect(await ds.isPaused(), "no global pause").to.equal(false);

      // Module A (curated, id 0) gets two more vetted keys and the buffer grows.
      const [, , , , , , opCurated] = s.signers;
      const more = makeKeys("curated-op-0", 6, 2, s.wc);
      await (await s.sys.curated.connect(opCurated).addKeys(0, more.pubkeys, more.signatures)).wait();
      await (await s.sys.curated.setVettedLimit(0, 8)).wait();
      await (
        await s.sys.pool.connect(s.depositor).deposit(2, s.depositor.address, 0, { value: 64n * ETH })
      ).wait();
      const n = (await s.sys.pool.buffered()) / (32n * ETH);
      const [alloc] = await s.sys.router.previewAllocation(n);
      expect(alloc[0] > 0n, `module A has a share of ${n}`).to.equal(true);
      const a0: bigint = (await s.sys.router.getModule(0)).deposited;
      const buffered0: bigint = await s.sys.pool.buffered();

      const step = await keeper.step();

      expect(step.kind, `the keeper deposited (${JSON.stringify(step)})`).to.equal("acted");
      expect((await s.sys.router.getModule(0)).deposited - a0, "module A deposited its share").to.equal(
        alloc[0],
      );
      expect(buffered0 - (await s.sys.pool.buffered()), "only module A's share left the buffer").to.equal(
        alloc[0] * 32n * ETH,
      );
      expect((await depositEventsFor(s, key.pubkeys)).length, "the front-run key never deposited").to.equal(
        1,
      );
      expect(await gauge(kMetrics, "validators_deposited"), "the keeper's count").to.equal(Number(alloc[0]));
      for (const m of gMetrics)
        expect(await gauge(m, "signatures_served"), "each guardian attested module A").to.be.at.least(1);

      // Governance unpauses module B; the key is still front-run, so the guardians pause it again
      // under its new pause nonce (the first pause signature is dead).
      await (await ds.unpauseModule(1)).wait();
      expect(await ds.modulePauseNonce(1), "module 1's pause nonce").to.equal(1n);
      const again = await keeper.step();
      expect((again as { action: string }).action, "paused again").to.match(/paused deposits to module 1/);
      expect(await ds.isModulePaused(1), "module 1 paused again").to.equal(true);
      expect(await ds.isPaused(), "still no global pause").to.equal(false);
      this.test!.title += ` [module A: ${alloc[0]} validators while module B paused]`;
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await s.sim.close();
    }
  });
});
