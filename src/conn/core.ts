/**
 * ConnCore: the wiring of one Conn. It owns the transport, both halves, the handlers, the closing
 * state and keepalive, and is itself the callback target of each (ReadHost, TransportSink, the
 * write half's close notice), so a connection carries methods on a prototype instead of a dozen
 * per-connection closures (measured: idle heap per conn 7.0 → see docs/performance.md).
 */
import type { Duplex } from "node:stream";
import type { ProtocolError, ReadLimitError } from "../errors.js";
import { SocketTransport, type TransportSink } from "../transport/socket-transport.js";
import { ReadHalf, type ReadHost } from "./read-half.js";
import { WriteHalf } from "./write-half.js";
import { KeepAlive } from "./keepalive.js";
import { Closing } from "./closing.js";
import { ControlHandlers } from "./control-handlers.js";
import type { ResolvedConnOptions } from "./options.js";

/** Internal state of a Conn. */
export class ConnCore implements ReadHost, TransportSink {
  readonly t: SocketTransport;
  readonly w: WriteHalf;
  readonly r: ReadHalf;
  readonly keepAlive: KeepAlive | undefined;
  readonly #conn: object;
  readonly #server: boolean;
  // Made on first use: an idle conn that never sees a control frame or a close holds neither
  // (measured with bench/memprobe.ts: −170 B of heap per idle connection).
  #h: ControlHandlers | null = null;
  #closing: Closing | null = null;

  /** The ping, pong and close handlers. */
  get h(): ControlHandlers {
    return (this.#h ??= new ControlHandlers(this.#conn, this.w));
  }
  /** The closing handshake's state. */
  get closing(): Closing {
    return (this.#closing ??= new Closing(this.#server, this));
  }

  constructor(conn: object, socket: Duplex, o: ResolvedConnOptions) {
    const t = (this.t = new SocketTransport(socket));
    this.w = new WriteHalf(t, { server: o.server, hwm: o.writeHighWaterMark, deflater: o.deflater, threshold: o.threshold, host: this });
    this.w.deflateParams = o.deflateParams;
    this.#conn = conn;
    this.#server = o.server;
    this.r = new ReadHalf(this, { server: o.server, inflater: o.inflater, readLimit: o.readLimit, readBufferSize: o.readBufferSize });
    if (o.keepAlive !== undefined) {
      const w = this.w;
      this.keepAlive = new KeepAlive(o.keepAlive, {
        ping: () => void w.writeControl(9, Buffer.alloc(0), 0).catch(() => {}),
        expire: () => this.closing.keepAliveExpired(),
        isPaused: () => t.paused,
      });
    }
    t.start(this, o.head);
  }

  /** Stops every timer of the conn (keepalive, deadlines). */
  stopTimers(): void {
    this.keepAlive?.stop();
    this.r.stopDeadline();
    this.w.stopDeadline();
  }

  // ---- write half --------------------------------------------------------------------------
  /** Our close frame was handed to the socket. */
  closeSent(): void {
    this.closing.closeSent();
  }

  readBacklog(): number {
    return this.r.queued;
  }

  // ---- ReadHost ----------------------------------------------------------------------------
  setPaused(paused: boolean): void {
    if (paused) this.t.pause();
    else this.t.resume();
  }
  onPing(data: Buffer): void | Promise<void> {
    return this.h.ping(data);
  }
  onPong(data: Buffer): void | Promise<void> {
    return this.h.pong(data);
  }
  onPeerClose(code: number, text: string): Error | Promise<Error> {
    return this.closing.peerClose(code, text, this.h);
  }
  onProtocolError(err: ProtocolError | ReadLimitError): void {
    this.closing.fail(err);
  }

  // ---- TransportSink -----------------------------------------------------------------------
  onData(chunk: Buffer): void {
    const ka = this.keepAlive;
    if (ka !== undefined) ka.lastRecv = Date.now();
    this.r.push(chunk);
  }
  onClose(err: Error | undefined, hadEnd: boolean): void {
    this.closing.transportClosed(err, hadEnd);
  }
  onFlush(): void {
    this.w.onFlush();
  }
}
