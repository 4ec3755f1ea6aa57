/**
 * The permessage-deflate decompressor of one connection: appends 00 00 ff ff at the end of each message
 * (RFC 7692 §7.2.2) and stops at the read limit without allocating past it (zip-bomb guard, undici CVE-2026-1526).
 */
import { Buffer } from "node:buffer";
import { constants } from "node:zlib";
import { CloseError, ProtocolError, ReadLimitError } from "../../errors.js";
import type { MessageInflater } from "../compression.js";
import type { ZlibLimiter } from "./limiter.js";
import { Serial } from "./serial.js";
import { borrowEngine, createEngine, engineSpec, returnEngine, type ZlibEngine } from "./zlib-engine.js";

/** How an inflater decompresses. */
export interface InflaterConfig {
  /** The peer's negotiated window; the inflater uses max(it, 9) (a larger inflate window is always safe). */
  windowBits: number;
  /** The peer's direction has no context takeover: no history is kept between messages. */
  noContextTakeover: boolean;
  limiter: ZlibLimiter;
}

// RFC 7692 §7.2.2 step 1: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload."
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** {@link MessageInflater} over a {@link ZlibEngine}, created lazily on the first compressed message. */
export class PerMessageInflater implements MessageInflater {
  readonly #config: InflaterConfig;
  readonly #serial = new Serial();
  #engine: ZlibEngine | null = null;
  /** Inflated bytes of the current message so far. */
  #produced = 0;
  /** Compressed bytes of the current message so far. */
  #consumed = 0;
  /** The current message's deflate stream ended (BFINAL): the rest of the message is ignored. */
  #ended = false;
  #failed: unknown = null;
  #disposed = false;

  constructor(config: InflaterConfig) {
    this.#config = config;
  }

  async inflate(data: Uint8Array, fin: boolean, limit: number): Promise<Buffer[]> {
    if (!(data instanceof Uint8Array)) throw new TypeError("websocket: inflate data must be a Uint8Array");
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError("websocket: invalid read limit");
    const wait = this.#serial.enter(); // calls never overlap on one context
    if (wait !== undefined) await wait;
    try {
      return await this.#inflate(data, fin, limit);
    } finally {
      this.#serial.exit();
    }
  }

  async #inflate(data: Uint8Array, fin: boolean, limit: number): Promise<Buffer[]> {
    if (this.#disposed) throw new CloseError(1006, "closed locally");
    if (this.#failed !== null) throw this.#failed;
    const out: Buffer[] = [];
    try {
      if (!this.#ended && data.byteLength > 0) {
        this.#consumed += data.byteLength;
        await this.#feed(data, limit, out);
      }
      if (fin) {
        // An empty message (no compressed byte at all) gets no tail: appending it alone would open a
        // stored block of 0xff00 bytes and corrupt the next message (compliant peers send 0x00, §7.2.3.6).
        if (!this.#ended && this.#consumed > 0) await this.#feed(TAIL, limit, out);
        this.#endMessage();
      }
    } catch (err) {
      throw this.#fail(err);
    }
    return out;
  }

  /** Inflates `input` into `out`, producing at most one byte past `limit` for the message. */
  async #feed(input: Uint8Array, limit: number, out: Buffer[]): Promise<void> {
    const engine = this.#engine ?? this.#createEngine();
    const maxOut = limit === 0 ? Number.MAX_SAFE_INTEGER : limit - this.#produced + 1;
    let r = engine.run(input, constants.Z_SYNC_FLUSH, maxOut, out, this.#config.limiter);
    if (r instanceof Promise) r = await r;
    this.#produced += r.produced;
    if (r.ended) this.#ended = true;
    // API.md §4.5: the read limit counts inflated bytes; stop with 1009 once it is passed.
    if (limit !== 0 && this.#produced > limit) throw new ReadLimitError(limit);
  }

  #createEngine(): ZlibEngine {
    const { windowBits, noContextTakeover } = this.#config;
    // zlib deflaters asked for window 8 use 9 (node docs, zlib ≥ 1.2.9), so inflate with at least 9.
    const spec = engineSpec("inflate", Math.max(windowBits, 9));
    try {
      return (this.#engine = noContextTakeover ? borrowEngine(spec) : createEngine(spec));
    } catch (err) {
      throw new ProtocolError("websocket: compression failed", 1011, { cause: err });
    }
  }

  #endMessage(): void {
    const engine = this.#engine;
    if (engine !== null && this.#ended) {
      // §7.2.3.4: after a BFINAL block the peer starts a new deflate stream: a new context.
      engine.close();
      this.#engine = null;
    } else if (engine !== null && this.#config.noContextTakeover) {
      // §7.1.1.2 (client_no_context_takeover) / §7.1.1.1: no history; back to the shared pool.
      returnEngine(engine);
      this.#engine = null;
    }
    this.#produced = 0;
    this.#consumed = 0;
    this.#ended = false;
  }

  /** Makes the failure permanent (the connection is failed) and frees zlib now. */
  #fail(err: unknown): unknown {
    if (err instanceof CloseError) return err;
    let e = err;
    if (!(err instanceof ReadLimitError) && !(err instanceof ProtocolError)) {
      // API.md §8: corrupt deflate data → close 1007.
      e = new ProtocolError("websocket: invalid compressed data", 1007, { cause: err });
    }
    this.#failed = e;
    this.#engine?.close();
    this.#engine = null;
    return e;
  }

  /** Frees zlib's memory; later and in-progress calls reject with CloseError 1006. */
  dispose(): void {
    this.#disposed = true;
    this.#engine?.close();
    this.#engine = null;
  }
}
