/**
 * `silverback serve`: a WebSocket server on a port that echoes every message back to its sender,
 * or with `--broadcast` sends it to every client, optionally serving a directory over HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import {
  CloseGoingAway, ClosePolicyViolation, PreparedMessage, Upgrader, type Conn, type UpgraderOptions,
} from "./lib.js";
import { Exit, UsageError, usageErrors, parseInteger, parseList } from "./args.js";
import { staticHandler } from "./static.js";

/** Usage text of the serve command. */
export const serveUsage = `usage: silverback serve [options]

Accepts WebSocket connections on any path and echoes each message to its sender (text stays text,
binary stays binary). Prints "listening on <url>" on stdout; Ctrl-C closes every connection with 1001.

  -p, --port <n>          TCP port, 0 for any free one (default 8080)
      --host <addr>       address to listen on (default 127.0.0.1)
      --broadcast         send each message to every connected client instead
      --static <dir>      serve the files of <dir> over HTTP (index.html for directories)
  -s, --subprotocol <p>   accept these subprotocols, in order of preference (repeatable)
      --compress          accept permessage-deflate
      --any-origin        accept browsers from any origin (default: same origin only)
      --max-message <n>   largest message accepted, in bytes (default 1048576)`;

// A broadcast client with more unsent bytes than this is too slow and is dropped.
const MAX_BACKLOG = 4 * 1024 * 1024;

/** Runs the serve command; resolves with the exit code once stopped by SIGINT/SIGTERM. */
export async function serve(args: string[]): Promise<number> {
  const { values, positionals } = usageErrors(() => parseArgs({ args, allowPositionals: true, strict: true, options: {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    broadcast: { type: "boolean" },
    static: { type: "string" },
    subprotocol: { type: "string", short: "s", multiple: true },
    compress: { type: "boolean" },
    "any-origin": { type: "boolean" },
    "max-message": { type: "string" },
  } }));
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const port = parseInteger("port", values.port, 8080, 65535);
  const broadcast = values.broadcast === true;
  const protocols = parseList(values.subprotocol ?? []);
  const options: UpgraderOptions = {
    enableCompression: values.compress === true,
    readLimit: parseInteger("max-message", values["max-message"], 1 << 20),
    keepAlive: { interval: 30_000, timeout: 10_000 },
    ...(protocols.length > 0 ? { subprotocols: protocols } : {}),
    ...(values["any-origin"] ? { checkOrigin: () => true } : {}),
  };
  const upgrader = new Upgrader(options);

  let files: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  if (values.static !== undefined) {
    try {
      files = await staticHandler(values.static);
    } catch (err) {
      throw new UsageError(`--static: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const conns = new Set<Conn>();
  const mode = broadcast ? "broadcast" : "echo";
  const server = createServer((req, res) => {
    if (files) return files(req, res);
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" })
      .end(`silverback serve (${mode}): connect a WebSocket client to this address\n`);
  });

  function send(messageType: 1 | 2, data: Buffer): void {
    const pm = new PreparedMessage(messageType, data); // framed once for every client
    for (const c of conns) {
      if (c.bufferedAmount > MAX_BACKLOG) {
        conns.delete(c);
        c.shutdown(ClosePolicyViolation, "too slow", 1000).catch(() => {});
      } else {
        c.writePreparedMessage(pm).catch(() => {});
      }
    }
  }

  server.on("upgrade", async (req, socket, head) => {
    const from = req.socket.remoteAddress ?? "?"; // gone once a refused socket is destroyed
    let conn: Conn;
    try {
      conn = await upgrader.upgrade(req, socket, head);
    } catch (err) {
      console.error(`refused ${from}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const peer = conn.remoteAddr();
    const name = peer ? `${peer.address}:${peer.port}` : "client";
    conns.add(conn);
    console.error(`+ ${name} ${req.url ?? "/"}${conn.subprotocol() ? ` [${conn.subprotocol()}]` : ""} (${conns.size} connected)`);
    try {
      for await (const { messageType, data } of conn) {
        if (broadcast) send(messageType, data);
        else await conn.writeMessage(messageType, data);
      }
    } catch (err) {
      // Normal closes (1000, 1001, 1005) end the loop quietly; anything else is worth a line.
      console.error(`! ${name}: ${err instanceof Error ? err.message : String(err)}`);
      conn.close();
    }
    conns.delete(conn);
    console.error(`- ${name} (${conns.size} connected)`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, values.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  console.log(`listening on http://${host}:${addr.port}/ (${mode}${files ? `, files from ${values.static}` : ""})`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  console.error(`${signal}: closing ${conns.size} connection(s)`);
  server.close();
  await Promise.all([...conns].map((c) => c.shutdown(CloseGoingAway, "server shutting down", 3000)));
  server.closeAllConnections();
  return Exit.ok;
}
