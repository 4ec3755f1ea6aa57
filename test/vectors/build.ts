// An independent frame builder for test vectors: it writes any bit pattern, lies about lengths on
// request, and masks with its own byte loop, so parser tests never rely on the serializer under test.
import { Buffer } from "node:buffer";

/** The key used by vectors of masked (client-to-server) frames: RFC 6455 §5.7's. */
export const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** Raw frame fields; anything goes. */
export interface RawFrame {
  fin?: boolean; // default true
  rsv?: number; // 3 bits: 4 = RSV1, 2 = RSV2, 1 = RSV3
  opcode: number;
  payload?: string | Uint8Array;
  /** Masking key; default none. Use {@link KEY} for frames a server receives. */
  key?: Uint8Array | null;
  /** Declared length, when it must differ from the payload's. */
  length?: number | bigint;
  /** Force the 7-bit (0), 16-bit (126) or 64-bit (127) length form. */
  form?: 0 | 126 | 127;
}

/** Builds the bytes of one frame. */
export function rawFrame(f: RawFrame): Buffer {
  const payload = Buffer.from(f.payload ?? "");
  const len = BigInt(f.length ?? payload.length);
  const form = f.form ?? (len < 126n ? 0 : len < 65536n ? 126 : 127);
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | f.opcode];
  const m = f.key ? 0x80 : 0;
  if (form === 0) head.push(m | Number(len));
  else if (form === 126) head.push(m | 126, Number(len >> 8n) & 0xff, Number(len) & 0xff);
  else {
    head.push(m | 127);
    for (let s = 56n; s >= 0n; s -= 8n) head.push(Number((len >> s) & 0xffn));
  }
  const body = Buffer.from(payload);
  if (f.key) {
    head.push(...f.key);
    for (let i = 0; i < body.length; i++) body[i]! ^= f.key[i % 4]!;
  }
  return Buffer.concat([Buffer.from(head), body]);
}

/** A frame as a client sends it to a server: masked with {@link KEY}. */
export function clientFrame(f: Omit<RawFrame, "key">): Buffer {
  return rawFrame({ ...f, key: KEY });
}

/** Concatenates frames into one vector. */
export function frames(...list: Uint8Array[]): Buffer {
  return Buffer.concat(list);
}
