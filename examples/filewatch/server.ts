/**
 * File watch server: the page at `/` shows a file, and the WebSocket at `/ws` pushes the file's new
 * content whenever it changes. `node build/examples/filewatch/server.js <file>`.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { CloseGoingAway, PreparedMessage, TextMessage, Upgrader, type Conn } from "../../src/index.js";

/** Options of {@link start}. */
export interface FileWatchServerOptions {
  /** The file to show. */
  file: string;
  /** ms between two looks at the file's size and modification time. Default 1000. */
  pollInterval?: number;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
}

/** A running file watch server. */
export interface FileWatchServer {
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/ws`. */
  wsUrl: string;
  /** The node:http server. */
  server: Server;
  /** Stops watching, closes every connection with 1001 and stops the server. */
  close(timeout?: number): Promise<void>;
}

function asset(name: string): URL {
  const here = new URL(name, import.meta.url); // when run from source
  return existsSync(here) ? here : new URL(`../../../examples/filewatch/${name}`, import.meta.url); // from build/
}

/**
 * One viewer. Only the newest content matters, so while a write is in flight a newer version
 * replaces the waiting one instead of queueing behind it: memory per viewer is bounded by two
 * versions however slow the viewer is.
 */
class Viewer {
  #busy = false;
  #next: PreparedMessage | null = null;
  constructor(readonly conn: Conn) {}

  push(pm: PreparedMessage): void {
    this.#next = pm;
    if (!this.#busy) void this.#flush();
  }

  async #flush(): Promise<void> {
    this.#busy = true;
    try {
      for (let pm = this.#next; pm !== null; pm = this.#next) {
        this.#next = null;
        await this.conn.writePreparedMessage(pm);
      }
    } catch {
      // The read loop sees the same failure and ends this viewer.
    } finally {
      this.#busy = false;
    }
  }
}

/**
 * Starts the server and the watcher, and resolves once it is listening.
 * @example
 * const srv = await start({ port: 0, file: "notes.txt", pollInterval: 200 });
 */
export async function start(options: FileWatchServerOptions): Promise<FileWatchServer> {
  const home = readFileSync(asset("home.html"));
  const upgrader = new Upgrader({ readLimit: 512, keepAlive: { interval: 30_000, timeout: 10_000 } });
  const viewers = new Set<Viewer>();
  let current: PreparedMessage | null = null;
  let seen = "";

  // Polling with stat() (as gorilla's example does) works on every file system, network ones too.
  async function look(): Promise<void> {
    let version: string;
    let content: string;
    try {
      const st = await stat(options.file);
      version = `${st.mtimeMs}:${st.size}`;
      if (version === seen) return;
      content = await readFile(options.file, "utf8");
    } catch (err) {
      version = "missing";
      if (version === seen) return;
      content = `(cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? err})`;
    }
    seen = version;
    current = new PreparedMessage(TextMessage, content); // framed once for every viewer
    for (const v of viewers) v.push(current);
  }
  await look();
  let looking = false;
  const timer = setInterval(() => {
    if (looking) return;
    looking = true;
    void look().finally(() => (looking = false));
  }, options.pollInterval ?? 1000);

  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(home);
  });
  server.on("upgrade", async (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      return void socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    let viewer: Viewer;
    try {
      viewer = new Viewer(await upgrader.upgrade(req, socket, head));
    } catch {
      return;
    }
    viewers.add(viewer);
    if (current) viewer.push(current);
    try {
      // The page sends nothing; reading is how a server learns that the viewer has gone.
      for await (const _ of viewer.conn);
    } catch {
      viewer.conn.close();
    }
    viewers.delete(viewer);
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
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...viewers].map((v) => v.conn.shutdown(CloseGoingAway, "server shutting down", timeout)));
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
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: node build/examples/filewatch/server.js <file>");
    process.exit(2);
  }
  const srv = await start({ file, port: Number(process.env["PORT"] ?? 8080) });
  console.log(`filewatch: showing ${file} at ${srv.url}; Ctrl-C to stop`);
  const stop = (): void => void srv.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
