/**
 * MessageDeflater → MessageInflater round trips: sizes 0 B..16 MiB, fragmented both ways, context
 * takeover on and off, every level, level changes and resets between messages.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { deflateMessage } from "../../../src/extensions/compression.js";
import {
  NO_TAKEOVER,
  TAKEOVER,
  deflateChunks,
  inflateMessage,
  jsonLike,
  randomBytes,
  serverToClient,
  split,
} from "./util.js";

const SIZES = [0, 1, 5, 100, 1023, 1024, 4096, 16 * 1024, 64 * 1024 + 3, 300 * 1024, 1024 * 1024 + 17];

describe("MessageDeflater/MessageInflater round trips", () => {
  for (const [label, params] of [["with context takeover", TAKEOVER], ["without context takeover", NO_TAKEOVER]] as const) {
    it(`round trip of JSON-like and random messages of ${SIZES.length} sizes, ${label}`, async () => {
      const { deflater, inflater } = serverToClient(params);
      for (const size of SIZES) {
        for (const data of [jsonLike(size, size), randomBytes(size, size)]) {
          const payload = await deflater.deflate(data, true);
          assert.ok(payload.byteLength > 0);
          assert.deepEqual(await inflateMessage(inflater, [payload]), data, `size ${size}`);
        }
      }
    });

    it(`round trip of fragmented messages (deflate in chunks, inflate in other chunks), ${label}`, async () => {
      const { deflater, inflater } = serverToClient(params);
      for (const [size, deflateChunk, inflateChunk] of [
        [10_000, 1, 7],
        [100_000, 1000, 1],
        [100_000, 16_384, 333],
        [1_000_000, 65_536, 65_536],
        [50_000, 50_000, 3],
      ] as const) {
        const data = jsonLike(size, deflateChunk);
        const frames = await deflateChunks(deflater, split(data, deflateChunk));
        const wire = Buffer.concat(frames);
        // Frame boundaries need not match deflate's: re-split the concatenated payload.
        assert.deepEqual(await inflateMessage(inflater, split(wire, inflateChunk)), data, `${size}/${deflateChunk}/${inflateChunk}`);
      }
    });
  }

  it("round trip of a 16 MiB message, whole and in 64 KiB fragments", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    // 16 copies of 1 MiB: each copy is 1 MiB back, far outside the 32 KiB window, so this compresses
    // like 16 MiB of distinct JSON but is quick to build.
    const data = Buffer.concat(new Array<Buffer>(16).fill(jsonLike(1024 * 1024, 16)));
    const whole = await deflater.deflate(data, true);
    assert.ok(whole.byteLength < data.byteLength / 3);
    assert.ok((await inflateMessage(inflater, split(whole, 1 << 20))).equals(data));
    const frames = await deflateChunks(deflater, split(data, 65_536));
    assert.ok((await inflateMessage(inflater, frames)).equals(data));
  });

  it("round trip at every level -2..9, with memLevel 1 and 9", async () => {
    const data = jsonLike(50_000, 3);
    const sizes = new Map<number, number>();
    for (let level = -2; level <= 9; level++) {
      for (const memLevel of [1, 9]) {
        const { deflater, inflater } = serverToClient(TAKEOVER, { level, memLevel });
        const payload = await deflater.deflate(data, true);
        assert.deepEqual(await inflateMessage(inflater, [payload]), data, `level ${level}`);
        if (memLevel === 9) sizes.set(level, payload.byteLength);
      }
    }
    assert.ok(sizes.get(0)! > data.byteLength, "level 0 stores");
    assert.ok(sizes.get(-2)! < data.byteLength, "Huffman-only still compresses");
    assert.ok(sizes.get(9)! < sizes.get(1)!, "level 9 beats level 1");
  });
});

describe("context takeover (RFC 7692 §7.1.1)", () => {
  it("a repeated message compresses to a few bytes with context takeover and not without", async () => {
    const doc = jsonLike(7_500, 42);
    for (const level of [1, 9]) {
      const sizes: Record<string, number[]> = {};
      for (const [label, params] of [["takeover", TAKEOVER], ["none", NO_TAKEOVER]] as const) {
        const { deflater, inflater } = serverToClient(params, { level });
        sizes[label] = [];
        for (let i = 0; i < 5; i++) {
          const p = await deflater.deflate(doc, true);
          sizes[label]!.push(p.byteLength);
          assert.deepEqual(await inflateMessage(inflater, [p]), doc);
        }
      }
      // 7,500 bytes need ≥ 30 matches of deflate's longest length (258): a few dozen bytes at best.
      const limit = level === 9 ? 100 : 300;
      assert.ok(sizes.takeover!.slice(1).every((n) => n < limit), `level ${level} takeover: ${sizes.takeover}`);
      assert.ok(sizes.none!.every((n) => n > 1000), `level ${level} none: ${sizes.none}`);
    }
  });

  it("clientNoContextTakeover only affects the client's direction", async () => {
    const params = { ...TAKEOVER, clientNoContextTakeover: true };
    const doc = jsonLike(5_000, 5);
    const server = serverToClient(params); // server compresses: takeover
    const first = await server.deflater.deflate(doc, true);
    assert.ok((await server.deflater.deflate(doc, true)).byteLength < first.byteLength / 4);
  });

  it("MessageDeflater.reset() makes the next message independent of history", async () => {
    const doc = jsonLike(5_000, 9);
    const { deflater, inflater } = serverToClient(TAKEOVER);
    const first = await deflater.deflate(doc, true);
    deflater.reset();
    const again = await deflater.deflate(doc, true);
    assert.deepEqual(again, first);
    // A receiver with the full history still decodes it.
    assert.deepEqual(await inflateMessage(inflater, [first]), doc);
    assert.deepEqual(await inflateMessage(inflater, [again]), doc);
    // And so does a fresh receiver that never saw the first message (PreparedMessage's case).
    assert.deepEqual(await inflateMessage(serverToClient(TAKEOVER).inflater, [again]), doc);
  });

  it("MessageDeflater.reset() during a message applies at the next message", async () => {
    const doc = jsonLike(5_000, 10);
    const { deflater, inflater } = serverToClient(TAKEOVER);
    await inflateMessage(inflater, [await deflater.deflate(doc, true)]);
    const a = await deflater.deflate(doc.subarray(0, 100), false);
    deflater.reset();
    const b = await deflater.deflate(doc.subarray(100), true);
    const c = await deflater.deflate(doc, true);
    assert.ok(a.byteLength + b.byteLength < c.byteLength / 3, "the current message uses history, the next one does not");
    assert.deepEqual(await inflateMessage(inflater, [a, b]), doc);
    assert.deepEqual(await inflateMessage(inflater, [c]), doc);
  });
});

describe("MessageDeflater.setLevel (gorilla SetCompressionLevel)", () => {
  it("setLevel applies from the next message and keeps the stream decodable", async () => {
    const doc = jsonLike(20_000, 11);
    const { deflater, inflater } = serverToClient(TAKEOVER, { level: 9 });
    const a = await deflater.deflate(doc.subarray(0, 10_000), false);
    deflater.setLevel(0); // mid-message: not for this message
    const b = await deflater.deflate(doc.subarray(10_000), true);
    assert.ok(a.byteLength + b.byteLength < doc.byteLength / 2);
    const stored = await deflater.deflate(doc, true);
    assert.ok(stored.byteLength > doc.byteLength, "level 0 stores");
    deflater.setLevel(-1);
    const dflt = await deflater.deflate(doc, true);
    assert.ok(dflt.byteLength < doc.byteLength / 2);
    assert.deepEqual(await inflateMessage(inflater, [a, b]), doc);
    assert.deepEqual(await inflateMessage(inflater, [stored]), doc);
    assert.deepEqual(await inflateMessage(inflater, [dflt]), doc);
  });

  it("setLevel throws RangeError for levels outside -2..9", () => {
    const { deflater } = serverToClient(TAKEOVER);
    for (const l of [-3, 10, 1.5]) assert.throws(() => deflater.setLevel(l), { name: "RangeError", message: "websocket: invalid compression level" });
  });
});

describe("deflateMessage (PreparedMessage)", () => {
  it("deflateMessage equals a fresh deflater's first message and inflates anywhere", async () => {
    const doc = jsonLike(30_000, 12);
    for (const o of [{ level: 1, memLevel: 5, windowBits: 15 }, { level: 9, memLevel: 8, windowBits: 10 }, { level: -2, memLevel: 5, windowBits: 8 }]) {
      const one = deflateMessage(doc, o);
      const { deflater, inflater } = serverToClient({ ...TAKEOVER, serverMaxWindowBits: o.windowBits }, o);
      assert.deepEqual(await deflater.deflate(doc, true), one);
      assert.deepEqual(await inflateMessage(inflater, [one]), doc);
    }
    assert.equal(deflateMessage(Buffer.alloc(0), { level: 1, memLevel: 5, windowBits: 15 }).toString("hex"), "00");
  });

  it("deflateMessage throws on invalid arguments", () => {
    assert.throws(() => deflateMessage("x" as unknown as Uint8Array, { level: 1, memLevel: 5, windowBits: 15 }), TypeError);
    assert.throws(() => deflateMessage(Buffer.alloc(1), { level: 10, memLevel: 5, windowBits: 15 }), RangeError);
    assert.throws(() => deflateMessage(Buffer.alloc(1), { level: 1, memLevel: 0, windowBits: 15 }), RangeError);
    assert.throws(() => deflateMessage(Buffer.alloc(1), { level: 1, memLevel: 5, windowBits: 16 }), RangeError);
  });
});
