/**
 * The chat hub: the set of connected clients and the broadcast. One PreparedMessage per broadcast is
 * framed (and, with compression, deflated) once and then written to every client.
 */
import { PreparedMessage, TextMessage } from "../../src/index.js";

/** What the hub needs from a client: a bounded, non-blocking send and a way to drop it. */
export interface HubMember {
  /** Queues `pm` for sending; false when the client's queue is full (it is too slow). */
  send(pm: PreparedMessage): boolean;
  /** Disconnects a client that could not keep up. */
  drop(reason: string): void;
}

/**
 * Hub maintains the set of active clients and broadcasts messages to them (gorilla's chat `Hub`).
 * Node runs it on one thread, so plain method calls replace gorilla's register/unregister channels.
 */
export class Hub {
  readonly #members = new Set<HubMember>();

  /** The number of connected clients. */
  get size(): number {
    return this.#members.size;
  }

  /** Adds a client; it receives every broadcast from now on. */
  register(member: HubMember): void {
    this.#members.add(member);
  }

  /** Removes a client; idempotent. */
  unregister(member: HubMember): void {
    this.#members.delete(member);
  }

  /**
   * Sends `text` to every client. A client whose queue is full is removed and dropped, so one
   * slow reader never holds up the others or makes the server buffer without bound.
   */
  broadcast(text: string): void {
    if (this.#members.size === 0) return;
    const pm = new PreparedMessage(TextMessage, text);
    for (const m of this.#members) {
      if (!m.send(pm)) {
        this.#members.delete(m);
        m.drop("send queue full");
      }
    }
  }
}
