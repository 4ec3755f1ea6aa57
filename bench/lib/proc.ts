// Child processes of the benchmark: spawning (servers, the Go load generator, client drivers),
// reading their stdout line by line with bounded waits, and killing every one of them by PID —
// on normal stop, on error, and when the runner itself exits or is interrupted.
import { spawn, fork, type ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();

function killHard(p: ChildProcess): void {
  if (p.pid !== undefined && p.exitCode === null && p.signalCode === null) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

process.on("exit", () => {
  for (const p of live) killHard(p);
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    for (const p of live) killHard(p);
    process.exit(130);
  });
}

export class Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly name: string;
  #lines: string[] = [];
  #waiters: Array<() => void> = [];
  #stderr = "";
  #exited: Promise<void>;

  constructor(name: string, proc: ChildProcess) {
    this.name = name;
    this.proc = proc;
    if (proc.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.pid = proc.pid;
    live.add(proc);
    this.#exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    void this.#exited.then(() => {
      live.delete(proc);
      this.#wake();
    });
    let partial = "";
    proc.stdout?.setEncoding("utf8").on("data", (s: string) => {
      const parts = (partial + s).split("\n");
      partial = parts.pop() ?? "";
      this.#lines.push(...parts);
      this.#wake();
    });
    proc.stderr?.setEncoding("utf8").on("data", (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-4000);
    });
    proc.on("error", () => {});
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get stderr(): string {
    return this.#stderr.trim();
  }

  /** Resolves with the first unread stdout line starting with `prefix` (earlier lines are dropped). */
  async line(prefix: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#lines.length > 0) {
        const l = this.#lines.shift()!;
        if (l.startsWith(prefix)) return l.slice(prefix.length).trim();
      }
      const left = deadline - Date.now();
      if (!this.alive && this.#lines.length === 0) {
        throw new Error(`${this.name} exited (code ${this.proc.exitCode}) before "${prefix}": ${this.stderr}`);
      }
      if (left <= 0) throw new Error(`${this.name}: no "${prefix}" within ${timeoutMs} ms: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(line: string): void {
    this.proc.stdin?.write(line + "\n");
  }

  /** Asks for a clean exit over IPC (so --cpu-prof can write its file), then SIGKILLs by PID. */
  async stop(graceMs = 1500): Promise<void> {
    if (!this.alive) return;
    if (this.proc.connected) {
      try {
        this.proc.send({ cmd: "exit" });
      } catch {
        /* channel closed */
      }
      await Promise.race([this.#exited, new Promise((r) => setTimeout(r, graceMs))]);
    }
    killHard(this.proc);
    await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 2000))]);
  }

  /** One IPC request/response (used for the server's memory after GC). */
  request<T>(msg: object, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.proc.off("message", on);
        reject(new Error(`${this.name}: no IPC answer`));
      }, timeoutMs);
      const on = (m: unknown): void => {
        clearTimeout(t);
        this.proc.off("message", on);
        resolve(m as T);
      };
      this.proc.on("message", on);
      this.proc.send(msg);
    });
  }
}

export interface NodeChildOptions {
  env?: Record<string, string | undefined>;
  execArgv?: string[];
}

let pinned = false;

/**
 * `--pin`: every server process (and its threads) on CPU 0, every load generator and client on
 * CPU 1, through `taskset`. On a 2-core machine this keeps the scheduler from putting the server
 * and its load on one core for part of a run, closer to a server whose clients are on other
 * machines. It narrows silverback's own spread (B 64 KiB: ±5–8 % pinned vs ±9–32 % not); the raw
 * echo's rate still moves by up to 2× between runs either way (its CPU per message: 27–66 µs).
 */
export function setPinning(on: boolean): void {
  pinned = on;
}

function pinCpu(name: string): string | undefined {
  if (!pinned) return undefined;
  return name.startsWith("server-") || name === "go-echo" ? "0" : "1";
}

/** Forks a compiled bench script (stdout piped, IPC channel for memory and clean exit). */
export function forkNode(name: string, script: string, args: string[], o: NodeChildOptions = {}): Child {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...o.env })) if (v !== undefined) env[k] = v;
  const cpu = pinCpu(name);
  const p = cpu === undefined
    ? fork(script, args, { env, execArgv: o.execArgv ?? [], stdio: ["ignore", "pipe", "pipe", "ipc"] })
    : spawn("taskset", ["-c", cpu, process.execPath, ...(o.execArgv ?? []), script, ...args],
      { env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  return new Child(name, p);
}

/** Starts a binary (the Go load generator) with stdin piped for its command modes. */
export function spawnBin(name: string, file: string, args: string[]): Child {
  const cpu = pinCpu(name);
  const p = cpu === undefined
    ? spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] })
    : spawn("taskset", ["-c", cpu, file, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  return new Child(name, p);
}

/** CPU time (ms) of a process from /proc/<pid>/stat, or -1. */
export async function cpuMsOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  try {
    const s = await readFile(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return -1;
  }
}
