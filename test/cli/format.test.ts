/**
 * One formatter for the CLI and the demo (sdk/src/cli/format.ts): the same wei reads the same in a
 * CLI table, the demo's narration, its summary and its HTML report — whether the figure arrives
 * as wei (bigint) or as the decimal ETH string the demo keeps (formatEther).
 */
import { expect } from "chai";
import { formatEther } from "ethers";
import { eth, fixed, percent, price } from "../../sdk/src/cli/format.js";

describe("cli/format: one rounding everywhere", function () {
  // 0.999984415 ETH (the price that read 0.9999, 1.0000 and 0.999984415 in one demo run), around it,
  // and values at the rounding boundary of 6 and 4 decimals.
  const values = [
    999_984_415_000_000_000n,
    999_999_999_999_999_999n,
    1_000_000_499_999_999_999n,
    1_000_000_500_000_000_000n,
    123_456_789_012_345_678_901n,
    0n,
    1n,
  ];

  it("test_fixed_sameForWeiAndEthString", function () {
    for (const v of values)
      for (const d of [0, 2, 4, 6])
        expect(fixed(formatEther(v), d), `${v} wei at ${d} decimals`).to.equal(fixed(v, d));
  });

  it("test_eth_roundsLikeFixed", function () {
    for (const v of values) {
      const f = fixed(v, 6);
      expect(eth(v), `${v} wei`).to.equal(f.includes(".") ? f.replace(/\.?0+$/, "") : f);
    }
    expect(eth(999_999_999_999_999_999n), "rounded, not cut to 0.999999").to.equal("1");
    expect(price(999_984_415_000_000_000n), "a price").to.equal("0.999984");
    expect(fixed(999_984_415_000_000_000n, 4), "the same price at 4 decimals").to.equal("1.0000");
  });

  it("test_percent_fromBps", function () {
    expect(percent(2500n), "bigint bps").to.equal("25.0%");
    expect(percent(1234, 2), "number bps").to.equal("12.34%");
    expect(percent(5, 1), "half up").to.equal("0.1%");
  });
});
