/**
 * The write half of a Conn: one queue of data writes in call order (never interleaved), control
 * frames between frames, early settlement below writeHighWaterMark, compression, write deadline
 * and the sticky write error. Frames are built by the pure Sender; bytes go to the transport.
 */
import { Sender } from "../protocol/sender.js";
import { headerSize } from "../protocol/frame-header.js";
import type { MaskKeySource } from "../protocol/mask.js";
import { CloseSentError, TimeoutError } from "../errors.js";
import type { MessageDeflater } from "../extensions/compression.js";
import type { SocketTransport } from "../transport/socket-transport.js";
import type { DataMessageType } from "../constants.js";
import { DeadlineTimer } from "./deadline.js";
import { Fifo } from "../util/fifo.js";
import { NONE, append } from "../util/lists.js";
import { PreparedMessage, type DeflateParams } from "./prepared-message.js";
import { HeldControls } from "./held-controls.js";

const RESOLVED: Promise<void> = Promise.resolve();

/** A queued unit of the data queue. `start` runs when the queue reaches it. */
export interface Job {
  /** Runs the job; returns a promise while it holds the queue (deflate, an open writer). */
  start(): void | Promise<void>;
  reject(err: Error): void;
  /** Bytes the job will hand to the socket, framing included, when known (for bufferedAmount). */
  size?: number;
}

interface FlushWaiter {
  batch: number;
  resolve(): void;
  reject(err: Error): void;
  data: boolean;
}

/** What the write half asks of its Conn. */
export interface WriteHost {
  /** Our close frame was handed to the socket. */
  closeSent(): void;
  /** Complete messages received and not yet read: replies to them are likely this tick. */
  readBacklog(): number;
}

/** Write side of a Conn. */
export class WriteHalf {
  readonly sender: Sender;
  readonly transport: SocketTransport;
  readonly hwm: number;
  readonly #host: WriteHost;
  deflater: MessageDeflater | null;
  /** What our deflater compresses with; the PreparedMessage cache key. */
  deflateParams: DeflateParams | null = null;
  readonly server: boolean;
  compress = true;
  threshold: number;
  #queue = new Fifo<Job>();
  #busy = false;
  /** Sum of the queued jobs' sizes: the conn's share of bufferedAmount. */
  #queued = 0;
  #error: Error | null = null;
  /** The error wins over CloseSentError for later writes (keepalive expiry, API §4.8). */
  #errorFirst = false;
  // The shared empty list until the first write waits for a flush.
  #waiters: FlushWaiter[] = NONE;
  // Made when the first control frame has to wait (memory per idle conn).
  #controls: HeldControls | null = null;
  #deadline: DeadlineTimer | null = null;
  /** The write deadline's timer, made on first use (idle conns without deadlines carry none). */
  get deadline(): DeadlineTimer {
    return (this.#deadline ??= new DeadlineTimer(() => this.#timeout()));
  }

  constructor(transport: SocketTransport, o: { server: boolean; hwm: number; maskKeys?: MaskKeySource; deflater: MessageDeflater | null; threshold: number; host: WriteHost }) {
    this.transport = transport;
    this.sender = new Sender({ server: o.server, maskKeys: o.maskKeys });
    this.hwm = o.hwm;
    this.server = o.server;
    this.deflater = o.deflater;
    this.threshold = o.threshold;
    this.#host = o.host;
  }

  /** The sticky write error, if any. */
  get error(): Error | null {
    return this.#error;
  }
  /** Bytes in our queues plus the socket's unsent bytes (API §4.7 bufferedAmount). */
  get bufferedAmount(): number {
    return this.transport.writableLength + this.#queued + (this.#controls?.bytes ?? 0);
  }

  /** Stops the deadline timer, if one was made. */
  stopDeadline(): void {
    this.#deadline?.clear();
  }

  /** Returns the error a new data write must fail with, if any. */
  check(): Error | null {
    const refused = this.#refusal();
    if (refused !== null) return refused;
    if (this.#deadline?.expired()) return this.fail(new TimeoutError("websocket: write timeout"));
    return null;
  }

  // ---- data queue -------------------------------------------------------------------------

  /**
   * Writes one whole message. Fast path: nothing queued and the socket below the high-water
   * mark → frames go out now and the shared resolved promise is returned (no allocation).
   */
  writeMessage(type: DataMessageType, payload: Buffer, callerOwned: boolean): Promise<void> {
    const err = this.check();
    if (err !== null) return Promise.reject(err);
    const compress = this.deflater !== null && this.compress && payload.length >= this.threshold;
    if (!compress && !this.#busy && this.#queue.length === 0 && this.#room()) {
      return this.#sendData(type, payload, true, false, callerOwned);
    }
    return this.enqueue((resolve, reject) => ({
      size: this.#frameSize(payload.length),
      start: () => {
        if (!compress) return this.#sendData(type, payload, true, false, callerOwned).then(resolve, reject);
        return this.deflater!.deflate(payload, true).then(
          (out: Buffer) => this.#sendData(type, out, true, true, false).then(resolve, reject),
          (e: Error) => reject(this.fail(e)),
        );
      },
      reject,
    }));
  }

  /** Queues a job built by `make`; the returned promise settles when the job does. */
  enqueue<T = void>(make: (resolve: (v: T) => void, reject: (e: Error) => void) => Job): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job = make(resolve, reject);
      this.#queued += job.size ?? 0;
      this.#queue.push(job);
      this.pump();
    });
  }

  /** A one-frame message's size on the wire (compressed ones are counted at their input size). */
  #frameSize(payloadLength: number): number {
    return payloadLength + headerSize(payloadLength, !this.server);
  }

  /** Why a new write is refused now, if it is: our close frame went out, or the sticky error. */
  #refusal(): Error | null {
    if (this.#errorFirst) return this.#error;
    if (this.sender.closeSent) return new CloseSentError();
    return this.#error;
  }

  /** Runs queued jobs while the socket is below the high-water mark. */
  pump(): void {
    while (!this.#busy && this.#queue.length > 0) {
      const err = this.#error ?? (this.sender.closeSent ? new CloseSentError() : null);
      if (err !== null) {
        this.#rejectQueued(err);
        return;
      }
      if (!this.#room()) return; // resumed by onFlush
      const job = this.#queue.shift()!;
      this.#queued -= job.size ?? 0;
      const p = job.start();
      if (p !== undefined) {
        this.#busy = true;
        p.finally(() => {
          this.#busy = false;
          this.pump();
        });
      }
    }
  }

  /**
   * Hands one data frame to the socket and returns a promise that settles per API §4.3: once
   * handed over, bufferedAmount ≤ writeHighWaterMark, and the caller's bytes are no longer needed.
   */
  #sendData(type: DataMessageType, payload: Buffer, fin: boolean, compressed: boolean, callerOwned: boolean): Promise<void> {
    let frames: Uint8Array[];
    try {
      frames = this.sender.dataFrame(type, payload, fin, compressed);
    } catch (e) {
      return Promise.reject(e);
    }
    const batch = this.transport.write(frames, this.#host.readBacklog() > 0);
    // The serializer passes large unmasked payloads to the socket uncopied; then the caller may
    // only reuse its buffer after the socket flushed it.
    // (Identity, not `.buffer`: reading `.buffer` makes V8 materialize an ArrayBuffer per call.)
    const aliased = callerOwned && frames.length > 1 && frames[frames.length - 1] === payload;
    if (!aliased && this.#room()) return RESOLVED;
    return this.#waitFlush(aliased ? batch : 0, true);
  }

  /** Sends a frame for a MessageWriter (which holds the queue). */
  sendFrame(type: DataMessageType, payload: Buffer, fin: boolean, compressed: boolean, callerOwned: boolean): Promise<void> {
    const err = this.#error ?? (this.sender.closeSent && !this.sender.messageOpen ? new CloseSentError() : null);
    if (err !== null) return Promise.reject(err);
    return this.#sendData(type, payload, fin, compressed, callerOwned);
  }

  #waitFlush(batch: number, data: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters = append(this.#waiters, { batch, resolve, reject, data });
    });
  }

  /** The transport flushed a batch: settle waiters, send held control frames, resume the queue. */
  onFlush(): void {
    const t = this.transport;
    const below = this.#room();
    const ws = this.#waiters;
    if (ws.length > 0) {
      let keep: FlushWaiter[] = NONE;
      for (const w of ws) {
        if (t.flushed >= w.batch && below) w.resolve();
        else keep = append(keep, w);
      }
      this.#waiters = keep;
    }
    if (below) {
      this.#flushControls();
      this.pump();
    }
  }

  // ---- control frames ---------------------------------------------------------------------

  /**
   * Sends a control frame ahead of queued data, between frames. Held (with its deadline) only
   * while the socket is over the high-water mark. Payload is copied: it is at most 125 bytes.
   */
  writeControl(op: 8 | 9 | 10, payload: Buffer, deadlineMs: number): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    if (this.#controlGoesNow()) {
      this.#sendControl(op, payload);
      return RESOLVED;
    }
    return (this.#controls ??= new HeldControls()).hold(op, payload, deadlineMs);
  }

  /** Default ping handler's pong: sent now, or held in a single slot (newest wins, RFC 6455 §5.5.3). */
  queuePong(payload: Buffer): void {
    if (this.#error !== null || this.sender.closeSent) return;
    if (this.#controlGoesNow()) this.#sendControl(10, payload);
    else (this.#controls ??= new HeldControls()).holdPong(payload);
  }

  /** The socket's unsent bytes are within the high-water mark (API §4.3). */
  #room(): boolean {
    return this.transport.writableLength <= this.hwm;
  }

  /** A control frame is sent at once when there is room and none is held ahead of it. */
  #controlGoesNow(): boolean {
    return this.#room() && (this.#controls?.empty ?? true);
  }

  #sendControl(op: 8 | 9 | 10, payload: Buffer): void {
    this.transport.write(this.sender.controlFrame(op, payload.length > 0 ? Buffer.from(payload) : payload));
    if (op === 8) {
      this.#controls?.dropPong();
      this.#host.closeSent();
      this.pump(); // fails queued data writes with CloseSentError
    }
  }

  // Closures only on the rare held-control path: onFlush runs once per flushed batch.
  #flushControls(): void {
    const c = this.#controls;
    if (c === null || c.idle) return;
    c.flush(
      () => this.#room(),
      () => this.#refusal(),
      (op, payload) => this.#sendControl(op, payload),
    );
  }

  /** Sends a close frame now, ahead of everything and regardless of the high-water mark. */
  forceClose(payload: Buffer): void {
    if (this.sender.closeSent || this.#error !== null || this.transport.closed) return;
    this.#sendControl(8, payload);
  }

  /** Queues a close frame behind the data writes already queued (shutdown). */
  enqueueClose(payload: Buffer): Promise<void> {
    return this.enqueue((resolve, reject) => ({
      size: this.#frameSize(payload.length),
      start: () => {
        this.#sendControl(8, payload);
        resolve();
      },
      reject,
    }));
  }

  /** Queues a prepared message: its cached frames go out when the queue reaches it. */
  writePrepared(pm: PreparedMessage): Promise<void> {
    if (!(pm instanceof PreparedMessage)) return Promise.reject(new TypeError("websocket: not a PreparedMessage"));
    if (pm.messageType >= 8) return this.writeControl(pm.messageType as 8 | 9 | 10, pm.payload, 0);
    const err = this.check();
    if (err !== null) return Promise.reject(err);
    return this.enqueue((resolve, reject) => ({
      size: this.#frameSize(pm.payload.length),
      start: () => {
        const d = this.deflater !== null && this.compress && pm.payload.length >= this.threshold ? this.deflateParams : null;
        this.transport.write(pm.frames(this.sender, this.server, d));
        // The shared compressed form was made without our history, and the peer's inflater keeps
        // appending to its window, so our context must restart too (API §6).
        if (d !== null) this.deflater!.reset();
        if (this.#room()) resolve();
        else this.#waitFlush(0, true).then(resolve, reject);
      },
      reject,
    }));
  }

  // ---- failure ----------------------------------------------------------------------------

  /** Makes `err` the permanent write error and rejects everything pending. Returns it. */
  fail(err: Error): Error {
    if (this.#error !== null) return this.#error;
    this.#error = err;
    this.#deadline?.clear();
    const ws = this.#waiters;
    this.#waiters = NONE;
    for (const w of ws) w.reject(err);
    this.#controls?.rejectAll(err);
    this.#rejectQueued(err);
    return err;
  }

  #rejectQueued(err: Error): void {
    this.#queued = 0;
    for (const j of this.#queue.drain()) j.reject(err);
  }

  /**
   * Keepalive expiry (API §4.8): `err` becomes the write error and, unlike other failures, wins
   * over CloseSentError for later writes; then the close frame goes out ahead of everything.
   */
  expire(err: Error, closePayload: Buffer): void {
    const sendClose = !this.sender.closeSent && this.#error === null && !this.transport.closed;
    if (this.#error === null) this.#errorFirst = true;
    this.fail(err);
    if (sendClose) this.#sendControl(8, closePayload);
  }

  #timeout(): void {
    // gorilla: a write that misses its deadline leaves the conn corrupt for writing.
    if (this.#busy || this.#queue.length > 0 || this.#waiters.some((w) => w.data)) this.fail(new TimeoutError("websocket: write timeout"));
  }
}
