/**
 * Chat server (`npm start`): serves the chat page at `/` and the WebSocket endpoint at `/ws`, and
 * broadcasts every message to every client through the hub. Ctrl-C sends a close frame to everyone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CloseGoingAway, Upgrader, type KeepAliveOptions } from "../../src/index.js";
import { Hub } from "./hub.js";
import { ChatClient } from "./client.js";

/** Options of {@link start}. */
export interface ChatServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Messages a client may have waiting before it is dropped as too slow. Default 256. */
  queueLimit?: number;
  /** Largest message a client may send, in bytes. Default 4096. */
  readLimit?: number;
  /** Ping a quiet client after `interval` ms; give up after `timeout` more. Default 30 s / 10 s. */
  keepAlive?: KeepAliveOptions;
}

/** A running chat server. */
export interface ChatServer {
  /** The page's address, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/ws`. */
  wsUrl: string;
  /** The node:http server (page, upgrades). */
  server: Server;
  /** The hub: `hub.size` is the number of connected clients. */
  hub: Hub;
  /**
   * Stops accepting, sends close 1001 to every client and waits up to `timeout` ms for each to
   * answer, then closes the HTTP server. Returns the number of WebSocket connections closed.
   */
  close(timeout?: number): Promise<number>;
}

// The page lives next to the source; the compiled file (build/examples/chat/server.js) finds it
// three levels up. Both paths are tried so the file also works when run from source.
function asset(name: string): URL {
  const here = new URL(name, import.meta.url);
  return existsSync(here) ? here : new URL(`../../../examples/chat/${name}`, import.meta.url);
}

/**
 * Starts the chat server and resolves once it is listening.
 * @example
 * const chat = await start({ port: 0 });
 * console.log(chat.url);
 * await chat.close();
 */
export async function start(options: ChatServerOptions = {}): Promise<ChatServer> {
  const home = readFileSync(asset("home.html"));
  const hub = new Hub();
  const clients = new Set<ChatClient>();
  const upgrader = new Upgrader({
    readLimit: options.readLimit ?? 4096,
    keepAlive: options.keepAlive ?? { interval: 30_000, timeout: 10_000 },
  });
  const queueLimit = options.queueLimit ?? 256;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/") return void res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    if (req.method !== "GET") return void res.writeHead(405, { allow: "GET" }).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(home);
  });

  server.on("upgrade", async (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    let client: ChatClient;
    try {
      // The default checkOrigin accepts only pages served by this host (CSRF protection).
      client = new ChatClient(hub, await upgrader.upgrade(req, socket, head), queueLimit);
    } catch {
      return; // the Upgrader has already answered with the HTTP error
    }
    clients.add(client);
    await client.run();
    clients.delete(client);
  });

  const port = options.port ?? 8080;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${hostPart}:${addr.port}/`,
    wsUrl: `ws://${hostPart}:${addr.port}/ws`,
    server,
    hub,
    async close(timeout = 3000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const conns = [...clients].map((c) => c.conn);
      await Promise.all(conns.map((c) => c.shutdown(CloseGoingAway, "server shutting down", timeout)));
      server.closeAllConnections(); // idle keep-alive HTTP connections of the browsers
      await closed;
      return conns.length;
    },
  };
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

async function main(): Promise<void> {
  const port = Number(process.env["PORT"] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`chat: PORT must be a port number, got ${JSON.stringify(process.env["PORT"])}`);
    process.exit(2);
  }
  const chat = await start({ port, host: process.env["HOST"] ?? "127.0.0.1" });
  console.log(`chat: listening on ${chat.url} (WebSocket at ${chat.wsUrl}); Ctrl-C to stop`);
  console.log(`chat: page served from ${fileURLToPath(asset("home.html"))}`);
  const stop = async (signal: string): Promise<void> => {
    console.log(`chat: ${signal}, closing ${chat.hub.size} connection(s)`);
    const n = await chat.close();
    console.log(`chat: sent close 1001 to ${n} client(s); bye`);
    process.exit(0);
  };
  process.once("SIGINT", (s) => void stop(s));
  process.once("SIGTERM", (s) => void stop(s));
}

if (isMain()) {
  main().catch((err: unknown) => {
    console.error("chat:", err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
