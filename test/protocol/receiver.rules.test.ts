import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { ProtocolError } from "../../src/errors.js";
import { Receiver } from "../../src/protocol/receiver.js";
import { assertEveryFeeding, feedBytewise, normalize, protocolError } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { BAD_VECTORS } from "../vectors/bad-frames.js";
import { clientFrame, frames, KEY } from "../vectors/build.js";

describe("RFC 6455 §5.2–§5.5, §7.1.7: Receiver fails the connection on bad input (API §8)", () => {
  for (const v of BAD_VECTORS) {
    it(`Receiver rejects ${v.name}, however the bytes are split`, () => {
      const o = { server: v.server, compression: v.compression === true };
      assertEveryFeeding(o, v.bytes, [...(v.before ?? []), protocolError(v.error, v.closeCode)]);
    });
  }

  it("Receiver reports header errors before any payload arrives", () => {
    const r = new Receiver({ server: false });
    const events = r.push(hex`82 7f 80 00 00 00 00 00 00 00`);
    assert.equal(events.length, 1);
    assert.ok(events[0]!.kind === "error" && events[0]!.error instanceof ProtocolError);
  });

  it("Receiver returns the events before an error in the same chunk, the error last", () => {
    const bytes = frames(clientFrame({ opcode: 1, payload: "one" }), clientFrame({ opcode: 9, payload: "p" }), clientFrame({ opcode: 3 }), clientFrame({ opcode: 1, payload: "never" }));
    const events = new Receiver({ server: true }).push(bytes);
    assert.deepStrictEqual(events.map((e) => e.kind), ["data", "ping", "error"]);
  });

  it("Receiver ignores input after an error", () => {
    const r = new Receiver({ server: true });
    assert.equal(r.failed, false);
    assert.equal(r.push(hex`81 05 48 65 6c 6c 6f`).at(-1)!.kind, "error");
    assert.equal(r.failed, true);
    assert.equal(r.closed, false);
    assert.deepStrictEqual(r.push(clientFrame({ opcode: 1, payload: "ok" })), []);
  });

  it("Receiver delivers the valid bytes of a chunk holding invalid UTF-8, unfinished, then the error", () => {
    const r = new Receiver({ server: true });
    const head = hex`01 ${0x80 | 6} ${KEY}`;
    const body = Buffer.from([0x61, 0x62, 0x63, 0xed, 0xa0, 0x80]);
    for (let i = 0; i < body.length; i++) body[i]! ^= KEY[i % 4]!;
    assert.deepStrictEqual(normalize(r.push(Buffer.concat([head, body.subarray(0, 3)]))), [
      { kind: "data", messageType: 1, compressed: false, first: true, fin: false, bytes: Buffer.from("abc") },
    ]);
    // Fail fast: ED A0 can start no valid code point, so the error comes before the frame ends;
    // ED itself could still have been valid and is delivered.
    assert.deepStrictEqual(normalize(r.push(body.subarray(3, 5))), [
      { kind: "data", messageType: 1, compressed: false, first: false, fin: false, bytes: hex`ed` },
      protocolError("websocket: invalid UTF-8 in text message", 1007),
    ]);
  });

  it("Receiver fails a text message at the first bad prefix, across frames, fed byte by byte", () => {
    // "€" split across two frames, then a byte that cannot continue it; a third frame never comes.
    const bytes = frames(clientFrame({ fin: false, opcode: 1, payload: hex`e2` }), clientFrame({ fin: false, opcode: 0, payload: hex`82 41` }));
    const events = normalize(feedBytewise({ server: true }, bytes));
    assert.deepStrictEqual(events.at(-1), protocolError("websocket: invalid UTF-8 in text message", 1007));
  });

  it("Receiver skips UTF-8 checks when validateUtf8 is false", () => {
    const bytes = clientFrame({ opcode: 1, payload: hex`ff fe` });
    assertEveryFeeding({ server: true, validateUtf8: false }, bytes, [{ kind: "data", messageType: 1, compressed: false, first: true, fin: true, bytes: hex`ff fe` }]);
  });

  it("Receiver leaves compressed text to be checked after inflation", () => {
    const bytes = clientFrame({ rsv: 4, opcode: 1, payload: hex`ff fe` });
    assertEveryFeeding({ server: true, compression: true }, bytes, [{ kind: "data", messageType: 1, compressed: true, first: true, fin: true, bytes: hex`ff fe` }]);
  });
});
