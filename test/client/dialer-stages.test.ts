/**
 * Dialer misuse (TypeError/RangeError), and `handshakeTimeout`/`signal` at every stage: proxy
 * choice, cookie jar, netDial, TCP, HTTP exchange. Sockets opened by a cancelled dial are destroyed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { Duplex } from "node:stream";
import { Dialer } from "../../src/client/dialer.js";
import { TimeoutError } from "../../src/errors.js";
import { assertNoLeaks, handles, rawServer, silentServer, wsServer } from "./util.js";

const T = { timeout: 10_000 };

describe("new Dialer(options) validation", () => {
  const bad: Array<[string, object, typeof TypeError | typeof RangeError]> = [
    ["handshakeTimeout: '1'", { handshakeTimeout: "1" }, TypeError],
    ["handshakeTimeout: -1", { handshakeTimeout: -1 }, RangeError],
    ["handshakeTimeout: NaN", { handshakeTimeout: NaN }, RangeError],
    ["handshakeTimeout: 2**31", { handshakeTimeout: 2 ** 31 }, RangeError],
    ["readBufferSize: 1.5", { readBufferSize: 1.5 }, RangeError],
    ["writeBufferSize: -1", { writeBufferSize: -1 }, RangeError],
    ["writeHighWaterMark: {}", { writeHighWaterMark: {} }, TypeError],
    ["readLimit: -1", { readLimit: -1 }, RangeError],
    ["netDial: 1", { netDial: 1 }, TypeError],
    ["netDialTLS: 'x'", { netDialTLS: "x" }, TypeError],
    ["proxy: 1", { proxy: 1 }, TypeError],
    ["proxy: 'ftp://x'", { proxy: "ftp://x:1" }, TypeError],
    ["tlsClientConfig: 'x'", { tlsClientConfig: "x" }, TypeError],
    ["subprotocols: 'chat'", { subprotocols: "chat" }, TypeError],
    ["subprotocols: ['a b']", { subprotocols: ["a b"] }, TypeError],
    ["subprotocols: ['a', 'a']", { subprotocols: ["a", "a"] }, TypeError],
    ["enableCompression: 1", { enableCompression: 1 }, TypeError],
    ["compression: { level: 10 }", { compression: { level: 10 } }, RangeError],
    ["jar: {}", { jar: {} }, TypeError],
    ["writeBufferPool: {}", { writeBufferPool: {} }, TypeError],
    ["keepAlive: { interval: 0, timeout: 1 }", { keepAlive: { interval: 0, timeout: 1 } }, RangeError],
    ["keepAlive: 5", { keepAlive: 5 }, TypeError],
    ["http2: 'yes'", { http2: "yes" }, TypeError],
  ];
  for (const [name, o, E] of bad) {
    it(`new Dialer throws ${E.name} for ${name}`, () => assert.throws(() => new Dialer(o as never), E));
  }
  it("new Dialer accepts every documented option", () => {
    new Dialer({ handshakeTimeout: 0, readBufferSize: 0, proxy: "127.0.0.1:3128", subprotocols: ["a", "b"],
      enableCompression: true, compression: { level: 9 }, http2: "prefer", keepAlive: { interval: 1, timeout: 1 } });
    new Dialer({ proxy: "socks5h://u:p@127.0.0.1:1080" });
    new Dialer({ proxy: () => null });
  });
  it("new Dialer copies its options: later mutation has no effect", T, async () => {
    const srv = await wsServer({ handleProtocols: (s) => [...s][0] ?? false });
    const subprotocols = ["one"];
    const opts = { proxy: null, subprotocols };
    const d = new Dialer(opts);
    subprotocols.push("two");
    opts.subprotocols = ["three"];
    const { conn } = await d.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(srv.requests[0]!.headers["sec-websocket-protocol"], "one");
    conn.close();
    await srv.close();
  });
});

describe("Dialer.dial misuse rejects before any I/O", () => {
  let calls = 0;
  const d = new Dialer({ proxy: null, netDial: () => { calls++; throw new Error("must not dial"); } });
  for (const url of ["http://127.0.0.1/", "ftp://x/", "not a url", "ws://", "ws://:80/", 42]) {
    it(`Dialer.dial(${JSON.stringify(url)}) rejects with the malformed URL TypeError`, async () => {
      const p = d.dial(url as string);
      assert.ok(p instanceof Promise);
      await assert.rejects(p, { name: "TypeError", message: "websocket: malformed ws or wss URL" });
    });
  }
  it("Dialer.dial rejects duplicate and invalid headers with TypeError", async () => {
    await assert.rejects(d.dial("ws://h/", { "Sec-WebSocket-Key": "x" }),
      { name: "TypeError", message: "websocket: duplicate header not allowed: Sec-WebSocket-Key" });
    await assert.rejects(d.dial("ws://h/", { "X-A": "a\r\nInjected: 1" }), TypeError);
    await assert.rejects(new Dialer({ subprotocols: ["a"] }).dial("ws://h/", { "Sec-WebSocket-Protocol": "b" }), TypeError);
  });
  it('Dialer.dial rejects http2: "require" with TypeError; a bad signal too', async () => {
    await assert.rejects(new Dialer({ http2: "require" }).dial("ws://h/"), TypeError);
    await assert.rejects(d.dial("ws://h/", undefined, { signal: {} as AbortSignal }), TypeError);
    assert.equal(calls, 0);
  });
});

function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => assert.fail("dial resolved"), (e: unknown) => e);
}

describe("Dialer.DialContext: handshakeTimeout and signal bound every stage", () => {
  it("an already aborted signal rejects with its reason and opens nothing", T, async () => {
    const srv = await rawServer(() => {});
    const reason = new Error("stop");
    const err = await rejection(new Dialer({ proxy: null }).dial(`ws://127.0.0.1:${srv.port}/`, undefined,
      { signal: AbortSignal.abort(reason) }));
    assert.equal(err, reason);
    await srv.close();
    assert.equal(srv.connections, 0);
  });

  it("a never-answering server hits handshakeTimeout: TimeoutError, socket destroyed", T, async () => {
    const base = handles();
    const srv = await rawServer(() => {});
    const err = await rejection(new Dialer({ proxy: null, handshakeTimeout: 100 }).dial(`ws://127.0.0.1:${srv.port}/`));
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.message, "websocket: handshake timeout");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("abort during the HTTP exchange rejects with signal.reason", T, async () => {
    const base = handles();
    const ac = new AbortController();
    const srv = await rawServer(() => ac.abort(new Error("user abort")));
    const err = await rejection(new Dialer({ proxy: null }).dial(`ws://127.0.0.1:${srv.port}/`, undefined, { signal: ac.signal }));
    assert.equal((err as Error).message, "user abort");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("abort while the proxy function is pending", T, async () => {
    const ac = new AbortController();
    const d = new Dialer({ proxy: () => { setImmediate(() => ac.abort("proxy stage")); return new Promise(() => {}); } });
    assert.equal(await rejection(d.dial("ws://127.0.0.1:9/", undefined, { signal: ac.signal })), "proxy stage");
  });

  it("timeout while the cookie jar is pending", T, async () => {
    const d = new Dialer({ proxy: null, handshakeTimeout: 50, jar: { getCookieString: () => new Promise(() => {}), setCookie: () => {} } });
    assert.ok(await rejection(d.dial("ws://127.0.0.1:9/")) instanceof TimeoutError);
  });

  it("netDial receives a signal that aborts on timeout; a stream it returns late is destroyed", T, async () => {
    const base = handles();
    const srv = await silentServer();
    let seen: AbortSignal | undefined;
    let late: net.Socket | undefined;
    const d = new Dialer({
      proxy: null, handshakeTimeout: 50,
      netDial: ({ signal }) => new Promise<Duplex>((resolve) => {
        seen = signal;
        signal.addEventListener("abort", () => {
          late = net.connect(srv.port, "127.0.0.1");
          late.once("connect", () => resolve(late!));
        });
      }),
    });
    assert.ok(await rejection(d.dial("ws://example.test/")) instanceof TimeoutError);
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof TimeoutError);
    if (!late!.destroyed) await new Promise((r) => late!.once("close", r));
    assert.equal(late!.destroyed, true);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("netDial is called with the URL host and default port, and its stream is used", T, async () => {
    const srv = await wsServer();
    const args: Array<{ host: string; port: number }> = [];
    const d = new Dialer({ proxy: null, netDial: ({ host, port }) => { args.push({ host, port }); return net.connect(srv.port, "127.0.0.1"); } });
    const { conn } = await d.dial("ws://example.test/", { Host: `127.0.0.1:${srv.port}` });
    assert.deepEqual(args, [{ host: "example.test", port: 80 }]);
    conn.close();
    const r6 = await d.dial("ws://[::1]:8080/");
    assert.deepEqual(args[1], { host: "::1", port: 8080 });
    assert.equal(srv.requests[1]!.headers.host, "[::1]:8080");
    r6.conn.close();
    await srv.close();
  });

  it("a netDial that throws or returns a non-stream rejects", T, async () => {
    await assert.rejects(new Dialer({ proxy: null, netDial: () => { throw new Error("boom"); } }).dial("ws://h/"), /boom/);
    await assert.rejects(new Dialer({ proxy: null, netDial: () => 5 as never }).dial("ws://h/"), TypeError);
  });
});
