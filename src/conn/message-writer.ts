/**
 * MessageWriter: the Writable that nextWriter() returns. It holds the conn's write queue until it
 * is ended or destroyed, buffers writes up to writeBufferSize and sends each full buffer as a
 * frame of one fragmented message (RFC 6455 §5.4); end()/close() sends the final frame.
 */
import { Writable } from "node:stream";
import { finished } from "node:stream";
import type { DataMessageType, MessageType } from "../constants.js";
import { MAX_CONTROL_PAYLOAD } from "../constants.js";
import type { BufferPool } from "../types.js";
import { EMPTY } from "../util/bytes.js";
import type { WriteHalf } from "./write-half.js";

/** The Writable of {@link Conn.nextWriter} (gorilla: the io.WriteCloser of NextWriter). */
export interface MessageWriter extends Writable {
  /** Ends the message (final frame) and resolves once it was handed to the socket. */
  close(): Promise<void>;
}

/** Options of a writer, taken from the conn. */
export interface WriterOptions {
  half: WriteHalf;
  type: MessageType;
  writeBufferSize: number;
  pool: BufferPool | undefined;
  /** Compress this message (negotiated and enabled at nextWriter time). */
  compress: boolean;
  /** Called once when the writer no longer holds the queue. */
  release(): void;
  /** Sends a control message (control types buffer their payload until close). */
  control(payload: Buffer): Promise<void>;
}

/** The MessageWriter implementation. */
export class FrameWriter extends Writable implements MessageWriter {
  readonly #o: WriterOptions;
  #buf: Buffer | null = null;
  #len = 0;
  #sentFirst = false;
  #released = false;
  #closing: Promise<void> | undefined;

  constructor(o: WriterOptions) {
    super({ highWaterMark: o.writeBufferSize, decodeStrings: true });
    this.#o = o;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const o = this.#o;
    if (o.type >= 8) {
      // Control messages are one frame: buffer everything and send at close.
      this.#append(chunk, 0, chunk.length);
      if (this.#len > MAX_CONTROL_PAYLOAD) return cb(new RangeError("websocket: invalid control frame"));
      return cb();
    }
    const size = o.writeBufferSize;
    if (this.#len === 0 && chunk.length >= size) {
      // A chunk at least a frame long goes out as its own frame, uncopied.
      this.#frame(chunk, false, true).then(() => cb(), cb);
      return;
    }
    let off = 0;
    const step = (): void => {
      while (off < chunk.length) {
        const n = Math.min(size - this.#len, chunk.length - off);
        this.#append(chunk, off, n);
        off += n;
        if (this.#len === size) {
          const full = this.#take();
          this.#frame(full, false, false).then(step, cb);
          return;
        }
      }
      cb();
    };
    step();
  }

  override _final(cb: (err?: Error | null) => void): void {
    const o = this.#o;
    const last = this.#len > 0 ? this.#take() : EMPTY;
    const p = o.type >= 8 ? o.control(last) : this.#frame(last, true, false);
    p.then(
      () => {
        this.#release();
        cb();
      },
      (err: Error) => {
        this.#release();
        cb(err);
      },
    );
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.#released && this.#sentFirst) {
      // The message was started on the wire and can never be completed: the write side fails.
      this.#o.half.fail(err ?? new Error("websocket: message writer destroyed before close"));
    }
    this.#release();
    cb(err);
  }

  /** Ends the message; resolves when the final frame was handed to the socket. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve, reject) => {
      finished(this, { readable: false }, (err) => (err ? reject(err) : resolve()));
      if (!this.writableEnded) this.end();
    });
    return this.#closing;
  }

  #append(src: Buffer, off: number, n: number): void {
    if (this.#buf === null) {
      this.#buf = this.#o.pool?.get() ?? Buffer.allocUnsafe(Math.max(this.#o.writeBufferSize, this.#o.type >= 8 ? MAX_CONTROL_PAYLOAD + 1 : 0));
    }
    if (this.#len + n > this.#buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
      this.#buf.copy(bigger, 0, 0, this.#len);
      this.#putBack(this.#buf);
      this.#buf = bigger;
    }
    src.copy(this.#buf, this.#len, off, off + n);
    this.#len += n;
  }

  /** Detaches the filled part of the buffer; the buffer goes back to the pool once flushed. */
  #take(): Buffer {
    const buf = this.#buf!;
    const view = buf.subarray(0, this.#len);
    this.#buf = null;
    this.#len = 0;
    this.#pendingPut = buf;
    return view;
  }
  #pendingPut: Buffer | null = null;

  async #frame(payload: Buffer, fin: boolean, callerOwned: boolean): Promise<void> {
    const o = this.#o;
    const put = this.#pendingPut;
    this.#pendingPut = null;
    let data = payload;
    if (o.compress) data = await o.half.deflater!.deflate(payload, fin);
    this.#sentFirst = true;
    // A pooled buffer is handed to the socket as is, so wait for its flush before putting it back.
    const owned = callerOwned || (put !== null && o.pool !== undefined && !o.compress);
    await o.half.sendFrame(o.type as DataMessageType, data, fin, o.compress, owned);
    if (put !== null) this.#putBack(put);
  }

  #putBack(buf: Buffer): void {
    this.#o.pool?.put(buf);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#buf !== null) this.#putBack(this.#buf);
    this.#buf = null;
    this.#o.release();
  }
}
