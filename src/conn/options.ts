/**
 * newConn options (API §4): validation, defaults, and construction of the compression pair.
 */
import type { Duplex } from "node:stream";
import {
  DEFAULT_READ_BUFFER_SIZE,
  DEFAULT_READ_LIMIT,
  DEFAULT_WRITE_BUFFER_SIZE,
  DEFAULT_WRITE_HIGH_WATER_MARK,
} from "../constants.js";
import type { BufferPool, KeepAliveOptions } from "../types.js";
import {
  createPerMessageDeflate,
  validateCompressionOptions,
  type CompressionOptions,
  type MessageDeflater,
  type MessageInflater,
  type NegotiatedCompression,
  type ZlibLimiter,
} from "../extensions/compression.js";
import { keepAliveOption, sizeOption } from "../util/options.js";
import { validateReadLimit } from "./validate.js";
import type { DeflateParams } from "./prepared-message.js";

/**
 * The per-connection settings that {@link newConn}, the Upgrader and the Dialer share (gorilla: the
 * buffer fields of `Upgrader` and `Dialer`; `SetReadLimit`'s starting value).
 */
export interface ConnSettings {
  /** Max unread received bytes before the socket is paused (gorilla `ReadBufferSize`). Default 65536. */
  readBufferSize?: number;
  /** Frame size of `nextWriter` (gorilla `WriteBufferSize`). Default 16384. */
  writeBufferSize?: number;
  /** Pool of write buffers (gorilla `WriteBufferPool`). */
  writeBufferPool?: BufferPool;
  /** Unsent bytes above which write promises wait. Default 65536. */
  writeHighWaterMark?: number;
  /** Max message size in bytes after inflation; 0 = none. Default 64 MiB. */
  readLimit?: number;
  /** Built-in keepalive (API.md §4.8). Default off. */
  keepAlive?: KeepAliveOptions;
}

/** Options of {@link newConn} (API §4). */
export interface NewConnOptions extends ConnSettings {
  /** Role: a server expects masked frames and sends unmasked ones. */
  server: boolean;
  /** The negotiated subprotocol; "" or absent for none. */
  subprotocol?: string;
  /** Bytes already read past the handshake; the first bytes the conn parses. */
  head?: Uint8Array;
  /** What the handshake agreed for permessage-deflate; absent or null = none. */
  compression?: NegotiatedCompression | null;
  /** level, memLevel, windowBits, threshold, concurrency. */
  compressionOptions?: CompressionOptions;
  /** @internal The Upgrader's or Dialer's zlib job limiter. */
  zlibLimiter?: ZlibLimiter;
}

/** Validated options with defaults applied. */
export interface ResolvedConnOptions {
  server: boolean;
  subprotocol: string;
  head: Uint8Array | undefined;
  readBufferSize: number;
  writeBufferSize: number;
  writeBufferPool: BufferPool | undefined;
  writeHighWaterMark: number;
  readLimit: number;
  keepAlive: KeepAliveOptions | undefined;
  deflater: MessageDeflater | null;
  inflater: MessageInflater | null;
  deflateParams: DeflateParams | null;
  threshold: number;
}

/** Validates newConn options. @throws TypeError / RangeError */
export function resolveConnOptions(o: NewConnOptions): ResolvedConnOptions {
  if (typeof o !== "object" || o === null || typeof o.server !== "boolean") {
    throw new TypeError("websocket: newConn options must say server: true or false");
  }
  const rec = o as unknown as Record<string, unknown>;
  const pool = o.writeBufferPool;
  if (pool !== undefined && (typeof pool.get !== "function" || typeof pool.put !== "function")) {
    throw new TypeError("websocket: writeBufferPool must have get() and put()");
  }
  let deflater: MessageDeflater | null = null;
  let inflater: MessageInflater | null = null;
  let deflateParams: DeflateParams | null = null;
  // Validated only when there is something to validate: most conns have no compression.
  const copts = o.compression || o.compressionOptions !== undefined ? validateCompressionOptions(o.compressionOptions) : null;
  if (o.compression && copts !== null) {
    const pair = createPerMessageDeflate(o.compression, o.compressionOptions, o.server, o.zlibLimiter);
    deflater = pair.deflater;
    inflater = pair.inflater;
    const ours = o.server ? o.compression.serverMaxWindowBits : o.compression.clientMaxWindowBits;
    deflateParams = { level: copts.level, memLevel: copts.memLevel, windowBits: Math.min(copts.windowBits, ours) };
  }
  return {
    server: o.server,
    subprotocol: o.subprotocol ?? "",
    head: o.head,
    readBufferSize: sizeOption(rec, "readBufferSize", DEFAULT_READ_BUFFER_SIZE, true),
    writeBufferSize: sizeOption(rec, "writeBufferSize", DEFAULT_WRITE_BUFFER_SIZE, true),
    writeBufferPool: pool,
    writeHighWaterMark: sizeOption(rec, "writeHighWaterMark", DEFAULT_WRITE_HIGH_WATER_MARK, true),
    readLimit: o.readLimit === undefined ? DEFAULT_READ_LIMIT : validateReadLimit(o.readLimit),
    keepAlive: keepAliveOption(o.keepAlive),
    deflater,
    inflater,
    deflateParams,
    threshold: copts?.threshold ?? 1024,
  };
}

export type { Duplex };
