/**
 * Address books: `loadAddresses` reads the path the caller gives; `resolveAddresses` (and the
 * CLI) look at the caller's file, then deployments/<chainId>.json, then the book the package
 * ships for the chain's network (sdk/addresses/addresses.<network>.json), and say where they
 * looked when none is there. Every shipped book must parse and be named after a known network.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import {
  NETWORK_NAMES,
  SHIPPED_BOOKS_DIR,
  loadAddresses,
  resolveAddresses,
  shippedAddressBook,
} from "../../sdk/src/node.js";

const KEYS = [
  "router",
  "pool",
  "accounting",
  "reportOracle",
  "curatedModule",
  "bondedModule",
  "timelock",
  "depositSecurity",
];

/** A valid book whose router is `router` (the other addresses random). */
function book(chainId: number, router: string) {
  const addresses: Record<string, string> = {};
  for (const k of KEYS) addresses[k] = k === "router" ? router : Wallet.createRandom().address;
  return { chainId, addresses };
}

describe("sdk: address books", function () {
  const routerOf = { explicit: "", local: "", shipped: "" };
  let cwd: string;
  let books: string;
  let explicit: string;

  before(function () {
    cwd = mkdtempSync(join(tmpdir(), "cascade-books-"));
    books = join(cwd, "shipped");
    mkdirSync(join(cwd, "deployments"));
    mkdirSync(books);
    for (const k of Object.keys(routerOf) as (keyof typeof routerOf)[])
      routerOf[k] = Wallet.createRandom().address;
    explicit = join(cwd, "mine.json");
    writeFileSync(explicit, JSON.stringify(book(560048, routerOf.explicit)));
    writeFileSync(join(cwd, "deployments", "560048.json"), JSON.stringify(book(560048, routerOf.local)));
    writeFileSync(join(books, "addresses.hoodi.json"), JSON.stringify(book(560048, routerOf.shipped)));
  });

  it("test_loadAddresses_readsThePathGiven", function () {
    expect(loadAddresses("mine.json", cwd).router, "relative to cwd").to.equal(routerOf.explicit);
    expect(loadAddresses(explicit).router, "absolute").to.equal(routerOf.explicit);
  });

  it("test_resolveAddresses_explicitFileWins", function () {
    const a = resolveAddresses({ chainId: 560048n, file: "mine.json", cwd, booksDir: books });
    expect(a.router, "the caller's file").to.equal(routerOf.explicit);
  });

  it("test_resolveAddresses_missingExplicitFileDoesNotFallBack", function () {
    expect(() => resolveAddresses({ chainId: 560048n, file: "typo.json", cwd, booksDir: books })).to.throw(
      `no deployment file ${join(cwd, "typo.json")} (run \`npm run deploy\` or pass --addresses)`,
    );
  });

  it("test_resolveAddresses_deploymentsBeforeShippedBook", function () {
    expect(resolveAddresses({ chainId: 560048n, cwd, booksDir: books }).router, "deployments/").to.equal(
      routerOf.local,
    );
  });

  it("test_resolveAddresses_shippedBookOfTheNetwork", function () {
    const elsewhere = mkdtempSync(join(tmpdir(), "cascade-books-empty-"));
    expect(
      resolveAddresses({ chainId: 560048n, cwd: elsewhere, booksDir: books }).router,
      "addresses.hoodi.json for chain 560048",
    ).to.equal(routerOf.shipped);
    expect(shippedAddressBook("hoodi", books), "by name").to.equal(join(books, "addresses.hoodi.json"));
  });

  it("test_resolveAddresses_namesEveryPlaceLooked", function () {
    const elsewhere = mkdtempSync(join(tmpdir(), "cascade-books-empty-"));
    expect(() => resolveAddresses({ chainId: 11155111, cwd: elsewhere, booksDir: books })).to.throw(
      `no address book for chain 11155111: looked for ${join(elsewhere, "deployments", "11155111.json")} and the package's ${join(books, "addresses.sepolia.json")} (run \`npm run deploy\` or pass --addresses)`,
    );
  });

  it("test_shippedBooks_parseAndNameAKnownNetwork", function () {
    const pkg = JSON.parse(readFileSync(join(SHIPPED_BOOKS_DIR, "..", "package.json"), "utf8")) as {
      files: string[];
    };
    expect(pkg.files, "the package publishes the books").to.include("addresses/addresses.*.json");
    const shipped = existsSync(SHIPPED_BOOKS_DIR)
      ? readdirSync(SHIPPED_BOOKS_DIR).filter((f) => f.endsWith(".json"))
      : [];
    for (const f of shipped) {
      const name = f.match(/^addresses\.([a-z0-9-]+)\.json$/)?.[1];
      expect(Object.values(NETWORK_NAMES), `${f}: a known network`).to.include(name);
      const chainId = Object.entries(NETWORK_NAMES).find(([, n]) => n === name)![0];
      const json = JSON.parse(readFileSync(join(SHIPPED_BOOKS_DIR, f), "utf8")) as { chainId?: unknown };
      expect(String(json.chainId), `${f}: chainId`).to.equal(chainId);
      expect(() => loadAddresses(join(SHIPPED_BOOKS_DIR, f)), `${f}: parses`).to.not.throw();
    }
  });
});
