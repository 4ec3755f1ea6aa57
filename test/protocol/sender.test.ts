import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CloseSentError } from "../../src/errors.js";
import { MaskKeySource } from "../../src/protocol/mask.js";
import { Sender } from "../../src/protocol/sender.js";
import { feedWhole, message, normalize } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { KEY, rawFrame } from "../vectors/build.js";

const wire = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);
/** A client whose every key is KEY. */
const client = (): Sender => new Sender({ server: false, maskKeys: new MaskKeySource((b) => { for (let i = 0; i < b.length; i++) b[i] = KEY[i % 4]!; }) });

describe("RFC 6455 §5.2, §5.4 Sender framing", () => {
  it("Sender on a server writes unmasked frames", () => {
    const s = new Sender({ server: true, maskKeys: new MaskKeySource() });
    assert.deepStrictEqual(wire(s.dataFrame(1, Buffer.from("Hello"), true)), hex`81 05 48 65 6c 6c 6f`);
  });

  it("Sender on a client masks every frame with a fresh key", () => {
    assert.deepStrictEqual(wire(client().dataFrame(1, Buffer.from("Hello"), true)), hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`);
    let n = 0;
    const s = new Sender({ server: false, maskKeys: new MaskKeySource((b) => { for (let i = 0; i < b.length; i++) b[i] = (i >> 2) + n; n++; }) });
    assert.deepStrictEqual(wire(s.dataFrame(2, hex``, true)), hex`82 80 00 00 00 00`);
    assert.deepStrictEqual(wire(s.controlFrame(9, hex``)), hex`89 80 01 01 01 01`);
  });

  it("Sender on a client never mutates the caller's payload", () => {
    const p = Buffer.from("x".repeat(5000));
    const before = Buffer.from(p);
    client().dataFrame(2, p, true);
    assert.deepStrictEqual(p, before);
  });

  it("Sender uses the message type on the first frame and continuation afterwards", () => {
    const s = new Sender({ server: true });
    assert.equal(s.messageOpen, false);
    assert.deepStrictEqual(wire(s.dataFrame(1, hex`61`, false)), hex`01 01 61`);
    assert.equal(s.messageOpen, true);
    assert.deepStrictEqual(wire(s.dataFrame(1, hex`62`, false)), hex`00 01 62`);
    assert.deepStrictEqual(wire(s.dataFrame(1, hex`63`, true)), hex`80 01 63`);
    assert.equal(s.messageOpen, false);
    assert.deepStrictEqual(wire(s.dataFrame(2, hex`64`, true)), hex`82 01 64`);
  });

  it("Sender sets RSV1 on the first frame of a compressed message only", () => {
    const s = new Sender({ server: true });
    assert.deepStrictEqual(wire(s.dataFrame(2, hex`aa`, false, true)), hex`42 01 aa`);
    assert.deepStrictEqual(wire(s.dataFrame(2, hex`bb`, true, true)), hex`80 01 bb`);
    assert.deepStrictEqual(wire(s.dataFrame(1, hex`cc`, true)), hex`81 01 cc`);
    const masked = client();
    assert.deepStrictEqual(wire(masked.dataFrame(1, hex`aa`, false, true)), rawFrame({ fin: false, rsv: 4, opcode: 1, payload: hex`aa`, key: KEY }));
    assert.deepStrictEqual(wire(masked.dataFrame(1, Buffer.alloc(200), true, true)), rawFrame({ opcode: 0, payload: Buffer.alloc(200), key: KEY }));
  });

  it("Sender sends control frames between the frames of an open message without disturbing it", () => {
    const s = new Sender({ server: true });
    s.dataFrame(1, hex`61`, false);
    assert.deepStrictEqual(wire(s.controlFrame(9, hex`70`)), hex`89 01 70`);
    assert.deepStrictEqual(wire(s.controlFrame(10, hex``)), hex`8a 00`);
    assert.deepStrictEqual(wire(s.dataFrame(1, hex`62`, true)), hex`80 01 62`);
  });

  it("Sender frames round-trip through a Receiver of the other role", () => {
    const s = client();
    const bytes = wire([
      ...s.dataFrame(1, Buffer.from("frag"), false),
      ...s.controlFrame(9, Buffer.from("p")),
      ...s.dataFrame(1, Buffer.from("ment €"), true),
      ...s.dataFrame(2, Buffer.alloc(70000, 1), true),
      ...s.controlFrame(8, hex`03 e8 ${"done"}`),
    ]);
    assert.deepStrictEqual(normalize(feedWhole({ server: true }, bytes)), [
      { ...message(1, "frag"), fin: false },
      { kind: "ping", data: Buffer.from("p") },
      { ...message(1, "ment €"), first: false },
      message(2, Buffer.alloc(70000, 1)),
      { kind: "close", code: 1000, reason: "done", data: hex`03 e8 ${"done"}` },
    ]);
  });

  it("Sender on a client draws keys from crypto by default", () => {
    const s = new Sender({ server: false });
    const a = wire(s.dataFrame(2, Buffer.from("same"), true));
    const b = wire(s.dataFrame(2, Buffer.from("same"), true));
    assert.notDeepStrictEqual(a.subarray(2, 6), b.subarray(2, 6));
    assert.deepStrictEqual(normalize(feedWhole({ server: true }, a)), [message(2, "same")]);
  });

  it("Sender writes each payload length form", () => {
    for (const n of [0, 125, 126, 65535, 65536]) {
      const p = Buffer.alloc(n, 7);
      assert.deepStrictEqual(wire(new Sender({ server: true }).dataFrame(2, p, true)), rawFrame({ opcode: 2, payload: p }), String(n));
      assert.deepStrictEqual(wire(client().dataFrame(2, p, true)), rawFrame({ opcode: 2, payload: p, key: KEY }), String(n));
    }
  });
});

describe("RFC 6455 §5.5 control limits and §5.5.1 close-sent (gorilla ErrCloseSent)", () => {
  it("Sender accepts a 125-byte control payload and rejects 126 bytes with RangeError", () => {
    const s = new Sender({ server: true });
    assert.equal(wire(s.controlFrame(9, Buffer.alloc(125))).length, 127);
    assert.throws(() => s.controlFrame(10, Buffer.alloc(126)), { name: "RangeError", message: "websocket: invalid control frame" });
  });

  it("Sender marks close sent after a close frame and refuses every later frame", () => {
    const s = client();
    assert.equal(s.closeSent, false);
    s.controlFrame(9, hex``);
    assert.equal(s.closeSent, false);
    assert.deepStrictEqual(wire(s.controlFrame(8, hex`03 e8`)), rawFrame({ opcode: 8, payload: hex`03 e8`, key: KEY }));
    assert.equal(s.closeSent, true);
    assert.throws(() => s.dataFrame(1, hex`61`, true), (e: unknown) => e instanceof CloseSentError && e.message === "websocket: close sent");
    assert.throws(() => s.controlFrame(10, hex``), CloseSentError);
    assert.throws(() => s.controlFrame(8, hex``), CloseSentError);
  });

  it("Sender checks the control payload size before close-sent, as gorilla's WriteControl does", () => {
    const s = new Sender({ server: true });
    s.controlFrame(8, hex``);
    assert.throws(() => s.controlFrame(9, Buffer.alloc(126)), RangeError);
  });

  it("Sender refuses to continue a message after close sent", () => {
    const s = new Sender({ server: true });
    s.dataFrame(2, hex`01`, false);
    s.controlFrame(8, hex``);
    assert.throws(() => s.dataFrame(2, hex`02`, true), CloseSentError);
    assert.equal(s.messageOpen, true);
  });
});
