import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Receiver } from "../../src/protocol/receiver.js";
import { assertEveryFeeding, message } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { clientFrame as c, frames, rawFrame } from "../vectors/build.js";

describe("RFC 6455 §5.5.2–§5.5.3 ping and pong", () => {
  it("Receiver reports a ping and a pong with their payloads", () => {
    assertEveryFeeding({ server: true }, frames(c({ opcode: 9, payload: "are you there" }), c({ opcode: 10, payload: "yes" })), [
      { kind: "ping", data: Buffer.from("are you there") },
      { kind: "pong", data: Buffer.from("yes") },
    ]);
  });

  it("Receiver accepts a control payload of exactly 125 bytes", () => {
    const p = Buffer.alloc(125, 0x5a);
    assertEveryFeeding({ server: false }, rawFrame({ opcode: 9, payload: p }), [{ kind: "ping", data: p }]);
  });

  it("Receiver reports an empty ping as an empty payload", () => {
    assertEveryFeeding({ server: true }, c({ opcode: 9 }), [{ kind: "ping", data: Buffer.alloc(0) }]);
  });

  it("Receiver gives control payloads their own memory", () => {
    const chunk = c({ opcode: 9, payload: "ping!" });
    const [e] = new Receiver({ server: true }).push(chunk);
    chunk.fill(0);
    assert.ok(e!.kind === "ping");
    assert.equal(Buffer.from(e.data).toString(), "ping!");
  });
});

describe("RFC 6455 §5.5.1 close", () => {
  it("Receiver reports a close frame with its code, reason and raw payload", () => {
    assertEveryFeeding({ server: true }, c({ opcode: 8, payload: hex`03 e9 ${"bye €"}` }), [
      { kind: "close", code: 1001, reason: "bye €", data: hex`03 e9 ${"bye €"}` },
    ]);
  });

  it("Receiver reports an empty close as code 1005", () => {
    assertEveryFeeding({ server: false }, hex`88 00`, [{ kind: "close", code: 1005, reason: "", data: Buffer.alloc(0) }]);
  });

  it("Receiver ignores everything after a close frame, in the same chunk or later", () => {
    const r = new Receiver({ server: true });
    const events = r.push(frames(c({ opcode: 1, payload: "before" }), c({ opcode: 8, payload: hex`03 e8` }), c({ opcode: 1, payload: "after" })));
    assert.deepStrictEqual(events.map((e) => e.kind), ["data", "close"]);
    assert.equal(r.closed, true);
    assert.equal(r.failed, false);
    assert.deepStrictEqual(r.push(c({ opcode: 3 })), []);
    assert.equal(r.failed, false);
  });

  it("Receiver reports a close that arrives inside a fragmented message", () => {
    const bytes = frames(c({ fin: false, opcode: 2, payload: "part" }), c({ opcode: 8, payload: hex`03 e8` }));
    assertEveryFeeding({ server: true }, bytes, [
      { ...message(2, "part"), fin: false },
      { kind: "close", code: 1000, reason: "", data: hex`03 e8` },
    ]);
  });
});
