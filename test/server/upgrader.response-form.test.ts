// Upgrader.Upgrade(req, res) from plain request handlers: node routes upgrade requests there when
// the server has no 'upgrade' listener. The socket must leave node's HTTP machinery for good.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import { once } from "node:events";
import { setImmediate as tick } from "node:timers/promises";
import type { Socket } from "node:net";
import { HandshakeError } from "../../src/errors.js";
import { TextMessage } from "../../src/constants.js";
import { HandshakeReasons as R } from "../../src/handshake/server-handshake.js";
import { Upgrader } from "../../src/server/upgrader.js";
import type { Conn } from "../../src/conn/conn.js";
import { duplexPair } from "../helpers/duplex-pair.js";
import {
  Calls, clientFrame, connect, exchange, handshake, listen, readAll, readHead, readServerFrame, settle,
} from "./helpers.js";

const T = { timeout: 5000 };
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function handlerServer(handler: Handler) {
  return listen(http.createServer(handler));
}

/** Echoes one text message through `conn` using a raw client `c` that already read the 101. */
async function roundTrip(conn: Conn, c: Socket, rest: Buffer): Promise<void> {
  c.write(clientFrame(1, "ping?"));
  const m = await conn.readMessage();
  assert.equal(m.data.toString(), "ping?");
  await conn.writeMessage(TextMessage, "pong!");
  const f = await readServerFrame(c, rest);
  assert.equal(f.opcode, 1);
  assert.equal(f.payload.toString(), "pong!");
}

/** The parsers node's http server still tracks (internal list behind server.close() and timeouts). */
function trackedSockets(server: http.Server): unknown[] {
  const sym = Object.getOwnPropertySymbols(server).find((s) => s.description === "http.server.connections");
  const list = sym === undefined ? undefined : (server as unknown as Record<symbol, { all(): { socket: unknown }[] }>)[sym];
  return list === undefined ? [] : list.all().map((p) => p.socket);
}

describe("Upgrader.Upgrade(req, res)", () => {
  it("Upgrader.Upgrade works from a plain request handler and detaches node's parser", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const ts = await handlerServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    try {
      const c = await connect(ts.port);
      const head = readHead(c);
      c.write(handshake(ts.host));
      const outcome = await calls.next();
      const { head: res, rest } = await head;
      assert.equal(res.status, 101);
      const conn = outcome.value!;
      const socket = conn.netConn() as Socket & { parser?: unknown };
      assert.equal(socket.parser, null);
      assert.ok(!trackedSockets(ts.server).includes(socket), "node's connection list released the socket");
      // server.close() calls closeIdleConnections(): neither it nor closeAllConnections() may
      // touch the WebSocket (node's own 'upgrade' path gives the same guarantee).
      ts.server.closeIdleConnections();
      ts.server.closeAllConnections();
      await roundTrip(conn, c, rest);
      conn.close();
      c.destroy();
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade works behind an Express-like chain with async middleware", T, async () => {
    const upgrader = new Upgrader({ subprotocols: ["chat"] });
    const calls = new Calls<Conn>();
    const seen: string[] = [];
    type Mw = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
    const chain = (...mws: Mw[]): Handler => (req, res) => {
      let i = 0;
      const next = (): void => mws[i++]?.(req, res, next);
      next();
    };
    const logger: Mw = (req, _res, next) => (seen.push(`log ${req.url}`), next());
    const session: Mw = (_req, _res, next) => void tick().then(() => tick()).then(() => (seen.push("session"), next()));
    const route: Mw = (req, res, next) => (req.url === "/ws" ? calls.push(upgrader.upgrade(req, res)) : next());
    const notFound: Mw = (_req, res) => res.writeHead(404).end();
    const ts = await handlerServer(chain(logger, session, route, notFound));
    try {
      assert.equal((await exchange(ts.port, `GET /other HTTP/1.1\r\nHost: ${ts.host}\r\nConnection: close\r\n\r\n`)).status, 404);
      const c = await connect(ts.port);
      const head = readHead(c);
      c.write(handshake(ts.host, { "Sec-WebSocket-Protocol": "chat" }, "GET", "/ws"));
      const outcome = await calls.next();
      const { head: res, rest } = await head;
      assert.equal(res.status, 101);
      assert.equal(outcome.value?.subprotocol(), "chat");
      assert.deepEqual(seen, ["log /other", "session", "log /ws", "session"]);
      await roundTrip(outcome.value!, c, rest);
      outcome.value!.close();
      c.destroy();
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade takes over a kept-alive connection after an ordinary request", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const ts = await handlerServer((req, res) => {
      if (req.url === "/plain") res.writeHead(204).end();
      else calls.push(upgrader.upgrade(req, res));
    });
    try {
      const c = await connect(ts.port);
      c.write(`GET /plain HTTP/1.1\r\nHost: ${ts.host}\r\n\r\n`);
      const first = await readHead(c);
      assert.equal(first.head.status, 204);
      const head = readHead(c);
      c.write(handshake(ts.host, {}, "GET", "/ws"));
      const outcome = await calls.next();
      const { head: res, rest } = await head;
      assert.equal(res.status, 101);
      await roundTrip(outcome.value!, c, rest);
      outcome.value!.close();
      c.destroy();
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade rejects with 500 and writes nothing when the response was started", T, async () => {
    const upgrader = new Upgrader();
    const results: Promise<{ error?: unknown }>[] = [];
    const ts = await handlerServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.flushHeaders();
      results.push(settle(upgrader.upgrade(req, res)).then((r) => (res.end("still mine"), r)));
    });
    try {
      const requested = once(ts.server, "request");
      const answer = exchange(ts.port, handshake(ts.host, { Connection: "Upgrade, close" }));
      await requested;
      const outcome = await results[0]!;
      assert.ok(outcome.error instanceof HandshakeError);
      assert.equal(outcome.error.status, 500);
      const res = await answer;
      assert.equal(res.status, 200);
      assert.ok(res.body.toString().includes("still mine"));
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade refuses data sent with the request head (check 8)", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const ts = await handlerServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    try {
      const answer = exchange(ts.port, Buffer.concat([Buffer.from(handshake(ts.host)), clientFrame(1, "too early")]));
      const outcome = await calls.next();
      assert.equal((outcome.error as HandshakeError).status, 400);
      assert.equal((outcome.error as HandshakeError).reason, R.earlyData);
      const res = await answer;
      assert.equal(res.status, 400);
      assert.equal(res.body.toString(), R.earlyData);
      await ts.drained();
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade refuses data that arrives during an async checkOrigin (check 8)", T, async () => {
    let c!: Socket;
    const upgrader = new Upgrader({
      checkOrigin: async (req) => {
        c.write(clientFrame(1, "too early"));
        await once((req as http.IncomingMessage).socket, "readable");
        return true;
      },
    });
    const calls = new Calls<Conn>();
    const ts = await handlerServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    try {
      c = await connect(ts.port);
      const all = readAll(c);
      c.write(handshake(ts.host));
      const outcome = await calls.next();
      assert.equal((outcome.error as HandshakeError).reason, R.earlyData);
      assert.ok((await all).toString().startsWith("HTTP/1.1 400 Bad Request\r\n"));
    } finally {
      await ts.close();
    }
  });

  it("Upgrader.Upgrade takes over a non-socket stream that node parses through 'data' events", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const server = http.createServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    const [client, serverSide] = duplexPair();
    server.emit("connection", serverSide);
    const got: Buffer[] = [];
    client.on("data", (d: Buffer) => got.push(d));
    client.write(handshake("example.com"));
    const conn = (await calls.next()).value!;
    while (!Buffer.concat(got).includes("\r\n\r\n")) await once(client, "data");
    assert.match(Buffer.concat(got).toString("latin1"), /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    client.write(clientFrame(1, "via duplex"));
    assert.equal((await conn.readMessage()).data.toString(), "via duplex");
    conn.close();
  });

  it("Upgrader.Upgrade refuses data sent with the head on a stream parsed through 'data' events", T, async () => {
    const upgrader = new Upgrader();
    const calls = new Calls<Conn>();
    const server = http.createServer((req, res) => calls.push(upgrader.upgrade(req, res)));
    const [client, serverSide] = duplexPair();
    server.emit("connection", serverSide);
    client.on("data", () => {});
    client.write(Buffer.concat([Buffer.from(handshake("example.com")), clientFrame(1, "early")]));
    const outcome = await calls.next();
    assert.equal((outcome.error as HandshakeError).reason, R.earlyData);
  });

  it("Upgrader.Upgrade answers an HTTP/2 request with 501 (RFC 8441 not yet supported)", T, async () => {
    const upgrader = new Upgrader();
    const results: Promise<{ error?: unknown }>[] = [];
    const server = http2.createServer((req, res) => void results.push(settle(upgrader.upgrade(req, res))));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const client = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const stream = client.request({ ":path": "/ws" });
      const [headers] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
      stream.setEncoding("utf8");
      let body = "";
      stream.on("data", (d: string) => (body += d));
      await once(stream, "end");
      assert.equal(headers[":status"], 501);
      assert.equal(body, "websocket: HTTP/2 is not supported yet");
      const outcome = await results[0]!;
      assert.ok(outcome.error instanceof HandshakeError);
      assert.equal(outcome.error.status, 501);
    } finally {
      client.close();
      server.close();
      await once(server, "close");
    }
  });
});
