import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { FrameParser, HEADER_INCOMPLETE, HEADER_INVALID } from "../../src/protocol/frame-parser.js";
import { hex } from "../helpers/hex.js";
import { KEY, rawFrame } from "../vectors/build.js";

describe("RFC 6455 §5.2 FrameParser headers", () => {
  it("FrameParser decodes a header in place and returns the payload offset", () => {
    const p = new FrameParser({ server: true });
    const chunk = Buffer.concat([hex`ee ee`, rawFrame({ fin: false, opcode: 2, payload: "abc", key: KEY })]);
    assert.equal(p.readHeader(chunk, 2), 8);
    assert.deepStrictEqual([p.fin, p.rsv1, p.opcode, p.masked, p.length], [false, false, 2, true, 3]);
    assert.deepStrictEqual(p.maskKey, new Uint8Array(KEY));
    assert.equal(p.messageOpen, true);
    assert.equal(p.error, null);
  });

  it("FrameParser carries a header split over several chunks", () => {
    const p = new FrameParser({ server: false });
    const h = hex`82 7f 00 00 00 01 00 00 00 05`;
    assert.equal(p.readHeader(h.subarray(0, 1), 0), HEADER_INCOMPLETE);
    assert.equal(p.readHeader(h.subarray(1, 4), 0), HEADER_INCOMPLETE);
    const rest = Buffer.concat([h.subarray(4), hex`aa`]);
    assert.equal(p.readHeader(rest, 0), 6);
    assert.equal(p.length, 2 ** 32 + 5);
    assert.equal(p.opcode, 2);
  });

  it("FrameParser reads 16-bit lengths and keeps RSV1 under compression", () => {
    const p = new FrameParser({ server: false, compression: true });
    assert.equal(p.readHeader(hex`c1 7e 01 00`, 0), 4);
    assert.deepStrictEqual([p.fin, p.rsv1, p.opcode, p.masked, p.length], [true, true, 1, false, 256]);
    assert.equal(p.messageOpen, false);
  });

  it("FrameParser reports a broken rule with HEADER_INVALID and a ProtocolError", () => {
    const p = new FrameParser({ server: true });
    assert.equal(p.readHeader(hex`83 80 ${KEY}`, 0), HEADER_INVALID);
    assert.equal(p.error?.message, "websocket: bad opcode 3");
    assert.equal(p.error?.closeCode, 1002);
    const q = new FrameParser({ server: true });
    assert.equal(q.readHeader(hex`81`, 0), HEADER_INCOMPLETE);
    assert.equal(q.readHeader(hex`05 48`, 0), HEADER_INVALID);
    assert.equal(q.error?.message, "websocket: bad MASK");
  });

  it("FrameParser tracks whether a fragmented message is open across control frames", () => {
    const p = new FrameParser({ server: false });
    p.readHeader(hex`01 00`, 0);
    assert.equal(p.messageOpen, true);
    p.readHeader(hex`89 00`, 0);
    assert.equal(p.messageOpen, true);
    p.readHeader(hex`80 00`, 0);
    assert.equal(p.messageOpen, false);
  });
});
