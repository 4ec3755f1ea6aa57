/**
 * The read half of a Conn: parses bytes as they arrive (Receiver), queues data messages for reads
 * served in call order, hands control frames to the handlers, inflates compressed messages and
 * pauses the socket when unread data passes readBufferSize. Never writes; failures go to `host`.
 */
import { Receiver, type ReadEvent } from "../protocol/receiver.js";
import { Utf8Validator } from "../protocol/utf8-validator.js";
import { ProtocolError, type ReadLimitError, TimeoutError } from "../errors.js";
import type { MessageInflater } from "../extensions/compression.js";
import type { DataMessageType } from "../constants.js";
import { concat, EMPTY } from "../util/bytes.js";
import { MessageReader, type Item, type ReaderOwner } from "./message-reader.js";
import { DeadlineTimer } from "./deadline.js";

/** A whole data message (gorilla: the results of ReadMessage). */
export interface Message {
  messageType: DataMessageType;
  data: Buffer;
}

/** What the read half asks of its Conn. */
export interface ReadHost {
  /** Pause (true) or resume reading from the socket. */
  setPaused(paused: boolean): void;
  onPing(data: Buffer): void | Promise<void>;
  onPong(data: Buffer): void | Promise<void>;
  /** The peer's close frame, once every earlier message was read; returns the read error to keep. */
  onClose(code: number, text: string): Error | Promise<Error>;
  /** The peer broke the protocol: fail the connection (close frame + end). */
  onProtocolError(err: ProtocolError | ReadLimitError): void;
}

const MESSAGE = 0;
/** Tiny-fragment coalescing: pieces under COALESCE_BELOW bytes, once a message has COALESCE_AFTER chunks. */
const COALESCE_BELOW = 1024;
const COALESCE_AFTER = 16;
const ACC_SIZE = 16384;
const READER = 1;
interface Waiter {
  kind: typeof MESSAGE | typeof READER;
  resolve(v: Message | { messageType: DataMessageType; reader: MessageReader }): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Read side state machine of a Conn. */
export class ReadHalf implements ReaderOwner {
  readonly receiver: Receiver;
  readonly #host: ReadHost;
  readonly #inflater: MessageInflater | null;
  readonly #readBufferSize: number;
  #readLimit: number;
  #queue: Item[] = [];
  #current: Item | null = null;
  #waiters: Waiter[] = [];
  #buffered = 0;
  #busy = false;
  #backlog: ReadEvent[] = [];
  #validator: Utf8Validator | null = null;
  /** Set once reads can never succeed again; later reads reject with it. */
  #error: Error | null = null;
  /** The terminal event waiting behind queued messages (close frame, protocol error, EOF). */
  #terminal: (() => Error | Promise<Error>) | null = null;
  #discarding = false;
  #terminalRunning = false;
  #lastReader: MessageReader | null = null;
  #pendingEnd: Error | null = null;
  readonly deadline = new DeadlineTimer(() => this.#timeout());

  constructor(host: ReadHost, o: { server: boolean; inflater: MessageInflater | null; readLimit: number; readBufferSize: number }) {
    this.#host = host;
    this.#inflater = o.inflater;
    this.#readLimit = o.readLimit;
    this.#readBufferSize = o.readBufferSize;
    this.receiver = new Receiver({ server: o.server, compression: o.inflater !== null, readLimit: o.readLimit });
  }

  setReadLimit(n: number): void {
    this.#readLimit = n;
    this.receiver.setReadLimit(n);
  }

  /** True once a read error is final. */
  get failed(): Error | null {
    return this.#error;
  }

  // ---- input side -------------------------------------------------------------------------

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const events = this.receiver.push(chunk);
    if (this.#busy) {
      for (const e of events) this.#backlog.push(e);
      return;
    }
    this.#run(events, 0);
  }

  /** Processes events in order; async steps (inflate, async handlers) suspend the loop. */
  #run(events: ReadEvent[], i: number): void {
    for (; i < events.length; i++) {
      let p: Promise<void> | void;
      try {
        p = this.#handle(events[i]!);
      } catch (err) {
        // A handler threw: its error becomes the permanent read error; nothing is sent (gorilla).
        this.#fatal(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (p !== undefined) {
        this.#busy = true;
        this.#flow();
        const next = i + 1;
        p.then(
          () => this.#resume(events, next),
          (err: unknown) => {
            this.#fatal(err instanceof Error ? err : new Error(String(err)));
            this.#resume(events, next);
          },
        );
        return;
      }
    }
  }

  #resume(events: ReadEvent[], next: number): void {
    this.#busy = false;
    if (this.#backlog.length > 0) {
      const rest = events.slice(next).concat(this.#backlog);
      this.#backlog = [];
      this.#run(rest, 0);
    } else this.#run(events, next);
    if (this.#busy) return;
    this.#flow();
    const end = this.#pendingEnd;
    if (end !== null) {
      this.#pendingEnd = null;
      this.#setTerminal(() => end);
    }
  }

  #handle(e: ReadEvent): Promise<void> | void {
    if (this.#terminal !== null || this.#terminalRunning || this.#error !== null) return;
    switch (e.kind) {
      case "data": {
        let item = this.#current;
        if (e.first || item === null) {
          item = { type: e.messageType, compressed: e.compressed, chunks: [], size: 0, done: false, counted: true, reader: null, discard: this.#discarding };
          this.#current = item;
          if (!item.discard) this.#queue.push(item);
          if (item.compressed && item.type === 1) (this.#validator ??= new Utf8Validator()).reset();
        }
        if (item.compressed) return this.#inflate(item, e.bytes, e.fin);
        this.#append(item, e.bytes as Buffer, e.fin);
        return;
      }
      case "ping":
        return this.#host.onPing(asBuffer(e.data)) as Promise<void> | void;
      case "pong":
        return this.#host.onPong(asBuffer(e.data)) as Promise<void> | void;
      case "close":
        this.#setTerminal(() => this.#host.onClose(e.code, e.reason));
        return;
      case "error":
        this.#host.onProtocolError(e.error);
        this.#setTerminal(() => e.error);
        return;
    }
  }

  async #inflate(item: Item, bytes: Uint8Array, fin: boolean): Promise<void> {
    const out = await this.#inflater!.inflate(bytes, fin, this.#readLimit);
    const v = item.type === 1 ? this.#validator : null;
    for (const c of out) {
      if (v !== null && !v.push(c)) throw new ProtocolError("websocket: invalid UTF-8 in text message", 1007);
      this.#append(item, c, false);
    }
    if (fin) {
      if (v !== null && !v.end()) throw new ProtocolError("websocket: invalid UTF-8 in text message", 1007);
      this.#append(item, EMPTY, true);
    }
  }

  #append(item: Item, bytes: Buffer, fin: boolean): void {
    if (fin) {
      item.done = true;
      this.#current = null;
    }
    if (item.discard) return;
    const n = bytes.length;
    if (n > 0) {
      // A flood of tiny fragments would otherwise keep one Buffer view (~100 B of heap) per
      // fragment: past a few chunks, small pieces are copied into a shared 16 KiB buffer, so
      // memory stays O(payload bytes) (ws CVE-2026-48779 class). Whole messages are unaffected.
      if (n < COALESCE_BELOW && item.chunks.length >= COALESCE_AFTER && item.reader === null) this.#coalesce(item, bytes);
      else item.chunks.push(bytes);
      item.size += n;
      if (item.counted) this.#buffered += n;
    }
    if (item.reader !== null) item.reader.deliver();
    // Serve when a message completes, or the first time a pending read sees the head message
    // (a readMessage then stops counting it against readBufferSize; a nextReader takes it).
    else if (this.#waiters.length > 0 && this.#queue[0] === item && (fin || item.counted)) this.#serve();
    if (this.#buffered > this.#readBufferSize) this.#flow();
  }

  #coalesce(item: Item, bytes: Buffer): void {
    const n = bytes.length;
    let acc = item.acc ?? null;
    if (acc === null || item.accUsed! + n > acc.length) {
      acc = item.acc = Buffer.allocUnsafe(ACC_SIZE);
      item.accStart = item.accUsed = 0;
      item.chunks.push(acc.subarray(0, 0));
    }
    bytes.copy(acc, item.accUsed);
    item.accUsed! += n;
    item.chunks[item.chunks.length - 1] = acc.subarray(item.accStart, item.accUsed);
  }

  /** A read error from the input side (handler threw, inflate failed). */
  #fatal(err: Error): void {
    if (err instanceof ProtocolError || (err as { closeCode?: number }).closeCode === 1009) {
      this.#host.onProtocolError(err as ProtocolError);
    }
    this.#setTerminal(() => err);
  }

  /** Queues the end of input behind the messages already received. */
  #setTerminal(run: () => Error | Promise<Error>): void {
    if (this.#terminal !== null || this.#terminalRunning || this.#error !== null) return;
    this.#terminal = run;
    const cur = this.#current;
    if (cur !== null) {
      // An unfinished message can never complete.
      this.#current = null;
      const i = this.#queue.indexOf(cur);
      if (i >= 0) {
        this.#queue.splice(i, 1);
        if (cur.counted) this.#buffered -= cur.size;
      }
      cur.discard = true;
    }
    // At once when a read is waiting and no message is; otherwise after the reads reach it. With
    // neither, wait one turn: a read may just have been handed the message before it, and its
    // reply must still be sendable (API §4.4).
    if (this.#queue.length > 0) return;
    if (this.#waiters.length > 0) this.#runTerminal();
    else setImmediate(() => {
      if (this.#terminal !== null && this.#queue.length === 0) this.#runTerminal();
    });
  }

  /** The socket ended or failed: pending messages stay readable, then `err`. */
  end(err: Error): void {
    // While an async step runs, events already parsed (a close frame behind a compressed
    // message) must be handled first: the end waits for the loop to drain.
    if (this.#busy) this.#pendingEnd = err;
    else this.#setTerminal(() => err);
  }

  /** Fails every pending and later read with `err` at once (close(), shutdown result, keepalive). */
  failNow(err: Error): void {
    if (this.#error !== null) return;
    this.#setError(err);
  }

  // ---- read side --------------------------------------------------------------------------

  read(kind: typeof MESSAGE | typeof READER, signal: AbortSignal | undefined): Promise<any> {
    if (this.#error === null && this.deadline.expired()) this.#timeout();
    if (this.#error !== null) {
      const err = this.#error;
      // Later rejections on a later turn: a loop that ignores errors cannot starve the process.
      return new Promise((_, reject) => setImmediate(reject, err));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const last = this.#lastReader;
    if (last !== null) {
      this.#lastReader = null;
      if (!last.destroyed && !last.readableEnded) last.destroy();
    }
    // Fast path: a complete message is already queued and nobody is ahead of us.
    if (kind === MESSAGE && this.#waiters.length === 0) {
      const item = this.#queue[0];
      if (item !== undefined && item.done) {
        this.#queue.shift();
        if (item.counted) this.#consumedFlow(item.size);
        return Promise.resolve({ messageType: item.type, data: concat(item.chunks, item.size) });
      }
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { kind, resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        w.onAbort = () => this.#abort(w);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.#waiters.push(w);
      this.#serve();
    });
  }

  #abort(w: Waiter): void {
    const i = this.#waiters.indexOf(w);
    if (i < 0) return;
    this.#waiters.splice(i, 1);
    // A partly received message stays for the next read, counted again as unread data.
    const head = this.#queue[0];
    if (i === 0 && head !== undefined && !head.counted && head.reader === null) {
      head.counted = true;
      this.#buffered += head.size;
      this.#flow();
    }
    w.reject(w.signal!.reason);
  }

  #settle(w: Waiter): void {
    if (w.onAbort !== undefined) w.signal!.removeEventListener("abort", w.onAbort);
  }

  /** Hands queued messages to waiters in call order. */
  #serve(): void {
    const ws = this.#waiters;
    while (ws.length > 0) {
      const item = this.#queue[0];
      if (item === undefined) break;
      const w = ws[0]!;
      if (w.kind === MESSAGE) {
        if (!item.done) {
          if (item.counted) {
            // The message being assembled for a pending read counts against the read limit only.
            item.counted = false;
            this.#consumedFlow(item.size);
          }
          return;
        }
        this.#queue.shift();
        ws.shift();
        if (item.counted) this.#consumedFlow(item.size);
        this.#settle(w);
        w.resolve({ messageType: item.type, data: concat(item.chunks, item.size) });
      } else {
        this.#queue.shift();
        ws.shift();
        this.#settle(w);
        const reader = new MessageReader(item, this);
        this.#lastReader = reader;
        w.resolve({ messageType: item.type, reader });
      }
    }
    // The close (or failure) behind the last message is handled by the next read, so the reply
    // to that message can still be sent first (API §4.4).
    if (this.#queue.length === 0 && this.#terminal !== null && ws.length > 0) this.#runTerminal();
  }

  #runTerminal(): void {
    const run = this.#terminal!;
    this.#terminal = null;
    this.#terminalRunning = true;
    let r: Error | Promise<Error>;
    try {
      r = run();
    } catch (e) {
      r = e instanceof Error ? e : new Error(String(e));
    }
    if (r instanceof Promise) {
      this.#busy = true;
      r.then(
        (e) => this.#setError(e),
        (e: unknown) => this.#setError(e instanceof Error ? e : new Error(String(e))),
      ).finally(() => {
        this.#busy = false;
      });
    } else this.#setError(r);
  }

  #setError(err: Error): void {
    if (this.#error !== null) return;
    this.#error = err;
    this.#terminal = null;
    this.deadline.clear();
    for (const w of this.#waiters.splice(0)) {
      this.#settle(w);
      w.reject(err);
    }
    const cur = this.#current;
    if (cur?.reader) cur.reader.destroy(err);
    const last = this.#lastReader;
    if (last !== null && !last.readableEnded) last.destroy(err);
    this.#current = null;
    this.#queue = [];
    this.#buffered = 0;
  }

  #timeout(): void {
    // gorilla: a read that hits its deadline corrupts the conn; a deadline passing while no
    // read is pending only fails reads that start after it (checked in read()).
    if (this.#waiters.length > 0 || (this.#lastReader !== null && !this.#lastReader.readableEnded)) this.#setError(new TimeoutError("websocket: read timeout"));
  }

  /** Drops queued and future data messages (shutdown: waiting only for the peer's close). */
  discardAll(): void {
    this.#discarding = true;
    for (const item of this.#queue) {
      item.discard = true;
      item.chunks = [];
      item.reader?.destroy();
    }
    if (this.#current !== null) this.#current.discard = true;
    this.#queue = [];
    this.#buffered = 0;
    this.#flow();
    if (this.#terminal !== null) this.#runTerminal();
  }

  // ---- ReaderOwner --------------------------------------------------------------------------

  consumed(n: number): void {
    this.#consumedFlow(n);
  }

  abandon(item: Item): void {
    item.discard = true;
    if (item.size > 0) this.#consumedFlow(item.size);
    item.chunks = [];
    item.size = 0;
    if (item.done) this.#serve();
  }

  #consumedFlow(n: number): void {
    this.#buffered -= n;
    this.#flow();
  }

  #flow(): void {
    this.#host.setPaused(this.#busy || this.#buffered > this.#readBufferSize);
  }
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export { MESSAGE as READ_MESSAGE, READER as READ_READER };
