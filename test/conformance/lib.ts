/**
 * How the conformance, security, fuzz and soak code obtains silverback conns: through the public
 * Upgrader and Dialer when `src/index.ts` loads, otherwise through `newConn` after a minimal
 * hand-made opening handshake (so the frame-level suites run before the handshake layer lands).
 */
import type { IncomingMessage } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { newConn, type Conn } from "../../src/conn/conn.js";
import { computeAcceptKey } from "../../src/handshake/accept-key.js";

/** Options a test applies to the conn under test. */
export interface ConnOpts {
  readLimit?: number;
  compression?: boolean;
  handshakeTimeout?: number;
}

interface UpgraderLike {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Conn>;
}
interface DialerLike {
  dial(url: string): Promise<{ conn: Conn }>;
}
/** The parts of the public API used here. */
export interface Lib {
  Upgrader: new (o?: object) => UpgraderLike;
  Dialer: new (o?: object) => DialerLike;
  [name: string]: unknown;
}

// A variable specifier: the index may not compile yet, and must not break this file's build.
const INDEX: string = "../../src/index.js";
let loaded: Promise<Lib | null> | undefined;

/** The public API, or null while `src/index.ts` cannot load (Upgrader/Dialer/compression missing). */
export function loadLib(): Promise<Lib | null> {
  if (process.env["SILVERBACK_FORCE_NEWCONN"] === "1") return Promise.resolve(null);
  return (loaded ??= import(INDEX).then(
    (m: Lib) => (typeof m.Upgrader === "function" && typeof m.Dialer === "function" ? m : null),
    () => null,
  ));
}

const upgraders = new Map<string, UpgraderLike>();

/** Server side: upgrades an 'upgrade' event's socket to a server Conn. */
export async function acceptConn(lib: Lib | null, req: IncomingMessage, socket: Duplex, head: Buffer, o: ConnOpts = {}): Promise<Conn> {
  if (lib !== null) {
    const key = JSON.stringify(o);
    let u = upgraders.get(key);
    if (u === undefined) {
      u = new lib.Upgrader({
        checkOrigin: () => true,
        ...(o.readLimit !== undefined ? { readLimit: o.readLimit } : {}),
        ...(o.handshakeTimeout !== undefined ? { handshakeTimeout: o.handshakeTimeout } : {}),
        ...(o.compression ? { enableCompression: true } : {}),
      });
      upgraders.set(key, u);
    }
    return u.upgrade(req, socket, head);
  }
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string") {
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    throw new Error("no key");
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAcceptKey(key)}\r\n\r\n`);
  (socket as net.Socket).setNoDelay?.(true);
  return newConn(socket, { server: true, head, ...(o.readLimit !== undefined ? { readLimit: o.readLimit } : {}) });
}

/** Client side: dials `url` (ws://127.0.0.1:port/path) and returns the client Conn. */
export async function dialConn(lib: Lib | null, url: string, o: ConnOpts = {}): Promise<Conn> {
  if (lib !== null) {
    const d = new lib.Dialer({
      proxy: null,
      handshakeTimeout: o.handshakeTimeout ?? 10_000,
      ...(o.readLimit !== undefined ? { readLimit: o.readLimit } : {}),
      ...(o.compression ? { enableCompression: true } : {}),
    });
    return (await d.dial(url)).conn;
  }
  const u = new URL(url);
  const sock = net.connect(Number(u.port), u.hostname);
  await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  sock.setNoDelay(true);
  const key = Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff)).toString("base64");
  sock.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const { head, rest } = await readHttpHead(sock);
  if (!head.startsWith("HTTP/1.1 101") || !head.includes(computeAcceptKey(key))) {
    sock.destroy();
    throw new Error("bad handshake: " + head.split("\r\n")[0]);
  }
  return newConn(sock, { server: false, head: rest, ...(o.readLimit !== undefined ? { readLimit: o.readLimit } : {}) });
}

/**
 * Reads an HTTP head (up to the empty line) from a socket; resolves with it and the bytes after
 * it, leaving the socket paused with no listener of ours. Rejects if the socket ends first.
 */
export function readHttpHead(sock: Duplex, limit = 64 * 1024): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, v?: { head: string; rest: Buffer }): void => {
      sock.off("data", onData);
      sock.off("end", onEnd);
      sock.off("error", onEnd);
      sock.off("close", onEnd);
      sock.pause();
      if (err !== null) reject(err);
      else resolve(v!);
    };
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const i = buf.indexOf("\r\n\r\n");
      if (i >= 0) done(null, { head: buf.toString("latin1", 0, i + 4), rest: Buffer.from(buf.subarray(i + 4)) });
      else if (buf.length > limit) done(new Error("HTTP head too large"));
    };
    const onEnd = (): void => done(new Error("connection closed before the HTTP head ended"));
    sock.on("data", onData);
    sock.on("end", onEnd);
    sock.on("error", onEnd);
    sock.on("close", onEnd);
  });
}

/** Echoes every data message back until a read fails; resolves with that error (never rejects). */
export async function echoLoop(conn: Conn): Promise<unknown> {
  try {
    for (;;) {
      const m = await conn.readMessage();
      await conn.writeMessage(m.messageType, m.data);
    }
  } catch (err) {
    return err;
  }
}

/** Resolves with `p`'s outcome, or with `timeout` after `ms` (a failsafe, never a sleep). */
export function bounded<T, U = T>(p: Promise<T>, ms: number, timeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(timeout), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
