/**
 * Too many headers (ws CVE-2024-37890: a request with more headers than server.maxHeadersCount
 * left a header undefined and crashed the server). silverback must answer an HTTP error and live.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { readHttpHead } from "../conformance/lib.js";
import { controlConn, startServer, within } from "./util.js";

const filler = (n: number): string => Array.from({ length: n }, (_, i) => `x${i}: ${i}\r\n`).join("");

async function send(port: number, head: string): Promise<string> {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  sock.write(head);
  const closed = new Promise<void>((r) => sock.once("close", () => r()));
  try {
    const { head: answer } = await within(readHttpHead(sock), 10_000, "an HTTP answer");
    sock.resume();
    await within(closed, 10_000, "the server to close the connection");
    return answer.split("\r\n")[0]!;
  } finally {
    sock.destroy();
  }
}

describe("security: too many headers (CVE-2024-37890 class)", () => {
  it("2,000 headers pushing Sec-WebSocket-Key/Version past maxHeadersCount get an HTTP 400; the server and other conns live", async () => {
    const srv = await startServer();
    const control = await controlConn(srv.port);
    try {
      const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${filler(2000)}` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
      assert.match(await send(srv.port, head), /^HTTP\/1\.1 400 /);
      await control.roundTrip("after 2000 headers");
    } finally {
      control.close();
      await srv.close();
    }
  });

  it("2,000 headers with only the key past the limit get an HTTP 400", async () => {
    const srv = await startServer();
    try {
      const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
        `${filler(2000)}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      assert.match(await send(srv.port, head), /^HTTP\/1\.1 400 /);
    } finally {
      await srv.close();
    }
  });

  it("a request head over 16 KiB gets 431 from node and the Upgrader never sees it", async () => {
    const srv = await startServer();
    const control = await controlConn(srv.port);
    try {
      const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${filler(2000).repeat(2)}\r\n`;
      assert.match(await send(srv.port, head), /^HTTP\/1\.1 431 /);
      await control.roundTrip("after 431");
    } finally {
      control.close();
      await srv.close();
    }
  });
});
