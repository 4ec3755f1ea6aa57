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

/** Tiny-fragment coalescing: pieces under COALESCE_BELOW bytes, once a message has COALESCE_AFTER chunks. */
const COALESCE_BELOW = 1024;
const COALESCE_AFTER = 16;
const ACC_SIZE = 16384;

/**
 * Adds received bytes to a message. A flood of tiny fragments would otherwise keep one Buffer
 * view (~100 B of heap) per fragment: past a few chunks, small pieces are copied into a shared
 * 16 KiB buffer, so memory stays O(payload bytes) (ws CVE-2026-48779 class; measured: 1,000,000
 * one-byte fragments 108 MiB → 1.2 MiB). Whole messages and streamed readers are unaffected.
 */
export function addChunk(item: Item, bytes: Buffer): void {
  const n = bytes.length;
  item.size += n;
  if (n >= COALESCE_BELOW || item.chunks.length < COALESCE_AFTER || item.reader !== null) {
    item.chunks.push(bytes);
    return;
  }
  let acc = item.acc ?? null;
  const last = item.chunks.length - 1;
  if (acc === null || item.accUsed! + n > acc.length) {
    acc = item.acc = Buffer.allocUnsafe(ACC_SIZE);
    item.accStart = item.accUsed = 0;
    item.chunks.push(acc.subarray(0, 0));
  } else if (item.chunks[last]!.buffer !== acc.buffer || item.chunks[last]!.byteOffset !== acc.byteOffset + item.accStart!) {
    // A larger piece went in after the last coalesced run: start a new run in the same buffer.
    item.accStart = item.accUsed;
    item.chunks.push(acc.subarray(item.accStart, item.accStart));
  }
  bytes.copy(acc, item.accUsed);
  item.accUsed! += n;
  item.chunks[item.chunks.length - 1] = acc.subarray(item.accStart, item.accUsed);
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
