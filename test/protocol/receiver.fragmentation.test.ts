import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Receiver, type ReadEvent } from "../../src/protocol/receiver.js";
import { assertEveryFeeding, message, type Normalized } from "../helpers/feed.js";
import { clientFrame as c, frames, rawFrame } from "../vectors/build.js";

/** The data events of a push, as [first, fin, text]. */
function pieces(events: ReadEvent[]): Array<[boolean, boolean, string]> {
  return events.flatMap((e) => (e.kind === "data" ? [[e.first, e.fin, Buffer.from(e.bytes).toString()] as [boolean, boolean, string]] : []));
}

describe("RFC 6455 §5.4 fragmentation", () => {
  it("Receiver reports each fragment of a message with first on the first and fin on the last", () => {
    const bytes = frames(c({ fin: false, opcode: 2, payload: "ab" }), c({ fin: false, opcode: 0, payload: "cd" }), c({ opcode: 0, payload: "ef" }));
    assert.deepStrictEqual(pieces(new Receiver({ server: true }).push(Buffer.from(bytes))), [
      [true, false, "ab"],
      [false, false, "cd"],
      [false, true, "ef"],
    ]);
    assertEveryFeeding({ server: true }, bytes, [message(2, "abcdef")]);
  });

  it("Receiver carries the message type and compression flag onto continuation pieces", () => {
    const bytes = frames(c({ fin: false, rsv: 4, opcode: 1, payload: "x" }), c({ opcode: 0, payload: "y" }), c({ opcode: 2, payload: "z" }));
    const events = new Receiver({ server: true, compression: true }).push(bytes);
    assert.deepStrictEqual(
      events.map((e) => (e.kind === "data" ? [e.messageType, e.compressed] : [])),
      [[1, true], [1, true], [2, false]],
    );
  });

  it("Receiver lets control frames interleave with the fragments of a message", () => {
    const bytes = frames(c({ fin: false, opcode: 1, payload: "Hel" }), c({ opcode: 9, payload: "p" }), c({ opcode: 10 }), c({ opcode: 0, payload: "lo" }));
    const hel: Normalized = { kind: "data", messageType: 1, compressed: false, first: true, fin: false, bytes: Buffer.from("Hel") };
    const lo: Normalized = { kind: "data", messageType: 1, compressed: false, first: false, fin: true, bytes: Buffer.from("lo") };
    assertEveryFeeding({ server: true }, bytes, [hel, { kind: "ping", data: Buffer.from("p") }, { kind: "pong", data: Buffer.alloc(0) }, lo]);
  });

  it("Receiver reports an empty message as one empty piece with first and fin", () => {
    assert.deepStrictEqual(pieces(new Receiver({ server: true }).push(c({ opcode: 1 }))), [[true, true, ""]]);
    assertEveryFeeding({ server: true }, c({ opcode: 2 }), [message(2, "")]);
  });

  it("Receiver reports an empty first fragment at once, skips empty middle ones and reports an empty last one", () => {
    const bytes = frames(c({ fin: false, opcode: 1 }), c({ fin: false, opcode: 0, payload: "a" }), c({ fin: false, opcode: 0 }), c({ opcode: 0 }));
    assert.deepStrictEqual(pieces(new Receiver({ server: true }).push(Buffer.from(bytes))), [
      [true, false, ""],
      [false, false, "a"],
      [false, true, ""],
    ]);
    assertEveryFeeding({ server: true }, bytes, [message(1, "a")]);
  });

  it("Receiver accepts an empty text message made of empty fragments", () => {
    assertEveryFeeding({ server: true }, frames(c({ fin: false, opcode: 1 }), c({ opcode: 0 })), [message(1, "")]);
  });

  it("Receiver checks UTF-8 across fragments cut inside code points", () => {
    const text = Buffer.from("a€𝄞é");
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        const bytes = frames(c({ fin: false, opcode: 1, payload: text.subarray(0, i) }), c({ fin: false, opcode: 0, payload: text.subarray(i, j) }), c({ opcode: 0, payload: text.subarray(j) }));
        assertEveryFeeding({ server: true }, bytes, [message(1, text)], false);
      }
    }
  });

  it("Receiver starts UTF-8 checking afresh for each text message", () => {
    const bytes = frames(c({ fin: false, opcode: 1, payload: "€" }), c({ opcode: 0, payload: "x" }), c({ fin: false, opcode: 1, payload: "é" }), c({ opcode: 0, payload: "y" }));
    assertEveryFeeding({ server: true }, bytes, [message(1, "€x"), message(1, "éy")]);
  });

  it("Receiver delivers several messages from one chunk", () => {
    const bytes = frames(c({ opcode: 1, payload: "one" }), c({ opcode: 2, payload: "two" }), c({ opcode: 1, payload: "three" }));
    assertEveryFeeding({ server: true }, bytes, [message(1, "one"), message(2, "two"), message(1, "three")]);
  });

  it("Receiver accepts 100,000 one-byte fragments without a fragment cap", () => {
    const list = [c({ fin: false, opcode: 2, payload: "s" })];
    for (let i = 0; i < 99_998; i++) list.push(c({ fin: false, opcode: 0, payload: "m" }));
    list.push(c({ opcode: 0, payload: "e" }));
    const events = new Receiver({ server: true }).push(frames(...list));
    assert.equal(events.length, 100_000);
    const last = events.at(-1)!;
    assert.ok(last.kind === "data" && !last.first && last.fin);
  });
});

describe("RFC 6455 §5.3 payload delivery", () => {
  it("Receiver unmasks in place and returns views of the pushed chunk (zero copy)", () => {
    const chunk = c({ opcode: 2, payload: "hello world" });
    const [e] = new Receiver({ server: true }).push(chunk);
    assert.ok(e!.kind === "data");
    assert.equal(e.bytes.buffer, chunk.buffer);
    assert.equal(e.bytes.byteOffset, chunk.byteOffset + 6);
    assert.equal(chunk.subarray(6).toString(), "hello world");
    assert.ok(Buffer.isBuffer(e.bytes));
  });

  it("Receiver reports a payload split across chunks as pieces, buffering nothing", () => {
    const bytes = rawFrame({ opcode: 2, payload: "abcdefgh" });
    const r = new Receiver({ server: false });
    assert.deepStrictEqual(pieces(r.push(bytes.subarray(0, 1))), []);
    assert.deepStrictEqual(pieces(r.push(bytes.subarray(1, 5))), [[true, false, "abc"]]);
    assert.deepStrictEqual(pieces(r.push(bytes.subarray(5, 7))), [[false, false, "de"]]);
    assert.deepStrictEqual(pieces(r.push(bytes.subarray(7))), [[false, true, "fgh"]]);
  });

  it("Receiver accepts plain Uint8Array chunks and still returns Buffer views", () => {
    const bytes = new Uint8Array(rawFrame({ opcode: 2, payload: "xyz" }));
    const [e] = new Receiver({ server: false }).push(bytes);
    assert.ok(e!.kind === "data" && Buffer.isBuffer(e.bytes) && e.bytes.toString() === "xyz");
  });
});
