/**
 * The server side of the opening handshake (RFC 6455 §4.2): request checks in gorilla's order,
 * response-header checks, and the bytes of the 101 and error answers. Pure: strings in, strings out.
 */
import { isValidChallengeKey } from "./accept-key.js";
import { equalASCIIFold, isValidHeaderName, isValidHeaderValue, tokenListContainsValue, type HeaderInput } from "./header-tokens.js";

/** Request headers as node delivers them (lower-case names). */
export type HeaderRecord = Readonly<Record<string, HeaderInput>>;
/** A response header list: one `[name, value]` pair per line, in order. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Why the Upgrader refuses a request: the HTTP status, gorilla's reason text, extra headers. */
export interface HandshakeFailure {
  status: number;
  reason: string;
  /** Headers the answer must carry besides the defaults (check 4 adds the supported version). */
  headers?: HeaderList;
}

const P = "websocket: the client is not using the websocket protocol: ";

/** The reason texts of API.md §2, gorilla's wording. */
export const HandshakeReasons = {
  connection: P + "'upgrade' token not found in 'Connection' header",
  upgrade: P + "'websocket' token not found in 'Upgrade' header",
  method: P + "request method is not GET",
  version: "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header",
  extensions: "websocket: application specific 'Sec-WebSocket-Extensions' headers are unsupported",
  origin: "websocket: request origin not allowed by Upgrader.CheckOrigin",
  keyMissing: "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header is missing or blank",
  keyInvalid: "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length",
  earlyData: "websocket: client sent data before handshake is complete",
  invalidHeader: "websocket: invalid response header: ",
} as const;

/** The only version this server speaks (RFC 6455 §4.2.2 item 4: answered on a mismatch). */
export const VERSION_HEADER: readonly [string, string] = ["Sec-WebSocket-Version", "13"];

/**
 * checkUpgradeRequest runs checks 1–4 of the Upgrader (gorilla `Upgrader.Upgrade`, RFC 6455
 * §4.2.1): `Connection` has `upgrade`, `Upgrade` has `websocket`, the method is GET, and
 * `Sec-WebSocket-Version` has `13`. Absent headers count as empty (ws CVE-2024-37890).
 *
 * @param method - The request method.
 * @param headers - The request headers, lower-case names.
 * @returns The first failure, or `null` when the request passes.
 */
export function checkUpgradeRequest(method: string | undefined, headers: HeaderRecord): HandshakeFailure | null {
  // RFC 6455 §4.2.1 items 4–3 in gorilla's order: the header tokens first, then the method.
  if (!tokenListContainsValue(headers["connection"], "upgrade")) return { status: 400, reason: HandshakeReasons.connection };
  if (!tokenListContainsValue(headers["upgrade"], "websocket")) return { status: 400, reason: HandshakeReasons.upgrade };
  if (method !== "GET") return { status: 405, reason: HandshakeReasons.method };
  // §4.2.1 item 6: "A |Sec-WebSocket-Version| header field, with a value of 13."
  if (!tokenListContainsValue(headers["sec-websocket-version"], "13")) {
    return { status: 400, reason: HandshakeReasons.version, headers: [VERSION_HEADER] };
  }
  return null;
}

/**
 * checkChallengeKey runs check 7 (RFC 6455 §4.2.1 item 5): `Sec-WebSocket-Key` is present, not
 * blank, appears once, and is the base64 encoding of 16 bytes.
 *
 * @param value - The request's `Sec-WebSocket-Key` value(s).
 * @returns The failure, or `null` when the key is valid.
 */
export function checkChallengeKey(value: HeaderInput): HandshakeFailure | null {
  if (value === undefined || value.length === 0) return { status: 400, reason: HandshakeReasons.keyMissing };
  // §11.3.1: the field "MUST NOT appear more than once"; node joins repeats with ", ".
  if (typeof value !== "string" && value.length > 1) return { status: 400, reason: HandshakeReasons.keyInvalid };
  const key = typeof value === "string" ? value : value[0]!;
  if (key.trim() === "") return { status: 400, reason: HandshakeReasons.keyMissing };
  if (!isValidChallengeKey(key)) return { status: 400, reason: HandshakeReasons.keyInvalid };
  return null;
}

// Header names the library writes itself in the 101 (RFC 6455 §4.2.2 item 5).
const RESERVED = ["upgrade", "connection", "sec-websocket-accept"];

/**
 * checkResponseHeaders runs check 5 on the application's response headers: no
 * `Sec-WebSocket-Extensions` (gorilla), none of the headers the library writes, and every name a
 * token and every value free of CR, LF, NUL and characters above U+00FF (a header is latin1).
 *
 * @param list - The application's headers, in order.
 * @returns The failure (status 500), or `null`.
 */
export function checkResponseHeaders(list: HeaderList): HandshakeFailure | null {
  for (const [name] of list) {
    if (equalASCIIFold(name, "sec-websocket-extensions")) return { status: 500, reason: HandshakeReasons.extensions };
  }
  for (const [name, value] of list) {
    const reserved = RESERVED.some((r) => equalASCIIFold(name, r));
    if (reserved || !isValidHeaderName(name) || !isValidHeaderValue(value) || !isLatin1(value)) {
      return { status: 500, reason: HandshakeReasons.invalidHeader + name };
    }
  }
  return null;
}

/** Reports whether every code unit of `s` fits in one latin1 byte. */
export function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** What the 101 answer carries (RFC 6455 §4.2.2 item 5). */
export interface UpgradeResponseParts {
  /** `Sec-WebSocket-Accept`, from `computeAcceptKey`. */
  accept: string;
  /** The selected subprotocol; omitted when `""`. */
  subprotocol: string;
  /** The negotiated `Sec-WebSocket-Extensions` value; omitted when `""`. */
  extensions: string;
  /** The application's headers (already checked), written last. */
  headers: HeaderList;
}

/**
 * buildUpgradeResponse returns the head of the `101 Switching Protocols` answer, ending with the
 * empty line. A `Sec-WebSocket-Protocol` among `headers` is skipped (the selection is written
 * once, gorilla).
 */
export function buildUpgradeResponse(parts: UpgradeResponseParts): string {
  let s = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  s += "Sec-WebSocket-Accept: " + parts.accept + "\r\n";
  if (parts.subprotocol !== "") s += "Sec-WebSocket-Protocol: " + parts.subprotocol + "\r\n";
  if (parts.extensions !== "") s += "Sec-WebSocket-Extensions: " + parts.extensions + "\r\n";
  for (const [name, value] of parts.headers) {
    if (equalASCIIFold(name, "sec-websocket-protocol")) continue;
    s += name + ": " + value + "\r\n";
  }
  return s + "\r\n";
}

/**
 * buildErrorResponse returns the head of an error answer: the status line, `headers`, then
 * `Connection: close` and `Content-Length` (the library frames the body and closes the socket).
 * `Connection`, `Content-Length` and `Transfer-Encoding` among `headers` are skipped.
 */
export function buildErrorResponse(status: number, statusText: string, headers: HeaderList, bodyLength: number): string {
  let s = "HTTP/1.1 " + status + " " + statusText + "\r\n";
  for (const [name, value] of headers) {
    if (equalASCIIFold(name, "connection") || equalASCIIFold(name, "content-length") || equalASCIIFold(name, "transfer-encoding")) continue;
    s += name + ": " + value + "\r\n";
  }
  return s + "Connection: close\r\nContent-Length: " + bodyLength + "\r\n\r\n";
}
