/**
 * One Conn suite, run over an in-memory duplex pair and over real loopback TCP (DESIGN.md
 * Conventions). Each test builds a connected server/client pair of Conns with newConn.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { newConn, type Conn, type NewConnOptions } from "../../src/conn/conn.js";
import { TextMessage, BinaryMessage, PingMessage, PongMessage, CloseMessage } from "../../src/constants.js";
import { CloseError, CloseSentError, TimeoutError } from "../../src/errors.js";
import { PreparedMessage } from "../../src/conn/prepared-message.js";
import { joinMessages } from "../../src/conn/join.js";

/** Makes a connected pair of streams: [client side, server side]. */
export type PairFactory = () => Promise<[Duplex, Duplex]>;

/** Builds a server conn and a client conn over a fresh pair. */
export async function conns(make: PairFactory, srv: Partial<NewConnOptions> = {}, cli: Partial<NewConnOptions> = {}): Promise<{ s: Conn; c: Conn; sock: [Duplex, Duplex] }> {
  const [a, b] = await make();
  const c = newConn(a, { server: false, ...cli });
  const s = newConn(b, { server: true, ...srv });
  return { s, c, sock: [a, b] };
}

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

export function connSuite(name: string, make: PairFactory): void {
  describe(`Conn over ${name}`, () => {
    it("Conn round-trips text, binary and empty messages both ways", async () => {
      const { s, c } = await conns(make);
      await c.writeMessage(TextMessage, "héllo");
      await c.writeMessage(BinaryMessage, new Uint8Array([1, 2, 3]));
      await c.writeMessage(BinaryMessage);
      assert.deepEqual(await s.readMessage(), { messageType: TextMessage, data: Buffer.from("héllo") });
      assert.deepEqual(await s.readMessage(), { messageType: BinaryMessage, data: Buffer.from([1, 2, 3]) });
      assert.deepEqual(await s.readMessage(), { messageType: BinaryMessage, data: Buffer.alloc(0) });
      await s.writeMessage(TextMessage, "back");
      assert.equal((await c.readMessage()).data.toString(), "back");
      s.close();
      c.close();
    });

    it("Conn delivers concurrent writes in call order without interleaving a MessageWriter", async () => {
      const { s, c } = await conns(make, {}, { writeBufferSize: 1024 });
      const w = await c.nextWriter(BinaryMessage);
      const later = c.writeMessage(TextMessage, "after");
      const big = Buffer.alloc(10_000, 7);
      w.write(big.subarray(0, 3000));
      w.write(big.subarray(3000));
      await w.close();
      await later;
      const first = await s.readMessage();
      assert.equal(first.messageType, BinaryMessage);
      assert.deepEqual(first.data, big);
      assert.equal((await s.readMessage()).data.toString(), "after");
      s.close();
      c.close();
    });

    it("Conn streams a large message through nextWriter and nextReader", async () => {
      const { s, c } = await conns(make, { readBufferSize: 16384 });
      const payload = Buffer.alloc(3 * 1024 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
      const sent = (async () => {
        const w = await c.nextWriter(BinaryMessage);
        await pipeline(Readable.from([payload.subarray(0, 1_000_000), payload.subarray(1_000_000)]), w);
      })();
      const { messageType, reader } = await s.nextReader();
      assert.equal(messageType, BinaryMessage);
      assert.deepEqual(await collect(reader), payload);
      await sent;
      s.close();
      c.close();
    });

    it("Conn answers a ping with a pong by default and runs custom pong handlers", async () => {
      const { s, c } = await conns(make);
      const got = new Promise<Buffer>((resolve) => c.setPongHandler((d) => resolve(d)));
      await c.writeControl(PingMessage, "abc", Date.now() + 10_000);
      assert.equal((await got).toString(), "abc");
      const pinged = new Promise<string>((resolve) => s.setPingHandler((d) => resolve(d.toString())));
      await c.writeMessage(PingMessage, "x");
      assert.equal(await pinged, "x");
      s.close();
      c.close();
    });

    it("Conn.shutdown completes the close handshake and the peer read sees the code", async () => {
      const { s, c } = await conns(make);
      const peerRead = s.readMessage().catch((e: unknown) => e);
      const result = await c.shutdown(4000, "bye", 10_000);
      const err = await peerRead;
      assert.ok(err instanceof CloseError);
      assert.equal(err.code, 4000);
      assert.equal(err.text, "bye");
      assert.ok(result instanceof CloseError);
      assert.equal(result.code, 4000);
      await assert.rejects(c.writeMessage(TextMessage, "late"), CloseSentError);
      await assert.rejects(s.writeMessage(TextMessage, "late"), CloseSentError);
    });

    it("Conn async iteration ends on a normal close", async () => {
      const { s, c } = await conns(make);
      await c.writeMessage(TextMessage, "1");
      await c.writeMessage(TextMessage, "2");
      const done = c.shutdown(1000, "", 10_000);
      const seen: string[] = [];
      for await (const m of s) seen.push(m.data.toString());
      assert.deepEqual(seen, ["1", "2"]);
      assert.equal((await done)?.code, 1000);
    });

    it("Conn.readJSON and writeJSON round-trip; invalid JSON leaves the conn usable", async () => {
      const { s, c } = await conns(make);
      await c.writeJSON({ a: [1, "x"] });
      await c.writeMessage(TextMessage, "{not json");
      await c.writeMessage(TextMessage, "[]");
      assert.deepEqual(await s.readJSON(), { a: [1, "x"] });
      await assert.rejects(s.readJSON(), SyntaxError);
      assert.deepEqual(await s.readJSON(), []);
      await assert.rejects(c.writeJSON(undefined), TypeError);
      await assert.rejects(c.writeJSON(10n), TypeError);
      s.close();
      c.close();
    });

    it("Conn read over the read limit fails with ReadLimitError and sends 1009", async () => {
      const { s, c } = await conns(make, { readLimit: 100 });
      const peer = c.readMessage().catch((e: unknown) => e);
      await c.writeMessage(BinaryMessage, Buffer.alloc(101));
      const err = await s.readMessage().catch((e: unknown) => e);
      assert.equal((err as Error).name, "ReadLimitError");
      const perr = await peer;
      assert.ok(perr instanceof CloseError);
      assert.equal(perr.code, 1009);
      // Permanent: the next read fails with the same error.
      assert.equal(await s.readMessage().catch((e: unknown) => e), err);
    });

    it("Conn read deadline fails the pending and every later read with TimeoutError", async () => {
      const { s, c } = await conns(make);
      s.setReadDeadline(Date.now() + 20);
      const err = await s.readMessage().catch((e: unknown) => e);
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.message, "websocket: read timeout");
      await c.writeMessage(TextMessage, "too late");
      assert.equal(await s.readMessage().catch((e: unknown) => e), err);
      s.close();
      c.close();
    });

    it("Conn read that starts after the read deadline passed fails, queued message or not (API §4.5)", async () => {
      const { s, c } = await conns(make);
      await c.writeMessage(TextMessage, "queued");
      s.setReadDeadline(Date.now() - 1000);
      // Let the (already due) deadline timer run while no read is pending: timers fire in order.
      await new Promise((r) => setTimeout(r, 0));
      const err = await s.readMessage().catch((e: unknown) => e);
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.message, "websocket: read timeout");
      await assert.rejects(s.nextReader(), TimeoutError);
      const idle = await conns(make);
      idle.s.setReadDeadline(new Date(Date.now() - 1000));
      await new Promise((r) => setTimeout(r, 0));
      await assert.rejects(idle.s.readMessage(), TimeoutError);
      for (const x of [s, c, idle.s, idle.c]) x.close();
    });

    it("Conn read with an aborted signal rejects with its reason and keeps the message for later", async () => {
      const { s, c } = await conns(make);
      const ac = new AbortController();
      const p = s.readMessage({ signal: ac.signal });
      ac.abort(new Error("stop"));
      await assert.rejects(p, /stop/);
      await c.writeMessage(TextMessage, "kept");
      assert.equal((await s.readMessage()).data.toString(), "kept");
      s.close();
      c.close();
    });

    it("Conn.close rejects pending reads with CloseError 1006 closed locally; the peer sees EOF", async () => {
      const { s, c } = await conns(make);
      const pending = s.readMessage().catch((e: unknown) => e);
      const peer = c.readMessage().catch((e: unknown) => e);
      s.close();
      const e1 = await pending;
      assert.ok(e1 instanceof CloseError);
      assert.equal(e1.code, 1006);
      assert.equal(e1.text, "closed locally");
      const e2 = await peer;
      assert.ok(e2 instanceof CloseError);
      assert.equal(e2.code, 1006);
      await assert.rejects(s.writeMessage(TextMessage, "x"), CloseError);
    });

    it("Conn rejects misuse: bad types, oversized control frames, bad close payloads", async () => {
      const { s, c } = await conns(make);
      await assert.rejects(c.writeMessage(3 as never, "x"), TypeError);
      await assert.rejects(c.writeControl(PingMessage, Buffer.alloc(126)), RangeError);
      await assert.rejects(c.writeControl(CloseMessage, Buffer.from([3])), RangeError);
      await assert.rejects(c.writeControl(CloseMessage, Buffer.from([0x03, 0xed])), RangeError); // 1005
      await assert.rejects(c.nextWriter(7 as never), TypeError);
      // ws sends String(123) for a number; a number is not Data here (security.md: numbers → TypeError).
      for (const bad of [123, {}, null, true]) {
        await assert.rejects(c.writeMessage(BinaryMessage, bad as never), TypeError);
        await assert.rejects(c.writeControl(PingMessage, bad as never), TypeError);
      }
      assert.throws(() => c.setReadLimit(-1), RangeError);
      assert.throws(() => c.setCompressionLevel(10), RangeError);
      assert.throws(() => c.setReadDeadline(Number.NaN), RangeError);
      assert.throws(() => c.setWriteDeadline("soon" as never), TypeError);
      await assert.rejects(c.writeControl(PingMessage, "", {} as never), TypeError);
      await assert.rejects(c.shutdown(1005), RangeError);
      // The conn still works after misuse.
      await c.writeMessage(PongMessage, "ok");
      await c.writeMessage(TextMessage, "fine");
      assert.equal((await s.readMessage()).data.toString(), "fine");
      s.close();
      c.close();
    });

    it("PreparedMessage is written to several conns", async () => {
      const a = await conns(make);
      const b = await conns(make);
      const pm = new PreparedMessage(TextMessage, "shared");
      await Promise.all([a.s.writePreparedMessage(pm), b.s.writePreparedMessage(pm), a.c.writePreparedMessage(pm)]);
      assert.equal((await a.c.readMessage()).data.toString(), "shared");
      assert.equal((await b.c.readMessage()).data.toString(), "shared");
      assert.equal((await a.s.readMessage()).data.toString(), "shared");
      for (const x of [a, b]) {
        x.s.close();
        x.c.close();
      }
    });

    it("joinMessages joins messages with a terminator and ends on a normal close", async () => {
      const { s, c } = await conns(make);
      await c.writeMessage(TextMessage, "a");
      await c.writeMessage(TextMessage, "b");
      const done = c.shutdown();
      assert.equal((await collect(joinMessages(s, "\n"))).toString(), "a\nb\n");
      await done;
    });

    it("Conn pauses a peer that is not read and delivers everything once reads resume", async () => {
      const { s, c } = await conns(make, { readBufferSize: 4096 }, { writeHighWaterMark: 4096 });
      const chunk = Buffer.alloc(1024, 1);
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 400; i++) writes.push(c.writeMessage(BinaryMessage, chunk));
      let total = 0;
      for (let i = 0; i < 400; i++) total += (await s.readMessage()).data.length;
      await Promise.all(writes);
      assert.equal(total, 400 * 1024);
      s.close();
      c.close();
    });

    it("Conn keepalive fails a peer that stops answering with TimeoutError", async () => {
      const { s, c } = await conns(make, { keepAlive: { interval: 10, timeout: 10 } });
      // The client never answers pings: its handler swallows them.
      c.setPingHandler(() => {});
      const err = await s.readMessage().catch((e: unknown) => e);
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.message, "websocket: keepalive ping timeout");
      // Later writes of every kind get the same TimeoutError, not CloseSentError (API §4.8).
      assert.equal(await s.writeMessage(TextMessage, "x").catch((e: unknown) => e), err);
      assert.equal(await s.writeControl(PingMessage, "").catch((e: unknown) => e), err);
      assert.equal(await s.nextWriter(TextMessage).catch((e: unknown) => e), err);
      assert.equal(await s.writeJSON({ a: 1 }).catch((e: unknown) => e), err);
      const peer = await c.readMessage().catch((e: unknown) => e);
      assert.ok(peer instanceof CloseError);
      assert.equal(peer.code, 1011);
      c.close();
    });
  });
}
