/**
 * ZlibEngine: the contract of one raw deflate/inflate context, its factory (the native engine, or
 * node's zlib streams where the native handle is not reachable) and the pool of reset contexts.
 */
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from "node:zlib";
import { AsyncEngine } from "./async-engine.js";
import { NativeEngine } from "./native-engine.js";
import { findNative } from "./native-zlib.js";
import type { ZlibLimiter } from "./limiter.js";

/** What to build: raw deflate (with level/memLevel/strategy) or raw inflate, and the window. */
export interface EngineSpec {
  kind: "deflate" | "inflate";
  windowBits: number;
  level: number;
  memLevel: number;
  strategy: number;
}

/** The outcome of {@link ZlibEngine.run}. */
export interface RunResult {
  /** Bytes appended to `out` (≤ maxOut). */
  produced: number;
  /** Inflate only: the deflate stream ended (a BFINAL block) and zlib refused the rest of the input. */
  ended: boolean;
}

/** One zlib context. Calls must not overlap: await each `run` before the next. */
export interface ZlibEngine {
  readonly spec: EngineSpec;
  /**
   * Feeds `input` with `flush`, appending fresh output Buffers to `out`; stops once `maxOut` bytes
   * were produced, so a caller never allocates past its limit. Settles synchronously when the job is
   * small; large jobs return a Promise and hold a `limiter` slot while they yield between slices.
   * Throws/rejects with zlib's error (the engine is closed then), or CloseError 1006 after close().
   */
  run(input: Uint8Array, flush: number, maxOut: number, out: Buffer[], limiter: ZlibLimiter): RunResult | Promise<RunResult>;
  /** Drops the history (deflateReset/inflateReset). */
  reset(): void;
  /** Frees zlib's memory now. Idempotent. */
  close(): void;
  /** True once closed (by close() or after a zlib error). */
  readonly closed: boolean;
}

/** Output bytes per call of the stream fallback. */
const OUT_SLICE = 64 * 1024;

/** Builds the node zlib stream for `spec` (the fallback engine). Throws node's RangeError/Error on failure. */
export function createStream(spec: EngineSpec, chunkSize: number): DeflateRaw | InflateRaw {
  if (spec.kind === "inflate") return createInflateRaw({ windowBits: spec.windowBits, chunkSize });
  return createDeflateRaw({ level: spec.level, memLevel: spec.memLevel, windowBits: spec.windowBits, strategy: spec.strategy, chunkSize });
}

let mode: "auto" | "async" = "auto";

/**
 * Test hook: "async" forces the fallback engine; "auto" (default) uses the native synchronous path
 * when this Node exposes it. Not part of the public API.
 */
export function setZlibEngineMode(m: "auto" | "async"): void {
  mode = m;
}

/** The zlib options for a spec: level -2 is Huffman-only (gorilla `HuffmanOnly`). */
export function engineSpec(kind: "deflate" | "inflate", windowBits: number, level = 1, memLevel = 8): EngineSpec {
  const huffman = level === -2;
  return {
    kind,
    windowBits,
    level: huffman ? 1 : level,
    memLevel,
    strategy: huffman ? constants.Z_HUFFMAN_ONLY : constants.Z_DEFAULT_STRATEGY,
  };
}

/** Creates an engine for `spec`. Throws node's error when zlib cannot be initialised. */
export function createEngine(spec: EngineSpec): ZlibEngine {
  const native = mode === "async" ? null : findNative();
  return native !== null ? new NativeEngine(spec, native) : new AsyncEngine(spec, createStream(spec, OUT_SLICE));
}

// A few idle engines per spec for directions without context takeover: every message starts from a
// reset context, so connections can share them and hold no zlib state between messages (API.md §5).
// A reset instead of a new context per message saves 4–6 µs per message (measured, docs/compression.md).
const POOL_MAX = 4;
const pool = new Map<string, ZlibEngine[]>();
const keyOf = (s: EngineSpec): string => `${s.kind}:${s.windowBits}:${s.level}:${s.memLevel}:${s.strategy}`;

/** An engine for one message: a pooled, reset one if available, else a new one. */
export function borrowEngine(spec: EngineSpec): ZlibEngine {
  return (mode === "auto" ? pool.get(keyOf(spec))?.pop() : undefined) ?? createEngine(spec);
}

/** Gives back a borrowed engine at the end of a message: reset and pooled, or closed. */
export function returnEngine(engine: ZlibEngine): void {
  engine.reset();
  const key = keyOf(engine.spec);
  let idle = pool.get(key);
  if (idle === undefined) pool.set(key, (idle = []));
  if (idle.length < POOL_MAX && engine instanceof NativeEngine && !engine.closed) idle.push(engine);
  else engine.close();
}
