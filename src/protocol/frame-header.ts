// The frame header of RFC 6455 §5.2: its fields, its size, and its encoding.
// Pure: never touches a socket or a timer.

/** The largest header: 2 bytes, a 64-bit length and a masking key. */
export const MAX_HEADER_SIZE = 14;

/**
 * The fields of a frame header that survive validation (RSV2/RSV3 set always fails the connection,
 * so they are not carried). gorilla keeps these as loose variables in `advanceFrame`.
 */
export interface FrameHeader {
  /** FIN: this is the final frame of its message. */
  fin: boolean;
  /** RSV1: the message is compressed (RFC 7692); only on the first frame of a data message. */
  rsv1: boolean;
  /** The 4-bit opcode (see `Opcode`). */
  opcode: number;
  /** MASK: the payload is masked (client-to-server frames). */
  masked: boolean;
  /** The declared payload length in bytes. */
  length: number;
}

/**
 * Returns the size of the header a frame of `payloadLength` bytes needs: 2 bytes, plus 2 or 8 for
 * the extended length (RFC 6455 §5.2: "the minimal number of bytes MUST be used"), plus 4 for a key.
 * @param payloadLength - payload size in bytes (a safe non-negative integer)
 * @param masked - whether a masking key follows the length
 * @returns 2, 4, 6, 8, 10 or 14
 */
export function headerSize(payloadLength: number, masked: boolean): number {
  return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Returns the header size announced by a header's second byte (its MASK bit and 7-bit length).
 * @param b1 - the second header byte
 * @returns 2, 4, 6, 8, 10 or 14
 */
export function headerSizeFromSecondByte(b1: number): number {
  const len7 = b1 & 0x7f;
  return (len7 < 126 ? 2 : len7 === 126 ? 4 : 10) + (b1 >= 0x80 ? 4 : 0);
}

/**
 * Writes a frame header into `target` at `offset`. gorilla builds the same bytes inline in
 * `WriteControl` and `messageWriter.flushFrame`.
 * @param target - destination; needs `headerSize(payloadLength, maskKey != null)` bytes from `offset`
 * @param offset - where the header starts
 * @param fin - FIN bit
 * @param rsv1 - RSV1 bit (first frame of a compressed message)
 * @param opcode - 4-bit opcode
 * @param payloadLength - payload size in bytes (a safe non-negative integer)
 * @param maskKey - 4-byte masking key, or null/undefined for an unmasked frame
 * @returns the offset just past the header
 */
export function encodeFrameHeader(
  target: Uint8Array,
  offset: number,
  fin: boolean,
  rsv1: boolean,
  opcode: number,
  payloadLength: number,
  maskKey?: Uint8Array | null,
): number {
  target[offset] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const m = maskKey != null ? 0x80 : 0;
  let o = offset + 2;
  if (payloadLength < 126) {
    target[offset + 1] = m | payloadLength;
  } else if (payloadLength < 65536) {
    target[offset + 1] = m | 126;
    target[o++] = payloadLength >>> 8;
    target[o++] = payloadLength & 0xff;
  } else {
    target[offset + 1] = m | 127;
    const hi = Math.floor(payloadLength / 0x100000000);
    const lo = payloadLength >>> 0;
    target[o++] = hi >>> 24;
    target[o++] = (hi >>> 16) & 0xff;
    target[o++] = (hi >>> 8) & 0xff;
    target[o++] = hi & 0xff;
    target[o++] = lo >>> 24;
    target[o++] = (lo >>> 16) & 0xff;
    target[o++] = (lo >>> 8) & 0xff;
    target[o++] = lo & 0xff;
  }
  if (m !== 0) {
    target[o++] = maskKey![0]!;
    target[o++] = maskKey![1]!;
    target[o++] = maskKey![2]!;
    target[o++] = maskKey![3]!;
  }
  return o;
}
