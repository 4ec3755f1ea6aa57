/**
 * Slow-loris handshakes: a client that dribbles its request head and never finishes, a client
 * that completes the request but stalls the handshake, a server that never finishes its answer.
 * Server side: node's headersTimeout bounds the head, the Upgrader's handshakeTimeout bounds the
 * rest (API §2); client side: the Dialer's handshakeTimeout (§3). Other conns keep working.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { loadLib } from "../conformance/lib.js";
import { controlConn, startServer, within } from "./util.js";

function rawClient(port: number): { sock: net.Socket; closed: Promise<void> } {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  sock.resume();
  return { sock, closed: new Promise<void>((r) => sock.once("close", () => r())) };
}

describe("security: slow-loris handshakes", () => {
  it("a request head dribbled and never finished is dropped by node's headersTimeout; other conns keep echoing", async () => {
    const srv = await startServer({ server: { headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 } });
    const control = await controlConn(srv.port);
    try {
      const clients = Array.from({ length: 20 }, () => rawClient(srv.port));
      for (const c of clients) c.sock.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConn");
      await control.roundTrip("while 20 heads hang");
      await within(Promise.all(clients.map((c) => c.closed)), 15_000, "the server to drop the unfinished heads");
      await control.roundTrip("after");
    } finally {
      control.close();
      await srv.close();
    }
  });

  it("the Upgrader's handshakeTimeout drops a handshake stalled in an async checkOrigin, rejecting with TimeoutError", async (t) => {
    const lib = await loadLib();
    if (lib === null) return t.skip("Upgrader not available yet");
    const upgrader = new lib.Upgrader({ handshakeTimeout: 200, checkOrigin: () => new Promise<boolean>(() => {}) });
    const server = http.createServer();
    const outcome = new Promise<unknown>((resolve) => {
      server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        socket.on("error", () => {});
        upgrader.upgrade(req, socket, head).then(resolve, resolve);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = rawClient((server.address() as net.AddressInfo).port);
      c.sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://elsewhere\r\n\r\n`);
      const err = await within(outcome, 10_000, "the upgrade to settle");
      assert.ok(err instanceof Error && err.name === "TimeoutError", `expected TimeoutError, got ${String(err)}`);
      await within(c.closed, 10_000, "the socket to be destroyed");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("the Dialer's handshakeTimeout bounds a server that dribbles part of its answer and stalls", async (t) => {
    const lib = await loadLib();
    if (lib === null) return t.skip("Dialer not available yet");
    const sockets: net.Socket[] = [];
    const server = net.createServer((sock) => {
      sockets.push(sock);
      sock.on("error", () => {});
      sock.resume();
      sock.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: web");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const d = new lib.Dialer({ proxy: null, handshakeTimeout: 300 });
      const err = await within(d.dial(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`).then(() => null, (e: unknown) => e), 10_000, "the dial to fail");
      assert.ok(err instanceof Error && err.name === "TimeoutError", `expected TimeoutError, got ${String(err)}`);
      assert.equal(err.message, "websocket: handshake timeout");
      await within(new Promise<void>((r) => (sockets[0]!.destroyed ? r() : sockets[0]!.once("close", () => r()))), 10_000, "the Dialer to drop the socket");
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
