/**
 * Dialer: gorilla's `Dialer` for Node. Opens the stream (directly, through a proxy, with TLS),
 * runs the RFC 6455 §4.1 opening handshake over it and returns a client Conn.
 */
import type { Duplex } from "node:stream";
import type { HandshakeResponse } from "../errors.js";
import { BadHandshakeError } from "../errors.js";
import type { HttpHeaders } from "../types.js";
import { newConn, type Conn, type NewConnOptions } from "../conn/conn.js";
import { generateChallengeKey } from "../handshake/accept-key.js";
import { parseTokenList } from "../handshake/header-tokens.js";
import { basicAuth, buildUpgradeRequest, checkUpgradeResponse, prepareRequestHeaders,
  type PreparedHeaders, type ResponseHead } from "../handshake/client-handshake.js";
import { buildClientOffer } from "../extensions/permessage-deflate/negotiate.js";
import { validateCompressionOptions, ZlibLimiter } from "../extensions/compression.js";
import { awaitConnected, defaultNetDial, defaultServername, startTLS } from "./connect.js";
import { DialContext } from "./dial-context.js";
import { resolveDialerOptions, type DialerOptions, type ResolvedDialerOptions } from "./dialer-options.js";
import { bareHost, dialThroughProxy, resolveProxy } from "./proxy.js";
import { collectBody, readResponseHead } from "./response-reader.js";

export type { CookieJar, DialerOptions } from "./dialer-options.js";

/** Options of one dial (gorilla: the `ctx` of `DialContext`). */
export interface DialOptions {
  /** Cancels the dial: every stage stops, the socket is destroyed, the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** What a successful dial returns (gorilla: `(*Conn, *http.Response, error)`). */
export interface DialResult {
  /** The connection. */
  conn: Conn;
  /** The server's 101 answer; `body` is empty. */
  response: HandshakeResponse;
}

/** The URL to dial, parsed once. */
interface Target {
  url: URL;
  secure: boolean;
  /** Hostname without IPv6 brackets. */
  host: string;
  port: number;
  /** The URL as the cookie jar sees it: scheme mapped to http:/https: (gorilla). */
  httpURL: string;
}

function parseTarget(u: unknown): Target {
  const malformed = (): TypeError => new TypeError("websocket: malformed ws or wss URL");
  if (typeof u !== "string" && !(u instanceof URL)) throw malformed();
  let url: URL;
  try {
    url = new URL(typeof u === "string" ? u : u.href);
  } catch {
    throw malformed();
  }
  if ((url.protocol !== "ws:" && url.protocol !== "wss:") || url.hostname === "") throw malformed();
  url.hash = ""; // the fragment is never sent (RFC 6455 §3)
  const secure = url.protocol === "wss:";
  const port = url.port !== "" ? Number(url.port) : secure ? 443 : 80;
  const httpURL = `${secure ? "https:" : "http:"}//${url.host}${url.pathname}${url.search}`;
  return { url, secure, host: bareHost(url.hostname), port, httpURL };
}

function isDuplex(s: unknown): s is Duplex {
  return typeof s === "object" && s !== null && typeof (s as Duplex).write === "function" &&
    typeof (s as Duplex).on === "function" && typeof (s as Duplex).destroy === "function";
}

const EMPTY = Buffer.alloc(0);

/**
 * Dialer contains options for connecting to a WebSocket server (gorilla: `Dialer`). A Dialer may
 * be used concurrently; its options are copied at construction.
 *
 * @example Dial through a proxy with a subprotocol, and fail fast
 * ```ts
 * import { Dialer, BadHandshakeError, TextMessage } from "silverback";
 *
 * const dialer = new Dialer({ subprotocols: ["chat"], proxy: "http://proxy.corp:3128", handshakeTimeout: 10_000 });
 * try {
 *   const { conn, response } = await dialer.dial("wss://example.com/ws", { Origin: "https://example.com" });
 *   console.log(response.status, conn.subprotocol()); // 101 "chat"
 *   await conn.writeMessage(TextMessage, "hello");
 *   console.log((await conn.readMessage()).data.toString());
 *   await conn.shutdown();
 * } catch (err) {
 *   if (err instanceof BadHandshakeError) console.error(err.response.status, err.response.body.toString());
 *   else throw err;
 * }
 * ```
 */
export class Dialer {
  readonly #o: ResolvedDialerOptions;
  #limiter: ZlibLimiter | undefined;

  /**
   * @param options gorilla's `Dialer` fields; copied.
   * @throws {TypeError} for an option of the wrong kind. @throws {RangeError} for one out of range.
   */
  constructor(options?: DialerOptions) {
    this.#o = resolveDialerOptions(options);
  }

  /**
   * dial creates a new client connection (gorilla: `Dialer.DialContext`; `Dialer.Dial` without a
   * signal). `headers` go in the opening handshake (`Origin`, `Cookie`, `Host` …); cookies of the
   * `jar` are added and `Set-Cookie` answers stored. Redirects are not followed.
   * @param url a `ws:` or `wss:` URL; userinfo becomes `Authorization: Basic`.
   * @param headers extra request headers (node's header object or a WHATWG `Headers`).
   * @param options `signal` cancels the dial.
   * @returns the Conn and the server's 101 response.
   * @throws {TypeError} malformed URL, duplicate or invalid header (as a rejection).
   * @throws {BadHandshakeError} the server or proxy refused or answered wrongly; `response` holds the answer.
   * @throws {TimeoutError} `websocket: handshake timeout` after `handshakeTimeout` ms.
   */
  async dial(url: string | URL, headers?: HttpHeaders, options?: DialOptions): Promise<DialResult> {
    const o = this.#o;
    const target = parseTarget(url);
    if (o.http2 === "require") throw new TypeError('websocket: http2 "require" is not supported yet (RFC 8441)');
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("websocket: dial options must be an object");
    }
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("websocket: signal must be an AbortSignal");
    const prepared = prepareRequestHeaders(headers, o.subprotocols.length > 0);
    const ctx = new DialContext(o.handshakeTimeout, signal);
    try {
      ctx.check();
      return await this.#dial(target, prepared, ctx);
    } catch (err) {
      ctx.destroyAll();
      throw err;
    } finally {
      ctx.dispose();
    }
  }

  async #dial(target: Target, prepared: PreparedHeaders, ctx: DialContext): Promise<DialResult> {
    const o = this.#o;
    // 1. Proxy and cookies: both may be async and are bounded by the dial's timeout and signal.
    const proxy = await resolveProxy(o.proxy, target.url, ctx);
    const cookies = [...prepared.cookies];
    if (o.jar !== undefined) {
      const jarCookies = await ctx.race(o.jar.getCookieString(target.httpURL));
      if (typeof jarCookies !== "string") throw new TypeError("websocket: jar.getCookieString must return a string");
      if (/[^\t\x20-\xff]/.test(jarCookies)) throw new TypeError("websocket: invalid cookie string from jar");
      if (jarCookies !== "") cookies.unshift(jarCookies);
    }
    // 2. The request head (RFC 6455 §4.1), built before any byte is sent.
    const key = generateChallengeKey();
    const subprotocols = o.subprotocols.length > 0 ? o.subprotocols : parseTokenList(prepared.protocolHeader);
    const u = target.url;
    const head = buildUpgradeRequest({
      target: u.pathname + u.search,
      host: prepared.host ?? u.host,
      key,
      subprotocols: o.subprotocols,
      extensions: o.enableCompression ? buildClientOffer(o.compression) : "",
      cookie: cookies.join("; "),
      authorization: (u.username !== "" || u.password !== "") && !prepared.hasAuthorization
        ? basicAuth(u.username, u.password) : "",
      headers: prepared,
    });
    // 3. Stream (TCP, proxy, TLS), then the HTTP exchange in one write.
    const socket = await this.#connect(target, proxy, ctx);
    socket.write(Buffer.from(head, "latin1"));
    const res = await ctx.race(readResponseHead(socket));
    if (!res.ok) {
      const cause = res.cause ?? new Error(res.reason);
      throw new BadHandshakeError({ status: 0, statusText: "", headers: {}, body: EMPTY }, "websocket: bad handshake", { cause });
    }
    const verdict = checkUpgradeResponse(res.head, {
      key, subprotocols, compressionOffered: o.enableCompression, compressionOptions: o.compression,
    });
    const body = verdict.ok ? EMPTY : await collectBody(socket, res.head, res.rest, ctx.signal);
    await this.#storeCookies(res.head, target, ctx);
    const response: HandshakeResponse = { status: res.head.status, statusText: res.head.statusText, headers: res.head.headers, body };
    if (!verdict.ok) {
      // A non-101 status speaks for itself; other failures say why in `cause`.
      const opts = res.head.status === 101 ? { cause: new Error(verdict.reason) } : {};
      throw new BadHandshakeError(response, verdict.message, opts);
    }
    ctx.check();
    // 4. The Conn takes over the socket and the bytes that followed the head.
    const s = socket as Duplex & { setNoDelay?: (b: boolean) => unknown; setTimeout?: (ms: number) => unknown };
    if (typeof s.setNoDelay === "function") s.setNoDelay(true);
    if (typeof s.setTimeout === "function") s.setTimeout(0);
    if (verdict.compression !== null) this.#limiter ??= new ZlibLimiter(validateCompressionOptions(o.compression).concurrency);
    const connOptions: NewConnOptions = {
      server: false,
      subprotocol: verdict.subprotocol,
      head: res.rest,
      compression: verdict.compression,
      compressionOptions: o.compression,
      readBufferSize: o.readBufferSize,
      writeBufferSize: o.writeBufferSize,
      writeBufferPool: o.writeBufferPool,
      writeHighWaterMark: o.writeHighWaterMark,
      readLimit: o.readLimit,
      keepAlive: o.keepAlive,
      zlibLimiter: this.#limiter,
    };
    const conn = newConn(socket, connOptions);
    ctx.release(socket);
    return { conn, response };
  }

  /** Opens the stream to the server: direct or through the proxy, then TLS for `wss:`. */
  async #connect(target: Target, proxy: URL | null, ctx: DialContext): Promise<Duplex> {
    const o = this.#o;
    const netDial = o.netDial ?? defaultNetDial;
    const checked = (s: unknown): Duplex => {
      if (!isDuplex(s)) throw new TypeError("websocket: netDial and netDialTLS must return a Duplex");
      return s;
    };
    if (proxy !== null) {
      const tunnel = await dialThroughProxy({
        proxy, host: target.host, port: target.port, netDial: async (a) => checked(await netDial(a)),
        tlsClientConfig: o.tlsClientConfig, ctx,
      });
      return target.secure ? startTLS(tunnel, o.tlsClientConfig, target.host, ctx) : tunnel;
    }
    const args = { host: target.host, port: target.port, signal: ctx.signal };
    if (target.secure && o.netDialTLS !== undefined) {
      // gorilla NetDialTLSContext: the returned stream is already secure; tlsClientConfig is unused.
      const servername = o.tlsClientConfig?.servername || defaultServername(target.host);
      const s = checked(await ctx.stream(o.netDialTLS({ ...args, servername })));
      await ctx.race(awaitConnected(s, ctx.signal));
      return s;
    }
    const raw = checked(await ctx.stream(netDial(args)));
    await ctx.race(awaitConnected(raw, ctx.signal));
    return target.secure ? startTLS(raw, o.tlsClientConfig, target.host, ctx) : raw;
  }

  /** Hands each `Set-Cookie` of the answer to the jar (Go's `Jar.SetCookies`; errors ignored). */
  async #storeCookies(head: ResponseHead, target: Target, ctx: DialContext): Promise<void> {
    const jar = this.#o.jar;
    const list = head.headers["set-cookie"];
    if (jar === undefined || list === undefined) return;
    for (const c of Array.isArray(list) ? list : [list]) {
      let r: unknown;
      try {
        r = jar.setCookie(c, target.httpURL);
      } catch {
        continue; // a cookie the jar refuses (e.g. a foreign Domain) is dropped, as Go's jar does
      }
      await ctx.race(Promise.resolve(r).then(undefined, () => undefined));
    }
  }
}

/** defaultDialer is a Dialer with all options set to their defaults (gorilla: `DefaultDialer`). */
export const defaultDialer: Dialer = new Dialer();

/**
 * dial connects with {@link defaultDialer} (gorilla: `DefaultDialer.DialContext`): environment
 * proxy, 45 s handshake timeout.
 * @returns the Conn and the server's 101 response.
 */
export function dial(url: string | URL, headers?: HttpHeaders, options?: DialOptions): Promise<DialResult> {
  return defaultDialer.dial(url, headers, options);
}
