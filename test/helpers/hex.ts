// hex`81 05 48 65 6c 6c 6f` → Uint8Array: readable byte vectors for tests. Whitespace is ignored;
// an interpolated number is one byte, an interpolated Uint8Array or string is spliced in as is
// (a string as UTF-8), so `hex`81 ${payload.length} ${payload}`` builds a frame.
import { Buffer } from "node:buffer";

/**
 * Tagged template that turns hex digits into bytes.
 * @returns a new Buffer
 * @throws {SyntaxError} on an odd number of digits or a non-hex character
 */
export function hex(strings: TemplateStringsArray, ...values: Array<number | Uint8Array | string>): Buffer {
  const parts: Buffer[] = [];
  strings.forEach((s, i) => {
    const digits = s.replace(/\s+/g, "");
    if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new SyntaxError(`hex: bad digits "${s}"`);
    parts.push(Buffer.from(digits, "hex"));
    if (i < values.length) {
      const v = values[i]!;
      if (typeof v === "number") {
        if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`hex: ${v} is not a byte`);
        parts.push(Buffer.of(v));
      } else {
        parts.push(Buffer.from(v));
      }
    }
  });
  return Buffer.concat(parts);
}

/**
 * Formats bytes as spaced hex, the inverse of {@link hex} (for assertion messages).
 * @param bytes - bytes
 * @returns e.g. "81 05 48"
 */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").replace(/(..)(?!$)/g, "$1 ");
}
