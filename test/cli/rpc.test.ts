/**
 * The CLI's default path — `--rpc` (JsonRpcProvider), `--private-key-file` (Wallet) and
 * `--addresses` — against the embedded network served over HTTP by a minimal JSON-RPC bridge,
 * so no `hardhat node` has to be spawned.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { HDNodeWallet, Mnemonic } from "ethers";
import { network } from "hardhat";
import type { System } from "../../deploy/system.js";
import { runCli } from "../../sdk/src/cli/main.js";
import { ETH, setup, tmp, writeJson } from "../sdk/fixtures.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const { ethers, provider } = await network.create();

/** Hardhat's default accounts come from this well-known test mnemonic. */
const MNEMONIC = "test test test test test test test test test test test junk";

describe("cascade CLI over JSON-RPC (--rpc, --private-key-file, --addresses)", function () {
  let sys: System;
  let server: Server;
  let rpc: string;
  let addressesFile: string;
  let keyFile: string;
  let depositor: string;

  before(async function () {
    ({ sys } = await setup(ethers));
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", async () => {
        const one = async (r: { id: unknown; method: string; params?: unknown[] }) => {
          try {
            return {
              jsonrpc: "2.0",
              id: r.id,
              result: await provider.request({ method: r.method, params: r.params ?? [] }),
            };
          } catch (e) {
            const err = e as { code?: number; message: string; data?: unknown };
            return {
              jsonrpc: "2.0",
              id: r.id,
              error: { code: err.code ?? -32603, message: err.message, data: err.data },
            };
          }
        };
        const payload = JSON.parse(body);
        const out = Array.isArray(payload) ? await Promise.all(payload.map(one)) : await one(payload);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    rpc = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    addressesFile = writeJson("rpc-addresses.json", { chainId: "31337", addresses: sys.addresses });
    const w = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(MNEMONIC), "m/44'/60'/0'/0/9");
    depositor = w.address;
    keyFile = join(tmp, "depositor.key");
    writeFileSync(keyFile, w.privateKey.slice(2) + "\n");
  });

  after(function () {
    server?.close();
  });

  async function cli(args: string[], env: Record<string, string> = {}) {
    let out = "";
    let err = "";
    const code = await runCli(args, {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      env,
      cwd: tmp,
      isTTY: false,
    });
    return { code, out, err };
  }

  it("reads and writes through JsonRpcProvider + Wallet", async function () {
    let r = await cli(["--rpc", rpc, "--addresses", addressesFile, "status"]);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/cC/);
    r = await cli(
      ["--addresses", addressesFile, "--private-key-file", keyFile, "--json", "deposit", "2", "3"],
      { RPC_URL: rpc },
    );
    expect(r.code, r.err).to.equal(0);
    expect(BigInt(JSON.parse(r.out).shares)).to.equal(3n * ETH);
    expect(await sys.tokens[2].balanceOf(depositor)).to.equal(3n * ETH);
  });

  it("decodes reverts from the node and sends nothing", async function () {
    const nonce = await ethers.provider.getTransactionCount(depositor);
    const r = await cli([
      "--rpc",
      rpc,
      "--addresses",
      addressesFile,
      "--private-key-file",
      keyFile,
      "deposit",
      "0",
      "100",
    ]);
    expect(r.code).to.equal(1);
    expect(r.err).to.equal(
      "cascade: reverted: CoverTooLow(0, 300, 2500): class 0's cover would be 3.00%, under its minimum 25.00%: junior classes must grow first, or deposit less\n",
    );
    expect(await ethers.provider.getTransactionCount(depositor)).to.equal(nonce);
  });

  it("says what is wrong with the connection, key and addresses", async function () {
    const cases: [string[], RegExp][] = [
      [["--rpc", "localhost:8545", "status"], /--rpc must be an http\(s\) or ws\(s\) URL/],
      [["--rpc", "http://127.0.0.1:9", "status"], /cannot reach http:\/\/127\.0\.0\.1:9/],
      [["--rpc", rpc, "status"], /no address book for chain 31337: looked for .*deployments\/31337\.json/],
      [
        ["--rpc", rpc, "--addresses", writeJson("rpc-bad.json", { router: "0x12" }), "status"],
        /router not an address|addresses/,
      ],
      [
        ["--rpc", rpc, "--addresses", addressesFile, "--private-key-file", "nope.key", "status"],
        /cannot read private key file nope\.key/,
      ],
      [
        [
          "--rpc",
          rpc,
          "--addresses",
          addressesFile,
          "--private-key-file",
          writeJson("k.json", "zz"),
          "status",
        ],
        /does not hold a 32-byte hex private key/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).to.equal(1);
      expect(r.err, args.join(" "))
        .to.match(re)
        .and.to.match(/^cascade: [^\n]+\n$/);
    }
  });
});
