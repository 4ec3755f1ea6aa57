/**
 * silverback Dialer ↔ silverback Upgrader over loopback TCP, with and without permessage-deflate:
 * the two halves of the library against each other (the peer matrix covers each against others).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import {
  Upgrader,
  Dialer,
  PreparedMessage,
  TextMessage,
  BinaryMessage,
  CloseError,
  type Conn,
  type CompressionOptions,
} from "../../src/index.js";

const modes: Array<[string, CompressionOptions | null]> = [
  ["plain", null],
  ["deflate with context takeover", {}],
  ["deflate without context takeover", { serverNoContextTakeover: true, clientNoContextTakeover: true }],
  ["deflate with 9-bit windows", { serverMaxWindowBits: 9, clientMaxWindowBits: 9, windowBits: 9 }],
];

for (const [name, compression] of modes) {
  describe(`silverback Dialer ↔ silverback Upgrader, ${name}`, () => {
    let server: http.Server;
    let url: string;
    const serverConns: Conn[] = [];
    const upgrader = new Upgrader({
      enableCompression: compression !== null,
      ...(compression !== null ? { compression } : {}),
      subprotocols: ["b", "a"],
    });
    const dialer = new Dialer({
      enableCompression: compression !== null,
      ...(compression !== null ? { compression } : {}),
      subprotocols: ["a", "b"],
      proxy: null,
    });

    before(async () => {
      server = http.createServer();
      server.on("upgrade", async (req, socket, head) => {
        let conn: Conn;
        try {
          conn = await upgrader.upgrade(req, socket, head);
        } catch {
          return;
        }
        serverConns.push(conn);
        try {
          for await (const m of conn) await conn.writeMessage(m.messageType, m.data);
        } catch {
          // the client went away
        }
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(async () => {
      for (const c of serverConns) c.close();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it("negotiates the server's preferred subprotocol and compression as configured", async () => {
      const { conn, response } = await dialer.dial(url);
      assert.equal(response.status, 101);
      assert.equal(conn.subprotocol(), "b");
      assert.equal(typeof response.headers["sec-websocket-extensions"] === "string", compression !== null);
      const r = await conn.shutdown();
      assert.equal(r?.code, 1000);
    });

    it("echoes text, binary, empty, boundary sizes and a 16 MiB message", async () => {
      const { conn } = await dialer.dial(url);
      const sizes = [0, 1, 125, 126, 65535, 65536, 16 * 1024 * 1024];
      for (const n of sizes) {
        const p = Buffer.alloc(n);
        for (let i = 0; i < n; i++) p[i] = (i * 31) & 0x7f;
        await conn.writeMessage(n % 2 === 0 ? TextMessage : BinaryMessage, p);
        const m = await conn.readMessage();
        assert.equal(m.messageType, n % 2 === 0 ? TextMessage : BinaryMessage);
        assert.ok(m.data.equals(p), `size ${n}`);
      }
      const r = await conn.shutdown(4000, "done");
      assert.ok(r instanceof CloseError);
      assert.equal(r.code, 4000);
    });

    it("echoes fragmented messages written with nextWriter and many pipelined messages in order", async () => {
      const { conn } = await dialer.dial(url);
      const w = await conn.nextWriter(TextMessage);
      const parts = Array.from({ length: 50 }, (_, i) => `part ${i} `.repeat(100));
      for (const p of parts) w.write(p);
      await w.close();
      assert.equal((await conn.readMessage()).data.toString(), parts.join(""));
      const writes = Array.from({ length: 500 }, (_, i) => conn.writeMessage(TextMessage, `m${i}`));
      for (let i = 0; i < 500; i++) assert.equal((await conn.readMessage()).data.toString(), `m${i}`);
      await Promise.all(writes);
      await conn.shutdown();
    });

    it("delivers one PreparedMessage to several conns", async () => {
      const conns = await Promise.all([1, 2, 3].map(() => dialer.dial(url).then((r) => r.conn)));
      const doc = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: "item" })) });
      const pm = new PreparedMessage(TextMessage, doc);
      for (const c of conns) await c.writePreparedMessage(pm);
      // Interleave a normal message after the prepared one: context handling must stay in sync.
      for (const c of conns) await c.writeMessage(TextMessage, doc);
      for (const c of conns) {
        assert.equal((await c.readMessage()).data.toString(), doc);
        assert.equal((await c.readMessage()).data.toString(), doc);
        await c.shutdown();
      }
    });

    if (compression !== null && !compression.clientNoContextTakeover && compression.windowBits === undefined) {
      it("uses context takeover: a repeated 8 KiB message costs a fraction of the first", async () => {
        const { conn } = await dialer.dial(url);
        const sock = conn.netConn() as Socket;
        const doc = randomBytes(6144).toString("base64"); // 8 KiB of text that compresses poorly alone
        const cost = async (): Promise<number> => {
          const before = sock.bytesWritten;
          await conn.writeMessage(TextMessage, doc);
          await conn.readMessage();
          return sock.bytesWritten - before;
        };
        const first = await cost();
        const repeated = await cost();
        // Level 1 emits one back-reference per 258 bytes at most: ~32 matches for 8 KiB.
        assert.ok(repeated * 10 < first, `first ${first} bytes, repeated ${repeated} bytes`);
        await conn.shutdown();
      });
    }
  });
}
