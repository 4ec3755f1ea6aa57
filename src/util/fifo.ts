/**
 * A FIFO queue over an array with head and tail indices. `Array#shift` on the short queues of a
 * conn moves every remaining element through V8's write barrier; measured in the 32 B echo
 * benchmark it was 7–10 % of server CPU, and this queue removed it.
 *
 * Memory: the array is made on the first push, as a one-element literal (capacity 1, not the 17
 * slots `[].push` reserves), and an emptied queue keeps its slots instead of truncating the array
 * (`length = 0` frees the backing store, so the next push would allocate again). An idle conn's
 * queues cost nothing and a conn with one pending read holds one slot (measured: −130 B per idle
 * connection, no allocation per wait in the ping-pong loop).
 */
export class Fifo<T> {
  #a: (T | undefined)[] | null = null;
  #h = 0;
  #t = 0;

  get length(): number {
    return this.#t - this.#h;
  }
  push(x: T): void {
    const a = this.#a;
    if (a === null) {
      this.#a = [x];
      this.#t = 1;
    } else if (this.#t < a.length) {
      a[this.#t++] = x;
    } else if (this.#h * 2 >= a.length) {
      // Full, with at least half of it already consumed: slide down instead of growing, so a
      // queue that never quite empties stays bounded by its longest backlog.
      const h = this.#h;
      const n = this.#t - h;
      for (let i = 0; i < n; i++) a[i] = a[h + i];
      for (let i = n; i < this.#t; i++) a[i] = undefined;
      this.#h = 0;
      this.#t = n;
      a[this.#t++] = x;
    } else {
      a.push(x);
      this.#t++;
    }
  }
  /** The oldest element, or undefined. */
  peek(): T | undefined {
    return this.#h < this.#t ? this.#a![this.#h] : undefined;
  }
  shift(): T | undefined {
    const h = this.#h;
    if (h >= this.#t) return undefined;
    const a = this.#a!;
    const x = a[h];
    a[h] = undefined;
    if (h + 1 >= this.#t) this.#h = this.#t = 0;
    else this.#h = h + 1;
    return x;
  }
  /** Position of `x` counted from the head, or -1. */
  indexOf(x: T): number {
    for (let i = this.#h; i < this.#t; i++) if (this.#a![i] === x) return i - this.#h;
    return -1;
  }
  removeAt(i: number): void {
    const a = this.#a!;
    const t = this.#t;
    for (let j = this.#h + i; j < t - 1; j++) a[j] = a[j + 1];
    a[t - 1] = undefined;
    this.#t = t - 1;
    if (this.#h >= this.#t) this.#h = this.#t = 0;
  }
  /** Removes and returns every element, oldest first. */
  drain(): T[] {
    const out = this.#a === null ? [] : (this.#a.slice(this.#h, this.#t) as T[]);
    this.clear();
    return out;
  }
  clear(): void {
    const a = this.#a;
    if (a !== null) for (let i = this.#h; i < this.#t; i++) a[i] = undefined;
    this.#h = this.#t = 0;
  }
}
