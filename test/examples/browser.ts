/**
 * A headless Chromium for the example page tests: the system chromium started by PID with an empty
 * temp profile, driven over CDP with playwright-core. Skips locally when Chromium is missing; in CI
 * (CI set) a missing browser is an error, since scripts/install-peers.sh installs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A running browser; `close()` ends it and removes its profile. */
export interface TestBrowser {
  /** A fresh context (own cookies/storage) per call. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Why the browser tests cannot run here, or null when they can. Throws in CI. */
export async function browserMissing(): Promise<string | null> {
  const path = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  let why: string | null = null;
  if (!existsSync(path)) why = `${path} not found (scripts/install-peers.sh installs it)`;
  else {
    try {
      await import("playwright-core");
    } catch {
      why = "playwright-core is not installed (npm install)";
    }
  }
  if (why !== null && process.env["CI"]) throw new Error(why);
  return why;
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal); // the browser and its renderers (detached: own process group)
  } catch {
    proc.kill(signal);
  }
}

/** Rejects with `what` unless `p` settles within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Starts Chromium (its own PID and process group) and connects to it over CDP. */
export async function launchBrowser(): Promise<TestBrowser> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "silverback-examples-chromium-"));
  const proc = spawn(process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", [
    ...ARGS, `--user-data-dir=${profile}`, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
    "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const cleanup = (): void => {
    killGroup(proc, "SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  };
  process.once("exit", cleanup); // last resort if the test process dies before close()

  let stderr = "";
  let browser: Browser;
  try {
    const endpoint = await within(new Promise<string>((resolve, reject) => {
      proc.stderr!.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-8192);
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      proc.once("error", reject);
      proc.once("exit", (code) => reject(new Error(`chromium exited (${code}): ${stderr}`)));
    }), 30_000, "chromium start");
    browser = await chromium.connectOverCDP(endpoint, { timeout: 30_000 });
  } catch (err) {
    cleanup();
    throw err;
  }

  return {
    newContext: () => browser.newContext(),
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) resolve();
        else proc.once("exit", () => resolve());
      });
      await within(browser.close(), 10_000, "browser close").catch(() => {});
      killGroup(proc, "SIGTERM"); // over CDP, close() only disconnects
      await within(exited, 5_000, "chromium exit").catch(() => killGroup(proc, "SIGKILL"));
      rmSync(profile, { recursive: true, force: true });
      process.off("exit", cleanup);
    },
  };
}
