/**
 * One chat participant on the server side: a read pump that hands incoming messages to the hub and
 * a write pump that drains a bounded queue of PreparedMessages to the connection (gorilla's chat
 * `Client`). Keepalive is the Conn's own (`keepAlive` in the Upgrader options), so no ping ticker here.
 */
import {
  ClosePolicyViolation, CloseGoingAway, CloseNormalClosure, CloseNoStatusReceived, isUnexpectedCloseError,
  type Conn, type PreparedMessage,
} from "../../src/index.js";
import type { Hub, HubMember } from "./hub.js";

/**
 * ChatClient is a middleman between a WebSocket connection and the hub. Its queue holds at most
 * `queueLimit` messages; when a broadcast finds it full, the hub drops the client.
 */
export class ChatClient implements HubMember {
  readonly #hub: Hub;
  readonly #conn: Conn;
  readonly #limit: number;
  #queue: PreparedMessage[] = [];
  #wake: (() => void) | null = null;
  #done = false;

  constructor(hub: Hub, conn: Conn, queueLimit: number) {
    this.#hub = hub;
    this.#conn = conn;
    this.#limit = queueLimit;
  }

  /** The connection of this client. */
  get conn(): Conn {
    return this.#conn;
  }

  /** Queues `pm` without waiting; false when the queue is full or the client is gone. */
  send(pm: PreparedMessage): boolean {
    if (this.#done || this.#queue.length >= this.#limit) return false;
    this.#queue.push(pm);
    this.#wakeUp();
    return true;
  }

  /** Stops sending and closes the connection with 1008 (the client could not keep up). */
  drop(reason: string): void {
    this.#stop();
    this.#conn.shutdown(ClosePolicyViolation, reason, 1000).catch(() => {});
  }

  /**
   * Registers with the hub, runs both pumps, and resolves when the connection is over. The read
   * pump decides the end: when the peer closes (or the conn fails) the write pump is stopped.
   */
  async run(): Promise<void> {
    this.#hub.register(this);
    const writing = this.#writePump();
    try {
      await this.#readPump();
    } finally {
      this.#hub.unregister(this);
      this.#stop();
      await writing;
    }
  }

  async #readPump(): Promise<void> {
    try {
      // The iteration ends cleanly on a close 1000/1001/1005 from the peer.
      for await (const { data } of this.#conn) {
        const text = data.toString("utf8").trim();
        if (text !== "") this.#hub.broadcast(text);
      }
    } catch (err) {
      // Read limit, protocol error, keepalive timeout, dropped TCP connection: the conn is done.
      if (isUnexpectedCloseError(err, CloseNormalClosure, CloseGoingAway, CloseNoStatusReceived)) {
        this.#conn.close();
      }
    }
  }

  async #writePump(): Promise<void> {
    try {
      for (;;) {
        // Awaiting each write is the backpressure: while a slow peer is not reading, the awaited
        // write stays pending, the queue fills up, and the hub drops the client.
        let pm: PreparedMessage | undefined;
        while (!this.#done && (pm = this.#queue.shift()) !== undefined) await this.#conn.writePreparedMessage(pm);
        if (this.#done) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } catch {
      // A failed write (peer gone, close sent) fails the read side too; the read pump ends the client.
      this.#stop();
    }
  }

  #stop(): void {
    this.#done = true;
    this.#queue = [];
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
