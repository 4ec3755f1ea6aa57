/**
 * Malformed frames sent by a raw peer to a server Conn (API.md §8): the right close frame goes
 * back, the pending and later reads fail with the typed error, the socket is ended, and a
 * neighbouring conn keeps working.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type net from "node:net";
import { newConn } from "../../src/conn/conn.js";
import { ProtocolError, ReadLimitError } from "../../src/errors.js";
import { tcpPair } from "../helpers/duplex-pair.js";

/** A masked client frame built by hand (mask key 0, so payload bytes are as given). */
function frame(first: number, payload: number[] | Buffer, opts: { mask?: boolean; len?: number[] } = {}): Buffer {
  const p = Buffer.from(payload);
  const mask = opts.mask ?? true;
  const len = opts.len ?? (p.length < 126 ? [p.length] : [126, p.length >> 8, p.length & 255]);
  return Buffer.concat([Buffer.from([first, (mask ? 0x80 : 0) | len[0]!, ...len.slice(1)]), mask ? Buffer.alloc(4) : Buffer.alloc(0), p]);
}

/** Reads everything the server sends until it ends the connection. */
function readAll(sock: net.Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  sock.on("data", (d: Buffer) => parts.push(d));
  return new Promise((resolve) => sock.on("close", () => resolve(Buffer.concat(parts))));
}

/** Parses the close frame the server sent (unmasked: server → client). */
function closeCode(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const op = bytes[i]! & 0x0f;
    const len = bytes[i + 1]! & 0x7f;
    if (op === 8) return bytes.readUInt16BE(i + 2);
    i += 2 + len;
  }
  return -1;
}

const cases: Array<[string, Buffer, number, RegExp, (new (...a: never[]) => Error)?]> = [
  ["RSV2 set", frame(0xa1, [0x61]), 1002, /RSV2 set/],
  ["RSV1 without negotiated compression", frame(0xc1, [0x61]), 1002, /RSV1 set/],
  ["reserved opcode 3", frame(0x83, []), 1002, /bad opcode 3/],
  ["reserved opcode 11", frame(0x8b, []), 1002, /bad opcode 11/],
  ["unmasked frame from a client", frame(0x81, [0x61], { mask: false }), 1002, /bad MASK/],
  ["control frame longer than 125 bytes", frame(0x89, Buffer.alloc(126)), 1002, /len > 125 for control/],
  ["fragmented control frame", frame(0x09, []), 1002, /FIN not set on control/],
  ["continuation with no message open", frame(0x80, [0x61]), 1002, /continuation after FIN/],
  ["data frame inside a fragmented message", Buffer.concat([frame(0x01, [0x61]), frame(0x81, [0x62])]), 1002, /data before FIN/],
  ["64-bit length with the top bit set", frame(0x82, [], { len: [127, 0x80, 0, 0, 0, 0, 0, 0, 1] }), 1002, /bad frame length/],
  ["close payload of one byte", frame(0x88, [0x03]), 1002, /bad close payload/],
  ["close code 1005 on the wire", frame(0x88, [0x03, 0xed]), 1002, /bad close code 1005/],
  ["close code 1006 on the wire", frame(0x88, [0x03, 0xee]), 1002, /bad close code 1006/],
  ["close code 999", frame(0x88, [0x03, 0xe7]), 1002, /bad close code 999/],
  ["close code 5000", frame(0x88, [0x13, 0x88]), 1002, /bad close code 5000/],
  ["invalid UTF-8 in a text message", frame(0x81, [0xc0, 0xaf]), 1007, /invalid UTF-8 in text message/],
  ["invalid UTF-8 across fragments", Buffer.concat([frame(0x01, [0xe2, 0x82]), frame(0x80, [0x28])]), 1007, /invalid UTF-8/],
  ["invalid UTF-8 in a close reason", frame(0x88, [0x03, 0xe8, 0xff]), 1007, /invalid utf8 payload in close frame/],
  ["message over the read limit", frame(0x82, Buffer.alloc(200)), 1009, /read limit exceeded/, ReadLimitError],
];

describe("RFC 6455 §7.1.7 failing the connection on malformed input (API.md §8)", () => {
  for (const [name, bytes, code, msg, cls] of cases) {
    it(`Conn sends close ${code} and rejects reads on ${name}`, async () => {
      const [client, server] = await tcpPair();
      const conn = newConn(server, { server: true, readLimit: 100 });
      // A neighbour on its own pair keeps working during the failure.
      const [nc, ns] = await tcpPair();
      const neighbour = newConn(ns, { server: true });
      const peer = newConn(nc, { server: false });
      const received = readAll(client);
      const pending = conn.readMessage().catch((e: unknown) => e);
      client.write(bytes);
      const err = await pending;
      assert.ok(err instanceof (cls ?? ProtocolError), `got ${String(err)}`);
      assert.match((err as Error).message, msg);
      if (err instanceof ProtocolError) assert.equal(err.closeCode, code);
      // Permanent: later reads fail with the same error, on a later turn.
      assert.equal(await conn.readMessage().catch((e: unknown) => e), err);
      // The server ends the TCP connection by itself; the client closes its side too.
      client.end();
      assert.equal(closeCode(await received), code);
      await peer.writeMessage(1, "still here");
      assert.equal((await neighbour.readMessage()).data.toString(), "still here");
      peer.close();
      neighbour.close();
    });
  }

  it("Conn ignores frames after the peer's close frame", async () => {
    const [client, server] = await tcpPair();
    const conn = newConn(server, { server: true });
    const received = readAll(client);
    client.write(Buffer.concat([frame(0x81, [0x61]), frame(0x88, [0x03, 0xe8]), frame(0xa1, [0x61])]));
    assert.equal((await conn.readMessage()).data.toString(), "a");
    const err = await conn.readMessage().catch((e: unknown) => e);
    assert.equal((err as { code?: number }).code, 1000);
    client.end();
    assert.equal(closeCode(await received), 1000);
  });

  it("Conn reports TCP closed without a close frame as CloseError 1006 unexpected EOF, after queued messages", async () => {
    const [client, server] = await tcpPair();
    const conn = newConn(server, { server: true });
    client.end(frame(0x82, [1, 2]));
    assert.deepEqual((await conn.readMessage()).data, Buffer.from([1, 2]));
    const err = await conn.readMessage().catch((e: unknown) => e);
    assert.equal((err as { code?: number }).code, 1006);
    assert.equal((err as { text?: string }).text, "unexpected EOF");
  });
});
