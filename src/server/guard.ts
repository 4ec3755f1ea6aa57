/**
 * HandshakeGuard: watches a socket while the Upgrader works on it. The socket closing, failing or
 * the handshake timeout expiring fails the handshake; it also writes answers and cleans up.
 */
import type { Duplex } from "node:stream";
import { CloseError, HandshakeError, TimeoutError, withoutStack } from "../errors.js";

const noop = (): void => {};

/** Watches one socket for one handshake; `release()` hands it over untouched. */
export class HandshakeGuard {
  readonly #socket: Duplex;
  #timer: NodeJS.Timeout | undefined;
  #error: Error | undefined;
  #released = false;
  #refusing = false;
  #fail: ((err: Error) => void) | undefined;
  /** Rejects when the handshake can no longer succeed; never resolves. Made on first race(). */
  #failed: Promise<never> | undefined;

  constructor(socket: Duplex, timeoutMs: number) {
    this.#socket = socket;
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    socket.on("end", this.#onEnd);
    if (timeoutMs > 0) this.#timer = setTimeout(this.#onTimeout, timeoutMs);
    if (socket.destroyed) this.#abort(new CloseError(1006, "unexpected EOF"));
  }

  readonly #onError = (err: Error): void => {
    this.#abort(new CloseError(1006, err.message, { cause: err }));
  };
  readonly #onClose = (): void => {
    this.#abort(withoutStack(() => new CloseError(1006, "unexpected EOF")));
  };
  // The client half-closed before the 101: it can no longer speak WebSocket (RFC 6455 §4.1).
  readonly #onEnd = (): void => {
    if (!this.#refusing) this.#abort(new CloseError(1006, "unexpected EOF"));
  };
  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    this.#abort(new TimeoutError("websocket: handshake timeout"));
  };

  #abort(err: Error): void {
    if (this.#released || this.#error !== undefined) return;
    this.#error = err;
    this.#socket.destroy();
    this.#fail?.(err);
  }

  /** The error that ended the handshake, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Resolves like `p`, unless the handshake fails first (then rejects with that error). */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#failed === undefined) {
      this.#failed = new Promise<never>((_, reject) => {
        this.#fail = reject;
      });
      this.#failed.catch(noop);
    }
    return Promise.race([p, this.#failed]);
  }

  /**
   * Writes the 101 head; resolves once it is handed to the socket and, when that exceeds the
   * socket's buffer, drained (so a client that never reads meets the handshake timeout).
   */
  writeUpgrade(head: Buffer): Promise<void> {
    const s = this.#socket;
    if (s.destroyed) this.#abort(new CloseError(1006, "unexpected EOF"));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (s.write(head)) return Promise.resolve();
    return this.race(new Promise<void>((resolve) => s.once("drain", resolve)));
  }

  /** Resolves once the socket's write buffer drained (the 101 was handed over by the fast path). */
  drained(): Promise<void> {
    const s = this.#socket;
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (s.writableLength === 0) return Promise.resolve();
    return this.race(new Promise<void>((resolve) => s.once("drain", resolve)));
  }

  /**
   * Sends an error answer, ends the socket, destroys it once the answer is flushed (or the
   * socket fails or the timeout expires), then rejects with `err`.
   */
  async refuse(answer: Buffer | ((socket: Duplex) => void), err: HandshakeError): Promise<never> {
    if (this.#error !== undefined) throw this.#error;
    this.#refusing = true;
    const s = this.#socket;
    try {
      await this.race(new Promise<void>((resolve) => {
        s.once("finish", resolve);
        // Discard what the client sent, so that closing sends FIN, not RST (which can make the
        // client's kernel drop our answer before it is read).
        s.resume();
        if (typeof answer === "function") answer(s);
        else s.end(answer);
      }));
    } catch {
      // The socket failed or the timer fired while flushing: the refusal still stands.
    }
    this.release(true);
    s.destroy();
    throw err;
  }

  /**
   * Stops watching: removes the listeners and the timer. Idempotent. With `keepErrorListener`, a
   * no-op 'error' listener stays so that a late socket error cannot crash the process.
   */
  release(keepErrorListener = false): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const s = this.#socket;
    s.removeListener("close", this.#onClose);
    s.removeListener("end", this.#onEnd);
    s.removeListener("error", this.#onError);
    if (keepErrorListener && s.listenerCount("error") === 0) s.on("error", noop);
  }
}
