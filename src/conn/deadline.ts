/**
 * Deadline parsing (gorilla's time.Time → Date | ms-epoch | null) and a one-shot timer that can
 * be moved without allocating a new one per read or write.
 */
import type { Deadline } from "../types.js";

/**
 * Normalizes a {@link Deadline} to ms since the epoch; 0 means none (Go's zero time).
 * @throws TypeError for anything but a Date, a number or null (API §0: wrong kind);
 *   RangeError for NaN or an invalid Date (out of range).
 */
export function toDeadlineMs(t: Deadline | undefined): number {
  if (t === null || t === undefined) return 0;
  if (!(t instanceof Date) && typeof t !== "number") throw new TypeError("websocket: a deadline is a Date, a number or null");
  const ms = t instanceof Date ? t.getTime() : t;
  if (Number.isNaN(ms)) throw new RangeError("websocket: invalid deadline");
  return ms;
}

/**
 * A movable timer: `set(at)` arms it for an absolute time, `clear()` disarms it.
 * Used for read/write deadlines so that an idle conn with a deadline holds at most one timer.
 */
export class DeadlineTimer {
  #timer: NodeJS.Timeout | undefined;
  #at = 0;
  readonly #fire: () => void;
  constructor(fire: () => void) {
    this.#fire = fire;
  }
  /** The armed time in ms since the epoch, 0 when none. */
  get at(): number {
    return this.#at;
  }
  /** True when a deadline is set and has passed. */
  expired(): boolean {
    // No clock read unless a deadline is set: this runs on every read and write.
    return this.#at !== 0 && Date.now() >= this.#at;
  }
  set(at: number): void {
    this.clear();
    this.#at = at;
    if (at === 0) return;
    // setTimeout's delay is a 32-bit signed int; far deadlines re-arm on fire.
    const delay = Math.min(Math.max(at - Date.now(), 0), 0x7fffffff);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (Date.now() >= this.#at) this.#fire();
      else this.set(this.#at);
    }, delay);

  }
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = 0;
  }
}
