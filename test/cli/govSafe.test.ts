/**
 * Governance through real Safe multisigs (issue 18), on the embedded network with the Safes of a
 * handed-over deployment: `cascade gov propose|execute --safe governance --sign …` writes a Safe
 * Transaction Builder batch, collects owner signatures and executes through the Safe; the
 * timelock's delay holds; `gov call --safe <operational Safe>` acts without the timelock.
 * Bad input gives one clear error each and nothing is sent (no owner transaction, Safe nonce
 * unchanged).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Contract, Wallet } from "ethers";
import { network } from "hardhat";
import { SAFE_ARTIFACTS, type SafesConfig } from "../../deploy/safes.js";
import { deploySystem, ETH, type System } from "../../deploy/system.js";
import { createCascadeClient } from "../../sdk/src/client.js";
import { runCli } from "../../sdk/src/cli/main.js";
import { buildSafeTx, safeTxHash } from "../../sdk/src/governance/safe.js";
import { txBuilderChecksum } from "../../sdk/src/governance/txBuilder.js";

const { ethers, provider } = await network.create();
const dir = mkdtempSync(join(tmpdir(), "cascade-govsafe-"));

describe("cascade gov through Safe multisigs", function () {
  let sys: System;
  const owners = Array.from({ length: 5 }, () => Wallet.createRandom());
  const keyFile = (i: number) => {
    const f = join(dir, `owner${i}.key`);
    writeFileSync(f, owners[i]!.privateKey + "\n");
    return f;
  };
  let gov12: string, gov1: string, outsider: string, cls34: string;

  async function cli(args: string[]) {
    let out = "";
    let err = "";
    const code = await runCli(
      args,
      { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {}, cwd: dir, isTTY: false },
      {
        makeClient: async () => createCascadeClient({ provider: ethers.provider, addresses: sys.addresses }),
      },
    );
    return { code, out, err };
  }
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(" ")}: exit 0 (stderr: ${r.err})`).to.equal(0);
    return r;
  };
  /** One `cascade:` line with exactly `message`; no owner sent anything and no Safe nonce moved. */
  const fails = async (args: string[], message: string) => {
    const nonces = await Promise.all(
      owners.map((o) => provider.send("eth_getTransactionCount", [o.address, "latest"])),
    );
    const safeNonces = await Promise.all(
      Object.values(sys.safes!).map((a) =>
        new Contract(a, SAFE_ARTIFACTS.singleton.abi, ethers.provider).getFunction("nonce")(),
      ),
    );
    const r = await cli(args);
    expect(r.code, `${args.join(" ")}: exit 1 (stderr: ${r.err})`).to.equal(1);
    expect(r.err, `${args.join(" ")}: message`).to.equal(`cascade: ${message}\n`);
    const after = await Promise.all(
      owners.map((o) => provider.send("eth_getTransactionCount", [o.address, "latest"])),
    );
    expect(after, `${args.join(" ")}: no owner sent a transaction`).to.deep.equal(nonces);
    const safeAfter = await Promise.all(
      Object.values(sys.safes!).map((a) =>
        new Contract(a, SAFE_ARTIFACTS.singleton.abi, ethers.provider).getFunction("nonce")(),
      ),
    );
    expect(safeAfter, `${args.join(" ")}: no Safe executed`).to.deep.equal(safeNonces);
  };

  before(async function () {
    const [deployer] = await ethers.getSigners();
    const a = owners.map((o) => o.address);
    const safes: SafesConfig = {
      governance: { owners: [a[0]!, a[1]!, a[2]!], threshold: 2 },
      moduleManager: { owners: [a[0]!, a[1]!, a[2]!], threshold: 2 },
      classManager: { owners: [a[3]!, a[4]!], threshold: 2 },
      operatorManager: { owners: [a[0]!, a[1]!], threshold: 1 },
      serviceManager: { owners: [a[0]!, a[1]!], threshold: 1 },
      allocator: { owners: [a[0]!, a[1]!], threshold: 1 },
      veto: { owners: [a[2]!], threshold: 1 },
    };
    sys = await deploySystem(ethers, { safes, handOverToTimelock: true });
    for (const o of owners) await (await deployer!.sendTransaction({ to: o.address, value: ETH })).wait();
    gov12 = `${keyFile(0)},${keyFile(1)}`;
    gov1 = keyFile(0);
    outsider = keyFile(3);
    cls34 = `${keyFile(3)},${keyFile(4)}`;
  });

  it("test_safeTxHash_matchesTheSafe: the SDK's EIP-712 SafeTx hash equals Safe.getTransactionHash", async function () {
    const safe = new Contract(sys.safes!.governance, SAFE_ARTIFACTS.singleton.abi, ethers.provider);
    const multi = sys.safeInfra!.multiSendCallOnly;
    const chainId = (await ethers.provider.getNetwork()).chainId;
    for (const calls of [
      [{ to: sys.addresses.router, value: 0n, data: "0x1234" }],
      [
        { to: sys.addresses.router, value: 5n, data: "0x" },
        { to: sys.addresses.timelock, value: 0n, data: "0xabcdef" },
      ],
    ]) {
      const tx = buildSafeTx(calls, 7n, multi);
      const onChain = await safe.getFunction("getTransactionHash")(
        tx.to,
        tx.value,
        tx.data,
        tx.operation,
        tx.safeTxGas,
        tx.baseGas,
        tx.gasPrice,
        tx.gasToken,
        tx.refundReceiver,
        tx.nonce,
      );
      expect(safeTxHash(chainId, sys.safes!.governance, tx), `${calls.length} call(s)`).to.equal(onChain);
    }
  });

  it("test_govPropose_dryRun: decodes every argument by name, simulates through the timelock, sends nothing", async function () {
    const nonce = await provider.send("eth_getTransactionCount", [owners[0]!.address, "latest"]);
    const r = await ok([
      "gov",
      "propose",
      "set-class-open",
      "2",
      "false",
      "--safe",
      "governance",
      "--dry-run",
    ]);
    expect(r.out, "state").to.match(/dry-run: decoded and simulated, nothing sent/);
    expect(r.out, "safe call decoded").to.match(/timelock\.scheduleBatch → 0x/);
    expect(r.out, "inner call decoded").to.match(/pool\.setClassOpen → 0x/);
    expect(r.out, "named argument classId").to.match(/\n\s+classId\s+2\n/);
    expect(r.out, "named argument open").to.match(/\n\s+open\s+false\n/);
    expect(r.out, "named argument delay").to.match(/\n\s+delay\s+60\n/);
    expect(
      await provider.send("eth_getTransactionCount", [owners[0]!.address, "latest"]),
      "nothing sent",
    ).to.equal(nonce);
  });

  it("test_govSafe_proposeDelayExecute: Safe signatures → timelock delay → execution", async function () {
    const args = ["set-class-open", "2", "false", "--description", "close C", "--safe", "governance"];
    const p = await ok(["gov", "propose", ...args, "--sign", gov12, "--batch", "propose.json", "--json"]);
    const pj = JSON.parse(p.out);
    expect(pj.state, "executed by the Safe").to.equal("executed");
    expect(pj.operation.state, "operation pending").to.equal("pending");
    expect(pj.signers, "two owners signed").to.deep.equal(
      [owners[0]!.address, owners[1]!.address].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)),
    );
    const batch = JSON.parse(readFileSync(join(dir, "propose.json"), "utf8"));
    expect(batch.meta.createdFromSafeAddress, "batch from the governance Safe").to.equal(
      sys.safes!.governance,
    );
    expect(batch.meta.checksum, "Transaction Builder checksum").to.equal(txBuilderChecksum(batch));
    expect(batch.transactions[0].contractMethod.name, "method").to.equal("scheduleBatch");
    expect(Object.keys(batch.transactions[0].contractInputsValues), "named inputs").to.deep.equal([
      "targets",
      "values",
      "payloads",
      "predecessor",
      "salt",
      "delay",
    ]);
    expect((await sys.book.getClass(2)).open, "not yet").to.equal(true);

    await fails(
      ["gov", "execute", ...args, "--sign", gov12],
      `timelock operation ${pj.operationId.slice(0, 10)}… is not ready until ${pj.operation.readyAt}; nothing sent`,
    );
    await provider.send("evm_increaseTime", [61]);
    await provider.send("evm_mine", []);
    const e = JSON.parse((await ok(["gov", "execute", ...args, "--sign", gov12, "--json"])).out);
    expect(e.operation.state, "operation done").to.equal("done");
    expect((await sys.book.getClass(2)).open, "class C closed by governance").to.equal(false);
    await fails(
      ["gov", "execute", ...args, "--sign", gov12],
      `timelock operation ${pj.operationId.slice(0, 10)}… was already executed; nothing sent`,
    );
  });

  it("test_govSafe_badInput: role not held, threshold not reached, unknown operation, not an owner", async function () {
    const g = sys.safes!.governance;
    const c = sys.safes!.classManager;
    // The class manager Safe holds CLASS_MANAGER_ROLE, not MODULE_MANAGER_ROLE.
    await fails(
      ["gov", "call", "set-module-status", "0", "paused", "--safe", "classManager", "--sign", cls34],
      `classManager (${c}) does not hold MODULE_MANAGER_ROLE on router (${sys.addresses.router}): router.setModuleStatus(moduleId=0, status=2) refused, nothing sent`,
    );
    // The governance Safe cannot bypass the timelock either.
    await fails(
      ["gov", "call", "grant-role", "router", "PAUSER_ROLE", owners[0]!.address, "--safe", "governance"],
      `governance (${g}) does not hold DEFAULT_ADMIN_ROLE on router (${sys.addresses.router}): router.grantRole(role=${await sys.router.PAUSER_ROLE()}, account=${owners[0]!.address}) refused, nothing sent`,
    );
    await fails(
      ["gov", "propose", "set-class-open", "1", "false", "--safe", "governance", "--sign", gov1],
      `threshold not reached: governance (${g}) needs 2 of 3 owner signatures, got 1; nothing sent`,
    );
    await fails(
      [
        "gov",
        "propose",
        "set-class-open",
        "1",
        "false",
        "--safe",
        "governance",
        "--sign",
        `${gov1},${outsider}`,
      ],
      `${owners[3]!.address} is not an owner of governance (${g}); nothing signed or sent`,
    );
    const r = await cli([
      "gov",
      "execute",
      "set-class-open",
      "1",
      "false",
      "--description",
      "never",
      "--safe",
      "governance",
      "--dry-run",
    ]);
    expect(r.err, "unknown operation").to.match(
      /^cascade: timelock operation 0x[0-9a-f]{8}… is unknown: never scheduled or cancelled \(propose it first, with the same calls and description\); nothing sent\n$/,
    );
    await fails(
      ["gov", "propose", "set-class-open", "1", "false", "--safe", "treasury"],
      `no Safe named "treasury" in the address book (known: governance, moduleManager, classManager, operatorManager, serviceManager, allocator, veto)`,
    );
  });

  it("test_govCall_operationalSafe: the class manager Safe acts directly; a role change goes through the timelock", async function () {
    const r = JSON.parse(
      (
        await ok([
          "gov",
          "call",
          "set-class-open",
          "1",
          "false",
          "--safe",
          "classManager",
          "--sign",
          cls34,
          "--json",
        ])
      ).out,
    );
    expect(r.state, "executed").to.equal("executed");
    expect((await sys.book.getClass(1)).open, "class B closed by the class manager Safe").to.equal(false);

    // Role change: governance grants an extra pauser PAUSER_ROLE through Safe + timelock.
    const who = owners[4]!.address;
    const args = [
      "grant-role",
      "router",
      "PAUSER_ROLE",
      who,
      "--safe",
      "governance",
      "--description",
      "pauser",
    ];
    await ok(["gov", "propose", ...args, "--sign", gov12]);
    await provider.send("evm_increaseTime", [61]);
    await provider.send("evm_mine", []);
    await ok(["gov", "execute", ...args, "--sign", gov12]);
    expect(
      await sys.router.hasRole(await sys.router.PAUSER_ROLE(), who),
      "role granted via Safe + timelock",
    ).to.equal(true);
    const roles = (await ok(["gov", "roles"])).out;
    expect(roles, "roles table names the holders").to.match(
      /timelock\s*│\s*PROPOSER_ROLE\s*│\s*governanceSafe/,
    );
  });
});
