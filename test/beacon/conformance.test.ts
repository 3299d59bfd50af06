/**
 * Beacon API conformance. (1) Real responses recorded by real clients and real network
 * configuration (fixtures/real, sources in fixtures/real/SOURCES.md) go through the client.
 * (2) Every shape the official schema allows, built from the spec's own text: array and object
 * values in `config/spec`, `SLOT_DURATION_MS` without `SECONDS_PER_SLOT`, mixed-case hex, error
 * bodies with `stacktraces`, responses without `finalized`/`execution_optimistic` (read as
 * untrusted), large validator sets through POST, repeated `id` parameters, retries. (3) The
 * simulator's responses validate against the official OpenAPI schemas (ethereum/beacon-APIs).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import Fastify, { type FastifyInstance } from "fastify";
import { network } from "hardhat";
import { BeaconApi, BeaconApiError } from "../../sdk/src/beacon/api.js";
import { BeaconSimulator } from "../../sdk/src/beacon/simulator.js";
import { withdrawalCredentialsFor } from "../../sdk/src/beacon/depositData.js";
import { makeKeys } from "../../sdk/src/daemons/keys.js";
import { componentSchema, responseSchema, validate } from "./openapi.js";

const REAL = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "real");
const real = (f: string): unknown => JSON.parse(readFileSync(join(REAL, f), "utf8"));

type Route = (req: {
  url: string;
  method: string;
  body: unknown;
}) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A Beacon API stand-in answering from `route`; records every request. */
async function fakeBeaconNode(
  route: Route,
): Promise<{ url: string; seen: { url: string; method: string; body: unknown }[]; app: FastifyInstance }> {
  const seen: { url: string; method: string; body: unknown }[] = [];
  const app = Fastify();
  const handler = async (
    req: { url: string; method: string; body: unknown },
    reply: { code: (n: number) => { send: (b: unknown) => unknown } },
  ) => {
    const r = { url: req.url, method: req.method, body: req.body };
    seen.push(r);
    const out = await route(r);
    return reply.code(out.status).send(out.body);
  };
  app.get("/*", handler);
  app.post("/*", handler);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, seen, app };
}

const validatorJson = (i: number, pubkey?: string) => ({
  index: String(i),
  balance: "32000000000",
  status: "active_ongoing",
  validator: {
    pubkey: pubkey ?? "0x" + (i + 1).toString(16).padStart(96, "0"),
    withdrawal_credentials: "0x01" + "00".repeat(11) + "ab".repeat(20),
    effective_balance: "32000000000",
    slashed: false,
    activation_eligibility_epoch: "0",
    activation_epoch: "0",
    exit_epoch: "18446744073709551615",
    withdrawable_epoch: "18446744073709551615",
  },
});

describe("beacon API conformance", function () {
  describe("real responses through the client", function () {
    it("test_spec_acceptsMainnetFuluConfig: SLOT_DURATION_MS only, BLOB_SCHEDULE array", async function () {
      const body = real("consensus-specs-mainnet-fulu-spec.json") as { data: Record<string, unknown> };
      expect(body.data.SECONDS_PER_SLOT, "fixture has no SECONDS_PER_SLOT").to.equal(undefined);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const spec = await new BeaconApi(s.url).spec();
        expect(spec.secondsPerSlot, "12 s from SLOT_DURATION_MS").to.equal(12n);
        expect(spec.slotsPerEpoch, "32 slots").to.equal(32n);
        expect(spec.raw.BLOB_SCHEDULE, "array kept").to.deep.equal(body.data.BLOB_SCHEDULE);
        expect(validate(responseSchema("get", "/eth/v1/config/spec"), body), "official schema").to.deep.equal(
          [],
        );
      } finally {
        await s.app.close();
      }
    });

    it("test_validators_acceptsErigonResponse: statuses, slashed, finalized flag", async function () {
      const body = real("erigon-validators.json");
      expect(
        validate(responseSchema("get", "/eth/v1/beacon/states/{state_id}/validators"), body),
        "official schema",
      ).to.deep.equal([]);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const r = await new BeaconApi(s.url).validatorsWithTrust("finalized", { ids: [1, 2, 3] });
        expect(
          r.validators.map((v) => v.status),
          "statuses",
        ).to.deep.equal(["withdrawal_possible", "active_slashed", "active_slashed"]);
        expect(r.validators[1].slashed, "slashed flag").to.equal(true);
        expect(r.validators[2].balance, "balance in gwei").to.equal(35998164834n);
        expect(r.finalized && !r.optimistic, "finalized, not optimistic").to.equal(true);
        expect(s.seen[0].url, "repeated id parameters").to.equal(
          "/eth/v1/beacon/states/finalized/validators?id=1&id=2&id=3",
        );
      } finally {
        await s.app.close();
      }
    });

    it("test_finality_acceptsErigonCheckpointKeys: `*_checkpoint` keys and a numeric version", async function () {
      const body = real("erigon-finality-checkpoints.json");
      expect(
        validate(responseSchema("get", "/eth/v1/beacon/states/{state_id}/finality_checkpoints"), body).length,
        "this Erigon shape is outside the official schema",
      ).to.be.greaterThan(0);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const f = await new BeaconApi(s.url).finalityCheckpoints("head");
        expect(f.finalizedEpoch, "finalized epoch").to.equal(1n);
        expect(f.currentJustifiedEpoch, "justified epoch").to.equal(3n);
        expect(f.finalized, "the response itself says finalized: false").to.equal(false);
      } finally {
        await s.app.close();
      }
    });
    it("test_genesis_acceptsMainnetResponse: mainnet genesis as a Lighthouse node served it", async function () {
      const body = real("ethstore-mainnet-genesis.json");
      expect(
        validate(responseSchema("get", "/eth/v1/beacon/genesis"), body),
        "official schema",
      ).to.deep.equal([]);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const g = await new BeaconApi(s.url).genesis();
        expect(g.genesisTime, "mainnet genesis time").to.equal(1606824023n);
        expect(g.genesisValidatorsRoot, "mainnet genesis validators root").to.equal(
          "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
        );
        expect(g.forkVersion, "phase0 fork version").to.equal("0x00000000");
      } finally {
        await s.app.close();
      }
    });

    it("test_header_acceptsMainnetFinalizedHeader_withoutFlagsUntrusted", async function () {
      const body = real("ethstore-mainnet-header-finalized.json");
      // A node from before Bellatrix: today's schema requires the two flags it does not send.
      expect(
        validate(responseSchema("get", "/eth/v1/beacon/headers/{block_id}"), body),
        "official schema: only the flags are missing",
      ).to.deep.equal([
        " must have required property 'execution_optimistic'",
        " must have required property 'finalized'",
      ]);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const h = await new BeaconApi(s.url).header("finalized");
        expect(h.slot, "mainnet slot").to.equal(4485760n);
        expect(h.root, "block root").to.equal(
          "0x3aee29bcfa7a9fdf01394a3dce74ae063c89023df71867ad1555f1e494d138ee",
        );
        expect(h.parentRoot, "parent root").to.equal(
          "0x4a451b6a4962bcbd619ee1f0b6a7d85dded49f049877de325122e21350e5d6f2",
        );
        expect(h.canonical, "canonical").to.equal(true);
        expect(h.finalized && !h.optimistic, "no finalized/execution_optimistic flags: not trusted").to.equal(
          false,
        );
        expect(h.finalized, "not read as finalized").to.equal(false);
        expect(s.seen[0].url, "header path").to.equal("/eth/v1/beacon/headers/finalized");
      } finally {
        await s.app.close();
      }
    });

    it("test_block_readsRealCapellaWithdrawals: 16 withdrawals, consecutive indices, gwei", async function () {
      // A Goerli block message as a beacon node produced it; the response envelope is the test's.
      const message = real("ssv-goerli-capella-block-message.json") as {
        body: { execution_payload: { withdrawals: { index: string; amount: string }[] } };
      };
      expect(
        validate(componentSchema("Capella.BeaconBlock"), message),
        "official Capella block",
      ).to.deep.equal([]);
      const body = {
        version: "capella",
        execution_optimistic: false,
        finalized: true,
        data: { message, signature: "0x" + "00".repeat(96) },
      };
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const b = await new BeaconApi(s.url).block(1861337n);
        const ws = b!.execution!.withdrawals;
        expect(ws.length, "a full payload of withdrawals").to.equal(16);
        expect(
          ws.every((w, i) => w.index === ws[0].index + BigInt(i)),
          "the chain-wide withdrawal index runs on without gaps",
        ).to.equal(true);
        expect(ws[0].index, "first index").to.equal(645759n);
        expect(ws[0].validatorIndex, "validator index").to.equal(425n);
        expect(
          ws.reduce((t, w) => t + w.amount, 0n),
          "Σ amounts in gwei",
        ).to.equal(message.body.execution_payload.withdrawals.reduce((t, w) => t + BigInt(w.amount), 0n));
        expect(b!.execution!.blockNumber, "execution block").to.equal(3031542n);
        expect(b!.finalized && !b!.optimistic, "finalized and not optimistic").to.equal(true);
      } finally {
        await s.app.close();
      }
    });

    it("test_block_acceptsFuluBlock: execution payload, parent root, execution requests", async function () {
      const body = real("ethstore-fulu-block.json") as { data: unknown };
      expect(
        validate(componentSchema("Electra.SignedBeaconBlock"), body.data),
        "a Fulu block validates as the Electra block type",
      ).to.deep.equal([]);
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const b = await new BeaconApi(s.url).block(49140n);
        expect(b, "block read").to.not.equal(null);
        expect(b!.slot, "slot").to.equal(49140n);
        expect(b!.parentRoot, "parent root (the oracle walks these)").to.equal(
          "0xddd9630e7b0985d547640f2e7b7294a0bc0d9e6507a520b85aa46ca4a4a9fc5c",
        );
        expect(b!.execution?.blockNumber, "execution block number").to.equal(48353n);
        expect(b!.execution?.withdrawals, "no withdrawals in this payload").to.deep.equal([]);
        expect(b!.finalized, "no flags: not read as finalized").to.equal(false);
      } finally {
        await s.app.close();
      }
    });
  });

  describe("shapes the official schema allows", function () {
    it("test_spec_acceptsObjectAndArrayValues", async function () {
      const body = {
        data: {
          SECONDS_PER_SLOT: "6",
          SLOTS_PER_EPOCH: "8",
          BLOB_SCHEDULE: [{ EPOCH: "0", MAX_BLOBS_PER_BLOCK: "6" }],
          GAS_LIMIT_SCHEDULE: [{ EPOCH: "1", GAS_LIMIT: "60000000" }],
          SOME_OBJECT: { A: "1" },
        },
      };
      expect(validate(responseSchema("get", "/eth/v1/config/spec"), body), "official schema").to.deep.equal(
        [],
      );
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const spec = await new BeaconApi(s.url).spec();
        expect([spec.secondsPerSlot, spec.slotsPerEpoch], "timing").to.deep.equal([6n, 8n]);
      } finally {
        await s.app.close();
      }
    });

    it("test_validators_normalizesMixedCaseHex", async function () {
      const pk = "0x" + "AbCd".repeat(24);
      const body = { execution_optimistic: false, finalized: true, data: [validatorJson(7, pk)] };
      const s = await fakeBeaconNode(() => ({ status: 200, body }));
      try {
        const [v] = await new BeaconApi(s.url).validators("head", { ids: [pk] });
        expect(v.pubkey, "lowercase").to.equal(pk.toLowerCase());
        expect(s.seen[0].url, "asked lowercase").to.contain(pk.toLowerCase());
      } finally {
        await s.app.close();
      }
    });

    it("test_get_errorBodyWithStacktraces_isReported", async function () {
      const body = { code: 404, message: "State not found", stacktraces: ["at foo", "at bar"] };
      expect(
        validate(responseSchema("get", "/eth/v1/beacon/states/{state_id}/validators", "404"), body),
        "official",
      ).to.deep.equal([]);
      const s = await fakeBeaconNode(() => ({ status: 404, body }));
      try {
        const e = await new BeaconApi(s.url).validators(5, { ids: [1] }).catch((x: unknown) => x);
        expect(e, "an API error").to.be.instanceOf(BeaconApiError);
        expect((e as BeaconApiError).status, "status kept").to.equal(404);
        expect((e as BeaconApiError).details, "message kept").to.equal("State not found");
        expect(s.seen.length, "4xx is not retried").to.equal(1);
      } finally {
        await s.app.close();
      }
    });

    it("test_validators_withoutFinalityFlags_isNotTrusted", async function () {
      // The shape older nodes answer with (no `finalized`, no `execution_optimistic`).
      const s = await fakeBeaconNode(() => ({ status: 200, body: { data: [validatorJson(0)] } }));
      try {
        const r = await new BeaconApi(s.url).validatorsWithTrust(64, { ids: [0] });
        expect(r.validators.length, "data read").to.equal(1);
        expect(r.finalized, "missing finalized = not finalized").to.equal(false);
        expect(r.optimistic, "missing execution_optimistic = optimistic").to.equal(true);
      } finally {
        await s.app.close();
      }
    });

    it("test_validators_above64Ids_usesPost_andFallsBackToGetChunks", async function () {
      const ids = Array.from({ length: 150 }, (_, i) => i);
      let postAllowed = true;
      const s = await fakeBeaconNode(({ method, url, body }) => {
        if (method === "POST") {
          if (!postAllowed) return { status: 405, body: { code: 405, message: "Method not allowed" } };
          const want = (body as { ids: string[] }).ids.map(Number);
          return {
            status: 200,
            body: { execution_optimistic: false, finalized: true, data: want.map((i) => validatorJson(i)) },
          };
        }
        const q = new URL("http://x" + url).searchParams.getAll("id").map(Number);
        return {
          status: 200,
          body: { execution_optimistic: false, finalized: true, data: q.map((i) => validatorJson(i)) },
        };
      });
      try {
        const api = new BeaconApi(s.url);
        const a = await api.validators("head", { ids });
        expect(a.length, "all 150 through one POST").to.equal(150);
        expect(
          s.seen.map((r) => r.method),
          "one POST",
        ).to.deep.equal(["POST"]);
        expect((s.seen[0].body as { ids: string[] }).ids.length, "ids in the body").to.equal(150);
        postAllowed = false;
        s.seen.length = 0;
        const b = await api.validators("head", { ids });
        expect(b.length, "all 150 through GETs").to.equal(150);
        const gets = s.seen.filter((r) => r.method === "GET");
        expect(gets.length, "⌈150/64⌉ GETs after the 405").to.equal(3);
        for (const g of gets)
          expect(
            new URL("http://x" + g.url).searchParams.getAll("id").length,
            "≤ 64 ids per GET",
          ).to.be.at.most(64);
      } finally {
        await s.app.close();
      }
    });

    it("test_get_retriesServerErrorsAndTimeouts", async function () {
      let n = 0;
      const s = await fakeBeaconNode(async () => {
        n++;
        if (n === 1) return { status: 503, body: { code: 503, message: "syncing" } };
        if (n === 2) {
          await new Promise((r) => setTimeout(r, 400));
          return { status: 200, body: { data: { SECONDS_PER_SLOT: "12", SLOTS_PER_EPOCH: "32" } } };
        }
        return { status: 200, body: { data: { SECONDS_PER_SLOT: "12", SLOTS_PER_EPOCH: "32" } } };
      });
      try {
        const spec = await new BeaconApi(s.url, { timeoutMs: 200, retries: 2 }).spec();
        expect(spec.secondsPerSlot, "answer after a 503 and a timeout").to.equal(12n);
        expect(n, "three attempts").to.equal(3);
      } finally {
        await s.app.close();
      }
    });
  });

  describe("the simulator against the official OpenAPI schemas", function () {
    it("test_simulator_responsesValidateAgainstBeaconApis", async function () {
      this.timeout(300_000);
      const { ethers } = await network.create();
      const [deployer, , , , , , , , , , , , , , , , funder] = await ethers.getSigners();
      const dc = await ethers.deployContract("DepositContract");
      const recipient = ethers.Wallet.createRandom().address;
      const wc = withdrawalCredentialsFor(recipient);
      const keys = makeKeys("conformance", 0, 2, wc);
      const genesisTime = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 1n;
      for (let i = 0; i < 2; i++)
        await (
          await dc.connect(deployer).getFunction("deposit")(
            "0x" + keys.pubkeys.slice(2 + i * 96, 2 + (i + 1) * 96),
            wc,
            "0x" + keys.signatures.slice(2 + i * 192, 2 + (i + 1) * 192),
            keys.roots[i],
            { value: 32n * 10n ** 18n },
          )
        ).wait();
      const sim = new BeaconSimulator({
        provider: ethers.provider,
        depositContract: await dc.getAddress(),
        funder,
        genesisTime,
        activationDelayEpochs: 1,
        sweepEpochs: 3,
        networkValidators: 4,
        networkCredentials: "0x01",
      });
      const url = await sim.listen(0);
      try {
        await ethers.provider.send("evm_increaseTime", [384 * 12]);
        await ethers.provider.send("evm_mine", []);
        const get = async (p: string) => {
          const r = await fetch(url + p);
          return { status: r.status, body: await r.json() };
        };
        const head = await sim.sync();
        const cases: [string, "get" | "post", string, unknown][] = [];
        const add = async (path: string, template: string, status = 200) => {
          const r = await get(path);
          expect(r.status, `${path} status`).to.equal(status);
          cases.push([path, "get", template, r.body]);
        };
        await add("/eth/v1/beacon/genesis", "/eth/v1/beacon/genesis");
        await add("/eth/v1/config/spec", "/eth/v1/config/spec");
        await add("/eth/v1/beacon/headers/head", "/eth/v1/beacon/headers/{block_id}");
        await add("/eth/v1/beacon/headers/finalized", "/eth/v1/beacon/headers/{block_id}");
        await add(`/eth/v1/beacon/headers/${head}`, "/eth/v1/beacon/headers/{block_id}");
        await add(`/eth/v2/beacon/blocks/${head}`, "/eth/v2/beacon/blocks/{block_id}");
        await add(
          "/eth/v1/beacon/states/head/finality_checkpoints",
          "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
        );
        await add(
          "/eth/v1/beacon/states/head/validators?id=0&id=1&status=active",
          "/eth/v1/beacon/states/{state_id}/validators",
        );
        const root = (cases[2][3] as { data: { root: string } }).data.root;
        await add(`/eth/v1/beacon/headers/${root}`, "/eth/v1/beacon/headers/{block_id}");
        const post = await fetch(url + "/eth/v1/beacon/states/head/validators", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids: ["0", "2"], statuses: null }),
        });
        cases.push([
          "POST validators",
          "post",
          "/eth/v1/beacon/states/{state_id}/validators",
          await post.json(),
        ]);
        const table: string[] = [];
        for (const [label, method, template, body] of cases) {
          const errors = validate(responseSchema(method, template), body);
          table.push(`${method.toUpperCase()} ${label}: ${errors.length ? errors.join("; ") : "valid"}`);
          expect(errors, `${label} validates against ${template}`).to.deep.equal([]);
        }
        const block = cases.find(([l]) => l.startsWith("/eth/v2/beacon/blocks"))![3] as { data: unknown };
        expect(
          validate(componentSchema("Electra.SignedBeaconBlock"), block.data),
          "block is an Electra/Fulu block",
        ).to.deep.equal([]);
        const e404 = await get("/eth/v1/beacon/states/0x" + "11".repeat(32) + "/validators");
        expect(
          validate(responseSchema("get", "/eth/v1/beacon/states/{state_id}/validators", "404"), e404.body),
          "404 body",
        ).to.deep.equal([]);
        // The slot before the head holds no execution block and pays nothing: empty, 404.
        const empty = await get(`/eth/v1/beacon/headers/${head - 1n}`);
        expect(empty.status, "an empty slot: 404").to.equal(404);
        expect(
          validate(responseSchema("get", "/eth/v1/beacon/headers/{block_id}", "404"), empty.body),
          "empty slot's 404 body",
        ).to.deep.equal([]);
        const e414 = await get(
          "/eth/v1/beacon/states/head/validators?" +
            Array.from({ length: 65 }, (_, i) => `id=${i}`).join("&"),
        );
        expect(e414.status, "GET above 64 ids: 414").to.equal(414);
        if (process.env.CASCADE_PRINT_TABLE) console.log(table.join("\n"));
      } finally {
        await sim.close();
      }
    });
  });
});
