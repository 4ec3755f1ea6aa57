/**
 * Public types shared by several layers (API.md §0–§1, §6). Imports only node type declarations.
 */
import type { OutgoingHttpHeaders } from "node:http";

export type { Data } from "./util/bytes.js";
export type { DataMessageType, ControlMessageType, MessageType } from "./constants.js";

/** An absolute time: a Date, ms since the epoch, or `null`/`0` for none (Go's zero `time.Time`). */
export type Deadline = Date | number | null;
/** Headers given to the Upgrader or Dialer: node's header object or a WHATWG `Headers`. */
export type HttpHeaders = OutgoingHttpHeaders | Headers;
/** Options of a read call. */
export interface ReadOptions {
  /** Cancels the wait (not the connection): the read rejects with `signal.reason`. */
  signal?: AbortSignal;
}
/** Built-in keepalive (API.md §4.8): ping after `interval` ms of silence, fail after `timeout` more. */
export interface KeepAliveOptions {
  /** ms without any received byte before an empty ping is sent. */
  interval: number;
  /** ms after that ping without any received byte before the conn fails. */
  timeout: number;
}
/**
 * A pool of write buffers (gorilla: `BufferPool`). `get()` returns a buffer of at least
 * `writeBufferSize` bytes or `undefined`; `put()` gives one back once its bytes were flushed.
 */
export interface BufferPool {
  /** A buffer of at least writeBufferSize bytes, or undefined (the conn then allocates one). */
  get(): Buffer | undefined;
  /** Takes back a buffer whose bytes were flushed to the socket. */
  put(buf: Buffer): void;
}
