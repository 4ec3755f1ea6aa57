/**
 * Shared helpers of the Dialer tests: loopback servers (ws, raw TCP that answers by hand),
 * leak checks over the process's active handles, and a small in-memory cookie jar.
 */
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { IncomingMessage } from "node:http";
import { WebSocketServer, type ServerOptions } from "ws";
import type { CookieJar } from "../../src/client/dialer-options.js";

const WATCHED = ["TCPSocketWrap", "TLSWrap", "TCPServerWrap", "Timeout", "PipeWrap", "ProcessWrap"];

/** Counts of the process's active handles by kind. */
export function handles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/**
 * Waits until no watched handle kind exceeds `baseline`: closed handles are released by the event
 * loop, so this re-checks once per loop turn (3 s at most) instead of sleeping.
 */
export async function assertNoLeaks(baseline: Map<string, number>): Promise<void> {
  const over = (): string[] => {
    const now = handles();
    return WATCHED.filter((k) => (now.get(k) ?? 0) > (baseline.get(k) ?? 0)).map((k) => `${k}: ${baseline.get(k) ?? 0} → ${now.get(k)}`);
  };
  const until = Date.now() + 3000;
  while (over().length > 0 && Date.now() < until) await new Promise((r) => setImmediate(r));
  assert.deepEqual(over(), [], "handles leaked");
}

/** Listens on 127.0.0.1 and an ephemeral port; tracks sockets so that `close()` ends them. */
export async function listen<S extends net.Server>(server: S): Promise<{ server: S; port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  // 'connection' gives the TCP socket for net, http, tls and https servers alike.
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const gone = [...sockets].map((s) => new Promise<void>((r) => (s.destroyed && s.closed ? r() : (s.once("close", () => r()), s.destroy()))));
    await Promise.all([closed, ...gone]);
  };
  return { server, port, close };
}

/** A `ws` server on an http(s) server; `requests` records every upgrade request it saw. */
export async function wsServer(options: ServerOptions = {}, base?: http.Server | https.Server): Promise<{
  port: number; wss: WebSocketServer; requests: IncomingMessage[]; close(): Promise<void>;
}> {
  const server = base ?? http.createServer((_req, res) => res.end("plain"));
  const wss = new WebSocketServer({ ...options, server });
  wss.on("error", () => {});
  const requests: IncomingMessage[] = [];
  wss.on("connection", (ws, req) => {
    requests.push(req);
    ws.on("error", () => {});
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  server.on("upgrade", (req: IncomingMessage) => { if (!requests.includes(req)) requests.push(req); });
  const l = await listen(server);
  return {
    port: l.port, wss, requests,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await l.close();
    },
  };
}

/**
 * A TCP server that reads each request head (up to the empty line) and lets `answer` reply by
 * hand; `heads` collects the request heads. `answer` may leave the socket open (tests that time out).
 */
export async function rawServer(answer: (socket: net.Socket, head: string) => void): Promise<{
  port: number; heads: string[]; connections: number; close(): Promise<void>;
}> {
  const state = { heads: [] as string[], connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    socket.on("error", () => {});
    let buf = "";
    const onData = (d: Buffer): void => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      state.heads.push(buf.slice(0, end + 4));
      answer(socket, buf.slice(0, end + 4));
    };
    socket.on("data", onData);
  });
  const l = await listen(server);
  return {
    port: l.port,
    get heads() { return state.heads; },
    get connections() { return state.connections; },
    close: l.close,
  };
}

/** A server that accepts TCP connections and never sends a byte (stalls TLS, CONNECT, SOCKS5 …). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void>; accepted: Promise<void> }> {
  let onAccept!: () => void;
  const accepted = new Promise<void>((r) => (onAccept = r));
  const server = net.createServer((s) => { s.on("error", () => {}); s.resume(); onAccept(); });
  const l = await listen(server);
  return { port: l.port, close: l.close, accepted };
}

/** A cookie jar over a Map (name → value), recording its calls. */
export class MapJar implements CookieJar {
  readonly cookies = new Map<string, string>();
  readonly gets: string[] = [];
  readonly sets: Array<[string, string]> = [];
  getCookieString(url: string): Promise<string> {
    this.gets.push(url);
    return Promise.resolve([...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  }
  setCookie(header: string, url: string): Promise<void> {
    this.sets.push([header, url]);
    const [pair] = header.split(";");
    const eq = pair!.indexOf("=");
    this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    return Promise.resolve();
  }
}

/** The RFC 6455 §4.2.2 accept value for the key in a raw request head. */
export async function acceptFor(head: string): Promise<string> {
  const { computeAcceptKey } = await import("../../src/handshake/accept-key.js");
  const key = /sec-websocket-key: *([^\r\n]+)/i.exec(head)![1]!;
  return computeAcceptKey(key);
}
