// Proves the interop peers themselves against the `ws` package, independently of silverback: ws server ↔
// gorilla/python/Chromium/undici/ws clients, gorilla/python servers ↔ ws client (op protocol, commands, deflate).
import { after, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import {
  gatePeer, pattern, sha256, startClient, startServer, stopAllPeers,
  type ClientKind, type PeerClient, type PeerServer, type ServerKind,
} from "../helpers/peers.js";

const PROTOCOLS = ["chat.v2", "chat.v3"];
const OFFER = ["chat.v1", "chat.v2"];
const EVIL = "http://evil.example";
const canPing = (k: ClientKind) => k !== "chromium" && k !== "undici";

after(stopAllPeers);

async function expectEcho(client: PeerClient, type: 1 | 2, data: Buffer, frag?: number[]): Promise<void> {
  const sent = await client.op({ op: "send", type, b64: data.toString("base64"), ...(frag ? { frag } : {}) });
  assert.deepEqual(sent, { ok: true });
  const got = await client.op({ op: "recv" });
  assert.equal(got.error, undefined, `recv failed: ${got.error}`);
  assert.deepEqual([got.type, got.len, got.sha256], [type, data.length, sha256(data)]);
}

/** The whole op protocol against one echo server with commands. */
async function exercise(client: PeerClient): Promise<void> {
  assert.equal(client.open.event, "open", JSON.stringify(client.open));
  assert.equal(client.open.subprotocol, "chat.v2");
  await expectEcho(client, 1, Buffer.from("héllo, wörld ✓"));
  await expectEcho(client, 2, Buffer.from([0, 1, 2, 255]));
  await expectEcho(client, 1, Buffer.alloc(0));
  const big = await client.op({ op: "send", type: 2, gen: 70_000 });
  assert.deepEqual(big, { ok: true });
  const gotBig = await client.op({ op: "recv" });
  assert.deepEqual([gotBig.type, gotBig.len, gotBig.sha256], [2, 70_000, sha256(pattern(2, 70_000))]);
  if (canPing(client.kind)) {
    await expectEcho(client, 1, pattern(1, 9000), [3000, 3000, 3000]);
    assert.deepEqual(await client.op({ op: "ping", b64: "cGluZw==" }), { pong: "cGluZw==" });
  }
  await client.op({ op: "send", type: 1, b64: Buffer.from("!ping c3J2").toString("base64") });
  const pong = await client.op({ op: "recv" });
  assert.equal(Buffer.from(pong.b64 ?? "", "base64").toString(), "!pong c3J2");
  await client.op({ op: "send", type: 1, b64: Buffer.from("!frag 3 5000").toString("base64") });
  const frag = await client.op({ op: "recv" });
  assert.deepEqual([frag.type, frag.len, frag.sha256], [2, 15_000, sha256(pattern(2, 15_000))]);
  const closed = await client.op({ op: "close", code: 4001, reason: "bye" });
  assert.equal(closed.close?.code, 4001, JSON.stringify(closed));
}

async function withClient(t: TestContext, kind: ClientKind, url: string, opts: Parameters<typeof startClient>[2],
  fn: (c: PeerClient) => Promise<void>): Promise<void> {
  if (!(await gatePeer(t, kind))) return;
  const client = await startClient(kind, url, opts);
  try {
    await fn(client);
  } finally {
    await client.stop();
  }
}

describe("peers ↔ ws server", () => {
  let plain: PeerServer;
  let deflate: PeerServer;
  const servers = async () => {
    plain ??= await startServer("ws", { subprotocols: PROTOCOLS });
    deflate ??= await startServer("ws", { subprotocols: PROTOCOLS, compress: true });
  };
  after(async () => {
    await plain?.stop();
    await deflate?.stop();
  });
  for (const kind of ["ws", "gorilla", "python", "chromium", "undici"] as const) {
    it(`${kind} client runs the op protocol against a ws server`, { timeout: 90_000 }, async (t) => {
      await servers();
      await withClient(t, kind, plain.url, { subprotocols: OFFER }, exercise);
    });
    it(`${kind} client negotiates permessage-deflate with a ws server`, { timeout: 90_000 }, async (t) => {
      await servers();
      await withClient(t, kind, deflate.url, { subprotocols: OFFER, compress: true }, async (c) => {
        assert.match(c.open.extensions ?? "", /permessage-deflate/);
        await exercise(c);
      });
    });
  }
});

describe("ws client ↔ peer servers", () => {
  for (const kind of ["gorilla", "python"] as const satisfies readonly ServerKind[]) {
    for (const compress of [false, true]) {
      it(`ws client runs the op protocol against a ${kind} server (deflate ${compress})`, { timeout: 90_000 }, async (t) => {
        if (!(await gatePeer(t, kind))) return;
        const server = await startServer(kind, { subprotocols: PROTOCOLS, compress, rejectOrigin: EVIL });
        try {
          await withClient(t, "ws", server.url, { subprotocols: OFFER, compress }, async (c) => {
            assert.equal(/permessage-deflate/.test(c.open.extensions ?? ""), compress);
            await exercise(c);
          });
          await withClient(t, "ws", server.url, { origin: EVIL }, async (c) => {
            assert.deepEqual([c.open.event, c.open.status], ["error", 403]);
          });
        } finally {
          await server.stop();
        }
      });
    }
  }
});
