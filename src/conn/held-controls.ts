/**
 * Control frames held while the socket is over the write high-water mark (API §4.3): each with
 * its own deadline, sent oldest first as soon as there is room, plus the default ping handler's
 * pong in a single slot where the newest wins (RFC 6455 §5.5.3). Sends nothing itself: the write
 * half passes in how to send and why not to.
 */
import { TimeoutError } from "../errors.js";
import { NONE, append } from "../util/lists.js";

interface HeldControl {
  op: 8 | 9 | 10;
  payload: Buffer;
  resolve(): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

/** Sends one control frame now. */
export type SendControl = (op: 8 | 9 | 10, payload: Buffer) => void;

/** The held control frames of one conn. */
export class HeldControls {
  // The shared empty list until the first frame is held (memory per idle conn).
  #list: HeldControl[] = NONE;
  #pong: Buffer | null = null;

  /** No control frame is held (a held pong does not count: newer frames may pass it). */
  get empty(): boolean {
    return this.#list.length === 0;
  }

  /** Nothing is held, not even a pong. */
  get idle(): boolean {
    return this.#list.length === 0 && this.#pong === null;
  }

  /** Bytes the held frames will take on the wire, minus masks (their share of bufferedAmount). */
  get bytes(): number {
    let n = 0;
    for (const c of this.#list) n += c.payload.length + 2;
    return n;
  }

  /**
   * Holds a control frame; the promise settles when it is sent, refused, or its deadline
   * (`deadlineMs` since the epoch; 0 = none) passes first. The payload is copied (≤ 125 bytes).
   */
  hold(op: 8 | 9 | 10, payload: Buffer, deadlineMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const c: HeldControl = { op, payload: Buffer.from(payload), resolve, reject };
      if (deadlineMs !== 0) {
        c.timer = setTimeout(() => {
          const i = this.#list.indexOf(c);
          if (i >= 0) this.#list.splice(i, 1);
          reject(new TimeoutError("websocket: write timeout"));
        }, Math.max(0, deadlineMs - Date.now()));
        c.timer.unref();
      }
      this.#list = append(this.#list, c);
    });
  }

  /** Keeps the latest pong the default ping handler could not send at once. */
  holdPong(payload: Buffer): void {
    this.#pong = Buffer.from(payload);
  }

  /** Forgets the held pong (our close frame went out: nothing may follow it). */
  dropPong(): void {
    this.#pong = null;
  }

  /**
   * Sends held frames oldest first while `room()`, each through `send` unless `refusal()` gives
   * the error to reject it with; then the held pong, when nothing else is waiting.
   */
  flush(room: () => boolean, refusal: () => Error | null, send: SendControl): void {
    while (this.#list.length > 0 && room()) {
      const c = this.#list.shift()!;
      if (c.timer !== undefined) clearTimeout(c.timer);
      const err = refusal();
      if (err !== null) c.reject(err);
      else {
        send(c.op, c.payload);
        c.resolve();
      }
    }
    if (this.#pong !== null && this.#list.length === 0 && room()) {
      const p = this.#pong;
      this.#pong = null;
      if (refusal() === null) send(10, p);
    }
  }

  /** Rejects every held frame with `err` (the write side failed). */
  rejectAll(err: Error): void {
    const cs = this.#list;
    this.#list = NONE;
    for (const c of cs) {
      if (c.timer !== undefined) clearTimeout(c.timer);
      c.reject(err);
    }
  }
}
