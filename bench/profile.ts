// Profiles an echo server under load (default silverback; --kind=ws for comparison) for
// scenarios B 32 B, C and B 64 KiB (or --only=… any echo job, F, or Dhs for handshakes). Two views:
//  * `node --cpu-prof` (always): the server exits cleanly so V8 writes the profile; printed as self
//    time by function/file/category and inclusive time of src/ functions. V8 samples wall time of
//    the main thread, so a thread preempted inside writev (loopback wakes the peer) inflates
//    "writev"; compare the busy % with the server's real CPU % printed on the title line.
//  * `--perf` (if `perf` is installed): on-CPU samples from `perf record` with --perf-basic-prof,
//    kernel included, by DSO and by symbol — the real CPU split.
// Files go to .bench-results/profiles/<id>-<kind>/.
//   npx tsc -p tsconfig.json && node build/bench/profile.js [--only=B32,C,B64K] [--dur=4000] [--perf]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLoadgen } from "./lib/gobuild.js";
import { JOBS, type Kind } from "./lib/jobs.js";
import { startServer } from "./lib/runners.js";
import { spawnBin } from "./lib/proc.js";
import { formatSummary, summarize } from "./lib/cpuprofile.js";

const argv = process.argv.slice(2);
const opt = (k: string): string | undefined => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const ids = (opt("only") ?? "B32,C,B64K").split(",");
const kind = (opt("kind") ?? "silverback") as Kind;
const durMs = Number(opt("dur") ?? 4000);
const usePerf = argv.includes("--perf");
const root = fileURLToPath(new URL("../../.bench-results/profiles/", import.meta.url));
const loadgen = buildLoadgen();

interface GenResult { rate?: number; srvCpu?: number; msgs?: number; secs?: number; error?: string }

/** perf record on `pid` for `secs`; returns the top of `perf report` by DSO and by symbol. */
async function perfRecord(pid: number, secs: number, dir: string): Promise<string> {
  const data = join(dir, "perf.data");
  const p = spawn("perf", ["record", "-F", "1999", "-g", "-p", String(pid), "-o", data, "--", "sleep", String(secs)],
    { stdio: "ignore" });
  const timer = setTimeout(() => p.pid !== undefined && process.kill(p.pid, "SIGKILL"), (secs + 10) * 1000);
  await new Promise((r) => p.once("exit", r));
  clearTimeout(timer);
  const report = (sort: string, n: number): string =>
    execFileSync("perf", ["report", "-i", data, "--no-children", "--sort", sort, "-g", "none", "--stdio"],
      { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 })
      .split("\n").filter((l) => l.trim() && !l.startsWith("#")).slice(0, n).join("\n");
  return `-- perf: on-CPU samples by DSO\n${report("dso", 8)}\n-- perf: top symbols (JIT = JS functions)\n${report("sym", 40)}`;
}

for (const id of ids) {
  const job = JOBS.find((j) => j.id === id);
  if (!job || (job.type !== "echo" && job.type !== "handshake")) {
    console.error(`skip ${id}: not an echo or handshake scenario`);
    continue;
  }
  const dir = join(root, `${id}-${kind}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const execArgv = ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=250",
    ...(usePerf ? ["--perf-basic-prof"] : [])];
  const srv = await startServer(kind, job, { warmupMs: 0, durMs: 0, memConns: 0, loadgen, serverExecArgv: execArgv }, false);
  let perfText = "";
  let r: GenResult = {};
  try {
    const gen = spawnBin("loadgen", loadgen, [job.type === "handshake" ? "handshake" : "flight",
      "-addr", `127.0.0.1:${srv.port}`, "-proto", "ws",
      "-conns", String(job.conns), "-inflight", String(job.inflight), "-size", String(job.size),
      ...(job.text ? ["-text"] : []), ...(job.deflate ? ["-deflate"] : []), "-warmup", "500ms", "-dur", `${durMs}ms`, "-watch", String(srv.child.pid),
      "-maxlife", `${Math.ceil(durMs / 1000) + 30}s`]);
    await gen.line("MARK start", 30_000);
    if (usePerf) perfText = await perfRecord(srv.child.pid, Math.max(1, Math.floor(durMs / 1000) - 1), dir);
    r = JSON.parse(await gen.line("RESULT", durMs + 30_000)) as GenResult;
    await gen.stop();
  } finally {
    await srv.child.stop(5000); // clean exit: V8 writes the .cpuprofile
  }
  const rate = job.rows[0]!.unit === "MB/s" ? ((r.rate ?? NaN) * job.size) / 1e6 : r.rate ?? NaN;
  const nsPerMsg = // per message (per handshake for Dhs)
    r.srvCpu !== undefined && r.msgs ? ((r.srvCpu / 100) * (r.secs ?? 0) * 1e9) / r.msgs : NaN;
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  const title = `${job.rows[0]!.label} — ${kind}: ${rate.toFixed(0)} ${job.rows[0]!.unit}, server CPU ` +
    `${r.srvCpu?.toFixed(0)}% of a core, ${nsPerMsg.toFixed(0)} ns/msg${r.error ? ` (ERROR ${r.error})` : ""}`;
  const text = (file ? formatSummary(title, summarize(join(dir, file))) : `${title}\n(no .cpuprofile written)`) +
    (perfText ? `\n${perfText}` : "");
  console.log(text + "\n");
  writeFileSync(join(dir, "summary.txt"), text + "\n");
}
process.exit(0);
