/**
 * AsyncEngine: the fallback ZlibEngine over node's public zlib stream API (threadpool jobs, one limiter
 * slot each), used only when the native synchronous handle is unavailable. Same contract as NativeEngine.
 */
import type { Buffer } from "node:buffer";
import type { DeflateRaw, InflateRaw } from "node:zlib";
import { CloseError } from "../../errors.js";
import type { ZlibLimiter } from "./limiter.js";
import type { EngineSpec, RunResult, ZlibEngine } from "./zlib-engine.js";

interface Pending {
  out: Buffer[];
  maxOut: number;
  produced: number;
  ended: boolean;
  settled: boolean;
  resolve(r: RunResult): void;
  reject(e: unknown): void;
}

/** A zlib stream driven by write + flush(flushFlag), one job at a time. */
export class AsyncEngine implements ZlibEngine {
  #stream: DeflateRaw | InflateRaw | null;
  #job: Pending | null = null;
  #error: Error | null = null;

  constructor(
    readonly spec: EngineSpec,
    stream: DeflateRaw | InflateRaw,
  ) {
    this.#stream = stream;
    stream.on("data", (chunk: Buffer) => this.#onData(chunk));
    // The inflate stream pushes EOF when zlib reports the end of the deflate stream (BFINAL).
    stream.on("end", () => {
      if (this.#job !== null) this.#job.ended = true;
    });
    stream.on("error", (err: Error) => {
      this.#error ??= err;
      this.#stream = null; // destroyed by node: unusable from now on
      this.#settle(err);
    });
  }

  async run(input: Uint8Array, flush: number, maxOut: number, out: Buffer[], limiter: ZlibLimiter): Promise<RunResult> {
    await limiter.acquire();
    try {
      const stream = this.#stream;
      if (stream === null) throw this.#error ?? new CloseError(1006, "closed locally");
      return await new Promise<RunResult>((resolve, reject) => {
        this.#job = { out, maxOut, produced: 0, ended: false, settled: false, resolve, reject };
        if (maxOut <= 0) return this.#settle();
        if (input.byteLength > 0) stream.write(input);
        stream.flush(flush, () => {
          // A destroyed stream calls back before its 'error' event: give that event a turn to win.
          if (this.#stream === null) setImmediate(() => this.#settle(this.#error ?? new CloseError(1006, "closed locally")));
          else this.#settle();
        });
      });
    } finally {
      this.#job = null;
      limiter.release();
    }
  }

  #onData(chunk: Buffer): void {
    const job = this.#job;
    if (job === null || job.settled) return;
    const room = job.maxOut - job.produced;
    if (chunk.byteLength >= room) {
      // At the caller's limit: keep what fits and stop zlib now (nothing more is allocated).
      if (room > 0) job.out.push(chunk.subarray(0, room));
      job.produced += room;
      this.close();
      this.#settle();
      return;
    }
    job.out.push(chunk);
    job.produced += chunk.byteLength;
  }

  #settle(err?: unknown): void {
    const job = this.#job;
    if (job === null || job.settled) return;
    job.settled = true;
    if (err !== undefined) job.reject(err);
    else job.resolve({ produced: job.produced, ended: job.ended });
  }

  get closed(): boolean {
    return this.#stream === null;
  }

  reset(): void {
    this.#stream?.reset();
  }

  close(): void {
    const s = this.#stream;
    if (s === null) return;
    this.#stream = null;
    s.close();
  }
}
