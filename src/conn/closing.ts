/**
 * The closing handshake of a Conn (RFC 6455 §7): tracks close sent/received, fails the connection
 * on protocol errors (§7.1.7), ends the socket when both sides closed (server first, client after
 * up to 5 s, §7.1.1), close() without a handshake, shutdown() with a timeout, keepalive expiry.
 */
import { CloseError, TimeoutError, withoutStack, type ProtocolError, type ReadLimitError } from "../errors.js";
import { formatCloseMessage, checkCloseForSend } from "../protocol/close-payload.js";
import { DEFAULT_CLOSE_TIMEOUT } from "../constants.js";
import type { SocketTransport } from "../transport/socket-transport.js";
import type { WriteHalf } from "./write-half.js";
import type { ReadHalf } from "./read-half.js";
import type { ControlHandlers } from "./control-handlers.js";
import type { ConnCore } from "./core.js";

/** Close state of one conn. */
export class Closing {
  readonly #server: boolean;
  readonly #core: ConnCore;
  #received: CloseError | null = null;
  #ended = false;
  #gone: CloseError | null = null;
  #local = false;
  #shutdown: Promise<CloseError | null> | undefined;
  #shutdownDone: ((v: CloseError | null) => void) | undefined;

  constructor(server: boolean, core: ConnCore) {
    this.#server = server;
    this.#core = core;
  }

  get #t(): SocketTransport {
    return this.#core.t;
  }
  get #w(): WriteHalf {
    return this.#core.w;
  }
  #r(): ReadHalf {
    return this.#core.r;
  }
  #stopTimers(): void {
    this.#core.stopTimers();
  }

  /** Our close frame was handed to the socket. */
  closeSent(): void {
    if (this.#received !== null) this.#finish();
  }

  /** The peer's close frame reached the reads: run the handler; its error or the CloseError becomes the read error. */
  peerClose(code: number, text: string, h: ControlHandlers): Error | Promise<Error> {
    const err = new CloseError(code, text);
    this.#received = err;
    this.#shutdownDone?.(err);
    const done = (): Error => {
      if (this.#w.sender.closeSent) this.#finish();
      return err;
    };
    const r = h.close(code, text);
    return r === undefined ? done() : r.then(done);
  }

  /** Fails the connection (RFC 6455 §7.1.7): close frame with the error's code, then end. */
  fail(err: ProtocolError | ReadLimitError): void {
    // The reason is the message without gorilla's prefix, cut to fit a control frame (123 bytes).
    let reason = err.message.replace(/^websocket: /, "");
    while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
    this.#w.forceClose(formatCloseMessage(err.closeCode, reason));
    this.#finish();
  }

  /** Ends the socket once the close handshake is complete or the connection failed. */
  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimers();
    // RFC 6455 §7.1.1: the server closes TCP first; a client gives it time to do so.
    if (this.#server) this.#t.end();
    this.#linger();
  }

  #linger(): void {
    const t = this.#t;
    const timer = setTimeout(() => t.destroy(), DEFAULT_CLOSE_TIMEOUT);
    timer.unref();
    t.socket.once("close", () => clearTimeout(timer));
  }

  /** The socket ended, failed or closed. */
  transportClosed(err: Error | undefined, hadEnd: boolean): void {
    const e = withoutStack(() => err !== undefined
      ? new CloseError(1006, err.message, { cause: err })
      : new CloseError(1006, this.#local ? "closed locally" : "unexpected EOF"));
    this.#gone = e;
    this.#stopTimers();
    this.#w.fail(e);
    this.#r().end(e);
    this.#shutdownDone?.(this.#received ?? e);
    if (hadEnd && !this.#t.socket.destroyed) {
      // The peer closed TCP: finish ours after pending writes, never linger forever.
      this.#t.end();
      if (!this.#ended) {
        this.#ended = true;
        this.#linger();
      }
    }
  }

  /** Keepalive gave up: close 1011, fail everything with TimeoutError, drop the socket. */
  keepAliveExpired(): void {
    const e = new TimeoutError("websocket: keepalive ping timeout");
    this.#w.expire(e, formatCloseMessage(1011, "keepalive ping timeout"));
    this.#r().failNow(e);
    this.#ended = true;
    this.#stopTimers();
    // Let the close frame reach the socket buffer (uncork runs on nextTick), then drop it.
    setImmediate(() => this.#t.destroy());
  }

  /** close(): destroy now, no handshake (gorilla Close). Idempotent. */
  closeNow(): void {
    if (this.#local) return;
    this.#local = true;
    // After the socket closed both halves keep its error, unless messages are still unread: then
    // they are dropped and reads see "closed locally" (skipping the unused error: one fewer
    // Error per conn that the peer resets and the application then closes).
    if (this.#gone === null || this.#r().failed === null) {
      const e = withoutStack(() => new CloseError(1006, "closed locally"));
      this.#r().failNow(e);
      this.#w.fail(e);
      this.#shutdownDone?.(this.#received ?? e);
    }
    this.#stopTimers();
    this.#ended = true;
    this.#t.destroy();
  }

  /** shutdown(): API §4.6. */
  shutdown(code: number, text: string, timeout: number): Promise<CloseError | null> {
    const r = this.#core.r;
    if (this.#shutdown !== undefined) return this.#shutdown;
    let payload: Buffer;
    try {
      checkCloseForSend(code, text);
      if (typeof timeout !== "number" || !(timeout >= 0)) throw new RangeError("websocket: invalid shutdown timeout");
      payload = formatCloseMessage(code, text);
    } catch (e) {
      return Promise.reject(e);
    }
    this.#shutdown = new Promise<CloseError | null>((resolve) => {
      const gone = this.#gone;
      if (gone !== null) return resolve(this.#received ?? gone);
      let timer: NodeJS.Timeout | undefined;
      this.#shutdownDone = (v) => {
        if (timer !== undefined) clearTimeout(timer);
        this.#shutdownDone = undefined;
        resolve(v);
      };
      if (timeout > 0) {
        timer = setTimeout(() => {
          this.#shutdownDone?.(null);
          const te = new TimeoutError("websocket: shutdown timeout");
          r.failNow(te);
          this.#w.fail(te);
          this.#t.destroy();
        }, timeout);
      }
      const received = this.#received;
      if (received !== null) {
        // The peer already closed: only complete the handshake.
        if (!this.#w.sender.closeSent) this.#w.forceClose(payload);
        this.#shutdownDone(received);
        return;
      }
      this.#w.enqueueClose(payload).catch(() => {});
      r.discardAll();
    });
    return this.#shutdown;
  }
}
