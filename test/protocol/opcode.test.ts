import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isControl, isData, isKnownOpcode, Opcode } from "../../src/protocol/opcode.js";
import { BinaryMessage, CloseMessage, PingMessage, PongMessage, TextMessage } from "../../src/constants.js";

describe("RFC 6455 §5.2 / §11.8 opcodes", () => {
  it("Opcode matches the message type constants", () => {
    assert.deepStrictEqual(Opcode, { Continuation: 0, Text: TextMessage, Binary: BinaryMessage, Close: CloseMessage, Ping: PingMessage, Pong: PongMessage });
  });

  it("isControl is true exactly for opcodes with the high bit set", () => {
    for (let op = 0; op < 16; op++) assert.equal(isControl(op), op >= 8, String(op));
  });

  it("isData is true for text and binary only", () => {
    for (let op = 0; op < 16; op++) assert.equal(isData(op), op === 1 || op === 2, String(op));
  });

  it("isKnownOpcode is false for the reserved opcodes 3–7 and 11–15", () => {
    for (let op = 0; op < 16; op++) assert.equal(isKnownOpcode(op), [0, 1, 2, 8, 9, 10].includes(op), String(op));
  });
});
