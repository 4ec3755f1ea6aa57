// Test helpers for the Upgrader: loopback http servers that track their sockets, raw net clients,
// handshake request text, and response parsing. No sleeps: everything awaits events.
import http from "node:http";
import net from "node:net";
import { once } from "node:events";

export const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
export const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/** A loopback server that knows its open sockets. */
export interface TestServer {
  server: http.Server;
  port: number;
  host: string;
  /** Server-side sockets not yet closed. */
  sockets: Set<net.Socket>;
  /** Resolves once every server-side socket has closed. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1, port 0. */
export async function listen(server: http.Server): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const waiters: (() => void)[] = [];
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => {
      sockets.delete(s);
      if (sockets.size === 0) waiters.splice(0).forEach((w) => w());
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as net.AddressInfo).port;
  return {
    server, port, host: `127.0.0.1:${port}`, sockets,
    drained: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/** Headers of a valid handshake request; `null` in `over` removes one. */
export function handshake(host: string, over: Record<string, string | string[] | null> = {}, method = "GET", path = "/"): string {
  const h: Record<string, string | string[] | null> = {
    Host: host, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": KEY,
  };
  for (const [k, v] of Object.entries(over)) {
    const existing = Object.keys(h).find((n) => n.toLowerCase() === k.toLowerCase());
    if (existing !== undefined) delete h[existing];
    h[k] = v;
  }
  let s = `${method} ${path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(h)) {
    if (v === null) continue;
    for (const e of Array.isArray(v) ? v : [v]) s += `${k}: ${e}\r\n`;
  }
  return s + "\r\n";
}

/** A parsed HTTP response head plus body. */
export interface RawResponse {
  raw: Buffer;
  statusLine: string;
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** Parses `raw` as an HTTP/1.1 response (head + everything after it as body). */
export function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  const head = (end === -1 ? raw : raw.subarray(0, end)).toString("latin1");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = lines.filter((l) => l !== "").map((l): [string, string] => {
    const i = l.indexOf(":");
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  return {
    raw, statusLine, status: Number(statusLine.split(" ")[1]), headers,
    body: end === -1 ? Buffer.alloc(0) : raw.subarray(end + 4),
  };
}

/** Connects to 127.0.0.1:`port`. */
export async function connect(port: number): Promise<net.Socket> {
  const c = net.connect(port, "127.0.0.1");
  await once(c, "connect");
  return c;
}

/** Collects everything `c` receives until it ends or closes (a reset counts as an end). */
export function readAll(c: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  c.on("data", (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => {
    const done = (): void => resolve(Buffer.concat(chunks));
    c.once("end", done);
    c.once("close", done);
    c.once("error", done);
  });
}

/** Sends `request` on a new connection and returns the whole answer once the server closes. */
export async function exchange(port: number, request: string | Buffer): Promise<RawResponse> {
  const c = await connect(port);
  const all = readAll(c);
  c.write(request);
  const raw = await all;
  c.destroy();
  if (!c.closed) await once(c, "close");
  return parseResponse(raw);
}

/** Reads up to the end of a response head, then pauses `c`; `rest` = bytes received after it. */
export function readHead(c: net.Socket): Promise<{ head: RawResponse; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf("\r\n\r\n");
      if (end === -1) return;
      c.removeListener("data", onData);
      c.removeListener("close", onClose);
      c.pause();
      resolve({ head: parseResponse(buf.subarray(0, end + 4)), rest: buf.subarray(end + 4) });
    };
    const onClose = (): void => reject(new Error("closed before a response head: " + JSON.stringify(buf.toString("latin1"))));
    c.on("data", onData);
    c.once("close", onClose);
    c.resume();
  });
}

/** Records the promise of each upgrade call, so that tests can await the next one's outcome. */
export class Calls<T> {
  #waiters: ((r: { error?: unknown; value?: T }) => void)[] = [];
  #queued: Promise<{ error?: unknown; value?: T }>[] = [];
  push(p: Promise<T>): void {
    const settled = settle(p);
    const w = this.#waiters.shift();
    if (w) void settled.then(w);
    else this.#queued.push(settled);
  }
  /** The outcome of the next upgrade call: `{ value }` or `{ error }`. */
  next(): Promise<{ error?: unknown; value?: T }> {
    const q = this.#queued.shift();
    if (q) return q;
    return new Promise((r) => this.#waiters.push(r));
  }
}

/** Settles `p` into `{ value }` or `{ error }`. */
export async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

/** A masked client frame (RFC 6455 §5.2) with a payload under 126 bytes. */
export function clientFrame(opcode: number, payload: string | Buffer): Buffer {
  const p = Buffer.from(payload);
  if (p.length > 125) throw new RangeError("test frames are small");
  const key = [0x12, 0x34, 0x56, 0x78];
  const out = Buffer.alloc(6 + p.length);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | p.length;
  out.set(key, 2);
  for (let i = 0; i < p.length; i++) out[6 + i] = p[i]! ^ key[i % 4]!;
  return out;
}

/** Reads one small unmasked server frame from `c`; `pending` holds bytes already received. */
export function readServerFrame(c: net.Socket, pending: Buffer = Buffer.alloc(0)): Promise<{ opcode: number; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = pending;
    const tryParse = (): boolean => {
      if (buf.length < 2) return false;
      const len = buf[1]! & 0x7f;
      if (len > 125) {
        reject(new Error("test frames are small"));
        return true;
      }
      if (buf.length < 2 + len) return false;
      resolve({ opcode: buf[0]! & 0x0f, payload: buf.subarray(2, 2 + len) });
      return true;
    };
    if (tryParse()) return;
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (tryParse()) c.removeListener("data", onData);
    };
    c.on("data", onData);
    c.resume();
  });
}
