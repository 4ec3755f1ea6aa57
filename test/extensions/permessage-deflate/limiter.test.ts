/**
 * ZlibLimiter: FIFO slots, and the cap on zlib jobs in flight across connections (ws #1202,
 * node #8871) — large jobs hold a slot while they yield, small ones never wait.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { constants, deflateRawSync } from "node:zlib";
import { ZlibLimiter } from "../../../src/extensions/compression.js";
import { CountingLimiter, NO_TAKEOVER, TAKEOVER, jsonLike, serverToClient } from "./util.js";

const defer = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("ZlibLimiter", () => {
  it("ZlibLimiter rejects a concurrency that is not an integer ≥ 1", () => {
    for (const n of [0, -1, 1.5, NaN, Infinity]) assert.throws(() => new ZlibLimiter(n), RangeError);
  });

  it("ZlibLimiter.run runs at most `concurrency` jobs at once, in FIFO order", async () => {
    const limiter = new ZlibLimiter(3);
    const gates = Array.from({ length: 10 }, defer);
    const started: number[] = [];
    let running = 0;
    let max = 0;
    const jobs = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        max = Math.max(max, ++running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(limiter.inFlight, 3);
    assert.equal(limiter.queued, 7);
    for (const g of gates.reverse()) g.resolve();
    assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(max, 3);
    assert.equal(limiter.inFlight, 0);
  });

  it("ZlibLimiter.run releases the slot when a job throws", async () => {
    const limiter = new ZlibLimiter(1);
    await assert.rejects(limiter.run(() => Promise.reject(new Error("boom"))), /boom/);
    await assert.rejects(limiter.run(() => { throw new Error("sync boom"); }), /sync boom/);
    assert.equal(await limiter.run(() => 42), 42);
    assert.equal(limiter.inFlight, 0);
  });

  it("ZlibLimiter.tryAcquire takes a free slot without waiting and refuses when full", () => {
    const limiter = new ZlibLimiter(2);
    assert.ok(limiter.tryAcquire());
    assert.ok(limiter.tryAcquire());
    assert.ok(!limiter.tryAcquire());
    limiter.release();
    assert.equal(limiter.inFlight, 1);
    limiter.release();
    limiter.release(); // extra releases never go negative
    assert.equal(limiter.inFlight, 0);
  });
});

describe("ZlibLimiter across connections", () => {
  it("large inflate jobs of 8 connections run at most 2 at a time on a limiter of 2", async () => {
    const limiter = new CountingLimiter(2);
    const mib = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
    const message = Buffer.concat(new Array<Buffer>(8).fill(mib)); // 8 MiB inflated: yields several times
    let sawQueue = false;
    const jobs = Array.from({ length: 8 }, async () => {
      const { inflater } = serverToClient(TAKEOVER, undefined, limiter);
      const out = await inflater.inflate(message, true, 0);
      sawQueue ||= limiter.queued > 0;
      return out.reduce((n, b) => n + b.byteLength, 0);
    });
    assert.deepEqual(await Promise.all(jobs), new Array(8).fill(8 << 20));
    assert.equal(limiter.maxRunning, 2);
    assert.equal(limiter.acquired, 8);
    assert.ok(sawQueue, "jobs waited for a slot");
    assert.equal(limiter.inFlight, 0);
  });

  it("large deflate jobs hold a slot too", async () => {
    const limiter = new CountingLimiter(1);
    const data = Buffer.alloc(4 << 20, 0x61);
    const jobs = Array.from({ length: 4 }, () => serverToClient(NO_TAKEOVER, undefined, limiter).deflater.deflate(data, true));
    await Promise.all(jobs);
    assert.equal(limiter.maxRunning, 1);
    assert.equal(limiter.acquired, 4);
  });

  it("small messages never take a slot (the synchronous fast path)", async () => {
    const limiter = new CountingLimiter(1);
    const { deflater, inflater } = serverToClient(TAKEOVER, undefined, limiter);
    const doc = jsonLike(16 * 1024, 1);
    for (let i = 0; i < 200; i++) {
      const out = await inflater.inflate(await deflater.deflate(doc, true), true, 0);
      assert.equal(Buffer.concat(out).byteLength, doc.byteLength);
    }
    assert.equal(limiter.acquired, 0);
  });
});
