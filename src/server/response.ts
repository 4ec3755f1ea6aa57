/**
 * Bytes of the Upgrader's answers: the application's response headers as a checked list, and the
 * HTTP error answer (default or from the `error` hook). Builds bytes; never writes them.
 */
import { STATUS_CODES, type OutgoingHttpHeaders } from "node:http";
import type { HttpHeaders } from "../types.js";
import { HandshakeError } from "../errors.js";
import { equalASCIIFold, isValidHeaderName, isValidHeaderValue } from "../handshake/header-tokens.js";
import { buildErrorResponse, isLatin1, VERSION_HEADER, type HandshakeFailure, type HeaderList } from "../handshake/server-handshake.js";
import type { ErrorResponse, UpgradeRequest, UpgraderOptions } from "./options.js";

/**
 * Flattens node headers or WHATWG `Headers` into `[name, value]` lines, in order; an array value
 * (`Set-Cookie`) gives one line per element, `undefined` values are skipped.
 * @throws TypeError when `h` is neither kind of header object.
 */
export function toHeaderList(h: HttpHeaders | undefined | null): [string, string][] {
  const out: [string, string][] = [];
  if (h === undefined || h === null) return out;
  if (typeof h !== "object") throw new TypeError("websocket: response headers must be an object or a Headers");
  if (typeof Headers === "function" && h instanceof Headers) {
    // Iteration yields each Set-Cookie separately and joins other repeats with ", ".
    for (const [name, value] of h) out.push([name, value]);
    return out;
  }
  for (const name of Object.keys(h)) {
    const v = (h as OutgoingHttpHeaders)[name];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const e of v) out.push([name, String(e)]);
    else if (typeof v === "string" || typeof v === "number") out.push([name, String(v)]);
    else throw new TypeError(`websocket: invalid value for response header ${name}`);
  }
  return out;
}

/** An error answer, ready to send over HTTP/1.1 (`head` + `body`) or HTTP/2 (`headers` + `body`). */
export interface ErrorAnswer {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

function fromHook(r: ErrorResponse | void, failure: HandshakeFailure): ErrorAnswer {
  if (r === undefined || r === null) r = {};
  if (typeof r !== "object" || typeof (r as { then?: unknown }).then === "function") {
    throw new TypeError("websocket: error hook must return an object"); // a Promise is too late
  }
  const headers = toHeaderList(r.headers);
  for (const [name, value] of headers) {
    if (!isValidHeaderName(name) || !isValidHeaderValue(value) || !isLatin1(value)) {
      throw new TypeError(`websocket: invalid header from error hook: ${name}`);
    }
  }
  // The status is fixed; check 4 still announces the supported version (RFC 6455 §4.4).
  for (const extra of failure.headers ?? []) {
    if (!headers.some(([n]) => equalASCIIFold(n, extra[0]))) headers.push([extra[0], extra[1]]);
  }
  let body: Buffer;
  if (r.body === undefined) body = Buffer.alloc(0);
  else if (typeof r.body === "string") body = Buffer.from(r.body, "utf8");
  else if (r.body instanceof Uint8Array) body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  else throw new TypeError("websocket: error hook body must be a string or a Uint8Array");
  return { status: failure.status, headers, body };
}

/**
 * Builds the answer to a refused request: the `error` hook's result when it returns a valid one,
 * else the default (API.md §2): `Content-Type: text/plain; charset=utf-8`,
 * `Sec-WebSocket-Version: 13`, and the reason as body.
 */
export function errorAnswer(req: UpgradeRequest, failure: HandshakeFailure, err: HandshakeError,
  hook: UpgraderOptions["error"]): ErrorAnswer {
  if (hook !== undefined) {
    try {
      return fromHook(hook(req, failure.status, err), failure);
    } catch {
      // A throwing or malformed hook falls back to the default answer.
    }
  }
  return {
    status: failure.status,
    headers: [["Content-Type", "text/plain; charset=utf-8"], VERSION_HEADER],
    body: Buffer.from(failure.reason, "utf8"),
  };
}

/** Serializes an error answer for HTTP/1.1, with `Connection: close` and `Content-Length`. */
export function errorAnswerBytes(a: ErrorAnswer): Buffer {
  const head = buildErrorResponse(a.status, STATUS_CODES[a.status] ?? "Unknown", a.headers, a.body.length);
  return Buffer.concat([Buffer.from(head, "latin1"), a.body]);
}

// RFC 9113 §8.2.2: connection-specific fields must not appear in HTTP/2 responses.
const H2_FORBIDDEN = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

/** The headers of an error answer as an object for `Http2ServerResponse.writeHead`. */
export function errorAnswerH2Headers(a: ErrorAnswer): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of a.headers) {
    const n = name.toLowerCase();
    if (H2_FORBIDDEN.includes(n) || n === "content-length") continue;
    const prev = out[n];
    out[n] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  out["content-length"] = String(a.body.length);
  return out;
}
