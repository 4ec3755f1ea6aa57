// Reads two V8 heap snapshots (.heapsnapshot JSON) and reports what grew between them, grouped by
// node type and constructor/name — used to see which objects an idle connection keeps alive.
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export type Tally = Map<string, { count: number; bytes: number }>;

export function tally(file: string): Tally {
  const s = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf("type");
  const iName = f.indexOf("name");
  const iSize = f.indexOf("self_size");
  const out: Tally = new Map();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!] ?? "?";
    let name = s.strings[s.nodes[i + iName]!] ?? "?";
    if (type === "string" || type === "concatenated string" || type === "sliced string") name = "(strings)";
    else if (type === "code") name = "(code)";
    else if (name.length > 60) name = name.slice(0, 57) + "...";
    const key = `${type}: ${name}`;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += s.nodes[i + iSize]!;
    out.set(key, t);
  }
  return out;
}

/** Lines of (after − before) / perN, biggest byte growth first. */
export function diff(before: Tally, after: Tally, perN: number, top = 30): string[] {
  const rows: Array<[string, number, number]> = [];
  let total = 0;
  for (const [k, a] of after) {
    const b = before.get(k) ?? { count: 0, bytes: 0 };
    const dBytes = (a.bytes - b.bytes) / perN;
    const dCount = (a.count - b.count) / perN;
    total += dBytes;
    if (Math.abs(dBytes) >= 8 || Math.abs(dCount) >= 0.5) rows.push([k, dCount, dBytes]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  return [
    `JS heap growth per connection: ${(total / 1024).toFixed(2)} KiB (self sizes; off-heap buffers not included)`,
    ...rows.slice(0, top).map(([k, c, b]) => `  ${b.toFixed(0).padStart(6)} B  ${c.toFixed(2).padStart(6)} objs  ${k}`),
  ];
}
