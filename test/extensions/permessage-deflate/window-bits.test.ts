/**
 * Window bits 8..15 (RFC 7692 §7.1.2): our deflater ↔ our inflater ↔ node's zlib, and the window-8 case
 * (zlib deflates "8" with a 512-byte window whose distances stay ≤ 250, so a 256-byte inflater copes).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import type { NegotiatedCompression } from "../../../src/extensions/compression.js";
import { TAKEOVER, inflateMessage, jsonLike, prng, randomBytes, serverToClient } from "./util.js";

const TAIL = Buffer.from([0, 0, 0xff, 0xff]);

/** Messages full of back-references at distances around `d` (random blocks of length d, repeated). */
function repeats(d: number, seed: number): Buffer {
  const block = randomBytes(d, seed);
  return Buffer.concat([block, block, block.subarray(0, d >> 1), block, block]);
}

/** A message set that needs every distance from 1 up to ~40 KiB. */
function corpus(): Buffer[] {
  const msgs: Buffer[] = [];
  for (const d of [3, 64, 200, 240, 250, 251, 255, 256, 257, 260, 300, 511, 512, 513, 1000, 4100, 33_000]) msgs.push(repeats(d, d));
  msgs.push(jsonLike(40_000, 8), Buffer.alloc(70_000, 0x61));
  return msgs;
}

const params = (bits: number): NegotiatedCompression => ({ ...TAKEOVER, serverMaxWindowBits: bits, clientMaxWindowBits: bits });

describe("RFC 7692 §7.1.2 window bits 8..15", () => {
  for (let bits = 8; bits <= 15; bits++) {
    it(`window ${bits}: our deflater → our inflater, with context takeover across messages`, async () => {
      const { deflater, inflater } = serverToClient(params(bits));
      for (const m of corpus()) assert.ok((await inflateMessage(inflater, [await deflater.deflate(m, true)])).equals(m));
    });

    it(`window ${bits}: our deflater's stream inflates with node's zlib at windowBits ${bits}`, async () => {
      const { deflater } = serverToClient(params(bits));
      const msgs = corpus();
      // payload + 00 00 ff ff of each message, concatenated, is one continuous deflate stream (§7.2.1).
      const stream: Buffer[] = [];
      for (const m of msgs) stream.push(await deflater.deflate(m, true), TAIL);
      const out = inflateRawSync(Buffer.concat(stream), { windowBits: bits, finishFlush: constants.Z_SYNC_FLUSH });
      assert.ok(out.equals(Buffer.concat(msgs)));
    });

    it(`window ${bits}: node's zlib deflater → our inflater (peer limit ${bits})`, async () => {
      const { inflater } = serverToClient(params(bits));
      for (const m of corpus()) {
        const z = deflateRawSync(m, { windowBits: bits, finishFlush: constants.Z_SYNC_FLUSH });
        assert.deepEqual(z.subarray(-4), TAIL);
        assert.ok((await inflateMessage(inflater, [z.subarray(0, -4)])).equals(m));
      }
    });
  }

  it("a deflater whose options window is below the negotiated one uses the smaller window", async () => {
    // windowBits 9 under a negotiated 15: the stream must inflate with a 512-byte window.
    const { deflater } = serverToClient(params(15), { windowBits: 9 });
    const msgs = corpus();
    const stream: Buffer[] = [];
    for (const m of msgs) stream.push(await deflater.deflate(m, true), TAIL);
    assert.ok(inflateRawSync(Buffer.concat(stream), { windowBits: 9, finishFlush: constants.Z_SYNC_FLUSH }).equals(Buffer.concat(msgs)));
  });

  it("a negotiated window below the options' uses the negotiated one", async () => {
    const { deflater } = serverToClient(params(10), { windowBits: 15 });
    const m = repeats(4000, 1); // needs distance 4000 > 1024
    const p = await deflater.deflate(m, true);
    assert.ok(inflateRawSync(Buffer.concat([p, TAIL]), { windowBits: 10, finishFlush: constants.Z_SYNC_FLUSH }).equals(m));
    assert.ok(p.byteLength > 4000, "could not reach back 4000 bytes");
  });

  it("window 8: 200 random messages with repeats near 256 bytes inflate with a 256-byte window", async () => {
    const { deflater } = serverToClient(params(8));
    const rnd = prng(99);
    const msgs: Buffer[] = [];
    const stream: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const m = repeats(230 + Math.floor(rnd() * 60), i + 1);
      msgs.push(m);
      stream.push(await deflater.deflate(m, true), TAIL);
    }
    assert.ok(inflateRawSync(Buffer.concat(stream), { windowBits: 8, finishFlush: constants.Z_SYNC_FLUSH }).equals(Buffer.concat(msgs)));
  });

  it("a server_max_window_bits=8 peer that really uses 512 bytes still inflates (we inflate with 9)", async () => {
    // A peer whose zlib silently turned 8 into a full 9-bit window (distance 300 > 256).
    const { inflater } = serverToClient(params(8));
    const m = repeats(300, 3);
    const z = deflateRawSync(m, { windowBits: 9, finishFlush: constants.Z_SYNC_FLUSH });
    assert.ok((await inflateMessage(inflater, [z.subarray(0, -4)])).equals(m));
  });
});
