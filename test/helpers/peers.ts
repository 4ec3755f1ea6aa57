// One launcher for every interop peer (ws, gorilla, python websockets, Chromium, undici): start a server →
// {url, port, stop()}, start a client → ops, availability gating (missing peer: fail in CI, skip elsewhere).
// Every child process is tracked and stopped by its PID with bounded waits; Go peers are built once per source hash.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromiumMissing, closeChromium, startChromiumClient, within } from "./chromium.js";
import { startWsClient, startWsServer } from "../peers/ws-peer.js";
import type { ClientKind, ClientOptions, Op, OpenResult, OpResult, PeerClient, PeerServer, ServerKind, ServerOptions } from "../peers/types.js";

export * from "../peers/types.js";
export { within } from "./chromium.js";

const run = promisify(execFile);
export const INSTALL_HINT = "install the peers with: sudo bash scripts/install-peers.sh";
const GOPATH = "/usr/share/gocode";

/** The repository's test/peers directory (sources of the peer programs), found from the build output. */
export const peersDir: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "test", "peers", "whatwg-peer.js"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("test/peers not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, "test", "peers");
})();

// ── availability ──────────────────────────────────────────────────────────────────────────────────

let python: Promise<string | null> | null = null;
/** A python3 that can import websockets ≥ 10 (Debian's, not a pyenv shim without it), or null. */
export function pythonPath(): Promise<string | null> {
  python ??= (async () => {
    for (const exe of [process.env.SILVERBACK_PYTHON, "/usr/bin/python3", "python3"]) {
      if (!exe) continue;
      const check = "import websockets,sys; sys.exit(0 if int(websockets.__version__.split('.')[0]) >= 10 else 3)";
      if (await run(exe, ["-c", check], { timeout: 15_000 }).then(() => true, () => false)) return exe;
    }
    return null;
  })();
  return python;
}

const missing = new Map<ClientKind, Promise<string | null>>();
/** null when the peer can run here, else the reason. */
export function peerMissing(kind: ClientKind): Promise<string | null> {
  let m = missing.get(kind);
  if (!m) {
    m = (async () => {
      // Lets a developer run without a peer (and check the skip/CI-failure path).
      if ((process.env.SILVERBACK_SKIP_PEERS ?? "").split(",").map((x) => x.trim()).includes(kind)) {
        return "disabled by SILVERBACK_SKIP_PEERS";
      }
      switch (kind) {
        case "ws": return null;
        case "python": return (await pythonPath()) ? null : "no python3 with the websockets module (python3-websockets)";
        case "chromium": return chromiumMissing();
        case "undici": {
          const ok = await run(process.execPath, ["--experimental-websocket", "-e",
            "process.exit(typeof WebSocket === 'function' ? 0 : 1)"], { timeout: 15_000 }).then(() => true, () => false);
          return ok ? null : "this node has no --experimental-websocket WebSocket";
        }
        case "gorilla": {
          if (!existsSync(join(GOPATH, "src/github.com/gorilla/websocket/conn.go"))) {
            return "gorilla/websocket sources missing (golang-github-gorilla-websocket-dev)";
          }
          return (await run("go", ["version"], { timeout: 15_000 }).then(() => true, () => false)) ? null : "go not found (golang-go)";
        }
      }
    })();
    missing.set(kind, m);
  }
  return m;
}

/**
 * Gate for a test that needs `kind`: true when available. A missing peer fails the test when CI is set
 * and skips it (with the install command) elsewhere.
 */
export async function gatePeer(t: TestContext, kind: ClientKind): Promise<boolean> {
  const why = await peerMissing(kind);
  if (why === null) return true;
  const message = `${kind} peer unavailable: ${why}; ${INSTALL_HINT}`;
  if (process.env.CI) throw new Error(message);
  t.skip(message);
  return false;
}

// ── processes ─────────────────────────────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Ends a child: stdin closed (clients leave on EOF), SIGTERM by PID, then SIGKILL by PID; each wait bounded. */
async function stopChild(child: ChildProcess, endsOnEof = true): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(child.pid, sig);
    } catch { /* already gone */ }
  };
  child.stdin?.end();
  if (endsOnEof && (await within(exited(child), 2_000, "exit").then(() => true, () => false))) return;
  signal("SIGTERM");
  if (await within(exited(child), 2_000, "exit").then(() => true, () => false)) return;
  signal("SIGKILL");
  await within(exited(child), 5_000, "exit after SIGKILL").catch(() => {});
}

/** A spawned peer with line-oriented stdout and the tail of its stderr for error messages. */
class LineProcess {
  readonly child: ChildProcess;
  #lines: string[] = [];
  #waiters: Array<() => void> = [];
  #buf = "";
  #closed = false; // stdio closed: every line the process printed has been read
  stderr = "";

  constructor(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
    children.add(this.child);
    this.child.once("exit", () => children.delete(this.child));
    this.child.once("close", () => {
      this.#closed = true;
      this.#wake();
    });
    this.child.stdin!.on("error", () => {});
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      this.#buf += d;
      let i: number;
      while ((i = this.#buf.indexOf("\n")) >= 0) {
        this.#lines.push(this.#buf.slice(0, i));
        this.#buf = this.#buf.slice(i + 1);
      }
      this.#wake();
    });
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      this.stderr = (this.stderr + d).slice(-4096);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next stdout line, or an error after ms or when the process exits without one. */
  async nextLine(ms: number, what: string): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      if (this.#closed) {
        throw new Error(`${what}: peer exited (${this.child.exitCode ?? this.child.signalCode}); stderr: ${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: no answer within ${ms} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  stop(endsOnEof = true): Promise<void> {
    return stopChild(this.child, endsOnEof);
  }
}

/** Stops every peer process still running (by PID) and the shared browser. Call it from after(). */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  await closeChromium();
}

// ── Go build ──────────────────────────────────────────────────────────────────────────────────────

const builds = new Map<string, Promise<string>>();
/** Builds test/peers/<name>.go in GOPATH mode into a temp dir, reused while the source hash is unchanged. */
export function goBinary(name: "gorilla-server" | "gorilla-client"): Promise<string> {
  let b = builds.get(name);
  if (!b) {
    b = (async () => {
      const src = join(peersDir, `${name}.go`);
      const hash = createHash("sha256").update(readFileSync(src)).digest("hex").slice(0, 16);
      const dir = join(tmpdir(), "silverback-peers");
      const bin = join(dir, `${name}-${hash}`);
      if (existsSync(bin)) return bin;
      mkdirSync(dir, { recursive: true });
      const tmp = `${bin}.${process.pid}.tmp`;
      const env = { ...process.env, GO111MODULE: "off", GOPATH, GOCACHE: join(dir, "gocache"), GOFLAGS: "" };
      await run("go", ["build", "-o", tmp, src], { env, timeout: 180_000 }).catch((err: { stderr?: string }) => {
        throw new Error(`go build ${name} failed: ${err.stderr ?? String(err)}`);
      });
      renameSync(tmp, bin); // atomic: concurrent test files may build the same source
      return bin;
    })();
    builds.set(name, b);
  }
  return b;
}

// ── servers ───────────────────────────────────────────────────────────────────────────────────────

/** Starts an echo server peer on 127.0.0.1:0 (commands: "!close code reason", "!ping b64", "!frag n size"). */
export async function startServer(kind: ServerKind, opts: ServerOptions = {}): Promise<PeerServer> {
  if (kind === "ws") return startWsServer(opts);
  const protocols = (opts.subprotocols ?? []).join(",");
  let proc: LineProcess;
  if (kind === "gorilla") {
    const args = [`-compress=${Boolean(opts.compress)}`, `-subprotocols=${protocols}`, `-reject-origin=${opts.rejectOrigin ?? ""}`];
    proc = new LineProcess(await goBinary("gorilla-server"), args);
  } else {
    const args = [join(peersDir, "py-server.py"), "--subprotocols", protocols, "--reject-origin", opts.rejectOrigin ?? ""];
    if (opts.compress) args.push("--compress");
    proc = new LineProcess((await pythonPath()) ?? "python3", args, { PYTHONUNBUFFERED: "1" });
  }
  let port: number;
  try {
    port = Number(await proc.nextLine(20_000, `${kind} server start`));
  } catch (err) {
    await proc.stop(false);
    throw err;
  }
  return { kind, port, url: `ws://127.0.0.1:${port}/`, stop: () => proc.stop(false) };
}

// ── clients ───────────────────────────────────────────────────────────────────────────────────────

async function processClient(kind: ClientKind, proc: LineProcess): Promise<PeerClient> {
  let open: OpenResult;
  try {
    open = JSON.parse(await proc.nextLine(20_000, `${kind} client handshake`)) as OpenResult;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  let chain: Promise<unknown> = Promise.resolve();
  return {
    kind,
    open,
    op(o: Op): Promise<OpResult> {
      // Ops are answered in order, one line each; serialize callers so answers cannot be swapped.
      const result = chain.then(async () => {
        proc.child.stdin!.write(JSON.stringify(o) + "\n");
        return JSON.parse(await proc.nextLine((o.timeout ?? 20_000) + 10_000, `${kind} ${o.op}`)) as OpResult;
      });
      chain = result.catch(() => {});
      return result;
    },
    stop: () => proc.stop(),
  };
}

/** Connects a client peer to url; `open` tells how the handshake went. */
export async function startClient(kind: ClientKind, url: string, opts: ClientOptions = {}): Promise<PeerClient> {
  const protocols = (opts.subprotocols ?? []).join(",");
  switch (kind) {
    case "ws": return startWsClient(url, opts);
    case "chromium": return startChromiumClient(peersDir, url, opts);
    case "gorilla": {
      const args = [`-url=${url}`, `-subprotocols=${protocols}`, `-compress=${Boolean(opts.compress)}`, `-origin=${opts.origin ?? ""}`];
      return processClient(kind, new LineProcess(await goBinary("gorilla-client"), args));
    }
    case "python": {
      const args = [join(peersDir, "py-client.py"), url, "--subprotocols", protocols, "--origin", opts.origin ?? ""];
      if (opts.compress) args.push("--compress");
      return processClient(kind, new LineProcess((await pythonPath()) ?? "python3", args, { PYTHONUNBUFFERED: "1" }));
    }
    case "undici": {
      const args = ["--experimental-websocket", "--no-warnings", join(peersDir, "undici-client.mjs"), url, "--subprotocols", protocols];
      return processClient(kind, new LineProcess(process.execPath, args));
    }
  }
}

/** Runs a whole script: connect, every op in order, stop. */
export async function runClient(kind: ClientKind, url: string, opts: ClientOptions, ops: Op[]): Promise<{ open: OpenResult; results: OpResult[] }> {
  const client = await startClient(kind, url, opts);
  const results: OpResult[] = [];
  try {
    if (client.open.event === "open") for (const o of ops) results.push(await client.op(o));
  } finally {
    await client.stop();
  }
  return { open: client.open, results };
}
