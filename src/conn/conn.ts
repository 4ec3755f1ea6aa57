/**
 * Conn: gorilla's *websocket.Conn for Node. A facade over the read half, the write half, the
 * transport, keepalive and the closing handshake. Made by Upgrader, Dialer or newConn.
 */
import type { Duplex, Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { CloseError } from "../errors.js";
import type { DataMessageType, MessageType, ControlMessageType } from "../constants.js";
import type { Deadline, ReadOptions } from "../types.js";
import { toBuffer, type Data } from "../util/bytes.js";
import { READ_MESSAGE, READ_READER, type Message } from "./read-half.js";
import { ConnCore } from "./core.js";
import { type MessageWriter } from "./message-writer.js";
import { toDeadlineMs } from "./deadline.js";
import type { CloseHandler, PingPongHandler } from "./control-handlers.js";
import { resolveConnOptions, type NewConnOptions } from "./options.js";
import { checkWritePayload, validateReadLimit, validateCompressionLevel } from "./validate.js";
import { openWriter } from "./open-writer.js";
import type { PreparedMessage } from "./prepared-message.js";

export type { Message } from "./read-half.js";
export type { NewConnOptions } from "./options.js";

const TOKEN = Symbol("silverback.conn");

/** What {@link Conn.nextReader} resolves with (gorilla: NextReader's two results). */
export interface NextReaderResult {
  /** TextMessage or BinaryMessage. */
  messageType: DataMessageType;
  /** The message payload as a stream; it ends at the end of the message. */
  reader: Readable;
}

/**
 * Conn represents a WebSocket connection (gorilla: `Conn`). Every method may be called from
 * concurrent async flows: writes go on the wire in call order, reads are served in call order.
 * There is no public constructor: use {@link Upgrader.upgrade}, {@link Dialer.dial} or {@link newConn}.
 */
export class Conn implements AsyncIterable<Message> {
  readonly #c: ConnCore;
  readonly #subprotocol: string;
  readonly #writeBufferSize: number;
  readonly #pool: NewConnOptions["writeBufferPool"];
  readonly #deflateOn: boolean;

  /** @internal Use newConn(), Upgrader or Dialer. */
  constructor(token: symbol, socket: Duplex, options: NewConnOptions) {
    if (token !== TOKEN) throw new TypeError("websocket: Conn has no public constructor; use newConn()");
    const o = resolveConnOptions(options);
    this.#subprotocol = o.subprotocol;
    this.#writeBufferSize = o.writeBufferSize;
    this.#pool = o.writeBufferPool;
    this.#deflateOn = o.deflater !== null;
    this.#c = new ConnCore(this, socket, o);
  }

  // ---- reading (API §4.1) -------------------------------------------------------------------

  /**
   * ReadMessage is a helper method for getting a reader using NextReader and reading from that
   * reader to a buffer (gorilla). Resolves with the next data message, whole.
   * @example
   * for (;;) { const { messageType, data } = await conn.readMessage(); await conn.writeMessage(messageType, data); }
   */
  readMessage(options?: ReadOptions): Promise<Message> {
    return this.#c.r.read(READ_MESSAGE, options?.signal);
  }

  /**
   * NextReader returns the next data message received from the peer (gorilla). The `reader`
   * streams its payload in bounded memory; a later read discards what it did not consume.
   */
  nextReader(options?: ReadOptions): Promise<NextReaderResult> {
    return this.#c.r.read(READ_READER, options?.signal);
  }

  /** ReadJSON reads the next message and parses it as JSON (gorilla `Conn.ReadJSON`). */
  async readJSON<T = unknown>(options?: ReadOptions & { reviver?: (key: string, value: unknown) => unknown }): Promise<T> {
    const { data } = await this.readMessage(options);
    return JSON.parse(data.toString("utf8"), options?.reviver) as T;
  }

  /** Iterates over data messages; ends on a close 1000, 1001 or 1005. */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      let m: Message;
      try {
        m = await this.readMessage();
      } catch (err) {
        if (err instanceof CloseError && (err.code === 1000 || err.code === 1001 || err.code === 1005)) return;
        throw err;
      }
      yield m;
    }
  }

  /** SetReadDeadline sets the read deadline; after a read times out the conn cannot be read. */
  setReadDeadline(t: Deadline): void {
    this.#c.r.deadline.set(toDeadlineMs(t));
  }

  /** SetReadLimit sets the maximum size in bytes for a message read from the peer; 0 = none. */
  setReadLimit(limit: number): void {
    this.#c.r.setReadLimit(validateReadLimit(limit));
  }

  // ---- writing (API §4.2, §4.3) -----------------------------------------------------------

  /** WriteMessage writes a message as one frame with the given message type and payload (gorilla). */
  writeMessage(messageType: MessageType, data?: Data): Promise<void> {
    if (messageType === 1 || messageType === 2) {
      let payload: Buffer;
      try {
        payload = toBuffer(data);
      } catch (e) {
        return Promise.reject(e);
      }
      return this.#c.w.writeMessage(messageType, payload, typeof data !== "string" && data !== undefined);
    }
    return this.writeControl(messageType as ControlMessageType, data);
  }

  /**
   * NextWriter returns a writer for the next message to send (gorilla). It resolves when the
   * write queue reaches it and holds the queue until ended or destroyed.
   * @example
   * await pipeline(createReadStream("big.bin"), await conn.nextWriter(BinaryMessage));
   */
  nextWriter(messageType: MessageType): Promise<MessageWriter> {
    if (messageType !== 1 && messageType !== 2 && messageType !== 8 && messageType !== 9 && messageType !== 10) {
      return Promise.reject(new TypeError("websocket: bad write message type"));
    }
    const err = this.#c.w.check();
    if (err !== null) return Promise.reject(err);
    return openWriter(this.#c.w, messageType, {
      writeBufferSize: this.#writeBufferSize,
      pool: this.#pool,
      control: (payload) => this.writeControl(messageType as ControlMessageType, payload),
    });
  }

  /** WriteControl writes a control message with the given deadline (gorilla). */
  writeControl(messageType: ControlMessageType, data?: Data, deadline?: Deadline): Promise<void> {
    let payload: Buffer;
    let at: number;
    try {
      payload = checkWritePayload(messageType, data);
      at = toDeadlineMs(deadline);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#c.w.writeControl(messageType, payload, at);
  }

  /** WritePreparedMessage writes a prepared message into the connection (gorilla). */
  writePreparedMessage(pm: PreparedMessage): Promise<void> {
    return this.#c.w.writePrepared(pm);
  }

  /** WriteJSON writes the JSON encoding of v as a text message (no trailing newline). */
  writeJSON(value: unknown): Promise<void> {
    let s: string | undefined;
    try {
      s = JSON.stringify(value);
    } catch (e) {
      return Promise.reject(e instanceof TypeError ? e : new TypeError(String(e)));
    }
    if (s === undefined) return Promise.reject(new TypeError("websocket: value cannot be encoded as JSON"));
    return this.writeMessage(1, s);
  }

  /** SetWriteDeadline sets the write deadline; after a write times out the conn cannot be written. */
  setWriteDeadline(t: Deadline): void {
    this.#c.w.deadline.set(toDeadlineMs(t));
  }

  /** Unsent bytes: the conn's queue plus the socket's buffer, framing included. */
  get bufferedAmount(): number {
    return this.#c.w.bufferedAmount;
  }

  /** EnableWriteCompression enables and disables write compression of subsequent messages (gorilla). */
  enableWriteCompression(enable: boolean): void {
    this.#c.w.compress = !!enable;
  }

  /** SetCompressionLevel sets the flate compression level for subsequent messages (gorilla). */
  setCompressionLevel(level: number): void {
    validateCompressionLevel(level);
    if (this.#deflateOn) {
      this.#c.w.deflater!.setLevel(level);
      this.#c.w.deflateParams!.level = level;
    }
  }

  // ---- handlers (API §4.4) ----------------------------------------------------------------

  /** CloseHandler returns the current close handler (gorilla). */
  closeHandler(): CloseHandler {
    return this.#c.h.closeHandler();
  }
  /** SetCloseHandler sets the handler for close messages received from the peer; null restores the default. */
  setCloseHandler(h: CloseHandler | null): void {
    this.#c.h.setCloseHandler(h);
  }
  /** PingHandler returns the current ping handler (gorilla). */
  pingHandler(): PingPongHandler {
    return this.#c.h.pingHandler();
  }
  /** SetPingHandler sets the handler for ping messages received from the peer; null restores the default. */
  setPingHandler(h: PingPongHandler | null): void {
    this.#c.h.setPingHandler(h);
  }
  /** PongHandler returns the current pong handler (gorilla). */
  pongHandler(): PingPongHandler {
    return this.#c.h.pongHandler();
  }
  /** SetPongHandler sets the handler for pong messages received from the peer; null restores the default. */
  setPongHandler(h: PingPongHandler | null): void {
    this.#c.h.setPongHandler(h);
  }

  // ---- connection (API §4.6, §4.7) --------------------------------------------------------

  /** Subprotocol returns the negotiated protocol for the connection, "" when none (gorilla). */
  subprotocol(): string {
    return this.#subprotocol;
  }
  /** LocalAddr returns the local network address, or null for non-socket streams (gorilla). */
  localAddr(): AddressInfo | null {
    return this.#c.t.localAddr();
  }
  /** RemoteAddr returns the remote network address, or null for non-socket streams (gorilla). */
  remoteAddr(): AddressInfo | null {
    return this.#c.t.remoteAddr();
  }
  /** NetConn returns the underlying stream (gorilla `NetConn`/`UnderlyingConn`). Do not read or write it. */
  netConn(): Duplex {
    return this.#c.t.socket;
  }

  /** Close closes the underlying network connection without sending or waiting for a close message (gorilla). */
  close(): void {
    this.#c.closing.closeNow();
  }

  /**
   * Sends a close frame after the queued writes, waits up to `timeout` ms in all for the peer's
   * close frame, then ends the socket. Resolves with the peer's CloseError, a 1006 CloseError, or
   * null on timeout.
   */
  shutdown(code = 1000, text = "", timeout = 5000): Promise<CloseError | null> {
    return this.#c.closing.shutdown(code, text, timeout);
  }
}

/**
 * Creates a Conn over a stream that has already completed the opening handshake (tests, custom
 * transports). gorilla: the deprecated `NewConn`.
 */
export function newConn(socket: Duplex, options: NewConnOptions): Conn {
  return new Conn(TOKEN, socket, options);
}

