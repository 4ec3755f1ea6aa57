/**
 * Frame-level attacks, against a silverback server and a silverback client, through the
 * conformance peer: a huge declared 64-bit length (gorilla CVE-2020-27813: the length overflowed
 * the remaining-bytes counter and bypassed the read limit), close frames with invalid UTF-8
 * reasons and with codes that are never sent on the wire. Each must get the exact close code,
 * allocate nothing for the declared payload, and leave other connections working.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, close, send, waitClose, type Case } from "../conformance/case.js";
import { runCase } from "../conformance/runner.js";
import { makeTarget, type Target } from "../conformance/targets.js";
import { verify } from "../conformance/verify.js";
import { controlConn, heapNow, startServer, type EchoServer } from "./util.js";

const MiB = 1 << 20;

const attacks: Array<{ name: string; c: Case; heap?: boolean }> = [
  {
    name: "CVE-2020-27813: a frame declaring 2^63 - 1 bytes fails with 1009 and allocates nothing",
    heap: true,
    c: { id: "sec.1", title: "", steps: [send(binary("", { declaredLength: (1n << 63n) - 1n })), waitClose], expect: { close: 1009, fail: "read limit exceeded" } },
  },
  {
    name: "CVE-2020-27813: a frame declaring 2^64 - 1 bytes (top bit set) fails with 1002 and allocates nothing",
    heap: true,
    c: { id: "sec.2", title: "", steps: [send(binary("", { declaredLength: (1n << 64n) - 1n })), waitClose], expect: { close: 1002, fail: "bad frame length" } },
  },
  {
    name: "CVE-2020-27813: a second fragment declaring 2^62 after 1 MiB fails with 1009 (no counter overflow)",
    heap: true,
    c: {
      id: "sec.3", title: "",
      steps: [send(binary(Buffer.alloc(MiB), { fin: false }), { opcode: 0, declaredLength: 1n << 62n }), waitClose],
      expect: { close: 1009, fail: "read limit exceeded" },
    },
  },
  {
    name: "a close frame with a 123-byte invalid UTF-8 reason fails with 1007",
    c: { id: "sec.4", title: "", steps: [send(close(1000, Buffer.alloc(123, 0xc0)))], expect: { close: 1007, fail: "invalid utf8 payload in close frame" } },
  },
  {
    name: "a close frame with a 64 KiB reason fails with 1002 at its header",
    heap: true,
    c: { id: "sec.5", title: "", steps: [send(close(1000, "r".repeat(65536))), waitClose], expect: { close: 1002, fail: "len > 125 for control" } },
  },
  ...[1005, 1006, 1015].map((code) => ({
    name: `close code ${code} on the wire fails with 1002`,
    c: { id: `sec.${code}`, title: "", steps: [send(close(code, "x"))], expect: { close: 1002, fail: `bad close code ${code}` } } as Case,
  })),
];

for (const role of ["server", "client"] as const) {
  describe(`security: frame attacks on a silverback ${role}`, () => {
    let target: Target;
    let other: EchoServer;
    let controls: Array<Awaited<ReturnType<typeof controlConn>>>;
    before(async () => {
      target = await makeTarget(role);
      other = await startServer();
      // A conn of the attacked server (server role) and an unrelated conn of this process.
      controls = [await controlConn(role === "server" ? target.port : other.port), await controlConn(other.port)];
    });
    after(async () => {
      for (const c of controls) c.close();
      await other.close();
      await target.close();
    });
    for (const a of attacks) {
      it(a.name, async () => {
        const before = heapNow();
        const r = await runCase(target, a.c);
        const grown = heapNow() - before;
        assert.deepEqual(verify(a.c, r), []);
        if (a.heap) assert.ok(grown < 8 * MiB, `heap grew by ${(grown / MiB).toFixed(1)} MiB`);
        for (const [i, c] of controls.entries()) await c.roundTrip(`${a.c.id}/${i}`);
      });
    }
  });
}
