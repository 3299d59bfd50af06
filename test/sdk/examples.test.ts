/**
 * Every `@example` in the SDK client, errors, actions and CLI type-checks against the real
 * exports (strict, as `tsc -p tsconfig.json` would), so the documented calls cannot drift from
 * the API. The examples are compiled in memory at virtual paths in the repo root.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sources = [
  "sdk/src/client.ts",
  "sdk/src/errors.ts",
  "sdk/src/cli/main.ts",
  "sdk/src/cli/client.ts",
  ...readdirSync(join(root, "sdk/src/actions")).map((f) => `sdk/src/actions/${f}`),
  ...readdirSync(join(root, "sdk/src/governance")).map((f) => `sdk/src/governance/${f}`),
];

/** Example bodies with imports made relative to the repo root. */
function examples(): { name: string; code: string }[] {
  const out: { name: string; code: string }[] = [];
  for (const rel of sources) {
    const dir = dirname(rel);
    const text = readFileSync(join(root, rel), "utf8");
    let i = 0;
    for (const m of text.matchAll(/@example\n \* ```ts\n([\s\S]*?) \* ```/g)) {
      const code = m[1]!
        .split("\n")
        .map((l) => l.replace(/^ \* ?/, ""))
        .join("\n")
        .replace(/from "\.\/([^"]+)"/g, (_s, p: string) =>
          p.startsWith("sdk/") ? `from "./${p}"` : `from "./${dir}/${p}"`,
        );
      out.push({ name: `${rel.replace(/\W/g, "_")}_${i++}.example.ts`, code: `${code}\nexport {};\n` });
    }
  }
  return out;
}

describe("sdk @example blocks", function () {
  this.timeout(120_000);
  it("type-check against the SDK", function () {
    const ex = examples();
    expect(ex.length, "examples found").to.be.greaterThan(20);
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    )!;
    const virtual = new Map(ex.map((e) => [join(root, e.name), e.code]));
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, lang, ...rest) =>
      virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile(f, lang, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => virtual.has(f) || fileExists(f);
    const program = ts.createProgram([...virtual.keys()], { ...config.options, noEmit: true }, host);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && virtual.has(d.file.fileName))
      .map(
        (d) =>
          `${d.file!.fileName.slice(root.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
      );
    expect(errors, errors.join("\n")).to.deep.equal([]);
  });
});
