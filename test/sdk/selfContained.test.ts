/**
 * The SDK package ships sdk/ alone: no scripts/, deploy/, contracts, artifacts or Hardhat config of
 * the repository. So nothing under sdk/src may import or load anything outside sdk/: every module
 * specifier (static `import`/`export … from`, `import type`, `import("…")`, `require("…")`,
 * `createRequire`) is either relative and resolves inside sdk/, a `node:` built-in, or a package the
 * SDK's package.json declares (dependencies / peerDependencies). A loader called with a computed
 * specifier (`import(path)`) cannot be checked, so it is refused too. String literals naming the
 * repository's folders (`scripts/`, `deploy/`, `contracts/`, `artifacts/`, `hardhat.config`) or a
 * relative path climbing out of sdk/ are refused as well: they are how a file used to reach the
 * repository through a computed import. Commands that need the repository live in scripts/devnet/.
 */
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const SDK = resolve("sdk");
const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8")) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const declared = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
]);
const REPO_PATH = /(^|[^\w@-])(scripts|deploy|contracts|artifacts|ignition)\/|hardhat\.config/;

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** Why `spec`, imported by `file`, reaches outside the package; undefined when it does not. */
function outside(file: string, spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("/")) {
    const target = resolve(dirname(file), spec);
    return target === SDK || target.startsWith(SDK + sep) ? undefined : `path outside sdk/: ${spec}`;
  }
  if (spec.startsWith("node:") || builtinModules.includes(spec)) return undefined;
  const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
  if (name === pkg.name || declared.has(name)) return undefined;
  return `package not declared in sdk/package.json: ${spec}`;
}

/** Every way `file` imports or loads something that is not part of the SDK package. */
export function foreignLoads(file: string, text: string): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (n: ts.Node, what: string) =>
    found.push(
      `${relative(process.cwd(), file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${what}`,
    );
  const specifiers = new Set<ts.Node>();
  const spec = (n: ts.Node, s: ts.Expression | undefined, how: string) => {
    if (s && ts.isStringLiteralLike(s)) {
      specifiers.add(s);
      const why = outside(file, s.text);
      if (why) at(n, `${how} ${why}`);
    } else at(n, `${how} with a computed specifier (${s?.getText(src) ?? "none"})`);
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier)
      spec(n, n.moduleSpecifier, "import");
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument))
      spec(n, n.argument.literal as ts.Expression, "import type");
    else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : "";
      const base = n.arguments[0]?.getText(src);
      if (callee.kind === ts.SyntaxKind.ImportKeyword) spec(n, n.arguments[0], "import()");
      else if (name === "require" || (name === "resolve" && /require\.resolve$/.test(callee.getText(src))))
        spec(n, n.arguments[0], `${name}()`);
      // createRequire(base) takes a base, not a specifier: only the package's own location is fine.
      else if (name === "createRequire" && base !== "import.meta.url")
        at(n, `createRequire() from another base (${base})`);
      // createRequire(import.meta.url)("pkg"): the specifier is the outer call's.
      else if (ts.isCallExpression(callee) && /createRequire$/.test(callee.expression.getText(src)))
        spec(n, n.arguments[0], "require()");
    }
    const text =
      ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n);
    if (text && !specifiers.has(n)) {
      const s = n.text;
      if (REPO_PATH.test(s)) at(n, `string naming the repository's files: ${JSON.stringify(s)}`);
      else if (/^(\.\.\/)+/.test(s)) {
        const target = resolve(dirname(file), s);
        if (!(target === SDK || target.startsWith(SDK + sep)))
          at(n, `relative path out of sdk/: ${JSON.stringify(s)}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe("sdk: self-contained package", function () {
  it("test_sdkSources_loadNothingOutsideTheSdk", function () {
    const files = sources(join(SDK, "src"));
    expect(files.length, "SDK sources found").to.be.greaterThan(50);
    const found = files.flatMap((f) => foreignLoads(f, readFileSync(f, "utf8")));
    expect(found, "imports/loads reaching outside sdk/ (move such code to scripts/)").to.deep.equal([]);
  });

  it("test_foreignLoads_catchesEveryWayOut", function () {
    const f = join(SDK, "src", "cli", "x.ts");
    const cases: [string, number][] = [
      [`import { a } from "../../../scripts/demo.js";`, 1],
      [`export * from "../../../deploy/system.js";`, 1],
      [`const m = await import("hardhat");`, 1],
      [`const p = "x"; const m = await import(p);`, 1],
      [`const r = require("../../../deploy/roles.js");`, 1],
      [`const u = new URL("../../../", import.meta.url);`, 1],
      [`load(join(root, "scripts/demo.ts"));`, 1],
      [`type T = typeof import("../../../deploy/system.js");`, 1],
      [`const b = createRequire(import.meta.url)("hardhat");`, 1],
      [`const r = createRequire(process.cwd() + "/");`, 1],
      [`import { b } from "../beacon/api.js"; import { z } from "zod"; import { x } from "node:fs";`, 0],
      [
        `const bin = new URL("../../bin/cascade.mjs", import.meta.url); await import("../beacon/simulator.js");`,
        0,
      ],
    ];
    for (const [code, n] of cases) expect(foreignLoads(f, code), code).to.have.length(n);
  });
});
