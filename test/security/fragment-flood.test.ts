/**
 * Fragment flood (ws CVE-2026-48779: per-fragment bookkeeping exhausted memory). 1,000,000
 * one-byte fragments of one binary message, sent as 7 MB of masked frames: silverback must accept
 * them (no fragment-count cap, Autobahn 9.x sends 65,536 legitimate fragments) with memory bounded
 * by the payload, not by the fragment count, and echo the 1,000,000-byte message.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { attack, closeCode, controlConn, heapNow, startServer } from "./util.js";

const FRAGMENTS = 1_000_000;
const MiB = 1 << 20;
// Generous: the payload is 1 MB; per-fragment objects (a Buffer view each) would cost > 100 MB.
const MAX_GROWTH = 48 * MiB;

/** FRAGMENTS masked one-byte frames (first binary, then continuations); FIN on none of them. */
function flood(): Buffer {
  const key = [0x12, 0x34, 0x56, 0x78];
  const b = Buffer.allocUnsafe(FRAGMENTS * 7);
  for (let i = 0, o = 0; i < FRAGMENTS; i++, o += 7) {
    b[o] = i === 0 ? 0x02 : 0x00;
    b[o + 1] = 0x81;
    b[o + 2] = key[0]!;
    b[o + 3] = key[1]!;
    b[o + 4] = key[2]!;
    b[o + 5] = key[3]!;
    b[o + 6] = (i & 0xff) ^ key[0]!;
  }
  return b;
}

describe("security: fragment flood (CVE-2026-48779 class)", () => {
  it("1,000,000 one-byte fragments are accepted with heap growth bounded by the payload; other conns keep echoing", async (t) => {
    const srv = await startServer();
    const control = await controlConn(srv.port);
    const a = await attack(srv.port);
    try {
      const bytes = flood();
      const baseline = heapNow();
      // Sync point: a ping behind the fragments is answered only once every fragment was parsed.
      a.sock.write(bytes);
      a.sock.write(Buffer.from([0x89, 0x84, 0, 0, 0, 0, 0x73, 0x79, 0x6e, 0x63]));
      await control.roundTrip("during the flood");
      await a.frame((f) => f.opcode === 10, "the pong behind the fragments", 60_000);
      const grown = heapNow() - baseline;
      t.diagnostic(`heap + array buffers grew by ${(grown / MiB).toFixed(1)} MiB for ${FRAGMENTS} fragments`);
      assert.ok(grown < MAX_GROWTH, `heap grew by ${(grown / MiB).toFixed(1)} MiB holding ${FRAGMENTS} one-byte fragments`);
      // The final fragment completes the message: FRAGMENTS + 1 bytes come back.
      a.sock.write(Buffer.from([0x80, 0x81, 0, 0, 0, 0, 0x2a]));
      const echo = await a.frame((f) => f.opcode === 2, "the echo", 60_000);
      assert.equal(echo.payload.length, FRAGMENTS + 1);
      for (let i = 0; i < FRAGMENTS; i += 9973) assert.equal(echo.payload[i], i & 0xff);
      assert.equal(echo.payload[FRAGMENTS], 0x2a);
      await control.roundTrip("after the flood");
      a.sock.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
      const c = await a.frame((f) => f.opcode === 8, "the close");
      assert.equal(closeCode(c), 1000);
    } finally {
      a.sock.destroy();
      control.close();
      await srv.close();
    }
  });
});
