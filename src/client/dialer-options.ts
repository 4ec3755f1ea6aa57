/**
 * DialerOptions (API.md §3): the options type, its validation (TypeError / RangeError) and the
 * copy with defaults applied (§9) that a Dialer keeps. No I/O.
 */
import type tls from "node:tls";
import type { Duplex } from "node:stream";
import { DEFAULT_DIAL_HANDSHAKE_TIMEOUT, DEFAULT_READ_BUFFER_SIZE, DEFAULT_READ_LIMIT,
  DEFAULT_WRITE_BUFFER_SIZE, DEFAULT_WRITE_HIGH_WATER_MARK } from "../constants.js";
import type { BufferPool, KeepAliveOptions } from "../types.js";
import type { ConnSettings } from "../conn/options.js";
import { validateCompressionOptions, type CompressionOptions } from "../extensions/compression.js";
import { isValidSubprotocol } from "../handshake/subprotocols.js";
import type { NetDialArgs, NetDialTLSArgs } from "./connect.js";
import { toProxyURL, type ProxyOption } from "./proxy.js";
import { MAX_TIMEOUT, functionOption, keepAliveOption, objectOption, sizeOption } from "../util/options.js";

/**
 * A cookie store (gorilla `Dialer.Jar`, an `http.CookieJar`), in the shape of tough-cookie's
 * `CookieJar`. It is asked with the URL's scheme mapped to `http:`/`https:`.
 */
export interface CookieJar {
  /** The `Cookie` header value for `url` ("" for none). */
  getCookieString(url: string): string | Promise<string>;
  /** Stores one `Set-Cookie` header value received from `url`. */
  setCookie(setCookieHeader: string, url: string): unknown;
}

/** Options of {@link Dialer} (gorilla: the fields of `Dialer`). Copied at construction. */
export interface DialerOptions extends ConnSettings {
  /** Opens the TCP stream to the server or the proxy (gorilla `NetDialContext`). Default `net.connect`. */
  netDial?: (o: NetDialArgs) => Duplex | Promise<Duplex>;
  /** Opens an already secure stream for `wss:` without a proxy (gorilla `NetDialTLSContext`). */
  netDialTLS?: (o: NetDialTLSArgs) => Duplex | Promise<Duplex>;
  /** Proxy URL, function, or `null` for none (gorilla `Proxy`). Default {@link proxyFromEnvironment}. */
  proxy?: ProxyOption;
  /** TLS options for `wss:` and `https:` proxies (gorilla `TLSClientConfig`). */
  tlsClientConfig?: tls.ConnectionOptions;
  /** ms for dial + proxy + TLS + HTTP exchange; 0 = none (gorilla `HandshakeTimeout`). Default 45000. */
  handshakeTimeout?: number;
  /** Subprotocols offered in `Sec-WebSocket-Protocol`, in order (gorilla `Subprotocols`). */
  subprotocols?: string[];
  /** Offer permessage-deflate (gorilla `EnableCompression`). Default false. */
  enableCompression?: boolean;
  /** permessage-deflate parameters (API.md §5). */
  compression?: CompressionOptions;
  /** Cookie store (gorilla `Jar`). */
  jar?: CookieJar;
  /** RFC 8441 (API.md §13). "off" and "prefer" dial HTTP/1.1 for now; "require" is refused. Default "off". */
  http2?: "off" | "prefer" | "require";
}

/** The Dialer's private copy of its options, defaults applied. */
export interface ResolvedDialerOptions {
  netDial: DialerOptions["netDial"];
  netDialTLS: DialerOptions["netDialTLS"];
  /** `undefined` = environment, `null` = none, a parsed URL, or a function. */
  proxy: URL | null | undefined | Exclude<ProxyOption, string | URL | null>;
  tlsClientConfig: tls.ConnectionOptions | undefined;
  handshakeTimeout: number;
  readBufferSize: number;
  writeBufferSize: number;
  writeBufferPool: BufferPool | undefined;
  writeHighWaterMark: number;
  subprotocols: readonly string[];
  enableCompression: boolean;
  compression: CompressionOptions | undefined;
  jar: CookieJar | undefined;
  readLimit: number;
  keepAlive: KeepAliveOptions | undefined;
  http2: "off" | "prefer" | "require";
}

function subprotocolsOf(v: unknown): readonly string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new TypeError("websocket: subprotocols must be an array of strings");
  for (const p of v) {
    if (typeof p !== "string" || !isValidSubprotocol(p)) throw new TypeError(`websocket: invalid subprotocol: ${JSON.stringify(p)}`);
  }
  // RFC 6455 §4.1 item 10: the elements "MUST all be unique strings".
  if (new Set(v).size !== v.length) throw new TypeError("websocket: duplicate subprotocol");
  return Object.freeze([...(v as string[])]);
}

function proxyOf(v: unknown): ResolvedDialerOptions["proxy"] {
  if (v === undefined || v === null) return v;
  if (typeof v === "function") return v as Exclude<ProxyOption, string | URL | null>;
  if (typeof v === "string" || v instanceof URL) return toProxyURL(v);
  throw new TypeError("websocket: proxy must be a string, URL, function or null");
}

/**
 * Validates and copies Dialer options (API.md §0: "copied at construction").
 * @throws TypeError for a value of the wrong kind, RangeError for one out of range.
 */
export function resolveDialerOptions(options: DialerOptions | undefined): ResolvedDialerOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) throw new TypeError("websocket: Dialer options must be an object");
  const o = options as Record<string, unknown>;
  const handshakeTimeout = sizeOption(o, "handshakeTimeout", DEFAULT_DIAL_HANDSHAKE_TIMEOUT, false);
  if (handshakeTimeout > MAX_TIMEOUT) throw new RangeError(`websocket: invalid handshakeTimeout: ${handshakeTimeout}`);
  const pool = objectOption<BufferPool>(o, "writeBufferPool");
  if (pool !== undefined && (typeof pool.get !== "function" || typeof pool.put !== "function")) {
    throw new TypeError("websocket: writeBufferPool must have get() and put()");
  }
  const jar = objectOption<CookieJar>(o, "jar");
  if (jar !== undefined && (typeof jar.getCookieString !== "function" || typeof jar.setCookie !== "function")) {
    throw new TypeError("websocket: jar must have getCookieString() and setCookie()");
  }
  const enableCompression = o["enableCompression"] ?? false;
  if (typeof enableCompression !== "boolean") throw new TypeError("websocket: enableCompression must be a boolean");
  let compression = objectOption<CompressionOptions>(o, "compression");
  if (compression !== undefined) {
    validateCompressionOptions(compression);
    compression = { ...compression };
  }
  const tlsConfig = objectOption<tls.ConnectionOptions>(o, "tlsClientConfig");
  const http2 = o["http2"] ?? "off";
  if (http2 !== "off" && http2 !== "prefer" && http2 !== "require") {
    throw new TypeError('websocket: http2 must be "off", "prefer" or "require"');
  }
  return {
    netDial: functionOption(o, "netDial"),
    netDialTLS: functionOption(o, "netDialTLS"),
    proxy: proxyOf(o["proxy"]),
    tlsClientConfig: tlsConfig === undefined ? undefined : { ...tlsConfig },
    handshakeTimeout,
    readBufferSize: sizeOption(o, "readBufferSize", DEFAULT_READ_BUFFER_SIZE, true),
    writeBufferSize: sizeOption(o, "writeBufferSize", DEFAULT_WRITE_BUFFER_SIZE, true),
    writeBufferPool: pool,
    writeHighWaterMark: sizeOption(o, "writeHighWaterMark", DEFAULT_WRITE_HIGH_WATER_MARK, true),
    subprotocols: subprotocolsOf(o["subprotocols"]),
    enableCompression,
    compression,
    jar,
    readLimit: sizeOption(o, "readLimit", DEFAULT_READ_LIMIT, false),
    keepAlive: keepAliveOption(o["keepAlive"]),
    http2,
  };
}
