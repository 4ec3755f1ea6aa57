/**
 * MessageReader: the Readable that nextReader() returns. It streams one message's payload from
 * the read half's chunk list, so a message of any size is read in bounded memory.
 */
import { Readable } from "node:stream";
import type { DataMessageType } from "../constants.js";

/** One received data message, complete or still arriving. Owned by the read half. */
export interface Item {
  type: DataMessageType;
  compressed: boolean;
  chunks: Buffer[];
  /** Bytes in `chunks`. */
  size: number;
  /** The final frame has been received. */
  done: boolean;
  /** `size` counts against readBufferSize (false while a readMessage assembles it). */
  counted: boolean;
  reader: MessageReader | null;
  /** Its remaining bytes are dropped (reader destroyed, shutdown, or a later read). */
  discard: boolean;
  /** Coalescing buffer for tiny fragments (see ReadHalf), null until needed. */
  acc?: Buffer | null;
  accStart?: number;
  accUsed?: number;
}

/** What a MessageReader needs from the read half. */
export interface ReaderOwner {
  /** `n` unread bytes left the conn's buffer. */
  consumed(n: number): void;
  /** The reader was destroyed or superseded: drop the rest of its message. */
  abandon(item: Item): void;
}

/**
 * A Readable over the payload of one message (gorilla: the io.Reader of NextReader). Ends at the
 * end of the message; errors with the read error if the connection fails mid-message.
 */
export class MessageReader extends Readable {
  readonly #item: Item;
  readonly #owner: ReaderOwner;
  #wanting = false;

  constructor(item: Item, owner: ReaderOwner) {
    super();
    this.#item = item;
    this.#owner = owner;
    item.reader = this;
  }

  override _read(): void {
    this.#wanting = true;
    this.deliver();
  }

  /** Called by the read half when bytes arrive or the message ends. */
  deliver(): void {
    if (!this.#wanting || this.destroyed) return;
    const item = this.#item;
    while (item.chunks.length > 0) {
      const c = item.chunks.shift()!;
      item.size -= c.length;
      this.#owner.consumed(c.length);
      if (!this.push(c)) {
        this.#wanting = false;
        return;
      }
    }
    if (item.done) {
      this.#wanting = false;
      this.push(null);
    }
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const item = this.#item;
    if (!(item.done && item.chunks.length === 0)) this.#owner.abandon(item);
    cb(err);
  }
}
