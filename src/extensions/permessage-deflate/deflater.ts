/**
 * The permessage-deflate compressor of one connection: Z_SYNC_FLUSH per chunk, the 00 00 ff ff tail
 * stripped at the end of each message (RFC 7692 §7.2.1). Keeps no caller bytes once a call settles.
 */
import { Buffer } from "node:buffer";
import { constants } from "node:zlib";
import { CloseError, ProtocolError } from "../../errors.js";
import type { MessageDeflater } from "../compression.js";
import type { ZlibLimiter } from "./limiter.js";
import { validateCompressionLevel } from "./options.js";
import { Serial } from "./serial.js";
import { borrowEngine, createEngine, engineSpec, returnEngine, type ZlibEngine } from "./zlib-engine.js";

/** How a deflater compresses. */
export interface DeflaterConfig {
  level: number;
  memLevel: number;
  /** Our window: min(options.windowBits, the negotiated limit for our direction). */
  windowBits: number;
  /** Our direction has no context takeover: every message starts from an empty window. */
  noContextTakeover: boolean;
  limiter: ZlibLimiter;
}

/** RFC 7692 §7.2.1: the empty stored block a sync flush ends with, removed from each message. */
export function stripTail(data: Buffer): Buffer {
  const n = data.byteLength;
  if (n >= 4 && data[n - 4] === 0 && data[n - 3] === 0 && data[n - 2] === 0xff && data[n - 1] === 0xff) {
    data = data.subarray(0, n - 4);
  }
  // §7.2.3.6: an empty compressed payload would leave the peer's inflater inside a stored block after
  // it appends 00 00 ff ff; the single byte 0x00 (BFINAL 0, BTYPE 00, padding) completes one instead.
  return data.byteLength === 0 ? Buffer.from([0]) : data;
}

/** Wraps a zlib failure (never expected: deflate has no bad input) as an internal error, close 1011. */
function compressionFailed(err: unknown): unknown {
  if (err instanceof CloseError) return err;
  return new ProtocolError("websocket: compression failed", 1011, { cause: err });
}

/** {@link MessageDeflater} over a {@link ZlibEngine}, created lazily on the first message. */
export class PerMessageDeflater implements MessageDeflater {
  readonly #config: DeflaterConfig;
  readonly #serial = new Serial();
  #engine: ZlibEngine | null = null;
  #level: number;
  #nextLevel: number;
  #resetPending = false;
  #inMessage = false;
  #disposed = false;

  constructor(config: DeflaterConfig) {
    this.#config = config;
    this.#level = this.#nextLevel = config.level;
  }

  async deflate(data: Uint8Array, fin: boolean): Promise<Buffer> {
    if (!(data instanceof Uint8Array)) throw new TypeError("websocket: deflate data must be a Uint8Array");
    const wait = this.#serial.enter(); // calls never overlap on one context
    if (wait !== undefined) await wait;
    try {
      return await this.#deflate(data, fin);
    } finally {
      this.#serial.exit();
    }
  }

  async #deflate(data: Uint8Array, fin: boolean): Promise<Buffer> {
    if (this.#disposed) throw new CloseError(1006, "closed locally");
    const engine = this.#startChunk();
    const out: Buffer[] = [];
    try {
      const r = engine.run(data, constants.Z_SYNC_FLUSH, Number.MAX_SAFE_INTEGER, out, this.#config.limiter);
      if (r instanceof Promise) await r;
    } catch (err) {
      this.#drop();
      this.#inMessage = false;
      throw compressionFailed(err);
    }
    let result = out.length === 1 ? out[0]! : Buffer.concat(out);
    if (fin) {
      result = stripTail(result);
      this.#inMessage = false;
      // RFC 7692 §7.1.1: without context takeover each message starts with an empty window; the
      // context goes back to the shared pool so the connection holds no zlib state meanwhile.
      if (this.#config.noContextTakeover && this.#engine !== null) {
        returnEngine(this.#engine);
        this.#engine = null;
      }
    }
    return result;
  }

  /** The engine for the next chunk; at a message start, applies a pending level change or reset. */
  #startChunk(): ZlibEngine {
    if (!this.#inMessage) {
      this.#inMessage = true;
      if (this.#nextLevel !== this.#level) {
        // A new context, not deflateParams: dropping history is always safe (we only reference
        // less than the peer keeps), and a fresh context has no pending output to flush.
        this.#drop();
        this.#level = this.#nextLevel;
      } else if (this.#resetPending) {
        this.#engine?.reset();
      }
      this.#resetPending = false;
    }
    if (this.#engine !== null) return this.#engine;
    const { windowBits, memLevel, noContextTakeover } = this.#config;
    const spec = engineSpec("deflate", windowBits, this.#level, memLevel);
    try {
      return (this.#engine = noContextTakeover ? borrowEngine(spec) : createEngine(spec));
    } catch (err) {
      this.#inMessage = false;
      throw compressionFailed(err);
    }
  }

  #drop(): void {
    this.#engine?.close();
    this.#engine = null;
  }

  /** Resets the context before the next message (PreparedMessage, API.md §6); takes effect at once if idle. */
  reset(): void {
    if (this.#inMessage) this.#resetPending = true;
    else this.#engine?.reset();
  }

  /** gorilla `SetCompressionLevel`: -2..9 for the next message. @throws RangeError otherwise. */
  setLevel(level: number): void {
    this.#nextLevel = validateCompressionLevel(level);
  }

  /** Frees zlib's memory; later and in-progress calls reject with CloseError 1006. */
  dispose(): void {
    this.#disposed = true;
    this.#drop();
  }
}
