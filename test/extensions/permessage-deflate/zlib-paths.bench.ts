/**
 * Benchmark (not a test): the synchronous native-handle zlib path vs the async stream path with a limiter,
 * 16 KiB JSON-like messages, 1 and 100 connections. Run: node build/test/extensions/permessage-deflate/zlib-paths.bench.js [rounds]
 * `… settings` for ratio/speed per setting, `… memory deflater|inflater <memLevel> <windowBits> [async]` for memory.
 */
import { Buffer } from "node:buffer";
import { createPerMessageDeflate, ZlibLimiter, type CompressionOptions, type NegotiatedCompression } from "../../../src/extensions/compression.js";
import { setZlibEngineMode } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { NO_TAKEOVER, TAKEOVER, jsonLike } from "./util.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MESSAGES = 20_000;
const SIZE = 16 * 1024;
const docs = Array.from({ length: 64 }, (_, i) => jsonLike(SIZE, i + 1));

interface Result {
  msgsPerSec: number;
  ratio: number;
  /** CPU time (all threads, user+sys) per message: robust to other load on the machine. */
  cpuMicros: number;
}

/** CPU µs (process-wide, so threadpool work counts) since `start`. */
const cpuSince = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return u.user + u.system;
};

/** Deflates MESSAGES messages spread over `conns` connections, each awaiting its own writes. */
async function deflateRun(conns: number, params: NegotiatedCompression): Promise<Result> {
  const limiter = new ZlibLimiter(10);
  const pairs = Array.from({ length: conns }, () => createPerMessageDeflate(params, undefined, true, limiter));
  let out = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await Promise.all(
    pairs.map(async ({ deflater }, c) => {
      for (let i = 0; i < MESSAGES / conns; i++) {
        const n = (await deflater.deflate(docs[(i + c) % docs.length]!, true)).byteLength;
        out += n; // not `out += await …`: that reads `out` before the await and loses updates
      }
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMicros = cpuSince(c0) / MESSAGES;
  for (const p of pairs) p.deflater.dispose();
  return { msgsPerSec: MESSAGES / s, ratio: (MESSAGES * SIZE) / out, cpuMicros };
}

/** Inflates, per connection, the stream one deflater produced for it. */
async function inflateRun(conns: number, params: NegotiatedCompression): Promise<Result> {
  const limiter = new ZlibLimiter(10);
  const per = MESSAGES / conns;
  // One compressed sequence (valid with context takeover), replayed by every connection.
  const { deflater } = createPerMessageDeflate(params, undefined, true, limiter);
  const seq: Buffer[] = [];
  for (let i = 0; i < per; i++) seq.push(await deflater.deflate(docs[i % docs.length]!, true));
  const inflaters = Array.from({ length: conns }, () => createPerMessageDeflate(params, undefined, false, limiter).inflater);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await Promise.all(inflaters.map(async (inf) => { for (const p of seq) await inf.inflate(p, true, 0); }));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMicros = cpuSince(c0) / MESSAGES;
  const compressed = seq.reduce((n, b) => n + b.byteLength, 0);
  return { msgsPerSec: MESSAGES / s, ratio: (per * SIZE) / compressed, cpuMicros };
}

/**
 * RSS per context after one message each (zlib's native state is not in V8's "external"): `n`
 * deflaters or inflaters with context takeover, so each keeps its state.
 */
async function memoryPerContext(kind: "deflater" | "inflater", options: CompressionOptions): Promise<number> {
  const n = 1000;
  const bits = options.windowBits ?? 15;
  const params = { ...TAKEOVER, serverMaxWindowBits: bits, clientMaxWindowBits: bits };
  const sample = await createPerMessageDeflate(params, options, true).deflater.deflate(docs[0]!, true);
  gc();
  const before = process.memoryUsage().rss;
  const keep: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const p = createPerMessageDeflate(params, options, kind === "deflater");
    if (kind === "deflater") await p.deflater.deflate(docs[i % docs.length]!, true);
    else await p.inflater.inflate(sample, true, 0);
    keep.push(p);
  }
  gc();
  return (process.memoryUsage().rss - before) / n;
}

/** Ratio and CPU cost of one connection (sync path) for each compression setting, best of 3. */
async function settingsTable(): Promise<void> {
  const rows: Array<[string, CompressionOptions, NegotiatedCompression]> = [
    ["level 1, memLevel 5, window 15 (default)", {}, TAKEOVER],
    ["level 1, memLevel 8, window 15 (ws)", { memLevel: 8 }, TAKEOVER],
    ["level 1, memLevel 1, window 15", { memLevel: 1 }, TAKEOVER],
    ["level 6, memLevel 8, window 15", { level: 6, memLevel: 8 }, TAKEOVER],
    ["level 9, memLevel 9, window 15", { level: 9, memLevel: 9 }, TAKEOVER],
    ["level -2 (Huffman only)", { level: -2 }, TAKEOVER],
    ["level 1, window 12", { windowBits: 12 }, TAKEOVER],
    ["level 1, window 10", { windowBits: 10 }, TAKEOVER],
    ["level 1, no context takeover", {}, NO_TAKEOVER],
  ];
  for (const [label, o, params] of rows) {
    let best = 0;
    let ratio = 0;
    for (let r = 0; r < 3; r++) {
      const { deflater } = createPerMessageDeflate(params, o, true);
      let out = 0;
      const c0 = process.cpuUsage();
      for (let i = 0; i < 2000; i++) out += (await deflater.deflate(docs[i % docs.length]!, true)).byteLength;
      const mbs = (2000 * SIZE) / cpuSince(c0); // bytes per CPU µs = MB per CPU second
      best = Math.max(best, mbs);
      ratio = (2000 * SIZE) / out;
      deflater.dispose();
    }
    console.log(`${label.padEnd(42)} ratio ${ratio.toFixed(2).padStart(6)}  ${best.toFixed(0).padStart(4)} MB per CPU-second`);
  }
}

const fmt = (r: Result): string =>
  `${Math.round(r.msgsPerSec).toString().padStart(6)} msg/s ${((r.msgsPerSec * SIZE) / 1e6).toFixed(0).padStart(4)} MB/s ${r.cpuMicros.toFixed(0).padStart(4)} cpu-µs/msg`;

async function main(): Promise<void> {
  if (process.argv[2] === "memory") {
    // One measurement per fresh process (freed zlib memory is reused by later allocations):
    // memory <deflater|inflater> <memLevel> <windowBits> [async]
    const [, , , kind, memLevel, windowBits, engine] = process.argv;
    if (engine === "async") setZlibEngineMode("async");
    const o = { memLevel: Number(memLevel ?? 5), windowBits: Number(windowBits ?? 15) };
    const kib = (await memoryPerContext(kind === "inflater" ? "inflater" : "deflater", o)) / 1024;
    console.log(`${kind} memLevel ${o.memLevel} windowBits ${o.windowBits} ${engine ?? "sync"}: ≈ ${kib.toFixed(1)} KiB RSS`);
    return;
  }
  if (process.argv[2] === "settings") {
    await settingsTable();
    return;
  }
  const rounds = Number(process.argv[2] ?? 3);
  for (const [pLabel, params] of [["takeover", TAKEOVER], ["no takeover", NO_TAKEOVER]] as const) {
    for (const conns of [1, 100]) {
      for (const mode of ["auto", "async"] as const) {
        setZlibEngineMode(mode);
        const best = { d: { msgsPerSec: 0, cpuMicros: Infinity } as Result, i: { msgsPerSec: 0, cpuMicros: Infinity } as Result };
        for (let r = 0; r < rounds; r++) {
          const d = await deflateRun(conns, params);
          const i = await inflateRun(conns, params);
          best.d = { ...d, msgsPerSec: Math.max(d.msgsPerSec, best.d.msgsPerSec), cpuMicros: Math.min(d.cpuMicros, best.d.cpuMicros) };
          best.i = { ...i, msgsPerSec: Math.max(i.msgsPerSec, best.i.msgsPerSec), cpuMicros: Math.min(i.cpuMicros, best.i.cpuMicros) };
        }
        const name = mode === "auto" ? "sync " : "async";
        console.log(`${pLabel.padEnd(11)} ${String(conns).padStart(3)} conns ${name} deflate ${fmt(best.d)} ratio ${best.d.ratio.toFixed(2)} | inflate ${fmt(best.i)}`);
      }
    }
  }
}

await main();
