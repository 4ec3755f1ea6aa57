import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer, isUtf8 } from "node:buffer";
import { isValidUtf8, utf8ValidPrefix, Utf8Validator } from "../../src/protocol/utf8-validator.js";
import { hex } from "../helpers/hex.js";

// Boundary code points of every sequence length (RFC 3629 §4).
const VALID: Buffer[] = [
  hex``,
  Buffer.from("Hello, world"),
  hex`7f`, hex`c2 80`, hex`df bf`, hex`e0 a0 80`, hex`ed 9f bf`, hex`ee 80 80`, hex`ef bf bf`,
  hex`f0 90 80 80`, hex`f4 8f bf bf`,
  Buffer.from("κόσμε €uro 𝄞 ñandú 中文"),
  Buffer.from("a".repeat(100) + "€".repeat(50) + "𝄞".repeat(30) + "z"),
];

/** Invalid sequences and the index of the first byte at which no valid continuation exists. */
const INVALID: Array<[string, Buffer, number]> = [
  ["a lone continuation byte", hex`80`, 0],
  ["a continuation byte after ASCII", hex`41 bf`, 1],
  ["overlong C0", hex`c0 80`, 0],
  ["overlong C1", hex`c1 bf`, 0],
  ["overlong 3-byte", hex`e0 80 80`, 1],
  ["overlong 3-byte at the edge", hex`e0 9f bf`, 1],
  ["overlong 4-byte", hex`f0 80 80 80`, 1],
  ["overlong 4-byte at the edge", hex`f0 8f bf bf`, 1],
  ["the surrogate U+D800", hex`ed a0 80`, 1],
  ["the surrogate U+DFFF", hex`ed bf bf`, 1],
  ["U+110000", hex`f4 90 80 80`, 1],
  ["F5", hex`f5 80 80 80`, 0],
  ["FE", hex`fe`, 0],
  ["FF", hex`ff`, 0],
  ["a 2-byte lead followed by ASCII", hex`c2 41`, 1],
  ["a 3-byte lead cut by ASCII", hex`e2 82 41`, 2],
  ["a 4-byte lead cut by a lead", hex`f0 9d 84 c2 80`, 3],
  ["bad bytes after a long valid run", Buffer.concat([Buffer.from("x".repeat(200)), hex`ed a0 80`, Buffer.from("y".repeat(50))]), 201],
];

/** Truncated sequences: every byte is a valid prefix, only the end fails. */
const TRUNCATED: Buffer[] = [hex`c2`, hex`e2 82`, hex`f0 9d 84`, hex`f4 8f bf`, Buffer.concat([Buffer.from("x".repeat(200)), hex`f0 9d`])];

/** Feeds `chunks` to a fresh validator; true when every push and end() succeed. */
function run(chunks: Uint8Array[]): boolean {
  const v = new Utf8Validator();
  for (const c of chunks) if (!v.push(c)) return false;
  return v.end();
}

function splits(b: Buffer): Uint8Array[][] {
  const out: Uint8Array[][] = [[b]];
  for (let i = 0; i <= b.length; i++) out.push([b.subarray(0, i), b.subarray(i)]);
  out.push(Array.from(b, (x) => Uint8Array.of(x)));
  return out;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("RFC 3629 UTF-8 (RFC 6455 §8.1 text messages)", () => {
  it("Utf8Validator accepts valid text fed whole, split anywhere and byte by byte", () => {
    for (const b of VALID) for (const chunks of splits(b)) assert.equal(run(chunks), true, b.toString("hex"));
  });

  for (const [name, b, at] of INVALID) {
    it(`Utf8Validator rejects ${name} at the first impossible byte, however split`, () => {
      for (const chunks of splits(b)) assert.equal(run(chunks), false);
      const v = new Utf8Validator();
      for (let i = 0; i < b.length; i++) assert.equal(v.push(b.subarray(i, i + 1)), i < at, `byte ${i}`);
      // The same holds with the whole valid prefix in one push and then the bad byte.
      const w = new Utf8Validator();
      assert.equal(w.push(b.subarray(0, at)), true);
      assert.equal(w.push(b.subarray(at, at + 1)), false);
    });
  }

  it("Utf8Validator accepts every prefix of a truncated sequence but fails at the end", () => {
    for (const b of TRUNCATED) {
      for (const chunks of splits(b)) {
        const v = new Utf8Validator();
        for (const c of chunks) assert.equal(v.push(c), true);
        assert.equal(v.end(), false, b.toString("hex"));
      }
    }
  });

  it("Utf8Validator stays failed until reset, then starts over", () => {
    const v = new Utf8Validator();
    assert.equal(v.push(hex`ff`), false);
    assert.equal(v.push(Buffer.from("ok")), false);
    assert.equal(v.end(), false);
    v.reset();
    assert.equal(v.push(hex`e2 82`), true);
    assert.equal(v.end(), false);
    v.reset();
    assert.equal(v.push(Buffer.from("ok")), true);
    assert.equal(v.end(), true);
  });

  it("Utf8Validator finishes a code point left open before a long chunk", () => {
    const v = new Utf8Validator();
    assert.equal(v.push(hex`f0 9d`), true);
    assert.equal(v.push(Buffer.concat([hex`84 9e`, Buffer.from("€".repeat(40))])), true);
    assert.equal(v.end(), true);
    const w = new Utf8Validator();
    assert.equal(w.push(hex`f0 9d`), true);
    assert.equal(w.push(Buffer.concat([hex`41`, Buffer.from("€".repeat(40))])), false);
  });

  it("Utf8Validator stays failed when bytes after a broken sequence look like a fresh one", () => {
    // Regression: C2 left open, then 41 breaks it; FF 80 80 must not be read as a new sequence.
    const v = new Utf8Validator();
    assert.equal(v.push(hex`c2`), true);
    assert.equal(v.push(hex`41 ff 80 80 41`), false);
    assert.equal(v.invalidAt, 0);
    assert.equal(v.end(), false);
    const w = new Utf8Validator();
    assert.equal(w.push(hex`e2`), true);
    assert.equal(w.push(hex`82 ff bf 41`), false);
    assert.equal(w.invalidAt, 1);
  });

  it("Utf8Validator.invalidAt locates the first impossible byte of the failing chunk", () => {
    for (const [, b, at] of INVALID) {
      const v = new Utf8Validator();
      assert.equal(v.push(b), false);
      assert.equal(v.invalidAt, at);
      assert.equal(v.push(b), false);
      assert.equal(v.invalidAt, 0, "already failed: nothing of the next chunk is valid");
    }
  });

  it("utf8ValidPrefix counts the bytes before the first impossible one", () => {
    for (const [, b, at] of INVALID) assert.equal(utf8ValidPrefix(b), at);
    for (const b of [...VALID, ...TRUNCATED]) assert.equal(utf8ValidPrefix(b), b.length);
  });

  it("isValidUtf8 agrees with the corpus", () => {
    for (const b of VALID) assert.equal(isValidUtf8(b), true);
    for (const [, b] of INVALID) assert.equal(isValidUtf8(b), false);
    for (const b of TRUNCATED) assert.equal(isValidUtf8(b), false);
  });

  it("Utf8Validator and isValidUtf8 agree with buffer.isUtf8 on 20,000 random inputs, randomly chunked", () => {
    const r = rng(42);
    const alphabet = ["a", "é", "€", "𝄞", "\u007f", "\u0080", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff", "\u{10000}", "\u{10ffff}"];
    let valid = 0;
    for (let n = 0; n < 20000; n++) {
      // Mostly valid text with a few random byte edits, so both outcomes are common.
      let s = "";
      const len = Math.floor(r() * (r() < 0.5 ? 12 : 80));
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      const b = Buffer.from(s);
      const edits = r() < 0.5 ? 0 : 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits && b.length > 0; e++) {
        // Random bytes, and often the bytes that matter most: continuations, leads, never-valid ones.
        const pick = r() < 0.5 ? Math.floor(r() * 256) : [0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff][Math.floor(r() * 10)]!;
        b[Math.floor(r() * b.length)] = pick;
      }
      const want = isUtf8(b);
      if (want) valid++;
      assert.equal(isValidUtf8(b), want, b.toString("hex"));
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < b.length; ) {
        const step = 1 + Math.floor(r() * (r() < 0.5 ? 4 : 60));
        chunks.push(b.subarray(i, i + step));
        i += step;
      }
      assert.equal(run(chunks), want, b.toString("hex"));
    }
    assert.ok(valid > 5000 && valid < 15000, `valid ${valid}`);
  });
});
