// In-process peers on the `ws` npm package: an echo server with the "!close/!ping/!frag" commands of
// gorilla-server.go, and a client speaking the op protocol of gorilla-client.go. Used by test/helpers/peers.ts.
import { WebSocket, WebSocketServer, type PerMessageDeflateOptions } from "ws";
import type { AddressInfo } from "node:net";
import type { ClientOptions, OpenResult, Op, OpResult, PeerClient, PeerServer, ServerOptions } from "./types.js";
import { describeMessage, pattern } from "./types.js";

function deflateOptions(compress: ClientOptions["compress"]): boolean | PerMessageDeflateOptions {
  if (compress === "nct") return { serverNoContextTakeover: true, clientNoContextTakeover: true };
  return compress === true;
}

function command(ws: WebSocket, text: string): void {
  const [name, a = "", b = ""] = text.split(" ", 3);
  const rest = text.split(" ").slice(2).join(" ");
  if (name === "!close") ws.close(Number(a), rest);
  else if (name === "!ping") {
    const timer = setTimeout(() => ws.send("!pong-timeout"), 5000);
    ws.once("pong", (data: Buffer) => {
      clearTimeout(timer);
      ws.send(`!pong ${data.toString("base64")}`);
    });
    ws.ping(Buffer.from(a, "base64"));
  } else if (name === "!frag") {
    const n = Number(a);
    const size = Number(b);
    const data = pattern(2, n * size);
    for (let i = 0; i < n; i++) ws.send(data.subarray(i * size, (i + 1) * size), { binary: true, fin: i === n - 1 });
  }
}

/** Starts a ws echo server on 127.0.0.1:0. */
export async function startWsServer(opts: ServerOptions = {}): Promise<PeerServer> {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: deflateOptions(opts.compress),
    handleProtocols: (offered: Set<string>) => (opts.subprotocols ?? []).find((p) => offered.has(p)) ?? false,
    verifyClient: (info, done) => done(!(opts.rejectOrigin && info.origin === opts.rejectOrigin), 403),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  wss.on("connection", (ws) => {
    ws.on("error", () => {});
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary && data[0] === 0x21 /* ! */) command(ws, data.toString());
      else ws.send(data, { binary: isBinary });
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    kind: "ws",
    port,
    url: `ws://127.0.0.1:${port}/`,
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Connects a ws client; the returned peer answers ops like the process-based clients. */
export async function startWsClient(url: string, opts: ClientOptions = {}): Promise<PeerClient> {
  const ws = new WebSocket(url, opts.subprotocols ?? [], {
    perMessageDeflate: deflateOptions(opts.compress),
    maxPayload: 64 << 20,
    handshakeTimeout: 10_000,
    ...(opts.origin ? { origin: opts.origin } : {}),
  });
  const queue: Array<{ msg?: Buffer; type?: 1 | 2; close?: { code: number; reason: string } }> = [];
  const waiters: Array<() => void> = [];
  let closed: { code: number; reason: string } | null = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    queue.push({ msg: data, type: isBinary ? 2 : 1 });
    wake();
  });
  ws.on("close", (code: number, reason: Buffer) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  // ws.extensions holds only the names; report the response header, as the other clients do.
  let extensions = "";
  ws.once("upgrade", (res) => void (extensions = String(res.headers["sec-websocket-extensions"] ?? "")));
  const open = await new Promise<OpenResult>((resolve) => {
    ws.once("open", () => resolve({ event: "open", subprotocol: ws.protocol, extensions }));
    ws.once("unexpected-response", (_req, res) => {
      resolve({ event: "error", error: `unexpected response ${res.statusCode}`, status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => resolve({ event: "error", error: err.message, status: 0 }));
  });
  // Waits for a queued message or the close, at most ms (resolves either way).
  const settle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (queue.length > 0 || closed) return resolve();
      const timer = setTimeout(() => resolve(), ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  async function op(o: Op): Promise<OpResult> {
    const timeout = o.timeout ?? 20_000;
    switch (o.op) {
      case "send": {
        const data = o.gen ? pattern(o.type, o.gen) : Buffer.from(o.b64 ?? "", "base64");
        const binary = o.type === 2;
        const parts = o.frag?.length ? o.frag : [data.length];
        let pos = 0;
        await Promise.all(parts.map((n, i) => {
          const chunk = data.subarray(pos, (pos += n));
          return new Promise<void>((resolve, reject) =>
            ws.send(chunk, { binary, fin: i === parts.length - 1 }, (err) => (err ? reject(err) : resolve())));
        }));
        return { ok: true };
      }
      case "recv": {
        await settle(timeout);
        const item = queue.shift();
        if (item?.msg) return describeMessage(item.type ?? 2, item.msg);
        if (closed) return { close: closed };
        return { error: "recv timeout" };
      }
      case "ping": {
        const got = new Promise<Buffer | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), timeout);
          ws.once("pong", (d: Buffer) => {
            clearTimeout(timer);
            resolve(d);
          });
        });
        ws.ping(Buffer.from(o.b64 ?? "", "base64"));
        const d = await got;
        return d ? { pong: d.toString("base64") } : { error: "pong timeout" };
      }
      case "close": {
        ws.close(o.code, o.reason ?? "");
        while (!closed) {
          queue.length = 0;
          await settle(timeout);
          if (!closed && queue.length === 0) return { error: "close timeout" };
        }
        return { close: closed };
      }
    }
  }
  return {
    kind: "ws",
    open,
    op,
    async stop() {
      ws.terminate();
    },
  };
}
