/**
 * UpgraderOptions (API.md §2): the options type, its validation (TypeError / RangeError) and the
 * copy with defaults applied (§9) that an Upgrader keeps. No I/O.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { HandshakeError } from "../errors.js";
import {
  DEFAULT_READ_BUFFER_SIZE, DEFAULT_READ_LIMIT, DEFAULT_WRITE_BUFFER_SIZE, DEFAULT_WRITE_HIGH_WATER_MARK,
} from "../constants.js";
import type { BufferPool, KeepAliveOptions } from "../types.js";
import type { ConnSettings } from "../conn/options.js";
import { validateCompressionOptions, type CompressionOptions } from "../extensions/compression.js";
import { isValidSubprotocol } from "../handshake/subprotocols.js";
import { MAX_TIMEOUT, functionOption, keepAliveOption, sizeOption } from "../util/options.js";

/** A request the Upgrader accepts: HTTP/1.1, or HTTP/2 through the compatibility API. */
export type UpgradeRequest = IncomingMessage | Http2ServerRequest;

/** What an `error` hook returns: the answer to send instead of the default one. */
export interface ErrorResponse {
  /** Headers of the error answer (the library adds Content-Length and Connection: close). */
  headers?: OutgoingHttpHeaders;
  /** Body of the error answer. */
  body?: string | Uint8Array;
}

/** Options of {@link Upgrader} (gorilla: the fields of `Upgrader`). Copied at construction. */
export interface UpgraderOptions extends ConnSettings {
  /**
   * ms from `upgrade()` until the 101 is handed to the socket (an async `checkOrigin` included);
   * 0 = none (gorilla `HandshakeTimeout`). Default 0. Before `upgrade()` runs, node bounds the
   * request head itself: `server.headersTimeout` (default 60 s → 408), `server.requestTimeout`
   * (300 s) and `maxHeaderSize` (16 KiB → 431) stop slow-loris and oversized heads.
   */
  handshakeTimeout?: number;
  /** Supported subprotocols, most preferred first (gorilla `Subprotocols`). */
  subprotocols?: string[];
  /** Builds the HTTP error answer (gorilla `Error`); the status is fixed. */
  error?: (req: UpgradeRequest, status: number, err: HandshakeError) => ErrorResponse | void;
  /** Decides whether the request's origin is acceptable (gorilla `CheckOrigin`); may be async. Default same-origin. */
  checkOrigin?: (req: UpgradeRequest) => boolean | Promise<boolean>;
  /** Accept permessage-deflate when offered (gorilla `EnableCompression`). Default false. */
  enableCompression?: boolean;
  /** permessage-deflate parameters (API.md §5). */
  compression?: CompressionOptions;
}

/** The Upgrader's private copy of its options, defaults applied. */
export interface ResolvedUpgraderOptions {
  handshakeTimeout: number;
  readBufferSize: number;
  writeBufferSize: number;
  writeBufferPool: BufferPool | undefined;
  writeHighWaterMark: number;
  subprotocols: readonly string[] | undefined;
  error: UpgraderOptions["error"];
  checkOrigin: UpgraderOptions["checkOrigin"];
  enableCompression: boolean;
  compression: CompressionOptions | undefined;
  /** zlib jobs in flight for this Upgrader's conns (`compression.concurrency`, default 10). */
  zlibConcurrency: number;
  readLimit: number;
  keepAlive: KeepAliveOptions | undefined;
}

function subprotocolsOf(v: unknown): readonly string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new TypeError("websocket: subprotocols must be an array of strings");
  for (const p of v) {
    if (typeof p !== "string") throw new TypeError("websocket: subprotocols must be an array of strings");
    if (!isValidSubprotocol(p)) throw new TypeError(`websocket: invalid subprotocol: ${JSON.stringify(p)}`);
  }
  return Object.freeze([...(v as string[])]);
}

/**
 * Validates and copies Upgrader options (API.md §0: "copied at construction").
 * @throws TypeError for a value of the wrong kind, RangeError for one out of range.
 */
export function resolveUpgraderOptions(options: UpgraderOptions | undefined): ResolvedUpgraderOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) throw new TypeError("websocket: Upgrader options must be an object");
  const o = options as Record<string, unknown>;
  const handshakeTimeout = sizeOption(o, "handshakeTimeout", 0, false);
  if (handshakeTimeout > MAX_TIMEOUT) throw new RangeError(`websocket: invalid handshakeTimeout: ${handshakeTimeout}`);
  const pool = o["writeBufferPool"];
  if (pool !== undefined && (typeof pool !== "object" || pool === null || typeof (pool as BufferPool).get !== "function" ||
      typeof (pool as BufferPool).put !== "function")) {
    throw new TypeError("websocket: writeBufferPool must have get() and put()");
  }
  const enableCompression = o["enableCompression"] ?? false;
  if (typeof enableCompression !== "boolean") throw new TypeError("websocket: enableCompression must be a boolean");
  let compression = o["compression"] as CompressionOptions | undefined;
  if (compression !== undefined && (typeof compression !== "object" || compression === null)) {
    throw new TypeError("websocket: compression must be an object");
  }
  const zlibConcurrency = validateCompressionOptions(compression).concurrency;
  if (compression !== undefined) compression = { ...compression };
  return {
    handshakeTimeout,
    readBufferSize: sizeOption(o, "readBufferSize", DEFAULT_READ_BUFFER_SIZE, true),
    writeBufferSize: sizeOption(o, "writeBufferSize", DEFAULT_WRITE_BUFFER_SIZE, true),
    writeBufferPool: pool as BufferPool | undefined,
    writeHighWaterMark: sizeOption(o, "writeHighWaterMark", DEFAULT_WRITE_HIGH_WATER_MARK, true),
    subprotocols: subprotocolsOf(o["subprotocols"]),
    error: functionOption(o, "error"),
    checkOrigin: functionOption(o, "checkOrigin"),
    enableCompression,
    compression,
    zlibConcurrency,
    readLimit: sizeOption(o, "readLimit", DEFAULT_READ_LIMIT, false),
    keepAlive: keepAliveOption(o["keepAlive"]),
  };
}
