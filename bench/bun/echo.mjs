// Bun's echo server for the benchmark (bench/lib/runners.ts starts it with the binary from
// bench/lib/bun.ts): Bun.serve's built-in WebSocket server, uWebSockets in C++, as the figure a
// native server reaches on the same machine. Plain JS, run by Bun only (uses the Bun global):
//   bun bench/bun/echo.mjs [--deflate] [--maxlife=120]
// Prints "READY <port> bun". stdin line "mem" → one line `MEM {"rss":…,"heapUsed":…,"external":…}`
// after a full GC. Exits when stdin closes (the runner went away) or after --maxlife seconds.
import { createInterface } from "node:readline";

const arg = (k, d) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const deflate = process.argv.includes("--deflate");
const maxlife = Number(arg("maxlife", "120"));

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    if (srv.upgrade(req)) return undefined;
    return new Response("upgrade required", { status: 426 });
  },
  websocket: {
    // text arrives as a string, binary as a Buffer; send() keeps the type. Its second argument
    // (compress) defaults to false even with the extension negotiated: like silverback and ws,
    // the echo is compressed when deflate is on
    message(ws, m) {
      ws.send(m, deflate);
    },
    // Bun's default compressor is shared: it negotiates no context takeover both ways, so it keeps
    // no zlib state per conn (silverback and ws keep one: context takeover, as browsers offer)
    perMessageDeflate: deflate,
    // 1 MiB messages (B1M) must pass; this is Bun's default, stated so a change of it cannot
    // quietly close those conns with 1009
    maxPayloadLength: 16 * 1024 * 1024,
    // past the limit send() *drops* the echo and the generator waits forever for it; the
    // generator bounds what is in flight (≤ 4 MiB per conn), so no limit is needed
    backpressureLimit: 0,
    closeOnBackpressureLimit: false,
  },
});
process.stdout.write(`READY ${server.port} bun\n`);

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  if (line.trim() !== "mem") return;
  // as the Node servers' collect(): three full GCs with a pause, so freed memory is returned
  for (let i = 0; i < 3; i++) {
    Bun.gc(true);
    await new Promise((r) => setTimeout(r, 40));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  process.stdout.write(`MEM ${JSON.stringify({ rss, heapUsed, external })}\n`);
});
rl.on("close", () => process.exit(0));
setTimeout(() => process.exit(4), maxlife * 1000).unref();
