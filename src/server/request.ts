/**
 * Questions about an incoming request that need no socket: is it a WebSocket upgrade (HTTP/1.1
 * or RFC 8441 HTTP/2), which subprotocols does it offer. Never writes anything.
 */
import { Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { ServerResponse } from "node:http";
import type { UpgradeRequest } from "./options.js";
import { tokenListContainsValue, equalASCIIFold, type HeaderInput } from "../handshake/header-tokens.js";
import { parseSubprotocolOffer } from "../handshake/subprotocols.js";

/** Reports whether `req` arrived over HTTP/2 (node's compatibility API). */
export function isHttp2Request(req: UpgradeRequest): req is Http2ServerRequest {
  return req instanceof Http2ServerRequest || (req as { httpVersionMajor?: number }).httpVersionMajor === 2;
}

/** Reports whether `x` is an HTTP response object (the `(req, res)` form), not a socket. */
export function isResponse(x: unknown): x is ServerResponse | Http2ServerResponse {
  // Both response classes have writeHead and no socket has: one property test instead of two
  // instanceof walks up a socket's prototype chain on every upgrade.
  return typeof x === "object" && x !== null && typeof (x as ServerResponse).writeHead === "function";
}

function header(req: UpgradeRequest, name: string): HeaderInput {
  const h = (req as { headers?: Record<string, HeaderInput> }).headers;
  return typeof h === "object" && h !== null ? h[name] : undefined;
}

/**
 * isWebSocketUpgrade returns true if the client requested an upgrade to the WebSocket protocol
 * (gorilla `IsWebSocketUpgrade`): `Connection` contains `upgrade` and `Upgrade` contains
 * `websocket` (RFC 6455 §4.2.1). On HTTP/2: `:method` CONNECT with `:protocol` websocket
 * (RFC 8441 §4).
 *
 * @param req - The request.
 * @returns Whether it asks for a WebSocket.
 */
export function isWebSocketUpgrade(req: UpgradeRequest): boolean {
  if (typeof req !== "object" || req === null) return false;
  if (isHttp2Request(req)) {
    const method = header(req, ":method");
    const protocol = header(req, ":protocol");
    return method === "CONNECT" && typeof protocol === "string" && equalASCIIFold(protocol, "websocket");
  }
  return tokenListContainsValue(header(req, "connection"), "upgrade") &&
    tokenListContainsValue(header(req, "upgrade"), "websocket");
}

/**
 * subprotocols returns the subprotocols requested by the client in the `Sec-WebSocket-Protocol`
 * header, split on commas and trimmed, in the client's order (gorilla `Subprotocols`).
 *
 * @param req - The request.
 * @returns The offered names; `[]` when the header is absent.
 */
export function subprotocols(req: UpgradeRequest): string[] {
  if (typeof req !== "object" || req === null) return [];
  return parseSubprotocolOffer(header(req, "sec-websocket-protocol"));
}

/** The request's `Host`, or `:authority` on HTTP/2. */
export function requestHost(req: UpgradeRequest): HeaderInput {
  return isHttp2Request(req) ? header(req, ":authority") ?? header(req, "host") : header(req, "host");
}

/** One request header by lower-case name; absent headers (ws CVE-2024-37890) are `undefined`. */
export function requestHeader(req: UpgradeRequest, name: string): HeaderInput {
  return header(req, name);
}
