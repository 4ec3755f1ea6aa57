/**
 * A FIFO queue with a head index. `Array#shift` on the short queues of a conn moves every
 * remaining element through V8's write barrier; measured in the 32 B echo benchmark it was 7–10 %
 * of server CPU, and this queue removed it.
 */
export class Fifo<T> {
  #a: (T | undefined)[] = [];
  #h = 0;

  get length(): number {
    return this.#a.length - this.#h;
  }
  push(x: T): void {
    this.#a.push(x);
  }
  /** The oldest element, or undefined. */
  peek(): T | undefined {
    return this.#a[this.#h];
  }
  shift(): T | undefined {
    const a = this.#a;
    const h = this.#h;
    if (h >= a.length) return undefined;
    const x = a[h];
    if (h + 1 >= a.length) {
      a.length = 0;
      this.#h = 0;
    } else {
      a[h] = undefined;
      this.#h = h + 1;
    }
    return x;
  }
  /** Position of `x` counted from the head, or -1. */
  indexOf(x: T): number {
    const i = this.#a.indexOf(x, this.#h);
    return i < 0 ? -1 : i - this.#h;
  }
  removeAt(i: number): void {
    this.#a.splice(this.#h + i, 1);
    if (this.#h >= this.#a.length) this.clear();
  }
  /** Removes and returns every element, oldest first. */
  drain(): T[] {
    const out = this.#a.slice(this.#h) as T[];
    this.clear();
    return out;
  }
  clear(): void {
    this.#a.length = 0;
    this.#h = 0;
  }
}
