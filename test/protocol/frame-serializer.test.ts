import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { encodeFrameHeader, headerSize, headerSizeFromSecondByte, MAX_HEADER_SIZE } from "../../src/protocol/frame-header.js";
import { serializeFrame } from "../../src/protocol/frame-serializer.js";
import { assertEveryFeeding, message } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { KEY, rawFrame } from "../vectors/build.js";

const LENGTHS = [0, 1, 125, 126, 1024, 1025, 4095, 4096, 65535, 65536, 1 << 20 | 3];

function payload(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}

describe("RFC 6455 §5.2 frame header encoding", () => {
  it("headerSize uses the minimal length form and adds 4 for a key", () => {
    const cases: Array<[number, number]> = [[0, 2], [125, 2], [126, 4], [65535, 4], [65536, 10], [2 ** 40, 10]];
    for (const [n, size] of cases) {
      assert.equal(headerSize(n, false), size, String(n));
      assert.equal(headerSize(n, true), size + 4, String(n));
    }
    assert.equal(MAX_HEADER_SIZE, 14);
  });

  it("headerSizeFromSecondByte reads the length form and the MASK bit", () => {
    assert.deepStrictEqual([0x00, 0x7d, 0x7e, 0x7f, 0x80, 0xfd, 0xfe, 0xff].map(headerSizeFromSecondByte), [2, 2, 4, 10, 6, 6, 8, 14]);
  });

  it("encodeFrameHeader writes FIN, RSV1, opcode, each length form and the key", () => {
    const t = Buffer.alloc(16, 0xee);
    assert.equal(encodeFrameHeader(t, 1, true, false, 1, 5), 3);
    assert.deepStrictEqual(t.subarray(0, 4), hex`ee 81 05 ee`);
    assert.equal(encodeFrameHeader(t, 0, false, true, 2, 126, KEY), 8);
    assert.deepStrictEqual(t.subarray(0, 8), hex`42 fe 00 7e ${KEY}`);
    assert.equal(encodeFrameHeader(t, 0, true, false, 0, 65536, null), 10);
    assert.deepStrictEqual(t.subarray(0, 10), hex`80 7f 00 00 00 00 00 01 00 00`);
    assert.equal(encodeFrameHeader(t, 0, true, false, 2, 2 ** 40 + 0x01020304, KEY), 14);
    assert.deepStrictEqual(t.subarray(0, 14), hex`82 ff 00 00 01 00 01 02 03 04 ${KEY}`);
  });
});

describe("RFC 6455 §5.2 serializeFrame round trips", () => {
  for (const n of LENGTHS) {
    it(`serializeFrame writes an unmasked ${n}-byte frame that a client parses back`, () => {
      const p = payload(n);
      const wire = Buffer.concat(serializeFrame({ fin: true, opcode: 2, payload: p }));
      assert.deepStrictEqual(wire, rawFrame({ opcode: 2, payload: p }));
      assertEveryFeeding({ server: false }, wire, [message(2, p)], n <= 70000);
    });

    it(`serializeFrame writes a masked ${n}-byte frame that a server parses back`, () => {
      const p = payload(n);
      const before = Buffer.from(p);
      const out = serializeFrame({ fin: true, opcode: 2, payload: p, maskKey: KEY });
      assert.equal(out.length, 1, "header and masked payload in one buffer");
      assert.deepStrictEqual(p, before, "the caller's payload is not mutated");
      assert.deepStrictEqual(Buffer.from(out[0]!), rawFrame({ opcode: 2, payload: p, key: KEY }));
      assertEveryFeeding({ server: true }, out[0]!, [message(2, p)], n <= 70000);
    });
  }

  it("serializeFrame masks payloads at any source alignment", () => {
    const backing = payload(5000);
    for (let off = 0; off < 8; off++) {
      for (const n of [130, 4096, 4100]) {
        const p = backing.subarray(off, off + n);
        const out = serializeFrame({ fin: true, opcode: 2, payload: p, maskKey: KEY });
        assert.deepStrictEqual(Buffer.from(out[0]!), rawFrame({ opcode: 2, payload: p, key: KEY }), `offset ${off} length ${n}`);
      }
    }
  });

  it("serializeFrame merges small unmasked payloads into one buffer and passes big ones through uncopied", () => {
    const small = payload(1024);
    const out = serializeFrame({ fin: true, opcode: 1, payload: small });
    assert.equal(out.length, 1);
    const big = payload(1025);
    const parts = serializeFrame({ fin: true, opcode: 1, payload: big });
    assert.equal(parts.length, 2);
    assert.equal(parts[1], big);
    assert.deepStrictEqual(Buffer.from(parts[0]!), hex`81 7e 04 01`);
  });

  it("serializeFrame sets FIN, RSV1 and the opcode as given", () => {
    assert.deepStrictEqual(Buffer.concat(serializeFrame({ fin: false, rsv1: true, opcode: 1, payload: hex`aa` })), hex`41 01 aa`);
    assert.deepStrictEqual(Buffer.concat(serializeFrame({ fin: true, opcode: 0, payload: hex`` })), hex`80 00`);
    assert.deepStrictEqual(Buffer.concat(serializeFrame({ fin: true, opcode: 9, payload: hex``, maskKey: KEY })), hex`89 80 ${KEY}`);
    assert.deepStrictEqual(Buffer.concat(serializeFrame({ fin: true, opcode: 8, payload: hex`03 e8`, maskKey: null })), hex`88 02 03 e8`);
  });
});
