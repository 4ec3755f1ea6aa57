/**
 * Client side of the opening handshake (RFC 6455 §4.1), sans-I/O: builds the request head, parses
 * the response head incrementally (16 KiB cap) and checks it. Pure: no sockets, timers or promises.
 */
import { Buffer } from "node:buffer";
import { MAX_HANDSHAKE_HEAD } from "../constants.js";
import type { HttpHeaders } from "../types.js";
import { computeAcceptKey } from "./accept-key.js";
import { isValidHeaderName, isValidHeaderValue, tokenListContainsValue } from "./header-tokens.js";
import { acceptServerResponse } from "../extensions/permessage-deflate/negotiate.js";
import type { CompressionOptions, NegotiatedCompression } from "../extensions/compression.js";

/** Headers the handshake owns; the caller may not set them (gorilla's duplicate-header check). */
const OWNED = ["Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions"];

/** The caller's extra request headers, validated and sorted out for {@link buildUpgradeRequest}. */
export interface PreparedHeaders {
  /** `Host` override from the caller's headers, if any. */
  host: string | undefined;
  /** The caller's `Cookie` values, merged with the jar's cookie string. */
  cookies: string[];
  /** True when the caller set `Authorization` (URL userinfo is then not used). */
  hasAuthorization: boolean;
  /** The caller's own `Sec-WebSocket-Protocol` (allowed only while no subprotocols are configured). */
  protocolHeader: string | undefined;
  /** Every other header, in the caller's order. */
  list: Array<[string, string]>;
}

function headerValues(name: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (typeof v === "string") return [v];
  if (typeof v === "number") return [String(v)];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new TypeError(`websocket: invalid header value for ${name}`);
}

/**
 * Validates the caller's request headers (gorilla `DialContext`'s header loop): names and values
 * must be legal (no CR, LF or NUL), and headers the handshake sets are refused.
 * @throws {TypeError} `websocket: duplicate header not allowed: <Name>`, or an invalid name/value.
 */
export function prepareRequestHeaders(headers: HttpHeaders | undefined, hasSubprotocols: boolean): PreparedHeaders {
  const out: PreparedHeaders = { host: undefined, cookies: [], hasAuthorization: false, protocolHeader: undefined, list: [] };
  if (headers === undefined || headers === null) return out;
  if (typeof headers !== "object") throw new TypeError("websocket: headers must be an object or Headers");
  const entries: Array<[string, unknown]> = [];
  // A WHATWG Headers, from this realm or another (undici's own class): anything with forEach and get.
  const whatwg = headers as Partial<Headers>;
  if (typeof whatwg.forEach === "function" && typeof whatwg.get === "function") whatwg.forEach((v, k) => entries.push([k, v]));
  else for (const k of Object.keys(headers)) entries.push([k, (headers as Record<string, unknown>)[k]]);
  for (const [name, raw] of entries) {
    if (!isValidHeaderName(name)) throw new TypeError(`websocket: invalid header name: ${JSON.stringify(name)}`);
    const values = headerValues(name, raw);
    for (const v of values) {
      // Header bytes go out as latin1 (as node:http does), so code points above U+00FF are refused too.
      if (!isValidHeaderValue(v) || /[^\t\x20-\xff]/.test(v)) throw new TypeError(`websocket: invalid header value for ${name}`);
    }
    const lower = name.toLowerCase();
    const owned = OWNED.find((o) => o.toLowerCase() === lower);
    if (owned !== undefined || (hasSubprotocols && lower === "sec-websocket-protocol")) {
      throw new TypeError(`websocket: duplicate header not allowed: ${owned ?? "Sec-WebSocket-Protocol"}`);
    }
    if (values.length === 0) continue;
    if (lower === "host") out.host = values[0];
    else if (lower === "cookie") out.cookies.push(...values);
    else if (lower === "sec-websocket-protocol") out.protocolHeader = values.join(", ");
    else {
      if (lower === "authorization") out.hasAuthorization = true;
      for (const v of values) out.list.push([name, v]);
    }
  }
  return out;
}

/** Everything {@link buildUpgradeRequest} writes. */
export interface UpgradeRequest {
  /** Request target: path and query (RFC 9112 §3.2.1 origin-form). */
  target: string;
  host: string;
  key: string;
  /** Offered subprotocols (from the Dialer option); joined by `, `. */
  subprotocols: readonly string[];
  /** `Sec-WebSocket-Extensions` offer, or "" for none. */
  extensions: string;
  /** `Cookie` value (jar and caller merged), or "". */
  cookie: string;
  /** `Authorization` value from URL userinfo, or "". */
  authorization: string;
  headers: PreparedHeaders;
}

/**
 * Builds the request head of RFC 6455 §4.1 in the order of API.md §3 (gorilla `DialContext`).
 * @returns the head, ending with the empty line, as a latin1 string.
 */
export function buildUpgradeRequest(r: UpgradeRequest): string {
  let s = `GET ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${r.key}\r\nSec-WebSocket-Version: 13\r\n`;
  if (r.subprotocols.length > 0) s += `Sec-WebSocket-Protocol: ${r.subprotocols.join(", ")}\r\n`;
  if (r.extensions !== "") s += `Sec-WebSocket-Extensions: ${r.extensions}\r\n`;
  if (r.cookie !== "") s += `Cookie: ${r.cookie}\r\n`;
  if (r.authorization !== "") s += `Authorization: ${r.authorization}\r\n`;
  if (r.headers.protocolHeader !== undefined) s += `Sec-WebSocket-Protocol: ${r.headers.protocolHeader}\r\n`;
  for (const [k, v] of r.headers.list) s += `${k}: ${v}\r\n`;
  return s + "\r\n";
}

/** `Basic` credentials of RFC 7617 §2 from percent-encoded URL userinfo. */
export function basicAuth(username: string, password: string): string {
  const dec = (s: string): string => {
    try { return decodeURIComponent(s); } catch { return s; }
  };
  return "Basic " + Buffer.from(`${dec(username)}:${dec(password)}`, "utf8").toString("base64");
}

/** A parsed HTTP/1.1 response head. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower-case names; `set-cookie` is always an array, repeated others are joined with `, `. */
  headers: Record<string, string | string[]>;
}

/** What {@link ResponseHeadParser.push} reports. */
export type HeadParseResult =
  | { state: "partial" }
  | { state: "done"; head: ResponseHead; rest: Buffer }
  | { state: "error"; reason: string };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental HTTP/1.1 response-head parser (RFC 9112 §2–§5): feed chunks as they arrive; it
 * reports the head and the bytes after it (the first WebSocket bytes) once the empty line is seen.
 * Heads over `limit` bytes (default 16 KiB), obs-fold continuation aside, are refused.
 */
export class ResponseHeadParser {
  readonly #limit: number;
  #buf: Buffer | undefined;
  #len = 0;
  #lineStart = 0;
  #finished = false;

  constructor(limit: number = MAX_HANDSHAKE_HEAD) {
    this.#limit = limit;
  }

  /** Feeds bytes. After `done` or `error`, further calls report the same kind of error. */
  push(chunk: Uint8Array): HeadParseResult {
    if (this.#finished) return { state: "error", reason: "parser already finished" };
    const buf = (this.#buf ??= Buffer.allocUnsafe(this.#limit));
    for (let i = 0; i < chunk.length; i++) {
      if (this.#len >= this.#limit) {
        this.#finished = true;
        return { state: "error", reason: `response head exceeds ${this.#limit} bytes` };
      }
      const b = chunk[i]!;
      buf[this.#len++] = b;
      if (b !== LF) continue;
      // RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator.
      let end = this.#len - 1;
      if (end > this.#lineStart && buf[end - 1] === CR) end--;
      if (end === this.#lineStart) {
        this.#finished = true;
        if (end === 0) return { state: "error", reason: "empty line before the status line" };
        const parsed = parseHead(buf.toString("latin1", 0, this.#lineStart));
        if (typeof parsed === "string") return { state: "error", reason: parsed };
        const rest = Buffer.from(chunk.buffer, chunk.byteOffset + i + 1, chunk.length - i - 1);
        this.#buf = undefined;
        return { state: "done", head: parsed, rest };
      }
      this.#lineStart = this.#len;
    }
    return { state: "partial" };
  }
}

const STATUS_LINE = /^HTTP\/1\.[0-9] ([0-9]{3})(?: ([^\r\n]*))?$/;

/** Parses the head's lines (without the final empty line); returns a reason string on error. */
function parseHead(text: string): ResponseHead | string {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  lines.pop(); // the text ends with a line terminator
  const m = STATUS_LINE.exec(lines[0]!);
  if (m === null) return "malformed status line";
  const head: ResponseHead = { status: Number(m[1]), statusText: m[2] ?? "", headers: {} };
  const fields: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/[\0\r]/.test(line)) return "NUL or bare CR in a header line";
    if (line[0] === " " || line[0] === "\t") {
      // RFC 9112 §5.2: a user agent replaces an obs-fold with SP before interpreting the value.
      const last = fields[fields.length - 1];
      if (last === undefined) return "continuation line before the first header";
      last[1] = trimOWS(last[1] + " " + trimOWS(line));
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    // RFC 9112 §5.1: no whitespace is allowed between the field name and the colon.
    if (name === "" || !isValidHeaderName(name)) return `malformed header line ${JSON.stringify(line.slice(0, 64))}`;
    fields.push([name.toLowerCase(), trimOWS(line.slice(colon + 1))]);
  }
  const h = head.headers;
  for (const [name, value] of fields) {
    // Own properties only: a server's "__proto__" or "constructor" header must not reach Object.prototype.
    const prev = Object.hasOwn(h, name) ? h[name] : undefined;
    const next = name === "set-cookie" ? [...((prev as string[] | undefined) ?? []), value]
      : prev === undefined ? value : `${prev as string}, ${value}`;
    Object.defineProperty(h, name, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return head;
}

/** Strips optional whitespace (SP, HTAB; RFC 9110 §5.6.3) from both ends, in linear time. */
function trimOWS(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === " " || s[a] === "\t")) a++;
  while (b > a && (s[b - 1] === " " || s[b - 1] === "\t")) b--;
  return s.slice(a, b);
}

/** What the Dialer offered, to check the answer against. */
export interface OfferedHandshake {
  key: string;
  /** Subprotocols offered (Dialer option or the caller's own header). */
  subprotocols: readonly string[];
  /** True when permessage-deflate was offered. */
  compressionOffered: boolean;
  /** The options the offer was built from (`undefined` = defaults). */
  compressionOptions: CompressionOptions | undefined;
}

/** Verdict of {@link checkUpgradeResponse}. */
export type ResponseVerdict =
  | { ok: true; subprotocol: string; compression: NegotiatedCompression | null }
  | { ok: false; message: string; reason: string };

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}

/**
 * Checks a response head against the request, in gorilla's order then RFC 6455 §4.1's remaining
 * client rules (subprotocol and extensions must be ones offered).
 * @returns the subprotocol and negotiated compression, or the BadHandshakeError message and why.
 */
export function checkUpgradeResponse(head: ResponseHead, offer: OfferedHandshake): ResponseVerdict {
  const bad = (reason: string): ResponseVerdict => ({ ok: false, message: "websocket: bad handshake", reason });
  const h = head.headers;
  // RFC 6455 §4.1 client steps 1–4 (gorilla checks these four together → ErrBadHandshake).
  if (head.status !== 101) return bad(`unexpected status ${head.status}`);
  if (!tokenListContainsValue(h["upgrade"], "websocket")) return bad("'websocket' token not found in 'Upgrade' header");
  if (!tokenListContainsValue(h["connection"], "upgrade")) return bad("'upgrade' token not found in 'Connection' header");
  if (one(h["sec-websocket-accept"]) !== computeAcceptKey(offer.key)) return bad("wrong 'Sec-WebSocket-Accept'");
  // Step 6: "If the response includes a |Sec-WebSocket-Protocol| header field and this header field
  // indicates the use of a subprotocol that was not present in the client's handshake ... fail".
  const protocol = one(h["sec-websocket-protocol"]);
  if (protocol !== undefined && protocol !== "" && !offer.subprotocols.includes(protocol)) {
    return bad(`server selected subprotocol ${JSON.stringify(protocol)} that was not offered`);
  }
  // Step 5: an extension not requested by the client fails the connection.
  const ext = h["sec-websocket-extensions"];
  const present = ext !== undefined && one(ext)!.split(",").some((e) => e.trim() !== "");
  if (!present) return { ok: true, subprotocol: protocol ?? "", compression: null };
  if (!offer.compressionOffered) return bad("server selected an extension that was not offered");
  const r = acceptServerResponse(ext, offer.compressionOptions);
  if (!r.ok) return { ok: false, message: "websocket: invalid compression negotiation", reason: r.reason };
  return { ok: true, subprotocol: protocol ?? "", compression: r.params };
}
