/**
 * permessage-deflate attacks. Decompression bombs (undici CVE-2026-1526: a ~6 MB frame inflating
 * to ~1 GB with no inflated-size limit) against a silverback server and client: the read limit
 * applies to inflated bytes while inflating, so the conn sends 1009 without allocating the bomb.
 * Bad window bits (undici 2026 advisory: server_max_window_bits=99 crashed the client through an
 * uncaught zlib RangeError): the Dialer fails the handshake, the Upgrader declines the offer.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { deflateRawSync, constants as zc } from "node:zlib";
import { computeAcceptKey } from "../../src/handshake/accept-key.js";
import { send, waitClose, type Case, type FrameSpec } from "../conformance/case.js";
import { loadLib, readHttpHead } from "../conformance/lib.js";
import { runCase } from "../conformance/runner.js";
import { makeTarget, type Target } from "../conformance/targets.js";
import { verify } from "../conformance/verify.js";
import { controlConn, heapNow, startServer, within, type EchoServer } from "./util.js";

const MiB = 1 << 20;

/** `n` zero bytes, deflated (RFC 7692 framing: sync flush, trailer removed), as one RSV1 frame. */
function bomb(n: number): FrameSpec {
  const d = deflateRawSync(Buffer.alloc(n), { finishFlush: zc.Z_SYNC_FLUSH, level: 9 });
  return { opcode: 2, rsv: 4, payload: d.subarray(0, d.length - 4) };
}

const lib = await loadLib();
const skip = lib === null ? "permessage-deflate not available yet" : false;

for (const role of ["server", "client"] as const) {
  describe(`security: decompression bombs against a silverback ${role}`, { skip }, () => {
    let target: Target;
    let other: EchoServer;
    before(async () => {
      target = await makeTarget(role);
      other = await startServer();
    });
    after(async () => {
      await other.close();
      await target.close();
    });
    const cases: Array<{ name: string; c: Case; maxGrowth: number }> = [
      {
        name: "a 64 MiB bomb (64 KB on the wire) against a 1 MiB limit fails with 1009, heap stays below the limit plus a margin",
        c: { id: "bomb.1", title: "", options: { compression: true, readLimit: MiB }, steps: [send(bomb(64 * MiB)), waitClose], expect: { close: 1009, fail: "read limit exceeded" } },
        maxGrowth: MiB + 16 * MiB,
      },
      {
        name: "a 256 MiB bomb (256 KB on the wire) against the default 64 MiB limit fails with 1009",
        c: { id: "bomb.2", title: "", options: { compression: true }, steps: [send(bomb(256 * MiB)), waitClose], expect: { close: 1009, fail: "read limit exceeded" } },
        maxGrowth: 64 * MiB + 32 * MiB,
      },
    ];
    for (const { name, c, maxGrowth } of cases) {
      it(name, async () => {
        const control = await controlConn(role === "server" ? target.port : other.port);
        try {
          const baseline = heapNow();
          const r = await runCase(target, c);
          const grown = heapNow() - baseline;
          assert.ok(r.compression, "permessage-deflate was not negotiated");
          assert.deepEqual(verify(c, r), []);
          assert.ok(grown < maxGrowth, `heap grew by ${(grown / MiB).toFixed(1)} MiB`);
          await control.roundTrip(c.id);
        } finally {
          control.close();
        }
      });
    }
  });
}

describe("security: invalid permessage-deflate window bits (undici 2026 advisory)", { skip }, () => {
  for (const answer of ["server_max_window_bits=99", "server_max_window_bits=7", "client_max_window_bits=16", "server_max_window_bits=\"15\"; server_max_window_bits=15"]) {
    it(`the Dialer fails the handshake when the server answers permessage-deflate; ${answer}`, async () => {
      const server = net.createServer((sock) => {
        sock.on("error", () => {});
        readHttpHead(sock).then(({ head }) => {
          const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
          sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Accept: ${computeAcceptKey(key)}\r\nSec-WebSocket-Extensions: permessage-deflate; ${answer}\r\n\r\n`);
        }, () => sock.destroy());
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const d = new lib!.Dialer({ proxy: null, enableCompression: true, handshakeTimeout: 10_000 });
        const err = await within(d.dial(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`).then(() => null, (e: unknown) => e), 15_000, "the dial");
        assert.ok(err instanceof Error && err.name === "BadHandshakeError", `expected BadHandshakeError, got ${String(err)}`);
      } finally {
        server.close();
      }
    });
  }

  it("the Upgrader declines an offer with client_max_window_bits=99 and still upgrades", async () => {
    const srv = await startServer({ compression: true });
    try {
      const sock = net.connect(srv.port, "127.0.0.1");
      sock.on("error", () => {});
      sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99; server_max_window_bits=0\r\n\r\n`);
      const { head } = await within(readHttpHead(sock), 10_000, "the answer");
      assert.match(head, /^HTTP\/1\.1 101 /);
      assert.doesNotMatch(head, /sec-websocket-extensions/i);
      sock.destroy();
    } finally {
      await srv.close();
    }
  });
});
