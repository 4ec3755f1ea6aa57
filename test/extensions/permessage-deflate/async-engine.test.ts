/**
 * The async fallback engine (node's zlib streams, used when the native sync handle is missing) keeps the
 * same contract: round trips, RFC vectors, 1007 on corrupt data, the read limit, a slot per job, dispose.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { before, describe, it } from "node:test";
import { constants, deflateRawSync } from "node:zlib";
import { CloseError, ProtocolError, ReadLimitError } from "../../../src/errors.js";
import { setZlibEngineMode } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { RFC7692_VECTORS } from "./rfc7692-vectors.js";
import {
  CountingLimiter,
  NO_TAKEOVER,
  TAKEOVER,
  deflateChunks,
  inflateMessage,
  jsonLike,
  randomBytes,
  serverToClient,
  split,
} from "./util.js";

// Each test file runs in its own process, so this switch does not leak into other files.
before(() => setZlibEngineMode("async"));

describe("async zlib engine (fallback)", () => {
  it("round trips messages of many sizes, with and without context takeover", async () => {
    for (const params of [TAKEOVER, NO_TAKEOVER]) {
      const { deflater, inflater } = serverToClient(params);
      for (const size of [0, 1, 1000, 16 * 1024, 200_000, 2_000_000]) {
        const data = size % 2 === 0 ? jsonLike(size, size) : randomBytes(size);
        assert.ok((await inflateMessage(inflater, [await deflater.deflate(data, true)])).equals(data), `size ${size}`);
      }
      const data = jsonLike(100_000, 3);
      const frames = await deflateChunks(deflater, split(data, 7_000));
      assert.ok((await inflateMessage(inflater, split(Buffer.concat(frames), 999))).equals(data));
    }
  });

  it("decodes every RFC 7692 §7.2.3 example and reproduces §7.2.3.1/§7.2.3.2", async () => {
    for (const v of RFC7692_VECTORS) {
      const { inflater } = serverToClient(TAKEOVER);
      for (const m of v.messages) assert.equal((await inflateMessage(inflater, m.payloads)).toString(), m.text, v.section);
    }
    const { deflater } = serverToClient(TAKEOVER);
    assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f248cdc9c90700");
    assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f200110000");
    assert.equal((await deflater.deflate(Buffer.alloc(0), true)).toString("hex"), "00");
  });

  it("rejects corrupt data with ProtocolError 1007", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    await assert.rejects(inflater.inflate(Buffer.from("ffffffff", "hex"), true, 0), (e: unknown) => e instanceof ProtocolError && e.closeCode === 1007);
    await assert.rejects(inflater.inflate(Buffer.from("00", "hex"), true, 0), (e: unknown) => e instanceof ProtocolError && e.closeCode === 1007);
  });

  it("stops a zip bomb at the read limit, returning no more than the limit", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const mib = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
    const chunk = Buffer.concat(new Array<Buffer>(16).fill(mib));
    let returned = 0;
    const limit = 3_000_000;
    await assert.rejects(async () => {
      for (let i = 0; i < 64; i++) for (const b of await inflater.inflate(chunk, i === 63, limit)) returned += b.byteLength;
    }, (e: unknown) => e instanceof ReadLimitError && e.limit === limit);
    assert.ok(returned <= limit);
  });

  it("holds a limiter slot for every job", async () => {
    const limiter = new CountingLimiter(2);
    const jobs = Array.from({ length: 6 }, async (_, i) => {
      const { deflater, inflater } = serverToClient(TAKEOVER, undefined, limiter);
      const data = jsonLike(20_000, i);
      return (await inflateMessage(inflater, [await deflater.deflate(data, true)])).equals(data);
    });
    assert.deepEqual(await Promise.all(jobs), new Array(6).fill(true));
    assert.equal(limiter.acquired, 12 + 6); // deflate, inflate data, inflate tail
    assert.equal(limiter.maxRunning, 2);
  });

  it("dispose() makes later calls reject with CloseError 1006", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    await inflateMessage(inflater, [await deflater.deflate(Buffer.from("x"), true)]);
    deflater.dispose();
    inflater.dispose();
    await assert.rejects(deflater.deflate(Buffer.from("x"), true), CloseError);
    await assert.rejects(inflater.inflate(Buffer.from("00", "hex"), true, 0), CloseError);
  });
});
