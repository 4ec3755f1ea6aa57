// End to end: the npm `ws` client against the Upgrader on 127.0.0.1, through the 'upgrade' event
// and the (req, res) form: messages both ways, subprotocols, permessage-deflate, origin refusal.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { BinaryMessage, TextMessage } from "../../src/constants.js";
import { HandshakeError } from "../../src/errors.js";
import { Upgrader, type UpgraderOptions } from "../../src/server/upgrader.js";
import type { Conn } from "../../src/conn/conn.js";
import { opensslMissing, testCerts } from "../helpers/certs.js";
import { Calls } from "./helpers.js";
import { upgradeServer, type UpgradeServer } from "./upgrade-server.js";

const T = { timeout: 10_000 };

async function withServer(options: UpgraderOptions, form: "event" | "handler", f: (s: UpgradeServer) => Promise<void>) {
  const s = await upgradeServer(options, form);
  try {
    await f(s);
  } finally {
    await s.ts.close();
  }
}

async function open(url: string, protocols?: string[], options?: WebSocket.ClientOptions): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, options);
  await once(ws, "open");
  return ws;
}

for (const form of ["event", "handler"] as const) {
  describe(`ws client ↔ Upgrader (${form === "event" ? "'upgrade' event" : "(req, res) form"})`, () => {
    it("Upgrader.Upgrade conn exchanges text and binary messages with ws", T, () =>
      withServer({}, form, async (s) => {
        const ws = await open(`ws://${s.ts.host}/`);
        const outcome = await s.calls.next();
        const conn = outcome.value!;
        const got = once(ws, "message");
        await conn.writeMessage(TextMessage, "hello ws");
        const [data, isBinary] = (await got) as [Buffer, boolean];
        assert.equal(data.toString(), "hello ws");
        assert.equal(isBinary, false);
        ws.send(Buffer.from([1, 2, 3]));
        const m = await conn.readMessage();
        assert.equal(m.messageType, BinaryMessage);
        assert.deepEqual([...m.data], [1, 2, 3]);
        ws.close(1000, "bye");
        await assert.rejects(conn.readMessage(), (e: Error & { code?: number }) => e.name === "CloseError" && e.code === 1000);
        await once(ws, "close");
      }));

    it("Upgrader.Upgrade selects the server's preferred subprotocol that ws offered", T, () =>
      withServer({ subprotocols: ["v3", "v2", "v1"] }, form, async (s) => {
        const ws = await open(`ws://${s.ts.host}/`, ["v1", "v2"]);
        const conn = (await s.calls.next()).value!;
        assert.equal(ws.protocol, "v2");
        assert.equal(conn.subprotocol(), "v2");
        conn.close();
        await once(ws, "close");
      }));

    it("Upgrader.Upgrade negotiates permessage-deflate with ws when enabled", T, () =>
      withServer({ enableCompression: true }, form, async (s) => {
        const ws = await open(`ws://${s.ts.host}/`);
        const conn = (await s.calls.next()).value!;
        assert.match(ws.extensions, /permessage-deflate/);
        const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, name: "item" })));
        ws.send(big);
        assert.equal((await conn.readMessage()).data.toString(), big);
        const got = once(ws, "message");
        await conn.writeMessage(TextMessage, big);
        assert.equal(((await got)[0] as Buffer).toString(), big);
        conn.close();
        await once(ws, "close");
      }));

    it("Upgrader.Upgrade refuses a cross-origin ws client, which sees a 403", T, () =>
      withServer({}, form, async (s) => {
        const ws = new WebSocket(`ws://${s.ts.host}/`, { origin: "http://evil.example" });
        ws.on("error", () => {});
        const [, res] = (await once(ws, "unexpected-response")) as [unknown, IncomingMessage];
        assert.equal(res.statusCode, 403);
        assert.equal(res.headers["sec-websocket-version"], "13");
        res.resume();
        const outcome = await s.calls.next();
        assert.ok(outcome.error instanceof HandshakeError);
        assert.equal(outcome.error.status, 403);
        ws.terminate();
        await s.ts.drained();
      }));
  });
}

describe("wss: ws client ↔ Upgrader over TLS", () => {
  it("Upgrader.Upgrade(req, res) takes over a TLS socket from an https request handler", T, async (t) => {
    const missing = await opensslMissing();
    if (missing !== undefined) return t.skip(missing);
    const certs = await testCerts();
    const upgrader = new Upgrader({ checkOrigin: () => true });
    const calls = new Calls<Conn>();
    const server = https.createServer({ cert: certs.serverCert, key: certs.serverKey },
      (req, res) => calls.push(upgrader.upgrade(req, res)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const ws = await open(`wss://127.0.0.1:${port}/`, undefined, { ca: certs.ca });
      const conn = (await calls.next()).value!;
      ws.send("over tls");
      assert.equal((await conn.readMessage()).data.toString(), "over tls");
      const got = once(ws, "message");
      await conn.writeMessage(TextMessage, "back");
      assert.equal(((await got)[0] as Buffer).toString(), "back");
      conn.close();
      await once(ws, "close");
    } finally {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    }
  });
});
