/**
 * Shared pieces of the security regression tests: a silverback echo server on 127.0.0.1 (the
 * application may be told never to read), a raw attacker socket that completes the opening
 * handshake by hand, a control connection that must keep echoing during every attack, and a
 * forced GC for heap measurements.
 */
import http from "node:http";
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import type { Conn } from "../../src/conn/conn.js";
import { computeAcceptKey } from "../../src/handshake/accept-key.js";
import { acceptConn, bounded, dialConn, echoLoop, loadLib, readHttpHead, type ConnOpts, type Lib } from "../conformance/lib.js";
import { FrameReader, type ReceivedFrame } from "../conformance/wire.js";

v8.setFlagsFromString("--expose-gc");
const gcFn = vm.runInNewContext("gc") as () => void;

/** Collects garbage twice and returns the heap in use plus array buffers, in bytes. */
export function heapNow(): number {
  gcFn();
  gcFn();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bounded wait in tests: rejects with `what` after `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const TIMEOUT = Symbol("timeout");
  const r = await bounded<T, typeof TIMEOUT>(p, ms, TIMEOUT);
  if (r === TIMEOUT) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  return r;
}

export interface EchoServer {
  port: number;
  lib: Lib | null;
  /** Server conns, in accept order. */
  conns: Conn[];
  /** Resolves with the next accepted server conn. */
  nextConn(): Promise<Conn>;
  close(): Promise<void>;
}

/** Starts an http server whose upgrades become echoing conns (or idle ones with `read: false`). */
export async function startServer(o: ConnOpts & { read?: boolean; server?: http.ServerOptions } = {}): Promise<EchoServer> {
  const lib = await loadLib();
  const conns: Conn[] = [];
  const waiters: Array<(c: Conn) => void> = [];
  const server = http.createServer(o.server ?? {}, (_req, res) => res.end("hello"));
  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.on("error", () => {});
    acceptConn(lib, req, socket, head, o).then((conn) => {
      conns.push(conn);
      waiters.shift()?.(conn);
      if (o.read !== false) void echoLoop(conn);
    }, () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    lib,
    conns,
    nextConn: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      for (const c of conns) c.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A silverback client conn to `port` that proves the server still serves: one echo round trip per call. */
export async function controlConn(port: number): Promise<{ roundTrip(tag: string): Promise<void>; close(): void }> {
  const conn = await dialConn(await loadLib(), `ws://127.0.0.1:${port}/control`);
  return {
    async roundTrip(tag) {
      await conn.writeMessage(1, `control ${tag}`);
      const m = await within(conn.readMessage(), 10_000, `the control echo (${tag})`);
      if (m.data.toString() !== `control ${tag}`) throw new Error(`control conn got ${m.data.toString()}`);
    },
    close: () => conn.close(),
  };
}

/** A raw client socket after a hand-made opening handshake, with a frame reader on its input. */
export interface Attacker {
  sock: net.Socket;
  frames: ReceivedFrame[];
  /** Resolves when a frame matching `pred` arrived (bounded). */
  frame(pred: (f: ReceivedFrame) => boolean, what: string, ms?: number): Promise<ReceivedFrame>;
  closed: Promise<void>;
}

export async function attack(port: number, extraHeaders = ""): Promise<Attacker> {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  await within(new Promise<void>((r) => sock.once("connect", r)), 10_000, "connect");
  const key = "c2VjdXJpdHktdGVzdHMtMQ==";
  sock.write(`GET /attack HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`);
  const { head, rest } = await within(readHttpHead(sock), 10_000, "the 101");
  if (!head.startsWith("HTTP/1.1 101") || !head.includes(computeAcceptKey(key))) throw new Error("handshake failed: " + head);
  const reader = new FrameReader();
  const frames: ReceivedFrame[] = [];
  const listeners = new Set<() => void>();
  const onData = (c: Buffer): void => {
    frames.push(...reader.push(c));
    for (const l of listeners) l();
  };
  const closed = new Promise<void>((r) => sock.once("close", () => r()));
  if (rest.length > 0) onData(rest);
  sock.on("data", onData);
  sock.resume();
  return {
    sock,
    frames,
    closed,
    frame(pred, what, ms = 10_000) {
      return within(new Promise<ReceivedFrame>((resolve) => {
        const check = (): void => {
          const f = frames.find(pred);
          if (f !== undefined) {
            listeners.delete(check);
            resolve(f);
          }
        };
        listeners.add(check);
        check();
      }), ms, what);
    },
  };
}

/** The close code of a close frame (null for an empty payload). */
export function closeCode(f: ReceivedFrame): number | null {
  return f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null;
}
