/**
 * Ping flood while nobody reads: the attacker sends 100,000 pings and never reads the pongs, and
 * the silverback application never calls a read. Pongs must coalesce (RFC 6455 §5.5.3 allows
 * answering only the most recent ping): the conn's unsent bytes stay near writeHighWaterMark,
 * the heap stays flat, the attacker gets far fewer pongs than pings, and the last ping is answered.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame } from "../conformance/wire.js";
import { attack, closeCode, controlConn, heapNow, startServer, within } from "./util.js";

const PINGS = 100_000;
const HWM = 64 * 1024;
const MiB = 1 << 20;

function payload(i: number): Buffer {
  const p = Buffer.alloc(125, 0x70);
  p.writeUInt32BE(i, 0);
  return p;
}

describe("security: ping flood while never reading", () => {
  it("100,000 pings to an application that never reads, from a peer that never reads: pongs coalesce, memory stays bounded", async (t) => {
    const srv = await startServer({ read: false });
    const control = await controlConn(srv.port); // the server's first conn: it never reads either
    const controlServerSide = srv.conns[0]!;
    const next = srv.nextConn();
    const a = await attack(srv.port);
    const conn = await within(next, 10_000, "the server conn");
    try {
      let seen = 0;
      let allSeen!: () => void;
      const done = new Promise<void>((r) => (allSeen = r));
      const dflt = conn.pingHandler();
      conn.setPingHandler((d) => {
        if (++seen === PINGS) allSeen();
        return dflt(d);
      });
      a.sock.pause();
      const key = new Uint8Array([9, 8, 7, 6]);
      const baseline = heapNow();
      a.sock.write(Buffer.concat(Array.from({ length: PINGS }, (_, i) => encodeFrame({ fin: true, rsv: 0, opcode: 9, payload: payload(i), maskKey: key }))));
      await within(done, 60_000, "the server to parse every ping");
      const buffered = conn.bufferedAmount;
      const grown = heapNow() - baseline;
      assert.ok(buffered <= HWM + 1024, `bufferedAmount ${buffered} after ${PINGS} unanswered pings`);
      assert.ok(grown < 16 * MiB, `heap grew by ${(grown / MiB).toFixed(1)} MiB`);
      // Another conn of the same server still works (its application echoes by hand here).
      const echoed = controlServerSide.readMessage().then((m) => controlServerSide.writeMessage(m.messageType, m.data));
      await control.roundTrip("during the flood");
      await echoed;
      // Now read: the pongs that were sent, then the answer to the last ping.
      a.sock.resume();
      const last = payload(PINGS - 1);
      await a.frame((f) => f.opcode === 10 && f.payload.equals(last), "the pong to the last ping", 60_000);
      const pongs = a.frames.filter((f) => f.opcode === 10);
      t.diagnostic(`${PINGS} pings → ${pongs.length} pongs; bufferedAmount ${buffered} B; heap +${(grown / MiB).toFixed(1)} MiB`);
      assert.ok(pongs.length < PINGS, `${pongs.length} pongs for ${PINGS} pings: not coalesced`);
      let prev = -1;
      for (const p of pongs) {
        const i = p.payload.readUInt32BE(0);
        assert.ok(i > prev && p.payload.equals(payload(i)), "pongs out of order or with a wrong payload");
        prev = i;
      }
      a.sock.write(encodeFrame({ fin: true, rsv: 0, opcode: 8, payload: Buffer.from([0x03, 0xe8]), maskKey: key }));
      assert.equal(closeCode(await a.frame((f) => f.opcode === 8, "the close")), 1000);
    } finally {
      a.sock.destroy();
      control.close();
      await srv.close();
    }
  });
});
