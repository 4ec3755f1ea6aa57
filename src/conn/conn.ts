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
import { SocketTransport } from "../transport/socket-transport.js";
import { ReadHalf, READ_MESSAGE, READ_READER, type Message } from "./read-half.js";
import { WriteHalf } from "./write-half.js";
import { type MessageWriter } from "./message-writer.js";
import { toDeadlineMs } from "./deadline.js";
import { KeepAlive } from "./keepalive.js";
import { Closing } from "./closing.js";
import { ControlHandlers, type CloseHandler, type PingPongHandler } from "./control-handlers.js";
import { resolveConnOptions, type NewConnOptions } from "./options.js";
import { checkWritePayload, validateReadLimit, validateCompressionLevel } from "./validate.js";
import { openWriter } from "./open-writer.js";
import type { PreparedMessage } from "./prepared-message.js";

export type { Message } from "./read-half.js";
export type { NewConnOptions } from "./options.js";

const TOKEN = Symbol("silverback.conn");

/**
 * Conn represents a WebSocket connection (gorilla: `Conn`). Every method may be called from
 * concurrent async flows: writes go on the wire in call order, reads are served in call order.
 * There is no public constructor: use {@link Upgrader.upgrade}, {@link Dialer.dial} or {@link newConn}.
 */
export class Conn implements AsyncIterable<Message> {
  readonly #t: SocketTransport;
  readonly #r: ReadHalf;
  readonly #w: WriteHalf;
  readonly #subprotocol: string;
  readonly #h: ControlHandlers;
  readonly #closing: Closing;
  readonly #writeBufferSize: number;
  readonly #pool: NewConnOptions["writeBufferPool"];
  readonly #deflateOn: boolean;
  #keepAlive: KeepAlive | undefined;

  /** @internal Use newConn(), Upgrader or Dialer. */
  constructor(token: symbol, socket: Duplex, options: NewConnOptions) {
    if (token !== TOKEN) throw new TypeError("websocket: Conn has no public constructor; use newConn()");
    const o = resolveConnOptions(options);
    this.#subprotocol = o.subprotocol;
    this.#writeBufferSize = o.writeBufferSize;
    this.#pool = o.writeBufferPool;
    this.#deflateOn = o.deflater !== null;
    const t = (this.#t = new SocketTransport(socket));
    this.#w = new WriteHalf(t, {
      server: o.server,
      hwm: o.writeHighWaterMark,
      deflater: o.deflater,
      threshold: o.threshold,
      onCloseSent: () => this.#closing.closeSent(),
    });
    this.#w.deflateParams = o.deflateParams;
    this.#h = new ControlHandlers(this, this.#w);
    this.#closing = new Closing(o.server, t, this.#w, () => this.#r, () => this.#stopTimers());
    this.#r = new ReadHalf(
      {
        setPaused: (p) => (p ? t.pause() : t.resume()),
        onPing: (d) => this.#h.ping(d),
        onPong: (d) => this.#h.pong(d),
        onClose: (code, text) => this.#closing.peerClose(code, text, this.#h),
        onProtocolError: (err) => this.#closing.fail(err),
      },
      { server: o.server, inflater: o.inflater, readLimit: o.readLimit, readBufferSize: o.readBufferSize },
    );
    if (o.keepAlive !== undefined) {
      this.#keepAlive = new KeepAlive(o.keepAlive, {
        ping: () => void this.#w.writeControl(9, Buffer.alloc(0), 0).catch(() => {}),
        expire: () => this.#closing.keepAliveExpired(),
        isPaused: () => t.paused,
      });
    }
    const ka = this.#keepAlive;
    const r = this.#r;
    t.start(
      {
        onData: ka === undefined ? (c) => r.push(c) : (c) => ((ka.lastRecv = Date.now()), r.push(c)),
        onClose: (err, hadEnd) => this.#closing.transportClosed(err, hadEnd),
        onFlush: () => this.#w.onFlush(),
      },
      o.head,
    );
  }

  #stopTimers(): void {
    this.#keepAlive?.stop();
    this.#r.deadline.clear();
    this.#w.deadline.clear();
  }

  // ---- reading (API §4.1) -------------------------------------------------------------------

  /**
   * ReadMessage is a helper method for getting a reader using NextReader and reading from that
   * reader to a buffer (gorilla). Resolves with the next data message, whole.
   * @example
   * for (;;) { const { messageType, data } = await conn.readMessage(); await conn.writeMessage(messageType, data); }
   */
  readMessage(options?: ReadOptions): Promise<Message> {
    return this.#r.read(READ_MESSAGE, options?.signal);
  }

  /**
   * NextReader returns the next data message received from the peer (gorilla). The `reader`
   * streams its payload in bounded memory; a later read discards what it did not consume.
   */
  nextReader(options?: ReadOptions): Promise<{ messageType: DataMessageType; reader: Readable }> {
    return this.#r.read(READ_READER, options?.signal);
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
    this.#r.deadline.set(toDeadlineMs(t));
  }

  /** SetReadLimit sets the maximum size in bytes for a message read from the peer; 0 = none. */
  setReadLimit(limit: number): void {
    this.#r.setReadLimit(validateReadLimit(limit));
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
      return this.#w.writeMessage(messageType, payload, typeof data !== "string" && data !== undefined);
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
    const err = this.#w.check();
    if (err !== null) return Promise.reject(err);
    return openWriter(this.#w, messageType, {
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
    return this.#w.writeControl(messageType, payload, at);
  }

  /** WritePreparedMessage writes a prepared message into the connection (gorilla). */
  writePreparedMessage(pm: PreparedMessage): Promise<void> {
    return this.#w.writePrepared(pm);
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
    this.#w.deadline.set(toDeadlineMs(t));
  }

  /** Unsent bytes: the conn's queue plus the socket's buffer, framing included. */
  get bufferedAmount(): number {
    return this.#w.bufferedAmount;
  }

  /** EnableWriteCompression enables and disables write compression of subsequent messages (gorilla). */
  enableWriteCompression(enable: boolean): void {
    this.#w.compress = !!enable;
  }

  /** SetCompressionLevel sets the flate compression level for subsequent messages (gorilla). */
  setCompressionLevel(level: number): void {
    validateCompressionLevel(level);
    if (this.#deflateOn) {
      this.#w.deflater!.setLevel(level);
      this.#w.deflateParams!.level = level;
    }
  }

  // ---- handlers (API §4.4) ----------------------------------------------------------------

  /** CloseHandler returns the current close handler (gorilla). */
  closeHandler(): CloseHandler {
    return this.#h.closeHandler();
  }
  /** SetCloseHandler sets the handler for close messages received from the peer; null restores the default. */
  setCloseHandler(h: CloseHandler | null): void {
    this.#h.setCloseHandler(h);
  }
  /** PingHandler returns the current ping handler (gorilla). */
  pingHandler(): PingPongHandler {
    return this.#h.pingHandler();
  }
  /** SetPingHandler sets the handler for ping messages received from the peer; null restores the default. */
  setPingHandler(h: PingPongHandler | null): void {
    this.#h.setPingHandler(h);
  }
  /** PongHandler returns the current pong handler (gorilla). */
  pongHandler(): PingPongHandler {
    return this.#h.pongHandler();
  }
  /** SetPongHandler sets the handler for pong messages received from the peer; null restores the default. */
  setPongHandler(h: PingPongHandler | null): void {
    this.#h.setPongHandler(h);
  }

  // ---- connection (API §4.6, §4.7) --------------------------------------------------------

  /** Subprotocol returns the negotiated protocol for the connection, "" when none (gorilla). */
  subprotocol(): string {
    return this.#subprotocol;
  }
  /** LocalAddr returns the local network address, or null for non-socket streams (gorilla). */
  localAddr(): AddressInfo | null {
    return this.#t.localAddr();
  }
  /** RemoteAddr returns the remote network address, or null for non-socket streams (gorilla). */
  remoteAddr(): AddressInfo | null {
    return this.#t.remoteAddr();
  }
  /** NetConn returns the underlying stream (gorilla `NetConn`/`UnderlyingConn`). Do not read or write it. */
  netConn(): Duplex {
    return this.#t.socket;
  }

  /** Close closes the underlying network connection without sending or waiting for a close message (gorilla). */
  close(): void {
    this.#closing.closeNow();
  }

  /**
   * Sends a close frame after the queued writes, waits up to `timeout` ms in all for the peer's
   * close frame, then ends the socket. Resolves with the peer's CloseError, a 1006 CloseError, or
   * null on timeout.
   */
  shutdown(code = 1000, text = "", timeout = 5000): Promise<CloseError | null> {
    return this.#closing.shutdown(code, text, timeout, this.#r);
  }
}

/**
 * Creates a Conn over a stream that has already completed the opening handshake (tests, custom
 * transports). gorilla: the deprecated `NewConn`.
 */
export function newConn(socket: Duplex, options: NewConnOptions): Conn {
  return new Conn(TOKEN, socket, options);
}

