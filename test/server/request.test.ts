// Tests for server/request.ts: isWebSocketUpgrade and subprotocols on HTTP/1.1 and HTTP/2 requests.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { isWebSocketUpgrade, subprotocols } from "../../src/server/upgrader.js";

function req(headers: Record<string, string | string[]>, httpVersionMajor = 1): IncomingMessage {
  return { headers, httpVersionMajor } as unknown as IncomingMessage;
}

describe("IsWebSocketUpgrade", () => {
  const rows: [string, IncomingMessage, boolean][] = [
    ["a handshake", req({ connection: "Upgrade", upgrade: "websocket" }), true],
    ["several Connection tokens, any case", req({ connection: "keep-alive, UPGRADE", upgrade: "WebSocket" }), true],
    ["no Connection", req({ upgrade: "websocket" }), false],
    ["no Upgrade", req({ connection: "upgrade" }), false],
    ["Upgrade h2c", req({ connection: "upgrade", upgrade: "h2c" }), false],
    ["no headers at all", req({}), false],
    ["HTTP/2 extended CONNECT (RFC 8441)", req({ ":method": "CONNECT", ":protocol": "websocket" }, 2), true],
    ["HTTP/2 GET with HTTP/1.1 upgrade headers", req({ ":method": "GET", connection: "upgrade", upgrade: "websocket" }, 2), false],
    ["HTTP/2 CONNECT without :protocol", req({ ":method": "CONNECT" }, 2), false],
  ];
  for (const [name, r, want] of rows) {
    it(`isWebSocketUpgrade is ${want} for ${name}`, () => assert.equal(isWebSocketUpgrade(r), want));
  }
  it("isWebSocketUpgrade is false for a non-request", () => {
    assert.equal(isWebSocketUpgrade(null as unknown as IncomingMessage), false);
  });
});

describe("Subprotocols", () => {
  it("subprotocols returns the client's offer in its order, trimmed", () => {
    assert.deepEqual(subprotocols(req({ "sec-websocket-protocol": " b ,a,, c" })), ["b", "a", "c"]);
  });
  it("subprotocols returns [] when the header is absent", () => {
    assert.deepEqual(subprotocols(req({})), []);
    assert.deepEqual(subprotocols(undefined as unknown as IncomingMessage), []);
  });
});
