/**
 * The beacon simulator answers the Beacon API subset in the spec's JSON shapes (zod schemas in
 * sdk/src/beacon/schemas.ts mirror ethereum/beacon-APIs) and follows the execution chain:
 * deposits → pending → active, rewards, skims and full withdrawals paid to the 0x01 address,
 * voluntary exits, slashings, id/status filters and spec error codes.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { z } from "zod";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import {
  ErrorResponse,
  GenesisResponse,
  HeaderResponse,
  SpecResponse,
  ValidatorsResponse,
} from "../../sdk/src/beacon/schemas.js";
import { BeaconApi } from "../../sdk/src/beacon/api.js";
import { makeKeys } from "../../sdk/src/daemons/keys.js";
import { withdrawalCredentialsFor } from "../../sdk/src/beacon/depositData.js";

const { ethers, provider } = await network.create();
const ETH = 10n ** 18n;
const EPOCH = 384;
const GWEI_ = 10n ** 9n;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

function parse<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(body);
  expect(r.success, `${what} matches the Beacon API shape: ${r.success ? "" : r.error.message}`).to.equal(
    true,
  );
  return r.data;
}

describe("beacon simulator: Beacon API shapes and chain following", function () {
  let sim: BeaconSimulator;
  let url: string;
  let recipient: string;
  let pubkeys: string[];

  before(async function () {
    const [deployer, , , , , , , , , , , , , , , , funder] = await ethers.getSigners();
    const dc: any = await ethers.deployContract("DepositContract");
    recipient = ethers.Wallet.createRandom().address;
    const wc = withdrawalCredentialsFor(recipient);
    const keys = makeKeys("simulator-test", 0, 3, wc);
    pubkeys = [0, 1, 2].map((i) => "0x" + keys.pubkeys.slice(2 + i * 96, 2 + (i + 1) * 96));
    const genesisTime = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 1n;
    for (let i = 0; i < 3; i++) {
      await (
        await dc
          .connect(deployer)
          .deposit(
            pubkeys[i],
            wc,
            "0x" + keys.signatures.slice(2 + i * 192, 2 + (i + 1) * 192),
            keys.roots[i],
            {
              value: 32n * ETH,
            },
          )
      ).wait();
    }
    sim = new BeaconSimulator({
      provider: ethers.provider,
      depositContract: await dc.getAddress(),
      funder,
      genesisTime,
      activationDelayEpochs: 2,
      withdrawDelayEpochs: 4,
      sweepEpochs: 10,
      aprBps: 400,
      networkValidators: 4,
    });
    url = await sim.listen(0);
    expect(url.startsWith("http://127.0.0.1:"), "binds 127.0.0.1").to.equal(true);
  });

  after(async function () {
    await sim.close();
  });

  async function advanceEpochs(n: number) {
    await provider.send("evm_increaseTime", [n * EPOCH]);
    await provider.send("evm_mine", []);
  }

  it("serves genesis, spec and head in the spec's shapes", async function () {
    const g = parse(GenesisResponse, (await getJson(`${url}/eth/v1/beacon/genesis`)).body, "genesis");
    expect(g.data.genesis_time, "genesis time is the configured one").to.equal(sim.genesisTime.toString());
    const s = parse(SpecResponse, (await getJson(`${url}/eth/v1/config/spec`)).body, "spec");
    expect(s.data.SECONDS_PER_SLOT, "12 s slots").to.equal("12");
    expect(s.data.SLOTS_PER_EPOCH, "32-slot epochs").to.equal("32");
    for (const v of Object.values(s.data))
      expect(
        typeof v === "string" || Array.isArray(v),
        "values are strings or arrays (BLOB_SCHEDULE)",
      ).to.equal(true);
    expect(Array.isArray(s.data.BLOB_SCHEDULE), "Fulu: BLOB_SCHEDULE is an array").to.equal(true);
    const h = parse(HeaderResponse, (await getJson(`${url}/eth/v1/beacon/headers/head`)).body, "header");
    expect(BigInt(h.data.header.message.slot), "head slot follows the chain").to.equal(await sim.chainSlot());
  });

  it("moves validators pending → active and filters by id and status", async function () {
    await advanceEpochs(1);
    let r = parse(
      ValidatorsResponse,
      (await getJson(`${url}/eth/v1/beacon/states/head/validators?id=${pubkeys[0]}`)).body,
      "validators",
    );
    expect(r.data.length, "one validator by pubkey").to.equal(1);
    expect(r.data[0].status, "eligible, queued for activation").to.equal("pending_queued");
    expect(r.data[0].balance, "balance in gwei as a string").to.equal("32000000000");
    await advanceEpochs(3);
    r = parse(
      ValidatorsResponse,
      (await getJson(`${url}/eth/v1/beacon/states/head/validators?id=${pubkeys[0]},${pubkeys[1]}&id=4`)).body,
      "validators",
    );
    expect(
      r.data.map((v) => v.index),
      "comma and repeated ids, pubkeys and indices",
    ).to.deep.equal(["4", "5"]);
    expect(
      r.data.every((v) => v.status === "active_ongoing"),
      "active after the delay",
    ).to.equal(true);
    expect(BigInt(r.data[0].balance) > 32_000_000_000n, "rewards accrue").to.equal(true);
    const active = parse(
      ValidatorsResponse,
      (await getJson(`${url}/eth/v1/beacon/states/head/validators?status=active`)).body,
      "validators",
    );
    expect(active.data.length, "general status `active` expands to active_*").to.equal(7);
    const none = parse(
      ValidatorsResponse,
      (await getJson(`${url}/eth/v1/beacon/states/head/validators?status=exited_slashed`)).body,
      "validators",
    );
    expect(none.data.length, "no exited_slashed validator").to.equal(0);
  });

  it("pays skims and exited balances to the withdrawal address; exits and slashings change status", async function () {
    await advanceEpochs(10);
    await sim.sync();
    const skimmed = await ethers.provider.getBalance(recipient);
    expect(skimmed > 0n, "skims above 32 ETH reached the 0x01 address").to.equal(true);
    await sim.requestExit(pubkeys[0]);
    await sim.slash(pubkeys[1]);
    await advanceEpochs(1);
    const api = new BeaconApi(url);
    let [v0, v1] = await api.validators("head", { ids: [pubkeys[0], pubkeys[1]] });
    expect(v0.status, "voluntary exit initiated").to.equal("active_exiting");
    expect(v1.status, "slashed and exiting").to.equal("active_slashed");
    expect(v1.slashed, "slashed flag").to.equal(true);
    // Exit 5 epochs after the request, withdrawable 4 later: the sweep reaches it 4 epochs after that.
    await advanceEpochs(10);
    [v0] = await api.validators("head", { ids: [pubkeys[0]] });
    expect(v0.status, "withdrawable, waiting for the sweep").to.equal("withdrawal_possible");
    expect(v0.balance > 0n, "balance still on the beacon chain").to.equal(true);
    await advanceEpochs(4);
    [v0] = await api.validators("head", { ids: [pubkeys[0]] });
    expect(v0.status, "withdrawn after the sweep delay").to.equal("withdrawal_done");
    expect(v0.balance, "balance 0 after the full withdrawal").to.equal(0n);
    expect(
      (await ethers.provider.getBalance(recipient)) - skimmed >= 32n * ETH - ETH,
      "exited balance paid",
    ).to.equal(true);
    const full = sim.withdrawals.filter((w) => w.kind === "full");
    expect(full.length, "one full withdrawal recorded").to.equal(1);
  });

  it("answers errors in the spec's shape", async function () {
    const bad = await getJson(`${url}/eth/v1/beacon/states/nonsense/validators`);
    expect(bad.status, "invalid state id").to.equal(400);
    parse(ErrorResponse, bad.body, "error");
    const future = await getJson(`${url}/eth/v1/beacon/states/999999999/validators`);
    expect(future.status, "future slot").to.equal(404);
    parse(ErrorResponse, future.body, "error");
    const head = await sim.sync();
    const recentEpochStart = (head / 32n - 2n) * 32n;
    const recent = await getJson(`${url}/eth/v1/beacon/states/${recentEpochStart}/validators?id=0`);
    expect(recent.status, "a recent epoch's first slot (a refSlot) is still served").to.equal(200);
    const pruned = await getJson(`${url}/eth/v1/beacon/states/${recentEpochStart + 1n}/validators?id=0`);
    expect(pruned.status, "other past slots are not kept").to.equal(404);
    const badId = await getJson(`${url}/eth/v1/beacon/states/head/validators?id=0x1234`);
    expect(badId.status, "malformed validator id").to.equal(400);
    const genesis = parse(
      ValidatorsResponse,
      (await getJson(`${url}/eth/v1/beacon/states/genesis/validators`)).body,
      "genesis state",
    );
    expect(genesis.data.length, "only the network's genesis validators at genesis").to.equal(4);
  });
});

describe("beacon simulator: EIP-7002 forced exits from the withdrawal request contract", function () {
  it("exits a validator on a full-exit request whose source is its withdrawal-credential address, and only then", async function () {
    const signers = await ethers.getSigners();
    const [deployer, vault, stranger] = [signers[0], signers[5], signers[6]];
    const dc: any = await ethers.deployContract("DepositContract");
    const requests: any = await ethers.deployContract("WithdrawalRequestPredeploy");
    const wc = withdrawalCredentialsFor(vault.address);
    const keys = makeKeys("forced-exit-test", 0, 3, wc);
    const pk = [0, 1, 2].map((i) => "0x" + keys.pubkeys.slice(2 + i * 96, 2 + (i + 1) * 96));
    const genesisTime = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 1n;
    for (let i = 0; i < 3; i++)
      await (
        await dc
          .connect(deployer)
          .deposit(pk[i], wc, "0x" + keys.signatures.slice(2 + i * 192, 2 + (i + 1) * 192), keys.roots[i], {
            value: 32n * ETH,
          })
      ).wait();
    const sim = new BeaconSimulator({
      provider: ethers.provider,
      depositContract: await dc.getAddress(),
      genesisTime,
      activationDelayEpochs: 1,
      withdrawDelayEpochs: 4,
      networkValidators: 0,
      withdrawalRequests: await requests.getAddress(),
    });
    const url = await sim.listen(0);
    try {
      const api = new BeaconApi(url);
      const advance = async (epochs: number) => {
        await provider.send("evm_increaseTime", [epochs * EPOCH]);
        await provider.send("evm_mine", []);
      };
      await advance(3);
      expect(
        (await api.validators("head", { ids: pk })).map((v) => v.status),
        "all active",
      ).to.deep.equal(["active_ongoing", "active_ongoing", "active_ongoing"]);

      // EIP-7002 request = pubkey (48 bytes) ‖ amount (uint64, 0 = full exit), fee in msg.value.
      const req = (pubkey: string, amount: bigint) => ethers.concat([pubkey, ethers.toBeHex(amount, 8)]);
      const to = await requests.getAddress();
      // A stranger cannot exit someone else's validator; a partial withdrawal is no exit.
      await (await stranger.sendTransaction({ to, data: req(pk[0], 0n), value: 1n })).wait();
      await (await vault.sendTransaction({ to, data: req(pk[1], ETH / GWEI_), value: 1n })).wait();
      // The withdrawal-credential address asks for a full exit of key 2.
      await (await vault.sendTransaction({ to, data: req(pk[2], 0n), value: 1n })).wait();
      expect(await requests.requestCount(), "three requests recorded on chain").to.equal(3n);
      await advance(1);
      const [v0, v1, v2] = await api.validators("head", { ids: pk });
      expect(v0.status, "stranger's request ignored").to.equal("active_ongoing");
      expect(v1.status, "partial request: no exit").to.equal("active_ongoing");
      expect(v2.status, "forced exit initiated like a voluntary exit").to.equal("active_exiting");
      expect(
        sim.forcedExits.map((f) => f.pubkey),
        "recorded",
      ).to.deep.equal([pk[2].toLowerCase()]);
      expect(sim.forcedExits[0].source, "source is the credential address").to.equal(vault.address);
      await advance(14);
      const [, , done] = await api.validators("head", { ids: pk });
      expect(done.status, "then withdrawable and swept like any exit").to.equal("withdrawal_done");
      expect(sim.withdrawals.filter((w) => w.kind === "full").map((w) => w.address)).to.deep.equal([
        vault.address,
      ]);
    } finally {
      await sim.close();
    }
  });
});
