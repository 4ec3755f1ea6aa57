// Aggregates the runs into medians, spreads and ratios (to ws plain, to Bun, and to the raw TCP
// echo, or the Go client for E), checks issue 8's targets, prints the tables and builds the JSON record.
import type { Job, Kind, RowDef } from "./jobs.js";
import type { Sample } from "./runners.js";
import { fmtRatio, fmtValue, median, pad, spread } from "./stats.js";

export type Collected = Map<string, Map<Kind, Sample[]>>; // job id → kind → samples

export interface RowResult {
  id: string;
  label: string;
  unit: string;
  values: Partial<Record<Kind, { median: number; spreadPct: number; samples: number[] }>>;
  cpu: Partial<Record<Kind, { srvCpuPct: number; genCpuPct: number; cpuNsPerMsg: number }>>;
  extra: Partial<Record<Kind, Record<string, number>>>; // memory rows: heap/external KiB per conn
  ratioToWs: Partial<Record<Kind, number>>;
  ratioToBun: Partial<Record<Kind, number>>; // E rows: to Bun's client
  ratioToRaw: Partial<Record<Kind, number>>; // E rows: to the Go client
  /** CPU per message of ws plain / of the ceiling, divided by this kind's: > 1 = cheaper per message. */
  cpuEfficiencyToWs: Partial<Record<Kind, number>>;
  cpuEfficiencyToRaw: Partial<Record<Kind, number>>;
  target?: { text: string; ratio: number; met: boolean };
  modes: string[];
  errors: string[];
}

export function aggregate(jobs: Job[], got: Collected): RowResult[] {
  const out: RowResult[] = [];
  for (const job of jobs) {
    const byKind = got.get(job.id);
    if (!byKind) continue;
    for (const row of job.rows) out.push(rowResult(job, row, byKind));
  }
  return out;
}

function rowResult(job: Job, row: RowDef, byKind: Map<Kind, Sample[]>): RowResult {
  const r: RowResult = { id: row.id, label: row.label, unit: row.unit, values: {}, cpu: {}, extra: {}, ratioToWs: {},
    ratioToBun: {}, ratioToRaw: {}, cpuEfficiencyToWs: {}, cpuEfficiencyToRaw: {}, modes: [], errors: [] };
  for (const [kind, samples] of byKind) {
    const xs = samples.map((s) => s.values[row.id] ?? NaN);
    r.values[kind] = { median: median(xs), spreadPct: spread(xs), samples: xs };
    r.cpu[kind] = {
      srvCpuPct: median(samples.map((s) => s.srvCpu ?? NaN)),
      genCpuPct: median(samples.map((s) => s.genCpu ?? NaN)),
      cpuNsPerMsg: median(samples.map((s) => s.cpuNsPerMsg ?? NaN)),
    };
    const keys = new Set(samples.flatMap((s) => Object.keys(s.extra ?? {})));
    if (keys.size > 0) {
      const e: Record<string, number> = {};
      for (const k of keys) e[k] = median(samples.map((s) => s.extra?.[k] ?? NaN));
      r.extra[kind] = e;
    }
    for (const s of samples) {
      if (s.error) r.errors.push(`${kind}: ${s.error}`);
      if (s.mode && !r.modes.includes(`${kind}:${s.mode}`)) r.modes.push(`${kind}:${s.mode}`);
    }
  }
  const ceiling: Kind = job.type === "client" ? "go" : "raw";
  const ws = r.values.ws?.median ?? NaN;
  const bun = r.values.bun?.median ?? NaN;
  const raw = r.values[ceiling]?.median ?? NaN;
  const wsCpu = r.cpu.ws?.cpuNsPerMsg ?? NaN;
  const rawCpu = r.cpu[ceiling]?.cpuNsPerMsg ?? NaN;
  for (const k of Object.keys(r.values) as Kind[]) {
    const v = r.values[k]!.median;
    r.ratioToWs[k] = v / ws;
    r.ratioToBun[k] = v / bun;
    r.ratioToRaw[k] = v / raw;
    r.cpuEfficiencyToWs[k] = wsCpu / (r.cpu[k]?.cpuNsPerMsg ?? NaN);
    r.cpuEfficiencyToRaw[k] = rawCpu / (r.cpu[k]?.cpuNsPerMsg ?? NaN);
  }
  if (row.target) {
    const vs = row.target.vs;
    const ratio = (vs === "ws" ? r.ratioToWs : vs === "bun" ? r.ratioToBun : r.ratioToRaw).silverback ?? NaN;
    const met = row.target.op === ">=" ? ratio >= row.target.value : ratio <= row.target.value;
    r.target = { text: `${row.target.op} ${row.target.value}× ${vs === "raw" && job.type === "client" ? "go" : vs}`,
      ratio, met };
  }
  return r;
}

const COLS: Array<[Kind, string]> = [["silverback", "silverback"], ["ws", "ws plain"], ["ws-native", "ws+native"],
  ["bun", "bun"], ["raw", "raw/go"]];

function cell(r: RowResult, k: Kind): string {
  const v = r.values[k] ?? (k === "raw" ? r.values.go : undefined);
  if (!v) return k === "bun" ? "–" : ""; // run without Bun (or Bun failed)
  const sp = v.spreadPct >= 0.5 ? ` ±${v.spreadPct.toFixed(0)}%` : "";
  return fmtValue(v.median, r.unit) + sp;
}

export function printTable(rows: RowResult[]): string {
  const lines: string[] = [];
  const head = [pad("scenario", 46), ...COLS.map(([, h]) => pad(h, 13, true)), pad("sb/ws", 7, true),
    pad("sb/bun", 7, true), pad("sb/ceil", 8, true), "  target"];
  lines.push(head.join(" "));
  lines.push("-".repeat(head.join(" ").length + 14));
  for (const r of rows) {
    const ceilKind: Kind = r.values.go ? "go" : "raw";
    // "–": the comparison value is missing (e.g. no Bun), which is neither met nor missed
    const mark = !r.target ? "" : !Number.isFinite(r.target.ratio) ? "–" : r.target.met ? "✔" : "✘";
    const t = r.target ? `  ${r.target.text} ${mark}` : "";
    lines.push([pad(r.label, 46), ...COLS.map(([k]) => pad(cell(r, k), 13, true)),
      pad(fmtRatio(r.ratioToWs.silverback ?? NaN), 7, true), pad(fmtRatio(r.ratioToBun.silverback ?? NaN), 7, true),
      pad(fmtRatio(r.ratioToRaw.silverback ?? (r.values[ceilKind] ? NaN : NaN)), 8, true), t].join(" "));
  }
  lines.push("");
  lines.push("CPU: server % of one core, server CPU ns per message (E: client's); ws÷sb > 1 = silverback cheaper per message");
  for (const r of rows) {
    if (r.unit === "KiB/conn") continue;
    const parts = (["silverback", "ws", "ws-native", "bun", "raw", "go", "floor"] as Kind[]).filter((k) => r.cpu[k]).map((k) => {
      const c = r.cpu[k]!;
      const pct = r.values.go ? c.genCpuPct : c.srvCpuPct;
      const gen = r.values.go ? "" : ` (gen ${c.genCpuPct.toFixed(0)}%)`;
      const ns = Number.isFinite(c.cpuNsPerMsg) ? ` ${c.cpuNsPerMsg.toFixed(0)} ns` : "";
      return `${k} ${Number.isFinite(pct) ? pct.toFixed(0) : "–"}%${ns}${gen}`;
    });
    const eff = Number.isFinite(r.cpuEfficiencyToWs.silverback ?? NaN)
      ? `  → CPU/msg ws÷sb ${fmtRatio(r.cpuEfficiencyToWs.silverback!)}, ` +
        `${r.values.go ? "go" : "raw"}÷sb ${fmtRatio(r.cpuEfficiencyToRaw.silverback ?? NaN)}`
      : "";
    lines.push(`  ${pad(r.id, 6)} ${parts.join(" | ")}${eff}`);
  }
  const b32 = rows.find((r) => r.id === "B32")?.values.raw?.median;
  const g = rows.find((r) => r.id === "G");
  const rawCpu = rows.filter((r) => r.cpu.raw && r.unit !== "KiB/conn").map((r) => `${r.id} srv ${r.cpu.raw!.srvCpuPct
    .toFixed(0)}%/gen ${r.cpu.raw!.genCpuPct.toFixed(0)}%`);
  const best = Math.max(...rows.filter((r) => r.unit === "msgs/s" && r.id !== "G")
    .flatMap((r) => (["silverback", "ws", "ws-native", "bun"] as Kind[]).map((k) => r.values[k]?.median ?? 0)));
  if (g?.values.raw) {
    const cap = g.values.raw.median;
    lines.push("", `Generator check: the Go generator pushes ${fmtValue(cap, "msgs/s")} msgs/s of 32 B frames through ` +
      `the raw echo (512 in flight, gen ${g.cpu.raw!.genCpuPct.toFixed(0)}% of a core), ${(cap / best).toFixed(1)}× the ` +
      `best server figure above${b32 !== undefined ? ` and ${(cap / b32).toFixed(1)}× the raw echo at 64 in flight` : ""}.`);
  }
  if (rawCpu.length) lines.push(`Raw echo runs, CPU of one core: ${rawCpu.join(", ")}`);
  const dhs = rows.find((r) => r.id === "Dhs");
  const floor = dhs?.values.floor?.median;
  const wsHs = dhs?.values.ws?.median;
  if (floor !== undefined && wsHs !== undefined) {
    lines.push(`Handshake floor on node:http (checks, accept key, one 101 write, nothing else): ${fmtValue(floor, "hs/s")} ` +
      `hs/s = ${fmtRatio(floor / wsHs)} ws; silverback = ${fmtRatio((dhs!.values.silverback?.median ?? NaN) / floor)} of the floor.`);
  }
  const mem = rows.filter((r) => r.unit === "KiB/conn" && Object.keys(r.extra).length > 0 && !r.id.endsWith("1"));
  if (mem.length) lines.push("", "Memory detail (JS heap used / external, KiB per conn: idle → after one message)");
  for (const r of mem) {
    const parts = Object.entries(r.extra).map(([k, e]) => `${k} ${e.heapKiBIdle?.toFixed(1)}/${e.externalKiBIdle?.toFixed(1)}` +
      ` → ${e.heapKiBAfterMsg?.toFixed(1)}/${e.externalKiBAfterMsg?.toFixed(1)}`);
    lines.push(`  ${pad(r.id, 6)} ${parts.join(" | ")}`);
  }
  const errs = rows.flatMap((r) => r.errors.map((e) => `${r.id} ${e}`));
  if (errs.length) {
    lines.push("", "Errors:");
    for (const e of [...new Set(errs)].slice(0, 30)) lines.push(`  ${e.slice(0, 300)}`);
  }
  return lines.join("\n");
}
