/**
 * The conformance peer's own framing, independent of src/protocol: builds frames byte by byte
 * (any bits, any declared length, right or wrong masking) and parses what silverback sends back
 * without judging it, so the checks can look at every header bit.
 */
import { deflateRawSync, inflateRawSync, constants as zc } from "node:zlib";

/** A frame as the peer writes it. `rsv` holds the three reserved bits: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
export interface WireFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: Uint8Array;
  /** 4-byte key, or null for an unmasked frame. */
  maskKey: Uint8Array | null;
  /** Length written in the header instead of `payload.length` (huge-length cases). */
  declaredLength?: bigint;
}

/** Encodes one frame: header (minimal length encoding unless `declaredLength`), key, masked payload. */
export function encodeFrame(f: WireFrame): Buffer {
  const n = f.declaredLength ?? BigInt(f.payload.length);
  const ext = n < 126n ? 0 : n < 65536n ? 2 : 8;
  const keyLen = f.maskKey !== null ? 4 : 0;
  const out = Buffer.alloc(2 + ext + keyLen + f.payload.length);
  out[0] = (f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0f);
  const m = f.maskKey !== null ? 0x80 : 0;
  if (ext === 0) out[1] = m | Number(n);
  else if (ext === 2) {
    out[1] = m | 126;
    out.writeUInt16BE(Number(n), 2);
  } else {
    out[1] = m | 127;
    out.writeBigUInt64BE(n, 2);
  }
  let o = 2 + ext;
  if (f.maskKey !== null) {
    out.set(f.maskKey.subarray(0, 4), o);
    o += 4;
  }
  for (let i = 0; i < f.payload.length; i++) {
    out[o + i] = f.maskKey !== null ? f.payload[i]! ^ f.maskKey[i & 3]! : f.payload[i]!;
  }
  return out;
}

/** A frame as silverback sent it, with everything the checks look at. */
export interface ReceivedFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The length field used the fewest bytes possible (RFC 6455 §5.2). */
  minimalLength: boolean;
  /** Unmasked payload. */
  payload: Buffer;
}

/** Largest frame the peer is willing to parse; bigger ones are reported as a parse error. */
const MAX_FRAME = 64 * 1024 * 1024;

/** A permissive incremental frame parser: it reports what is on the wire, not whether it is valid. */
export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);
  /** Set when the stream cannot be parsed any further (a frame over 64 MiB). */
  error: string | null = null;

  push(chunk: Buffer): ReceivedFrame[] {
    const out: ReceivedFrame[] = [];
    if (this.error !== null) return out;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) break;
      const len7 = b[1]! & 0x7f;
      const masked = b[1]! >= 0x80;
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const head = 2 + ext + (masked ? 4 : 0);
      if (b.length < head) break;
      let n = len7;
      if (ext === 2) n = b.readUInt16BE(2);
      else if (ext === 8) {
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_FRAME)) {
          this.error = `frame length ${big} too large`;
          break;
        }
        n = Number(big);
      }
      if (b.length < head + n) break;
      const payload = Buffer.from(b.subarray(head, head + n));
      if (masked) {
        const key = b.subarray(2 + ext, 2 + ext + 4);
        for (let i = 0; i < n; i++) payload[i]! ^= key[i & 3]!;
      }
      out.push({
        fin: b[0]! >= 0x80,
        rsv: (b[0]! >> 4) & 7,
        opcode: b[0]! & 0x0f,
        masked,
        minimalLength: ext === 0 || (ext === 2 ? n >= 126 : n >= 65536),
        payload,
      });
      this.#buf = b.subarray(head + n);
    }
    return out;
  }
}

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** RFC 7692 §7.2.1: DEFLATE with a sync flush, the trailing 00 00 ff ff removed. No context kept. */
export function deflateMessage(payload: Uint8Array): Buffer {
  const d = deflateRawSync(payload, { finishFlush: zc.Z_SYNC_FLUSH });
  return d.subarray(0, d.length - 4);
}

/** RFC 7692 §7.2.2: appends 00 00 ff ff and inflates (the sender used no context takeover). */
export function inflateMessage(payload: Uint8Array): Buffer {
  return inflateRawSync(Buffer.concat([payload, TRAILER]), { finishFlush: zc.Z_SYNC_FLUSH });
}

/** Close payload: 2-byte code and UTF-8 (or raw) reason. */
export function closePayload(code: number, reason: string | Uint8Array = ""): Buffer {
  const r = typeof reason === "string" ? Buffer.from(reason, "utf8") : Buffer.from(reason);
  const out = Buffer.alloc(2 + r.length);
  out.writeUInt16BE(code, 0);
  r.copy(out, 2);
  return out;
}

/** Splits `buf` into pieces of `size` bytes (the last may be shorter). */
export function chop(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}
