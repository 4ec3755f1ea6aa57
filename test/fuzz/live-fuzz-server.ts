/**
 * Child process of `npm run fuzz`: a silverback echo server on 127.0.0.1 (path /z negotiates
 * permessage-deflate). Talks to its parent over IPC: sends {port} when listening; answers
 * {cmd:"mem"} with memory after GC, and {cmd:"idle"} once no fuzz conn is open (or after 10 s).
 * Run with --expose-gc.
 */
import http from "node:http";
import type net from "node:net";
import { acceptConn, echoLoop, loadLib } from "../conformance/lib.js";

const lib = await loadLib();
let open = 0;
const idleWaiters: Array<() => void> = [];
const server = http.createServer((_req, res) => res.end("fuzz"));
server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
  socket.on("error", () => {});
  const control = req.url === "/control";
  const o = { readLimit: 1 << 20, ...(req.url === "/z" ? { compression: true } : {}) };
  acceptConn(lib, req, socket, head, o).then(async (conn) => {
    if (!control) open++;
    await echoLoop(conn);
    conn.close();
    if (!control && --open === 0) for (const w of idleWaiters.splice(0)) w();
  }, () => {});
});
server.listen(0, "127.0.0.1", () => {
  process.send!({ port: (server.address() as net.AddressInfo).port, via: lib !== null ? "Upgrader" : "newConn" });
});

process.on("message", (m: { cmd: string }) => {
  if (m.cmd === "mem") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const u = process.memoryUsage();
    process.send!({ mem: { rss: u.rss, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers }, open });
  } else if (m.cmd === "idle") {
    const reply = (): void => void process.send!({ idle: open });
    if (open === 0) reply();
    else {
      const timer = setTimeout(reply, 10_000);
      idleWaiters.push(() => {
        clearTimeout(timer);
        reply();
      });
    }
  }
});
process.on("disconnect", () => process.exit(0));
