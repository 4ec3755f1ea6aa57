/**
 * ZlibLimiter: a FIFO cap on zlib jobs in flight, shared by the connections of one Upgrader or Dialer
 * (ws #1202, node #8871: unbounded concurrent zlib work fragments native memory). No timers.
 */

/**
 * Caps the zlib jobs in flight across many connections. A job is in flight while it holds a slot:
 * an async (threadpool) zlib job for its whole duration, a synchronous one only once it is large
 * enough to yield to the event loop between slices (small messages never wait).
 */
export class ZlibLimiter {
  /** The number of slots. */
  readonly concurrency: number;
  #active = 0;
  readonly #waiters: Array<() => void> = [];

  /**
   * @param concurrency - slots, an integer ≥ 1 (API.md §5 `concurrency`, default 10).
   * @throws RangeError for anything else.
   */
  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError("websocket: compression.concurrency must be an integer ≥ 1");
    }
    this.concurrency = concurrency;
  }

  /** Jobs holding a slot now. */
  get inFlight(): number {
    return this.#active;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Takes a slot if one is free, without waiting. @returns whether a slot was taken. */
  tryAcquire(): boolean {
    if (this.#active >= this.concurrency) return false;
    this.#active++;
    return true;
  }

  /** Takes a slot, waiting in FIFO order while all are taken. Pair with {@link release}. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Returns a slot; the longest waiter, if any, gets it. */
  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next(); // the slot passes on: #active is unchanged
    else if (this.#active > 0) this.#active--;
  }

  /**
   * Runs `job` while holding a slot.
   * @returns the job's result; the slot is released however the job settles.
   */
  async run<T>(job: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await job();
    } finally {
      this.release();
    }
  }
}

let processLimiter: ZlibLimiter | undefined;

/** The process-wide limiter used when a connection is given none (10 slots, API.md §9). */
export function defaultZlibLimiter(): ZlibLimiter {
  return (processLimiter ??= new ZlibLimiter(10));
}
