/**
 * MessageInflater on bad input: corrupt data → ProtocolError 1007, zip bombs → ReadLimitError without
 * allocating past the limit (undici CVE-2026-1526), exact limit accounting, fuzzed payloads, dispose.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { constants, deflateRawSync } from "node:zlib";
import { CloseError, ProtocolError, ReadLimitError } from "../../../src/errors.js";
import { ZlibLimiter } from "../../../src/extensions/compression.js";
import { createEngine, engineSpec } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { TAKEOVER, inflateMessage, jsonLike, prng, serverToClient } from "./util.js";

const MiB = 1024 * 1024;

/** 1 MiB of zeros, deflated and sync-flushed (tail kept): repeating it is a valid stream of zeros. */
const ZEROS_1MIB = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });

/** `n` MiB of zeros as compressed chunks of `perChunk` MiB each (never holding the inflated bytes). */
function bomb(n: number, perChunk: number): Buffer[] {
  const chunk = Buffer.concat(new Array<Buffer>(perChunk).fill(ZEROS_1MIB));
  return new Array<Buffer>(n / perChunk).fill(chunk);
}

const is1007 = (e: unknown): boolean =>
  e instanceof ProtocolError && e.closeCode === 1007 && e.message === "websocket: invalid compressed data" && e.cause instanceof Error;

describe("MessageInflater on corrupt data (API.md §8)", () => {
  const corrupt: Array<[string, string]> = [
    ["a reserved block type", "ff ff ff ff"],
    ["stored block lengths that disagree", "00 05 00 00 00 48 65 6c 6c 6f"],
    ["a distance before the start of the stream", "f2 00 11 00 00"],
    ["an invalid code lengths set", "e4 ff ff ff ff 0f"],
  ];
  for (const [label, hex] of corrupt) {
    it(`MessageInflater rejects ${label} with ProtocolError 1007`, async () => {
      const { inflater } = serverToClient(TAKEOVER);
      await assert.rejects(inflater.inflate(Buffer.from(hex.replace(/ /g, ""), "hex"), true, 0), is1007);
    });
  }

  it("MessageInflater keeps failing with the same error once data was corrupt", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const first = await inflater.inflate(Buffer.from("ffff", "hex"), true, 0).catch((e: unknown) => e);
    assert.ok(is1007(first));
    const second = await inflater.inflate(Buffer.from("f248cdc9c90700", "hex"), true, 0).catch((e: unknown) => e);
    assert.equal(second, first);
  });

  it("MessageInflater on 400 random payloads either inflates or rejects with 1007, nothing else", async () => {
    const rnd = prng(5);
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const { inflater } = serverToClient(TAKEOVER);
      const p = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const r = await inflateMessage(inflater, [p], MiB).catch((e: unknown) => e);
      if (Buffer.isBuffer(r)) continue;
      assert.ok(is1007(r), String(r));
      rejected++;
    }
    assert.ok(rejected > 100);
  });

  it("MessageInflater on bit-flipped copies of a valid message inflates or rejects with 1007", async () => {
    const { deflater } = serverToClient(TAKEOVER);
    const good = await deflater.deflate(jsonLike(3000, 2), true);
    const rnd = prng(6);
    for (let i = 0; i < 300; i++) {
      const p = Buffer.from(good);
      p[Math.floor(rnd() * p.length)]! ^= 1 << Math.floor(rnd() * 8);
      const r = await inflateMessage(serverToClient(TAKEOVER).inflater, [p], MiB).catch((e: unknown) => e);
      assert.ok(Buffer.isBuffer(r) || is1007(r) || r instanceof ReadLimitError, String(r));
    }
  });
});

describe("MessageInflater read limit (API.md §4.5, undici CVE-2026-1526)", () => {
  it("a 1 GiB zip bomb stops at a 1 MiB limit, having returned no more than the limit", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const limit = MiB + 100;
    let returned = 0;
    let error: unknown;
    for (const [i, chunk] of bomb(1024, 1).entries()) {
      try {
        for (const b of await inflater.inflate(chunk, i === 1023, limit)) returned += b.byteLength;
      } catch (e) {
        error = e;
        break;
      }
    }
    assert.ok(error instanceof ReadLimitError);
    assert.equal(error.limit, limit);
    assert.equal(error.closeCode, 1009);
    assert.ok(returned <= limit, `returned ${returned}`);
  });

  it("a 1 GiB zip bomb against the default 64 MiB limit stays within the limit in memory", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const limit = 64 * MiB;
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let error: unknown;
    const chunks = bomb(1024, 64); // 16 calls of 64 compressed MiB-of-zeros each
    for (const [i, chunk] of chunks.entries()) {
      try {
        await inflater.inflate(chunk, i === chunks.length - 1, limit); // output dropped at once
      } catch (e) {
        error = e;
        break;
      } finally {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      }
    }
    assert.ok(error instanceof ReadLimitError);
    // Allocated output is bounded by the limit (+1 byte); the rest of the 1 GiB is never produced.
    assert.ok(peak < limit + 32 * MiB, `arrayBuffers grew by ${(peak / MiB).toFixed(1)} MiB`);
  });

  it("ZlibEngine.run never produces more than maxOut bytes", async () => {
    const engine = createEngine(engineSpec("inflate", 15));
    for (const maxOut of [1, 1000, 65_536, 65_537, 3 * MiB + 5]) {
      const out: Buffer[] = [];
      const r = await engine.run(bomb(8, 8)[0]!, constants.Z_SYNC_FLUSH, maxOut, out, new ZlibLimiter(1));
      assert.equal(r.produced, maxOut);
      assert.equal(out.reduce((n, b) => n + b.byteLength, 0), maxOut);
      engine.reset();
    }
    engine.close();
  });

  it("a message of exactly the limit passes; one byte more fails", async () => {
    const data = jsonLike(10_000, 4);
    const { deflater } = serverToClient(TAKEOVER);
    const p = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
    assert.deepEqual(await inflateMessage(serverToClient(TAKEOVER).inflater, [p], 10_000), data);
    await assert.rejects(inflateMessage(serverToClient(TAKEOVER).inflater, [p], 9_999), (e: unknown) => e instanceof ReadLimitError && e.limit === 9_999);
    await deflater.deflate(data, true);
  });

  it("the limit counts the whole message across calls and restarts with each message", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    const part = jsonLike(400, 5);
    const frames = [await deflater.deflate(part, false), await deflater.deflate(part, false), await deflater.deflate(part, true)];
    assert.equal((await inflateMessage(inflater, frames, 1200)).byteLength, 1200);
    const again = [await deflater.deflate(part, false), await deflater.deflate(part, true)];
    assert.equal((await inflateMessage(inflater, again, 1000)).byteLength, 800); // a new message, a new count
    const third = [await deflater.deflate(part, false), await deflater.deflate(part, false), await deflater.deflate(part, true)];
    await assert.rejects(inflateMessage(inflater, third, 1000), ReadLimitError);
    // Permanent: the connection is failed with 1009.
    await assert.rejects(inflater.inflate(Buffer.from("00", "hex"), true, 0), ReadLimitError);
  });

  it("limit 0 means no limit", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const chunks = bomb(16, 16);
    assert.equal((await inflateMessage(inflater, chunks, 0)).byteLength, 16 * MiB);
  });
});

describe("MessageInflater/MessageDeflater misuse and dispose", () => {
  it("inflate rejects TypeError for non-bytes and RangeError for a bad limit", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    await assert.rejects(inflater.inflate("x" as unknown as Uint8Array, true, 0), TypeError);
    for (const limit of [-1, 1.5, NaN, Infinity]) await assert.rejects(inflater.inflate(Buffer.alloc(1), true, limit), RangeError);
    // Misuse is not a peer failure: the inflater still works.
    assert.equal((await inflateMessage(inflater, [Buffer.from("f248cdc9c90700", "hex")])).toString(), "Hello");
  });

  it("deflate rejects TypeError for non-bytes", async () => {
    const { deflater } = serverToClient(TAKEOVER);
    await assert.rejects(deflater.deflate([1, 2] as unknown as Uint8Array, true), TypeError);
  });

  it("dispose() makes later calls reject with CloseError 1006 and is idempotent", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    await deflater.deflate(Buffer.from("Hello"), true);
    await inflater.inflate(Buffer.from("f248cdc9c90700", "hex"), true, 0);
    deflater.dispose();
    inflater.dispose();
    deflater.dispose();
    inflater.dispose();
    await assert.rejects(deflater.deflate(Buffer.from("x"), true), (e: unknown) => e instanceof CloseError && e.code === 1006);
    await assert.rejects(inflater.inflate(Buffer.from("00", "hex"), true, 0), (e: unknown) => e instanceof CloseError && e.code === 1006);
  });

  it("dispose() during a large job rejects that job with CloseError 1006", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    const big = inflater.inflate(bomb(64, 64)[0]!, true, 0); // 64 MiB: yields between slices
    const bigOut = deflater.deflate(Buffer.alloc(32 * MiB, 0x61), true);
    inflater.dispose();
    deflater.dispose();
    await assert.rejects(big, (e: unknown) => e instanceof CloseError && e.code === 1006);
    await assert.rejects(bigOut, (e: unknown) => e instanceof CloseError && e.code === 1006);
  });
});
