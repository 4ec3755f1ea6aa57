/**
 * Helpers for the permessage-deflate tests: deflater/inflater pairs, deterministic message data,
 * and collecting a message through an inflater. No assertions here.
 */
import { Buffer } from "node:buffer";
import {
  createPerMessageDeflate,
  type MessageDeflater,
  type MessageInflater,
  type NegotiatedCompression,
  type CompressionOptions,
  ZlibLimiter,
} from "../../../src/extensions/compression.js";

/** Context takeover both ways, 15-bit windows. */
export const TAKEOVER: NegotiatedCompression = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

/** gorilla's only mode: no context takeover in either direction. */
export const NO_TAKEOVER: NegotiatedCompression = { ...TAKEOVER, serverNoContextTakeover: true, clientNoContextTakeover: true };

/** A server's deflater and the matching client's inflater for the same agreement. */
export function serverToClient(
  params: NegotiatedCompression = TAKEOVER,
  options?: CompressionOptions,
  limiter: ZlibLimiter = new ZlibLimiter(10),
): { deflater: MessageDeflater; inflater: MessageInflater } {
  const server = createPerMessageDeflate(params, options, true, limiter);
  const client = createPerMessageDeflate(params, options, false, limiter);
  return { deflater: server.deflater, inflater: client.inflater };
}

/** A small xorshift PRNG, so data is the same on every run. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** JSON-like text of exactly `size` bytes (compresses roughly 5–10×, like chat/API traffic). */
export function jsonLike(size: number, seed = 1): Buffer {
  const rnd = prng(seed);
  const names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
  const parts: string[] = [];
  let n = 0;
  let id = 0;
  while (n < size) {
    const s = JSON.stringify({
      id: id++,
      user: names[Math.floor(rnd() * names.length)],
      score: Math.floor(rnd() * 100000) / 100,
      active: rnd() < 0.5,
      tags: ["t" + Math.floor(rnd() * 20), "k" + Math.floor(rnd() * 7)],
    });
    parts.push(s);
    n += s.length + 1;
  }
  return Buffer.from(parts.join(",").padEnd(size, " ").slice(0, size));
}

/** Random bytes (incompressible). */
export function randomBytes(size: number, seed = 7): Buffer {
  const rnd = prng(seed);
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** Inflates a message given as frame payloads; the last one carries fin. */
export async function inflateMessage(inflater: MessageInflater, payloads: Uint8Array[], limit = 0): Promise<Buffer> {
  const out: Buffer[] = [];
  for (let i = 0; i < payloads.length; i++) out.push(...(await inflater.inflate(payloads[i]!, i === payloads.length - 1, limit)));
  return Buffer.concat(out);
}

/** Deflates a message given in chunks; returns each frame's payload. */
export async function deflateChunks(deflater: MessageDeflater, chunks: Uint8Array[]): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for (let i = 0; i < chunks.length; i++) frames.push(await deflater.deflate(chunks[i]!, i === chunks.length - 1));
  return frames;
}

/** Splits `data` into chunks of `size` bytes (at least one chunk, possibly empty). */
export function split(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.byteLength; i += size) chunks.push(data.subarray(i, i + size));
  return chunks.length > 0 ? chunks : [data];
}

/** A limiter that counts the jobs running (holding a slot) and the most seen at once. */
export class CountingLimiter extends ZlibLimiter {
  running = 0;
  maxRunning = 0;
  acquired = 0;
  override acquire(): Promise<void> {
    return super.acquire().then(() => {
      this.acquired++;
      this.maxRunning = Math.max(this.maxRunning, ++this.running);
    });
  }
  override release(): void {
    this.running--;
    super.release();
  }
}
