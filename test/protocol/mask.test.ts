import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { maskBytes, maskCopy, maskRange, MaskKeySource } from "../../src/protocol/mask.js";

/** The obvious definition, one byte at a time. */
function reference(buf: Uint8Array, key: Uint8Array, pos: number): number {
  for (let i = 0; i < buf.length; i++) buf[i]! ^= key[(pos + i) & 3]!;
  return (pos + buf.length) & 3;
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 17 + 7) & 0xff;
  return b;
}

const KEY = Uint8Array.of(0x12, 0x9a, 0xf0, 0x3c);

describe("RFC 6455 §5.3 client-to-server masking", () => {
  it("maskBytes equals the byte-wise definition at every offset, key position and length 0..40", () => {
    const backing = pattern(64, 1);
    for (let offset = 0; offset < 16; offset++) {
      for (let pos = 0; pos < 4; pos++) {
        for (let len = 0; len <= 40; len++) {
          const a = Buffer.from(backing);
          const b = Buffer.from(backing);
          const next = maskBytes(a.subarray(offset, offset + len), KEY, pos);
          const want = reference(b.subarray(offset, offset + len), KEY, pos);
          assert.equal(next, want);
          assert.deepStrictEqual(a, b, `offset ${offset} pos ${pos} len ${len}`);
        }
      }
    }
  });

  it("maskBytes equals the byte-wise definition on the 64-bit lane path (lengths 120..300, every alignment)", () => {
    const backing = pattern(400, 2);
    for (let offset = 0; offset < 9; offset++) {
      for (let pos = 0; pos < 4; pos++) {
        for (const len of [120, 127, 128, 129, 135, 136, 191, 192, 193, 255, 256, 257, 300]) {
          const a = Buffer.from(backing);
          const b = Buffer.from(backing);
          assert.equal(maskBytes(a.subarray(offset, offset + len), KEY, pos), reference(b.subarray(offset, offset + len), KEY, pos));
          assert.deepStrictEqual(a, b, `offset ${offset} pos ${pos} len ${len}`);
        }
      }
    }
  });

  it("maskBytes is its own inverse on a large payload", () => {
    const orig = pattern(1 << 20, 3);
    const buf = Buffer.from(orig);
    maskBytes(buf, KEY);
    assert.notDeepStrictEqual(buf, orig);
    maskBytes(buf, KEY);
    assert.deepStrictEqual(buf, orig);
  });

  it("maskBytes defaults to key position 0", () => {
    const a = Buffer.from("abcdef");
    const b = Buffer.from("abcdef");
    assert.equal(maskBytes(a, KEY), reference(b, KEY, 0));
    assert.deepStrictEqual(a, b);
  });

  it("maskBytes masks a payload in pieces when the returned position is passed on", () => {
    const whole = pattern(333, 4);
    const pieces = Buffer.from(whole);
    reference(whole, KEY, 0);
    let pos = 0;
    for (const [from, to] of [[0, 1], [1, 7], [7, 150], [150, 151], [151, 333]] as const) pos = maskBytes(pieces.subarray(from, to), KEY, pos);
    assert.deepStrictEqual(pieces, whole);
  });

  it("maskRange transforms only buf[start..end)", () => {
    const a = pattern(300, 5);
    const b = Buffer.from(a);
    assert.equal(maskRange(a, 3, 290, KEY, 2), reference(b.subarray(3, 290), KEY, 2));
    assert.deepStrictEqual(a, b);
  });

  it("maskCopy writes the masked copy at every alignment pair and leaves the source alone", () => {
    const backing = pattern(4200, 6);
    for (const len of [0, 1, 3, 4, 5, 31, 127, 128, 129, 200, 517, 4096, 4103]) {
      for (let so = 0; so < 8; so++) {
        for (let d = 0; d < 9; d++) {
          const src = Buffer.from(backing).subarray(so, so + len);
          const before = Buffer.from(src);
          const dst = Buffer.alloc(len + 20, 0xee);
          maskCopy(src, dst, d, KEY);
          const want = Buffer.alloc(len + 20, 0xee);
          Buffer.from(before).copy(want, d);
          reference(want.subarray(d, d + len), KEY, 0);
          assert.deepStrictEqual(dst, want, `len ${len} src offset ${so} dst ${d}`);
          assert.deepStrictEqual(src, before);
        }
      }
    }
  });

  it("maskCopy reads the key at keyAt inside another buffer", () => {
    const src = pattern(300, 7);
    const holder = Buffer.from([9, 9, ...KEY, 9]);
    for (const len of [10, 300]) {
      const a = Buffer.alloc(len);
      const b = Buffer.alloc(len);
      maskCopy(src.subarray(0, len), a, 0, holder, 2);
      maskCopy(src.subarray(0, len), b, 0, KEY);
      assert.deepStrictEqual(a, b);
    }
    // The unaligned path (memcpy, then mask in place) takes the key from keyAt too.
    const a = Buffer.alloc(301);
    const b = Buffer.alloc(301);
    maskCopy(src, a, 1, holder, 2);
    maskCopy(src, b, 1, KEY);
    assert.deepStrictEqual(a, b);
  });
});

describe("RFC 6455 §5.3 masking keys", () => {
  it("MaskKeySource hands out consecutive 4-byte slices of the random pool", () => {
    let calls = 0;
    const keys = new MaskKeySource((buf) => {
      calls++;
      for (let i = 0; i < buf.length; i++) buf[i] = (i + calls) & 0xff;
    });
    assert.deepStrictEqual(keys.next(), Uint8Array.of(1, 2, 3, 4));
    assert.deepStrictEqual(keys.next(), Uint8Array.of(5, 6, 7, 8));
    const target = new Uint8Array(6);
    keys.nextInto(target, 1);
    assert.deepStrictEqual(target, Uint8Array.of(0, 9, 10, 11, 12, 0));
    assert.equal(calls, 1);
  });

  it("MaskKeySource refills the pool once every 2048 keys", () => {
    let calls = 0;
    const keys = new MaskKeySource((buf) => {
      calls++;
      buf.fill(calls);
    });
    for (let i = 0; i < 2048; i++) keys.next();
    assert.equal(calls, 1);
    assert.deepStrictEqual(keys.next(), Uint8Array.of(2, 2, 2, 2));
    assert.equal(calls, 2);
  });

  it("MaskKeySource returns keys the caller owns", () => {
    const keys = new MaskKeySource((buf) => buf.fill(7));
    const k = keys.next();
    k.fill(0);
    assert.deepStrictEqual(keys.next(), Uint8Array.of(7, 7, 7, 7));
  });

  it("MaskKeySource defaults to crypto.randomFillSync", () => {
    const keys = new MaskKeySource();
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(Buffer.from(keys.next()).toString("hex"));
    assert.ok(seen.size > 95);
  });
});
