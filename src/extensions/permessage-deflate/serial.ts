/**
 * Serial: a FIFO lock for the async calls on one zlib context, so overlapping calls queue up instead of
 * interleaving slices of two messages. Allocation-free when idle; no timers.
 */

/** A FIFO lock: `enter()` before a call's work, `exit()` after it (in a finally). */
export class Serial {
  #busy = false;
  readonly #waiting: Array<() => void> = [];

  /** Takes the lock: undefined when it was free (no await needed), else a promise that resolves in turn. */
  enter(): Promise<void> | undefined {
    if (!this.#busy) {
      this.#busy = true;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Releases the lock, handing it straight to the longest waiter (so no newcomer overtakes it). */
  exit(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#busy = false;
  }
}
