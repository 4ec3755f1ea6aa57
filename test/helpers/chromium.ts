// Headless Chromium as an interop peer: spawns the system chromium (own PID, empty temp profile), drives it
// with playwright-core over CDP, and runs test/peers/whatwg-peer.js in a page served from 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { ClientOptions, Op, OpenResult, OpResult, PeerClient } from "../peers/types.js";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** null when Chromium and playwright-core are usable, else why not. */
export async function chromiumMissing(): Promise<string | null> {
  if (!existsSync(chromiumPath())) return `${chromiumPath()} not found`;
  try {
    await import("playwright-core");
  } catch {
    return "playwright-core is not installed (npm install)";
  }
  return null;
}

/** Rejects with `what` unless `p` settles within ms. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** A Chromium started by PID (own process group, empty temp profile) and attached over CDP. */
export interface LaunchedChromium {
  browser: Browser;
  /** Disconnects, ends the process group by PID and removes the profile. */
  close(): Promise<void>;
}

/**
 * Starts the system Chromium and connects to it. playwright's launch() refuses --user-data-dir,
 * so we start the browser ourselves (we own its PID) and attach over CDP; `detached` gives it a
 * process group to kill with its renderers.
 */
export async function launchChromium(profilePrefix = "silverback-chromium-"): Promise<LaunchedChromium> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  const proc = spawn(chromiumPath(), [...CHROMIUM_ARGS, `--user-data-dir=${profile}`,
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
  { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const cleanup = (): void => {
    killGroup(proc, "SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  };
  process.once("exit", cleanup); // last resort if the run dies before close()
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
    browser,
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) resolve();
        else proc.once("exit", () => resolve());
      });
      // Over CDP, browser.close() only disconnects; the process group is ended by its PID.
      await within(browser.close(), 10_000, "browser close").catch(() => {});
      killGroup(proc, "SIGTERM");
      await within(exited, 5_000, "chromium exit").catch(() => {});
      cleanup();
      process.off("exit", cleanup);
    },
  };
}

interface Session { chrome: LaunchedChromium; browser: Browser; pages: Server; pageUrl: string }
let session: Promise<Session> | null = null;

function servePages(dir: string): Promise<Server> {
  const script = readFileSync(join(dir, "whatwg-peer.js"));
  const html = '<!doctype html><meta charset="utf-8"><title>peer</title><script src="/whatwg-peer.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === "/whatwg-peer.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else if (req.url === "/") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function launch(peersDir: string): Promise<Session> {
  const chrome = await launchChromium();
  const pages = await servePages(peersDir);
  const pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`;
  return { chrome, browser: chrome.browser, pages, pageUrl };
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal);
  }
}

/** Opens a page on the peer page server; the browser starts on first use and is shared. */
export async function openPage(peersDir: string): Promise<{ page: Page; pageUrl: string }> {
  session ??= launch(peersDir);
  const s = await session;
  const context = s.browser.contexts()[0] ?? (await s.browser.newContext());
  const page = await context.newPage();
  await page.goto(s.pageUrl, { timeout: 20_000 });
  return { page, pageUrl: s.pageUrl };
}

/** A Chromium WebSocket client to url: the page's origin is the page server, not the ws server. */
export async function startChromiumClient(peersDir: string, url: string, opts: ClientOptions = {}): Promise<PeerClient> {
  const { page } = await openPage(peersDir);
  const call = <T>(expr: string, ms: number) => within(page.evaluate(expr) as Promise<T>, ms, expr.slice(0, 60));
  const open = await call<OpenResult>(`whatwgPeer.open(${JSON.stringify(url)}, ${JSON.stringify(opts.subprotocols ?? [])})`, 20_000);
  return {
    kind: "chromium",
    open,
    op: (o: Op) => call<OpResult>(`whatwgPeer.op(${JSON.stringify(o)})`, (o.timeout ?? 20_000) + 10_000),
    async stop() {
      await within(page.close(), 10_000, "page close").catch(() => {});
    },
  };
}

/** Closes the browser (CDP), then kills its process group by PID and removes the profile. */
export async function closeChromium(): Promise<void> {
  if (!session) return;
  const pending = session;
  session = null;
  let s: Session;
  try {
    s = await pending;
  } catch {
    return;
  }
  await s.chrome.close();
  await new Promise<void>((resolve) => s.pages.close(() => resolve()));
}
