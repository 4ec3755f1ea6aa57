// How the bench processes reach silverback: the public entry (`Upgrader`, `Dialer` from
// src/index.js) when it loads, otherwise `newConn` plus a minimal hand-made RFC 6455 handshake
// (server 101 / client GET, accept key from node:crypto) — the stop-gap allowed while the
// Upgrader/Dialer are unfinished. `mode` records which path a result came from.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import type { Conn } from "../../src/conn/conn.js";

export type { Conn };
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface SbApi {
  mode: "public" | "fallback";
  /** Server side of the 'upgrade' event. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Conn>;
  /** Client side: a Conn to ws://host:port/. */
  dial(url: string): Promise<Conn>;
}

interface PublicModule {
  Upgrader: new (o?: object) => { upgrade(req: IncomingMessage, s: Duplex, h: Buffer): Promise<Conn> };
  Dialer: new (o?: object) => { dial(url: string): Promise<{ conn: Conn }> };
}
interface ConnModule {
  newConn(socket: Duplex, o: { server: boolean; head?: Uint8Array }): Conn;
}

const accept = (key: string): string => createHash("sha1").update(key + GUID).digest("base64");

export async function loadSilverback(opts: { compression: boolean }): Promise<SbApi> {
  try {
    const m = (await import("../../src/index.js" as string)) as PublicModule;
    if (typeof m.Upgrader === "function" && typeof m.Dialer === "function") {
      const up = new m.Upgrader({ enableCompression: opts.compression });
      const dialer = new m.Dialer({ enableCompression: opts.compression, proxy: null });
      return {
        mode: "public",
        upgrade: (req, s, h) => up.upgrade(req, s, h),
        dial: async (url) => (await dialer.dial(url)).conn,
      };
    }
  } catch {
    /* the public entry does not load yet: fall back below */
  }
  if (opts.compression) throw new Error("silverback compression needs the Upgrader (not available yet)");
  const { newConn } = (await import("../../src/conn/conn.js" as string)) as ConnModule;
  return {
    mode: "fallback",
    async upgrade(req, socket, head) {
      const key = req.headers["sec-websocket-key"];
      if (typeof key !== "string") throw new Error("no key");
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
      );
      (socket as net.Socket).setNoDelay(true);
      (socket as net.Socket).setTimeout(0);
      return newConn(socket, { server: true, head });
    },
    async dial(url) {
      const u = new URL(url);
      const socket = net.connect(Number(u.port), u.hostname);
      socket.setNoDelay(true);
      const key = randomBytes(16).toString("base64");
      socket.write(
        `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      let buf = Buffer.alloc(0);
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer): void => {
          buf = Buffer.concat([buf, d]);
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) return;
          socket.off("data", onData).off("error", reject).pause();
          const headText = buf.subarray(0, end).toString("latin1");
          if (!headText.startsWith("HTTP/1.1 101") || !headText.includes(accept(key))) {
            reject(new Error("bad handshake"));
          } else resolve();
          buf = buf.subarray(end + 4);
        };
        socket.on("data", onData).once("error", reject);
      });
      return newConn(socket, { server: false, head: buf });
    },
  };
}
