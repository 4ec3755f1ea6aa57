// Upgrader refusals over real loopback HTTP: each bad request gets the exact answer of API.md §2,
// the promise rejects with HandshakeError, and the server's socket is released.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { HandshakeError } from "../../src/errors.js";
import type { HttpHeaders } from "../../src/types.js";
import { HandshakeReasons as R } from "../../src/handshake/server-handshake.js";
import { KEY, exchange, handshake } from "./helpers.js";
import { upgradeServer, type UpgradeServer } from "./upgrade-server.js";

const T = { timeout: 5000 };

function expected(status: number, text: string, reason: string): string {
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nSec-WebSocket-Version: 13\r\n` +
    `Connection: close\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`;
}

const rows: [string, (host: string) => string, number, string, string][] = [
  ["Connection missing", (h) => handshake(h, { Connection: null }), 400, "Bad Request", R.connection],
  ["Connection: keep-alive", (h) => handshake(h, { Connection: "keep-alive" }), 400, "Bad Request", R.connection],
  ["Upgrade missing", (h) => handshake(h, { Upgrade: null }), 400, "Bad Request", R.upgrade],
  ["Upgrade: h2c", (h) => handshake(h, { Upgrade: "h2c" }), 400, "Bad Request", R.upgrade],
  ["method POST", (h) => handshake(h, { "Content-Length": "0" }, "POST"), 405, "Method Not Allowed", R.method],
  ["method HEAD", (h) => handshake(h, {}, "HEAD"), 405, "Method Not Allowed", R.method],
  ["version missing", (h) => handshake(h, { "Sec-WebSocket-Version": null }), 400, "Bad Request", R.version],
  ["version 8", (h) => handshake(h, { "Sec-WebSocket-Version": "8" }), 400, "Bad Request", R.version],
  ["key missing", (h) => handshake(h, { "Sec-WebSocket-Key": null }), 400, "Bad Request", R.keyMissing],
  ["key blank", (h) => handshake(h, { "Sec-WebSocket-Key": "  " }), 400, "Bad Request", R.keyMissing],
  ["key of 15 bytes", (h) => handshake(h, { "Sec-WebSocket-Key": Buffer.alloc(15).toString("base64") }), 400, "Bad Request", R.keyInvalid],
  ["key garbled", (h) => handshake(h, { "Sec-WebSocket-Key": "!!!!!!!!!!!!!!!!!!!!!!==" }), 400, "Bad Request", R.keyInvalid],
  ["key duplicated", (h) => handshake(h, { "Sec-WebSocket-Key": [KEY, KEY] }), 400, "Bad Request", R.keyInvalid],
  ["cross-origin", (h) => handshake(h, { Origin: "http://evil.example" }), 403, "Forbidden", R.origin],
  ["Origin null", (h) => handshake(h, { Origin: "null" }), 403, "Forbidden", R.origin],
];

for (const form of ["event", "handler"] as const) {
  describe(`Upgrader.Upgrade refusals, ${form === "event" ? "'upgrade' event" : "(req, res) form"}`, () => {
    let s: UpgradeServer;
    before(async () => {
      s = await upgradeServer({}, form);
    });
    after(() => s.ts.close());

    for (const [name, request, status, text, reason] of rows) {
      it(`Upgrader.Upgrade answers ${status} and rejects when ${name}`, T, async () => {
        const answer = exchange(s.ts.port, request(s.ts.host));
        const outcome = await s.calls.next();
        const res = await answer;
        assert.equal(res.raw.toString("latin1"), expected(status, text, reason));
        assert.ok(outcome.error instanceof HandshakeError);
        assert.equal(outcome.error.status, status);
        assert.equal(outcome.error.reason, reason);
        assert.equal(outcome.error.message, reason);
        await s.ts.drained();
      });
    }
  });
}

describe("Upgrader.Upgrade check 5: the application's response headers", () => {
  const rows: [string, HttpHeaders, string][] = [
    ["Sec-WebSocket-Extensions", { "Sec-WebSocket-Extensions": "permessage-deflate" }, R.extensions],
    ["Upgrade", { Upgrade: "websocket" }, R.invalidHeader + "Upgrade"],
    ["Connection", { connection: "Upgrade" }, R.invalidHeader + "connection"],
    ["Sec-WebSocket-Accept", { "Sec-WebSocket-Accept": "x" }, R.invalidHeader + "Sec-WebSocket-Accept"],
    ["a CRLF in a value", { "X-A": "1\r\nX-Injected: 1" }, R.invalidHeader + "X-A"],
    ["a CRLF in an array value", { "Set-Cookie": ["a=1", "b=2\r\n"] }, R.invalidHeader + "Set-Cookie"],
    ["a NUL in a name", { "X-\0": "1" }, R.invalidHeader + "X-\0"],
    ["a WHATWG Headers with Upgrade", new Headers({ Upgrade: "x" }), R.invalidHeader + "upgrade"],
  ];
  for (const [name, headers, reason] of rows) {
    it(`Upgrader.Upgrade answers 500 for ${name}`, T, async () => {
      const s = await upgradeServer({}, "event", headers);
      try {
        const answer = exchange(s.ts.port, handshake(s.ts.host));
        const outcome = await s.calls.next();
        assert.equal((await answer).raw.toString("latin1"), expected(500, "Internal Server Error", reason));
        assert.ok(outcome.error instanceof HandshakeError);
        assert.equal(outcome.error.status, 500);
        assert.equal(outcome.error.reason, reason);
        await s.ts.drained();
      } finally {
        await s.ts.close();
      }
    });
  }
  it("Upgrader.Upgrade checks the response headers before the origin", T, async () => {
    let asked = false;
    const s = await upgradeServer({ checkOrigin: () => (asked = true) }, "event", { Upgrade: "x" });
    try {
      const answer = exchange(s.ts.port, handshake(s.ts.host));
      const outcome = await s.calls.next();
      await answer;
      assert.equal((outcome.error as HandshakeError).status, 500);
      assert.equal(asked, false);
    } finally {
      await s.ts.close();
    }
  });
});
