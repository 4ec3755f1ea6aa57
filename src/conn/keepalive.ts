/**
 * Built-in keepalive (API.md §4.8): an empty ping after `interval` ms without any received byte,
 * and failure when nothing arrives within `timeout` ms after it. One timer per conn, stopped on close.
 */
import type { KeepAliveOptions } from "../types.js";

/** The keepalive state machine of one conn. */
export class KeepAlive {
  readonly #o: KeepAliveOptions;
  readonly #ping: () => void;
  readonly #expire: () => void;
  readonly #isPaused: () => boolean;
  #timer: NodeJS.Timeout | undefined;
  /** Time of the last received byte (coarse: set per received chunk). */
  lastRecv = Date.now();
  #pingAt = 0;

  constructor(o: KeepAliveOptions, hooks: { ping(): void; expire(): void; isPaused(): boolean }) {
    this.#o = o;
    this.#ping = hooks.ping;
    this.#expire = hooks.expire;
    this.#isPaused = hooks.isPaused;
    this.#arm(o.interval);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#tick(), ms);

  }

  #tick(): void {
    const now = Date.now();
    if (this.#isPaused()) {
      // Paused for read backpressure: the peer is evidently alive; check again later.
      this.lastRecv = now;
      this.#pingAt = 0;
      return this.#arm(this.#o.interval);
    }
    if (this.#pingAt !== 0) {
      if (this.lastRecv >= this.#pingAt) {
        this.#pingAt = 0;
      } else if (now - this.#pingAt >= this.#o.timeout) {
        this.#timer = undefined;
        return this.#expire();
      } else return this.#arm(this.#pingAt + this.#o.timeout - now);
    }
    const idle = now - this.lastRecv;
    if (idle >= this.#o.interval) {
      this.#pingAt = now;
      this.#ping();
      return this.#arm(this.#o.timeout);
    }
    this.#arm(this.#o.interval - idle);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
