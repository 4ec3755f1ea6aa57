// Feeds byte vectors to a Receiver whole, split in two at every offset, and one byte at a time
// (gorilla's OneByteReader), and normalizes the events so that every feeding can be compared.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Receiver, type ReadEvent, type ReceiverOptions } from "../../src/protocol/receiver.js";

/** A ReadEvent made comparable: own Buffer copies, errors reduced to class, message and code. */
export type Normalized =
  | NormalizedData
  | { kind: "ping" | "pong"; data: Buffer }
  | { kind: "close"; code: number; reason: string; data: Buffer }
  | { kind: "error"; name: string; message: string; closeCode: number };

/** A normalized (merged) data piece. */
export interface NormalizedData {
  kind: "data";
  messageType: 1 | 2;
  compressed: boolean;
  first: boolean;
  fin: boolean;
  bytes: Buffer;
}

/**
 * Copies events and merges consecutive data pieces of one message (a piece with `first` false
 * directly after a piece of the same message without `fin`), so feedings that cut a payload in
 * different places compare equal.
 * @param events - events in order, possibly from several pushes
 * @returns the normalized, merged events
 */
export function normalize(events: ReadEvent[]): Normalized[] {
  const out: Normalized[] = [];
  const pieces = new Map<Normalized, Buffer[]>();
  for (const e of events) {
    if (e.kind === "data") {
      const last = out.at(-1);
      if (last !== undefined && last.kind === "data" && !last.fin && !e.first) {
        pieces.get(last)!.push(Buffer.from(e.bytes));
        last.fin = e.fin;
        continue;
      }
      const n: Normalized = { kind: "data", messageType: e.messageType, compressed: e.compressed, first: e.first, fin: e.fin, bytes: Buffer.alloc(0) };
      pieces.set(n, [Buffer.from(e.bytes)]);
      out.push(n);
    } else if (e.kind === "ping" || e.kind === "pong") {
      out.push({ kind: e.kind, data: Buffer.from(e.data) });
    } else if (e.kind === "close") {
      out.push({ kind: "close", code: e.code, reason: e.reason, data: Buffer.from(e.data) });
    } else {
      out.push({ kind: "error", name: e.error.name, message: e.error.message, closeCode: e.error.closeCode });
    }
  }
  for (const [n, list] of pieces) if (n.kind === "data") n.bytes = Buffer.concat(list);
  return out;
}

/** Pushes each chunk (a fresh copy: unmasking works in place) and returns all events. */
export function feedChunks(r: Receiver, chunks: Uint8Array[]): ReadEvent[] {
  const events: ReadEvent[] = [];
  for (const c of chunks) events.push(...r.push(Buffer.from(c)));
  return events;
}

/** One push of the whole vector. */
export function feedWhole(o: ReceiverOptions, bytes: Uint8Array): ReadEvent[] {
  return feedChunks(new Receiver(o), [bytes]);
}

/** Two pushes, cut at `at`. */
export function feedSplit(o: ReceiverOptions, bytes: Uint8Array, at: number): ReadEvent[] {
  return feedChunks(new Receiver(o), [bytes.subarray(0, at), bytes.subarray(at)]);
}

/** One push per byte. */
export function feedBytewise(o: ReceiverOptions, bytes: Uint8Array): ReadEvent[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
  return feedChunks(new Receiver(o), chunks);
}

/**
 * The split points to try: every offset for vectors up to 2 KiB; for longer ones every offset in
 * the first and last 32 bytes plus 64 spread over the rest (every offset of a 1 MiB vector would
 * parse a terabyte).
 */
export function splitPoints(length: number): number[] {
  if (length <= 2048) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const s = new Set<number>();
  for (let i = 1; i <= 32; i++) s.add(i).add(length - i);
  for (let i = 1; i < 64; i++) s.add(Math.floor((length * i) / 64));
  return [...s].sort((a, b) => a - b);
}

/** The events of every feeding: whole, each split of {@link splitPoints}, byte by byte. */
export function everyFeeding(o: ReceiverOptions, bytes: Uint8Array): ReadEvent[][] {
  return [feedWhole(o, bytes), ...splitPoints(bytes.length).map((at) => feedSplit(o, bytes, at)), feedBytewise(o, bytes)];
}

/**
 * Feeds `bytes` whole, split at every offset, and byte by byte, asserting the same normalized
 * outcome every time.
 * @param o - receiver options (a new Receiver per feeding)
 * @param bytes - the vector
 * @param expected - the normalized events every feeding must yield
 * @param bytewise - also feed one byte at a time (default true)
 */
export function assertEveryFeeding(o: ReceiverOptions, bytes: Uint8Array, expected: Normalized[], bytewise = true): void {
  assert.deepStrictEqual(normalize(feedWhole(o, bytes)), expected, "fed whole");
  for (const at of splitPoints(bytes.length)) {
    assert.deepStrictEqual(normalize(feedSplit(o, bytes, at)), expected, `split at ${at}`);
  }
  if (bytewise) assert.deepStrictEqual(normalize(feedBytewise(o, bytes)), expected, "fed byte by byte");
}

/** A normalized data event for a whole message. */
export function message(messageType: 1 | 2, bytes: string | Uint8Array, compressed = false): NormalizedData {
  return { kind: "data", messageType, compressed, first: true, fin: true, bytes: Buffer.from(bytes) };
}

/** A normalized error event. */
export function protocolError(message: string, closeCode = 1002): Normalized {
  return { kind: "error", name: "ProtocolError", message, closeCode };
}
