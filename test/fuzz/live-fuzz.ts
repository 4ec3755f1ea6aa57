/**
 * `npm run fuzz -- --frames 1000000 [--conns 64] [--seconds 600] [--seed 1]` (not in CI).
 * A silverback echo server runs in a child process on 127.0.0.1. Many concurrent raw connections
 * send random valid and invalid frames, cut into random TCP writes, and end in random ways (close
 * frame, abrupt destroy, half-close, silence). Asserts: the server process stays up, a control
 * conn keeps echoing throughout, every fuzz conn is released, and the server's heap after GC
 * returns near its baseline. Bounded by --seconds; the child is killed by PID at the end.
 */
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { computeAcceptKey } from "../../src/handshake/accept-key.js";
import { bounded, dialConn, loadLib, readHttpHead } from "../conformance/lib.js";
import { encodeFrame } from "../conformance/wire.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const FRAMES = arg("frames", 100_000);
const CONNS = arg("conns", 64);
const SECONDS = arg("seconds", 600);
let seed = arg("seed", 1) >>> 0 || 1;

/** xorshift32: a reproducible stream of random numbers for --seed. */
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const int = (n: number): number => Math.floor(rand() * n);
const chance = (p: number): boolean => rand() < p;

function payload(n: number, text: boolean): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = text ? 0x20 + int(95) : int(256);
  if (text && n > 0 && chance(0.05)) b[int(n)] = 0xc0 + int(64); // sometimes invalid UTF-8
  return b;
}

/** One random frame for a client-to-server stream: mostly valid, sometimes broken. */
function randomFrame(): Buffer {
  const r = rand();
  const opcode = r < 0.35 ? 1 : r < 0.6 ? 2 : r < 0.72 ? 0 : r < 0.84 ? 9 : r < 0.9 ? 10 : r < 0.92 ? 8 : int(16);
  const big = chance(0.02);
  const n = opcode >= 8 ? (chance(0.97) ? int(126) : 126 + int(200)) : big ? int(70_000) : int(200);
  const fin = chance(0.8);
  const rsv = chance(0.96) ? 0 : int(8);
  const key = chance(0.98) ? Buffer.from([int(256), int(256), int(256), int(256)]) : null;
  const huge = chance(0.003) ? BigInt(int(0x7fffffff)) << BigInt(int(33)) : undefined;
  return encodeFrame({ fin, rsv, opcode, payload: payload(n, opcode === 1 || opcode === 0), maskKey: key, ...(huge !== undefined ? { declaredLength: huge } : {}) });
}

let sentFrames = 0;
let conns = 0;
let handshakeFailures = 0;

/** One fuzz connection: handshake, random frames in random writes, a random ending. */
async function fuzzConn(port: number): Promise<void> {
  const sock = net.connect(port, "127.0.0.1");
  sock.on("error", () => {});
  const closed = new Promise<void>((r) => sock.once("close", () => r()));
  const key = Buffer.from([int(256), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, int(256)]).toString("base64");
  const compression = chance(0.3);
  sock.write(`GET ${compression ? "/z" : "/"} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
    (compression ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n" : "") + "\r\n");
  const head = await bounded(readHttpHead(sock).catch(() => null), 10_000, null);
  if (head === null || !head.head.includes(computeAcceptKey(key))) {
    handshakeFailures++;
    sock.destroy();
    return;
  }
  sock.resume(); // read and discard the echoes
  conns++;
  const frames = 1 + int(chance(0.1) ? 2000 : 60);
  let bytes = Buffer.concat(Array.from({ length: frames }, randomFrame));
  sentFrames += frames;
  while (bytes.length > 0 && !sock.destroyed) {
    const n = chance(0.3) ? 1 + int(8) : 1 + int(bytes.length);
    const piece = bytes.subarray(0, n);
    bytes = bytes.subarray(n);
    if (!sock.write(piece)) await bounded(new Promise<void>((r) => sock.once("drain", () => r())), 10_000, undefined);
  }
  const end = rand();
  if (end < 0.4) sock.write(encodeFrame({ fin: true, rsv: 0, opcode: 8, payload: Buffer.from([0x03, 0xe8]), maskKey: Buffer.alloc(4) }));
  else if (end < 0.6) sock.destroy();
  else if (end < 0.8) sock.end();
  // else: silence; the server waits for more (legitimately): give up on it after a second.
  if ((await bounded(closed.then(() => true), end < 0.8 ? 10_000 : 1_000, false)) === false) sock.destroy();
}

async function main(): Promise<number> {
  const child = fork(fileURLToPath(new URL("./live-fuzz-server.js", import.meta.url)), [], { execArgv: ["--expose-gc"], stdio: "inherit" });
  let exited: string | null = null;
  child.on("exit", (code, signal) => (exited = `server exited (code ${code}, signal ${signal})`));
  const ask = <T>(cmd: string, key: string): Promise<T> => new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off("message", on);
        resolve(m as T);
      }
    };
    child.on("message", on);
    child.send({ cmd });
  });
  const started = new Promise<{ port: number; via: string }>((r) => child.once("message", (m: { port: number; via: string }) => r(m)));
  const { port, via } = await started;
  const control = await dialConn(await loadLib(), `ws://127.0.0.1:${port}/control`);
  let round = 0;
  const roundTrip = async (): Promise<boolean> => {
    const tag = `control ${++round}`;
    await control.writeMessage(1, tag);
    const m = await bounded(control.readMessage().catch(() => null), 10_000, null);
    return m !== null && m.data.toString() === tag;
  };
  await roundTrip();
  const base = await ask<{ mem: Record<string, number> }>("mem", "mem");
  console.log(`live fuzz: server pid ${child.pid} on 127.0.0.1:${port} via ${via}; ${FRAMES} frames, ${CONNS} concurrent conns, ≤ ${SECONDS} s`);
  const deadline = Date.now() + SECONDS * 1000;
  let failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (sentFrames < FRAMES && Date.now() < deadline && exited === null) await fuzzConn(port);
  };
  const workers = Array.from({ length: CONNS }, worker);
  let lastReport = 0;
  while (sentFrames < FRAMES && Date.now() < deadline && exited === null) {
    if (!(await roundTrip())) {
      failures.push(`control conn stopped echoing after ${sentFrames} frames`);
      break;
    }
    if (sentFrames - lastReport >= FRAMES / 10) {
      lastReport = sentFrames;
      console.log(`  ${sentFrames} frames over ${conns} conns`);
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  await Promise.all(workers);
  if (exited !== null) failures.push(exited);
  if (exited === null) {
    if (!(await roundTrip())) failures.push("control conn does not echo after the run");
    const idle = await ask<{ idle: number }>("idle", "idle");
    if (idle.idle !== 0) failures.push(`${idle.idle} fuzz conns still open on the server after the run`);
    const end = await ask<{ mem: Record<string, number> }>("mem", "mem");
    const grown = end.mem["heapUsed"]! - base.mem["heapUsed"]!;
    const mb = (n: number): string => (n / 1048576).toFixed(1) + " MiB";
    console.log(`server heap after GC: baseline ${mb(base.mem["heapUsed"]!)}, after ${mb(end.mem["heapUsed"]!)} (${grown >= 0 ? "+" : ""}${mb(grown)}); ` +
      `rss ${mb(base.mem["rss"]!)} → ${mb(end.mem["rss"]!)}; arrayBuffers ${mb(base.mem["arrayBuffers"]!)} → ${mb(end.mem["arrayBuffers"]!)}`);
    if (grown > Math.max(0.05 * base.mem["heapUsed"]!, 4 * 1048576)) failures.push(`server heap did not return near its baseline (+${mb(grown)})`);
  }
  console.log(`${sentFrames} frames sent over ${conns} conns (${handshakeFailures} handshakes failed), ${round} control round trips`);
  control.close();
  child.kill("SIGKILL");
  failures = [...new Set(failures)];
  console.log(failures.length === 0 ? "live fuzz: OK" : `live fuzz: FAILED\n  - ${failures.join("\n  - ")}`);
  return failures.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(2);
});
