/**
 * The SDK's certified γ (sdk/src/risk/gate.ts) equals the ServiceRegistry's robustness gate to
 * the last unit of rounding, over random graphs built on a deployed system (register, opt in,
 * allocate, declare risks, read), and the exact γ of the search is never below it.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { analyzeSecurity } from "../../sdk/src/risk/analyze.js";
import { certifiedGate, onChainGate } from "../../sdk/src/risk/gate.js";
import { mulberry32 } from "../../sdk/src/risk/random.js";
import { stakedSystem } from "../helpers/scenario.js";
import { ETH, clientFor } from "../sdk/fixtures.js";

const { ethers, provider } = await network.create();
const GRAPHS = 12;
const key = (m: number, o: number) => (BigInt(m) << 32n) | BigInt(o);

describe("risk/gate: SDK certified γ == on-chain gate", function () {
  it("test_certifiedGate_equalsContractOnRandomGraphs", async function () {
    this.timeout(600_000);
    const { sys, signers } = await stakedSystem(ethers);
    const [deployer, , , , , , opCurated, opBonded] = signers;
    const reg = sys.registry;
    const client = clientFor(ethers, sys);
    const ops = [
      { who: opCurated, m: 0, o: 0 },
      { who: opBonded, m: 1, o: 0 },
    ];
    const S = 4;
    for (let i = 0; i < S; i++) {
      await (
        await reg.registerService({
          tier: 1 + (i % 2),
          maxSlashBps: [10_000, 5_000, 2_500, 7_500][i]!,
          slashingWindow: 300,
          vetoWindow: 300,
          minOperators: 1,
          maxOperatorShareBps: 10_000,
          slasher: deployer.address,
          recipient: deployer.address,
        })
      ).wait();
      await (await reg.setServiceStatus(i, 2)).wait();
      for (const op of ops) await (await reg.connect(op.who).optIn(i, op.m, op.o)).wait();
    }
    let base = await provider.send("evm_snapshot", []);
    let compared = 0;
    let gated = 0;
    let refused = 0;
    for (let g = 0; g < GRAPHS; g++) {
      // A reverted snapshot is used up: take the next one at once.
      await provider.send("evm_revert", [base]);
      base = await provider.send("evm_snapshot", []);
      const rnd = mulberry32(1_000 + g);
      for (let s = 0; s < S; s++) {
        const mask = 1 + Math.floor(rnd() * 3); // 1: curated, 2: bonded, 3: both
        const keys = ops.filter((_, i) => mask & (1 << i)).map((op) => key(op.m, op.o));
        const amount = (BigInt(Math.floor(rnd() * 60) + 1) * ETH) / 2n;
        try {
          await (await reg.setAllocation(s, amount, keys)).wait();
        } catch {
          // Exposure limit or placement: that service stays unallocated in this graph.
        }
      }
      for (let s = 0; s < S; s++) {
        if (rnd() < 0.25) continue;
        const profit = (BigInt(Math.floor(rnd() * 40_000)) * ETH) / 1_000n + 1n;
        const alpha = 1_000 + Math.floor(rnd() * 9_001);
        try {
          await (await reg.setServiceRisk(s, profit, alpha)).wait();
          ++gated;
        } catch {
          ++refused; // γ below the minimum, or no stake securing the service
        }
      }
      const chain = await onChainGate(client);
      const sdk = certifiedGate(chain.graph);
      expect(sdk.gammaBps, `graph ${g}: SDK γ_cert == contract`).to.equal(chain.gammaBps);
      for (const o of chain.graph.operators) {
        const [m, id] = o.id.split(":").map(Number) as [number, number];
        const [load, sigma] = await reg.operatorLoad(m, id);
        expect(sigma, `graph ${g}: σ_${o.id}`).to.equal(o.stake);
        if (o.stake > 0n) expect(load, `graph ${g}: T_${o.id}`).to.equal(sdk.loads[o.id] ?? 0n);
      }
      if (chain.gammaBps !== null) {
        expect(chain.gammaBps >= chain.minGammaBps, `graph ${g}: gate kept γ ≥ min`).to.equal(true);
        const a = analyzeSecurity(chain.graph, { method: "exact" });
        // exact γ (a Decimal, rounded down) ≥ certified γ in bps / 10⁴.
        expect(
          a.network.gamma.times(10_000).gte(chain.gammaBps.toString()),
          `graph ${g}: exact γ ${a.network.gamma.toString()} ≥ certified ${chain.gammaBps} bps`,
        ).to.equal(true);
      }
      ++compared;
    }
    console.log(`      ${compared} random graphs: ${gated} risks declared, ${refused} refused by the gate`);
    expect(compared, "every graph compared").to.equal(GRAPHS);
    expect(gated > 0 && refused > 0, "both outcomes exercised").to.equal(true);
  });
});
