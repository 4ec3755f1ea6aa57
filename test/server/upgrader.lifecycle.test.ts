// Upgrader lifecycle over loopback HTTP: handshakeTimeout, the socket closing mid-handshake,
// misuse (TypeError, never a synchronous throw), second upgrades, and option validation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { once } from "node:events";
import type { Duplex } from "node:stream";
import { CloseError, TimeoutError } from "../../src/errors.js";
import { Upgrader, type UpgraderOptions } from "../../src/server/upgrader.js";
import { connect, handshake, listen, readAll, settle } from "./helpers.js";
import { upgradeServer } from "./upgrade-server.js";

const T = { timeout: 10_000 };
const never = (): Promise<boolean> => new Promise(() => {});

describe("Upgrader handshakeTimeout", () => {
  it("Upgrader.Upgrade rejects with TimeoutError when checkOrigin never settles", T, async () => {
    const s = await upgradeServer({ handshakeTimeout: 50, checkOrigin: never }, "event");
    try {
      const c = await connect(s.ts.port);
      const all = readAll(c);
      c.write(handshake(s.ts.host));
      const outcome = await s.calls.next();
      assert.ok(outcome.error instanceof TimeoutError);
      assert.equal(outcome.error.message, "websocket: handshake timeout");
      assert.equal((await all).length, 0, "nothing is written on a timeout");
      await s.ts.drained();
    } finally {
      await s.ts.close();
    }
  });

  it("Upgrader.Upgrade rejects with TimeoutError when a client never reads a huge 101", T, async () => {
    const big = "x".repeat(48 * 1024 * 1024);
    const s = await upgradeServer({ handshakeTimeout: 300 }, "event", { "X-Big": big });
    try {
      const c = await connect(s.ts.port);
      c.pause(); // never reads: the kernel buffers fill and the 101 cannot drain
      c.write(handshake(s.ts.host));
      const outcome = await s.calls.next();
      assert.ok(outcome.error instanceof TimeoutError, String(outcome.error));
      await s.ts.drained();
      c.destroy();
    } finally {
      await s.ts.close();
    }
  });

  it("Upgrader.Upgrade succeeds within handshakeTimeout and leaves no timer behind", T, async () => {
    const s = await upgradeServer({ handshakeTimeout: 60_000, checkOrigin: async () => true }, "event");
    try {
      const c = await connect(s.ts.port);
      c.write(handshake(s.ts.host));
      const outcome = await s.calls.next();
      assert.ok(outcome.value);
      // With a leaked 60 s timer this test file would not exit promptly; the conn is still open.
      outcome.value.close();
      c.destroy();
    } finally {
      await s.ts.close();
    }
  });
});

describe("Upgrader: the socket closes during the handshake", () => {
  for (const how of ["end", "reset"] as const) {
    it(`Upgrader.Upgrade rejects with CloseError 1006 when the client ${how}s during checkOrigin`, T, async () => {
      let asked!: () => void;
      const checking = new Promise<void>((r) => (asked = r));
      const s = await upgradeServer({ checkOrigin: () => (asked(), never()) }, "event");
      try {
        const c = await connect(s.ts.port);
        c.on("error", () => {});
        c.write(handshake(s.ts.host));
        await checking;
        if (how === "end") c.end();
        else c.resetAndDestroy();
        const outcome = await s.calls.next();
        assert.ok(outcome.error instanceof CloseError, String(outcome.error));
        assert.equal(outcome.error.code, 1006);
        if (how === "reset") assert.ok(outcome.error.cause instanceof Error);
        await s.ts.drained();
        c.destroy();
      } finally {
        await s.ts.close();
      }
    });
  }

  it("Upgrader.Upgrade rejects with CloseError 1006 on a socket already destroyed", T, async () => {
    const s = await upgradeServer({}, "event");
    s.ts.server.removeAllListeners("upgrade");
    s.ts.server.on("upgrade", (req, socket: Duplex, head) => {
      socket.destroy();
      s.calls.push(s.upgrader.upgrade(req, socket, head));
    });
    try {
      const c = await connect(s.ts.port);
      c.write(handshake(s.ts.host));
      const outcome = await s.calls.next();
      assert.ok(outcome.error instanceof CloseError);
      assert.equal(outcome.error.code, 1006);
      c.destroy();
    } finally {
      await s.ts.close();
    }
  });
});

describe("Upgrader misuse", () => {
  it("Upgrader.Upgrade rejects a second upgrade on the same socket with TypeError", T, async () => {
    const upgrader = new Upgrader();
    const server = http.createServer();
    const results: Promise<unknown>[] = [];
    server.on("upgrade", (req, socket, head) => {
      results.push(settle(upgrader.upgrade(req, socket, head)), settle(upgrader.upgrade(req, socket, head)));
    });
    const ts = await listen(server);
    try {
      const c = await connect(ts.port);
      c.write(handshake(ts.host));
      await once(server, "upgrade");
      const [first, second] = (await Promise.all(results)) as { value?: { close(): void }; error?: unknown }[];
      assert.ok(first!.value);
      assert.ok(second!.error instanceof TypeError);
      first!.value.close();
      c.destroy();
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade reports bad arguments by rejecting with TypeError, writing nothing", T, async () => {
    const upgrader = new Upgrader();
    const server = http.createServer();
    let checks: Promise<void> | undefined;
    server.on("upgrade", (req, socket: Duplex, head: Buffer) => {
      const u = upgrader as unknown as { upgrade(...a: unknown[]): Promise<unknown> };
      const calls = [u.upgrade(null, socket, head), u.upgrade({}, socket, head), u.upgrade(req, {}, head),
        u.upgrade(req, socket, "head"), u.upgrade(req, socket, head, "headers"), u.upgrade(req, socket, head, { "X-A": {} })];
      checks = (async () => {
        for (const p of calls) await assert.rejects(p, TypeError);
        assert.equal(socket.destroyed, false);
        socket.destroy();
      })();
    });
    const ts = await listen(server);
    try {
      const c = await connect(ts.port);
      const all = readAll(c);
      c.write(handshake(ts.host));
      await once(server, "upgrade");
      await checks;
      assert.equal((await all).length, 0);
    } finally {
      await ts.close();
    }
  });
});

describe("new Upgrader option validation", () => {
  const rows: [string, unknown, typeof TypeError | typeof RangeError][] = [
    ["options not an object", "x", TypeError],
    ["handshakeTimeout negative", { handshakeTimeout: -1 }, RangeError],
    ["handshakeTimeout NaN", { handshakeTimeout: NaN }, RangeError],
    ["handshakeTimeout over 2^31-1", { handshakeTimeout: 2 ** 31 }, RangeError],
    ["handshakeTimeout a string", { handshakeTimeout: "1" }, TypeError],
    ["readBufferSize fractional", { readBufferSize: 1.5 }, RangeError],
    ["writeBufferSize negative", { writeBufferSize: -1 }, RangeError],
    ["writeHighWaterMark a string", { writeHighWaterMark: "1" }, TypeError],
    ["readLimit negative", { readLimit: -1 }, RangeError],
    ["writeBufferPool without put", { writeBufferPool: { get() {} } }, TypeError],
    ["subprotocols a string", { subprotocols: "chat" }, TypeError],
    ["subprotocols with a number", { subprotocols: [1] }, TypeError],
    ["subprotocols with a list in one string", { subprotocols: ["chat, superchat"] }, TypeError],
    ["error not a function", { error: "x" }, TypeError],
    ["checkOrigin not a function", { checkOrigin: true }, TypeError],
    ["enableCompression a string", { enableCompression: "yes" }, TypeError],
    ["compression not an object", { compression: 1 }, TypeError],
    ["compression level 99", { compression: { level: 99 } }, RangeError],
    ["keepAlive a number", { keepAlive: 5 }, TypeError],
    ["keepAlive interval 0", { keepAlive: { interval: 0, timeout: 1 } }, RangeError],
  ];
  for (const [name, options, ctor] of rows) {
    it(`new Upgrader throws ${ctor.name} for ${name}`, () => {
      assert.throws(() => new Upgrader(options as UpgraderOptions), ctor);
    });
  }
  it("new Upgrader accepts defaults and zero sizes", () => {
    new Upgrader();
    new Upgrader({});
    new Upgrader({ readBufferSize: 0, writeBufferSize: 0, readLimit: 0, handshakeTimeout: 0, subprotocols: [] });
    new Upgrader({ enableCompression: true, compression: { level: 9, concurrency: 2 } });
  });
  it("new Upgrader copies its options", T, async () => {
    const subprotocols = ["a"];
    const options: UpgraderOptions = { subprotocols };
    const s = await upgradeServer(options, "event");
    subprotocols[0] = "b";
    options.checkOrigin = () => false;
    try {
      const c = await connect(s.ts.port);
      c.write(handshake(s.ts.host, { "Sec-WebSocket-Protocol": "a, b" }));
      const outcome = await s.calls.next();
      assert.equal(outcome.value?.subprotocol(), "a");
      outcome.value?.close();
      c.destroy();
    } finally {
      await s.ts.close();
    }
  });
});
