import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReadLimitError } from "../../src/errors.js";
import { Receiver, type ReadEvent } from "../../src/protocol/receiver.js";
import { assertEveryFeeding, message, normalize, type Normalized } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { clientFrame as c, frames, KEY } from "../vectors/build.js";

const LIMIT_ERROR: Normalized = { kind: "error", name: "ReadLimitError", message: "websocket: read limit exceeded", closeCode: 1009 };

function errorOf(events: ReadEvent[]): ReadLimitError {
  const e = events.at(-1)!;
  assert.ok(e.kind === "error" && e.error instanceof ReadLimitError);
  return e.error;
}

describe("RFC 6455 §10.4 read limit (gorilla SetReadLimit)", () => {
  it("Receiver accepts a message of exactly the read limit", () => {
    assertEveryFeeding({ server: true, readLimit: 10 }, c({ opcode: 2, payload: "0123456789" }), [message(2, "0123456789")]);
  });

  it("Receiver rejects a frame declaring more than the limit at its header, before the payload", () => {
    const r = new Receiver({ server: true, readLimit: 10 });
    const events = r.push(hex`82 8b ${KEY}`);
    assert.equal(events.length, 1);
    assert.equal(errorOf(events).limit, 10);
    assert.equal(errorOf(events).closeCode, 1009);
    assert.equal(r.failed, true);
  });

  it("Receiver counts every fragment of a message against the limit", () => {
    const bytes = frames(c({ fin: false, opcode: 2, payload: "abcd" }), c({ fin: false, opcode: 0, payload: "efgh" }), c({ opcode: 0, payload: "ijk" }));
    assertEveryFeeding({ server: true, readLimit: 10 }, bytes, [{ ...message(2, "abcdefgh"), fin: false }, LIMIT_ERROR]);
  });

  it("Receiver counts each message separately", () => {
    const bytes = frames(c({ opcode: 1, payload: "12345678" }), c({ opcode: 1, payload: "abcdefgh" }));
    assertEveryFeeding({ server: true, readLimit: 8 }, bytes, [message(1, "12345678"), message(1, "abcdefgh")]);
  });

  it("Receiver does not count control frames against the limit", () => {
    const bytes = frames(c({ fin: false, opcode: 2, payload: "ab" }), c({ opcode: 9, payload: "0123456789" }), c({ opcode: 0, payload: "c" }));
    const events = normalize(new Receiver({ server: true, readLimit: 3 }).push(bytes));
    assert.deepStrictEqual(events.map((e) => e.kind), ["data", "ping", "data"]);
  });

  it("Receiver leaves compressed messages to be limited after inflation", () => {
    const bytes = c({ rsv: 4, opcode: 2, payload: "0123456789" });
    assertEveryFeeding({ server: true, compression: true, readLimit: 4 }, bytes, [message(2, "0123456789", true)]);
  });

  it("Receiver with read limit 0 accepts any size", () => {
    assertEveryFeeding({ server: true, readLimit: 0 }, c({ opcode: 2, payload: "x".repeat(70000) }), [message(2, "x".repeat(70000))], false);
  });

  it("Receiver.setReadLimit applies from the next frame header", () => {
    const r = new Receiver({ server: true });
    const first = c({ opcode: 2, payload: "0123456789" });
    assert.deepStrictEqual(r.push(first.subarray(0, 8)).length, 1);
    r.setReadLimit(5);
    assert.equal(r.push(first.subarray(8)).at(-1)!.kind, "data"); // the frame already begun
    assert.equal(errorOf(r.push(c({ opcode: 2, payload: "012345" }))).limit, 5);
  });

  it("Receiver.setReadLimit mid-message counts the bytes already received (gorilla readLength)", () => {
    const r = new Receiver({ server: true });
    assert.equal(r.push(c({ fin: false, opcode: 2, payload: "0123456789" })).length, 1);
    r.setReadLimit(12);
    assert.equal(r.push(c({ fin: false, opcode: 0, payload: "ab" })).at(-1)!.kind, "data");
    assert.equal(errorOf(r.push(c({ opcode: 0, payload: "c" }))).limit, 12);
  });

  it("Receiver rejects lengths beyond 2^53 − 1 even without a limit (CVE-2020-27813)", () => {
    for (const readLimit of [0, 1 << 20]) {
      const events = new Receiver({ server: true, readLimit }).push(hex`82 ff 00 20 00 00 00 00 00 00 ${KEY}`);
      assert.equal(events.length, 1);
      assert.equal(errorOf(events).limit, readLimit || Number.MAX_SAFE_INTEGER);
    }
    // 2^53 − 1 itself is a legal length: no error at the header.
    assert.deepStrictEqual(new Receiver({ server: true }).push(hex`82 ff 00 1f ff ff ff ff ff ff ${KEY}`), []);
  });

  it("Receiver keeps the running total exact when fragments declare huge lengths", () => {
    // A 2^52-byte fragment under a 2^53−1 limit is fine at its header; the total never overflows.
    const r = new Receiver({ server: false, readLimit: Number.MAX_SAFE_INTEGER });
    assert.deepStrictEqual(r.push(hex`02 7f 00 10 00 00 00 00 00 00`), []);
    assert.equal(r.failed, false);
  });

  it("Receiver rejects a read limit that is not a non-negative safe integer", () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      assert.throws(() => new Receiver({ server: true, readLimit: bad }), RangeError);
      assert.throws(() => new Receiver({ server: true }).setReadLimit(bad), RangeError);
    }
  });
});
