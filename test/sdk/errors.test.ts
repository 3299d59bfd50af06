/**
 * CLI/SDK messages a user understands: a missing role reads with its name (PROPOSER_ROLE), never
 * its keccak256 hash; the table covers every *_ROLE constant of the contracts.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Interface, ZeroHash, id } from "ethers";
import { AccountingAbi } from "../../sdk/src/abi/index.js";
import { ContractRevertError, ROLE_NAMES, decodeRevert } from "../../sdk/src/errors.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("sdk/errors: role names", function () {
  it("test_ROLE_NAMES_coversEveryContractRole: each id is keccak256(name), every *_ROLE is listed", function () {
    const roles = new Set<string>();
    for (const e of readdirSync(join(root, "contracts"), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith(".sol")) continue;
      const src = readFileSync(join(e.parentPath, e.name), "utf8");
      for (const m of src.matchAll(/\b([A-Z_]+_ROLE)\b/g)) roles.add(m[1]!);
    }
    const named = new Set(Object.values(ROLE_NAMES));
    expect(
      [...roles].filter((r) => !named.has(r)),
      "roles without a name",
    ).to.deep.equal([]);
    for (const [hash, name] of Object.entries(ROLE_NAMES))
      expect(hash, name).to.equal(name === "DEFAULT_ADMIN_ROLE" ? ZeroHash : id(name));
  });

  it("test_decodeRevert_namesTheMissingRole: AccessControlUnauthorizedAccount shows PROPOSER_ROLE", function () {
    const iface = new Interface(AccountingAbi as never);
    const account = "0x" + "ab".repeat(20);
    const data = iface.encodeErrorResult("AccessControlUnauthorizedAccount", [account, id("PROPOSER_ROLE")]);
    const e = decodeRevert({ data }, [iface]);
    expect(e).to.be.instanceOf(ContractRevertError);
    expect(e.shortMessage, "role by name").to.equal(
      `reverted: AccessControlUnauthorizedAccount(0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB, PROPOSER_ROLE)`,
    );
    expect((e as ContractRevertError).args[1], "args keep the raw id").to.equal(id("PROPOSER_ROLE"));
  });
});
