// One echo server per benchmark run, in its own process (forked by bench/run.ts):
//   --kind=silverback  http.Server + Upgrader, the echo loop exactly as the API invites it
//   --kind=ws          ws's WebSocketServer on an http.Server (bufferutil is picked up unless the
//                      parent sets WS_NO_BUFFER_UTIL / WS_NO_UTF_8_VALIDATE: "ws plain")
//   --kind=raw         a net echo server: the ceiling for anything written in JavaScript on Node
//   --kind=floor       (handshakes) node:http doing only what every WebSocket server must: the
//                      §4.2.1 checks, the accept key, a 101, and listeners until the socket closes
// --deflate turns permessage-deflate on (silverback enableCompression, ws perMessageDeflate).
// Prints "READY <port> <mode>"; IPC: {cmd:"mem"} → memoryUsage() after forced GC (needs
// --expose-gc), {cmd:"snapshot",file} → heap snapshot (bench/memprobe.ts), {cmd:"exit"} → clean exit (lets --cpu-prof write its profile). Exits by itself
// when the parent goes away or after --maxlife seconds.
import http from "node:http";
import { createHash } from "node:crypto";
import net from "node:net";
import { createRequire } from "node:module";
import { writeHeapSnapshot } from "node:v8";
import type { Duplex } from "node:stream";
import { loadSilverback, type Conn } from "./sb-api.js";

const arg = (k: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const kind = arg("kind", "silverback");
const deflate = process.argv.includes("--deflate");
const maxlife = Number(arg("maxlife", "120"));

async function silverbackServer(): Promise<{ server: net.Server; mode: string }> {
  const sb = await loadSilverback({ compression: deflate });
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  server.on("upgrade", (req, socket: Duplex, head: Buffer) => {
    // `void echo(c)` rather than `.then(echo)`: the latter keeps a derived promise pending for the
    // conn's whole life, which is harness memory, not the library's.
    sb.upgrade(req, socket, head).then((c) => void echo(c), () => socket.destroy());
  });
  return { server, mode: sb.mode };
}

/** The loop from issue 8, verbatim. */
async function echo(conn: Conn): Promise<void> {
  try {
    for (;;) {
      const m = await conn.readMessage();
      await conn.writeMessage(m.messageType, m.data);
    }
  } catch {
    conn.close();
  }
}

interface WsLike {
  on(e: "message", f: (data: Buffer, isBinary: boolean) => void): void;
  on(e: "error", f: () => void): void;
  send(data: Buffer, o: { binary: boolean }): void;
}
interface WsModule {
  WebSocketServer: new (o: object) => { on(e: "connection", f: (ws: WsLike) => void): void };
}

function wsServer(): { server: net.Server; mode: string } {
  const ws = createRequire(import.meta.url)("ws") as WsModule;
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new ws.WebSocketServer({ server, perMessageDeflate: deflate });
  wss.on("connection", (c) => {
    c.on("error", () => {});
    c.on("message", (data, isBinary) => c.send(data, { binary: isBinary }));
  });
  const native = !process.env["WS_NO_BUFFER_UTIL"];
  return { server, mode: native ? "bufferutil" : "plain" };
}

function rawServer(): { server: net.Server; mode: string } {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.on("error", () => {});
    s.on("data", (d) => {
      if (!s.write(d)) {
        s.pause();
        s.once("drain", () => s.resume());
      }
    });
  });
  return { server, mode: "net" };
}

async function collect(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 40));
  }
  return process.memoryUsage();
}

/**
 * The handshake floor on node:http: no library, no per-connection object beyond the socket, the
 * reply written as one string; data after the handshake is dropped. Only for scenario D's rate.
 */
function floorServer(): { server: net.Server; mode: string } {
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const ignore = (): void => {};
  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket) => {
    const h = req.headers;
    const key = h["sec-websocket-key"];
    if (req.method !== "GET" || typeof key !== "string" || !/\bupgrade\b/i.test(h.connection ?? "") ||
      !/^websocket$/i.test(h.upgrade ?? "") || h["sec-websocket-version"] !== "13") {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on("error", ignore);
    socket.on("data", ignore);
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${createHash("sha1").update(key + GUID).digest("base64")}\r\n\r\n`);
  });
  return { server, mode: "node:http" };
}
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const { server, mode } = kind === "silverback" ? await silverbackServer() : kind === "ws" ? wsServer()
  : kind === "floor" ? floorServer() : rawServer();
server.listen(0, "127.0.0.1", () => {
  const a = server.address() as net.AddressInfo;
  process.stdout.write(`READY ${a.port} ${mode}\n`);
});
process.on("message", (m: { cmd?: string; file?: string }) => {
  if (m.cmd === "mem") void collect().then((u) => process.send?.(u));
  else if (m.cmd === "snapshot") void collect().then(() => process.send?.({ file: writeHeapSnapshot(m.file) }));
  else if (m.cmd === "exit") process.exit(0);
});
process.on("disconnect", () => process.exit(0));
setTimeout(() => process.exit(4), maxlife * 1000).unref();
