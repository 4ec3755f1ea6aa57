// A TCP relay on 127.0.0.1 between an interop client and server that records every WebSocket frame header
// (FIN, RSV1, opcode, length) in both directions, so cases can check fragmentation, RSV1 and one-frame sends.
import net from "node:net";
import type { AddressInfo } from "node:net";
import assert from "node:assert/strict";

export interface FrameInfo { fin: boolean; rsv1: boolean; opcode: number; length: number }
export interface Frames { toServer: FrameInfo[]; toClient: FrameInfo[] }

/** Parses frame headers out of one direction of a connection, after the HTTP head; payloads are skipped. */
class FrameScanner {
  #inHead = true;
  #headText = "";
  #hdr = Buffer.alloc(0);
  #skip = 0;
  constructor(private readonly out: FrameInfo[]) {}

  push(chunk: Buffer): void {
    let off = 0;
    if (this.#inHead) {
      const text = this.#headText + chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        this.#headText = text.slice(-3);
        return;
      }
      off = end + 4 - this.#headText.length;
      this.#inHead = false;
    }
    while (off < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - off);
        this.#skip -= n;
        off += n;
        continue;
      }
      const before = this.#hdr.length;
      const take = Math.min(14 - before, chunk.length - off);
      this.#hdr = Buffer.concat([this.#hdr, chunk.subarray(off, off + take)]);
      const size = this.#hdr.length < 2 ? 0
        : 2 + ((this.#hdr[1]! & 127) === 126 ? 2 : (this.#hdr[1]! & 127) === 127 ? 8 : 0) + (this.#hdr[1]! & 128 ? 4 : 0);
      if (size === 0 || this.#hdr.length < size) {
        off += take;
        continue;
      }
      off += size - before;
      const h = this.#hdr;
      const len7 = h[1]! & 127;
      const length = len7 < 126 ? len7 : len7 === 126 ? h.readUInt16BE(2) : Number(h.readBigUInt64BE(2));
      this.out.push({ fin: (h[0]! & 0x80) !== 0, rsv1: (h[0]! & 0x40) !== 0, opcode: h[0]! & 15, length });
      this.#skip = length;
      this.#hdr = Buffer.alloc(0);
    }
  }
}

export interface Relay {
  port: number;
  frames: Frames;
  /** Frames recorded from now on (call the result after the exchange). */
  mark(): () => Frames;
  stop(): Promise<void>;
}

/** Starts a relay to 127.0.0.1:targetPort (meant for one connection at a time). */
export async function startRelay(targetPort: number): Promise<Relay> {
  const frames: Frames = { toServer: [], toClient: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      s.once("close", () => sockets.delete(s));
    }
    const toServer = new FrameScanner(frames.toServer);
    const toClient = new FrameScanner(frames.toClient);
    client.on("data", (d: Buffer) => toServer.push(d));
    upstream.on("data", (d: Buffer) => toClient.push(d));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    frames,
    mark() {
      const a = frames.toServer.length;
      const b = frames.toClient.length;
      return () => ({ toServer: frames.toServer.slice(a), toClient: frames.toClient.slice(b) });
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const show = (fs: FrameInfo[]) => fs.map((f) => `${f.opcode}${f.fin ? "F" : ""}${f.rsv1 ? "C" : ""}:${f.length}`).join(" ");

/** The data frames (opcodes 0–2) of a list, control frames dropped. */
export const dataFrames = (fs: FrameInfo[]) => fs.filter((f) => f.opcode < 8);

/** Asserts the data frames form exactly one message of `type` in at least `min` frames. */
export function assertOneMessage(fs: FrameInfo[], type: number, min = 1, max = Infinity): void {
  const d = dataFrames(fs);
  const msg = `frames (opcode, F = FIN, C = RSV1, length): ${show(fs)}`;
  assert.ok(d.length >= min && d.length <= max, `expected ${min}..${max} data frames; ${msg}`);
  assert.equal(d[0]!.opcode, type, msg);
  assert.ok(d.slice(1).every((f) => f.opcode === 0), msg);
  assert.ok(d.slice(0, -1).every((f) => !f.fin) && d.at(-1)!.fin, msg);
}

/** Asserts RSV1 (compressed) on the first data frame only, or on none when `compressed` is false. */
export function assertRsv1(fs: FrameInfo[], compressed: boolean): void {
  const d = dataFrames(fs);
  const msg = `frames (opcode, F = FIN, C = RSV1, length): ${show(fs)}`;
  assert.ok(d.length > 0, msg);
  assert.equal(d[0]!.rsv1, compressed, msg);
  assert.ok(d.slice(1).every((f) => !f.rsv1), msg);
}
