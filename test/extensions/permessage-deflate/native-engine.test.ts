/**
 * The native engine's two paths: synchronous calls for small jobs and threadpool calls for large
 * ones. Both must produce the same bytes from the same context, hold a limiter slot only when
 * offloaded, and fail cleanly (closed engine, concurrent use, corrupt input) without aborting node.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { after, describe, it } from "node:test";
import { constants, inflateRawSync } from "node:zlib";
import { CloseError } from "../../../src/errors.js";
import { NativeEngine, setZlibOffloadMin } from "../../../src/extensions/permessage-deflate/native-engine.js";
import { findNative } from "../../../src/extensions/permessage-deflate/native-zlib.js";
import { engineSpec } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { CountingLimiter, jsonLike, randomBytes } from "./util.js";

const native = findNative();
after(() => setZlibOffloadMin(256 * 1024));

/** Deflates `messages` on one context (context takeover), offloading from `offloadMin` bytes. */
async function deflateAll(messages: Buffer[], offloadMin: number, limiter = new CountingLimiter(4)): Promise<Buffer[]> {
  setZlibOffloadMin(offloadMin);
  const e = new NativeEngine(engineSpec("deflate", 15, 1, 8), native!);
  const outs: Buffer[] = [];
  for (const m of messages) {
    const out: Buffer[] = [];
    const r = e.run(m, constants.Z_SYNC_FLUSH, Number.MAX_SAFE_INTEGER, out, limiter);
    if (r instanceof Promise) await r;
    outs.push(Buffer.concat(out));
  }
  e.close();
  return outs;
}

describe("NativeEngine", () => {
  it("is available on this Node (the self-test passed)", () => {
    assert.ok(native !== null);
  });

  it("threadpool and synchronous calls produce identical streams on one context", async () => {
    const messages = [jsonLike(300, 1), jsonLike(300, 1), jsonLike(70_000, 2), randomBytes(5000, 3), jsonLike(300_000, 4), Buffer.alloc(0)];
    const limiter = new CountingLimiter(4);
    const offloaded = await deflateAll(messages, 1, limiter);
    const sync = await deflateAll(messages, Infinity);
    assert.deepEqual(offloaded, sync);
    assert.equal(limiter.acquired, messages.filter((m) => m.length > 0).length, "each offloaded job held a slot");
    assert.equal(limiter.inFlight, 0);
    // And the stream inflates back to the messages (the repeated one referencing history).
    const whole = inflateRawSync(Buffer.concat(offloaded), { finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(whole, Buffer.concat(messages));
    assert.ok(offloaded[1]!.length < 40, "the repeated message compressed against the history");
  });

  it("inflates on the threadpool up to maxOut and no further", async () => {
    setZlibOffloadMin(1);
    const z = (await deflateAll([Buffer.alloc(1 << 20, 0x61)], Infinity))[0]!;
    const e = new NativeEngine(engineSpec("inflate", 15), native!);
    const out: Buffer[] = [];
    const r = await e.run(z, constants.Z_SYNC_FLUSH, 100_000, out, new CountingLimiter(1));
    assert.equal(r.produced, 100_000);
    assert.equal(Buffer.concat(out).length, 100_000);
    e.close();
  });

  it("a close during a threadpool call rejects with CloseError 1006, and the engine stays closed", async () => {
    setZlibOffloadMin(1);
    const e = new NativeEngine(engineSpec("deflate", 15, 9, 9), native!);
    const p = e.run(randomBytes(200_000, 9), constants.Z_SYNC_FLUSH, Number.MAX_SAFE_INTEGER, [], new CountingLimiter(1));
    assert.ok(p instanceof Promise);
    // Let the job reach the threadpool (it waits for its limiter slot first), then close.
    await new Promise((r) => setImmediate(r));
    e.close();
    await assert.rejects(p, (err) => err instanceof CloseError && err.code === 1006);
    assert.ok(e.closed);
    assert.throws(() => e.run(Buffer.from("x"), constants.Z_SYNC_FLUSH, 100, [], new CountingLimiter(1)), CloseError);
  });

  it("refuses overlapping calls instead of letting node abort", async () => {
    setZlibOffloadMin(1);
    const e = new NativeEngine(engineSpec("deflate", 15), native!);
    const limiter = new CountingLimiter(1);
    const p = e.run(jsonLike(50_000, 5), constants.Z_SYNC_FLUSH, Number.MAX_SAFE_INTEGER, [], limiter);
    assert.throws(() => e.run(Buffer.from("x"), constants.Z_SYNC_FLUSH, 100, [], limiter), /used concurrently/);
    await p;
    e.close();
  });

  it("corrupt input on the threadpool rejects with zlib's error and closes the engine", async () => {
    setZlibOffloadMin(1);
    const e = new NativeEngine(engineSpec("inflate", 15), native!);
    const garbage = Buffer.alloc(4096, 0xff); // BTYPE 11: an invalid block type
    await assert.rejects(Promise.resolve(e.run(garbage, constants.Z_SYNC_FLUSH, 1 << 20, [], new CountingLimiter(1))),
      (err: Error & { code?: string }) => err.code === "Z_DATA_ERROR");
    assert.ok(e.closed);
  });

  it("corrupt input on the synchronous path throws zlib's error and closes the engine", () => {
    setZlibOffloadMin(Infinity);
    const e = new NativeEngine(engineSpec("inflate", 15), native!);
    assert.throws(() => e.run(Buffer.alloc(16, 0xff), constants.Z_SYNC_FLUSH, 1024, [], new CountingLimiter(1)),
      (err: Error & { code?: string }) => err.code === "Z_DATA_ERROR");
    assert.ok(e.closed);
  });
});
