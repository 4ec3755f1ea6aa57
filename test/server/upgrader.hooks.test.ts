// Upgrader's application hooks over loopback HTTP: the `error` hook (API.md §2 "Error response")
// and checkOrigin, sync and async, allowing, refusing, throwing and rejecting.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { HandshakeError } from "../../src/errors.js";
import { HandshakeReasons as R } from "../../src/handshake/server-handshake.js";
import type { UpgraderOptions } from "../../src/server/upgrader.js";
import { exchange, handshake, type RawResponse } from "./helpers.js";
import { upgradeServer } from "./upgrade-server.js";

const T = { timeout: 5000 };

async function run(options: UpgraderOptions, over: Record<string, string | string[] | null> = {}) {
  const s = await upgradeServer(options, "event");
  try {
    const answer = exchange(s.ts.port, handshake(s.ts.host, over));
    const outcome = await s.calls.next();
    outcome.value?.close(); // a Conn: close it so that the client sees the end of the answer
    const res = await answer;
    await s.ts.drained();
    return { res, outcome };
  } finally {
    await s.ts.close();
  }
}

function text(res: RawResponse): string {
  return res.raw.toString("latin1");
}

describe("Upgrader error hook (gorilla Upgrader.Error)", () => {
  it("Upgrader.Upgrade sends the hook's headers and body with the fixed status", T, async () => {
    const seen: unknown[] = [];
    const { res, outcome } = await run({
      error: (req, status, err) => {
        seen.push((req as IncomingMessage).url, status, err.reason);
        return { headers: { "Content-Type": "application/json", "X-Why": "origin" }, body: '{"error":"forbidden"}' };
      },
    }, { Origin: "http://evil.example" });
    assert.equal(text(res), "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nX-Why: origin\r\n" +
      'Connection: close\r\nContent-Length: 21\r\n\r\n{"error":"forbidden"}');
    assert.deepEqual(seen, ["/", 403, R.origin]);
    assert.ok(outcome.error instanceof HandshakeError);
    assert.equal(outcome.error.status, 403);
  });

  it("Upgrader.Upgrade adds Sec-WebSocket-Version: 13 to the hook's answer for check 4", T, async () => {
    const { res } = await run({ error: () => ({ body: new Uint8Array([0x6e, 0x6f]) }) }, { "Sec-WebSocket-Version": "8" });
    assert.equal(text(res), "HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\n" +
      "Content-Length: 2\r\n\r\nno");
  });

  it("Upgrader.Upgrade sends an empty answer when the hook returns nothing", T, async () => {
    const { res, outcome } = await run({ error: () => {} }, { "Sec-WebSocket-Key": null });
    assert.equal(text(res), "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assert.equal((outcome.error as HandshakeError).reason, R.keyMissing);
  });

  const fallbacks: [string, UpgraderOptions["error"]][] = [
    ["throws", () => { throw new Error("hook bug"); }],
    ["returns a header with CRLF", () => ({ headers: { "X-A": "1\r\nX-Injected: 1" } })],
    ["returns a body of the wrong type", () => ({ body: 42 as unknown as string })],
    ["returns a promise", (() => Promise.resolve({ body: "late" })) as unknown as UpgraderOptions["error"]],
  ];
  for (const [name, hook] of fallbacks) {
    it(`Upgrader.Upgrade sends the default answer when the hook ${name}`, T, async () => {
      const { res, outcome } = await run({ error: hook }, { Upgrade: "h2c" });
      assert.equal(res.status, 400);
      assert.equal(res.body.toString(), R.upgrade);
      assert.ok(!text(res).includes("X-Injected"));
      assert.equal((outcome.error as HandshakeError).reason, R.upgrade);
    });
  }
});

describe("Upgrader checkOrigin (gorilla Upgrader.CheckOrigin, RFC 6455 §10.2)", () => {
  const rows: [string, UpgraderOptions["checkOrigin"], number][] = [
    ["returns true", () => true, 101],
    ["resolves true", async () => true, 101],
    ["resolves true later", () => new Promise((r) => setImmediate(() => r(true))), 101],
    ["returns false", () => false, 403],
    ["resolves false", async () => false, 403],
    ["throws", () => { throw new Error("x"); }, 403],
    ["rejects", () => Promise.reject(new Error("x")), 403],
    ["returns a truthy non-boolean", (() => "yes") as unknown as UpgraderOptions["checkOrigin"], 403],
  ];
  for (const [name, checkOrigin, status] of rows) {
    it(`Upgrader.Upgrade answers ${status} when checkOrigin ${name}`, T, async () => {
      const { res, outcome } = await run({ checkOrigin }, { Origin: "http://elsewhere.example" });
      assert.equal(res.status, status);
      if (status === 101) {
        assert.ok(outcome.value, String(outcome.error));
        outcome.value.close();
      } else {
        assert.equal((outcome.error as HandshakeError).reason, R.origin);
      }
    });
  }

  it("checkOrigin receives the request and runs only after checks 1–5", T, async () => {
    const urls: string[] = [];
    const checkOrigin = (req: IncomingMessage | unknown) => (urls.push((req as IncomingMessage).url ?? ""), true);
    const bad = await run({ checkOrigin }, { "Sec-WebSocket-Version": "7" });
    assert.equal(bad.res.status, 400);
    assert.deepEqual(urls, []);
    const good = await run({ checkOrigin });
    good.outcome.value?.close();
    assert.deepEqual(urls, ["/"]);
  });

  it("checkOrigin runs before the key check (check 6 before 7)", T, async () => {
    const { res } = await run({ checkOrigin: () => false }, { "Sec-WebSocket-Key": null });
    assert.equal(res.status, 403);
  });
});
