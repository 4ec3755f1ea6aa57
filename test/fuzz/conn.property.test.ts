/**
 * Property tests one layer up, at the Conn (read half): fragmented messages with any mix of
 * fragment sizes (tiny and large interleaved), pings between fragments, and any TCP-like chunking
 * arrive byte for byte through readMessage and nextReader, and pings are answered.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { newConn } from "../../src/conn/conn.js";
import { duplexPair } from "../helpers/duplex-pair.js";
import { encodeFrame, FrameReader } from "../conformance/wire.js";
import { bounded } from "../conformance/lib.js";
import { cut, params, SEED } from "./arb.js";

const arbSizes = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: 900, max: 5000 }) },
), { minLength: 1, maxLength: 60, size: "max" });

const arbMessage = fc.record({
  type: fc.constantFrom(1 as const, 2 as const),
  sizes: arbSizes,
  pingAt: fc.option(fc.nat(), { nil: undefined }),
});

function payloadOf(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 0x21 + ((i * 7 + seed * 13) % 94); // ASCII: valid text too
  return b;
}

describe(`fuzz: Conn reassembly (fast-check seed ${SEED})`, () => {
  it("Conn delivers fragmented messages byte for byte, whatever the fragment sizes and chunking", async () => {
    await fc.assert(fc.asyncProperty(fc.array(arbMessage, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(),
      async (msgs, cuts, useReader) => {
        const [peer, local] = duplexPair();
        const conn = newConn(local, { server: true, readBufferSize: 4096 });
        const key = Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]);
        const frames: Buffer[] = [];
        const payloads: Buffer[] = [];
        const pings: string[] = [];
        msgs.forEach((m, k) => {
          const total = m.sizes.reduce((a, b) => a + b, 0);
          const p = payloadOf(total, k);
          payloads.push(p);
          let at = 0;
          m.sizes.forEach((size, i) => {
            frames.push(encodeFrame({ fin: i === m.sizes.length - 1, rsv: 0, opcode: i === 0 ? m.type : 0, payload: p.subarray(at, at + size), maskKey: key }));
            at += size;
            if (m.pingAt !== undefined && m.pingAt % m.sizes.length === i && i < m.sizes.length - 1) {
              pings.push(`ping ${k}`);
              frames.push(encodeFrame({ fin: true, rsv: 0, opcode: 9, payload: Buffer.from(`ping ${k}`), maskKey: key }));
            }
          });
        });
        const pongs: string[] = [];
        const reader = new FrameReader();
        const lastPing = pings[pings.length - 1];
        let lastAnswered!: () => void;
        const answered = new Promise<boolean>((r) => (lastAnswered = () => r(true)));
        peer.on("data", (c: Buffer) => {
          for (const f of reader.push(c)) {
            if (f.opcode !== 10) continue;
            pongs.push(f.payload.toString());
            if (f.payload.toString() === lastPing) lastAnswered();
          }
        });
        for (const c of cut(Buffer.concat(frames), cuts)) peer.write(c);
        try {
          for (const [k, m] of msgs.entries()) {
            let data: Buffer;
            if (useReader) {
              const { messageType, reader: r } = await conn.nextReader();
              assert.equal(messageType, m.type);
              const parts: Buffer[] = [];
              for await (const part of r) parts.push(part as Buffer);
              data = Buffer.concat(parts);
            } else {
              const got = await conn.readMessage();
              assert.equal(got.messageType, m.type);
              data = got.data;
            }
            assert.equal(data.length, payloads[k]!.length, `message ${k} length`);
            assert.ok(data.equals(payloads[k]!), `message ${k} differs from byte ${data.findIndex((b, i) => b !== payloads[k]![i])}`);
          }
          // Pongs answer pings in order (coalescing may skip some, never the last).
          if (lastPing !== undefined) {
            assert.ok(await bounded(answered, 5000, false), `no pong to the last ping; pongs: ${pongs.join(", ")}`);
            assert.deepEqual(pongs.filter((p) => !pings.includes(p)), []);
          }
        } finally {
          conn.close();
          peer.destroy();
        }
      }), params(60));
  });
});
