/**
 * The shape of a conformance case (what the raw peer sends, what it must get back) and small
 * builders for the case tables in ./cases/. Cases are plain data: the runner interprets them the
 * same way against a silverback server and a silverback client.
 */
import { closePayload, deflateMessage } from "./wire.js";

/** One frame the peer sends. Masking follows the peer's role unless `mask` says otherwise. */
export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  /** Default true. */
  fin?: boolean;
  /** Reserved bits: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
  rsv?: number;
  /** "wrong": masked when the peer must not mask, unmasked when it must; or an explicit key. */
  mask?: "wrong" | Uint8Array;
  /** Length written in the header instead of the payload's. */
  declaredLength?: bigint;
}

/** A step of a case. */
export type Step =
  /** Writes the frames; `chop` splits the bytes into writes of that size; `slice` writes only part of them. */
  | { send: FrameSpec[]; chop?: number; slice?: [number, number?] }
  /** Waits (bounded) until silverback's close frame arrived: used to prove fail-fast. */
  | { waitClose: true }
  /** Waits (bounded) until this many non-close frames arrived in all: a sync point. */
  | { waitFrames: number };

/** A frame silverback must send back (after inflation when compressed). */
export interface ExpectFrame {
  opcode: number;
  payload: Uint8Array | string;
}

/** Connection options of a case: applied to the Upgrader/Dialer (or newConn) under test. */
export interface CaseOptions {
  readLimit?: number;
  /** Negotiate permessage-deflate (both no-context-takeover flags). */
  compression?: boolean;
}

export interface Case {
  /** Autobahn-style id, e.g. "5.3.1". */
  id: string;
  title: string;
  /** Runs against one role only (masking rules differ). */
  only?: "server" | "client";
  options?: CaseOptions;
  steps: Step[];
  /** Close the peer sends after the steps: a code (default 1000), "empty" payload, or "none". */
  closeWith?: number | "empty" | "none";
  expect: {
    /** Non-close frames, in order, exactly. */
    frames?: ExpectFrame[];
    /** Pongs may be coalesced: they must be a subsequence of the pings sent, ending with the last. */
    pongs?: "coalesced";
    /** Code of silverback's close frame; "empty" = a close frame without payload. */
    close: number | "empty";
    /** silverback fails the connection: its close reason, and its read error is `websocket: <fail>`. */
    fail?: string;
  };
}

export interface Group {
  /** "1", "2", … */
  id: string;
  name: string;
  cases: Case[];
}

// ---- builders -------------------------------------------------------------------------------

/** `n` printable ASCII bytes, a repeating pattern (valid UTF-8). */
export function ascii(n: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 0x21 + ((i * 7 + seed) % 94);
  return b;
}

/** `n` bytes covering every value (not UTF-8). */
export function bytes(n: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}

type Opt = Omit<FrameSpec, "opcode" | "payload">;
export const text = (payload: Uint8Array | string = "", o: Opt = {}): FrameSpec => ({ opcode: 1, payload, ...o });
export const binary = (payload: Uint8Array | string = "", o: Opt = {}): FrameSpec => ({ opcode: 2, payload, ...o });
export const cont = (payload: Uint8Array | string = "", o: Opt = {}): FrameSpec => ({ opcode: 0, payload, ...o });
export const ping = (payload: Uint8Array | string = "", o: Opt = {}): FrameSpec => ({ opcode: 9, payload, ...o });
export const pong = (payload: Uint8Array | string = "", o: Opt = {}): FrameSpec => ({ opcode: 10, payload, ...o });
export const close = (code?: number, reason: string | Uint8Array = "", o: Opt = {}): FrameSpec =>
  ({ opcode: 8, payload: code === undefined ? "" : closePayload(code, reason), ...o });

/** A message cut into frames of `size` bytes (the first carries the opcode, the last FIN). */
export function fragments(opcode: 1 | 2, payload: Uint8Array | string, size: number, o: Opt = {}): FrameSpec[] {
  const p = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload);
  const out: FrameSpec[] = [];
  if (p.length === 0) return [{ opcode, payload: p, ...o }];
  for (let i = 0; i < p.length; i += size) {
    const last = i + size >= p.length;
    out.push({ opcode: i === 0 ? opcode : 0, payload: p.subarray(i, i + size), fin: last, ...(i === 0 ? o : {}) });
  }
  return out;
}

/** A compressed message (RFC 7692): RSV1 on the first frame only, cut into `parts` frames. */
export function compressed(opcode: 1 | 2, payload: Uint8Array | string, parts = 1): FrameSpec[] {
  const d = deflateMessage(typeof payload === "string" ? Buffer.from(payload) : payload);
  const size = Math.max(1, Math.ceil(d.length / parts));
  return fragments(opcode, d, size, { rsv: 4 });
}

export const send = (...frames: FrameSpec[]): Step => ({ send: frames });
export const sendChopped = (size: number, ...frames: FrameSpec[]): Step => ({ send: frames, chop: size });
export const waitClose: Step = { waitClose: true };
export const waitFrames = (n: number): Step => ({ waitFrames: n });
export const echoText = (payload: Uint8Array | string): ExpectFrame => ({ opcode: 1, payload });
export const echoBinary = (payload: Uint8Array | string): ExpectFrame => ({ opcode: 2, payload });
export const gotPong = (payload: Uint8Array | string = ""): ExpectFrame => ({ opcode: 10, payload });
