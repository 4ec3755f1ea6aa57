/**
 * Dialer against a real `ws` WebSocketServer on 127.0.0.1: the request head on the wire,
 * subprotocols, cookies, userinfo, Host, compression and message exchange. No socket leaks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Dialer, dial } from "../../src/client/dialer.js";
import { BadHandshakeError, ReadLimitError } from "../../src/errors.js";
import { BinaryMessage, TextMessage } from "../../src/constants.js";
import { assertNoLeaks, handles, MapJar, wsServer } from "./util.js";

const T = { timeout: 10_000 };
const direct = new Dialer({ proxy: null });

describe("Dialer.DialContext against ws (RFC 6455 §4.1)", () => {
  it("Dialer.dial sends the documented header set in order and resolves with the 101", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const { conn, response } = await direct.dial(`ws://127.0.0.1:${srv.port}/path?q=1#frag`, { Origin: "http://o", "X-Extra": "1" });
    const req = srv.requests[0]!;
    assert.equal(req.url, "/path?q=1");
    const names = req.rawHeaders.filter((_, i) => i % 2 === 0);
    assert.deepEqual(names, ["Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin", "X-Extra"]);
    assert.equal(req.headers.host, `127.0.0.1:${srv.port}`);
    assert.equal(response.status, 101);
    assert.equal(response.statusText, "Switching Protocols");
    assert.equal(response.headers["upgrade"], "websocket");
    assert.equal(typeof response.headers["sec-websocket-accept"], "string");
    assert.equal(response.body.length, 0);
    assert.equal(conn.subprotocol(), "");
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial exchanges text and binary messages with the server", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const { conn } = await direct.dial(new URL(`ws://127.0.0.1:${srv.port}/`));
    await conn.writeMessage(TextMessage, "hello");
    assert.deepEqual(await conn.readMessage(), { messageType: TextMessage, data: Buffer.from("hello") });
    await conn.writeMessage(BinaryMessage, new Uint8Array([1, 2, 3]));
    assert.deepEqual(await conn.readMessage(), { messageType: BinaryMessage, data: Buffer.from([1, 2, 3]) });
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial offers subprotocols in order and reports the server's choice", T, async () => {
    const base = handles();
    const srv = await wsServer({ handleProtocols: (set) => (set.has("v2") ? "v2" : false) });
    const d = new Dialer({ proxy: null, subprotocols: ["v1", "v2"] });
    const { conn, response } = await d.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(srv.requests[0]!.headers["sec-websocket-protocol"], "v1, v2");
    assert.equal(conn.subprotocol(), "v2");
    assert.equal(response.headers["sec-websocket-protocol"], "v2");
    conn.close();
    // Without the option, the caller's own header is the offer.
    const r2 = await direct.dial(`ws://127.0.0.1:${srv.port}/`, { "Sec-WebSocket-Protocol": "v2" });
    assert.equal(r2.conn.subprotocol(), "v2");
    r2.conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails when the server picks a subprotocol that was not offered", T, async () => {
    const base = handles();
    const srv = await wsServer();
    srv.wss.on("headers", (h) => h.push("Sec-WebSocket-Protocol: surprise"));
    const err = await direct.dial(`ws://127.0.0.1:${srv.port}/`).catch((e: unknown) => e);
    assert.ok(err instanceof BadHandshakeError);
    assert.equal(err.message, "websocket: bad handshake");
    assert.equal(err.response.status, 101);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial asks the jar with an http: URL, merges Cookie headers and stores Set-Cookie", T, async () => {
    const base = handles();
    const srv = await wsServer();
    srv.wss.on("headers", (h) => h.push("Set-Cookie: sid=abc; Path=/", "Set-Cookie: theme=dark"));
    const jar = new MapJar();
    jar.cookies.set("pre", "1");
    const d = new Dialer({ proxy: null, jar });
    const { conn } = await d.dial(`ws://127.0.0.1:${srv.port}/chat?x=1`, { Cookie: "user=2" });
    const url = `http://127.0.0.1:${srv.port}/chat?x=1`;
    assert.deepEqual(jar.gets, [url]);
    assert.equal(srv.requests[0]!.headers.cookie, "pre=1; user=2");
    assert.deepEqual(jar.sets, [["sid=abc; Path=/", url], ["theme=dark", url]]);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial turns URL userinfo into Authorization: Basic and honours a Host override", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const { conn } = await direct.dial(`ws://us%20er:p%40ss@127.0.0.1:${srv.port}/`, { Host: "example.com" });
    const h = srv.requests[0]!.headers;
    assert.equal(h.authorization, "Basic " + Buffer.from("us er:p@ss").toString("base64"));
    assert.equal(h.host, "example.com");
    conn.close();
    const r2 = await direct.dial(`ws://u:p@127.0.0.1:${srv.port}/`, new Headers({ Authorization: "Bearer x" }));
    assert.equal(srv.requests[1]!.headers.authorization, "Bearer x");
    r2.conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial negotiates permessage-deflate with ws and exchanges compressed messages (RFC 7692)", T, async () => {
    const base = handles();
    const srv = await wsServer({ perMessageDeflate: { threshold: 0 } });
    const d = new Dialer({ proxy: null, enableCompression: true, compression: { threshold: 0 } });
    const { conn, response } = await d.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.match(String(srv.requests[0]!.headers["sec-websocket-extensions"]), /^permessage-deflate/);
    assert.match(String(response.headers["sec-websocket-extensions"]), /^permessage-deflate/);
    const big = "abc".repeat(10_000);
    await conn.writeMessage(TextMessage, big);
    assert.equal((await conn.readMessage()).data.toString(), big);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial without enableCompression offers no extension", T, async () => {
    const base = handles();
    const srv = await wsServer({ perMessageDeflate: true });
    const { conn, response } = await direct.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(srv.requests[0]!.headers["sec-websocket-extensions"], undefined);
    assert.equal(response.headers["sec-websocket-extensions"], undefined);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer passes readLimit to the Conn", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const { conn } = await new Dialer({ proxy: null, readLimit: 10 }).dial(`ws://127.0.0.1:${srv.port}/`);
    await conn.writeMessage(TextMessage, "x".repeat(11));
    await assert.rejects(conn.readMessage(), ReadLimitError);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer may be used concurrently", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      direct.dial(`ws://127.0.0.1:${srv.port}/${i}`).then(async ({ conn }) => {
        await conn.writeMessage(TextMessage, String(i));
        const m = await conn.readMessage();
        conn.close();
        return m.data.toString();
      })));
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => String(i)));
    await srv.close();
    await assertNoLeaks(base);
  });

  it("dial uses DefaultDialer: loopback is never proxied even with HTTP_PROXY set", T, async () => {
    const base = handles();
    const srv = await wsServer();
    const saved = process.env["HTTP_PROXY"];
    process.env["HTTP_PROXY"] = "http://127.0.0.1:1";
    try {
      const { conn } = await dial(`ws://127.0.0.1:${srv.port}/`);
      conn.close();
    } finally {
      if (saved === undefined) delete process.env["HTTP_PROXY"];
      else process.env["HTTP_PROXY"] = saved;
    }
    await srv.close();
    await assertNoLeaks(base);
  });
});
