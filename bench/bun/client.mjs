// Scenario E driver for Bun's built-in WebSocket client: the counterpart of
// bench/clients/client-load.ts with the same flags, measurement and output ("MARK start",
// "MARK end", "RESULT {json}" with the rate, this process's CPU and the watched server's CPU, %),
// so the runner compares the clients message for message. Plain JS, run by Bun only:
//   bun client.mjs --url=ws://127.0.0.1:P/ --size=32 --inflight=64 --warmup=400 --dur=2000 --watch=PID
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

const arg = (k, d) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const url = arg("url", "");
const size = Number(arg("size", "32"));
const inflight = Number(arg("inflight", "64"));
const warmup = Number(arg("warmup", "400"));
const dur = Number(arg("dur", "2000"));
const watch = Number(arg("watch", "0"));
setTimeout(() => process.exit(3), warmup + dur + 20_000).unref();

/** CPU time (ms) of a process from /proc/<pid>/stat, or -1 — as cpuMsOf in bench/lib/proc.ts. */
async function cpuMsOf(pid) {
  try {
    const s = await readFile(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return -1;
  }
}

const payload = randomBytes(size);
let msgs = 0;
let bad = "";
let stopped = false;

// Bun's client offers permessage-deflate unless told not to; the Node clients are plain too
const c = new WebSocket(url, { perMessageDeflate: false });
c.binaryType = "nodebuffer"; // Bun's default, stated: no ArrayBuffer → Buffer step on our side
c.onerror = (ev) => {
  if (!stopped) bad = `error: ${ev.message ?? ev.type}`;
};
c.onclose = (ev) => {
  if (!stopped) bad = `closed ${ev.code}`;
};
c.onmessage = (ev) => {
  if (ev.data.length !== size) bad = `echo of ${ev.data.length} bytes`;
  msgs++;
  if (!stopped) c.send(payload);
};
await new Promise((resolve, reject) => {
  c.onopen = resolve;
  c.addEventListener("error", () => reject(new Error(bad)));
});
for (let i = 0; i < inflight; i++) c.send(payload);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
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
c.close();
const res = {
  mode: `client-bun-${Bun.version}`,
  msgs: m1 - m0,
  secs,
  rate: (m1 - m0) / secs,
  genCpu: (c1.user + c1.system) / 1e4 / secs,
  srvCpu: s0 >= 0 && s1 >= 0 ? (s1 - s0) / 10 / secs : -1,
};
if (bad) res.error = bad;
process.stdout.write(`RESULT ${JSON.stringify(res)}\n`);
process.exit(0);
