/**
 * The daemon loop on its own (no chain): retries with capped exponential backoff, counts failures
 * by kind, makes /health unhealthy while failing and healthy again after a good step, and serves
 * Prometheus text at /metrics.
 */
import { expect } from "chai";
import { BeaconApiError } from "../../sdk/src/beacon/api.js";
import { backoffMs, classify, idle, runLoop, wait } from "../../sdk/src/daemons/service/loop.js";
import { DaemonMetrics, serveMetrics } from "../../sdk/src/daemons/service/metrics.js";
import { daemonLogger } from "../../sdk/src/daemons/service/index.js";

describe("daemon loop", function () {
  this.timeout(30_000);

  it("test_backoffMs_doublesThenCaps", function () {
    const got = [1, 2, 3, 4, 5, 6, 40].map((n) => backoffMs(n, 100, 1000));
    expect(got, "100·2^(n−1), capped at 1000").to.deep.equal([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("test_classify_sortsBeaconAndRpcFailures", function () {
    const timeout = new BeaconApiError("beacon node unreachable at x", {
      cause: Object.assign(new Error("t"), { name: "TimeoutError" }),
    });
    expect(classify(timeout), "timeout").to.equal("beacon_timeout");
    expect(classify(new BeaconApiError("beacon node unreachable at x")), "down").to.equal(
      "beacon_unreachable",
    );
    expect(
      classify(new BeaconApiError("beacon node response for /x does not match the Beacon API")),
      "schema",
    ).to.equal("beacon_schema");
    expect(classify(new BeaconApiError("beacon node answered 500", { status: 500 })), "http").to.equal(
      "beacon_http",
    );
    expect(classify(Object.assign(new Error("x"), { code: "CALL_EXCEPTION" })), "revert").to.equal("revert");
    expect(classify(new Error("connect ECONNREFUSED 127.0.0.1:1")), "rpc").to.equal("rpc_unreachable");
  });

  it("test_runLoop_transientFailures_retriesWithBackoffAndRecovers", async function () {
    const metrics = new DaemonMetrics("keeper", { depositable_validators: "x" });
    const lines: string[] = [];
    const log = daemonLogger("keeper", "debug", (s) => lines.push(s));
    const server = await serveMetrics(metrics, 0, { staleMs: 60_000 });
    const ac = new AbortController();
    const times: number[] = [];
    let calls = 0;
    let healthWhileFailing = 0;
    const done = runLoop({
      name: "keeper",
      log,
      metrics,
      intervalMs: 20,
      baseBackoffMs: 50,
      maxBackoffMs: 200,
      signal: ac.signal,
      step: async () => {
        times.push(Date.now());
        calls++;
        if (calls === 4) healthWhileFailing = (await fetch(server.url + "/health")).status;
        if (calls <= 5) throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
        if (calls === 6) return wait("beacon head slot 3 is behind refSlot 32");
        if (calls === 7) {
          ac.abort();
          return idle("nothing to do");
        }
        return idle("nothing to do");
      },
    });
    await done;
    const gaps = times.slice(1, 6).map((t, i) => t - times[i]);
    // Failures 1..5 wait 50, 100, 200, 200, 200 ms (capped) before the next try.
    for (const [i, min] of [50, 100, 200, 200, 200].entries())
      expect(gaps[i], `retry ${i + 1} waited its backoff`).to.be.at.least(min - 5);
    expect(gaps[4], "the cap holds").to.be.below(200 + 150);
    expect(healthWhileFailing, "/health is 503 while failing").to.equal(503);
    const health = await fetch(server.url + "/health");
    expect(health.status, "/health is 200 after a good step").to.equal(200);
    const text = await (await fetch(server.url + "/metrics")).text();
    expect(text, "errors by kind").to.match(
      /cascade_daemon_errors_total\{kind="rpc_unreachable",role="keeper"\} 5/,
    );
    expect(text, "waits by reason").to.match(
      /cascade_daemon_waits_total\{reason="beacon head slot",role="keeper"\} 1/,
    );
    expect(text, "role gauges").to.include("cascade_keeper_depositable_validators");
    const parsed = lines.map((l) => JSON.parse(l));
    expect(
      parsed.filter((l) => l.kind === "rpc_unreachable").length,
      "one structured line per failure",
    ).to.equal(5);
    expect(
      parsed.find((l) => l.wait),
      "the wait is logged with its reason",
    ).to.have.property("wait", "beacon head slot 3 is behind refSlot 32");
    await server.app.close();
  });

  it("test_runLoop_once_throwsTheFailure", async function () {
    const metrics = new DaemonMetrics("oracle", {});
    const log = daemonLogger("oracle", "silent", () => {});
    let err: unknown;
    try {
      await runLoop({
        name: "oracle",
        log,
        metrics,
        intervalMs: 10,
        once: true,
        step: async () => Promise.reject(new Error("boom")),
      });
    } catch (e) {
      err = e;
    }
    expect((err as Error)?.message, "--once surfaces the failure (exit 1)").to.equal("boom");
    const ok = await runLoop({
      name: "oracle",
      log,
      metrics,
      intervalMs: 10,
      once: true,
      step: async () => idle("x"),
    });
    expect(ok, "--once resolves with the outcome").to.deep.equal({ kind: "idle", reason: "x" });
  });
});
