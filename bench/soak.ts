/**
 * `npm run soak -- [--conns 10000] [--churn 30] [--rounds 3]` (not in CI). A silverback echo
 * server runs in a child process on 127.0.0.1; this process opens --conns concurrent client conns
 * (each exchanging --rounds messages), then churns (connect, exchange, close) for --churn seconds,
 * then closes everything with the closing handshake. Reports the server's peak RSS, RSS per conn,
 * heap after GC against its baseline and open fds before/after, plus errors. Targets: 0 errors,
 * heap back within 5 % of baseline, no fd leak. The fd limit is raised via bash `ulimit -n`.
 */
import { fork, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import http from "node:http";
import type net from "node:net";
import { fileURLToPath } from "node:url";
import type { Conn } from "../src/conn/conn.js";
import { acceptConn, bounded, dialConn, echoLoop, loadLib, type Lib } from "../test/conformance/lib.js";

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2); // --conns N --churn S --rounds R --warm W
const num = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const fds = (): number => readdirSync("/proc/self/fd").length;
const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

interface Mem { rss: number; heapUsed: number; maxRSS: number; fds: number; conns: number }

// ---- server (child) -----------------------------------------------------------------------

async function server(): Promise<void> {
  const lib = await loadLib();
  let conns = 0;
  let sockets = 0;
  const idle: Array<() => void> = [];
  const settled = (): void => {
    if (conns === 0 && sockets === 0) for (const w of idle.splice(0)) w();
  };
  const srv = http.createServer((_req, res) => res.end("soak"));
  srv.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    sockets++;
    socket.on("error", () => {});
    socket.once("close", () => {
      sockets--;
      settled();
    });
    acceptConn(lib, req, socket, head, { readLimit: 1 << 20 }).then(async (conn) => {
      conns++;
      await echoLoop(conn);
      conns--;
      settled();
    }, () => {});
  });
  srv.listen(0, "127.0.0.1", 8192, () => process.send!({ port: (srv.address() as net.AddressInfo).port, via: lib !== null ? "Upgrader" : "newConn" }));
  process.on("message", async (cmd: string) => {
    // "idle": answer once every conn and socket is released (at most 30 s later).
    if (cmd === "idle") await bounded(new Promise<void>((r) => (idle.push(r), settled())), 30_000, undefined);
    const gc = (globalThis as { gc?: () => void }).gc!;
    gc();
    gc();
    const m = process.memoryUsage();
    const reply: Mem = { rss: m.rss, heapUsed: m.heapUsed, maxRSS: process.resourceUsage().maxRSS * 1024, fds: fds(), conns };
    process.send!(reply);
  });
  process.on("disconnect", () => process.exit(0));
}

// ---- load (parent) ------------------------------------------------------------------------

let errors = 0;
const errorKinds = new Map<string, number>();
function fail(where: string, e: unknown): void {
  errors++;
  const k = `${where}: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`;
  errorKinds.set(k, (errorKinds.get(k) ?? 0) + 1);
}

async function exchange(conn: Conn, rounds: number, tag: string): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const msg = `${tag} round ${i} ${"x".repeat(40)}`;
    await conn.writeMessage(1, msg);
    const m = await conn.readMessage();
    if (m.data.toString() !== msg) throw new Error("echo mismatch");
  }
}

/** Runs `fn` over 0..n-1 with at most `limit` in flight. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** Replaces random conns of `conns` (close handshake, new dial, exchange) for `seconds`, 64 at a time. */
async function churn(conns: Conn[], seconds: number, dial: () => Promise<Conn>, rounds: number, stop: () => boolean): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let churned = 0;
  const busy = new Set<number>();
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (Date.now() < end && !stop()) {
      const i = Math.floor(Math.random() * conns.length);
      if (busy.has(i)) continue;
      busy.add(i);
      try {
        const r = await conns[i]!.shutdown(1000, "churn", 10_000);
        if (r === null || r.code !== 1000) fail("churn close", r ?? "timeout");
        conns[i] = await dial();
        await exchange(conns[i]!, rounds, `n${churned}`);
        churned++;
      } catch (e) {
        fail("churn", e);
      } finally {
        busy.delete(i);
      }
    }
  }));
  return churned;
}

async function load(): Promise<number> {
  const N = num("conns", 10_000);
  const CHURN_S = num("churn", 30);
  const ROUNDS = num("rounds", 3);
  const WARM = num("warm", N); // a full-scale cycle first: structures sized by peak concurrency then exist in the baseline
  const child = fork(self, ["--server"], { execArgv: ["--expose-gc"], stdio: "inherit" });
  let exited = false;
  child.on("exit", () => (exited = true));
  const { port, via } = await new Promise<{ port: number; via: string }>((r) => child.once("message", (m: { port: number; via: string }) => r(m)));
  const mem = (cmd = "mem"): Promise<Mem> => new Promise((r) => {
    child.once("message", (m: Mem) => r(m));
    child.send(cmd);
  });
  const fresh = await mem();
  const lib: Lib | null = await loadLib();
  const url = `ws://127.0.0.1:${port}/`;
  const dial = (): Promise<Conn> => dialConn(lib, url, { handshakeTimeout: 30_000 });
  // Warm-up: a burst of conns opened, used and closed, so that modules, node's HTTP parser free
  // list (up to 1000 parsers) and other process-wide caches exist before the baseline is taken.
  const warm: Conn[] = [];
  await pool(WARM, 256, async () => {
    const c = await dial();
    warm.push(c);
    await exchange(c, 1, "warm");
  });
  await churn(warm, num("warm-churn", 5), dial, ROUNDS, () => exited);
  await pool(warm.length, 512, (i) => warm[i]!.shutdown(1000, "", 10_000).then(() => undefined));
  warm.length = 0;
  if (errors > 0) console.log(`warm-up: ${errors} errors`);
  await mem("idle");
  const base = await mem("idle");
  const clientFds0 = fds();
  console.log(`soak: server pid ${child.pid} via ${via}; ${N} conns × ${ROUNDS} messages, then ${CHURN_S} s of churn`);
  console.log(`fresh server: rss ${mib(fresh.rss)}, heap ${mib(fresh.heapUsed)}; after warm-up (${WARM} conns + ${num("warm-churn", 5)} s churn):`);
  console.log(`baseline: server rss ${mib(base.rss)}, heap ${mib(base.heapUsed)}, fds ${base.fds}; client fds ${clientFds0}`);

  // 1. Ramp up to N concurrent conns, each exchanging messages.
  const t0 = Date.now();
  const conns: Conn[] = [];
  await pool(N, 256, async (i) => {
    try {
      const c = await dial();
      conns.push(c);
      await exchange(c, 1, `c${i}`);
    } catch (e) {
      fail("connect", e);
    }
  });
  const ramp = (Date.now() - t0) / 1000;
  await Promise.all(conns.map((c, i) => exchange(c, ROUNDS, `p${i}`).catch((e: unknown) => fail("exchange", e))));
  const peak = await mem();
  console.log(`peak: ${conns.length} conns open (ramp ${ramp.toFixed(1)} s); server rss ${mib(peak.rss)}, heap ${mib(peak.heapUsed)}, ` +
    `fds ${peak.fds}, conns ${peak.conns}; rss/conn ${((peak.rss - base.rss) / Math.max(1, conns.length) / 1024).toFixed(1)} KiB, ` +
    `heap/conn ${((peak.heapUsed - base.heapUsed) / Math.max(1, conns.length) / 1024).toFixed(1)} KiB`);

  // 2. Churn: replace random conns (close handshake, new dial, exchange) until the time is up.
  const churned = await churn(conns, CHURN_S, dial, ROUNDS, () => exited);
  const afterChurn = await mem();
  console.log(`churn: ${churned} conns replaced in ${CHURN_S} s (${(churned / CHURN_S).toFixed(0)}/s); server rss ${mib(afterChurn.rss)}, heap ${mib(afterChurn.heapUsed)}, fds ${afterChurn.fds}`);

  // 3. Close everything with the closing handshake; wait for the server to release every conn.
  await pool(conns.length, 512, async (i) => {
    const r = await conns[i]!.shutdown(1000, "", 10_000).catch((e: unknown) => e);
    if (!(r instanceof Error && (r as { code?: number }).code === 1000)) fail("final close", r);
  });
  conns.length = 0;
  const end = await mem("idle");
  const heapDelta = (end.heapUsed - base.heapUsed) / base.heapUsed;
  const peakRss = Math.max(peak.maxRSS, afterChurn.maxRSS, end.maxRSS);
  console.log("\nresults (server process)");
  console.log(`  peak RSS            ${mib(peakRss)} (baseline ${mib(base.rss)})`);
  console.log(`  RSS per conn        ${((peak.rss - base.rss) / N / 1024).toFixed(1)} KiB above the warm baseline, ${((peak.rss - fresh.rss) / N / 1024).toFixed(1)} KiB above the fresh process, at ${N} conns`);
  console.log(`  heap per conn       ${((peak.heapUsed - base.heapUsed) / N / 1024).toFixed(1)} KiB at ${N} conns`);
  console.log(`  heap after GC       ${mib(end.heapUsed)} vs baseline ${mib(base.heapUsed)} (${(heapDelta * 100).toFixed(1)} %)`);
  console.log(`  open fds            before ${base.fds}, peak ${peak.fds}, after ${end.fds}`);
  console.log(`  client fds          before ${clientFds0}, after ${fds()}`);
  console.log(`  errors              ${errors}`);
  for (const [k, n] of errorKinds) console.log(`    ${n} × ${k}`);
  const ok = errors === 0 && heapDelta <= 0.05 && end.fds <= base.fds && end.conns === 0 && !exited;
  console.log(ok ? "soak: OK" : "soak: FAILED (targets: 0 errors, heap within 5 %, no fd leak)");
  child.kill("SIGKILL");
  return ok ? 0 : 1;
}

// ---- entry: raise the fd limit once, through bash ----------------------------------------

if (args.includes("--server")) {
  await server();
} else if (process.env["SOAK_FDS_RAISED"] !== "1") {
  const sh = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  const p = spawn("bash", ["-c", sh, process.execPath, self, ...args], { stdio: "inherit", env: { ...process.env, SOAK_FDS_RAISED: "1" } });
  p.on("exit", (code) => process.exit(code ?? 1));
} else {
  load().then((code) => process.exit(code), (e: unknown) => {
    console.error(e);
    process.exit(2);
  });
}
