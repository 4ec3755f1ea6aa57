/**
 * One command session: a child process wired to one WebSocket connection. stdout and stderr lines
 * become text messages; messages become stdin lines; whichever side ends first, the other is wound
 * down in order (close handshake, or stdin EOF → grace period → SIGINT → SIGTERM → SIGKILL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { CloseInternalServerErr, CloseNormalClosure, TextMessage, type Conn } from "../../src/index.js";

/** How a session's process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (e.g. ENOENT). */
  error?: Error;
}

/** Options of {@link runCommand}. */
export interface SessionOptions {
  /** ms to wait for the process after stdin was closed, and after each signal. Default 2000. */
  closeGracePeriod?: number;
}

function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error })); // spawn failure
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

function describe(exit: ProcessExit): string {
  if (exit.error) return `cannot start: ${exit.error.message}`.slice(0, 120);
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit ${exit.code}`;
}

/** Sends each line of `stream` as a text message; keeps draining if the connection is gone. */
async function pumpOutput(conn: Conn, stream: Readable): Promise<void> {
  let open = true;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!open) continue; // nobody listens any more, but the pipe must not fill up and block the process
    try {
      await conn.writeMessage(TextMessage, line); // awaited: a slow browser slows the process down
    } catch {
      open = false;
    }
  }
}

/** Writes every message to `stdin` as a line until the peer closes; then closes stdin (EOF). */
async function pumpInput(conn: Conn, stdin: Writable): Promise<void> {
  try {
    for await (const { data } of conn) {
      if (stdin.destroyed || stdin.writableEnded) continue;
      if (!stdin.write(Buffer.concat([data, Buffer.from("\n")]))) await once(stdin, "drain");
    }
  } catch {
    // Dropped connection or protocol error: treated like a close.
  } finally {
    stdin.end();
  }
}

/** Resolves with the process's exit, or undefined if it has not exited within `ms`. */
async function waitExit(exit: Promise<ProcessExit>, ms: number): Promise<ProcessExit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `argv` (`[file, ...args]`, no shell) for the lifetime of `conn` and resolves with the
 * process's exit once both the process and the connection are finished.
 *
 * - The process ends first: its remaining output is sent, then `conn.shutdown(1000, "exit N")`
 *   runs the close handshake (the page sees a clean close with the exit status as the reason).
 * - The browser closes first: stdin is closed; a process that does not exit within the grace
 *   period gets SIGINT, then SIGTERM, then SIGKILL, one grace period apart (gorilla's example).
 */
export async function runCommand(conn: Conn, argv: readonly string[], options: SessionOptions = {}): Promise<ProcessExit> {
  const grace = options.closeGracePeriod ?? 2000;
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  const exit = exitOf(child);
  child.stdin.on("error", () => {}); // EPIPE when the process exits before reading everything

  const output = Promise.all([pumpOutput(conn, child.stdout), pumpOutput(conn, child.stderr)]);
  const input = pumpInput(conn, child.stdin);
  const first = await Promise.race([output.then(() => "process" as const), input.then(() => "peer" as const)]);

  if (first === "process") {
    // Output is over; the process normally exits right after (unless it merely closed stdout).
    const result = await Promise.race([exit, input.then(() => undefined)]);
    if (result !== undefined) {
      const code = result.error ? CloseInternalServerErr : CloseNormalClosure;
      // Queued after the last output line; waits for the browser's close frame (at most `grace` ms).
      await conn.shutdown(code, describe(result), grace);
      await input;
      return result;
    }
  }

  // The browser is gone and stdin is closed: give the process time to finish, then insist.
  let result = await waitExit(exit, grace);
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    if (result !== undefined) break;
    child.kill(signal);
    result = signal === "SIGKILL" ? await exit : await waitExit(exit, grace);
  }
  await output;
  return result!;
}
