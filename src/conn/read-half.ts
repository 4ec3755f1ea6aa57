/**
 * The read half of a Conn: queues the data messages its ReadPump parses, serves reads in call
 * order, runs the close/failure behind the last message, and pauses the socket when unread data
 * passes readBufferSize. Never writes; failures go to `host`.
 */
import { type ProtocolError, type ReadLimitError, TimeoutError } from "../errors.js";
import type { MessageInflater } from "../extensions/compression.js";
import type { DataMessageType } from "../constants.js";
import { concat } from "../util/bytes.js";
import { Fifo } from "../util/fifo.js";
import { MessageReader, addChunk, type Item, type ReaderOwner } from "./message-reader.js";
import { ReadPump, type PumpSink } from "./read-pump.js";
import { DeadlineTimer } from "./deadline.js";

/** A whole data message (gorilla: the results of ReadMessage). */
export interface Message {
  /** TextMessage or BinaryMessage. */
  messageType: DataMessageType;
  /** The whole payload (inflated); owned by the caller. */
  data: Buffer;
}

/** What the read half asks of its Conn. */
export interface ReadHost {
  /** Pause (true) or resume reading from the socket. */
  setPaused(paused: boolean): void;
  onPing(data: Buffer): void | Promise<void>;
  onPong(data: Buffer): void | Promise<void>;
  /** The peer's close frame, once every earlier message was read; returns the read error to keep. */
  onPeerClose(code: number, text: string): Error | Promise<Error>;
  /** The peer broke the protocol: fail the connection (close frame + end). */
  onProtocolError(err: ProtocolError | ReadLimitError): void;
}

const MESSAGE = 0;
const READER = 1;
interface Waiter {
  kind: typeof MESSAGE | typeof READER;
  resolve(v: Message | { messageType: DataMessageType; reader: MessageReader }): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Read side state machine of a Conn. */
export class ReadHalf implements ReaderOwner, PumpSink {
  readonly #host: ReadHost;
  readonly #readBufferSize: number;
  #queue = new Fifo<Item>();
  #current: Item | null = null;
  #waiters = new Fifo<Waiter>();
  #buffered = 0;
  // The input loop (with its receiver and frame parser) is made when the first bytes arrive: an
  // idle conn holds no parser state (measured with bench/memprobe.ts: −380 B per idle connection).
  #pump: ReadPump | null = null;
  readonly #server: boolean;
  readonly #inflater: MessageInflater | null;
  #readLimit: number;
  /** An async close handler is running (the socket stays paused). */
  #handlerBusy = false;
  /** Set once reads can never succeed again; later reads reject with it. */
  #error: Error | null = null;
  /** The terminal event waiting behind queued messages (close frame, protocol error, EOF). */
  #terminal: (() => Error | Promise<Error>) | null = null;
  #discarding = false;
  #terminalRunning = false;
  #lastReader: MessageReader | null = null;
  #deadline: DeadlineTimer | null = null;
  /** The read deadline's timer, made on first use (idle conns without deadlines carry none). */
  get deadline(): DeadlineTimer {
    return (this.#deadline ??= new DeadlineTimer(() => this.#timeout()));
  }

  constructor(host: ReadHost, o: { server: boolean; inflater: MessageInflater | null; readLimit: number; readBufferSize: number }) {
    this.#host = host;
    this.#readBufferSize = o.readBufferSize;
    this.#server = o.server;
    this.#inflater = o.inflater;
    this.#readLimit = o.readLimit;
  }

  /** Stops the deadline timer, if one was made. */
  stopDeadline(): void {
    this.#deadline?.clear();
  }

  setReadLimit(n: number): void {
    this.#readLimit = n;
    this.#pump?.setReadLimit(n);
  }

  /** Messages received and not yet handed to a read. */
  get queued(): number {
    return this.#queue.length;
  }

  /** True once a read error is final. */
  get failed(): Error | null {
    return this.#error;
  }

  // ---- input side (driven by the ReadPump) -----------------------------------------------

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    (this.#pump ??= new ReadPump(this, { server: this.#server, inflater: this.#inflater, readLimit: this.#readLimit })).push(chunk);
  }

  // PumpSink: methods rather than closures, so an idle conn carries no per-conn functions.
  /** @internal */ stopped(): boolean {
    return this.#terminal !== null || this.#terminalRunning || this.#error !== null;
  }
  /** @internal */ current(): Item | null {
    return this.#current;
  }
  /** @internal */ begin(type: DataMessageType, compressed: boolean): Item {
    const item: Item = { type, compressed, chunks: [], size: 0, done: false, counted: true, reader: null, discard: this.#discarding };
    this.#current = item;
    if (!item.discard) this.#queue.push(item);
    return item;
  }
  /** @internal */ ping(d: Buffer): Promise<void> | void {
    return this.#host.onPing(d);
  }
  /** @internal */ pong(d: Buffer): Promise<void> | void {
    return this.#host.onPong(d);
  }
  /** @internal */ close(code: number, reason: string): void {
    this.#setTerminal(() => this.#host.onPeerClose(code, reason));
  }
  /** @internal */ protocolError(err: ProtocolError | ReadLimitError): void {
    this.#host.onProtocolError(err);
  }
  /** @internal */ fatal(err: Error): void {
    this.#setTerminal(() => err);
  }
  /** @internal */ ended(err: Error): void {
    this.#setTerminal(() => err);
  }
  /** @internal */ flow(): void {
    this.#flow();
  }

  /** @internal */ append(item: Item, bytes: Buffer, fin: boolean): void {
    if (fin) {
      item.done = true;
      this.#current = null;
    }
    if (item.discard) return;
    const n = bytes.length;
    if (n > 0) {
      addChunk(item, bytes);
      if (item.counted) this.#buffered += n;
    }
    if (item.reader !== null) item.reader.deliver();
    // Serve when a message completes, or the first time a pending read sees the head message
    // (a readMessage then stops counting it against readBufferSize; a nextReader takes it).
    else if (this.#waiters.length > 0 && this.#queue.peek() === item && (fin || item.counted)) this.#serve();
    if (this.#buffered > this.#readBufferSize) this.#flow();
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
        this.#queue.removeAt(i);
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
    if (this.#pump === null) this.ended(err);
    else this.#pump.end(err);
  }

  /** Fails every pending and later read with `err` at once (close(), shutdown result, keepalive). */
  failNow(err: Error): void {
    if (this.#error !== null) return;
    this.#setError(err);
  }

  // ---- read side --------------------------------------------------------------------------

  read(kind: typeof MESSAGE | typeof READER, signal: AbortSignal | undefined): Promise<any> {
    // API §4.5: a read that starts after the deadline fails, and so does every later one.
    if (this.#error === null && this.#deadline?.expired()) this.#setError(new TimeoutError("websocket: read timeout"));
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
      const item = this.#queue.peek();
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
    this.#waiters.removeAt(i);
    // A partly received message stays for the next read, counted again as unread data.
    const head = this.#queue.peek();
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
      const item = this.#queue.peek();
      if (item === undefined) break;
      const w = ws.peek()!;
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
      this.#handlerBusy = true;
      r.then(
        (e) => this.#setError(e),
        (e: unknown) => this.#setError(e instanceof Error ? e : new Error(String(e))),
      ).finally(() => {
        this.#handlerBusy = false;
      });
    } else this.#setError(r);
  }

  #setError(err: Error): void {
    if (this.#error !== null) return;
    this.#error = err;
    this.#terminal = null;
    this.#deadline?.clear();
    for (const w of this.#waiters.drain()) {
      this.#settle(w);
      w.reject(err);
    }
    const cur = this.#current;
    if (cur?.reader) cur.reader.destroy(err);
    const last = this.#lastReader;
    if (last !== null && !last.readableEnded) last.destroy(err);
    this.#current = null;
    this.#queue.clear();
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
    for (const item of this.#queue.drain()) {
      item.discard = true;
      item.chunks = [];
      item.reader?.destroy();
    }
    if (this.#current !== null) this.#current.discard = true;
    this.#queue.clear();
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
    this.#host.setPaused(this.#pump?.busy === true || this.#handlerBusy || this.#buffered > this.#readBufferSize);
  }
}

export { MESSAGE as READ_MESSAGE, READER as READ_READER };
