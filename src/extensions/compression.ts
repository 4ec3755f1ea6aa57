/**
 * The compression interfaces conn/ depends on (MessageDeflater, MessageInflater) and the permessage-deflate
 * factory behind them (RFC 7692). Never imports conn/, server/ or client/.
 */
import { Buffer } from "node:buffer";
import { constants, deflateRawSync } from "node:zlib";
import { PerMessageDeflater, stripTail } from "./permessage-deflate/deflater.js";
import { PerMessageInflater } from "./permessage-deflate/inflater.js";
import { defaultZlibLimiter, type ZlibLimiter } from "./permessage-deflate/limiter.js";
import { validateCompressionLevel, validateCompressionOptions, type CompressionOptions, type NegotiatedCompression } from "./permessage-deflate/options.js";
import { engineSpec } from "./permessage-deflate/zlib-engine.js";

export { ZlibLimiter } from "./permessage-deflate/limiter.js";
export { validateCompressionLevel, validateCompressionOptions } from "./permessage-deflate/options.js";
export type { CompressionOptions, NegotiatedCompression, ResolvedCompressionOptions } from "./permessage-deflate/options.js";

/** The compressor of one connection's outgoing messages (RFC 7692 §7.2.1). */
export interface MessageDeflater {
  /**
   * Compresses the next chunk of the outgoing message; `fin` ends it: Z_SYNC_FLUSH, the trailing
   * 00 00 ff ff stripped (RFC 7692 §7.2.1), the context reset if our direction has no context
   * takeover. Never retains `data` after settling.
   * @returns the payload bytes for the frame (an empty message gives `00`, §7.2.3.6).
   * @throws (rejects) CloseError 1006 after dispose(); ProtocolError 1011 if zlib fails.
   */
  deflate(data: Uint8Array, fin: boolean): Promise<Buffer>;
  /** Resets the compression context before the next message (PreparedMessage sends: the next message must not reference history the peer never saw). */
  reset(): void;
  /** gorilla `SetCompressionLevel`: -2..9 (API §4.7), for the next message. @throws RangeError otherwise. */
  setLevel(level: number): void;
  /** Frees zlib's memory; later calls reject. */
  dispose(): void;
}

/** The decompressor of one connection's incoming compressed messages (RFC 7692 §7.2.2). */
export interface MessageInflater {
  /**
   * Inflates the next chunk of an incoming compressed message; `fin` appends 00 00 ff ff and
   * finishes it (resetting the context if the peer's direction has no context takeover).
   * @param limit - max inflated bytes for the WHOLE message so far (0 = none): past it, inflation
   * stops without allocating further and the call rejects with ReadLimitError(limit).
   * @returns the output chunks (fresh Buffers, owned by the caller).
   * @throws (rejects) ProtocolError `websocket: invalid compressed data` (1007) on corrupt data;
   * both errors are permanent. CloseError 1006 after dispose().
   */
  inflate(data: Uint8Array, fin: boolean, limit: number): Promise<Buffer[]>;
  /** Frees zlib's memory; later calls reject. */
  dispose(): void;
}

/**
 * Creates the permessage-deflate pair for one connection (gorilla: what `EnableCompression` turns on).
 * zlib contexts are created lazily on first use. Our compressor's window is min(options.windowBits,
 * the negotiated limit for our direction); the inflater's is the peer's negotiated limit (at least 9).
 * Directions without context takeover borrow pooled contexts per message and hold none in between.
 *
 * @param params - what the handshake agreed (negotiateServer / acceptServerResponse).
 * @param options - the Upgrader's or Dialer's compression options (level, memLevel, windowBits).
 * @param server - our role: a server compresses under the server_* parameters.
 * @param limiter - caps zlib jobs in flight; default: one process-wide limiter of 10.
 * @throws TypeError/RangeError for invalid options or params (window bits outside 8..15: the undici
 * `server_max_window_bits=99` crash is stopped here as well as in negotiation).
 */
export function createPerMessageDeflate(
  params: NegotiatedCompression,
  options: CompressionOptions | undefined,
  server: boolean,
  limiter: ZlibLimiter = defaultZlibLimiter(),
): { deflater: MessageDeflater; inflater: MessageInflater } {
  const o = validateCompressionOptions(options);
  checkParams(params);
  const ours = server ? params.serverMaxWindowBits : params.clientMaxWindowBits;
  const theirs = server ? params.clientMaxWindowBits : params.serverMaxWindowBits;
  const deflater = new PerMessageDeflater({
    level: o.level,
    memLevel: o.memLevel,
    windowBits: Math.min(o.windowBits, ours),
    noContextTakeover: server ? params.serverNoContextTakeover : params.clientNoContextTakeover,
    limiter,
  });
  const inflater = new PerMessageInflater({
    windowBits: theirs,
    noContextTakeover: server ? params.clientNoContextTakeover : params.serverNoContextTakeover,
    limiter,
  });
  return { deflater, inflater };
}

function checkParams(p: NegotiatedCompression): void {
  if (typeof p !== "object" || p === null) throw new TypeError("websocket: negotiated compression must be an object");
  for (const k of ["serverNoContextTakeover", "clientNoContextTakeover"] as const) {
    if (typeof p[k] !== "boolean") throw new TypeError(`websocket: negotiated ${k} must be a boolean`);
  }
  for (const k of ["serverMaxWindowBits", "clientMaxWindowBits"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 8 || p[k] > 15) throw new RangeError(`websocket: negotiated ${k} must be an integer in 8..15`);
  }
}

/**
 * One-shot raw deflate of a whole message with a fresh context, for PreparedMessage (API.md §6):
 * Z_SYNC_FLUSH, the 00 00 ff ff tail stripped (RFC 7692 §7.2.1). Synchronous.
 *
 * @param data - the message payload.
 * @param o - level -2..9, memLevel 1..9, windowBits 8..15 (8 deflates with zlib's 9, whose
 * distances stay inside 256 bytes).
 * @returns the payload of the compressed frame.
 * @throws TypeError/RangeError for invalid arguments.
 */
export function deflateMessage(data: Uint8Array, o: { level: number; memLevel: number; windowBits: number }): Buffer {
  if (!(data instanceof Uint8Array)) throw new TypeError("websocket: data must be a Uint8Array");
  validateCompressionLevel(o.level);
  const checked = validateCompressionOptions({ memLevel: o.memLevel, windowBits: o.windowBits });
  const spec = engineSpec("deflate", checked.windowBits, o.level, checked.memLevel);
  const out = deflateRawSync(data, {
    level: spec.level,
    memLevel: spec.memLevel,
    windowBits: spec.windowBits,
    strategy: spec.strategy,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  return stripTail(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
}
