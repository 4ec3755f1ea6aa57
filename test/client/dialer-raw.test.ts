/**
 * Dialer against hand-written TCP servers on 127.0.0.1 that answer wrongly: garbage, error pages,
 * redirects, closing mid-handshake, oversized heads, bytes after the 101 (the Conn's head).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { Dialer } from "../../src/client/dialer.js";
import { BadHandshakeError } from "../../src/errors.js";
import { TextMessage } from "../../src/constants.js";
import { acceptFor, assertNoLeaks, handles, MapJar, rawServer } from "./util.js";

const T = { timeout: 10_000 };
const direct = new Dialer({ proxy: null });

async function failure(url: string, d: Dialer = direct): Promise<BadHandshakeError> {
  const err = await d.dial(url).then(() => assert.fail("dial resolved"), (e: unknown) => e);
  assert.ok(err instanceof BadHandshakeError, String(err));
  assert.equal(err.proxy, false);
  return err;
}

describe("Dialer.DialContext: bad answers → BadHandshakeError", () => {
  it("Dialer.dial rejects garbage with status 0 and a cause", T, async () => {
    const base = handles();
    const srv = await rawServer((s) => s.end("hello there\r\n\r\n"));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.message, "websocket: bad handshake");
    assert.equal(err.response.status, 0);
    assert.ok(err.cause instanceof Error);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial keeps status, lower-cased headers and the first 1024 bytes of a 403 body", T, async () => {
    const base = handles();
    const body = "x".repeat(3000);
    const srv = await rawServer((s) =>
      s.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Reason: Nope\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 403);
    assert.equal(err.response.statusText, "Forbidden");
    assert.equal(err.response.headers["x-reason"], "Nope");
    assert.equal(err.response.headers["content-type"], "text/plain");
    assert.deepEqual(err.response.body, Buffer.from(body.slice(0, 1024)));
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial decodes a chunked error body and stops at its end", T, async () => {
    const base = handles();
    const srv = await rawServer((s) =>
      s.write("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 500);
    assert.equal(err.response.body.toString(), "hello world");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial reads an unframed body until the server closes", T, async () => {
    const base = handles();
    const srv = await rawServer((s) => {
      s.write("HTTP/1.0 400 Bad Request\r\n\r\npart one, ");
      setImmediate(() => s.end("part two"));
    });
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.body.toString(), "part one, part two");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial stops reading an error body after 1 s without data", T, async () => {
    const base = handles();
    const srv = await rawServer((s) => s.write("HTTP/1.1 503 Busy\r\nContent-Length: 100\r\n\r\nslow"));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 503);
    assert.equal(err.response.body.toString(), "slow");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial keeps a 3xx in response and does not follow it; Set-Cookie still reaches the jar", T, async () => {
    const base = handles();
    const srv = await rawServer((s) =>
      s.end("HTTP/1.1 302 Found\r\nLocation: ws://elsewhere/\r\nSet-Cookie: a=1\r\nContent-Length: 0\r\n\r\n"));
    const jar = new MapJar();
    const err = await failure(`ws://127.0.0.1:${srv.port}/x`, new Dialer({ proxy: null, jar }));
    assert.equal(err.response.status, 302);
    assert.equal(err.response.headers["location"], "ws://elsewhere/");
    assert.deepEqual(jar.sets, [["a=1", `http://127.0.0.1:${srv.port}/x`]]);
    assert.equal(srv.connections, 1);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails a 101 with a wrong Sec-WebSocket-Accept and an empty body", T, async () => {
    const base = handles();
    const srv = await rawServer((s) =>
      s.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 101);
    assert.equal(err.response.body.length, 0);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails an unsolicited extension", T, async () => {
    const base = handles();
    const srv = await rawServer(async (s, head) =>
      s.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptFor(head)}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n`));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 101);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails invalid permessage-deflate parameters with the gorilla text", T, async () => {
    const base = handles();
    const srv = await rawServer(async (s, head) =>
      s.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptFor(head)}\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99\r\n\r\n`));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`, new Dialer({ proxy: null, enableCompression: true }));
    assert.equal(err.message, "websocket: invalid compression negotiation");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails a response head over 16 KiB", T, async () => {
    const base = handles();
    const srv = await rawServer((s) => s.write("HTTP/1.1 101 Switching Protocols\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n"));
    const err = await failure(`ws://127.0.0.1:${srv.port}/`);
    assert.equal(err.response.status, 0);
    assert.match(String((err.cause as Error).message), /16384/);
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial reports a close mid-handshake as status 0 with a cause", T, async () => {
    const base = handles();
    for (const answer of ["", "HTTP/1.1 101 Switching Protocols\r\nUpgr"]) {
      const srv = await rawServer((s) => s.end(answer));
      const err = await failure(`ws://127.0.0.1:${srv.port}/`);
      assert.equal(err.response.status, 0);
      assert.ok(err.cause instanceof Error);
      await srv.close();
    }
    const reset = await rawServer((s) => s.resetAndDestroy());
    const err = await failure(`ws://127.0.0.1:${reset.port}/`);
    assert.equal(err.response.status, 0);
    assert.ok(err.cause instanceof Error);
    await reset.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial hands bytes sent right after the 101 to the Conn (head)", T, async () => {
    const base = handles();
    const srv = await rawServer(async (s, head) => {
      const frame = Buffer.from([0x81, 0x05, ...Buffer.from("early")]);
      s.write(Buffer.concat([Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptFor(head)}\r\n\r\n`), frame, frame]));
    });
    const { conn } = await direct.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.deepEqual(await conn.readMessage(), { messageType: TextMessage, data: Buffer.from("early") });
    assert.deepEqual(await conn.readMessage(), { messageType: TextMessage, data: Buffer.from("early") });
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial rejects with Node's ECONNREFUSED when nothing listens", T, async () => {
    const base = handles();
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await assert.rejects(direct.dial(`ws://127.0.0.1:${port}/`), { code: "ECONNREFUSED" });
    await assertNoLeaks(base);
  });

  it("Dialer.dial rejects with Node's DNS error for an unknown host", T, async () => {
    const err = await direct.dial("ws://silverback-test.invalid/").catch((e: unknown) => e);
    assert.match(String((err as NodeJS.ErrnoException).code), /^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
