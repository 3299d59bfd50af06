/**
 * The demo's presentation: frame and summary tables for the terminal, the HTML report with its
 * SVG charts. scripts/demo.ts runs the scenario and hands its DemoResult here; every figure goes
 * through the CLI's formatter (sdk/src/cli/format.ts `fixed`, `price`, `percent`), so tables,
 * summary, report and CLI round the same way.
 */
import Table from "cli-table3";
import { fixed, percent } from "../../sdk/src/cli/format.js";
import type { DemoOptions, DemoResult, FrameResult } from "./types.js";

const DAY = 24 * 3600;

export function renderFrame(f: FrameResult): string {
  const mt = new Table({
    head: ["module", "validators", "exited", "share", "target", "perf", "reputation"],
    style: { head: [], border: [] },
  });
  for (const m of f.modules)
    mt.push([
      m.name,
      m.active,
      m.exited,
      percent(m.shareBps),
      percent(m.targetShareBps),
      percent(m.perfBps),
      percent(m.reputationBps),
    ]);
  const ct = new Table({
    head: ["class", "NAV (ETH)", "price", "APY (frame)", "service rewards"],
    style: { head: [], border: [] },
  });
  for (const c of f.classes)
    ct.push([
      c.symbol,
      fixed(c.nav, 4),
      fixed(c.price, 6),
      `${c.apyPct.toFixed(2)}%`,
      fixed(c.serviceRewards, 4),
    ]);
  const st = new Table({
    head: [
      "service",
      "tier",
      "allocation (ETH)",
      "operators",
      "rewards paid",
      "slashed",
      "vetoed",
      "γ cert (bps)",
    ],
    style: { head: [], border: [] },
  });
  for (const s of f.services)
    st.push([
      s.name,
      s.tier,
      fixed(s.allocation, 2),
      s.operators,
      fixed(s.rewardsPaid, 2),
      `${fixed(s.slashed, 4)} (${s.slashesExecuted})`,
      s.slashesVetoed,
      s.gammaBps,
    ]);
  const lines = [
    `\n── Frame ${f.frame} · day ${f.day} · refSlot ${f.refSlot} · report ${f.hash.slice(0, 10)}…`,
    mt.toString(),
    ct.toString(),
    st.toString(),
    ...f.events.map((e) => `  • ${e}`),
  ];
  return lines.join("\n");
}

export function renderSummary(r: DemoResult): string {
  const s = r.summary;
  const t = new Table({
    head: ["outcome", "value"],
    style: { head: [], border: [] },
    colWidths: [30, 110],
    wordWrap: true,
  });
  const first = r.frames[0];
  const last = r.frames[r.frames.length - 1];
  t.push(
    ["frames reported", String(r.frames.length)],
    ["members agreed on every hash", s.membersAgreed ? "yes" : "NO"],
    ["invariant A held every frame", r.frames.every((f) => f.invariantA) ? "yes" : "NO"],
    ["slashing covered by bond", `${fixed(s.bondCharged, 4)} ETH charged to Bonded One's bond`],
    [
      "poor performer (curated)",
      `reputation ${percent(s.poorPerformer.repStart)} → ${percent(s.poorPerformer.repEnd)}, target share ${percent(s.poorPerformer.shareStartBps)} → ${percent(s.poorPerformer.shareEndBps)}`,
    ],
    [
      "redemptions",
      `${s.redemptions.claimed}/${s.redemptions.requested} claimed, ${fixed(s.redemptions.paid, 4)} ETH paid`,
    ],
    ...(first && last
      ? last.classes.map((c, i) => [
          `class ${c.symbol} price`,
          `${fixed(r.initial.classes[i].price, 6)} → ${fixed(c.price, 6)} (NAV ${fixed(c.nav, 2)} ETH)`,
        ])
      : []),
    ["service slash", serviceSlashText(s)],
    [
      "vetoed slash",
      s.vetoedSlash
        ? `request #${s.vetoedSlash.slashId} (${s.vetoedSlash.service} on ${s.vetoedSlash.operator}): ${s.vetoedSlash.status}, ${s.vetoedSlash.executed ? "EXECUTED" : "never executed"}`
        : "not reached",
    ],
    [
      "service rewards",
      `${s.serviceRewards.paidByService.reduce((a, x) => a + Number(x), 0).toFixed(2)} ETH paid; received by ${r.initial.classes
        .map((c, i) => `${c.symbol} ${fixed(s.serviceRewards.toClasses[i], 4)}`)
        .join(", ")}`,
    ],
    ["forced exits (EIP-7002)", forcedText(s)],
    ["wall time", `${s.wallSeconds.toFixed(1)} s`],
  );
  return `\nSummary\n${t.toString()}`;
}

function forcedText(s: DemoResult["summary"]): string {
  const f = s.forcedExits;
  const base = `${f.requested} requested by the keeper, ${f.honoured} exits started on the beacon chain`;
  return f.error ? `${base}; ${f.failedAttempts} key-attempts failed: ${f.error}` : base;
}

function serviceSlashText(s: DemoResult["summary"]): string {
  const x = s.serviceSlash;
  if (!x) return "not executed (too few frames)";
  const last = x.pricesBefore.length - 1;
  const drop = (1 - Number(x.pricesAfter[last]) / Number(x.pricesBefore[last])) * 100;
  const aSame = x.pricesAfter[0] === x.pricesBefore[0];
  return `${fixed(x.amount, 4)} ETH (${x.service} on ${x.operator}, by the keeper in frame ${x.executedFrame}), bond ${fixed(x.bondCharged, 4)} ETH, class C ${fixed(x.pricesBefore[last], 6)} → ${fixed(x.pricesAfter[last], 6)} (−${drop.toFixed(2)}%), A ${aSame ? "untouched" : "CHANGED"}`;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

/**
 * Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k (about five ticks), so the axis
 * reads 0.9990, 0.9995, 1.0000 … rather than 0.99937, 0.99968, …
 */
export function niceTicks(lo: number, hi: number, target = 5): { ticks: number[]; step: number } {
  if (!(hi > lo)) {
    const pad = Math.abs(hi) * 0.001 || 1e-6;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v < hi + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, step };
}

/** Decimals a tick step needs (0.0005 → 4). */
function stepDigits(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * A line chart as inline SVG: x = frame, one polyline per series, round y ticks, the y axis
 * labelled with `unit`, and optional dashed reference lines (the price chart's 1.0).
 */
function lineChart(
  title: string,
  xs: number[],
  series: { name: string; ys: number[] }[],
  unit: string,
  refs: { y: number; label: string }[] = [],
): string {
  const W = 640;
  const H = 280;
  const L = 80;
  const R = 120;
  const T = 30;
  const B = 40;
  const all = [...series.flatMap((s) => s.ys), ...refs.map((r) => r.y)];
  const { ticks, step } = niceTicks(Math.min(...all), Math.max(...all));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const digits = stepDigits(step);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => T + (1 - (y - lo) / (hi - lo)) * (H - T - B);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart">
<text x="${L}" y="18" font-weight="bold">${esc(title)}</text>
${ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#eee"/><text class="tick" x="${L - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v.toFixed(digits)}</text>`).join("\n")}
${refs.map((r) => `<line class="ref" x1="${L}" x2="${W - R}" y1="${py(r.y).toFixed(1)}" y2="${py(r.y).toFixed(1)}" stroke="#555" stroke-dasharray="5 4"/><text x="${W - R - 4}" y="${(py(r.y) - 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${esc(r.label)}</text>`).join("\n")}
${xs.map((x) => `<text x="${px(x).toFixed(1)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${x}</text>`).join("\n")}
<text class="axis" x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="11">frame</text>
<text class="axis" x="14" y="${(T + H - B) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(unit)}</text>
${series
  .map(
    (s, i) =>
      `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${s.ys.map((y, j) => `${px(xs[j]!).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>` +
      `<text x="${W - R + 8}" y="${T + 16 * i + 10}" fill="${COLORS[i % COLORS.length]}" font-size="12">${esc(s.name)}</text>`,
  )
  .join("\n")}
</svg>`;
}

/** Stacked bars: validators per module per frame, each segment and each bar's total labelled. */
function stackedBars(
  title: string,
  xs: number[],
  series: { name: string; ys: number[] }[],
  unit: string,
): string {
  const W = 640;
  const H = 280;
  const L = 60;
  const R = 120;
  const T = 30;
  const B = 40;
  const totals = xs.map((_, j) => series.reduce((s, x) => s + x.ys[j]!, 0));
  const { ticks } = niceTicks(0, Math.max(1, ...totals), 4);
  const max = ticks[ticks.length - 1]!;
  const bw = ((W - L - R) / xs.length) * 0.7;
  const px = (j: number) => L + ((j + 0.15) * (W - L - R)) / xs.length;
  const h = (v: number) => (v / max) * (H - T - B);
  let bars = "";
  xs.forEach((x, j) => {
    let y = H - B;
    series.forEach((s, i) => {
      const v = s.ys[j]!;
      const hh = h(v);
      y -= hh;
      bars += `<rect x="${px(j).toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${hh.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(s.name)}: ${v}</title></rect>`;
      if (hh >= 12)
        bars += `<text class="value" x="${(px(j) + bw / 2).toFixed(1)}" y="${(y + hh / 2 + 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#fff">${v}</text>`;
    });
    bars += `<text class="value total" x="${(px(j) + bw / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${totals[j]}</text>`;
    bars += `<text x="${(px(j) + bw / 2).toFixed(1)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${x}</text>`;
  });
  const py = (v: number) => H - B - h(v);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart">
<text x="${L}" y="18" font-weight="bold">${esc(title)}</text>
${ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#eee"/><text class="tick" x="${L - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v}</text>`).join("\n")}
${bars}
${series.map((s, i) => `<text x="${W - R + 8}" y="${T + 16 * i + 10}" fill="${COLORS[i % COLORS.length]}" font-size="12">${esc(s.name)}</text>`).join("\n")}
<text class="axis" x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" font-size="11">frame</text>
<text class="axis" x="14" y="${(T + H - B) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(unit)}</text>
</svg>`;
}

export function renderHtml(r: DemoResult, opts: DemoOptions): string {
  const all = [{ frame: 0, ...r.initial }, ...r.frames];
  const xs = all.map((f) => f.frame);
  const classes = r.initial.classes.map((c) => c.symbol);
  const modules = r.initial.modules.map((m) => m.name);
  const priceChart = lineChart(
    "Class price (ETH per token)",
    xs,
    classes.map((c, i) => ({ name: c, ys: all.map((f) => Number(f.classes[i]!.price)) })),
    "ETH per token",
    [{ y: 1, label: "1.0 (issue price)" }],
  );
  const navChart = lineChart(
    "Class NAV (ETH)",
    xs,
    classes.map((c, i) => ({ name: c, ys: all.map((f) => Number(f.classes[i]!.nav)) })),
    "ETH",
  );
  const allocChart = stackedBars(
    "Active validators by module",
    xs,
    modules.map((m, i) => ({ name: m, ys: all.map((f) => f.modules[i]!.active) })),
    "validators",
  );
  const shareChart = lineChart(
    "Target allocation share by module (%)",
    xs,
    modules.map((m, i) => ({ name: m, ys: all.map((f) => f.modules[i]!.targetShareBps / 100) })),
    "% of validators",
  );
  // One APY chart per class (frame-over-frame price growth, annualized): the classes' APYs differ
  // by orders of magnitude after a slash, so a shared axis would flatten the senior ones.
  const apyCharts = classes.map((c, i) =>
    lineChart(
      `Class ${c} APY (%, annualized per frame)`,
      r.frames.map((f) => f.frame),
      [{ name: c, ys: r.frames.map((f) => f.classes[i]!.apyPct) }],
      "APY %",
    ),
  );
  const s = r.summary;
  const rows = r.frames
    .map(
      (f) =>
        `<tr><td>${f.frame}</td><td>${f.day}</td>${f.classes.map((c) => `<td>${fixed(c.price, 6)}</td>`).join("")}${f.modules
          .map((m) => `<td>${m.active} · ${percent(m.reputationBps)}</td>`)
          .join("")}<td>${f.invariantA ? "✓" : "✗"}</td></tr>`,
    )
    .join("\n");
  const services = r.initial.services.map((x) => `${x.name} (tier ${x.tier})`);
  const svcRows = all
    .map(
      (f) =>
        `<tr><td>${f.frame}</td>${f.services
          .map(
            (x) =>
              `<td>${fixed(x.allocation, 2)}</td><td>${fixed(x.rewardsPaid, 2)}</td><td>${fixed(x.slashed, 4)} (${x.slashesExecuted} executed, ${x.slashesVetoed} vetoed)</td>`,
          )
          .join("")}${f.classes.map((c) => `<td>${fixed(c.serviceRewards, 4)}</td>`).join("")}</tr>`,
    )
    .join("\n");
  const events = r.frames
    .map(
      (f) =>
        `<h3>Frame ${f.frame} (day ${f.day})</h3><ul>${f.events.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cascade demo report</title>
<style>body{font-family:system-ui,sans-serif;max-width:1350px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #ddd;background:#fff}</style></head>
<body><h1>Cascade — demo run</h1>
<p>${r.frames.length} report frames, seed <code>${esc(opts.seed)}</code>, ${((opts.frameSeconds ?? 7 * DAY) / DAY).toFixed(1)} days of chain time per frame, wall time ${s.wallSeconds.toFixed(1)} s.</p>
<ul><li>Slashing covered by the operator's bond: <b>${fixed(s.bondCharged, 4)} ETH</b> charged.</li>
<li>Poor performer (curated): reputation ${percent(s.poorPerformer.repStart)} → ${percent(s.poorPerformer.repEnd)}, target share ${percent(s.poorPerformer.shareStartBps)} → ${percent(s.poorPerformer.shareEndBps)}.</li>
<li>Redemptions: ${s.redemptions.claimed}/${s.redemptions.requested} claimed, ${fixed(s.redemptions.paid, 4)} ETH paid.</li>
<li>Oracle members agreed on every report hash: ${s.membersAgreed ? "yes" : "no"}; Invariant A held every frame: ${r.frames.every((f) => f.invariantA) ? "yes" : "no"}.</li>
<li>Service slash: ${esc(serviceSlashText(s))}.</li>
<li>Vetoed slash: ${s.vetoedSlash ? `request #${s.vetoedSlash.slashId} ${esc(s.vetoedSlash.status)}, ${s.vetoedSlash.executed ? "executed" : "never executed"}` : "not reached"}.</li>
<li>Forced exits (EIP-7002): ${esc(forcedText(s))}.</li></ul>
<div class="charts">${priceChart}${navChart}${allocChart}${shareChart}${apyCharts.join("")}</div>
<h2>Frames</h2><table><tr><th>frame</th><th>day</th>${classes.map((c) => `<th>${esc(c)} price</th>`).join("")}${modules
    .map((m) => `<th>${esc(m)} validators · rep</th>`)
    .join("")}<th>Inv. A</th></tr>${rows}</table>
<h2>Services</h2><table><tr><th>frame</th>${services.map((n) => `<th>${esc(n)} allocation</th><th>rewards paid</th><th>slashed</th>`).join("")}${classes
    .map((c) => `<th>${esc(c)} service rewards</th>`)
    .join("")}</tr>${svcRows}</table>
<h2>Events</h2>${events}
</body></html>
`;
}
