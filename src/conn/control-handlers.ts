/**
 * gorilla's replaceable ping, pong and close handlers with their default behaviour (API §4.4):
 * ping → queue a pong (newest replaces an unsent one), pong → nothing, close → echo the code.
 */
import { formatCloseMessage } from "../protocol/close-payload.js";
import { EMPTY } from "../util/bytes.js";
import type { WriteHalf } from "./write-half.js";

/** Handler for close messages from the peer (gorilla `SetCloseHandler`). */
export type CloseHandler = (code: number, text: string) => void | Promise<void>;
/** Handler for ping or pong messages from the peer (gorilla `SetPingHandler`/`SetPongHandler`). */
export type PingPongHandler = (appData: Buffer) => void | Promise<void>;

/** The handler slots of one conn. */
export class ControlHandlers {
  readonly #conn: object;
  readonly #w: WriteHalf;
  #close: CloseHandler | null = null;
  #ping: PingPongHandler | null = null;
  #pong: PingPongHandler | null = null;

  constructor(conn: object, w: WriteHalf) {
    this.#conn = conn;
    this.#w = w;
  }

  // The defaults are made only when a getter asks for them: the hot path calls the default
  // behaviour directly, so an idle conn holds no handler functions.
  closeHandler(): CloseHandler {
    return this.#close ?? ((code: number) => this.#defaultClose(code));
  }
  setCloseHandler(h: CloseHandler | null): void {
    this.#close = check(h)?.bind(this.#conn) ?? null;
  }
  pingHandler(): PingPongHandler {
    return this.#ping ?? ((data: Buffer) => this.#w.queuePong(data));
  }
  setPingHandler(h: PingPongHandler | null): void {
    this.#ping = check(h)?.bind(this.#conn) ?? null;
  }
  pongHandler(): PingPongHandler {
    return this.#pong ?? noop;
  }
  setPongHandler(h: PingPongHandler | null): void {
    this.#pong = check(h)?.bind(this.#conn) ?? null;
  }

  // gorilla: echo the code with no text (1005 → empty payload); send errors are ignored.
  #defaultClose(code: number): void {
    this.#w.writeControl(8, code === 1005 ? EMPTY : formatCloseMessage(code, ""), 0).catch(noop);
  }

  /** Runs the ping handler; a returned promise is awaited before the next frame. */
  ping(data: Buffer): Promise<void> | void {
    // Pongs are queued, never block a read, and coalesce when the socket is backed up.
    if (this.#ping === null) return this.#w.queuePong(data);
    return settle(this.#ping(data));
  }
  pong(data: Buffer): Promise<void> | void {
    if (this.#pong !== null) return settle(this.#pong(data));
  }
  close(code: number, text: string): Promise<void> | void {
    if (this.#close === null) return this.#defaultClose(code);
    return settle(this.#close(code, text));
  }
}

const noop = (): void => {};

function check<T>(h: T | null | undefined): T | null {
  if (h === null || h === undefined) return null;
  if (typeof h !== "function") throw new TypeError("websocket: handler must be a function or null");
  return h;
}

function settle(r: unknown): Promise<void> | void {
  if (r !== null && typeof r === "object" && typeof (r as PromiseLike<void>).then === "function") {
    return Promise.resolve(r as PromiseLike<void>);
  }
}
