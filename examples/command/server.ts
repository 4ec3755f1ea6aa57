/**
 * Command server: every WebSocket connection to `/ws` starts the command given on the command line
 * and connects it to the page at `/` (stdout/stderr → browser, browser → stdin).
 * `node build/examples/command/server.js <command> [args...]`.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { CloseGoingAway, Upgrader, type Conn } from "../../src/index.js";
import { runCommand, type ProcessExit } from "./session.js";

/** Options of {@link start}. */
export interface CommandServerOptions {
  /** The program and its arguments, run without a shell for each connection. */
  command: readonly string[];
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1: this server runs programs for whoever connects. */
  host?: string;
  /** ms to wait for the process at each step of stopping it. Default 2000. */
  closeGracePeriod?: number;
  /** Called when a session is over, with how its process ended. */
  onSessionEnd?: (exit: ProcessExit) => void;
}

/** A running command server. */
export interface CommandServer {
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/ws`. */
  wsUrl: string;
  /** The node:http server. */
  server: Server;
  /** Closes every connection with 1001 (their processes are then stopped) and the server. */
  close(timeout?: number): Promise<void>;
}

function asset(name: string): URL {
  const here = new URL(name, import.meta.url); // when run from source
  return existsSync(here) ? here : new URL(`../../../examples/command/${name}`, import.meta.url); // from build/
}

/**
 * Starts the command server and resolves once it is listening.
 * @example
 * const srv = await start({ port: 0, command: ["cat"] });
 */
export async function start(options: CommandServerOptions): Promise<CommandServer> {
  if (options.command.length === 0) throw new TypeError("command: no command to run");
  const home = readFileSync(asset("home.html"));
  const upgrader = new Upgrader({ readLimit: 64 * 1024, keepAlive: { interval: 30_000, timeout: 10_000 } });
  const sessions = new Map<Conn, Promise<void>>();

  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(home);
  });
  server.on("upgrade", async (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      return void socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    let conn: Conn;
    try {
      conn = await upgrader.upgrade(req, socket, head); // same-origin pages only (default checkOrigin)
    } catch {
      return;
    }
    const session = runCommand(conn, options.command, { closeGracePeriod: options.closeGracePeriod ?? 2000 })
      .then((exit) => options.onSessionEnd?.(exit));
    sessions.set(conn, session);
    await session;
    sessions.delete(conn);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    wsUrl: `ws://${host}:${port}/ws`,
    server,
    async close(timeout = 3000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const running = [...sessions];
      await Promise.all(running.map(([conn]) => conn.shutdown(CloseGoingAway, "server shutting down", timeout)));
      await Promise.all(running.map(([, session]) => session)); // processes stopped
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
  const command = process.argv.slice(2);
  if (command.length === 0) {
    console.error("usage: node build/examples/command/server.js <command> [args...]");
    console.error("example: node build/examples/command/server.js sh -c 'while read l; do echo \"you said: $l\"; done'");
    process.exit(2);
  }
  const srv = await start({
    command,
    port: Number(process.env["PORT"] ?? 8080),
    onSessionEnd: (exit) => console.log(`command: session over (${exit.error?.message ?? exit.signal ?? `exit ${exit.code}`})`),
  });
  console.log(`command: running ${JSON.stringify(command)} per connection; open ${srv.url}`);
  const stop = (): void => void srv.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
