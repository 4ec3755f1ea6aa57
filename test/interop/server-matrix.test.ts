// Interop matrix, silverback server side: Upgrader + echo loop ↔ ws, gorilla, python websockets, Chromium and
// undici clients. Each pair runs every case of issue 6 (data sizes, fragments, ping/pong, close, subprotocol,
// origin, permessage-deflate on/off/context takeover); the table is printed at the end.
import { after, describe } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BinaryMessage, CloseError, HandshakeError, PingMessage, TextMessage } from "../../src/index.js";
import {
  pattern, startClient, stopAllPeers, within,
  type ClientKind, type ClientOptions, type Op, type PeerClient,
} from "../helpers/peers.js";
import {
  assertReceived, BOUNDARIES, burst, CHOSEN, EVIL_ORIGIN, Matrix, OFFER, SIXTEEN_MIB, TEXT, wire,
} from "./matrix.js";
import { startSbServer, type Accepted, type SbServer } from "./sb-server.js";
import { assertOneMessage, assertRsv1, startRelay, type Frames, type Relay } from "./frame-relay.js";

interface Caps {
  ping: boolean;            // can send a ping and report the pong
  frag: boolean;            // can send a fragmented message
  origin: "header" | "page" | "none";   // sets any Origin / sends its page origin / sends none
  compressesSends: boolean; // compresses what it sends once permessage-deflate is agreed
  contextTakeover: boolean; // keeps its deflate context between messages when allowed
}
const CLIENTS: Record<ClientKind, Caps> = {
  ws: { ping: true, frag: true, origin: "header", compressesSends: true, contextTakeover: true },
  gorilla: { ping: true, frag: true, origin: "header", compressesSends: true, contextTakeover: false },
  python: { ping: true, frag: true, origin: "header", compressesSends: true, contextTakeover: true },
  chromium: { ping: false, frag: false, origin: "page", compressesSends: true, contextTakeover: true },
  undici: { ping: false, frag: false, origin: "none", compressesSends: false, contextTakeover: false },
};

const matrix = new Matrix("interop: silverback server ↔ peer clients");
let sbServer: Promise<SbServer> | null = null;
const server = () => (sbServer ??= startSbServer());
const clients: PeerClient[] = [];
const relays: Relay[] = [];

after(async () => {
  await Promise.all(clients.map((c) => c.stop().catch(() => {})));
  await Promise.all(relays.map((r) => r.stop()));
  await stopAllPeers();
  if (sbServer) await (await sbServer).stop();
});

type Session = { client: PeerClient; rec: Accepted & Required<Pick<Accepted, "conn" | "done">>; relay?: Relay };

/**
 * A peer client connected to `path` and the silverback conn that accepted it; opened once, on first use.
 * With `viaRelay`, the connection goes through a frame-recording relay (frames(): what went over the wire).
 */
function session(kind: ClientKind, path: string, opts: ClientOptions, viaRelay = false): () => Promise<Session> {
  let s: Promise<Session> | null = null;
  return () => (s ??= (async () => {
    const srv = await server();
    const relay = viaRelay ? await startRelay(srv.port) : undefined;
    if (relay) relays.push(relay);
    const client = await startClient(kind, `ws://127.0.0.1:${relay?.port ?? srv.port}${path}`, opts);
    clients.push(client);
    if (client.open.event !== "open") {
      const seen = await srv.take(5_000).catch(() => null);
      throw new Error(`${kind} handshake on ${path} failed: ${JSON.stringify(client.open)}; server: ${String(seen?.error)}`);
    }
    return { client, rec: await srv.takeConn(), ...(relay ? { relay } : {}) };
  })());
}

/** Runs fn and returns the frames that crossed the relay meanwhile (toServer = peer → silverback). */
async function framesOf(s: Session, fn: () => Promise<void>): Promise<Frames> {
  const since = s.relay!.mark();
  await fn();
  return since();
}

// A connection that timed out once is stuck: later cases on it fail at once instead of waiting again.
const stuck = new WeakMap<PeerClient, string>();

/** One op, default timeout 10 s; a timeout marks the client stuck. */
async function call(client: PeerClient, o: Op) {
  const prior = stuck.get(client);
  if (prior) throw new Error(`connection unusable after an earlier timeout (${prior})`);
  const r = await client.op({ timeout: 10_000, ...o }).catch((err: unknown) => {
    stuck.set(client, String(err));
    throw err;
  });
  if (r.error && /timeout/.test(r.error)) stuck.set(client, `${o.op}: ${r.error}`);
  return r;
}

async function op(client: PeerClient, o: Op) {
  const r = await call(client, o);
  assert.equal(r.error, undefined, `${client.kind} ${o.op} failed: ${r.error}`);
  return r;
}

async function echo(client: PeerClient, type: 1 | 2, data: Buffer, frag?: number[]): Promise<void> {
  await op(client, { op: "send", type, b64: data.toString("base64"), ...(frag ? { frag } : {}) });
  assertReceived(await call(client, { op: "recv" }), type, data);
}

async function echoGen(client: PeerClient, type: 1 | 2, n: number, extra: { frag?: number[]; timeout?: number } = {}) {
  await op(client, { op: "send", type, gen: n, ...extra });
  assertReceived(await call(client, { op: "recv", ...(extra.timeout ? { timeout: extra.timeout } : {}) }), type, pattern(type, n));
}

/** Echoes data once and returns the bytes the silverback socket read and wrote meanwhile. */
async function measured(s: Session, type: 1 | 2, data: Buffer) {
  const delta = wire(s.rec.conn.netConn());
  await echo(s.client, type, data);
  return delta();
}

async function writeFragmented(s: Session, type: 1 | 2, pieces: Buffer[]): Promise<void> {
  const w = await s.rec.conn.nextWriter(type);
  for (const p of pieces) w.write(p);
  await w.close();
  assertReceived(await call(s.client, { op: "recv" }), type, Buffer.concat(pieces));
}

/** The peer sends 100 messages before reading any echo; the echoes must come back whole and in order. */
async function pipelined(client: PeerClient): Promise<void> {
  const msgs = burst();
  for (const m of msgs) await op(client, { op: "send", type: m.type, b64: m.data.toString("base64") });
  for (const m of msgs) assertReceived(await call(client, { op: "recv" }), m.type, m.data);
}

function defineCases(kind: ClientKind, caps: Caps): void {
  const pair = `${kind} client`;
  const needs = kind;
  const plain = session(kind, "/plain", { subprotocols: OFFER }, true);

  matrix.case(pair, "handshake, subprotocol", { needs }, async () => {
    const { client, rec } = await plain();
    assert.equal(client.open.subprotocol, CHOSEN);
    assert.equal(rec.conn.subprotocol(), CHOSEN);
    assert.equal(client.open.extensions ?? "", "", "no extension on /plain");
  });
  matrix.case(pair, "text", { needs }, async () => echo((await plain()).client, 1, Buffer.from(TEXT)));
  matrix.case(pair, "binary", { needs }, async () => echo((await plain()).client, 2, randomBytes(1000)));
  matrix.case(pair, "empty", { needs }, async () => {
    const { client } = await plain();
    await echo(client, 1, Buffer.alloc(0));
    await echo(client, 2, Buffer.alloc(0));
  });
  for (const n of BOUNDARIES) {
    matrix.case(pair, `${n} B`, { needs }, async () => {
      const s = await plain();
      const f = await framesOf(s, () => echo(s.client, 2, randomBytes(n)));
      assertOneMessage(f.toClient, 2, 1, 1); // writeMessage sends one frame
      assert.equal(f.toClient[0]!.length, n);
      await echoGen(s.client, 1, n);
    });
  }
  matrix.case(pair, "16 MiB", { needs, timeout: 120_000 }, async () => {
    const s = await plain();
    const f = await framesOf(s, () => echoGen(s.client, 2, SIXTEEN_MIB, { timeout: 90_000 }));
    assertOneMessage(f.toClient, 2, 1, 1);
    assert.equal(f.toClient[0]!.length, SIXTEEN_MIB);
  });
  matrix.case(pair, "fragmented, peer → sb", { needs }, async (skip) => {
    if (!caps.frag) return skip(`${kind} cannot send fragmented messages`);
    const s = await plain();
    const f = await framesOf(s, () => echoGen(s.client, 1, 9000, { frag: [3000, 3000, 3000] }));
    assertOneMessage(f.toServer, 1, 3);
    const g = await framesOf(s, () => echo(s.client, 2, randomBytes(10_000), [1, 4999, 5000]));
    assertOneMessage(g.toServer, 2, 3);
  });
  matrix.case(pair, "fragmented, sb → peer", { needs }, async () => {
    const s = await plain();
    const f = await framesOf(s, () =>
      writeFragmented(s, BinaryMessage, [randomBytes(5000), randomBytes(5000), randomBytes(5000)]));
    assertOneMessage(f.toClient, 2, 3); // writeBufferSize 4096: each 5000-byte write leaves as a frame
    await writeFragmented(s, TextMessage, [Buffer.from("frag"), Buffer.from("mented ✓")]);
  });
  matrix.case(pair, "100 pipelined messages", { needs }, async () => pipelined((await plain()).client));
  matrix.case(pair, "ping, sb → peer", { needs }, async () => {
    const { rec } = await plain();
    const pong = new Promise<Buffer>((resolve) => rec.conn.setPongHandler((d) => resolve(Buffer.from(d))));
    await rec.conn.writeControl(PingMessage, "sb-ping");
    assert.equal((await within(pong, 10_000, "pong from peer")).toString(), "sb-ping");
    rec.conn.setPongHandler(null);
  });
  matrix.case(pair, "ping, peer → sb", { needs }, async (skip) => {
    if (!caps.ping) return skip(`${kind} has no ping API`);
    const { client } = await plain();
    assert.deepEqual(await op(client, { op: "ping", b64: "cGVlci1waW5n" }), { pong: "cGVlci1waW5n" });
  });
  matrix.case(pair, "close 4001 from peer", { needs }, async () => {
    const { client, rec } = await plain();
    const r = await op(client, { op: "close", code: 4001, reason: "bye" });
    assert.equal(r.close?.code, 4001, `echoed close: ${JSON.stringify(r)}`);
    const err = await within(rec.done, 10_000, "echo loop end");
    assert.ok(err instanceof CloseError, `read ended with ${String(err)}`);
    assert.deepEqual([err.code, err.text], [4001, "bye"]);
  });
  matrix.case(pair, "close 1000 from peer ends the loop", { needs }, async () => {
    const { client, rec } = await session(kind, "/plain", {})();
    await echo(client, 1, Buffer.from(TEXT));
    const r = await op(client, { op: "close", code: 1000, reason: "" });
    assert.equal(r.close?.code, 1000, `echoed close: ${JSON.stringify(r)}`);
    assert.equal(await within(rec.done, 10_000, "echo loop end"), null, "for await ends without error on 1000");
  });
  matrix.case(pair, "close 4000 from sb", { needs }, async () => {
    const { client, rec } = await session(kind, "/plain", {})();
    const [res, got] = await Promise.all([rec.conn.shutdown(4000, "bye"), call(client, { op: "recv" })]);
    assert.deepEqual(got.close, { code: 4000, reason: "bye" }, JSON.stringify(got));
    assert.ok(res instanceof CloseError, `shutdown resolved ${String(res)}`);
    assert.equal(res.code, 4000);
  });
  matrix.case(pair, "origin check", { needs }, async () => {
    const srv = await server();
    const opts = caps.origin === "header" ? { origin: EVIL_ORIGIN } : {};
    const client = await startClient(kind, `${srv.base}/strict`, opts);
    clients.push(client);
    const seen = await srv.take();
    if (caps.origin === "none") { // no Origin header: the default policy allows it
      assert.equal(client.open.event, "open", JSON.stringify(client.open));
      assert.ok(seen.conn, String(seen.error));
      return;
    }
    assert.equal(client.open.event, "error", JSON.stringify(client.open));
    if (caps.origin === "header") assert.equal(client.open.status, 403);
    assert.ok(seen.error instanceof HandshakeError, `upgrade result: ${String(seen.error ?? "a conn")}`);
    assert.equal(seen.error.status, 403);
  });

  const deflate = session(kind, "/deflate", { subprotocols: OFFER, compress: true }, true);
  matrix.case(pair, "deflate: negotiated", { needs }, async () => {
    const { client, rec } = await deflate();
    assert.match(client.open.extensions ?? "", /^permessage-deflate\b/);
    if (kind === "gorilla") assert.match(client.open.extensions ?? "", /server_no_context_takeover.*client_no_context_takeover|client_no_context_takeover.*server_no_context_takeover/);
    assert.equal(rec.conn.subprotocol(), CHOSEN);
  });
  matrix.case(pair, "deflate: 64 KiB compressed on the wire", { needs }, async () => {
    const s = await deflate();
    let d = { read: 0, written: 0 };
    const f = await framesOf(s, async () => void (d = await measured(s, 1, pattern(1, 65536))));
    assert.ok(d.written < 8192, `silverback wrote ${d.written} bytes for 64 KiB of repetitive text`);
    assertRsv1(f.toClient, true);
    if (caps.compressesSends) assert.ok(d.read < 8192, `silverback read ${d.read} bytes for 64 KiB of repetitive text`);
    assertRsv1(f.toServer, caps.compressesSends);
  });
  matrix.case(pair, "deflate: small, empty, binary", { needs }, async () => {
    const { client } = await deflate();
    await echo(client, 2, randomBytes(200));
    await echo(client, 1, Buffer.alloc(0));
    await echo(client, 2, Buffer.alloc(0));
    await echo(client, 1, Buffer.from(TEXT.repeat(100)));
    await echo(client, 2, randomBytes(70_000));
    await echoGen(client, 2, 1 << 20);
  });
  matrix.case(pair, "deflate: repeats 8 KB apart (window bits)", { needs }, async () => {
    const { client } = await deflate();
    const r = randomBytes(8000);
    await echo(client, 2, Buffer.concat([r, r, r]));
  });
  matrix.case(pair, "deflate: fragmented both ways", { needs }, async () => {
    const s = await deflate();
    if (caps.frag) { // random data stays large once deflated, so every peer really sends several frames
      const f = await framesOf(s, () => echo(s.client, 2, randomBytes(30_000), [10_000, 10_000, 10_000]));
      assertOneMessage(f.toServer, 2, 3);
      assertRsv1(f.toServer, true);
    }
    const g = await framesOf(s, () =>
      writeFragmented(s, BinaryMessage, [randomBytes(6000), randomBytes(6000), randomBytes(6000)]));
    assertOneMessage(g.toClient, 2, 2);
    assertRsv1(g.toClient, true);
    await writeFragmented(s, TextMessage, [pattern(1, 6000), pattern(1, 6000), pattern(1, 6000)]);
  });
  matrix.case(pair, "deflate: 100 pipelined messages", { needs }, async () => pipelined((await deflate()).client));
  matrix.case(pair, "deflate: context takeover", { needs }, async (skip) => {
    if (kind === "gorilla") return skip("gorilla supports no context takeover only");
    const s = await deflate();
    const data = randomBytes(2000); // fits python's 4 KiB window (client_max_window_bits=12)
    const first = await measured(s, 2, data);
    const second = await measured(s, 2, data);
    assert.ok(second.written < first.written / 2, `sb wrote ${first.written} then ${second.written} bytes`);
    if (caps.contextTakeover) assert.ok(second.read < first.read / 2, `sb read ${first.read} then ${second.read} bytes`);
  });

  const nct = session(kind, "/deflate-nct", { compress: true });
  matrix.case(pair, "deflate: no context takeover", { needs }, async () => {
    const s = await nct();
    assert.match(s.client.open.extensions ?? "", /server_no_context_takeover/);
    assert.match(s.client.open.extensions ?? "", /client_no_context_takeover/);
    const data = randomBytes(2000);
    await measured(s, 2, data);
    const second = await measured(s, 2, data);
    assert.ok(second.written >= 2000, `sb wrote only ${second.written} bytes: deflate context was kept`);
    if (caps.compressesSends) assert.ok(second.read >= 2000, `sb read only ${second.read} bytes`);
    if (kind === "ws") { // the client asks for no context takeover itself (on /deflate, which would allow it)
      const asked = await session(kind, "/deflate", { compress: "nct" })();
      assert.match(asked.client.open.extensions ?? "", /server_no_context_takeover/);
      await measured(asked, 2, data);
      const again = await measured(asked, 2, data);
      assert.ok(again.written >= 2000, `sb wrote only ${again.written} bytes: deflate context was kept`);
      assert.ok(again.read >= 2000, `sb read only ${again.read} bytes`);
    }
  });
  matrix.case(pair, "deflate: off (offered, declined)", { needs }, async () => {
    const s = await session(kind, "/plain", { compress: true })();
    assert.equal(s.client.open.extensions ?? "", "");
    const d = await measured(s, 1, pattern(1, 65536));
    assert.ok(d.read >= 65536 && d.written >= 65536, `wire: ${JSON.stringify(d)}`);
  });
}

for (const kind of Object.keys(CLIENTS) as ClientKind[]) {
  describe(`silverback server ↔ ${kind} client`, () => defineCases(kind, CLIENTS[kind]));
}
