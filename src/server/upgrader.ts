/**
 * Upgrader: gorilla's `Upgrader` for node's http servers. Runs the server opening handshake
 * (RFC 6455 §4.2) on the 'upgrade' event's socket or a request handler's `(req, res)`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Duplex } from "node:stream";
import { HandshakeError } from "../errors.js";
import type { HttpHeaders } from "../types.js";
import { newConn, type Conn } from "../conn/conn.js";
import { ZlibLimiter, type NegotiatedCompression } from "../extensions/compression.js";
import { negotiateServer } from "../extensions/permessage-deflate/negotiate.js";
import { computeAcceptKey } from "../handshake/accept-key.js";
import { equalASCIIFold } from "../handshake/header-tokens.js";
import { checkSameOrigin } from "../handshake/origin.js";
import { parseSubprotocolOffer, selectSubprotocol } from "../handshake/subprotocols.js";
import {
  HandshakeReasons, buildUpgradeResponse, checkChallengeKey, checkResponseHeaders, checkUpgradeRequest,
  type HandshakeFailure, type HeaderList,
} from "../handshake/server-handshake.js";
import { HandshakeGuard } from "./guard.js";
import { resolveUpgraderOptions, type ResolvedUpgraderOptions, type UpgradeRequest, type UpgraderOptions } from "./options.js";
import { isHttp2Request, isResponse, requestHeader, requestHost } from "./request.js";
import { errorAnswer, errorAnswerBytes, errorAnswerH2Headers, toHeaderList } from "./response.js";
import { takeOverSocket } from "./take-over.js";

export type { UpgraderOptions, ErrorResponse, UpgradeRequest } from "./options.js";
export { isWebSocketUpgrade, subprotocols } from "./request.js";

// Sockets (and HTTP/2 streams) an upgrade was started on: a second upgrade is a programming error.
// A marker on the socket itself rather than a WeakSet: a WeakSet's table stays at its high-water
// size after churn (the soak test measured +0.5–1 MiB of heap that never came back).
const CLAIMED = Symbol("silverback.upgraded");

function claim(socket: object): void {
  const s = socket as { [CLAIMED]?: true };
  if (s[CLAIMED] === true) throw new TypeError("websocket: upgrade already called on this connection");
  s[CLAIMED] = true;
}

/** gorilla's first checks, in its order: 1–4 Connection, Upgrade, method, version (RFC 6455 §4.2.1); 5 the application's headers. */
function checkRequest(req: IncomingMessage, list: HeaderList): HandshakeFailure | null {
  return checkUpgradeRequest(req.method, req.headers) ?? checkResponseHeaders(list);
}

/** The 101 answer and what it selected. */
interface Answer {
  bytes: Buffer;
  subprotocol: string;
  compression: NegotiatedCompression | null;
}

function isDuplex(x: unknown): x is Duplex {
  const d = x as Duplex;
  return typeof x === "object" && x !== null && typeof d.write === "function" && typeof d.destroy === "function" &&
    typeof d.on === "function";
}

/**
 * Upgrader specifies parameters for upgrading an HTTP connection to a WebSocket connection
 * (gorilla `Upgrader`). It is safe to call its methods concurrently; options are copied at
 * construction.
 *
 * @example Echo server on the 'upgrade' event
 * ```ts
 * const upgrader = new Upgrader({ subprotocols: ["chat"], handshakeTimeout: 10_000 });
 * server.on("upgrade", async (req, socket, head) => {
 *   let conn: Conn;
 *   try { conn = await upgrader.upgrade(req, socket, head); } catch { return; } // answer already sent
 *   for await (const { messageType, data } of conn) await conn.writeMessage(messageType, data);
 * });
 * ```
 * @example From a plain request handler (gorilla Upgrade(w, r, h))
 * ```ts
 * http.createServer(async (req, res) => {
 *   if (!isWebSocketUpgrade(req)) return void res.end("hello");
 *   const conn = await upgrader.upgrade(req, res, { "Set-Cookie": "sid=1" });
 * });
 * ```
 */
export class Upgrader {
  readonly #o: ResolvedUpgraderOptions;
  readonly #limiter: ZlibLimiter | undefined;

  /**
   * @param options - See {@link UpgraderOptions}; copied.
   * @throws TypeError for an option of the wrong kind, RangeError for one out of range.
   */
  constructor(options?: UpgraderOptions) {
    this.#o = resolveUpgraderOptions(options);
    this.#limiter = this.#o.enableCompression ? new ZlibLimiter(this.#o.zlibConcurrency) : undefined;
  }

  /**
   * Upgrade upgrades the HTTP server connection to the WebSocket protocol (gorilla
   * `Upgrader.Upgrade`). On refusal the HTTP error answer is sent, the socket destroyed, and
   * the promise rejects with {@link HandshakeError}.
   *
   * @param req - The request of the `'upgrade'` event.
   * @param socket - The event's socket.
   * @param head - The event's first bytes after the request head; the Conn reads them first.
   * @param responseHeaders - Headers for the 101 (`Set-Cookie`, `Sec-WebSocket-Protocol`, …).
   * @returns The Conn, once the 101 is handed to the socket.
   * @throws {@link HandshakeError} (answer sent), {@link TimeoutError} (`handshakeTimeout`),
   *   {@link CloseError} 1006 (the socket closed), TypeError (misuse, nothing written).
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, responseHeaders?: HttpHeaders): Promise<Conn>;
  /**
   * Upgrade from a request handler (gorilla `Upgrader.Upgrade(w, r, h)`): takes over
   * `req.socket` and detaches node's HTTP parser. Rejects with a 500 {@link HandshakeError},
   * writing nothing, if `res.headersSent`. HTTP/2 requests get 501 for now.
   */
  upgrade(req: UpgradeRequest, res: ServerResponse | Http2ServerResponse, responseHeaders?: HttpHeaders): Promise<Conn>;
  async upgrade(req: UpgradeRequest, target: Duplex | ServerResponse | Http2ServerResponse, a?: unknown, b?: unknown): Promise<Conn> {
    if (typeof req !== "object" || req === null || typeof req.headers !== "object" || req.headers === null) {
      throw new TypeError("websocket: upgrade needs the HTTP request");
    }
    if (isResponse(target)) {
      const list = toHeaderList(a as HttpHeaders | undefined);
      if (isHttp2Request(req)) return this.#refuseHttp2(req, target as Http2ServerResponse);
      const res = target as ServerResponse;
      const socket = (req as IncomingMessage).socket;
      if (!isDuplex(socket)) throw new TypeError("websocket: the request has no socket");
      claim(socket);
      // gorilla hijacks the connection; a response already under way cannot be taken back.
      if (res.headersSent || (socket as { _httpMessage?: unknown })._httpMessage !== res) {
        throw new HandshakeError(500, "websocket: the response was already started");
      }
      const taken = await takeOverSocket(req as IncomingMessage, res);
      return this.#handshake(req as IncomingMessage, socket, undefined, list, taken.early, taken.unhold);
    }
    if (isHttp2Request(req)) throw new TypeError("websocket: HTTP/2 requests need the upgrade(req, res) form");
    if (!isDuplex(target)) throw new TypeError("websocket: upgrade needs a socket or a response");
    if (a !== undefined && a !== null && !(a instanceof Uint8Array)) throw new TypeError("websocket: head must be a Buffer");
    const list = toHeaderList(b as HttpHeaders | undefined);
    claim(target);
    return this.#handshake(req as IncomingMessage, target, a as Buffer | undefined, list, undefined);
  }

  /** The steps of gorilla's `Upgrade` once the socket is ours; `early` only in the (req, res) form. */
  async #handshake(req: IncomingMessage, socket: Duplex, head: Uint8Array | undefined, list: HeaderList,
    early: number | undefined, unhold?: () => void): Promise<Conn> {
    const o = this.#o;
    // Fast path: with the default (synchronous) origin check, a request that passes and a 101 that
    // fits in the socket's buffer need no watching at all: no guard, no listeners, no await
    // (measured: server CPU per handshake 128 → 120 µs, and the socket's 'end' listener list stays
    // a 2-slot array: −176 B per conn).
    if (o.checkOrigin === undefined && !socket.destroyed) {
      const failure = checkRequest(req, list) ?? this.#checkRest(req, socket, early, true);
      if (failure === null) {
        const answer = this.#answer(req, list, socket);
        if (socket.write(answer.bytes)) {
          const conn = this.#open(socket, head, answer);
          unhold?.();
          return conn;
        }
        // The 101 exceeds the socket's buffer: wait for it to drain under the guard (timeout).
        return this.#guarded(req, socket, head, list, early, unhold, answer);
      }
    }
    return this.#guarded(req, socket, head, list, early, unhold, null);
  }

  /** The handshake under a {@link HandshakeGuard}: async origin checks, refusals, slow clients. */
  async #guarded(req: IncomingMessage, socket: Duplex, head: Uint8Array | undefined, list: HeaderList,
    early: number | undefined, unhold: (() => void) | undefined, sent: Answer | null): Promise<Conn> {
    const o = this.#o;
    const guard = new HandshakeGuard(socket, o.handshakeTimeout);
    unhold?.();
    try {
      let answer = sent;
      if (answer === null) {
        let failure = checkRequest(req, list);
        if (failure === null) {
          // A custom origin check (possibly async) runs only on requests that pass the checks
          // before it in gorilla's order; the guard bounds it.
          const originOk = o.checkOrigin === undefined || await guard.race(this.#checkOrigin(req));
          failure = this.#checkRest(req, socket, early, originOk);
        }
        if (failure !== null) return await this.#refuse(guard, req, failure);
        answer = this.#answer(req, list, socket);
        await guard.writeUpgrade(answer.bytes); // one write: the whole head
      } else {
        await guard.drained();
      }
      // Stop watching before the conn starts: its own listeners then join short lists.
      guard.release();
      return this.#open(socket, head, answer);
    } catch (err) {
      guard.release(true);
      if (!(err instanceof HandshakeError)) socket.destroy();
      throw err;
    }
  }

  /**
   * gorilla's checks after {@link checkRequest}: 6 origin (§10.2; `originOk` from a custom check,
   * else the default same-origin policy); 7 Sec-WebSocket-Key (§4.2.1 item 5); 8 a client that did
   * not wait for the 101 (§4.1: "MUST wait"). Null when the request passes.
   */
  #checkRest(req: IncomingMessage, socket: Duplex, early: number | undefined, originOk: boolean): HandshakeFailure | null {
    const ok = this.#o.checkOrigin === undefined ? checkSameOrigin(requestHeader(req, "origin"), requestHost(req)) : originOk;
    if (!ok) return { status: 403, reason: HandshakeReasons.origin };
    return checkChallengeKey(req.headers["sec-websocket-key"]) ??
      (early !== undefined && (early > 0 || socket.readableLength > 0) ? { status: 400, reason: HandshakeReasons.earlyData } : null);
  }

  /** §4.2.2 item 5: the 101 with the subprotocol and extensions we selected; readies the socket. */
  #answer(req: IncomingMessage, list: HeaderList, socket: Duplex): Answer {
    const subprotocol = this.#selectSubprotocol(req, list);
    const negotiated = this.#negotiateCompression(req);
    const response = buildUpgradeResponse({
      accept: computeAcceptKey(String(req.headers["sec-websocket-key"])), subprotocol,
      extensions: negotiated?.response ?? "", headers: list,
    });
    // The HTTP server's idle timeout no longer applies; frames should not wait for Nagle.
    const s = socket as Duplex & { setTimeout?: (ms: number) => void; setNoDelay?: (b: boolean) => void };
    if (typeof s.setTimeout === "function") s.setTimeout(0);
    if (typeof s.setNoDelay === "function") s.setNoDelay(true);
    return { bytes: Buffer.from(response, "latin1"), subprotocol, compression: negotiated?.params ?? null };
  }

  #open(socket: Duplex, head: Uint8Array | undefined, a: Answer): Conn {
    const o = this.#o;
    return newConn(socket, {
      server: true, subprotocol: a.subprotocol, head, compression: a.compression, compressionOptions: o.compression,
      readBufferSize: o.readBufferSize, writeBufferSize: o.writeBufferSize, writeBufferPool: o.writeBufferPool,
      writeHighWaterMark: o.writeHighWaterMark, readLimit: o.readLimit, keepAlive: o.keepAlive, zlibLimiter: this.#limiter,
    });
  }

  async #checkOrigin(req: IncomingMessage): Promise<boolean> {
    try {
      return (await this.#o.checkOrigin!(req)) === true;
    } catch {
      return false; // API.md §2: a throwing or rejecting checkOrigin refuses (403).
    }
  }

  // gorilla: the first of Upgrader.Subprotocols the client offered; without that option, the
  // application's own Sec-WebSocket-Protocol response header.
  #selectSubprotocol(req: IncomingMessage, list: HeaderList): string {
    if (this.#o.subprotocols !== undefined) {
      return selectSubprotocol(this.#o.subprotocols, parseSubprotocolOffer(req.headers["sec-websocket-protocol"]));
    }
    for (const [name, value] of list) if (equalASCIIFold(name, "sec-websocket-protocol")) return value;
    return "";
  }

  // RFC 7692 §5: accept the first acceptable permessage-deflate offer; a bad offer is declined.
  #negotiateCompression(req: IncomingMessage): { response: string; params: NegotiatedCompression } | null {
    if (!this.#o.enableCompression) return null;
    try {
      return negotiateServer(req.headers["sec-websocket-extensions"], this.#o.compression);
    } catch {
      return null;
    }
  }

  #refuse(guard: HandshakeGuard, req: UpgradeRequest, failure: HandshakeFailure): Promise<never> {
    const err = new HandshakeError(failure.status, failure.reason);
    return guard.refuse(errorAnswerBytes(errorAnswer(req, failure, err, this.#o.error)), err);
  }

  // TODO(RFC 8441 issue): WebSocket over HTTP/2 (API.md §13). Until then: 501.
  #refuseHttp2(req: Http2ServerRequest, res: Http2ServerResponse): never {
    const failure: HandshakeFailure = { status: 501, reason: "websocket: HTTP/2 is not supported yet" };
    claim(res.stream ?? res);
    if (res.headersSent) throw new HandshakeError(500, "websocket: the response was already started");
    const err = new HandshakeError(failure.status, failure.reason);
    const answer = errorAnswer(req, failure, err, this.#o.error);
    try {
      res.writeHead(answer.status, errorAnswerH2Headers(answer));
      res.end(answer.body);
    } catch {
      // The stream is already gone; the refusal stands.
    }
    throw err;
  }
}
