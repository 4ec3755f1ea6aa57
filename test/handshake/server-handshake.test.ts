// Tests for handshake/server-handshake.ts: checks 1–5 and 7 as tables, and the answers' bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  HandshakeReasons as R, buildErrorResponse, buildUpgradeResponse, checkChallengeKey, checkResponseHeaders,
  checkUpgradeRequest, type HeaderRecord,
} from "../../src/handshake/server-handshake.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const good: HeaderRecord = {
  host: "example.com", connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": KEY,
};
function without(name: string): HeaderRecord {
  const h = { ...good };
  delete h[name];
  return h;
}

describe("RFC 6455 §4.2.1 request checks 1–4 (gorilla's order)", () => {
  const rows: [string, string | undefined, HeaderRecord, number, string][] = [
    ["Connection missing", "GET", without("connection"), 400, R.connection],
    ["Connection without upgrade", "GET", { ...good, connection: "keep-alive" }, 400, R.connection],
    ["Connection garbled", "GET", { ...good, connection: "up grade" }, 400, R.connection],
    ["Upgrade missing", "GET", without("upgrade"), 400, R.upgrade],
    ["Upgrade is h2c", "GET", { ...good, upgrade: "h2c" }, 400, R.upgrade],
    ["Upgrade garbled", "GET", { ...good, upgrade: "web socket" }, 400, R.upgrade],
    ["method POST", "POST", good, 405, R.method],
    ["method lower-case get", "get", good, 405, R.method],
    ["method missing", undefined, good, 405, R.method],
    ["version missing", "GET", without("sec-websocket-version"), 400, R.version],
    ["version 8", "GET", { ...good, "sec-websocket-version": "8" }, 400, R.version],
    ["version 13 and more text", "GET", { ...good, "sec-websocket-version": "13abc" }, 400, R.version],
    ["Connection checked before method", "POST", without("connection"), 400, R.connection],
    ["method checked before version", "PUT", without("sec-websocket-version"), 405, R.method],
  ];
  for (const [name, method, headers, status, reason] of rows) {
    it(`checkUpgradeRequest answers ${status} when ${name}`, () => {
      const f = checkUpgradeRequest(method, headers);
      assert.ok(f !== null);
      assert.equal(f.status, status);
      assert.equal(f.reason, reason);
    });
  }
  it("checkUpgradeRequest adds Sec-WebSocket-Version: 13 to the version failure", () => {
    assert.deepEqual(checkUpgradeRequest("GET", without("sec-websocket-version"))?.headers, [["Sec-WebSocket-Version", "13"]]);
  });
  const ok: [string, HeaderRecord][] = [
    ["a plain request", good],
    ["Connection with several tokens", { ...good, connection: "keep-alive, Upgrade" }],
    ["upper-case tokens", { ...good, connection: "UPGRADE", upgrade: "WebSocket" }],
    ["repeated Connection headers", { ...good, connection: ["keep-alive", "upgrade"] }],
    ["several Upgrade protocols", { ...good, upgrade: "h2c, websocket" }],
    ["several versions", { ...good, "sec-websocket-version": "8, 13" }],
  ];
  for (const [name, headers] of ok) {
    it(`checkUpgradeRequest accepts ${name}`, () => assert.equal(checkUpgradeRequest("GET", headers), null));
  }
  it("checkUpgradeRequest tolerates an empty header record (ws CVE-2024-37890)", () => {
    assert.equal(checkUpgradeRequest("GET", {})?.reason, R.connection);
  });
});

describe("RFC 6455 §4.2.1 item 5: check 7, Sec-WebSocket-Key", () => {
  const rows: [string, string | string[] | undefined, string | null][] = [
    ["valid", KEY, null],
    ["valid, as a one-element array", [KEY], null],
    ["missing", undefined, R.keyMissing],
    ["empty", "", R.keyMissing],
    ["blank", "   ", R.keyMissing],
    ["empty array", [], R.keyMissing],
    ["not base64", "not base64 at all!!!!!!!", R.keyInvalid],
    ["base64 of 15 bytes", Buffer.alloc(15).toString("base64"), R.keyInvalid],
    ["base64 of 20 bytes", Buffer.alloc(20).toString("base64"), R.keyInvalid],
    ["duplicated (node joins with a comma)", `${KEY}, ${KEY}`, R.keyInvalid],
    ["duplicated (array)", [KEY, KEY], R.keyInvalid],
  ];
  for (const [name, value, reason] of rows) {
    it(`checkChallengeKey ${reason === null ? "accepts" : "refuses"} a key that is ${name}`, () => {
      const f = checkChallengeKey(value);
      if (reason === null) assert.equal(f, null);
      else assert.deepEqual(f, { status: 400, reason });
    });
  }
});

describe("check 5: application response headers", () => {
  const rows: [string, [string, string][], string | null][] = [
    ["none", [], null],
    ["Set-Cookie twice", [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]], null],
    ["Sec-WebSocket-Protocol", [["Sec-WebSocket-Protocol", "chat"]], null],
    ["Sec-WebSocket-Extensions", [["X-A", "1"], ["sec-websocket-extensions", "x"]], R.extensions],
    ["Upgrade", [["Upgrade", "websocket"]], R.invalidHeader + "Upgrade"],
    ["Connection", [["connection", "close"]], R.invalidHeader + "connection"],
    ["Sec-WebSocket-Accept", [["Sec-WebSocket-Accept", "x"]], R.invalidHeader + "Sec-WebSocket-Accept"],
    ["a CRLF in a value", [["X-A", "1\r\nX-Injected: 1"]], R.invalidHeader + "X-A"],
    ["a NUL in a value", [["X-A", "a\0"]], R.invalidHeader + "X-A"],
    ["a CR in a name", [["X-A\r", "1"]], R.invalidHeader + "X-A\r"],
    ["a space in a name", [["X A", "1"]], R.invalidHeader + "X A"],
    ["a character above U+00FF", [["X-A", "€"]], R.invalidHeader + "X-A"],
    ["extensions reported before other problems", [["Upgrade", "x"], ["Sec-WebSocket-Extensions", "x"]], R.extensions],
  ];
  for (const [name, list, reason] of rows) {
    it(`checkResponseHeaders ${reason === null ? "accepts" : "refuses"} ${name}`, () => {
      const f = checkResponseHeaders(list);
      if (reason === null) assert.equal(f, null);
      else assert.deepEqual(f, { status: 500, reason });
    });
  }
});

describe("answers", () => {
  it("buildUpgradeResponse writes RFC 6455 §4.2.2 item 5 fields, then the application's headers", () => {
    const s = buildUpgradeResponse({
      accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", subprotocol: "chat", extensions: "permessage-deflate",
      headers: [["Set-Cookie", "a=1"], ["Sec-WebSocket-Protocol", "ignored"], ["Set-Cookie", "b=2"]],
    });
    assert.equal(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n" +
      "Sec-WebSocket-Extensions: permessage-deflate\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
  });
  it("buildUpgradeResponse omits an empty subprotocol and extensions", () => {
    const s = buildUpgradeResponse({ accept: "x", subprotocol: "", extensions: "", headers: [] });
    assert.equal(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n");
  });
  it("buildErrorResponse frames the body and closes, replacing framing headers", () => {
    const s = buildErrorResponse(403, "Forbidden", [["Content-Type", "text/plain"], ["Content-Length", "999"], ["Connection", "keep-alive"]], 5);
    assert.equal(s, "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 5\r\n\r\n");
  });
});
