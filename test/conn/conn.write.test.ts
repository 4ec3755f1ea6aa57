/**
 * Write-side behaviour of Conn (API.md §4.2–§4.5, §6): backpressure and bufferedAmount, write
 * deadlines, control frames ahead of data, pong coalescing, the write buffer pool, handlers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { newConn } from "../../src/conn/conn.js";
import { BinaryMessage, PingMessage, TextMessage } from "../../src/constants.js";
import { CloseError, TimeoutError } from "../../src/errors.js";
import type { BufferPool } from "../../src/types.js";
import { tcpPair, duplexPair } from "../helpers/duplex-pair.js";

describe("Conn writes (API.md §4.3 backpressure)", () => {
  it("Conn write promises wait above writeHighWaterMark while the peer does not read, and bufferedAmount says so", async () => {
    const [a, b] = await tcpPair();
    const c = newConn(a, { server: false, writeHighWaterMark: 1024 });
    const s = newConn(b, { server: true, readBufferSize: 1024 });
    const big = Buffer.alloc(64 * 1024, 1);
    // The server does not read: after enough data the socket pauses, TCP fills, and writes wait.
    let settled = 0;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) writes.push(c.writeMessage(BinaryMessage, big).then(() => void settled++));
    await new Promise((r) => setImmediate(r));
    assert.ok(c.bufferedAmount > 1024, `bufferedAmount ${c.bufferedAmount}`);
    assert.ok(settled < 200);
    let total = 0;
    for (let i = 0; i < 200; i++) total += (await s.readMessage()).data.length;
    await Promise.all(writes);
    assert.equal(total, 200 * big.length);
    c.close();
    s.close();
  });

  it("Conn bufferedAmount counts the writes waiting in the conn's queue, framing included (API §4.7)", async () => {
    const [a, b] = await duplexPair();
    const c = newConn(a, { server: false, writeHighWaterMark: 1024 });
    const s = newConn(b, { server: true });
    const big = Buffer.alloc(1 << 20, 3);
    // Same tick: the first goes to the socket, the other two wait in the conn's queue.
    const writes = [0, 1, 2].map(() => c.writeMessage(BinaryMessage, big));
    const frame = big.length + 14; // 8-byte length and the masking key
    assert.ok(c.bufferedAmount >= 3 * frame, `bufferedAmount ${c.bufferedAmount} < ${3 * frame}`);
    for (let i = 0; i < 3; i++) assert.equal((await s.readMessage()).data.length, big.length);
    await Promise.all(writes);
    assert.ok(c.bufferedAmount <= 1024, `bufferedAmount ${c.bufferedAmount} once all were read`);
    c.close();
    s.close();
  });

  it("Conn write deadline fails a write that cannot finish and every later write", async () => {
    const [a, b] = await tcpPair();
    const c = newConn(a, { server: false, writeHighWaterMark: 1024 });
    const s = newConn(b, { server: true, readBufferSize: 1024 });
    c.setWriteDeadline(Date.now() + 30);
    const big = Buffer.alloc(1 << 20);
    const results = await Promise.allSettled(Array.from({ length: 64 }, () => c.writeMessage(BinaryMessage, big)));
    const failed = results.filter((r) => r.status === "rejected");
    assert.ok(failed.length > 0);
    const err = (failed[0] as PromiseRejectedResult).reason;
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.message, "websocket: write timeout");
    await assert.rejects(c.writeMessage(TextMessage, "x"), TimeoutError);
    c.close();
    s.close();
  });

  it("Conn default ping handler coalesces pongs while our socket is backed up (ping flood costs O(1))", async () => {
    const [a, b] = await tcpPair();
    const s = newConn(b, { server: true, writeHighWaterMark: 1024 });
    // Fill the server's socket towards a client that never reads.
    a.pause();
    const big = Buffer.alloc(1 << 20);
    const fill = Array.from({ length: 16 }, () => s.writeMessage(BinaryMessage, big).catch(() => {}));
    const ping = Buffer.from([0x89, 0x81, 0, 0, 0, 0, 0x70]); // masked ping "p"
    const before = s.bufferedAmount;
    for (let i = 0; i < 10_000; i++) a.write(ping);
    // Drain the pings into the server without reading the client side.
    await new Promise<void>((resolve) => a.write(Buffer.alloc(0), () => resolve()));
    await new Promise((r) => setImmediate(r));
    // At most one pong is held: bufferedAmount grows by far less than 10,000 pongs (30 kB).
    assert.ok(s.bufferedAmount - before < 1000, `grew by ${s.bufferedAmount - before}`);
    s.close();
    a.destroy();
    await Promise.all(fill);
  });

  it("Conn writeControl deadline withdraws a frame still queued at the deadline", async () => {
    const [a, b] = await tcpPair();
    const s = newConn(b, { server: true, writeHighWaterMark: 1024 });
    a.pause();
    const big = Buffer.alloc(4 << 20);
    const fill = s.writeMessage(BinaryMessage, big).catch(() => {});
    await assert.rejects(s.writeControl(PingMessage, "late", Date.now() + 20), TimeoutError);
    s.close();
    a.destroy();
    await fill;
  });

  it("Conn with a writeBufferPool holds buffers only while writing and balances get/put", async () => {
    const [a, b] = duplexPair();
    let out = 0;
    let gets = 0;
    let puts = 0;
    const free: Buffer[] = [];
    const pool: BufferPool = {
      get() {
        gets++;
        out++;
        return free.pop();
      },
      put(buf) {
        puts++;
        out--;
        free.push(buf);
      },
    };
    const c = newConn(a, { server: false, writeBufferPool: pool, writeBufferSize: 1024 });
    const s = newConn(b, { server: true, writeBufferPool: pool, writeBufferSize: 1024 });
    for (let i = 0; i < 5; i++) {
      const w = await c.nextWriter(BinaryMessage);
      for (let k = 0; k < 10; k++) w.write(Buffer.alloc(500, i));
      await w.close();
      const m = await s.readMessage();
      assert.equal(m.data.length, 5000);
      assert.equal(m.data[4999], i);
    }
    await s.writeMessage(TextMessage, "idle now");
    await c.readMessage();
    assert.ok(gets > 0);
    assert.equal(gets, puts);
    assert.equal(out, 0, "idle conns hold no write buffer");
    c.close();
    s.close();
  });
});

describe("Conn handlers (API.md §4.4)", () => {
  it("Conn custom close handler runs, and the read rejects with the peer's CloseError", async () => {
    const [a, b] = duplexPair();
    const c = newConn(a, { server: false });
    const s = newConn(b, { server: true });
    const seen: Array<[number, string]> = [];
    s.setCloseHandler((code, text) => {
      seen.push([code, text]);
      return s.closeHandler === undefined ? undefined : undefined;
    });
    const shut = c.shutdown(4001, "done", 200);
    const err = await s.readMessage().catch((e: unknown) => e);
    assert.ok(err instanceof CloseError);
    assert.equal(err.code, 4001);
    assert.deepEqual(seen, [[4001, "done"]]);
    // Our custom handler did not echo, so the client's shutdown times out with null.
    assert.equal(await shut, null);
    s.close();
  });

  it("Conn handler errors become the permanent read error and nothing is sent", async () => {
    const [a, b] = duplexPair();
    const c = newConn(a, { server: false });
    const s = newConn(b, { server: true });
    const boom = new Error("handler failed");
    s.setPingHandler(() => {
      throw boom;
    });
    await c.writeControl(PingMessage, "x");
    assert.equal(await s.readMessage().catch((e: unknown) => e), boom);
    assert.equal(await s.readMessage().catch((e: unknown) => e), boom);
    // Getters return the default again after null.
    s.setPingHandler(null);
    assert.equal(typeof s.pingHandler(), "function");
    c.close();
    s.close();
  });

  it("Conn runs ping handlers with no read pending and awaits async handlers in order", async () => {
    const [a, b] = duplexPair();
    const c = newConn(a, { server: false });
    const s = newConn(b, { server: true });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const first = new Promise<void>((r) => (entered = r));
    s.setPingHandler(async (d) => {
      order.push("start " + d.toString());
      if (d.toString() === "1") {
        entered();
        await gate;
      }
      order.push("end " + d.toString());
    });
    await c.writeControl(PingMessage, "1");
    await c.writeControl(PingMessage, "2");
    await first;
    assert.deepEqual(order, ["start 1"]);
    release();
    await c.writeMessage(TextMessage, "after");
    assert.equal((await s.readMessage()).data.toString(), "after");
    assert.deepEqual(order, ["start 1", "end 1", "start 2", "end 2"]);
    c.close();
    s.close();
  });
});
