/**
 * The input loop of a Conn's read half: events parsed by the Receiver are handled strictly in
 * order; an async step (inflating, an async ping/pong handler) suspends the loop, and the socket
 * stays paused until it ends. Knows nothing about waiting readers.
 */
import { Receiver, type ReadEvent } from "../protocol/receiver.js";
import { Utf8Validator } from "../protocol/utf8-validator.js";
import { ProtocolError, type ReadLimitError } from "../errors.js";
import type { MessageInflater } from "../extensions/compression.js";
import type { DataMessageType } from "../constants.js";
import { EMPTY } from "../util/bytes.js";
import { NONE, append } from "../util/lists.js";
import type { Item } from "./message-reader.js";

/** What the loop drives: the read half's message queue and terminal state. */
export interface PumpSink {
  /** True once no more input is wanted (end queued or reads failed). */
  stopped(): boolean;
  /** The message still receiving frames, or null. */
  current(): Item | null;
  /** Starts and queues a new message. */
  begin(type: DataMessageType, compressed: boolean): Item;
  append(item: Item, bytes: Buffer, fin: boolean): void;
  ping(data: Buffer): Promise<void> | void;
  pong(data: Buffer): Promise<void> | void;
  close(code: number, reason: string): void;
  protocolError(err: ProtocolError | ReadLimitError): void;
  /** An error from a handler or the inflater: the permanent read error. */
  fatal(err: Error): void;
  /** The socket ended (after every parsed event was handled). */
  ended(err: Error): void;
  /** Re-evaluate whether the socket should be paused. */
  flow(): void;
}

/** The ordered, suspendable input loop. */
export class ReadPump {
  readonly receiver: Receiver;
  readonly #sink: PumpSink;
  readonly #inflater: MessageInflater | null;
  #readLimit: number;
  #validator: Utf8Validator | null = null;
  /** An async step is running; new events wait in the backlog. */
  busy = false;
  // Events parsed while a handler runs; the shared empty list until then.
  #backlog: ReadEvent[] = NONE;
  #pendingEnd: Error | null = null;

  constructor(sink: PumpSink, o: { server: boolean; inflater: MessageInflater | null; readLimit: number }) {
    this.#sink = sink;
    this.#inflater = o.inflater;
    this.#readLimit = o.readLimit;
    this.receiver = new Receiver({ server: o.server, compression: o.inflater !== null, readLimit: o.readLimit });
  }

  setReadLimit(n: number): void {
    this.#readLimit = n;
    this.receiver.setReadLimit(n);
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const events = this.receiver.push(chunk);
    if (this.busy) {
      for (const e of events) this.#backlog = append(this.#backlog, e);
      return;
    }
    this.#run(events, 0);
  }

  /** The socket ended: handled once the events already parsed are (a close behind a compressed message). */
  end(err: Error): void {
    if (this.busy) this.#pendingEnd = err;
    else this.#sink.ended(err);
  }

  #run(events: ReadEvent[], i: number): void {
    for (; i < events.length; i++) {
      let p: Promise<void> | void;
      try {
        p = this.#handle(events[i]!);
      } catch (err) {
        // A handler threw: its error becomes the permanent read error; nothing is sent (gorilla).
        this.#fatal(err);
        continue;
      }
      if (p !== undefined) {
        this.busy = true;
        this.#sink.flow();
        const next = i + 1;
        p.then(
          () => this.#resume(events, next),
          (err: unknown) => {
            this.#fatal(err);
            this.#resume(events, next);
          },
        );
        return;
      }
    }
  }

  #resume(events: ReadEvent[], next: number): void {
    this.busy = false;
    if (this.#backlog.length > 0) {
      const rest = events.slice(next).concat(this.#backlog);
      this.#backlog = NONE;
      this.#run(rest, 0);
    } else this.#run(events, next);
    if (this.busy) return;
    this.#sink.flow();
    const end = this.#pendingEnd;
    if (end !== null) {
      this.#pendingEnd = null;
      this.#sink.ended(end);
    }
  }

  #fatal(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    // Inflate failures (corrupt data, bomb) fail the connection with their close code.
    if (e instanceof ProtocolError || (e as { closeCode?: number }).closeCode === 1009) this.#sink.protocolError(e as ProtocolError);
    this.#sink.fatal(e);
  }

  #handle(e: ReadEvent): Promise<void> | void {
    const sink = this.#sink;
    if (sink.stopped()) return;
    switch (e.kind) {
      case "data": {
        let item = sink.current();
        if (e.first || item === null) {
          item = sink.begin(e.messageType, e.compressed);
          if (item.compressed && item.type === 1) (this.#validator ??= new Utf8Validator()).reset();
        }
        if (item.compressed) return this.#inflate(item, e.bytes, e.fin);
        sink.append(item, e.bytes as Buffer, e.fin);
        return;
      }
      case "ping":
        return sink.ping(e.data as Buffer);
      case "pong":
        return sink.pong(e.data as Buffer);
      case "close":
        return sink.close(e.code, e.reason);
      case "error":
        sink.protocolError(e.error);
        return sink.fatal(e.error);
    }
  }

  async #inflate(item: Item, bytes: Uint8Array, fin: boolean): Promise<void> {
    const out = await this.#inflater!.inflate(bytes, fin, this.#readLimit);
    const v = item.type === 1 ? this.#validator : null;
    for (const c of out) {
      if (v !== null && !v.push(c)) throw new ProtocolError("websocket: invalid UTF-8 in text message", 1007);
      this.#sink.append(item, c, false);
    }
    if (fin) {
      if (v !== null && !v.end()) throw new ProtocolError("websocket: invalid UTF-8 in text message", 1007);
      this.#sink.append(item, EMPTY, true);
    }
  }
}
