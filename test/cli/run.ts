/**
 * Test helpers for the CLI: spawn the compiled `build/src/cli/silverback.js` with piped stdio and wait
 * for output by pattern (bounded, no sleeps); an in-process WebSocket server on a free port.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Upgrader, type Conn, type UpgraderOptions } from "../../src/index.js";

/** The compiled CLI entry: build/src/cli/silverback.js. */
export const CLI = fileURLToPath(new URL("../../src/cli/silverback.js", import.meta.url));

/** A spawned CLI process. */
export interface Cli {
  proc: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first match of `re` in the stream's output so far or to come. */
  waitFor(stream: "stdout" | "stderr", re: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited(ms?: number): Promise<number | string>;
  /** Writes to stdin. */
  write(text: string): void;
  /** Ends stdin. */
  end(): void;
  /** SIGKILL if still running (for `finally`). */
  kill(): void;
}

/** Spawns `node build/src/cli/silverback.js ...args`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const proc = spawn(process.execPath, [CLI, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_PROXY: "*", no_proxy: "*", ...env },
  });
  const out = { stdout: "", stderr: "" };
  const waiters = new Set<() => void>();
  for (const name of ["stdout", "stderr"] as const) {
    proc[name].setEncoding("utf8");
    proc[name].on("data", (d: string) => {
      out[name] += d;
      for (const w of waiters) w();
    });
  }
  const exit = new Promise<number | string>((resolve) => proc.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  proc.stdin.on("error", () => {}); // EPIPE if the CLI exits before reading its input

  function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n` +
        `stdout: ${out.stdout}\nstderr: ${out.stderr}`)), ms);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  }

  return {
    proc,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    waitFor(stream, re, ms = 10_000) {
      let check: () => void = () => {};
      const found = new Promise<RegExpExecArray>((resolve, reject) => {
        check = () => {
          const m = re.exec(out[stream]);
          if (m) resolve(m);
        };
        void exit.then(() => {
          check();
          reject(new Error(`CLI exited before ${stream} matched ${re}`));
        });
        check();
      });
      waiters.add(check);
      return timeout(found, ms, `${stream} to match ${re}`).finally(() => waiters.delete(check));
    },
    exited: (ms = 10_000) => timeout(exit, ms, "the CLI to exit"),
    write: (text) => void proc.stdin.write(text),
    end: () => void proc.stdin.end(),
    kill: () => void (proc.exitCode === null && proc.signalCode === null && proc.kill("SIGKILL")),
  };
}

/** An in-process WebSocket server on 127.0.0.1 that runs `handler` for each connection. */
export interface TestServer {
  url: string;
  port: number;
  server: Server;
  /** Requests of every upgrade attempt, in order. */
  requests: IncomingMessage[];
  close(): Promise<void>;
}

/** Starts a server whose `'upgrade'` listener upgrades with `options` and runs `handler`. */
export async function testServer(
  handler: (conn: Conn, req: IncomingMessage) => Promise<void>,
  options: UpgraderOptions = {},
): Promise<TestServer> {
  const upgrader = new Upgrader(options);
  const requests: IncomingMessage[] = [];
  const conns = new Set<Conn>();
  const server = createServer((_, res) => res.writeHead(404).end());
  server.on("upgrade", async (req, socket, head) => {
    requests.push(req);
    let conn: Conn;
    try {
      conn = await upgrader.upgrade(req, socket, head);
    } catch {
      return;
    }
    conns.add(conn);
    try {
      await handler(conn, req);
    } catch {
      conn.close();
    }
    conns.delete(conn);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    server,
    requests,
    async close() {
      for (const c of conns) c.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
