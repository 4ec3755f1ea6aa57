// Hostile clients against the Upgrader (research/security.md): header floods (ws CVE-2024-37890),
// oversized heads, slow-loris heads, and many refused handshakes leaking no socket.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setImmediate as tick } from "node:timers/promises";
import { HandshakeError } from "../../src/errors.js";
import { HandshakeReasons as R } from "../../src/handshake/server-handshake.js";
import { Upgrader } from "../../src/server/upgrader.js";
import type { Conn } from "../../src/conn/conn.js";
import { Calls, KEY, connect, exchange, handshake, listen, readAll } from "./helpers.js";
import { upgradeServer } from "./upgrade-server.js";

const T = { timeout: 10_000 };

function flood(host: string, n: number): string {
  return `GET / HTTP/1.1\r\nHost: ${host}\r\n` + "a:1\r\n".repeat(n) +
    `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`;
}

describe("ws CVE-2024-37890: more headers than server.maxHeadersCount", () => {
  for (const form of ["event", "handler"] as const) {
    it(`Upgrader.Upgrade answers 400 to 2,000 junk headers (${form} form) and the process lives`, T, async () => {
      const s = await upgradeServer({}, form);
      try {
        const answer = exchange(s.ts.port, flood(s.ts.host, 2000));
        const outcome = await s.calls.next();
        assert.ok(outcome.error instanceof HandshakeError);
        assert.equal(outcome.error.status, 400);
        assert.equal((await answer).status, 400);
        await s.ts.drained();
      } finally {
        await s.ts.close();
      }
    });
  }

  it("Upgrader.Upgrade tolerates every handshake header being dropped (maxHeadersCount 1)", T, async () => {
    const s = await upgradeServer({}, "event");
    s.ts.server.maxHeadersCount = 1;
    try {
      const answer = exchange(s.ts.port, handshake(s.ts.host));
      const outcome = await s.calls.next();
      assert.equal((outcome.error as HandshakeError).reason, R.connection);
      assert.equal((await answer).status, 400);
    } finally {
      await s.ts.close();
    }
  });
});

describe("oversized and slow request heads (node's limits, before the Upgrader runs)", () => {
  it("node answers 431 to a head over maxHeaderSize (16 KiB) without calling the Upgrader", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const server = http.createServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    server.on("upgrade", (req, socket, head) => calls.push(upgrader.upgrade(req, socket, head)));
    const ts = await listen(server);
    let called = false;
    server.on("request", () => (called = true)).on("upgrade", () => (called = true));
    try {
      const res = await exchange(ts.port, handshake(ts.host, { "X-Big": "x".repeat(20 * 1024) }));
      assert.equal(res.statusLine, "HTTP/1.1 431 Request Header Fields Too Large");
      assert.equal(called, false);
      await ts.drained();
    } finally {
      await ts.close();
    }
  });

  it("node's headersTimeout closes a slow-loris head dribbled byte by byte (408)", T, async () => {
    // Node bounds the time to receive a request head (headersTimeout, default 60 s) and a whole
    // request (requestTimeout, default 300 s); the Upgrader's handshakeTimeout starts at upgrade().
    const server = http.createServer({ headersTimeout: 200, requestTimeout: 400, connectionsCheckingInterval: 25 });
    let called = false;
    server.on("request", () => (called = true)).on("upgrade", () => (called = true));
    const ts = await listen(server);
    try {
      const c = await connect(ts.port);
      const all = readAll(c);
      c.write(`GET / HTTP/1.1\r\nHost: ${ts.host}\r\nX-Slow: `);
      const drip = setInterval(() => c.write("a"), 10);
      c.once("close", () => clearInterval(drip));
      const raw = (await all).toString("latin1");
      clearInterval(drip);
      assert.ok(raw.startsWith("HTTP/1.1 408 Request Timeout\r\n"), raw);
      assert.equal(called, false);
      c.destroy();
      await ts.drained();
    } finally {
      await ts.close();
    }
  });
});

describe("no socket leaks", () => {
  it("Upgrader.Upgrade releases every socket of 50 concurrent refused handshakes", T, async () => {
    const count = (): number => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
    const s = await upgradeServer({ checkOrigin: async () => false }, "event");
    try {
      const before = count();
      const answers = Array.from({ length: 50 }, (_, i) =>
        exchange(s.ts.port, handshake(s.ts.host, i % 2 ? { "Sec-WebSocket-Version": "1" } : {})));
      const outcomes = await Promise.all(answers.map(() => s.calls.next()));
      const statuses = (await Promise.all(answers)).map((r) => r.status).sort();
      assert.deepEqual([...new Set(statuses)], [400, 403]);
      assert.ok(outcomes.every((o) => o.error instanceof HandshakeError));
      await s.ts.drained();
      // Closed handles leave node's list within a few loop turns; a leak would hit the test timeout.
      while (count() > before) await tick();
      assert.equal(count(), before);
    } finally {
      await s.ts.close();
    }
  });
});
