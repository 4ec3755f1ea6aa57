// Receiver: received bytes → ReadEvent[] (payload chunks, pings, pongs, close, error), with
// fragment order, the read limit, UTF-8 of text messages and close payloads checked.
// Pure: never touches a socket or a timer; it returns events and never writes.
import { Buffer } from "node:buffer";
import { ProtocolError, ReadLimitError } from "../errors.js";
import { parseClosePayload } from "./close-payload.js";
import { FrameParser, HEADER_INCOMPLETE } from "./frame-parser.js";
import { maskRange } from "./mask.js";
import { isValidUtf8, utf8ValidPrefix, Utf8Validator } from "./utf8-validator.js";

// Payload views are made with Buffer's own view constructor from the chunk's ArrayBuffer, read
// once per push: 22 ns per view instead of 48 ns for chunk.subarray() (Node 20 x64).
const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (ab: ArrayBufferLike, offset: number, length: number) => Buffer })[
  Symbol.species
];

/**
 * What {@link Receiver.push} reports, in wire order.
 * - `data`: a piece of a data message's payload, unmasked: a zero-copy `Buffer` view of the pushed chunk.
 *   `first` marks the first piece of a message and `fin` its last; every message yields at least one
 *   piece with `first` and exactly one with `fin` (possibly the same, possibly empty).
 * - `ping` / `pong`: the payload, an own copy.
 * - `close`: the peer's close frame, validated; `code` 1005 when the payload was empty.
 * - `error`: the connection must be failed; always the last event. Before an invalid UTF-8 error,
 *   the bytes of the failing piece up to the first impossible byte come as a piece with `fin`
 *   false, so the events are the same however the input was cut into chunks.
 */
export type ReadEvent =
  | { kind: "data"; messageType: 1 | 2; compressed: boolean; first: boolean; fin: boolean; bytes: Uint8Array }
  | { kind: "ping"; data: Uint8Array }
  | { kind: "pong"; data: Uint8Array }
  | { kind: "close"; code: number; reason: string; data: Uint8Array }
  | { kind: "error"; error: ProtocolError | ReadLimitError };

/** Options of {@link Receiver}. */
export interface ReceiverOptions {
  /** Role: a server requires masked frames, a client unmasked ones. */
  server: boolean;
  /** permessage-deflate was negotiated: RSV1 is allowed on the first frame of a data message. */
  compression?: boolean;
  /** Largest uncompressed message in bytes; 0 (default) = none. */
  readLimit?: number;
  /** Check text messages (uncompressed ones; conn checks inflated text) as UTF-8. Default true. */
  validateUtf8?: boolean;
}

function checkLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("websocket: invalid read limit " + String(n));
  return n;
}

/**
 * Receiver turns the bytes a peer sends into {@link ReadEvent}s. Chunks may be split anywhere.
 * Payloads are unmasked in place in the pushed chunk and reported as views of it; nothing is
 * buffered but a split header (≤ 14 bytes) and a control payload (≤ 125 bytes), so memory is O(1)
 * per frame whatever the message size or fragment count. gorilla: the read side of `Conn`
 * (`advanceFrame`, `NextReader`'s `messageReader`), minus the I/O and the handlers.
 *
 * @example Parsing a masked "Hello" (RFC 6455 §5.7) as a server
 * ```ts
 * const r = new Receiver({ server: true });
 * r.push(Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
 * // [{ kind: "data", messageType: 1, compressed: false, first: true, fin: true, bytes: "Hello" }]
 * ```
 */
export class Receiver {
  readonly #parser: FrameParser;
  readonly #validateUtf8: boolean;
  #readLimit: number;
  #closed = false;
  #failed = false;
  // The frame being read: `#remaining` payload bytes are due (`#inPayload`), `#maskPos` is the key
  // offset of the next one; a control payload is collected in `#control`.
  #inPayload = false;
  #remaining = 0;
  #maskPos = 0;
  #control: Buffer | null = null;
  #controlFill = 0;
  // The data message being read.
  #type: 1 | 2 = 1;
  #compressed = false;
  #first = false;
  #checkUtf8 = false;
  #messageBytes = 0;
  #utf8: Utf8Validator | null = null;

  /**
   * @param o - role, compression, read limit, UTF-8 checking
   * @throws {RangeError} when `readLimit` is not a non-negative safe integer
   */
  constructor(o: ReceiverOptions) {
    this.#parser = new FrameParser(o);
    this.#readLimit = checkLimit(o.readLimit ?? 0);
    this.#validateUtf8 = o.validateUtf8 !== false;
  }

  /** A close frame was received; later input is ignored. */
  get closed(): boolean {
    return this.#closed;
  }

  /** An `error` event was returned; later input is ignored. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * setReadLimit sets the maximum size in bytes for a message read from the peer; it applies from
   * the next frame header. gorilla: `SetReadLimit`.
   * @param n - bytes; 0 = no limit
   * @throws {RangeError} when `n` is not a non-negative safe integer
   */
  setReadLimit(n: number): void {
    this.#readLimit = checkLimit(n);
  }

  /**
   * Parses the next received bytes. Masked payloads are unmasked in place in `chunk`.
   * @param chunk - bytes as read from the transport; split anywhere
   * @returns the events they complete, in order; after an error or a close event, `[]`
   */
  push(chunk: Uint8Array): ReadEvent[] {
    const events: ReadEvent[] = [];
    if (this.#closed || this.#failed) return events;
    const p = this.#parser;
    const end = chunk.length;
    let pos = 0;
    let ab: ArrayBufferLike | null = null;
    let base = 0;
    while (pos < end) {
      // 1. A header: decoded in place when inside the chunk, carried otherwise.
      if (!this.#inPayload) {
        pos = p.readHeader(chunk, pos);
        if (pos < 0) {
          if (pos === HEADER_INCOMPLETE) break;
          this.#fail(events, p.error!);
          return events;
        }
        if (!this.#startFrame(chunk, pos, events)) return events;
        continue;
      }
      // 2. Payload bytes: as many as the chunk holds, up to the end of the frame.
      const stop = Math.min(end, pos + this.#remaining);
      this.#remaining -= stop - pos;
      if (this.#control !== null) {
        if (!this.#controlPayload(chunk, pos, stop, events)) return events;
      } else {
        if (p.masked) this.#maskPos = maskRange(chunk, pos, stop, p.maskKey, this.#maskPos);
        const fin = this.#remaining === 0 && p.fin;
        if (ab === null) {
          ab = chunk.buffer;
          base = chunk.byteOffset;
        }
        const bytes = new FastBuffer(ab, base + pos, stop - pos);
        const valid = this.#checkUtf8 ? this.#checkText(bytes, fin) : -1;
        if (valid >= 0) {
          // Deliver the bytes up to the first impossible one, unfinished, then the error: the
          // outcome is then the same however the stream was cut into chunks.
          if (valid > 0) {
            const prefix = new FastBuffer(ab, base + pos, valid);
            events.push({ kind: "data", messageType: this.#type, compressed: false, first: this.#first, fin: false, bytes: prefix });
          }
          this.#failUtf8(events);
          return events;
        }
        events.push({ kind: "data", messageType: this.#type, compressed: this.#compressed, first: this.#first, fin, bytes });
        this.#first = false;
      }
      if (this.#remaining === 0) this.#inPayload = false;
      pos = stop;
    }
    return events;
  }

  /** Sets up the frame whose header was just read; finishes it at once when its payload is empty. */
  #startFrame(chunk: Uint8Array, pos: number, events: ReadEvent[]): boolean {
    const p = this.#parser;
    const len = p.length;
    this.#remaining = len;
    this.#maskPos = 0;
    this.#inPayload = len !== 0;
    if (p.opcode >= 8) {
      if (len === 0) return this.#controlFrame(Buffer.alloc(0), events);
      this.#control = Buffer.allocUnsafe(len);
      this.#controlFill = 0;
      return true;
    }
    if (p.opcode !== 0) {
      this.#type = p.opcode as 1 | 2;
      this.#compressed = p.rsv1;
      this.#first = true;
      this.#messageBytes = 0;
      this.#checkUtf8 = p.opcode === 1 && this.#validateUtf8 && !p.rsv1;
      if (this.#checkUtf8 && this.#utf8 !== null) this.#utf8.reset();
    }
    // Read limit, at header time, before any payload arrives (gorilla; CVE-2020-27813: no sum can
    // leave the safe-integer range). A limit set mid-message counts the bytes already received.
    // Compressed messages are limited after inflation, by conn.
    const limit = this.#readLimit;
    if (len > Number.MAX_SAFE_INTEGER) return this.#fail(events, new ReadLimitError(limit || Number.MAX_SAFE_INTEGER));
    if (!this.#compressed) {
      // Compared as `len > limit - sofar`, never `sofar + len > limit`; the total saturates.
      if (limit !== 0 && len > limit - this.#messageBytes) return this.#fail(events, new ReadLimitError(limit));
      this.#messageBytes = Math.min(this.#messageBytes + len, Number.MAX_SAFE_INTEGER);
    }
    if (len === 0 && (p.fin || this.#first)) {
      if (p.fin && this.#checkUtf8 && !this.#first && this.#utf8 !== null && !this.#utf8.end()) return this.#failUtf8(events);
      const bytes = new FastBuffer(chunk.buffer, chunk.byteOffset + pos, 0);
      events.push({ kind: "data", messageType: this.#type, compressed: this.#compressed, first: this.#first, fin: p.fin, bytes });
      this.#first = false;
    }
    return true;
  }

  /** Copies (and unmasks) control payload bytes; finishes the frame when complete. */
  #controlPayload(chunk: Uint8Array, pos: number, stop: number, events: ReadEvent[]): boolean {
    const c = this.#control!;
    const from = this.#controlFill;
    let n = from;
    while (pos < stop) c[n++] = chunk[pos++]!;
    this.#controlFill = n;
    const p = this.#parser;
    if (p.masked) this.#maskPos = maskRange(c, from, n, p.maskKey, this.#maskPos);
    if (this.#remaining !== 0) return true;
    this.#control = null;
    return this.#controlFrame(c, events);
  }

  /** Reports a complete control frame; false when it ends the input (close or bad close). */
  #controlFrame(data: Buffer, events: ReadEvent[]): boolean {
    const op = this.#parser.opcode;
    if (op === 9) events.push({ kind: "ping", data });
    else if (op === 10) events.push({ kind: "pong", data });
    else {
      const r = parseClosePayload(data);
      if (r instanceof ProtocolError) return this.#fail(events, r);
      this.#closed = true;
      events.push({ kind: "close", code: r.code, reason: r.reason, data });
      return false;
    }
    return true;
  }

  /**
   * Checks the next piece of an uncompressed text message (whole messages skip the stream state).
   * @returns -1 when fine, else how many of its bytes are still a valid prefix
   */
  #checkText(bytes: Uint8Array, fin: boolean): number {
    if (this.#first && fin) return isValidUtf8(bytes) ? -1 : utf8ValidPrefix(bytes);
    const v = (this.#utf8 ??= new Utf8Validator());
    if (!v.push(bytes)) return v.invalidAt;
    return !fin || v.end() ? -1 : bytes.length;
  }

  #failUtf8(events: ReadEvent[]): false {
    return this.#fail(events, new ProtocolError("websocket: invalid UTF-8 in text message", 1007));
  }

  #fail(events: ReadEvent[], error: ProtocolError | ReadLimitError): false {
    this.#failed = true;
    events.push({ kind: "error", error });
    return false;
  }
}
