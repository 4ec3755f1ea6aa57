/**
 * ZlibEngine: one raw deflate/inflate context run synchronously through Node's native zlib handle (the call
 * zlib.deflateRawSync makes), in bounded slices that yield to the event loop for large jobs; async fallback.
 */
import { Buffer } from "node:buffer";
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from "node:zlib";
import { CloseError } from "../../errors.js";
import { AsyncEngine } from "./async-engine.js";
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

/** The native handle behind a zlib stream (node lib/zlib.js `processChunkSync` drives it the same way). */
interface NativeHandle {
  writeSync(flush: number, i: Uint8Array, inOff: number, inLen: number, o: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}
type ZStream = (DeflateRaw | InflateRaw) & { _handle?: NativeHandle; _writeState?: Uint32Array };

/** Output bytes per native call; also the size of the shared scratch buffer. */
const OUT_SLICE = 64 * 1024;
/** Input bytes per native call, so one call never blocks for long. */
const IN_SLICE = 256 * 1024;
/** Input+output bytes a job processes between two yields to the event loop (≈1–2 ms of zlib). */
export const YIELD_AFTER = 1024 * 1024;

// Every native call writes here and its output is copied out at once, so results never pin a
// 64 KiB slab and one buffer serves every engine (JS is single-threaded; calls are synchronous).
let scratch: Buffer | undefined;

/** The error for a call on a closed engine (API.md §4.6 wording for operations after close()). */
export function closedError(): CloseError {
  return new CloseError(1006, "closed locally");
}

/** Builds the node zlib stream for `spec`. Throws node's RangeError/Error on failure. */
export function createStream(spec: EngineSpec, chunkSize: number): DeflateRaw | InflateRaw {
  if (spec.kind === "inflate") return createInflateRaw({ windowBits: spec.windowBits, chunkSize });
  return createDeflateRaw({ level: spec.level, memLevel: spec.memLevel, windowBits: spec.windowBits, strategy: spec.strategy, chunkSize });
}

/** A job in progress: where it is in its input and how much it produced. */
interface Job {
  input: Uint8Array;
  inOff: number;
  flush: number;
  maxOut: number;
  out: Buffer[];
  produced: number;
  ended: boolean;
  work: number;
}

/**
 * The synchronous engine, the default. Measured against node's async zlib streams behind a limiter
 * (16 KiB JSON-like messages, docs/compression.md): 1.2–2.8× less CPU per deflate, 3–6× less per inflate.
 */
class SyncEngine implements ZlibEngine {
  #stream: ZStream | null;
  readonly #handle: NativeHandle;
  readonly #state: Uint32Array;
  #error: Error | null = null;

  constructor(
    readonly spec: EngineSpec,
    stream: ZStream,
  ) {
    this.#stream = stream;
    this.#handle = stream._handle!;
    this.#state = stream._writeState!;
    // Node's own onerror destroys the stream and emits 'error' later; we only record the error.
    this.#handle.onerror = (message, errno, code) => {
      this.#error = Object.assign(new Error(message), { errno, code });
    };
  }

  run(input: Uint8Array, flush: number, maxOut: number, out: Buffer[], limiter: ZlibLimiter): RunResult | Promise<RunResult> {
    const job: Job = { input, inOff: 0, flush, maxOut, out, produced: 0, ended: false, work: 0 };
    while (!this.#step(job)) {
      if (job.work >= YIELD_AFTER) return this.#continue(job, limiter);
    }
    return { produced: job.produced, ended: job.ended };
  }

  /** Finishes a large job in slices, holding a limiter slot and yielding between slices. */
  async #continue(job: Job, limiter: ZlibLimiter): Promise<RunResult> {
    await limiter.acquire();
    try {
      for (;;) {
        job.work = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        let done: boolean;
        while (!(done = this.#step(job)) && job.work < YIELD_AFTER);
        if (done) return { produced: job.produced, ended: job.ended };
      }
    } finally {
      limiter.release();
    }
  }

  /** One native call. @returns true when the job is complete. */
  #step(job: Job): boolean {
    if (this.#stream === null) throw closedError();
    const room = Math.min(OUT_SLICE, job.maxOut - job.produced);
    if (room <= 0) return true;
    const inLeft = job.input.byteLength - job.inOff;
    const inLen = Math.min(inLeft, IN_SLICE);
    const flush = inLen < inLeft ? constants.Z_NO_FLUSH : job.flush;
    // Small outputs go through the shared scratch buffer and are copied out at their exact size;
    // once a job has filled a whole slice, later slices go straight into fresh buffers (no copy).
    const direct = job.produced >= OUT_SLICE;
    const out = direct ? Buffer.allocUnsafe(room) : (scratch ??= Buffer.allocUnsafeSlow(OUT_SLICE));
    this.#error = null;
    this.#handle.writeSync(flush, job.input, job.inOff, inLen, out, 0, room);
    if (this.#error !== null) {
      const err = this.#error;
      this.close();
      throw err;
    }
    const availOut = this.#state[0]!;
    const availIn = this.#state[1]!;
    const have = room - availOut;
    const used = inLen - availIn;
    if (have > 0) {
      let chunk = out;
      if (!direct || have < room >> 1) {
        chunk = Buffer.allocUnsafe(have);
        out.copy(chunk, 0, 0, have);
      } else if (have < room) {
        chunk = out.subarray(0, have);
      }
      job.out.push(chunk);
      job.produced += have;
    }
    job.inOff += used;
    job.work += have + used;
    if (availOut === 0) return false; // output slice full: zlib may hold more
    if (availIn > 0) {
      // Room left but input refused: the inflate stream ended (BFINAL, RFC 7692 §7.2.3.4).
      job.ended = true;
      return true;
    }
    return job.inOff >= job.input.byteLength;
  }

  get closed(): boolean {
    return this.#stream === null;
  }

  reset(): void {
    if (this.#stream === null) return;
    this.#error = null;
    this.#handle.reset();
    if (this.#error !== null) this.close();
  }

  close(): void {
    const s = this.#stream;
    if (s === null) return;
    this.#stream = null;
    s.close();
  }
}

let mode: "auto" | "async" = "auto";
let nativeOk: boolean | undefined;

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
  if (mode !== "async") {
    // chunkSize 64 (zlib's minimum): the stream's own output buffer is never used on this path.
    const stream = createStream(spec, 64) as ZStream;
    nativeOk ??= typeof stream._handle?.writeSync === "function" && stream._writeState instanceof Uint32Array;
    if (nativeOk) return new SyncEngine(spec, stream);
    stream.close();
  }
  return new AsyncEngine(spec, createStream(spec, OUT_SLICE));
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
  if (idle.length < POOL_MAX && engine instanceof SyncEngine && !engine.closed) idle.push(engine);
  else engine.close();
}
