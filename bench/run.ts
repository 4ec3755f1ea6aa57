// `npm run bench`: silverback vs ws (plain and with bufferutil) vs Bun (native uWebSockets; its
// client in E) vs a raw `net` echo, driven by a Go load generator (bench/loadgen), scenarios A–F of
// issue 8. Bun comes from npm on first use (bench/lib/bun.ts); without it its columns show "–".
// Every run starts fresh processes; repetitions are interleaved across servers (rep 1 of every
// server, then rep 2 …) so drift on a shared machine hits all of them alike. Prints a table;
// writes .bench-results/latest.json.
//   node build/bench/run.js [--quick] [--only=A,B,Dhs] [--reps=3] [--dur=1700] [--warmup=300] [--conns=1000]
//                           [--no-bun]     (SILVERBACK_BUN=/path/to/bun: use that binary)
//                           [--pin]        (servers on CPU 0, load generators and clients on CPU 1)
// Default: 3 reps × 1.7 s (+0.3 s warm-up) per server, ≈ 6.5 min; --quick: 1 rep × 0.6 s, ≈ 1.2 min.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildLoadgen } from "./lib/gobuild.js";
import { bunVersion, ensureBun } from "./lib/bun.js";
import { selectJobs, type Kind } from "./lib/jobs.js";
import { runOne, type Sample, type Settings } from "./lib/runners.js";
import { setPinning } from "./lib/proc.js";
import { aggregate, printTable, type Collected } from "./lib/report.js";

const argv = process.argv.slice(2);
const opt = (k: string): string | undefined => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const quick = argv.includes("--quick");
const reps = Number(opt("reps") ?? (quick ? 1 : 3));
const settings: Settings = {
  warmupMs: Number(opt("warmup") ?? (quick ? 250 : 300)),
  durMs: Number(opt("dur") ?? (quick ? 600 : 1700)),
  memConns: Number(opt("conns") ?? 1000),
  loadgen: "",
};
const pin = argv.includes("--pin");
if (pin && cpus().length < 2) {
  console.error("--pin needs two CPUs (servers on CPU 0, load on CPU 1)");
  process.exit(2);
}
setPinning(pin);
const jobs = selectJobs(opt("only"));
if (jobs.length === 0) {
  console.error("no scenario matches --only (use A,B,C,D,E,F or ids like B32, Dhs, Fmem)");
  process.exit(2);
}

process.stdout.write("building the Go load generator … ");
settings.loadgen = buildLoadgen();
console.log(settings.loadgen);
if (!argv.includes("--no-bun")) {
  const bun = ensureBun();
  if (bun) settings.bun = bun;
}
const machine = {
  cpu: cpus()[0]?.model ?? "?",
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  go: execFileSync("go", ["version"], { encoding: "utf8" }).trim(),
  ws: (await import("ws/package.json", { with: { type: "json" } }).catch(() => ({ default: { version: "?" } })))
    .default.version as string,
  bun: settings.bun ? bunVersion(settings.bun) : null,
};
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}; ` +
  `${machine.bun ? `Bun ${machine.bun}` : "no Bun"}; ${reps} rep(s) × ${settings.durMs} ms (+${settings.warmupMs} ms warm-up)` +
  (pin ? "; pinned: servers on CPU 0, load on CPU 1" : ""));

const got: Collected = new Map();
const t0 = Date.now();
for (const job of jobs) {
  const byKind = new Map<Kind, Sample[]>();
  got.set(job.id, byKind);
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of job.kinds.filter((k) => k !== "bun" || settings.bun)) {
      const s = await runOne(job, kind, settings);
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind)!.push(s);
      const shown = job.rows.map((r) => `${r.id}=${(s.values[r.id] ?? NaN).toFixed(1)}`).join(" ");
      const cpu = s.srvCpu !== undefined ? ` srv ${s.srvCpu.toFixed(0)}%` : "";
      console.log(`  [${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${job.id} rep ${rep + 1} ` +
        `${kind.padEnd(10)} ${shown}${cpu}${s.error ? `  ERROR ${s.error.slice(0, 160)}` : ""}`);
    }
  }
}

const rows = aggregate(jobs, got);
console.log("");
console.log(printTable(rows));
const dir = fileURLToPath(new URL("../../.bench-results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const record = {
  date: new Date().toISOString(),
  machine,
  settings: { reps, warmupMs: settings.warmupMs, durMs: settings.durMs, memConns: settings.memConns, quick, pin },
  elapsedSeconds: Math.round((Date.now() - t0) / 1000),
  notes: [
    "ratioToWs = median / median of ws plain (WS_NO_BUFFER_UTIL=1, WS_NO_UTF_8_VALIDATE=1), same run",
    "ratioToBun = median / median of Bun's server (E: of Bun's WebSocket client), same run; absent without Bun",
    "ratioToRaw = median / median of the raw net echo (E: of the Go generator as client of the Go echo)",
    "MB/s = echoed payload bytes (one direction) / 1e6 per second",
  ],
  rows,
};
writeFileSync(`${dir}latest.json`, JSON.stringify(record, null, 2));
writeFileSync(`${dir}${record.date.replace(/[:.]/g, "-")}.json`, JSON.stringify(record, null, 2));
console.log(`\nwrote ${dir}latest.json (${record.elapsedSeconds} s)`);
process.exit(0);
