import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as protocol from "../../src/protocol/index.js";

describe("silverback/protocol subpath", () => {
  it("protocol/index exports the sans-I/O core", () => {
    for (const name of [
      "Opcode", "isControl", "isData", "isKnownOpcode",
      "formatCloseMessage", "isValidReceivedCloseCode", "checkCloseForSend", "parseClosePayload",
      "maskBytes", "maskRange", "maskCopy", "MaskKeySource",
      "MAX_HEADER_SIZE", "headerSize", "headerSizeFromSecondByte", "encodeFrameHeader",
      "FrameParser", "HEADER_INCOMPLETE", "HEADER_INVALID",
      "serializeFrame", "writeFrame", "Utf8Validator", "isValidUtf8", "Receiver", "Sender",
    ]) {
      assert.ok(name in protocol, name);
    }
    assert.equal(typeof protocol.Receiver, "function");
  });
});
