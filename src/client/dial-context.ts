/**
 * One dial's cancellation scope: `handshakeTimeout` and the caller's `signal` bound every stage
 * (DNS, TCP, proxy, TLS, HTTP); on expiry or abort every stream the dial opened is destroyed.
 */
import type { Duplex } from "node:stream";
import { TimeoutError } from "../errors.js";

function noop(): void {}

/** Cancellation scope of one `Dialer.dial` call (gorilla: the `context.Context` of `DialContext`). */
export class DialContext {
  readonly #ac = new AbortController();
  readonly #owned = new Set<Duplex>();
  readonly #user: AbortSignal | undefined;
  readonly #onUserAbort = (): void => this.#abort(this.#user!.reason);
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param timeout ms for the whole dial; 0 = none.
   * @param signal the caller's signal; its `reason` becomes the rejection.
   */
  constructor(timeout: number, signal: AbortSignal | undefined) {
    this.#user = signal;
    if (signal?.aborted) {
      this.#abort(signal.reason);
      return;
    }
    signal?.addEventListener("abort", this.#onUserAbort, { once: true });
    if (timeout > 0) {
      this.#timer = setTimeout(() => this.#abort(new TimeoutError("websocket: handshake timeout")), timeout);
    }
  }

  /** Aborted on timeout or on the caller's abort; handed to `netDial`/`netDialTLS`. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  #abort(reason: unknown): void {
    if (this.#ac.signal.aborted) return;
    this.#ac.abort(reason);
    for (const s of this.#owned) s.destroy();
  }

  /** Throws the abort reason if the dial was cancelled. */
  check(): void {
    if (this.#ac.signal.aborted) throw this.#ac.signal.reason;
  }

  /**
   * Registers a stream opened by this dial: destroyed on abort or failure. A no-op `'error'` listener
   * stays on it meanwhile, so an error between stages can never become an uncaught exception.
   */
  own<T extends Duplex>(stream: T): T {
    stream.on("error", noop);
    this.#owned.add(stream);
    if (this.#ac.signal.aborted) stream.destroy();
    return stream;
  }

  /** Hands a stream over to its new owner (the Conn): no longer destroyed by this scope. */
  release(stream: Duplex): void {
    if (this.#owned.delete(stream)) stream.off("error", noop);
  }

  /** Destroys every owned stream (a failed dial); their no-op error listeners stay attached. */
  destroyAll(): void {
    for (const s of this.#owned) s.destroy();
    this.#owned.clear();
  }

  /** Settles with `p`, or rejects with the abort reason as soon as the dial is cancelled. */
  race<T>(p: T | PromiseLike<T>): Promise<T> {
    const signal = this.#ac.signal;
    if (signal.aborted) {
      Promise.resolve(p).then(noop, noop);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      Promise.resolve(p).then(
        (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
        (e: unknown) => { signal.removeEventListener("abort", onAbort); reject(e); },
      );
    });
  }

  /**
   * Like {@link race} for a stage that yields a stream (`netDial`): the stream is owned at once,
   * and one that arrives after the dial was cancelled is destroyed.
   */
  async stream<T extends Duplex>(p: T | PromiseLike<T>): Promise<T> {
    const late = Promise.resolve(p).then((s) => {
      if (s !== null && typeof s === "object" && typeof (s as Duplex).destroy === "function") this.own(s);
      return s;
    });
    return this.race(late);
  }

  /** Clears the timer and the listener on the caller's signal. Call once the dial settled. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#user?.removeEventListener("abort", this.#onUserAbort);
  }
}
