// Where an idle connection's memory goes: starts an echo server (--kind=silverback|ws|ws-native,
// --deflate), opens 100 then --conns more idle connections with the Go generator (optionally one
// echoed message each with --msg), takes a heap snapshot at each step and prints what grew per
// connection (by constructor), plus the RSS and memoryUsage() deltas.
//   npx tsc -p tsconfig.json && node build/bench/memprobe.js [--kind=silverback] [--conns=1000] [--msg]
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLoadgen } from "./lib/gobuild.js";
import { JOBS, type Kind } from "./lib/jobs.js";
import { startServer } from "./lib/runners.js";
import { spawnBin } from "./lib/proc.js";
import { diff, tally } from "./lib/heapdiff.js";

const argv = process.argv.slice(2);
const opt = (k: string): string | undefined => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const kind = (opt("kind") ?? "silverback") as Kind;
const n = Number(opt("conns") ?? 1000);
const deflate = argv.includes("--deflate");
const job = JOBS.find((j) => j.id === (deflate ? "Fmem" : "Dmem"))!;
const dir = fileURLToPath(new URL(`../../.bench-results/memprobe-${kind}/`, import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const loadgen = buildLoadgen();
const settings = { warmupMs: 0, durMs: 0, memConns: n, loadgen };

interface Mem { rss: number; heapUsed: number; external: number; arrayBuffers: number }
const srv = await startServer(kind, job, settings, true);
const gen = spawnBin("loadgen", loadgen, ["idle", "-addr", `127.0.0.1:${srv.port}`, "-proto", kind === "raw" ? "raw" : "ws",
  "-size", String(job.size), ...(deflate ? ["-deflate"] : []), "-maxlife", "120s"]);
try {
  const step = async (name: string): Promise<Mem> => {
    await srv.child.request({ cmd: "snapshot", file: join(dir, `${name}.heapsnapshot`) }, 60_000);
    return srv.child.request<Mem>({ cmd: "mem" }, 10_000);
  };
  gen.send("open 100");
  await gen.line("OPENED", 30_000);
  const m0 = await step("base");
  gen.send(`open ${n}`);
  await gen.line("OPENED", 60_000);
  const m1 = await step("idle");
  let m2: Mem | undefined;
  if (argv.includes("--msg")) {
    gen.send("msg");
    await gen.line("DONE", 60_000);
    m2 = await step("msg");
  }
  const kib = (a: Mem, b: Mem, k: keyof Mem): string => ((b[k] - a[k]) / n / 1024).toFixed(2);
  const show = (title: string, b: Mem, file: string): void => {
    console.log(`\n== ${kind}${deflate ? " (deflate)" : ""}, ${title}: per conn rss ${kib(m0, b, "rss")} KiB, ` +
      `heapUsed ${kib(m0, b, "heapUsed")}, external ${kib(m0, b, "external")}, arrayBuffers ${kib(m0, b, "arrayBuffers")}`);
    for (const l of diff(tally(join(dir, "base.heapsnapshot")), tally(join(dir, file)), n)) console.log(l);
  };
  show(`${n} idle conns`, m1, "idle.heapsnapshot");
  if (m2) show("after one message each", m2, "msg.heapsnapshot");
  gen.send("quit");
} finally {
  await gen.stop();
  await srv.child.stop();
}
process.exit(0);
