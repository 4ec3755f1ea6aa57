/**
 * Benchmark (not a test): the synchronous native-handle zlib path vs the async stream path with a limiter,
 * 16 KiB JSON-like messages, 1 and 100 connections. Run: node build/test/extensions/permessage-deflate/zlib-paths.bench.js
 */
import { Buffer } from "node:buffer";
import { createPerMessageDeflate, ZlibLimiter, type NegotiatedCompression } from "../../../src/extensions/compression.js";
import { setZlibEngineMode } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { NO_TAKEOVER, TAKEOVER, jsonLike } from "./util.js";

const MESSAGES = 20_000;
const SIZE = 16 * 1024;
const docs = Array.from({ length: 64 }, (_, i) => jsonLike(SIZE, i + 1));

interface Result {
  msgsPerSec: number;
  mbPerSec: number;
  ratio: number;
}

/** Deflates MESSAGES messages spread over `conns` connections, each awaiting its own writes. */
async function deflateRun(conns: number, params: NegotiatedCompression): Promise<Result> {
  const limiter = new ZlibLimiter(10);
  const pairs = Array.from({ length: conns }, () => createPerMessageDeflate(params, undefined, true, limiter));
  let out = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    pairs.map(async ({ deflater }, c) => {
      for (let i = 0; i < MESSAGES / conns; i++) out += (await deflater.deflate(docs[(i + c) % docs.length]!, true)).byteLength;
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const p of pairs) p.deflater.dispose();
  return { msgsPerSec: MESSAGES / s, mbPerSec: (MESSAGES * SIZE) / s / 1e6, ratio: (MESSAGES * SIZE) / out };
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
  await Promise.all(inflaters.map(async (inf) => { for (const p of seq) await inf.inflate(p, true, 0); }));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const compressed = seq.reduce((n, b) => n + b.byteLength, 0);
  return { msgsPerSec: MESSAGES / s, mbPerSec: (MESSAGES * SIZE) / s / 1e6, ratio: (per * SIZE) / compressed };
}

/** Extra external memory per connection after one message each (zlib state plus buffers). */
async function memoryPerConn(params: NegotiatedCompression): Promise<number> {
  const n = 500;
  const before = process.memoryUsage().rss;
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const p = createPerMessageDeflate(params, undefined, true);
    const c = await p.deflater.deflate(docs[i % docs.length]!, true);
    await p.inflater.inflate(c, true, 0);
    pairs.push(p);
  }
  const per = (process.memoryUsage().rss - before) / n;
  for (const p of pairs) {
    p.deflater.dispose();
    p.inflater.dispose();
  }
  return per;
}

const fmt = (r: Result): string => `${Math.round(r.msgsPerSec).toString().padStart(7)} msg/s ${r.mbPerSec.toFixed(0).padStart(5)} MB/s  ratio ${r.ratio.toFixed(2)}`;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  for (const [pLabel, params] of [["takeover", TAKEOVER], ["no takeover", NO_TAKEOVER]] as const) {
    for (const conns of [1, 100]) {
      for (const mode of ["auto", "async"] as const) {
        setZlibEngineMode(mode);
        const best = { d: { msgsPerSec: 0 } as Result, i: { msgsPerSec: 0 } as Result };
        for (let r = 0; r < rounds; r++) {
          const d = await deflateRun(conns, params);
          const i = await inflateRun(conns, params);
          if (d.msgsPerSec > best.d.msgsPerSec) best.d = d;
          if (i.msgsPerSec > best.i.msgsPerSec) best.i = i;
        }
        const name = mode === "auto" ? "sync " : "async";
        console.log(`${pLabel.padEnd(11)} ${String(conns).padStart(3)} conns ${name} deflate ${fmt(best.d)} | inflate ${fmt(best.i)}`);
      }
    }
  }
  for (const mode of ["auto", "async"] as const) {
    setZlibEngineMode(mode);
    for (const [pLabel, params] of [["takeover", TAKEOVER], ["no takeover", NO_TAKEOVER]] as const) {
      const kib = (await memoryPerConn(params)) / 1024;
      console.log(`memory ${mode === "auto" ? "sync " : "async"} ${pLabel.padEnd(11)} ≈ ${kib.toFixed(0)} KiB RSS per connection`);
    }
  }
}

await main();
