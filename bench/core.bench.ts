// Core throughput: silverback's Receiver/Sender against ws's own Receiver/Sender, same inputs, same
// process, rounds interleaved. Receive = a server parsing + unmasking client frames; send = a client
// framing + masking (and, for reference, a server framing unmasked). ws runs twice: with bufferutil
// (its native masking addon, a devDependency here) and with WS_NO_BUFFER_UTIL=1 (pure JS).
// Run: npx tsc -p tsconfig.json && node build/bench/core.bench.js [--ms=300] [--only=receive|send]
// No assertions.
import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import { Receiver, Sender, MaskKeySource, serializeFrame } from "../src/protocol/index.js";

interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: "message", f: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: "error", f: (err: Error) => void): unknown;
}
interface WsFrameOptions { fin: boolean; mask: boolean; opcode: number; readOnly: boolean; rsv1: boolean }
interface WsModule {
  Receiver: new (o: { isServer: boolean; maxPayload?: number }) => WsReceiver;
  Sender: { frame(data: Buffer, o: WsFrameOptions): Buffer[] };
}

const require = createRequire(import.meta.url);
const wsNative = require("ws") as WsModule;
// A second copy of ws that loads without bufferutil (buffer-util.js reads the variable at load).
for (const k of Object.keys(require.cache)) if (k.includes("/node_modules/ws/")) delete require.cache[k];
process.env["WS_NO_BUFFER_UTIL"] = "1";
const wsPure = require("ws") as WsModule;
delete process.env["WS_NO_BUFFER_UTIL"];

const ms = Number(process.argv.find((a) => a.startsWith("--ms="))?.slice(5) ?? 300);
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7) ?? ""; // e.g. --only=send
const SIZES = [32, 1024, 64 * 1024, 1024 * 1024];
const READ = 64 * 1024; // a typical socket read

/**
 * Runs each function (each call does `per` operations) for about `ms` ms in all, in 5 interleaved
 * rounds so that noise from other processes hits every library alike; returns the best ops/s of each.
 */
async function measure(fns: Array<() => void>, per: number): Promise<number[]> {
  const best = fns.map(() => 0);
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < fns.length; k++) {
      await new Promise((r) => setImmediate(r)); // let ws's Writable settle its ticks
      const f = fns[k]!;
      let ops = 0;
      const t0 = process.hrtime.bigint();
      let dt = 0;
      do {
        for (let i = 0; i < 16; i++) f();
        ops += 16 * per;
        dt = Number(process.hrtime.bigint() - t0);
      } while (dt < (ms / 5) * 1e6);
      best[k] = Math.max(best[k]!, (ops * 1e9) / dt);
    }
  }
  return best;
}

function payload(size: number, text: boolean): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = text ? 0x20 + (i % 95) : (i * 31) & 0xff;
  return b;
}

/**
 * Masked frames of `size` bytes: one frame per read (`read` 0), or 64 KiB of back-to-back frames
 * (at least one) cut into reads of `read` bytes.
 * The key's bytes are < 0x80, so ASCII stays ASCII: unmasking in place (both libraries do) flips
 * the buffers between two valid texts, and the same chunks can be parsed again and again.
 */
function chunks(size: number, text: boolean, read: number): { list: Buffer[]; frames: number } {
  const frame = Buffer.concat(serializeFrame({ fin: true, opcode: text ? 1 : 2, payload: payload(size, text), maskKey: Uint8Array.of(0x1b, 0x2c, 0x3d, 0x4e) }) as Buffer[]);
  if (read === 0) return { list: [frame], frames: 1 };
  const frames = Math.max(1, Math.floor(READ / frame.length));
  const all = Buffer.concat(Array.from({ length: frames }, () => frame));
  const list: Buffer[] = [];
  for (let o = 0; o < all.length; o += read) list.push(Buffer.from(all.subarray(o, o + read)));
  return { list, frames };
}

type Row = [string, number, number, number];
const rows: Row[] = [];
function fmt(n: number): string {
  return n >= 1e6 ? (n / 1e6).toFixed(2) + " M" : n >= 1e3 ? (n / 1e3).toFixed(1) + " k" : n.toFixed(0) + " ";
}

async function receiveCase(size: number, text: boolean, read: number): Promise<void> {
  const { list, frames } = chunks(size, text, read);
  let got = 0;
  const sb = new Receiver({ server: true });
  const runSb = (): void => {
    for (const c of list) got += sb.push(c).length;
  };
  const mk = (m: WsModule): (() => void) => {
    const r = new m.Receiver({ isServer: true });
    r.on("message", () => got++);
    r.on("error", (e) => { throw e; });
    return () => { for (const c of list) r.write(c); };
  };
  const runNative = mk(wsNative);
  const runPure = mk(wsPure);
  const [a, b, c] = (await measure([runSb, runNative, runPure], frames)) as [number, number, number];
  if (got === 0) throw new Error("nothing parsed");
  const how = read === 0 ? "1 frame/read" : "64 KiB reads";
  rows.push([`receive ${text ? "text  " : "binary"} ${label(size)} ${how}`, a, b, c]);
}

async function sendCase(size: number, masked: boolean): Promise<void> {
  const data = payload(size, false);
  const sender = new Sender({ server: !masked, maskKeys: new MaskKeySource() });
  let bytes = 0;
  const opts: WsFrameOptions = { fin: true, mask: masked, opcode: 2, readOnly: true, rsv1: false };
  const [a, b, c] = (await measure(
    [
      () => { bytes += sender.dataFrame(2, data, true)[0]!.length; },
      () => { bytes += wsNative.Sender.frame(data, opts)[0]!.length; },
      () => { bytes += wsPure.Sender.frame(data, opts)[0]!.length; },
    ],
    1,
  )) as [number, number, number];
  if (bytes === 0) throw new Error("nothing framed");
  rows.push([`send binary ${masked ? "masked  " : "unmasked"} ${label(size)}`, a, b, c]);
}

function label(size: number): string {
  return (size >= 1 << 20 ? size / (1 << 20) + " MiB" : size >= 1024 ? size / 1024 + " KiB" : size + " B").padEnd(7);
}

if (only === "" || only === "receive") {
  for (const text of [false, true]) {
    for (const read of [0, READ]) for (const size of SIZES) await receiveCase(size, text, read);
  }
}
if (only === "" || only === "send") {
  for (const masked of [true, false]) for (const size of SIZES) await sendCase(size, masked);
}

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`node ${process.version}, ~${ms} ms per case and library, best of 5 interleaved rounds; ops/s = frames/s`);
console.log(`${"case".padEnd(w)}  silverback   ws+bufferutil  ratio   ws (pure JS)  ratio`);
for (const [name, a, b, c] of rows) {
  console.log(`${name.padEnd(w)}  ${fmt(a).padStart(9)}   ${fmt(b).padStart(11)}   ${(a / b).toFixed(2).padStart(5)}×  ${fmt(c).padStart(11)}  ${(a / c).toFixed(2).padStart(5)}×`);
}
