/**
 * Echo server: `/` serves a test page, `/echo` upgrades and sends every message back as it came
 * (text as text, binary as binary). The smallest complete silverback server.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import {
  Upgrader, CloseGoingAway, CloseNormalClosure, CloseNoStatusReceived, isUnexpectedCloseError, type Conn,
} from "../../src/index.js";

/** Options of {@link start}. */
export interface EchoServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Called with each connection's unexpected error (default: ignored). */
  onError?: (err: unknown) => void;
}

/** A running echo server. */
export interface EchoServer {
  /** The page's address, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/echo`. */
  wsUrl: string;
  /** The node:http server. */
  server: Server;
  /** Sends close 1001 to every client (waiting up to `timeout` ms each), then stops the server. */
  close(timeout?: number): Promise<void>;
}

function asset(name: string): URL {
  const here = new URL(name, import.meta.url); // when run from source
  return existsSync(here) ? here : new URL(`../../../examples/echo/${name}`, import.meta.url); // from build/
}

/** Reads messages and writes them back until the peer closes. */
async function echo(conn: Conn, onError: (err: unknown) => void): Promise<void> {
  try {
    for await (const { messageType, data } of conn) await conn.writeMessage(messageType, data);
  } catch (err) {
    if (isUnexpectedCloseError(err, CloseNormalClosure, CloseGoingAway, CloseNoStatusReceived)) onError(err);
    conn.close();
  }
}

/**
 * Starts the echo server and resolves once it is listening.
 * @example
 * const srv = await start({ port: 0 });
 * const { conn } = await dial(srv.wsUrl);
 */
export async function start(options: EchoServerOptions = {}): Promise<EchoServer> {
  const home = readFileSync(asset("home.html"));
  const onError = options.onError ?? (() => {});
  const upgrader = new Upgrader({ readLimit: 1 << 20, keepAlive: { interval: 20_000, timeout: 20_000 } });
  const conns = new Set<Conn>();

  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(home);
  });
  server.on("upgrade", async (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/echo") {
      return void socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    let conn: Conn;
    try {
      conn = await upgrader.upgrade(req, socket, head);
    } catch {
      return; // the HTTP error answer has been sent
    }
    conns.add(conn);
    await echo(conn, onError);
    conns.delete(conn);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    wsUrl: `ws://${host}:${port}/echo`,
    server,
    async close(timeout = 3000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...conns].map((c) => c.shutdown(CloseGoingAway, "server shutting down", timeout)));
      server.closeAllConnections();
      await closed;
    },
  };
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isMain()) {
  const srv = await start({
    port: Number(process.env["PORT"] ?? 8080),
    onError: (err) => console.error("echo:", err instanceof Error ? err.message : err),
  });
  console.log(`echo: page at ${srv.url}, WebSocket at ${srv.wsUrl}; Ctrl-C to stop`);
  const stop = (): void => void srv.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
