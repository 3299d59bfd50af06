/**
 * `cascade devnet` (the repository's command, scripts/devnet/; `npm run devnet`): starts a real JSON-RPC node (anvil) on 127.0.0.1, deploys through the Ignition
 * module, serves the beacon simulator, prints how to point the CLI at it, and closes everything
 * when stopped. Short-lived runs: `--exit-after-setup` through `runCli`, and a run stopped by an
 * AbortSignal while the ordinary CLI reads the deployment through `--rpc` and `--addresses`.
 */
import { expect } from "chai";
import { Command } from "commander";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { runRepoCli } from "../../scripts/devnet/cli.js";
import { registerDevnetCommands, type DevnetInfo } from "../../scripts/devnet/commands.js";

async function answers(url: string, path = "", body?: unknown): Promise<boolean> {
  try {
    const r = await fetch(url + path, {
      method: body ? "POST" : "GET",
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(3000),
    });
    return r.status < 500;
  } catch {
    return false;
  }
}
const chainIdCall = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runRepoCli(args, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
  });
  return { code, out, err };
}

describe("cascade devnet", function () {
  this.timeout(400_000);

  it("--exit-after-setup: node, Ignition deploy, simulator, instructions, then everything closed", async function () {
    const r = await cli([
      "devnet",
      "--port",
      "0",
      "--beacon-port",
      "0",
      "--no-daemons",
      "--exit-after-setup",
    ]);
    expect(r.code, r.err).to.equal(0);
    const rpcUrl = r.out.match(/anvil node: (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    const beaconUrl = r.out.match(/Beacon API \(simulator\): (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(rpcUrl, "RPC URL on 127.0.0.1 printed").to.be.a("string");
    expect(beaconUrl, "Beacon API URL on 127.0.0.1 printed").to.be.a("string");
    expect(r.out, "how to point the CLI at it").to.include(
      `cascade --rpc ${rpcUrl} --addresses deployments/31337.json status`,
    );
    expect(r.out, "Ignition").to.include("Deployed through the Ignition module");
    expect(r.out).to.match(/serviceRegistry\s+0x[0-9a-fA-F]{40}/);
    const file = JSON.parse(readFileSync("deployments/31337.json", "utf8"));
    expect(r.out, "the printed addresses are the file's").to.include(file.addresses.router);
    expect(r.out).to.include("devnet stopped");
    expect(await answers(rpcUrl!, "", chainIdCall), "node closed").to.equal(false);
    expect(await answers(beaconUrl!, "/eth/v1/beacon/genesis"), "simulator closed").to.equal(false);
    const journals = existsSync("ignition/deployments") ? readdirSync("ignition/deployments") : [];
    expect(
      journals.filter((d) => d.startsWith("ephemeral-")),
      "no Ignition journal left for the dead node",
    ).to.deep.equal([]);
  });

  it("--node hardhat: the same on `hardhat node`, closed afterwards", async function () {
    const r = await cli([
      "devnet",
      "--node",
      "hardhat",
      "--port",
      "0",
      "--beacon-port",
      "0",
      "--no-daemons",
      "--exit-after-setup",
    ]);
    expect(r.code, r.err).to.equal(0);
    const rpcUrl = r.out.match(/hardhat node: (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(rpcUrl, "RPC URL printed").to.be.a("string");
    expect(r.out).to.match(/withdrawalRequests\s+0x[0-9a-fA-F]{40}/);
    expect(r.out).to.include("devnet stopped");
    expect(await answers(rpcUrl!, "", chainIdCall), "node closed").to.equal(false);
  });

  it("runs until stopped; the CLI reads the deployment through --rpc and --addresses meanwhile", async function () {
    let out = "";
    const program = new Command("cascade")
      .option("--rpc <url>")
      .option("--json")
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    const stop = new AbortController();
    let info: DevnetInfo | undefined;
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    registerDevnetCommands(program, {
      signal: stop.signal,
      onReady: (i) => {
        info = i;
        ready();
      },
    });
    const running = program.parseAsync(["devnet", "--port", "0", "--beacon-port", "0"], { from: "user" });
    await Promise.race([isReady, running]);
    expect(info, "devnet is up").to.not.equal(undefined);
    try {
      expect(await answers(info!.rpcUrl, "", chainIdCall), "node answers").to.equal(true);
      const g = await fetch(`${info!.beaconUrl}/eth/v1/beacon/genesis`);
      expect(g.status, "Beacon API answers").to.equal(200);
      const r = await cli(["--rpc", info!.rpcUrl, "--addresses", info!.addressesFile, "--json", "status"]);
      expect(r.code, r.err).to.equal(0);
      expect(r.out, "status of the deployed system").to.include("cC");
      expect(out, "still running").to.include("Ctrl-C stops");

      // Every role runs as a daemon and answers /health; the printout says which key holds which role.
      expect(info!.daemons.map((d) => d.role).sort(), "3 members, 2 guardians, a keeper").to.deep.equal([
        "guardian",
        "guardian",
        "keeper",
        "oracle",
        "oracle",
        "oracle",
      ]);
      for (const d of info!.daemons) {
        expect(await answers(d.metricsUrl, "/health"), `${d.name} answers /health`).to.equal(true);
        expect(out, `${d.name} printed with its address`).to.include(d.address);
      }
      expect(out, "modules added").to.include("Modules added: curated (id 0, operator 0");
      // Role → holder after the hand-over: Safes and the timelock, never the deployer.
      expect(out, "role table printed").to.match(/pool\.CLASS_MANAGER_ROLE\s+→ classManagerSafe, timelock/);
      expect(out, "the governance Safe proposes").to.match(/timelock\.PROPOSER_ROLE\s+→ governanceSafe/);
      expect(out, "guardians pause").to.match(/router\.PAUSER_ROLE\s+→ guardian1, guardian2/);
      expect(out, "the deployer holds nothing").to.not.match(/^\s+\S+\.\w+_ROLE\s+→[^\n]*deployer/m);

      // A second devnet on the same port refuses in one line naming the port and touches nothing.
      const port = new URL(info!.rpcUrl).port;
      const before = readFileSync(info!.addressesFile, "utf8");
      const dir2 = `devnet-second-${process.pid}`;
      const second = await cli(["devnet", "--port", port, "--beacon-port", "0", "--dir", dir2]);
      expect(second.code, "second devnet fails").to.equal(1);
      expect(second.err.trim().split("\n"), "one line").to.have.length(1);
      expect(second.err, "names the port").to.include(`127.0.0.1:${port}`);
      expect(readFileSync(info!.addressesFile, "utf8"), "deployment file untouched").to.equal(before);
      expect(existsSync(dir2), "no devnet folder written").to.equal(false);
      expect(await answers(info!.rpcUrl, "", chainIdCall), "the first devnet's node still answers").to.equal(
        true,
      );
    } finally {
      stop.abort();
      await running;
    }
    expect(out).to.include("devnet stopped");
    expect(await answers(info!.rpcUrl, "", chainIdCall), "node closed").to.equal(false);
    expect(await answers(info!.beaconUrl, "/eth/v1/beacon/genesis"), "simulator closed").to.equal(false);
  });
});
