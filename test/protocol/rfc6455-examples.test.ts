import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { serializeFrame } from "../../src/protocol/frame-serializer.js";
import { assertEveryFeeding, message, type Normalized } from "../helpers/feed.js";
import { RFC6455_EXAMPLES, RFC6455_KEY } from "../vectors/rfc6455.js";

describe("RFC 6455 §5.7 examples", () => {
  for (const ex of RFC6455_EXAMPLES) {
    const expected: Normalized = ex.kind === "data" ? message(ex.messageType!, ex.payload) : { kind: ex.kind, data: ex.payload };

    it(`Receiver parses ${ex.name}, fed whole, split anywhere and byte by byte`, () => {
      assertEveryFeeding({ server: ex.server }, ex.bytes, [expected], ex.bytes.length < 1000);
    });

    it(`serializeFrame produces ${ex.name}`, () => {
      // Each frame of the example, rebuilt from its fields: the fragments keep their own opcodes.
      const out = ex.frames.map((f) => {
        const opcode = f[0]! & 0x0f;
        const fin = f[0]! >= 0x80;
        const payload = ex.frames.length === 1 ? ex.payload : f.subarray(2);
        return Buffer.concat(serializeFrame({ fin, opcode, payload, maskKey: ex.server ? RFC6455_KEY : null }));
      });
      assert.deepStrictEqual(Buffer.concat(out), ex.bytes);
    });
  }
});
