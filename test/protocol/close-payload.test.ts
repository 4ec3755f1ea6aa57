import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { ProtocolError } from "../../src/errors.js";
import { checkCloseForSend, formatCloseMessage, isValidReceivedCloseCode, parseClosePayload } from "../../src/protocol/close-payload.js";
import { hex } from "../helpers/hex.js";
import { INVALID_CLOSE_CODES, VALID_CLOSE_CODES } from "../vectors/close-codes.js";

describe("RFC 6455 §5.5.1 close payloads: formatCloseMessage (API §6)", () => {
  it("formatCloseMessage writes a big-endian code followed by the UTF-8 text", () => {
    assert.deepStrictEqual(formatCloseMessage(1000, "bye"), hex`03 e8 62 79 65`);
    assert.deepStrictEqual(formatCloseMessage(4999, "€"), hex`13 87 e2 82 ac`);
    assert.ok(Buffer.isBuffer(formatCloseMessage(1000)));
  });

  it("formatCloseMessage writes only the code when the text is absent or empty", () => {
    assert.deepStrictEqual(formatCloseMessage(1001), hex`03 e9`);
    assert.deepStrictEqual(formatCloseMessage(1001, ""), hex`03 e9`);
  });

  it("formatCloseMessage returns an empty payload for 1005 (CloseNoStatusReceived)", () => {
    assert.deepStrictEqual(formatCloseMessage(1005, "ignored"), Buffer.alloc(0));
  });

  it("formatCloseMessage accepts any integer code in 0..65535 (no other checks)", () => {
    assert.deepStrictEqual(formatCloseMessage(0), hex`00 00`);
    assert.deepStrictEqual(formatCloseMessage(65535), hex`ff ff`);
    assert.equal(formatCloseMessage(1000, "x".repeat(200)).length, 202);
  });

  it("formatCloseMessage throws RangeError for a code that is not an integer in 0..65535", () => {
    for (const code of [-1, 65536, 1000.5, NaN, Infinity]) {
      assert.throws(() => formatCloseMessage(code), RangeError, String(code));
    }
  });
});

describe("RFC 6455 §7.4 close codes", () => {
  it("isValidReceivedCloseCode accepts 1000–1003, 1007–1014 and 3000–4999", () => {
    for (const code of VALID_CLOSE_CODES) assert.equal(isValidReceivedCloseCode(code), true, String(code));
  });

  it("isValidReceivedCloseCode rejects codes that never appear on the wire", () => {
    for (const code of INVALID_CLOSE_CODES) assert.equal(isValidReceivedCloseCode(code), false, String(code));
  });

  it("checkCloseForSend accepts sendable codes with a reason of up to 123 bytes", () => {
    for (const code of VALID_CLOSE_CODES) checkCloseForSend(code, "");
    checkCloseForSend(1000, "x".repeat(123));
    checkCloseForSend(1000, "€".repeat(41)); // 123 bytes
  });

  it("checkCloseForSend throws RangeError for a code not allowed on the wire", () => {
    for (const code of [...INVALID_CLOSE_CODES, 1000.5, NaN]) {
      assert.throws(() => checkCloseForSend(code, ""), RangeError, String(code));
    }
  });

  it("checkCloseForSend throws RangeError when the payload exceeds 125 bytes", () => {
    assert.throws(() => checkCloseForSend(1000, "x".repeat(124)), { name: "RangeError", message: "websocket: invalid control frame" });
    assert.throws(() => checkCloseForSend(1000, "€".repeat(42)), RangeError);
  });
});

describe("RFC 6455 §5.5.1 close payloads: parseClosePayload", () => {
  it("parseClosePayload reads an empty payload as 1005 with no reason", () => {
    assert.deepStrictEqual(parseClosePayload(hex``), { code: 1005, reason: "" });
  });

  it("parseClosePayload reads the code and the reason", () => {
    assert.deepStrictEqual(parseClosePayload(hex`03 e8`), { code: 1000, reason: "" });
    assert.deepStrictEqual(parseClosePayload(hex`0f a0 ${"going €"}`), { code: 4000, reason: "going €" });
    // A view into a larger buffer is read from its own offset.
    assert.deepStrictEqual(parseClosePayload(hex`ff ff 03 e9 6f 6b ff`.subarray(2, 6)), { code: 1001, reason: "ok" });
  });

  it("parseClosePayload rejects a 1-byte payload with 1002", () => {
    const e = parseClosePayload(hex`03`);
    assert.ok(e instanceof ProtocolError);
    assert.equal(e.message, "websocket: bad close payload");
    assert.equal(e.closeCode, 1002);
  });

  it("parseClosePayload rejects codes that are not valid on the wire with 1002", () => {
    for (const code of INVALID_CLOSE_CODES) {
      const e = parseClosePayload(Uint8Array.of(code >> 8, code & 0xff));
      assert.ok(e instanceof ProtocolError);
      assert.equal(e.message, `websocket: bad close code ${code}`);
      assert.equal(e.closeCode, 1002);
    }
  });

  it("parseClosePayload rejects a reason that is not UTF-8 with 1007", () => {
    for (const reason of [hex`ff`, hex`ed a0 80`, hex`e2 82`, hex`c0 af`]) {
      const e = parseClosePayload(hex`03 e8 ${reason}`);
      assert.ok(e instanceof ProtocolError);
      assert.equal(e.message, "websocket: invalid utf8 payload in close frame");
      assert.equal(e.closeCode, 1007);
    }
  });
});
