// The silverback side of the server matrix: an http.Server on 127.0.0.1 with one Upgrader per path
// (/plain, /deflate, /deflate-nct, /strict), each conn running the echo loop; tests take the accepted conns.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Upgrader, type Conn, type UpgraderOptions } from "../../src/index.js";
import { PROTOCOLS } from "./matrix.js";

/** One upgrade attempt: the conn and its echo loop's end (null = clean close, else the error), or the refusal. */
export interface Accepted {
  path: string;
  conn?: Conn;
  done?: Promise<unknown>;
  error?: unknown;
}

export interface SbServer {
  /** ws://127.0.0.1:port (append the path). */
  base: string;
  port: number;
  /** The next upgrade attempt, in arrival order (bounded wait). */
  take(timeoutMs?: number): Promise<Accepted>;
  /** take() that must have produced a conn. */
  takeConn(timeoutMs?: number): Promise<Required<Pick<Accepted, "conn" | "done">> & Accepted>;
  stop(): Promise<void>;
}

export async function startSbServer(): Promise<SbServer> {
  const common: UpgraderOptions = { subprotocols: PROTOCOLS, writeBufferSize: 4096, checkOrigin: () => true };
  const routes = new Map<string, Upgrader>([
    ["/plain", new Upgrader(common)],
    ["/deflate", new Upgrader({ ...common, enableCompression: true })],
    ["/deflate-nct", new Upgrader({
      ...common,
      enableCompression: true,
      compression: { serverNoContextTakeover: true, clientNoContextTakeover: true },
    })],
    ["/strict", new Upgrader({ subprotocols: PROTOCOLS })], // default same-origin check
  ]);
  const queue: Accepted[] = [];
  const waiters: Array<() => void> = [];
  const conns = new Set<Conn>();
  const sockets = new Set<Socket>();
  const push = (a: Accepted) => {
    queue.push(a);
    waiters.splice(0).forEach((w) => w());
  };

  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const upgrader = routes.get(path);
    if (!upgrader) {
      socket.destroy();
      return;
    }
    upgrader.upgrade(req, socket, head).then((conn) => {
      conns.add(conn);
      const done = (async () => {
        for await (const m of conn) await conn.writeMessage(m.messageType, m.data);
        return null;
      })().catch((err: unknown) => err);
      push({ path, conn, done });
    }, (error: unknown) => push({ path, error }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  function take(timeoutMs = 20_000): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        reject(new Error(`silverback server: no upgrade arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = () => {
        const a = queue.shift();
        if (!a) return void waiters.push(waiter);
        clearTimeout(timer);
        resolve(a);
      };
      waiter();
    });
  }

  return {
    base: `ws://127.0.0.1:${port}`,
    port,
    take,
    async takeConn(timeoutMs) {
      const a = await take(timeoutMs);
      if (!a.conn) throw new Error(`upgrade on ${a.path} failed: ${String(a.error)}`, { cause: a.error });
      return a as Required<Pick<Accepted, "conn" | "done">> & Accepted;
    },
    async stop() {
      for (const c of conns) c.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
