/**
 * The two conformance targets on 127.0.0.1: a silverback server conn (Upgrader on an http server)
 * reached by the raw peer as a client, and a silverback client conn (Dialer) that dials the raw
 * peer acting as a server. Each silverback conn runs an echo loop whose final error is reported.
 */
import http from "node:http";
import net from "node:net";
import { computeAcceptKey } from "../../src/handshake/accept-key.js";
import type { CaseOptions } from "./case.js";
import { acceptConn, bounded, dialConn, echoLoop, loadLib, readHttpHead, type Lib } from "./lib.js";

/** A connected raw peer, right after the opening handshake. */
export interface Session {
  sock: net.Socket;
  /** Bytes that followed the handshake head. */
  rest: Buffer;
  /** permessage-deflate was negotiated. */
  compression: boolean;
  /** Settles with the error that ended silverback's echo loop. */
  loop: Promise<unknown>;
}

export interface Target {
  /** silverback's role: the raw peer takes the other one. */
  role: "server" | "client";
  /** "Upgrader/Dialer" or "newConn" (before the handshake layer loads). */
  via: string;
  /** Whether compression cases can run. */
  compression: boolean;
  /** Port of the listening side (the Upgrader's http server, or the raw peer's server). */
  port: number;
  open(o: CaseOptions): Promise<Session>;
  close(): Promise<void>;
}

const OPEN_TIMEOUT = 10_000;
const TIMEOUT = Symbol("timeout");

function header(head: string, name: string): string | undefined {
  for (const line of head.split("\r\n").slice(1)) {
    const i = line.indexOf(":");
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name) return line.slice(i + 1).trim();
  }
  return undefined;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

const OFFER = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

/** silverback as the server: an http server whose 'upgrade' listener runs the echo loop. */
export async function serverTarget(): Promise<Target> {
  const lib: Lib | null = await loadLib();
  const loops = new Map<string, (v: Promise<unknown>) => void>();
  const server = http.createServer((_req, res) => res.end("not a websocket request"));
  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const limit = u.searchParams.get("limit");
    const o: CaseOptions = { ...(limit !== null ? { readLimit: Number(limit) } : {}), ...(u.searchParams.has("pmd") ? { compression: true } : {}) };
    const report = loops.get(u.pathname);
    loops.delete(u.pathname);
    socket.on("error", () => {});
    acceptConn(lib, req, socket, head, o).then(
      (conn) => {
        const loop = echoLoop(conn);
        report?.(loop);
      },
      (err: unknown) => report?.(Promise.resolve(err)),
    );
  });
  const port = await listen(server);
  let n = 0;
  return {
    role: "server",
    via: lib !== null ? "Upgrader" : "newConn",
    compression: lib !== null,
    port,
    async open(o) {
      const path = `/c/${++n}`;
      const loop = new Promise<unknown>((resolve) => loops.set(path, (p) => void p.then(resolve)));
      const sock = net.connect(port, "127.0.0.1");
      sock.on("error", () => {});
      await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("close", () => reject(new Error("connect failed"))));
      sock.setNoDelay(true);
      const q = [o.readLimit !== undefined ? `limit=${o.readLimit}` : "", o.compression ? "pmd" : ""].filter((x) => x !== "").join("&");
      const key = Buffer.from(`conformance${String(n).padStart(5, "0")}`).toString("base64");
      sock.write(`GET ${path}${q !== "" ? "?" + q : ""} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        (o.compression ? `Sec-WebSocket-Extensions: ${OFFER}\r\n` : "") + "\r\n");
      const r = await bounded(readHttpHead(sock), OPEN_TIMEOUT, TIMEOUT);
      if (r === TIMEOUT || !r.head.startsWith("HTTP/1.1 101 ") || header(r.head, "sec-websocket-accept") !== computeAcceptKey(key)) {
        sock.destroy();
        throw new Error("server target: bad handshake: " + (r === TIMEOUT ? "timeout" : r.head.split("\r\n")[0]));
      }
      const ext = header(r.head, "sec-websocket-extensions") ?? "";
      return { sock, rest: r.rest, compression: ext.startsWith("permessage-deflate"), loop };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

interface Waiting {
  o: CaseOptions;
  resolve(v: { sock: net.Socket; rest: Buffer; compression: boolean }): void;
}

/** silverback as the client: a raw TCP server that answers the opening handshake itself. */
export async function clientTarget(): Promise<Target> {
  const lib: Lib | null = await loadLib();
  const waiting = new Map<string, Waiting>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    sock.setNoDelay(true);
    readHttpHead(sock).then(({ head, rest }) => {
      const path = head.split(" ")[1] ?? "";
      const w = waiting.get(path);
      const key = header(head, "sec-websocket-key");
      if (w === undefined || key === undefined) return void sock.destroy();
      waiting.delete(path);
      const offered = (header(head, "sec-websocket-extensions") ?? "").includes("permessage-deflate");
      const compression = w.o.compression === true && offered;
      sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${computeAcceptKey(key)}\r\n` + (compression ? `Sec-WebSocket-Extensions: ${OFFER}\r\n` : "") + "\r\n");
      w.resolve({ sock, rest, compression });
    }, () => sock.destroy());
  });
  const port = await listen(server);
  let n = 0;
  return {
    role: "client",
    via: lib !== null ? "Dialer" : "newConn",
    compression: lib !== null,
    port,
    async open(o) {
      const path = `/c/${++n}`;
      const accepted = new Promise<{ sock: net.Socket; rest: Buffer; compression: boolean }>((resolve) => waiting.set(path, { o, resolve }));
      const dialed = dialConn(lib, `ws://127.0.0.1:${port}${path}`, o);
      const loop = dialed.then(echoLoop, (err: unknown) => err);
      const conn = await bounded(dialed.then(() => true, () => false), OPEN_TIMEOUT, false);
      const a = conn ? await bounded(accepted, OPEN_TIMEOUT, null) : null;
      if (a === null) {
        waiting.delete(path);
        throw new Error("client target: dial failed: " + String(await bounded(loop, 1, "timeout")));
      }
      return { ...a, loop };
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The target for a role. */
export function makeTarget(role: "server" | "client"): Promise<Target> {
  return role === "server" ? serverTarget() : clientTarget();
}
