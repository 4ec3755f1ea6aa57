// Scenario E driver: a Node WebSocket *client* under test (silverback's Dialer or ws's client)
// against a fast echo server, keeping --inflight binary messages of --size bytes in flight on
// one connection. Same output protocol as the Go generator: "MARK start", "MARK end",
// "RESULT {json}" with the rate, this process's CPU and the watched server's CPU (%).
//   node client-load.js --kind=silverback|ws --url=ws://127.0.0.1:P/ --size=32 --inflight=64
//                       --warmup=400 --dur=2000 --watch=PID
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { loadSilverback } from "../servers/sb-api.js";
import { cpuMsOf } from "../lib/proc.js";

const arg = (k: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const kind = arg("kind", "silverback");
const url = arg("url", "");
const size = Number(arg("size", "32"));
const inflight = Number(arg("inflight", "64"));
const warmup = Number(arg("warmup", "400"));
const dur = Number(arg("dur", "2000"));
const watch = Number(arg("watch", "0"));
setTimeout(() => process.exit(3), warmup + dur + 20_000).unref();

const payload = randomBytes(size);
let msgs = 0;
let bad = "";
let stopped = false;
let closeClient: () => void = () => {};
let mode = "";

async function silverback(): Promise<void> {
  const sb = await loadSilverback({ compression: false });
  mode = sb.mode;
  const conn = await sb.dial(url);
  closeClient = () => conn.close();
  for (let i = 0; i < inflight; i++) await conn.writeMessage(2, payload);
  void (async () => {
    try {
      while (!stopped) {
        const m = await conn.readMessage();
        if (m.data.length !== size) bad = `echo of ${m.data.length} bytes`;
        msgs++;
        await conn.writeMessage(2, payload);
      }
    } catch (err) {
      if (!stopped) bad = String(err);
    }
  })();
}

interface WsClient {
  on(e: "open" | "close", f: () => void): void;
  on(e: "error", f: (err: Error) => void): void;
  on(e: "message", f: (data: Buffer) => void): void;
  send(data: Buffer): void;
  terminate(): void;
}

async function ws(): Promise<void> {
  const W = createRequire(import.meta.url)("ws") as new (url: string, o: object) => WsClient;
  mode = process.env["WS_NO_BUFFER_UTIL"] ? "plain" : "bufferutil";
  const c = new W(url, { perMessageDeflate: false });
  closeClient = () => c.terminate();
  c.on("error", (err) => {
    if (!stopped) bad = String(err);
  });
  c.on("message", (data) => {
    if (data.length !== size) bad = `echo of ${data.length} bytes`;
    msgs++;
    if (!stopped) c.send(payload);
  });
  await new Promise<void>((resolve) => c.on("open", resolve));
  for (let i = 0; i < inflight; i++) c.send(payload);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
await (kind === "silverback" ? silverback() : ws());
await sleep(warmup);
const m0 = msgs;
const c0 = process.cpuUsage();
const s0 = await cpuMsOf(watch);
const t0 = performance.now();
process.stdout.write("MARK start\n");
await sleep(dur);
const m1 = msgs;
const c1 = process.cpuUsage(c0);
const s1 = await cpuMsOf(watch);
const secs = (performance.now() - t0) / 1000;
process.stdout.write("MARK end\n");
stopped = true;
closeClient();
const res: Record<string, unknown> = {
  mode: `client-${kind}-${mode}`,
  msgs: m1 - m0,
  secs,
  rate: (m1 - m0) / secs,
  genCpu: (c1.user + c1.system) / 1e4 / secs,
  srvCpu: s0 >= 0 && s1 >= 0 ? (s1 - s0) / 10 / secs : -1,
};
if (bad) res["error"] = bad;
process.stdout.write(`RESULT ${JSON.stringify(res)}\n`);
process.exit(0);
