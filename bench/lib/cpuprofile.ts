// Summarises a V8 .cpuprofile (written by `node --cpu-prof`): self time per function, per source
// file and per category (silverback src/, Node internals, GC, idle …), and inclusive time of
// silverback's functions, as percentages of the busy (non-idle) time. Used by bench/profile.ts.
import { readFileSync } from "node:fs";

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface Line { key: string; ms: number; pct: number }
export interface Summary {
  busyMs: number;
  idleMs: number;
  categories: Line[];
  selfTop: Line[];
  files: Line[];
  inclusiveSrc: Line[];
}

function shortUrl(url: string): string {
  if (!url) return "";
  const m = /\/build\/(src|bench)\/(.*)\.js$/.exec(url);
  if (m) return `${m[1]}/${m[2]}.ts`;
  const nm = /node_modules\/(.*)$/.exec(url);
  if (nm) return nm[1]!;
  return url.replace(/^file:\/\//, "");
}

function category(cf: CallFrame): string {
  const n = cf.functionName;
  if (n === "(idle)") return "(idle)";
  if (n === "(garbage collector)") return "GC";
  if (n === "(program)") return "(program: native, not attributed)";
  if (cf.url.includes("/build/src/")) return "silverback src/";
  if (cf.url.includes("/build/bench/")) return "bench code (echo loop)";
  if (cf.url.startsWith("node:")) return "Node internals (net, streams, timers)";
  if (cf.url.includes("node_modules")) return "node_modules";
  return "native / builtins (write, read, Buffer ops)";
}

export function summarize(file: string, top = 25): Summary {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const self = new Map<number, number>(); // node id → µs
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    // timeDeltas[i] is the time *before* sample i; attribute the next delta to this sample.
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, dt));
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let idle = 0;
  let busy = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  const cats = new Map<string, number>();
  const funcs = new Map<string, number>();
  const files = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    const cat = category(cf);
    if (cat === "(idle)") {
      idle += us;
      continue;
    }
    busy += us;
    add(cats, cat, us);
    const name = `${cf.functionName || "(anonymous)"} ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    add(funcs, name, us);
    add(files, shortUrl(cf.url) || cat, us);
    // inclusive: charge every distinct silverback function on the stack once
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes("/build/src/")) continue;
      const k = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      add(incl, k, us);
    }
  }
  const lines = (m: Map<string, number>, n: number): Line[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, us]) => ({ key, ms: us / 1000, pct: (100 * us) / busy }));
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    categories: lines(cats, 20),
    selfTop: lines(funcs, top),
    files: lines(files, 15),
    inclusiveSrc: lines(incl, 20),
  };
}

export function formatSummary(title: string, s: Summary): string {
  const out = [`== ${title}: busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms ` +
    `(${((100 * s.busyMs) / (s.busyMs + s.idleMs)).toFixed(0)}% busy)`];
  const sect = (h: string, ls: Line[]): void => {
    out.push(`-- ${h}`);
    for (const l of ls) out.push(`  ${l.pct.toFixed(1).padStart(5)}%  ${l.ms.toFixed(0).padStart(6)} ms  ${l.key}`);
  };
  sect("by category (self time, % of busy)", s.categories);
  sect("top functions (self time)", s.selfTop);
  sect("by file (self time)", s.files);
  sect("silverback functions, inclusive (self + callees)", s.inclusiveSrc);
  return out.join("\n");
}
