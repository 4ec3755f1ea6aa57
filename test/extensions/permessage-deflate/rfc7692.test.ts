/**
 * RFC 7692 §7.2.3 examples through our inflater and deflater: each fed whole and one byte at a time,
 * shared-window messages, BFINAL streams, empty messages and fragments.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { ProtocolError } from "../../../src/errors.js";
import { RFC7692_VECTORS } from "./rfc7692-vectors.js";
import { NO_TAKEOVER, TAKEOVER, deflateChunks, inflateMessage, serverToClient } from "./util.js";

describe("RFC 7692 §7.2.3 examples", () => {
  for (const v of RFC7692_VECTORS) {
    it(`MessageInflater decodes ${v.section} ${v.title}`, async () => {
      const { inflater } = serverToClient(TAKEOVER);
      for (const m of v.messages) {
        m.frames?.forEach((f, i) => assert.deepEqual(f.subarray(2), m.payloads[i])); // the vector is self-consistent
        assert.equal((await inflateMessage(inflater, m.payloads)).toString(), m.text);
      }
    });

    it(`MessageInflater decodes ${v.section} ${v.title}, one byte per call`, async () => {
      const { inflater } = serverToClient(TAKEOVER);
      for (const m of v.messages) {
        const bytes = [...Buffer.concat(m.payloads)].map((b) => Uint8Array.of(b));
        assert.equal((await inflateMessage(inflater, bytes)).toString(), m.text);
      }
    });
  }

  it("MessageDeflater produces the §7.2.3.1 bytes for Hello", async () => {
    const { deflater } = serverToClient(TAKEOVER);
    assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f248cdc9c90700");
  });

  it("MessageDeflater produces the §7.2.3.2 shared-window bytes with context takeover", async () => {
    const { deflater } = serverToClient(TAKEOVER);
    await deflater.deflate(Buffer.from("Hello"), true);
    assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f200110000");
  });

  it("MessageDeflater repeats the §7.2.3.1 bytes without context takeover", async () => {
    const { deflater } = serverToClient(NO_TAKEOVER);
    for (let i = 0; i < 3; i++) assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f248cdc9c90700");
  });

  it("MessageInflater without context takeover rejects the §7.2.3.2 second message with 1007", async () => {
    const { inflater } = serverToClient(NO_TAKEOVER);
    const [first, second] = RFC7692_VECTORS.find((v) => v.sharedWindow)!.messages;
    assert.equal((await inflateMessage(inflater, first!.payloads)).toString(), "Hello");
    await assert.rejects(inflateMessage(inflater, second!.payloads), (e: unknown) => {
      assert.ok(e instanceof ProtocolError);
      assert.equal(e.message, "websocket: invalid compressed data");
      assert.equal(e.closeCode, 1007);
      return true;
    });
  });

  it("MessageDeflater produces the §7.2.3.6 sync-flushed fragment and the 00 final fragment", async () => {
    const { deflater } = serverToClient(TAKEOVER);
    const frames = await deflateChunks(deflater, [Buffer.from("Hello"), Buffer.alloc(0)]);
    assert.deepEqual(frames.map((f) => f.toString("hex")), ["f248cdc9c907000000ffff", "00"]);
  });

  it("MessageDeflater compresses an empty message to the single byte 00", async () => {
    for (const params of [TAKEOVER, NO_TAKEOVER]) {
      const { deflater, inflater } = serverToClient(params);
      for (let i = 0; i < 3; i++) {
        const p = await deflater.deflate(Buffer.alloc(0), true);
        assert.equal(p.toString("hex"), "00");
        assert.equal((await inflateMessage(inflater, [p])).byteLength, 0);
      }
      const hello = await deflater.deflate(Buffer.from("Hello"), true);
      assert.equal((await inflateMessage(inflater, [hello])).toString(), "Hello");
    }
  });

  it("MessageInflater treats a message with no compressed byte as empty and keeps its context", async () => {
    const { deflater, inflater } = serverToClient(TAKEOVER);
    const a = await deflater.deflate(Buffer.from("Hello Hello"), true);
    assert.equal((await inflateMessage(inflater, [a])).toString(), "Hello Hello");
    assert.equal((await inflateMessage(inflater, [Buffer.alloc(0), Buffer.alloc(0)])).byteLength, 0);
    const b = await deflater.deflate(Buffer.from("Hello Hello"), true);
    assert.equal((await inflateMessage(inflater, [b])).toString(), "Hello Hello");
  });

  it("MessageInflater starts a new stream after a §7.2.3.4 BFINAL message and ignores bytes after the end", async () => {
    const { inflater } = serverToClient(TAKEOVER);
    const bfinal = Buffer.from("f348cdc9c9070000", "hex");
    assert.equal((await inflateMessage(inflater, [bfinal])).toString(), "Hello");
    // Bytes after the final block in later fragments of the same message are ignored.
    assert.equal((await inflateMessage(inflater, [bfinal, Buffer.from("ffffffff", "hex")])).toString(), "Hello");
    assert.equal((await inflateMessage(inflater, [Buffer.from("f248cdc9c90700", "hex")])).toString(), "Hello");
  });
});
