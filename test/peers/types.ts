// The op protocol every interop peer speaks (JSON lines for process peers, method calls in-process), and the
// payload generator and message digest that the peers implement identically in Go, Python and JS.
import { createHash } from "node:crypto";

export type ClientKind = "ws" | "gorilla" | "python" | "chromium" | "undici";
export type ServerKind = "ws" | "gorilla" | "python";

/** One scripted step. `gen` sends pattern(type, gen) instead of `b64`; `frag` splits the payload into frames. */
export type Op =
  | { op: "send"; type: 1 | 2; b64?: string; gen?: number; frag?: number[]; timeout?: number }
  | { op: "recv"; timeout?: number }
  | { op: "ping"; b64: string; timeout?: number }
  | { op: "close"; code: number; reason?: string; timeout?: number };

/** The result line of one op: a message digest, the close received, a pong, ok, or an error. */
export interface OpResult {
  ok?: boolean;
  type?: number;
  len?: number;
  sha256?: string;
  b64?: string;
  close?: { code: number; reason: string };
  pong?: string;
  error?: string;
  unsupported?: string;
}

/** The first line of a client: the handshake's outcome. */
export interface OpenResult {
  event: "open" | "error";
  subprotocol?: string;
  extensions?: string;
  error?: string;
  status?: number;
  code?: number;
}

export interface ClientOptions {
  subprotocols?: string[];
  /** Offer permessage-deflate; "nct" also requests no context takeover both ways (ws only). */
  compress?: boolean | "nct";
  /** Origin header (ignored by Chromium, which sends its page origin, and by undici). */
  origin?: string;
}

export interface ServerOptions {
  compress?: boolean | "nct";
  subprotocols?: string[];
  /** Handshakes with exactly this Origin get a 403. */
  rejectOrigin?: string;
}

export interface PeerClient {
  readonly kind: ClientKind;
  readonly open: OpenResult;
  op(o: Op): Promise<OpResult>;
  stop(): Promise<void>;
}

export interface PeerServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Byte i of a generated payload: text 'a'+i%26, binary (i*31+7)%251 (compressible, cheap to make anywhere). */
export function pattern(type: number, n: number): Buffer {
  const block = Buffer.alloc(type === 1 ? 26 : 251);
  for (let i = 0; i < block.length; i++) block[i] = type === 1 ? 97 + i : (i * 31 + 7) % 251;
  const out = Buffer.allocUnsafe(n);
  for (let pos = 0; pos < n; pos += block.length) block.copy(out, pos, 0, Math.min(block.length, n - pos));
  return out;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** What a peer reports for a received message. */
export function describeMessage(type: number, data: Uint8Array): OpResult {
  const r: OpResult = { type, len: data.length, sha256: sha256(data) };
  if (data.length <= 1024) r.b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
  return r;
}
