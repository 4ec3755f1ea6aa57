/**
 * The only byte helpers: turning the public `Data` union into Buffers without copying.
 */
import { Buffer } from "node:buffer";

/** What callers may send: strings go out as UTF-8, views send exactly their bytes. */
export type Data = string | ArrayBufferView | ArrayBuffer;

/** An empty buffer shared by every caller that needs one (never written to). */
export const EMPTY = Buffer.alloc(0);

/**
 * Converts `data` to a Buffer. Strings are encoded (a new buffer the library owns); views and
 * ArrayBuffers are wrapped without a copy, so the result aliases the caller's memory.
 * @throws TypeError for anything else.
 */
export function toBuffer(data: Data | undefined): Buffer {
  if (data === undefined) return EMPTY;
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const d = data as unknown;
  if (d instanceof ArrayBuffer || d instanceof SharedArrayBuffer) return Buffer.from(d);
  throw new TypeError("websocket: data must be a string, an ArrayBufferView or an ArrayBuffer");
}

/** True when `toBuffer(data)` returned memory the caller may still mutate. */
export function isCallerOwned(data: Data | undefined): boolean {
  return data !== undefined && typeof data !== "string";
}

/** Joins chunks into one Buffer; a single chunk is returned as a view (no copy). */
export function concat(chunks: Uint8Array[], total: number): Buffer {
  if (chunks.length === 1) {
    const c = chunks[0]!;
    return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  if (chunks.length === 0) return EMPTY;
  return Buffer.concat(chunks, total);
}
