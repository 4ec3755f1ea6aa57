// Profiles silverback's echo server under load: the server runs with `node --cpu-prof`, the Go
// generator drives scenario B 32 B, C and B 64 KiB (or --only=…), the server exits cleanly so the
// profile is written, and a summary (self time by function/file/category, inclusive time of
// src/ functions) is printed and saved next to the .cpuprofile in .bench-results/profiles/.
//   npx tsc -p tsconfig.json && node build/bench/profile.js [--only=B32,C,B64K] [--dur=4000]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLoadgen } from "./lib/gobuild.js";
import { JOBS } from "./lib/jobs.js";
import { runOne } from "./lib/runners.js";
import { formatSummary, summarize } from "./lib/cpuprofile.js";

const argv = process.argv.slice(2);
const opt = (k: string): string | undefined => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const ids = (opt("only") ?? "B32,C,B64K").split(",");
const kind = (opt("kind") ?? "silverback") as "silverback" | "ws" | "ws-native";
const dir = fileURLToPath(new URL("../../.bench-results/profiles/", import.meta.url));
mkdirSync(dir, { recursive: true });
const loadgen = buildLoadgen();

for (const id of ids) {
  const job = JOBS.find((j) => j.id === id);
  if (!job || job.type !== "echo") {
    console.error(`skip ${id}: not an echo scenario`);
    continue;
  }
  const sub = join(dir, `${id}-${kind}`);
  rmSync(sub, { recursive: true, force: true });
  mkdirSync(sub, { recursive: true });
  const s = await runOne(job, kind, {
    warmupMs: 500,
    durMs: Number(opt("dur") ?? 4000),
    memConns: 0,
    loadgen,
    serverExecArgv: ["--cpu-prof", `--cpu-prof-dir=${sub}`, "--cpu-prof-interval=250"],
  });
  const v = s.values[job.rows[0]!.id] ?? NaN;
  const file = readdirSync(sub).find((f) => f.endsWith(".cpuprofile"));
  if (!file) {
    console.error(`${id}: no profile written (${s.error ?? "server did not exit cleanly"})`);
    continue;
  }
  const text = formatSummary(`${job.rows[0]!.label} — ${kind}: ${v.toFixed(0)} ${job.rows[0]!.unit}, ` +
    `server CPU ${s.srvCpu?.toFixed(0)}%, ${s.cpuNsPerMsg?.toFixed(0)} ns/msg`, summarize(join(sub, file)));
  console.log(text + "\n");
  writeFileSync(join(sub, "summary.txt"), text + "\n");
}
process.exit(0);
