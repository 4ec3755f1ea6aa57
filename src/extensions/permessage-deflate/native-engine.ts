/**
 * NativeEngine: one raw deflate/inflate context on Node's native zlib handle (the object behind
 * every zlib stream), without the stream around it. Small jobs run synchronously (`writeSync`, the
 * call zlib.deflateRawSync makes); large ones run on libuv's threadpool (`write`, the call the zlib
 * streams make), so big messages compress in parallel with the event loop instead of blocking it.
 */
import { Buffer } from "node:buffer";
import { constants } from "node:zlib";
import { CloseError } from "../../errors.js";
import type { ZlibLimiter } from "./limiter.js";
import type { NativeCtor, NativeZlib } from "./native-zlib.js";
import type { EngineSpec, RunResult, ZlibEngine } from "./zlib-engine.js";

/** Output bytes per native call; also the size of the shared scratch buffer. */
const OUT_SLICE = 64 * 1024;
/** Input bytes per native call, so one synchronous call never blocks for long. */
const IN_SLICE = 256 * 1024;
/** Input+output bytes a synchronous job processes between two yields to the event loop. */
export const YIELD_AFTER = 1024 * 1024;
/**
 * Work (deflate: input bytes; inflate: input bytes × 4, its usual expansion) from which a job runs
 * on the threadpool. A threadpool round trip cost 50–70 µs of CPU per message on the 2-core
 * benchmark machine (F, 16 KiB JSON: offloading at 4–16 KiB raised CPU per message from 133 µs to
 * 180–205 µs and left msgs/s unchanged), so only jobs that would hold the event loop for a
 * millisecond or more go there; smaller ones stay synchronous.
 */
let offloadMin = 256 * 1024;

/** Test and benchmark hook: the offload threshold in bytes of work (Infinity: never). */
export function setZlibOffloadMin(n: number): void {
  offloadMin = n;
}

// Every synchronous call writes here and its output is copied out at once, so results never pin a
// 64 KiB slab and one buffer serves every engine (JS is single-threaded; these calls are
// synchronous). Threadpool calls get their own output buffer.
let scratch: Buffer | undefined;

/** The error for a call on a closed engine (API.md §4.6 wording for operations after close()). */
export function closedError(): CloseError {
  return new CloseError(1006, "closed locally");
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

/** A native call on the threadpool, waiting for its callback. */
interface InFlight {
  job: Job;
  buf: Buffer;
  room: number;
  inLen: number;
  resolve(done: boolean): void;
  reject(err: unknown): void;
}

/**
 * The default engine. Measured against node's zlib streams behind a limiter (16 KiB JSON-like
 * messages, docs/compression.md): 1.2–2.8× less CPU per deflate, 3–6× less per inflate.
 */
export class NativeEngine implements ZlibEngine {
  #h: NativeZlib | null;
  readonly #state = new Uint32Array(2);
  #error: Error | null = null;
  #busy = false;
  #inFlight: InFlight | null = null;

  constructor(
    readonly spec: EngineSpec,
    native: NativeCtor,
  ) {
    const h = new native(spec.kind === "inflate" ? constants.INFLATERAW : constants.DEFLATERAW);
    // Set before init: node reports init and write failures through onerror. On the threadpool
    // path it is called instead of the write callback.
    h.onerror = (message, errno, code) => {
      const err = Object.assign(new Error(message), { errno, code });
      const f = this.#inFlight;
      if (f === null) this.#error = err;
      else {
        this.#inFlight = null;
        this.close();
        f.reject(err);
      }
    };
    // zlib ≥ 1.2.9 refuses a raw deflate window of 8; node's zlib.js asks for 9 instead, and so do
    // we. Its matches still reach back at most 512 − 262 = 250 bytes (zlib's MAX_DIST), so a peer
    // inflating with a 256-byte window reads them (test/extensions/permessage-deflate/window-bits).
    const windowBits = spec.kind === "deflate" && spec.windowBits === 8 ? 9 : spec.windowBits;
    h.init(windowBits, spec.level, spec.memLevel, spec.strategy, this.#state, () => this.#written(), undefined);
    this.#h = h;
    if (this.#error !== null) {
      // zlib refused the parameters (node reports it through onerror, synchronously).
      const err = this.#error;
      this.close();
      throw err;
    }
  }

  run(input: Uint8Array, flush: number, maxOut: number, out: Buffer[], limiter: ZlibLimiter): RunResult | Promise<RunResult> {
    // Overlapping calls would make node abort (a CHECK on write_in_progress_): refuse them here.
    if (this.#h === null) throw closedError();
    if (this.#busy) throw new Error("websocket: zlib engine used concurrently");
    const job: Job = { input, inOff: 0, flush, maxOut, out, produced: 0, ended: false, work: 0 };
    const work = this.spec.kind === "deflate" ? input.byteLength : input.byteLength * 4;
    if (work >= offloadMin) return this.#offload(job, limiter);
    while (!this.#step(job)) {
      if (job.work >= YIELD_AFTER) return this.#continue(job, limiter);
    }
    return { produced: job.produced, ended: job.ended };
  }

  /** Runs a large job on the threadpool, one native call at a time, holding a limiter slot. */
  async #offload(job: Job, limiter: ZlibLimiter): Promise<RunResult> {
    this.#busy = true;
    try {
      await limiter.acquire();
      try {
        while (!(await this.#stepAsync(job)));
        return { produced: job.produced, ended: job.ended };
      } finally {
        limiter.release();
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Finishes a large synchronous job in slices, yielding between slices. */
  async #continue(job: Job, limiter: ZlibLimiter): Promise<RunResult> {
    this.#busy = true;
    try {
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
    } finally {
      this.#busy = false;
    }
  }

  /** One synchronous native call. @returns true when the job is complete. */
  #step(job: Job): boolean {
    const h = this.#h;
    if (h === null) throw closedError();
    const room = Math.min(OUT_SLICE, job.maxOut - job.produced);
    if (room <= 0) return true;
    const inLen = Math.min(job.input.byteLength - job.inOff, IN_SLICE);
    // Small outputs go through the shared scratch buffer and are copied out at their exact size;
    // once a job has filled a whole slice, later slices go straight into fresh buffers (no copy).
    const direct = job.produced >= OUT_SLICE;
    const buf = direct ? Buffer.allocUnsafe(room) : (scratch ??= Buffer.allocUnsafeSlow(OUT_SLICE));
    this.#error = null;
    h.writeSync(this.#flushFor(job, inLen), job.input, job.inOff, inLen, buf, 0, room);
    if (this.#error !== null) {
      const err = this.#error;
      this.close();
      throw err;
    }
    return this.#account(job, buf, room, inLen, !direct);
  }

  /** One native call on the threadpool. Resolves true when the job is complete. */
  #stepAsync(job: Job): Promise<boolean> {
    const h = this.#h;
    if (h === null) return Promise.reject(closedError());
    const inLen = Math.min(job.input.byteLength - job.inOff, IN_SLICE);
    // Deflate output with a sync flush is at most the input plus a few bytes per block: size the
    // buffer for that, so one call usually finishes the job. Inflate gets a whole slice.
    const bound = this.spec.kind === "deflate" ? inLen + (inLen >> 8) + 64 : OUT_SLICE;
    const room = Math.min(OUT_SLICE, bound, job.maxOut - job.produced);
    if (room <= 0) return Promise.resolve(true);
    const buf = Buffer.allocUnsafe(room);
    return new Promise<boolean>((resolve, reject) => {
      this.#inFlight = { job, buf, room, inLen, resolve, reject };
      h.write(this.#flushFor(job, inLen), job.input, job.inOff, inLen, buf, 0, room);
    });
  }

  /** The threadpool call finished (node calls this after updating the state array). */
  #written(): void {
    const f = this.#inFlight;
    if (f === null) return;
    this.#inFlight = null;
    if (this.#h === null) f.reject(closedError());
    else f.resolve(this.#account(f.job, f.buf, f.room, f.inLen, false));
  }

  #flushFor(job: Job, inLen: number): number {
    return inLen < job.input.byteLength - job.inOff ? constants.Z_NO_FLUSH : job.flush;
  }

  /**
   * Books one call's result from the state array node filled (avail out, avail in). `copy`: copy
   * the output out at its exact size instead of keeping a view of `buf`.
   * @returns true when the job is complete
   */
  #account(job: Job, buf: Buffer, room: number, inLen: number, copy: boolean): boolean {
    const availOut = this.#state[0]!;
    const availIn = this.#state[1]!;
    const have = room - availOut;
    if (have > 0) {
      let chunk = buf;
      if (copy || have < room >> 1) {
        chunk = Buffer.allocUnsafe(have);
        buf.copy(chunk, 0, 0, have);
      } else if (have < buf.length) {
        chunk = buf.subarray(0, have);
      }
      job.out.push(chunk);
      job.produced += have;
    }
    const used = inLen - availIn;
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
    return this.#h === null;
  }

  reset(): void {
    const h = this.#h;
    if (h === null) return;
    if (this.#busy) return this.close(); // never expected: the callers await each run
    this.#error = null;
    h.reset();
    if (this.#error !== null) this.close();
  }

  /** Frees zlib's memory; during a threadpool call, node frees it when the call returns. */
  close(): void {
    const h = this.#h;
    if (h === null) return;
    this.#h = null;
    h.close();
  }
}
