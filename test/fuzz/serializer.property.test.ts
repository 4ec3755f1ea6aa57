/**
 * Property tests of the frame serializer and the Sender: serialize then parse is the identity on
 * every valid frame (any opcode, length class, mask, FIN, RSV1 where allowed), the caller's payload
 * is never mutated, and Sender → Receiver (opposite roles) reproduces any message sequence.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { serializeFrame } from "../../src/protocol/frame-serializer.js";
import { FrameParser } from "../../src/protocol/frame-parser.js";
import { headerSize } from "../../src/protocol/frame-header.js";
import { maskBytes } from "../../src/protocol/mask.js";
import { Sender } from "../../src/protocol/sender.js";
import { Receiver, type ReadEvent } from "../../src/protocol/receiver.js";
import { arbCuts, arbPayload, cut, params, SEED } from "./arb.js";

const arbValidFrame = fc.constantFrom(0, 1, 2, 8, 9, 10).chain((opcode) => fc.record({
  opcode: fc.constant(opcode),
  fin: opcode >= 8 ? fc.constant(true) : fc.boolean(),
  rsv1: opcode === 1 || opcode === 2 ? fc.boolean() : fc.constant(false),
  payload: opcode >= 8 ? fc.uint8Array({ maxLength: 125 }) : arbPayload,
  maskKey: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: null }),
}));

describe(`fuzz: serializer and Sender (fast-check seed ${SEED})`, () => {
  it("serializeFrame then FrameParser is the identity on valid frames", () => {
    fc.assert(fc.property(arbValidFrame, (f) => {
      const original = Buffer.from(f.payload);
      const wire = Buffer.concat(serializeFrame(f));
      assert.deepEqual(Buffer.from(f.payload), original, "payload mutated");
      const n = f.payload.length;
      assert.equal(wire.length, headerSize(n, f.maskKey !== null) + n, "not the minimal header size");
      const p = new FrameParser({ server: f.maskKey !== null, compression: true });
      if (f.opcode === 0) p.messageOpen = true; // a continuation needs an open message
      const end = p.readHeader(wire, 0);
      assert.ok(end > 0, `header rejected: ${p.error?.message}`);
      assert.deepEqual(
        { fin: p.fin, rsv1: p.rsv1, opcode: p.opcode, masked: p.masked, length: p.length },
        { fin: f.fin, rsv1: f.rsv1, opcode: f.opcode, masked: f.maskKey !== null, length: n },
      );
      const payload = Buffer.from(wire.subarray(end));
      if (f.maskKey !== null) {
        assert.deepEqual(Buffer.from(p.maskKey), Buffer.from(f.maskKey));
        maskBytes(payload, p.maskKey);
      }
      assert.deepEqual(payload, original);
    }), params());
  });

  it("Sender then Receiver reproduces messages and control frames, cut anywhere", () => {
    const arbOp = fc.oneof(
      fc.record({ kind: fc.constant("msg" as const), type: fc.constantFrom(1 as const, 2 as const), parts: fc.array(fc.string({ unit: "grapheme", maxLength: 50 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constantFrom("ping" as const, "pong" as const), data: fc.uint8Array({ maxLength: 125 }) }),
    );
    fc.assert(fc.property(fc.boolean(), fc.array(arbOp, { maxLength: 10 }), arbCuts, (server, ops, cuts) => {
      const s = new Sender({ server });
      const chunks: Uint8Array[] = [];
      const expected: string[] = [];
      for (const op of ops) {
        if (op.kind === "msg") {
          op.parts.forEach((p, i) => chunks.push(...s.dataFrame(op.type, Buffer.from(p), i === op.parts.length - 1)));
          expected.push(`${op.type}:${Buffer.from(op.parts.join("")).toString("hex")}`);
        } else {
          chunks.push(...s.controlFrame(op.kind === "ping" ? 9 : 10, op.data));
          expected.push(`${op.kind}:${Buffer.from(op.data).toString("hex")}`);
        }
      }
      chunks.push(...s.controlFrame(8, Buffer.from([0x03, 0xe8])));
      const r = new Receiver({ server: !server });
      const events: ReadEvent[] = [];
      for (const c of cut(Buffer.concat(chunks), cuts)) events.push(...r.push(c));
      const got: string[] = [];
      let msg = "";
      for (const e of events) {
        if (e.kind === "data") {
          msg += Buffer.from(e.bytes).toString("hex");
          if (e.fin) {
            got.push(`${e.messageType}:${msg}`);
            msg = "";
          }
        } else if (e.kind === "ping" || e.kind === "pong") got.push(`${e.kind}:${Buffer.from(e.data).toString("hex")}`);
        else if (e.kind === "close") got.push(`close:${e.code}`);
        else assert.fail(`unexpected error ${e.error.message}`);
      }
      assert.deepEqual(got, [...expected, "close:1000"]);
    }), params());
  });
});
