// Runs one job for one server (or client) kind, every process fresh: start the echo server,
// drive it with the Go generator (or a Node or Bun client against the Go echo server for E),
// collect the RESULT line, then stop every child by PID. Returns the row values and the CPU use seen.
import { fileURLToPath } from "node:url";
import { Child, forkNode, spawnBin } from "./proc.js";
import type { Job, Kind } from "./jobs.js";

export interface Settings {
  warmupMs: number;
  durMs: number;
  memConns: number;
  loadgen: string;
  bun?: string; // the bun binary (bench/lib/bun.ts); kind "bun" runs only with it
  serverExecArgv?: string[]; // e.g. --cpu-prof flags (profile.ts)
}

export interface Sample {
  values: Record<string, number>; // row id → value
  srvCpu?: number; // % of one core, server (E: the Go echo server)
  genCpu?: number; // % of one core, generator (E: the Node client under test)
  cpuNsPerMsg?: number; // server CPU per message (E: client CPU per message)
  mode?: string;
  error?: string;
  extra?: Record<string, number>;
}

interface GenResult {
  msgs?: number;
  rate?: number;
  secs?: number;
  srvCpu?: number;
  genCpu?: number;
  mode?: string;
  error?: string;
}

const ECHO = fileURLToPath(new URL("../servers/echo-server.js", import.meta.url));
const CLIENT = fileURLToPath(new URL("../clients/client-load.js", import.meta.url));
// plain JS run by Bun from the source tree (this file runs from build/bench/lib/)
const BUN_ECHO = fileURLToPath(new URL("../../../bench/bun/echo.mjs", import.meta.url));
const BUN_CLIENT = fileURLToPath(new URL("../../../bench/bun/client.mjs", import.meta.url));

function bunBin(s: Settings): string {
  if (!s.bun) throw new Error("no bun binary (see bench/lib/bun.ts)");
  return s.bun;
}

function wsEnv(kind: Kind): Record<string, string | undefined> {
  return kind === "ws"
    ? { WS_NO_BUFFER_UTIL: "1", WS_NO_UTF_8_VALIDATE: "1" }
    : { WS_NO_BUFFER_UTIL: undefined, WS_NO_UTF_8_VALIDATE: undefined };
}

export async function startServer(kind: Kind, job: Job, s: Settings, gcFlag: boolean): Promise<{
  child: Child; port: number; mode: string;
}> {
  if (kind === "go") {
    const child = spawnBin("go-echo", s.loadgen, ["serve", "-maxlife", "120s"]);
    const port = Number((await child.line("READY", 10_000)).split(" ")[0]);
    return { child, port, mode: "gorilla+batched" };
  }
  if (kind === "bun") {
    const child = spawnBin("server-bun", bunBin(s), [BUN_ECHO, ...(job.deflate ? ["--deflate"] : []), "--maxlife=120"]);
    const [port, mode] = (await child.line("READY", 15_000)).split(" ");
    return { child, port: Number(port), mode: mode ?? "" };
  }
  const args = [`--kind=${kind === "ws-native" ? "ws" : kind}`, ...(job.deflate ? ["--deflate"] : [])];
  const execArgv = [...(gcFlag ? ["--expose-gc"] : []), ...(s.serverExecArgv ?? [])];
  const child = forkNode(`server-${kind}`, ECHO, args, { env: wsEnv(kind), execArgv });
  const [port, mode] = (await child.line("READY", 15_000)).split(" ");
  return { child, port: Number(port), mode: mode ?? "" };
}

function genArgs(job: Job, kind: Kind, port: number, s: Settings, pid: number): string[] {
  const a = ["-addr", `127.0.0.1:${port}`, "-proto", kind === "raw" ? "raw" : "ws",
    "-warmup", `${s.warmupMs}ms`, "-dur", `${s.durMs}ms`, "-watch", String(pid),
    "-maxlife", `${Math.ceil((s.warmupMs + s.durMs) / 1000) + 30}s`];
  if (job.type === "handshake") return ["handshake", ...a, "-conns", String(job.conns)];
  return ["flight", ...a, "-conns", String(job.conns), "-inflight", String(job.inflight),
    "-size", String(job.size), ...(job.text ? ["-text"] : []), ...(job.deflate ? ["-deflate"] : [])];
}

function toSample(job: Job, r: GenResult, mode: string): Sample {
  const rate = r.rate ?? NaN;
  const value = job.rows[0]!.unit === "MB/s" ? (rate * job.size) / 1e6 : rate;
  const out: Sample = { values: { [job.rows[0]!.id]: r.error ? NaN : value }, mode };
  if (r.srvCpu !== undefined && r.srvCpu >= 0) out.srvCpu = r.srvCpu;
  if (r.genCpu !== undefined) out.genCpu = r.genCpu;
  const busy = job.type === "client" ? r.genCpu : r.srvCpu;
  if (busy !== undefined && busy >= 0 && r.msgs && r.secs) out.cpuNsPerMsg = (busy / 100) * r.secs * 1e9 / r.msgs;
  if (r.error) out.error = r.error;
  return out;
}

async function finish(children: Child[]): Promise<void> {
  for (const c of children) await c.stop();
}

async function echoOrHandshake(job: Job, kind: Kind, s: Settings): Promise<Sample> {
  const srv = await startServer(kind, job, s, false);
  let gen: Child | undefined;
  try {
    gen = spawnBin("loadgen", s.loadgen, genArgs(job, kind, srv.port, s, srv.child.pid));
    const r = JSON.parse(await gen.line("RESULT", s.warmupMs + s.durMs + 30_000)) as GenResult;
    return toSample(job, r, srv.mode);
  } finally {
    await finish(gen ? [gen, srv.child] : [srv.child]);
  }
}

async function client(job: Job, kind: Kind, s: Settings): Promise<Sample> {
  const srv = await startServer("go", job, s, false);
  let drv: Child | undefined;
  try {
    const common = [`--url=ws://127.0.0.1:${srv.port}/`, `--size=${job.size}`, `--inflight=${job.inflight}`,
      `--warmup=${s.warmupMs}`, `--dur=${s.durMs}`, `--watch=${srv.child.pid}`];
    if (kind === "go") {
      drv = spawnBin("loadgen", s.loadgen, genArgs(job, "go", srv.port, s, srv.child.pid));
    } else if (kind === "bun") {
      drv = spawnBin("client-bun", bunBin(s), [BUN_CLIENT, ...common]);
    } else {
      drv = forkNode(`client-${kind}`, CLIENT, [`--kind=${kind === "ws-native" ? "ws" : kind}`, ...common],
        { env: wsEnv(kind) });
    }
    const r = JSON.parse(await drv.line("RESULT", s.warmupMs + s.durMs + 30_000)) as GenResult;
    if (kind === "go") {
      // the generator's own CPU is the "client" CPU here
      return toSample({ ...job, type: "client" }, r, "go-loadgen");
    }
    return toSample(job, r, r.mode ?? kind);
  } finally {
    await finish(drv ? [drv, srv.child] : [srv.child]);
  }
}

interface Mem { rss: number; heapUsed: number; external: number }

/** Server memory after forced GC: IPC for the Node servers, a stdin command for Bun's (no IPC). */
async function memOf(kind: Kind, child: Child): Promise<Mem> {
  if (kind !== "bun") return child.request<Mem>({ cmd: "mem" }, 10_000);
  child.send("mem");
  return JSON.parse(await child.line("MEM", 10_000)) as Mem;
}

async function memory(job: Job, kind: Kind, s: Settings): Promise<Sample> {
  const srv = await startServer(kind, job, s, true);
  const gen = spawnBin("loadgen", s.loadgen, ["idle", "-addr", `127.0.0.1:${srv.port}`, "-proto",
    kind === "raw" ? "raw" : "ws", "-size", String(job.size), ...(job.deflate ? ["-deflate"] : []),
    "-maxlife", "90s"]);
  try {
    const base = 100;
    gen.send(`open ${base}`);
    await gen.line("OPENED", 30_000);
    const m0 = await memOf(kind, srv.child);
    gen.send(`open ${s.memConns}`);
    await gen.line("OPENED", 60_000);
    const m1 = await memOf(kind, srv.child);
    gen.send("msg");
    await gen.line("DONE", 60_000);
    const m2 = await memOf(kind, srv.child);
    gen.send("quit");
    const per = (a: Mem, b: Mem, k: keyof Mem): number => (b[k] - a[k]) / s.memConns / 1024;
    const [idle, warm] = job.rows;
    return {
      values: { [idle!.id]: per(m0, m1, "rss"), [warm!.id]: per(m0, m2, "rss") },
      mode: srv.mode,
      extra: {
        heapKiBIdle: per(m0, m1, "heapUsed"), externalKiBIdle: per(m0, m1, "external"),
        heapKiBAfterMsg: per(m0, m2, "heapUsed"), externalKiBAfterMsg: per(m0, m2, "external"),
      },
    };
  } finally {
    await finish([gen, srv.child]);
  }
}

/** One measured run; failures come back as a Sample with NaN values and the error text. */
export async function runOne(job: Job, kind: Kind, s: Settings): Promise<Sample> {
  try {
    if (job.type === "memory") return await memory(job, kind, s);
    if (job.type === "client") return await client(job, kind, s);
    return await echoOrHandshake(job, kind, s);
  } catch (err) {
    const values: Record<string, number> = {};
    for (const r of job.rows) values[r.id] = NaN;
    return { values, error: err instanceof Error ? err.message : String(err) };
  }
}
