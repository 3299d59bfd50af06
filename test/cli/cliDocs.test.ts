/**
 * docs/cli.md is generated from the command tree (scripts/gen-cli-docs.ts): a command, an
 * argument, an option or a default changed without regenerating it fails here, as a stale ABI
 * fails test/sdk/abiFresh.test.ts. Every runnable command carries an example, shown in its
 * `--help` and in the reference.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { CLI_DOC, cliProgram, renderCliDocs, walk } from "../../scripts/gen-cli-docs.js";
import { EXAMPLES } from "../../sdk/src/cli/examples.js";
import { runCli } from "../../sdk/src/cli/main.js";

describe("cascade CLI reference (docs/cli.md)", function () {
  this.timeout(60_000);

  it("test_cliDocs_matchesTheCommands", async function () {
    const committed = readFileSync(CLI_DOC, "utf8");
    expect(committed, "docs/cli.md is stale: run npx tsx scripts/gen-cli-docs.ts").to.equal(
      await renderCliDocs(),
    );
  });

  it("test_cliDocs_documentsEveryCommandArgumentAndOption", function () {
    const doc = readFileSync(CLI_DOC, "utf8");
    for (const { path, cmd } of walk(cliProgram())) {
      const name = ["cascade", ...path].join(" ");
      expect(doc, `${name}: a section`).to.include(`\`${name}\``);
      for (const a of cmd.registeredArguments)
        expect(doc, `${name}: argument ${a.name()}`).to.match(
          new RegExp(`[<\\[]${a.name()}(\\.\\.\\.)?[>\\]]`),
        );
      for (const o of cmd.options) expect(doc, `${name}: option ${o.flags}`).to.include(`\`${o.flags}\``);
    }
  });

  it("test_examples_oneForEveryRunnableCommandAndNoneForAMissingOne", function () {
    const all = walk(cliProgram());
    const paths = new Set(all.map(({ path }) => path.join(" ")));
    for (const key of Object.keys(EXAMPLES))
      expect(paths.has(key), `example of a missing command "${key}"`).to.be.true;
    for (const { path, cmd } of all) {
      if (cmd.commands.length > 0) continue; // a group: its commands have the examples
      expect(EXAMPLES[path.join(" ")], `cascade ${path.join(" ")}: no example in sdk/src/cli/examples.ts`).to
        .not.be.undefined;
    }
  });

  it("test_help_endsWithTheCommandsExample", async function () {
    let out = "";
    const code = await runCli(["service", "slash", "--help"], {
      stdout: (s) => (out += s),
      stderr: (s) => (out += s),
      env: {},
      isTTY: false,
    });
    expect(code, "help exits 0").to.equal(0);
    expect(out, "example after the options").to.include(`Example:\n  $ ${EXAMPLES["service slash"]![0]}`);
  });
});
