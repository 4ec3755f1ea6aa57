/**
 * Serial: runs async calls on one zlib context one after another, so overlapping calls queue up
 * instead of interleaving slices of two messages. No timers; idle calls start at once.
 */

/** A FIFO of async calls: each starts when the previous one has settled. */
export class Serial {
  #tail: Promise<unknown> | null = null;

  /** Runs `fn` now when idle, else after the calls queued before it (whether they resolve or reject). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#tail === null ? fn() : this.#tail.then(fn, fn);
    this.#tail = p;
    const clear = (): void => {
      if (this.#tail === p) this.#tail = null;
    };
    p.then(clear, clear);
    return p;
  }
}
