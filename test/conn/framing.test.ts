/**
 * gorilla's TestFraming, crossed: role × fragmentation × read chunking × payload size. The
 * receiving side gets the wire bytes in chunks of a fixed size (1 byte = gorilla's OneByteReader).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import { newConn, type Conn } from "../../src/conn/conn.js";
import { BinaryMessage, TextMessage } from "../../src/constants.js";

/** A pair whose delivered chunks are cut to `chunk` bytes (0 = as written). */
function chunkedPair(chunk: number): [Duplex, Duplex] {
  let a!: Duplex;
  let b!: Duplex;
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(data: Buffer, _e, cb) {
        const copy = Buffer.from(data);
        setImmediate(() => {
          const p = peer();
          if (chunk === 0) p.push(copy);
          else for (let i = 0; i < copy.length; i += chunk) p.push(copy.subarray(i, i + chunk));
          cb();
        });
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

function payload(n: number, text: boolean): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = text ? 0x61 + (i % 26) : (i * 7) & 255;
  return b;
}

async function send(w: Conn, type: 1 | 2, p: Buffer, fragmented: boolean): Promise<void> {
  if (!fragmented) return w.writeMessage(type, p);
  const mw = await w.nextWriter(type);
  // Uneven pieces, so frames and writes do not line up.
  for (let i = 0; i < p.length; i += 333) mw.write(p.subarray(i, i + 333));
  await mw.close();
}

describe("Conn framing table (gorilla TestFraming)", () => {
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 70000];
  for (const server of [true, false]) {
    for (const fragmented of [false, true]) {
      for (const chunk of [1, 3, 64, 0]) {
        it(`Conn ${server ? "server" : "client"} writer, ${fragmented ? "fragmented at writeBufferSize" : "one frame"}, reader chunks ${chunk || "whole"}`, async () => {
          const [x, y] = chunkedPair(chunk);
          const writer = newConn(x, { server, writeBufferSize: 1000 });
          const reader = newConn(y, { server: !server });
          for (const n of chunk === 1 ? sizes.filter((s) => s < 70000) : sizes) {
            for (const type of [TextMessage, BinaryMessage] as const) {
              const p = payload(n, type === TextMessage);
              const sent = send(writer, type, p, fragmented);
              const m = await reader.readMessage();
              await sent;
              assert.equal(m.messageType, type);
              assert.ok(m.data.equals(p), `size ${n}`);
            }
          }
          writer.close();
          reader.close();
        });
      }
    }
  }
});
