// Interop matrix, silverback client side: Dialer ↔ ws, gorilla and python websockets echo servers (driven by
// their "!close/!ping/!frag" text commands). Same cases as the server matrix; the table is printed at the end.
import { after, describe } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  BadHandshakeError, BinaryMessage, CloseError, Dialer, PingMessage, TextMessage,
  type Conn, type DialerOptions, type DialResult,
} from "../../src/index.js";
import { pattern, startServer, stopAllPeers, within, type PeerServer, type ServerKind } from "../helpers/peers.js";
import {
  assertMessage, BOUNDARIES, burst, CHOSEN, EVIL_ORIGIN, Matrix, OFFER, PROTOCOLS, SIXTEEN_MIB, TEXT, wire,
} from "./matrix.js";
import { assertOneMessage, assertRsv1, startRelay, type Frames, type Relay } from "./frame-relay.js";

const SERVERS: ServerKind[] = ["ws", "gorilla", "python"];
const matrix = new Matrix("interop: silverback client ↔ peer servers");
const conns: Conn[] = [];
const servers: Array<Promise<PeerServer>> = [];
const relays: Relay[] = [];

after(async () => {
  for (const c of conns) c.close();
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all(servers.map((s) => s.then((x) => x.stop(), () => {})));
  await stopAllPeers();
});

function lazyServer(kind: ServerKind, compress: boolean): () => Promise<PeerServer> {
  let s: Promise<PeerServer> | null = null;
  return () => {
    if (!s) {
      s = startServer(kind, { subprotocols: PROTOCOLS, compress, rejectOrigin: EVIL_ORIGIN });
      servers.push(s);
    }
    return s;
  };
}

async function dial(server: PeerServer | Relay, opts: DialerOptions = {}, headers?: Record<string, string>): Promise<DialResult> {
  const dialer = new Dialer({ proxy: null, handshakeTimeout: 10_000, writeBufferSize: 4096, ...opts });
  const r = await dialer.dial(`ws://127.0.0.1:${server.port}/`, headers);
  conns.push(r.conn);
  return r;
}

type Session = DialResult & { relay: Relay };

/** A conn dialed through a frame-recording relay to the server, made once on first use. */
function session(server: () => Promise<PeerServer>, opts: DialerOptions): () => Promise<Session> {
  let r: Promise<Session> | null = null;
  return () => (r ??= (async () => {
    const relay = await startRelay((await server()).port);
    relays.push(relay);
    return { ...(await dial(relay, opts)), relay };
  })());
}

/** Runs fn and returns the frames that crossed the relay meanwhile (toServer = silverback → peer). */
async function framesOf(s: Session, fn: () => Promise<void>): Promise<Frames> {
  const since = s.relay.mark();
  await fn();
  return since();
}

// A conn whose read timed out once is stuck: later cases on it fail at once instead of waiting again.
const stuck = new WeakMap<Conn, string>();

async function read(conn: Conn, ms = 10_000) {
  const prior = stuck.get(conn);
  if (prior) throw new Error(`connection unusable after an earlier timeout (${prior})`);
  try {
    return await conn.readMessage({ signal: AbortSignal.timeout(ms) });
  } catch (err) {
    if ((err as Error | undefined)?.name === "TimeoutError") stuck.set(conn, String(err));
    throw err;
  }
}

async function echo(conn: Conn, type: 1 | 2, data: Buffer, ms?: number): Promise<void> {
  await conn.writeMessage(type, data);
  assertMessage(await read(conn, ms), type, data);
}

async function echoFragmented(conn: Conn, type: 1 | 2, pieces: Buffer[]): Promise<void> {
  const w = await conn.nextWriter(type);
  for (const p of pieces) w.write(p);
  await w.close();
  assertMessage(await read(conn), type, Buffer.concat(pieces));
}

async function measured(conn: Conn, type: 1 | 2, data: Buffer) {
  const delta = wire(conn.netConn());
  await echo(conn, type, data);
  return delta();
}

/** 100 writes issued at once (not awaited one by one); the echoes must come back whole and in order. */
async function pipelined(conn: Conn): Promise<void> {
  const msgs = burst();
  await Promise.all(msgs.map((m) => conn.writeMessage(m.type, m.data)));
  for (const m of msgs) assertMessage(await read(conn), m.type, m.data);
}

const extensions = (r: DialResult) => String(r.response.headers["sec-websocket-extensions"] ?? "");

function defineCases(kind: ServerKind): void {
  const pair = `${kind} server`;
  const needs = kind;
  const plainServer = lazyServer(kind, false);
  const deflateServer = lazyServer(kind, true);
  const plain = session(plainServer, { subprotocols: OFFER });

  matrix.case(pair, "handshake, subprotocol", { needs }, async () => {
    const r = await plain();
    assert.equal(r.response.status, 101);
    assert.equal(r.conn.subprotocol(), CHOSEN);
    assert.equal(r.response.headers["sec-websocket-protocol"], CHOSEN);
    assert.equal(extensions(r), "");
  });
  matrix.case(pair, "text", { needs }, async () => echo((await plain()).conn, TextMessage, Buffer.from(TEXT)));
  matrix.case(pair, "binary", { needs }, async () => echo((await plain()).conn, BinaryMessage, randomBytes(1000)));
  matrix.case(pair, "empty", { needs }, async () => {
    const { conn } = await plain();
    await echo(conn, TextMessage, Buffer.alloc(0));
    await echo(conn, BinaryMessage, Buffer.alloc(0));
  });
  for (const n of BOUNDARIES) {
    matrix.case(pair, `${n} B`, { needs }, async () => {
      const s = await plain();
      const f = await framesOf(s, () => echo(s.conn, BinaryMessage, randomBytes(n)));
      assertOneMessage(f.toServer, BinaryMessage, 1, 1); // writeMessage sends one frame
      assert.equal(f.toServer[0]!.length, n);
      await echo(s.conn, TextMessage, pattern(1, n));
    });
  }
  matrix.case(pair, "16 MiB", { needs, timeout: 120_000 }, async () => {
    const s = await plain();
    const f = await framesOf(s, () => echo(s.conn, BinaryMessage, pattern(2, SIXTEEN_MIB), 90_000));
    assertOneMessage(f.toServer, BinaryMessage, 1, 1);
    assert.equal(f.toServer[0]!.length, SIXTEEN_MIB);
  });
  matrix.case(pair, "fragmented, peer → sb", { needs }, async () => {
    const s = await plain();
    const f = await framesOf(s, async () => {
      await s.conn.writeMessage(TextMessage, "!frag 4 16384");
      assertMessage(await read(s.conn), BinaryMessage, pattern(2, 65536));
    });
    assertOneMessage(f.toClient, BinaryMessage, 4);
  });
  matrix.case(pair, "fragmented, sb → peer", { needs }, async () => {
    const s = await plain();
    const pieces = [randomBytes(5000), randomBytes(5000), randomBytes(5000)];
    const f = await framesOf(s, () => echoFragmented(s.conn, BinaryMessage, pieces));
    assertOneMessage(f.toServer, BinaryMessage, 3); // writeBufferSize 4096: each 5000-byte write leaves as a frame
    await echoFragmented(s.conn, TextMessage, [Buffer.from("frag"), Buffer.from("mented ✓")]);
  });
  matrix.case(pair, "100 pipelined messages", { needs }, async () => pipelined((await plain()).conn));
  matrix.case(pair, "ping, sb → peer", { needs }, async () => {
    const { conn } = await plain();
    const pong = new Promise<Buffer>((resolve) => conn.setPongHandler((d) => resolve(Buffer.from(d))));
    await conn.writeControl(PingMessage, "sb-ping");
    assert.equal((await within(pong, 10_000, "pong from peer")).toString(), "sb-ping");
    conn.setPongHandler(null);
  });
  matrix.case(pair, "ping, peer → sb", { needs }, async () => {
    const { conn } = await plain();
    await conn.writeMessage(TextMessage, "!ping cGVlci1waW5n");
    assertMessage(await read(conn), TextMessage, Buffer.from("!pong cGVlci1waW5n"));
  });
  matrix.case(pair, "close 4001 from peer", { needs }, async () => {
    const { conn } = await plain();
    await conn.writeMessage(TextMessage, "!close 4001 bye");
    await assert.rejects(read(conn), (err: unknown) => {
      assert.ok(err instanceof CloseError, `read rejected with ${String(err)}`);
      assert.deepEqual([err.code, err.text], [4001, "bye"]);
      return true;
    });
  });
  matrix.case(pair, "close 1000 from peer ends the loop", { needs }, async () => {
    const { conn } = await dial(await plainServer());
    await conn.writeMessage(TextMessage, "!close 1000");
    const seen: Buffer[] = [];
    for await (const m of conn) seen.push(m.data); // ends without throwing on 1000
    assert.deepEqual(seen, []);
  });
  matrix.case(pair, "close 4000 from sb", { needs }, async () => {
    const { conn } = await dial(await plainServer());
    const res = await conn.shutdown(4000, "bye");
    assert.ok(res instanceof CloseError, `shutdown resolved ${String(res)}`);
    assert.equal(res.code, 4000);
  });
  matrix.case(pair, "origin check", { needs }, async () => {
    const server = await plainServer();
    await assert.rejects(dial(server, {}, { Origin: EVIL_ORIGIN }), (err: unknown) => {
      assert.ok(err instanceof BadHandshakeError, `dial rejected with ${String(err)}`);
      assert.equal(err.response.status, 403);
      return true;
    });
  });

  const deflate = session(deflateServer, { subprotocols: OFFER, enableCompression: true });
  matrix.case(pair, "deflate: negotiated", { needs }, async () => {
    const r = await deflate();
    assert.match(extensions(r), /^permessage-deflate\b/);
    assert.equal(r.conn.subprotocol(), CHOSEN);
  });
  matrix.case(pair, "deflate: 64 KiB compressed on the wire", { needs }, async () => {
    const s = await deflate();
    let d = { read: 0, written: 0 };
    const f = await framesOf(s, async () => void (d = await measured(s.conn, TextMessage, pattern(1, 65536))));
    assert.ok(d.written < 8192, `silverback wrote ${d.written} bytes for 64 KiB of repetitive text`);
    assert.ok(d.read < 8192, `silverback read ${d.read} bytes for 64 KiB of repetitive text`);
    assertRsv1(f.toServer, true);
    assertRsv1(f.toClient, true);
  });
  matrix.case(pair, "deflate: small, empty, binary", { needs }, async () => {
    const { conn } = await deflate();
    await echo(conn, BinaryMessage, randomBytes(200));
    await echo(conn, TextMessage, Buffer.alloc(0));
    await echo(conn, BinaryMessage, Buffer.alloc(0));
    await echo(conn, TextMessage, Buffer.from(TEXT.repeat(100)));
    await echo(conn, BinaryMessage, randomBytes(70_000));
    await echo(conn, BinaryMessage, pattern(2, 1 << 20));
  });
  matrix.case(pair, "deflate: repeats 8 KB apart (window bits)", { needs }, async () => {
    const r = randomBytes(8000);
    await echo((await deflate()).conn, BinaryMessage, Buffer.concat([r, r, r]));
  });
  matrix.case(pair, "deflate: fragmented both ways", { needs }, async () => {
    const s = await deflate();
    const f = await framesOf(s, async () => {
      await s.conn.writeMessage(TextMessage, "!frag 3 20000");
      assertMessage(await read(s.conn), BinaryMessage, pattern(2, 60_000));
    });
    assertOneMessage(f.toClient, BinaryMessage);
    assertRsv1(f.toClient, true);
    const pieces = [randomBytes(6000), randomBytes(6000), randomBytes(6000)];
    const g = await framesOf(s, () => echoFragmented(s.conn, BinaryMessage, pieces));
    assertOneMessage(g.toServer, BinaryMessage, 2);
    assertRsv1(g.toServer, true);
    await echoFragmented(s.conn, TextMessage, [pattern(1, 6000), pattern(1, 6000), pattern(1, 6000)]);
  });
  matrix.case(pair, "deflate: 100 pipelined messages", { needs }, async () => pipelined((await deflate()).conn));
  matrix.case(pair, "deflate: context takeover", { needs }, async (skip) => {
    if (kind === "gorilla") return skip("gorilla supports no context takeover only");
    const { conn } = await deflate();
    const data = randomBytes(2000); // fits python's 4 KiB window (client_max_window_bits=12)
    const first = await measured(conn, BinaryMessage, data);
    const second = await measured(conn, BinaryMessage, data);
    assert.ok(second.written < first.written / 2, `sb wrote ${first.written} then ${second.written} bytes`);
    assert.ok(second.read < first.read / 2, `sb read ${first.read} then ${second.read} bytes`);
  });
  matrix.case(pair, "deflate: no context takeover", { needs }, async () => {
    const r = await dial(await deflateServer(), {
      enableCompression: true,
      compression: { serverNoContextTakeover: true, clientNoContextTakeover: true },
    });
    assert.match(extensions(r), /server_no_context_takeover/);
    const data = randomBytes(2000);
    await measured(r.conn, BinaryMessage, data);
    const second = await measured(r.conn, BinaryMessage, data);
    assert.ok(second.read >= 2000, `sb read only ${second.read} bytes: the server kept its context`);
    if (/client_no_context_takeover/.test(extensions(r))) {
      assert.ok(second.written >= 2000, `sb wrote only ${second.written} bytes: deflate context was kept`);
    }
  });
  matrix.case(pair, "deflate: off (offered, declined)", { needs }, async () => {
    const declined = await dial(await plainServer(), { enableCompression: true });
    assert.equal(extensions(declined), "");
    const d = await measured(declined.conn, TextMessage, pattern(1, 65536));
    assert.ok(d.read >= 65536 && d.written >= 65536, `wire: ${JSON.stringify(d)}`);
    const notOffered = await dial(await deflateServer(), {});
    assert.equal(extensions(notOffered), "");
    await echo(notOffered.conn, TextMessage, pattern(1, 65536));
  });
}

for (const kind of SERVERS) {
  describe(`silverback client ↔ ${kind} server`, () => defineCases(kind));
}
