/**
 * Every error class silverback throws, in one tree, plus gorilla's isCloseError helpers.
 * Messages keep gorilla's wording. Imports nothing but types.
 */

/** The reduced HTTP response carried by {@link BadHandshakeError} (gorilla: `*http.Response`). */
export interface HandshakeResponse {
  /** HTTP status; 0 when the connection closed before a response, or for SOCKS5 failures. */
  status: number;
  /** The HTTP reason phrase ("" for SOCKS5 failures and early closes). */
  statusText: string;
  /** Lower-case header names, like node's IncomingHttpHeaders. */
  headers: Record<string, string | string[]>;
  /** Up to 1024 bytes of the body of a failed answer; empty on success. */
  body: Buffer;
}

/** Base class of every silverback error. Never thrown directly. */
export class WebSocketError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

// gorilla's closeErrorText map (conn.go), used to build CloseError messages.
const closeText: Record<number, string> = {
  1000: "(normal)",
  1001: "(going away)",
  1002: "(protocol error)",
  1003: "(unsupported data)",
  1005: "(no status)",
  1006: "(abnormal closure)",
  1007: "(invalid payload data)",
  1008: "(policy violation)",
  1009: "(message too big)",
  1010: "(mandatory extension missing)",
  1011: "(internal server error)",
  1015: "(TLS handshake error)",
};

/**
 * CloseError represents a close message (gorilla: `*CloseError`): the peer's close frame,
 * or code 1006 when the connection ended without one.
 */
export class CloseError extends WebSocketError {
  /** The close code (gorilla `Code`). */
  readonly code: number;
  /** The close reason (gorilla `Text`). */
  readonly text: string;
  constructor(code: number, text = "", options?: ErrorOptions) {
    let s = "websocket: close " + code;
    const t = closeText[code];
    if (t !== undefined) s += " " + t;
    if (text !== "") s += ": " + text;
    super(s, options);
    this.code = code;
    this.text = text;
  }
}

/** The peer broke RFC 6455 or RFC 7692; `closeCode` is the close code we sent (1002, 1007). */
export class ProtocolError extends WebSocketError {
  /** The close code sent to the peer when the connection was failed. */
  readonly closeCode: number;
  constructor(message: string, closeCode: number, options?: ErrorOptions) {
    super(message, options);
    this.closeCode = closeCode;
  }
}

/** A message exceeded the read limit (gorilla: `ErrReadLimit`); close 1009 was sent. */
export class ReadLimitError extends WebSocketError {
  /** The limit in bytes that was exceeded. */
  readonly limit: number;
  /** Always 1009 (message too big). */
  readonly closeCode = 1009 as const;
  constructor(limit: number, options?: ErrorOptions) {
    super("websocket: read limit exceeded", options);
    this.limit = limit;
  }
}

/** A write was attempted after our close frame was sent (gorilla: `ErrCloseSent`). */
export class CloseSentError extends WebSocketError {
  constructor(options?: ErrorOptions) {
    super("websocket: close sent", options);
  }
}

/** The Upgrader refused a request; the HTTP error response was already sent (gorilla: `HandshakeError`). */
export class HandshakeError extends WebSocketError {
  /** HTTP status sent to the client. */
  readonly status: number;
  /** Reason text, also the body of the default error response. */
  readonly reason: string;
  constructor(status: number, reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.status = status;
    this.reason = reason;
  }
}

/** The server or proxy refused the handshake or answered wrongly (gorilla: `ErrBadHandshake`). */
export class BadHandshakeError extends WebSocketError {
  /** Status, headers and up to 1024 bytes of body of the answer. */
  readonly response: HandshakeResponse;
  /** True when the proxy, not the server, refused. */
  readonly proxy: boolean;
  constructor(response: HandshakeResponse, message = "websocket: bad handshake", options?: ErrorOptions & { proxy?: boolean }) {
    super(message, options);
    this.response = response;
    this.proxy = options?.proxy ?? false;
  }
}

/** A deadline or timeout passed (gorilla: a `net.Error` whose `Timeout()` is true). */
export class TimeoutError extends WebSocketError {
  /** Always true, like Go's `net.Error.Timeout()`. */
  readonly timeout = true as const;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * isCloseError returns boolean indicating whether the error is a {@link CloseError} with one of
 * the specified codes. gorilla: `IsCloseError(err, codes...)`.
 */
export function isCloseError(err: unknown, ...codes: number[]): boolean {
  return err instanceof CloseError && codes.includes(err.code);
}

/**
 * isUnexpectedCloseError returns boolean indicating whether the error is a {@link CloseError}
 * with a code not in the list of expected codes. gorilla: `IsUnexpectedCloseError(err, codes...)`.
 */
export function isUnexpectedCloseError(err: unknown, ...expected: number[]): boolean {
  return err instanceof CloseError && !expected.includes(err.code);
}

/**
 * Builds an internal error without capturing a stack trace. For the 1006 errors made for every
 * connection that ends, where the stack says nothing (measured: 6 % of handshake-churn CPU).
 * @internal
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
